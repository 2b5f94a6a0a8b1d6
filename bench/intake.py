"""`make bench BENCH=intake`: public page weight, and report throughput through the real server.

Page weight: each public page's HTML and its style sheet, gzipped, and the requests a browser
makes for it. Throughput: `refuge serve` (gunicorn, several workers) on loopback with a fresh
installation (`refuge setup`, one intake operator, so every report is sealed to someone), then
the same server running a bare Django view that stores the same fields unencrypted
and does the same Argon2id receipt derivation (bench/bare, loaded through its own settings
module; never part of the product). Each simulated reporter GETs the form (CSRF cookie and
token), POSTs it and follows the 303 to the receipt page: one submission. Zero errors expected.
"""

from __future__ import annotations

import contextlib
import gzip
import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

from bench.results import record

ROOT = Path(__file__).resolve().parents[1]
CONCURRENCY_LEVELS = (8, 32)
SECONDS = float(os.environ.get("REFUGE_BENCH_INTAKE_SECONDS", "30"))  # per server and level
ROUNDS = 2
# `refuge serve`'s defaults: more threads than cores only queue at SQLite's write lock.
WORKERS = os.environ.get("REFUGE_BENCH_INTAKE_WORKERS", "3")
THREADS = os.environ.get("REFUGE_BENCH_INTAKE_THREADS", "4")
SUBRESOURCE = re.compile(
    r"<(?:script|img|iframe|audio|video|source|embed|object)\b|<link\b(?![^>]*href=\"data:)"
    r"[^>]*>|url\(",
    re.IGNORECASE,
)
REPORT = {
    "body": "Моего брата вчера забрали из дома, телефон выключен. Нужна помощь адвоката.",
    "urgency": "detained",
    "reporter_kind": "other",
    "contact": "после 21:00",
    "website": "",
}


def _environment(data_dir: Path, settings_module: str) -> dict[str, str]:
    environment = dict(os.environ)
    environment.update(
        {
            "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'src'}",
            "DJANGO_SETTINGS_MODULE": settings_module,
            "REFUGE_DATA_DIR": str(data_dir),
            "REFUGE_SECRET_KEY": secrets.token_urlsafe(50),
            "REFUGE_ALLOWED_HOSTS": "127.0.0.1",
            "REFUGE_LOG_LEVEL": "WARNING",
            # A load test is one address sending as fast as it can: lift the abuse limits.
            "REFUGE_INTAKE_MIN_FILL_SECONDS": "0",
            "REFUGE_INTAKE_REPORTS_PER_ADDRESS": "1000000000",
            "REFUGE_INTAKE_REPORTS_GLOBAL": "1000000000",
            # Loopback is a shared address (refuge.core.addresses): per browser and shared budgets.
            "REFUGE_INTAKE_REPORTS_PER_BROWSER": "1000000000",
            "REFUGE_INTAKE_REPORTS_SHARED": "1000000000",
        }
    )
    return environment


def _refuge(environment: dict[str, str], *arguments: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "refuge.cli", *arguments],
        env=environment,
        check=True,
        stdout=subprocess.DEVNULL,
        timeout=600,
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def serving(environment: dict[str, str]) -> Iterator[int]:
    """Run `refuge serve` until the block ends; stop exactly the process group it started."""
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "refuge.cli",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            WORKERS,
            "--threads",
            THREADS,
        ],
        env=environment,
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        _wait_until_up(port, server)
        yield port
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)


