"""`make test`: static checks, and the suite on SQLite and, when one answers, PostgreSQL.

The three run side by side (each database's suite with its own workers, data directory and
test database): on two cores most of a browser test's time is spent waiting, and the machine's
other load takes less of the run's share. The whole suite runs on both databases (for a quicker
check, REFUGE_TEST_DATABASE_ONLY=1 in conftest.py runs only the database tests again).
Each line of output says which run printed it. Prints which databases the suite ran on, says
loudly what it skipped and which tests failed, and ends with one line of totals over every run.

A test that fails in the parallel run is run once more, alone, on the same database: a few
tests (a worker process, the two-server deployment) wait for real processes against deadlines,
and other processes on the machine can starve them. A test
that passes alone is reported as FLAKY by name, loudly, and does not fail the run; one that
fails again does. More than a handful of failures are not re-run: that is a broken build.
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


RERUN_LIMIT = 5  # more failures than this in one run are not re-run


def pytest_run(
    label: str, extra_env: dict[str, str], marker: str, tests: list[str] | None = None
) -> tuple[int, Path]:
    """The suite (or only `tests`, one process) on one database; exit code and JUnit report."""
    report = Path(tempfile.mkstemp(prefix=f"refuge-{label}-", suffix=".xml")[1])
    env = {**os.environ, **extra_env}
    env.setdefault("REFUGE_DATA_DIR", tempfile.mkdtemp(prefix=f"refuge-test-{label}-"))
    parallel = ["-n", "0", *tests] if tests else ["-n", workers()]
    command = [str(BIN / "pytest"), *parallel, f"--junitxml={report}"]
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


def failures(report: Path) -> dict[str, str]:
    """Node id -> first line of its failure's message, for each test that failed or erred."""
    failed: dict[str, str] = {}
    for case in _cases(report):
        problem = case.find("failure")
        if problem is None:
            problem = case.find("error")
        if problem is not None:
            message = (problem.get("message") or "").strip().splitlines() or [""]
            failed[node_id(case.get("classname", ""), case.get("name", ""))] = message[0][:200]
    return failed


def node_id(classname: str, name: str) -> str:
    """pytest's node id from JUnit's dotted class name (module path, then any classes)."""
    parts = classname.split(".")
    for cut in range(len(parts), 0, -1):
        module = Path(*parts[:cut]).with_suffix(".py")
        if module.exists():
            return "::".join([module.as_posix(), *parts[cut:], name])
    return f"{classname}::{name}"


def rerun_alone(
    label: str, extra_env: dict[str, str], marker: str, failed: dict[str, str]
) -> tuple[list[str], list[str]]:
    """Run the failed tests once more, one process; returns (flaky, still failing)."""
    if not failed or len(failed) > RERUN_LIMIT:
        return [], list(failed)
    say(label, f"Re-running {len(failed)} failed test(s) alone: {', '.join(failed)}")
    _code, report = pytest_run(f"{label}-rerun", extra_env, marker, tests=list(failed))
    again = failures(report)
    ran = {case.get("name") for case in _cases(report)}
    still = [test for test in failed if test in again or test.rsplit("::", 1)[-1] not in ran]
    return [test for test in failed if test not in still], still


def _cases(report: Path) -> list[ET.Element]:
    root = _parsed(report)
    return [] if root is None else list(root.iter("testcase"))


def print_failures(
    outcome: dict[str, tuple[list[str], list[str]]], failed_by_run: dict[str, dict[str, str]]
) -> int:
    """Name every failed test, flaky or not; returns how many failures count."""
    counted = 0
    for name, (flaky, still) in outcome.items():
        messages = failed_by_run[name]
        for test in flaky:
            print(f"  FLAKY on {name}: failed in the parallel run, PASSED ALONE: {test}: "
                  f"{messages[test]}")  # fmt: skip
        for test in still:
            print(f"  FAILED on {name}: {test}: {messages.get(test, '')}")
        counted += len(still)
        if not still and not flaky:  # pytest failed without a failing test (a crash)
            counted += 1
            print(f"  FAILED on {name}: pytest failed without a failed test (see its output)")
    return counted


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
    failed_by_run = {name: failures(report) for name, (_, report) in results.items()}
    outcome = {
        name: rerun_alone(name, runs[name], marker, failed)
        for name, failed in failed_by_run.items()
        if results[name][0] != 0
    }
    print(f"\nDatabases: {', '.join(results)}; static checks {'passed' if ok else 'FAILED'}")
    for name, (code, _) in results.items():
        print(f"  {name}: exit {code}, {counts[name]}")
    print_skips({name: report for name, (_, report) in results.items()})
    still_failing = print_failures(outcome, failed_by_run)
    flaky_count = sum(len(flaky) for flaky, _ in outcome.values())
    passed = summary["tests"] - summary["failures"] - summary["errors"] - summary["skipped"]
    print(f"total: {passed + flaky_count} passed ({flaky_count} of them only when re-run alone), "
          f"{still_failing} failed, {summary['skipped']} skipped")  # fmt: skip
    return 0 if ok and still_failing == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
