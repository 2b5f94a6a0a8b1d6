"""`make test`: static checks, and the suite on SQLite and, when one answers, PostgreSQL.

The three run side by side (each database's suite with its own workers, data directory and
test database): on two cores most of a browser test's time is spent waiting, and the machine's
other load takes less of the run's share. The whole suite runs on both databases (for a quicker
check, REFUGE_TEST_DATABASE_ONLY=1 in conftest.py runs only the database tests again).
Each line of output says which run printed it. Prints which databases the suite ran on, says
loudly what it skipped, and ends with one line of totals over every run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

BIN = Path(sys.executable).parent
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"


def banner(text: str) -> None:
    print("\n" + "#" * 78 + f"\n# {text}\n" + "#" * 78, flush=True)


PRINT_LOCK = threading.Lock()


def say(label: str, line: str) -> None:
    with PRINT_LOCK:
        print(f"[{label}] {line}" if label else line, flush=True)


def run(command: list[str], env: dict[str, str] | None = None, label: str = "") -> int:
    """Run a command, each line of its output prefixed by the run's label."""
    say(label, "$ " + " ".join(command))
    process = subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
    )
    assert process.stdout is not None
    for line in process.stdout:
        say(label, line.rstrip("\n"))
    return process.wait()


def static_checks() -> bool:
    ok = run([str(BIN / "ruff"), "check", "src", "tests", "bench", "scripts"], label="static") == 0
    formatted = [str(BIN / "ruff"), "format", "--check", "src", "tests", "bench", "scripts"]
    ok = run([*formatted, "conftest.py"], label="static") == 0 and ok
    ok = run([str(BIN / "lint-imports")], label="static") == 0 and ok
    ok = run([str(BIN / "mypy")], label="static") == 0 and ok
    bandit = [str(BIN / "bandit"), "-q", "-c", "pyproject.toml", "-r", "src", "-lll"]
    return run(bandit, label="static") == 0 and ok


def supply_chain_check() -> bool:
    """pip-audit on the locked dependencies. A known vulnerability fails the run; a database
    that cannot be reached (or does not know a package) is said plainly and passes."""
    report = Path(tempfile.mkstemp(prefix="refuge-pip-audit-", suffix=".json")[1])
    code = run(
        [
            str(BIN / "pip-audit"),
            "--no-deps",
            "--disable-pip",
            "-r",
            "requirements.lock",
            "--progress-spinner",
            "off",
            "--timeout",
            "20",
            "--format",
            "json",
            "--output",
            str(report),
        ],
        label="static",
    )
    try:
        dependencies = json.loads(report.read_text(encoding="utf-8") or "{}").get(
            "dependencies", []
        )
    except ValueError:
        dependencies = []
    vulnerable = [d["name"] for d in dependencies if d.get("vulns")]
    skipped = [d["name"] for d in dependencies if d.get("skip_reason")]
    if vulnerable:
        say("static", f"pip-audit: KNOWN VULNERABILITIES in {', '.join(vulnerable)}")
        return False
    if code != 0 or not dependencies:
        say(
            "static",
            "pip-audit: the vulnerability database could not be reached; "
            "dependencies NOT audited (passing).",
        )
    elif skipped:
        say(
            "static",
            f"pip-audit: no known vulnerability; {len(skipped)} of {len(dependencies)} "
            "dependencies could not be looked up in the vulnerability database (NOT audited).",
        )
    else:
        say("static", f"pip-audit: no known vulnerability in {len(dependencies)} dependencies.")
    return True


def postgres_url() -> str | None:
    url = os.environ.get("REFUGE_TEST_DATABASE_URL", DEFAULT_POSTGRES_URL)
    try:
        import psycopg

        with psycopg.connect(url, connect_timeout=3):
            return url
    except Exception as error:  # noqa: BLE001 - any failure means "no PostgreSQL here"
        print(f"PostgreSQL not reachable at {url}: {type(error).__name__}", flush=True)
        return None


def workers() -> str:
    """Test processes per database: REFUGE_TEST_WORKERS, else 2 per run on a quiet machine.

    On a machine that other processes already keep busy (a load average above twice its cores)
    the scheduler shares the CPU among runnable processes, so a run of two workers gets a
    sliver: it takes four, for its fair share of a busy machine.
    """
    if "REFUGE_TEST_WORKERS" in os.environ:
        return os.environ["REFUGE_TEST_WORKERS"]
    busy = os.getloadavg()[0] > 2 * (os.cpu_count() or 1)
    return "4" if busy else "2"