def _wait_until_up(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("the server exited during start-up")
        with contextlib.suppress(OSError):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/")
            if connection.getresponse().status == 200:
                return
        time.sleep(0.3)
    raise RuntimeError("the server did not start in 90 s")


class Browser:
    """One reporter: a keep-alive connection and a cookie jar."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        content = response.read().decode()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                for morsel in SimpleCookie(value).values():
                    self.cookies[morsel.key] = morsel.value
        return response.status, response.getheader("Location") or "", content

    def submit(self) -> None:
        """GET the form, POST it, follow the 303; raise on anything unexpected."""
        self.cookies.clear()
        status, _, page = self.request("GET", "/")
        fields = dict(re.findall(r'name="(csrfmiddlewaretoken|token)" value="([^"]+)"', page))
        if status != 200 or "csrfmiddlewaretoken" not in fields:
            raise RuntimeError(f"form page answered {status}")
        status, location, _ = self.request(
            "POST", "/", urllib.parse.urlencode({**REPORT, **fields})
        )
        if status != 303 or not location:  # Refuge shows the receipt at "/", bare at /receipt/
            raise RuntimeError(f"submission answered {status} to {location or 'nowhere'}")
        status, _, _ = self.request("GET", location)
        if status != 200:
            raise RuntimeError(f"receipt page answered {status}")


@dataclass
class LoadResult:
    submissions: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        return self.submissions / self.seconds if self.seconds else 0.0

    def percentile(self, fraction: float) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000


def run_load(port: int, concurrency: int, seconds: float) -> LoadResult:
    result = LoadResult()
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def reporter() -> None:
        browser = Browser(port)
        while time.monotonic() < deadline:
            started = time.monotonic()
            try:
                browser.submit()
            except (OSError, RuntimeError, http.client.HTTPException):
                with lock:
                    result.errors += 1
                browser = Browser(port)
                continue
            with lock:
                result.submissions += 1
                result.latencies.append(time.monotonic() - started)

    started = time.monotonic()
    threads = [threading.Thread(target=reporter) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.monotonic() - started
    return result


def _gzipped(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9))


def page_weight(browser: Browser, path: str) -> tuple[int, int, int]:
    """(gzipped bytes of the page and its style sheets, raw bytes, requests a browser makes)."""
    status, _, html = browser.request("GET", path)
    if status != 200:
        raise RuntimeError(f"{path} answered {status}")
    total, raw = _gzipped(html.encode()), len(html.encode())
    for href in re.findall(r'<link rel="stylesheet" href="([^"]+)"', html):
        _, _, css = browser.request("GET", href)
        total, raw = total + _gzipped(css.encode()), raw + len(css.encode())
    return total, raw, 1 + len(SUBRESOURCE.findall(html))


def measure_pages(port: int) -> dict[str, tuple[int, int, int]]:
    browser = Browser(port)
    weights = {path: page_weight(browser, path) for path in ("/", "/en/", "/mailbox/")}
    _, _, page = browser.request("GET", "/")
    fields = dict(re.findall(r'name="(csrfmiddlewaretoken|token)" value="([^"]+)"', page))
    _, location, _ = browser.request("POST", "/", urllib.parse.urlencode({**REPORT, **fields}))
    _, _, receipt_page = browser.request("GET", location)
    weights["receipt (once)"] = (
        _gzipped(receipt_page.encode()),
        len(receipt_page.encode()),
        1 + len(SUBRESOURCE.findall(receipt_page)),
    )
    receipt = re.search(r'class="receipt">([0-9 ]+)<', receipt_page)
    if receipt is None:
        raise RuntimeError("no receipt shown")
    browser.request(
        "POST",
        "/mailbox/open/",
        urllib.parse.urlencode(
            {"receipt": receipt.group(1), "csrfmiddlewaretoken": fields["csrfmiddlewaretoken"]}
        ),
    )
    weights["mailbox with thread"] = page_weight(browser, "/mailbox/")
    return weights


def _merge(results: list[LoadResult]) -> LoadResult:
    merged = LoadResult()
    for result in results:
        merged.submissions += result.submissions
        merged.errors += result.errors
        merged.seconds += result.seconds
        merged.latencies.extend(result.latencies)
    return merged


def compare(ports: dict[str, int]) -> dict[str, dict[int, LoadResult]]:
    """Alternate short rounds between the servers, so load from anything else on the machine
    falls on both alike; merge each server's rounds per concurrency level."""
    for port in ports.values():
        run_load(port, 8, 4.0)  # warm-up: every worker thread loads catalogues, templates
    results: dict[str, dict[int, LoadResult]] = {label: {} for label in ports}
    for concurrency in CONCURRENCY_LEVELS:
        rounds: dict[str, list[LoadResult]] = {label: [] for label in ports}
        for _ in range(ROUNDS):
            for label, port in ports.items():
                rounds[label].append(run_load(port, concurrency, SECONDS / ROUNDS))
        for label in ports:
            result = results[label][concurrency] = _merge(rounds[label])
            print(
                f"{label:<7} concurrency {concurrency:>2}: {result.per_second:6.2f} "
                f"submissions/s, p50 {result.percentile(0.50):6.0f} ms, "
                f"p99 {result.percentile(0.99):6.0f} ms, {result.submissions} ok, "
                f"{result.errors} errors",
                flush=True,
            )
    return results


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="refuge-bench-intake-") as root:
        refuge_env = _environment(Path(root) / "refuge", "refuge.config.settings.prod")
        _refuge(refuge_env, "setup")
        _refuge(refuge_env, "createoperator", "bench-intake", "--role", "operator", "--intake")
        bare_env = _environment(Path(root) / "bare", "bench.bare.settings")
        _refuge(bare_env, "migrate", "--run-syncdb", "--verbosity", "0")
        with serving(refuge_env) as refuge_port, serving(bare_env) as bare_port:
            weights = measure_pages(refuge_port)
            print(f"{'page':<22}{'gzip bytes':>12}{'raw bytes':>11}{'requests':>10}")
            for name, (gzipped, raw, requests) in weights.items():
                print(f"{name:<22}{gzipped:>12}{raw:>11}{requests:>10}")
            results = compare({"Refuge": refuge_port, "bare": bare_port})
    refuge, bare = results["Refuge"], results["bare"]
    top = CONCURRENCY_LEVELS[-1]
    for concurrency in CONCURRENCY_LEVELS:
        ratio = refuge[concurrency].per_second / max(bare[concurrency].per_second, 1e-9)
        print(f"Refuge/bare at concurrency {concurrency}: {ratio:.2f}")
    record(
        {
            "intake_page_gzip_bytes": weights["/"][0],
            "intake_page_requests": weights["/"][2],
            "intake_reports_per_s": round(refuge[top].per_second, 2),
            "intake_throughput_ratio": round(
                refuge[top].per_second / max(bare[top].per_second, 1e-9), 3
            ),
            "intake_latency_p50_ms": round(refuge[top].percentile(0.50)),
            "intake_latency_p99_ms": round(refuge[top].percentile(0.99)),
            "intake_errors": sum(result.errors for result in (*refuge.values(), *bare.values())),
        }
    )


if __name__ == "__main__":
    main()
