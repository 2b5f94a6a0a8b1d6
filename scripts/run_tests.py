"""`make test`: static checks, then the suite on SQLite and, when one answers, PostgreSQL.

Prints which databases the suite ran on, says loudly what it skipped, and ends with one
line of totals over every run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

BIN = Path(sys.executable).parent
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"


def banner(text: str) -> None:
    print("\n" + "#" * 78 + f"\n# {text}\n" + "#" * 78, flush=True)


def run(command: list[str], env: dict[str, str] | None = None) -> int:
    print("$ " + " ".join(command), flush=True)
    return subprocess.call(command, env=env)


def static_checks() -> bool:
    ok = run([str(BIN / "ruff"), "check", "src", "tests", "bench", "scripts"]) == 0
    ok = run([str(BIN / "mypy")]) == 0 and ok
    bandit = [str(BIN / "bandit"), "-q", "-c", "pyproject.toml", "-r", "src", "-lll"]
    return run(bandit) == 0 and ok


def supply_chain_check() -> bool:
    """pip-audit on the locked dependencies. A known vulnerability fails the run; a database
    that cannot be reached (or does not know a package) is said plainly and passes."""
    report = Path(tempfile.mkstemp(prefix="refuge-pip-audit-", suffix=".json")[1])
    code = run([str(BIN / "pip-audit"), "--no-deps", "--disable-pip", "-r", "requirements.lock",
                "--progress-spinner", "off",
                "--timeout", "20", "--format", "json", "--output", str(report)])
    try:
        dependencies = json.loads(report.read_text(encoding="utf-8") or "{}").get(
            "dependencies", [])
    except ValueError:
        dependencies = []
    vulnerable = [d["name"] for d in dependencies if d.get("vulns")]
    skipped = [d["name"] for d in dependencies if d.get("skip_reason")]
    if vulnerable:
        print(f"pip-audit: KNOWN VULNERABILITIES in {', '.join(vulnerable)}", flush=True)
        return False
    if code != 0 or not dependencies:
        print("pip-audit: the vulnerability database could not be reached; "
              "dependencies NOT audited (passing).", flush=True)
    elif skipped:
        print(f"pip-audit: no known vulnerability; {len(skipped)} of {len(dependencies)} "
              "dependencies could not be looked up in the vulnerability database "
              "(NOT audited).", flush=True)
    else:
        print(f"pip-audit: no known vulnerability in {len(dependencies)} dependencies.",
              flush=True)
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


def pytest_run(label: str, extra_env: dict[str, str], marker: str) -> tuple[int, dict[str, int]]:
    report = Path(tempfile.mkstemp(prefix=f"refuge-{label}-", suffix=".xml")[1])
    env = {**os.environ, **extra_env}
    env.setdefault("REFUGE_DATA_DIR", tempfile.mkdtemp(prefix=f"refuge-test-{label}-"))
    command = [str(BIN / "pytest"), "-n", os.environ.get("REFUGE_TEST_WORKERS", "2"),
               f"--junitxml={report}"]
    if marker:
        command += ["-m", marker]
    code = run(command, env=env)
    return code, totals(report)


def totals(report: Path) -> dict[str, int]:
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    if report.stat().st_size == 0:
        return counts
    root = ET.parse(report).getroot()  # noqa: S314 - our own file
    for suite in [root, *root.iter("testsuite")][1:] or [root]:
        for key in counts:
            counts[key] += int(suite.get(key, 0))
    return counts


def main() -> int:
    banner("Static checks: ruff, mypy, bandit (high severity)")
    ok = static_checks()
    ok = supply_chain_check() and ok
    marker = ""
    if shutil.which("chromium") is None and shutil.which("chromium-browser") is None:
        banner("NO CHROMIUM: BROWSER TESTS ARE SKIPPED (apt-get install chromium)")
        marker = "not browser"
    results: dict[str, tuple[int, dict[str, int]]] = {}
    banner("Suite on SQLite")
    results["sqlite"] = pytest_run("sqlite", {"DATABASE_URL": ""}, marker)
    url = postgres_url()
    if url:
        banner(f"Suite on PostgreSQL ({url})")
        results["postgresql"] = pytest_run("postgresql", {"DATABASE_URL": url}, marker)
    else:
        banner("POSTGRESQL NOT AVAILABLE: the suite ran on SQLite only")
    summary = {key: sum(result[1][key] for result in results.values())
               for key in ("tests", "failures", "errors", "skipped")}
    failed = summary["failures"] + summary["errors"]
    passed = summary["tests"] - failed - summary["skipped"]
    print(f"\nDatabases: {', '.join(results)}; static checks {'passed' if ok else 'FAILED'}")
    for name, (code, counts) in results.items():
        print(f"  {name}: exit {code}, {counts}")
    ok = ok and all(code == 0 for code, _ in results.values())
    print(f"total: {passed} passed, {failed} failed, {summary['skipped']} skipped")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