def pytest_run(label: str, extra_env: dict[str, str], marker: str) -> tuple[int, Path]:
    report = Path(tempfile.mkstemp(prefix=f"refuge-{label}-", suffix=".xml")[1])
    env = {**os.environ, **extra_env}
    env.setdefault("REFUGE_DATA_DIR", tempfile.mkdtemp(prefix=f"refuge-test-{label}-"))
    command = [str(BIN / "pytest"), "-n", workers(), f"--junitxml={report}"]
    if marker:
        command += ["-m", marker]
    code = run(command, env=env, label=label)
    return code, report


def _parsed(report: Path) -> ET.Element | None:
    if report.stat().st_size == 0:
        return None
    return ET.parse(report).getroot()  # noqa: S314 - our own file


def totals(report: Path) -> dict[str, int]:
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    root = _parsed(report)
    if root is None:
        return counts
    for suite in [root, *root.iter("testsuite")][1:] or [root]:
        for key in counts:
            counts[key] += int(suite.get(key, 0))
    return counts


def skip_reasons(report: Path) -> Counter[str]:
    """How many tests each skip reason left out of one run."""
    root = _parsed(report)
    reasons: Counter[str] = Counter()
    for skipped in [] if root is None else root.iter("skipped"):
        reasons[(skipped.get("message") or "no reason given").strip()[:160]] += 1
    return reasons


def print_skips(reports: dict[str, Path]) -> None:
    """Every reason a test was skipped, per database: nothing is left out silently."""
    for name, report in reports.items():
        for reason, count in sorted(skip_reasons(report).items()):
            print(f"  SKIPPED on {name}: {count} test(s): {reason}")


def main() -> int:
    banner("Static checks (ruff, import layers, mypy, bandit, pip-audit) beside the suite")
    marker = ""
    if shutil.which("chromium") is None and shutil.which("chromium-browser") is None:
        banner("NO CHROMIUM: BROWSER TESTS ARE SKIPPED (apt-get install chromium)")
        marker = "not browser"
    if shutil.which("dovecot") is None and not Path("/usr/sbin/dovecot").exists():
        banner("NO DOVECOT: E-MAIL CHANNEL IMAP TESTS ARE SKIPPED (apt-get install dovecot-imapd)")
    if shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists():
        banner(
            "NO NGINX: THE TWO-SERVER DEPLOYMENT TEST IS SKIPPED (apt-get install nginx; "
            "tests/test_deployment.py)"
        )
    say("", f"Load average {os.getloadavg()[0]:.1f}: {workers()} test processes per database.")
    runs: dict[str, dict[str, str]] = {"sqlite": {"DATABASE_URL": ""}}
    url = postgres_url()
    if url:
        runs["postgresql"] = {"DATABASE_URL": url}
        say("", f"PostgreSQL at {url}: the whole suite runs there too.")
    else:
        banner("POSTGRESQL NOT AVAILABLE: the suite ran on SQLite only")
    if os.environ.get("REFUGE_TEST_SPARK") != "1":
        banner(
            "NOT RUN HERE: the Spark engine's tests (about five minutes on two cores): "
            "make test-spark (.ci/run runs it after make test)"
        )
    results: dict[str, tuple[int, Path]] = {}
    checks: dict[str, bool] = {}

    def suite(label: str, extra_env: dict[str, str]) -> None:
        results[label] = pytest_run(label, extra_env, marker)

    def static() -> None:
        audited = supply_chain_check()
        checks["static"] = static_checks() and audited

    threads = [threading.Thread(target=static)]
    threads += [threading.Thread(target=suite, args=item) for item in runs.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ok = checks.get("static", False)
    counts = {name: totals(report) for name, (_, report) in results.items()}
    summary = {
        key: sum(each[key] for each in counts.values())
        for key in ("tests", "failures", "errors", "skipped")
    }
    failed = summary["failures"] + summary["errors"]
    passed = summary["tests"] - failed - summary["skipped"]
    print(f"\nDatabases: {', '.join(results)}; static checks {'passed' if ok else 'FAILED'}")
    for name, (code, _) in results.items():
        print(f"  {name}: exit {code}, {counts[name]}")
    print_skips({name: report for name, (_, report) in results.items()})
    ok = ok and all(code == 0 for code, _ in results.values())
    print(f"total: {passed} passed, {failed} failed, {summary['skipped']} skipped")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
