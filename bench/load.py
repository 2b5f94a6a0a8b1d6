"""`make bench BENCH=load`: 32 concurrent clients for 60 s against `refuge serve` on loopback.

A fresh installation (`refuge setup` in a temporary data dir, SQLite, production settings)
gets one operator per console client, each with a known TOTP secret. Then, for 60 seconds:
- reporters GET the public form and POST an anonymous report (following the redirect to the
  receipt page), as a person at risk would;
- mailbox readers open their mailbox with the receipt of their own report and read it;
- console users log in through the real two-step login once, then page through the console.
Every HTTP request is timed. Figures: `load_rps` (requests per second, all kinds),
`load_p99_ms` (99th percentile latency of one request), `load_errors` (any unexpected
status, or a failed connection; must be 0). REFUGE_BENCH_LOAD_SECONDS and
REFUGE_BENCH_LOAD_CLIENTS change the duration and the number of clients.

When the intake (public form and mailbox) is not installed, anonymous clients read the
public pages that exist instead (the login page and /healthz), and the output says so.
"""

from __future__ import annotations

import abc
import contextlib
import hashlib
import hmac
import http.client
import os
import re
import secrets
import signal
import socket
import struct
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
SECONDS = float(os.environ.get("REFUGE_BENCH_LOAD_SECONDS", "60"))
CLIENTS = int(os.environ.get("REFUGE_BENCH_LOAD_CLIENTS", "32"))
WORKERS = os.environ.get("REFUGE_BENCH_LOAD_WORKERS", "4")
THREADS = os.environ.get("REFUGE_BENCH_LOAD_THREADS", "8")
PASSWORD = "bench-password-" + secrets.token_hex(8)
REPORT = {
    "body": "Соседа забрали ночью, телефон выключен. Нужна помощь адвоката.",
    "urgency": "detained",
    "reporter_kind": "other",
    "contact": "",
    "website": "",
}
CONSOLE_CANDIDATES = [
    "/console/",
    "/console/accounts/password/",
    "/console/accounts/duress/",
    "/console/hotline/",
    "/console/cases/",
]
MAKE_OPERATORS = """
import sys
import django
django.setup()
from refuge.accounts import totp
from refuge.accounts.roles import Role
from refuge.accounts.services import create_operator
password, count = sys.argv[1], int(sys.argv[2])
for index in range(count):
    operator = create_operator(created_by=None, username=f"bench{index}", role=Role.OPERATOR,
                               password=password, on_intake_duty=index == 0)
    totp.enrol(operator, seed=f"bench{index}".encode().ljust(20, b"0")[:20], name="bench",
               confirmed=True)
"""


class UnexpectedAnswer(Exception):
    pass


def totp(secret: bytes, at: float | None = None) -> str:
    """RFC 6238, as django-otp computes it (SHA-1, 30 s, 6 digits)."""
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(secret, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def _environment(data_dir: Path) -> dict[str, str]:
    environment = dict(os.environ)
    environment.update(
        {
            "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'src'}",
            "DJANGO_SETTINGS_MODULE": "refuge.config.settings.prod",
            "REFUGE_DATA_DIR": str(data_dir),
            "DATABASE_URL": "",
            "REFUGE_SECRET_KEY": secrets.token_urlsafe(50),
            "REFUGE_ALLOWED_HOSTS": "127.0.0.1",
            "REFUGE_LOG_LEVEL": "WARNING",
            # One address sending as fast as it can: lift the abuse limits and lockouts.
            "REFUGE_INTAKE_MIN_FILL_SECONDS": "0",
            "REFUGE_INTAKE_REPORTS_PER_ADDRESS": "1000000000",
            "REFUGE_INTAKE_REPORTS_GLOBAL": "1000000000",
            "REFUGE_INTAKE_MAILBOX_PER_ADDRESS": "1000000000",
            "REFUGE_INTAKE_MAILBOX_GLOBAL": "1000000000",
            # Loopback is a shared address (refuge.core.addresses): per browser and shared budgets.
            "REFUGE_INTAKE_REPORTS_PER_BROWSER": "1000000000",
            "REFUGE_INTAKE_REPORTS_SHARED": "1000000000",
            "REFUGE_INTAKE_MAILBOX_PER_BROWSER": "1000000000",
            "REFUGE_INTAKE_MAILBOX_SHARED": "1000000000",
            "REFUGE_LOGIN_LOCKOUT_FAILURES": "1000000",
            "REFUGE_LOGIN_LOCKOUT_ACCOUNT_FAILURES": "1000000",
        }
    )
    return environment


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def prepare(environment: dict[str, str], operators: int) -> None:
    command = [sys.executable, "-m", "refuge.cli"]
    subprocess.run(
        [*command, "setup"], env=environment, check=True, stdout=subprocess.DEVNULL, timeout=600
    )
    subprocess.run(
        [sys.executable, "-c", MAKE_OPERATORS, PASSWORD, str(max(operators, 1))],
        env=environment,
        check=True,
        timeout=600,
    )


def start_server(environment: dict[str, str]) -> tuple[subprocess.Popen[bytes], int]:
    """Start `refuge serve` on a free loopback port in its own process group; wait for it."""
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
    deadline = time.monotonic() + 600  # a loaded CI machine starts gunicorn slowly
    while not _answers(port):
        if server.poll() is not None or time.monotonic() > deadline:
            stop_server(server, signal.SIGKILL)
            raise RuntimeError("the server did not start")
        time.sleep(0.3)
    return server, port


def stop_server(server: subprocess.Popen[bytes], how: signal.Signals = signal.SIGTERM) -> None:
    """Stop exactly the process group we started (SIGKILL to simulate a crash)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, how)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)


@contextlib.contextmanager
def serving(environment: dict[str, str]) -> Iterator[int]:
    """Run `refuge serve` until the block ends."""
    server, port = start_server(environment)
    try:
        yield port
    finally:
        stop_server(server)


def _answers(port: int) -> bool:
    with contextlib.suppress(OSError, http.client.HTTPException):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    return False


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class Browser(abc.ABC):
    """One client: a keep-alive connection, a cookie jar, every request timed."""

    def __init__(self, port: int, tally: Tally) -> None:
        self.port = port
        self.tally = tally
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.cookies: dict[str, str] = {}

    def request(
        self,
        method: str,
        path: str,
        form: dict[str, str] | None = None,
        expect: tuple[int, ...] = (200,),
    ) -> tuple[str, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.monotonic()
        try:
            response = self._send(method, path, body, headers)
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # The server closed an idle keep-alive connection before we sent: a browser opens
            # a new one and sends again; so do we, once.
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            started = time.monotonic()
            response = self._send(method, path, body, headers)
        content = response.read().decode(errors="replace")
        elapsed = time.monotonic() - started
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                for morsel in SimpleCookie(value).values():
                    self.cookies[morsel.key] = morsel.value
        with self.tally.lock:
            self.tally.latencies.append(elapsed)
        if response.status not in expect:
            raise UnexpectedAnswer(f"{method} {path}: {response.status}")
        return content, response.getheader("Location") or ""

    def _send(
        self, method: str, path: str, body: str | None, headers: dict[str, str]
    ) -> http.client.HTTPResponse:
        self.connection.request(method, path, body=body, headers=headers)
        return self.connection.getresponse()

    @abc.abstractmethod
    def step(self) -> None:
        """One unit of this client's work (several requests)."""

    def hidden_fields(self, page: str) -> dict[str, str]:
        return dict(re.findall(r'name="(csrfmiddlewaretoken|token)" value="([^"]+)"', page))


class Reporter(Browser):
    def submit(self, body: str = REPORT["body"]) -> str:
        """Send one report; return the receipt shown once."""
        self.cookies.clear()
        page, _ = self.request("GET", "/")
        _, location = self.request(
            "POST", "/", {**REPORT, "body": body, **self.hidden_fields(page)}, expect=(302, 303)
        )
        receipt_page, _ = self.request("GET", location)
        found = re.search(r'class="receipt">([^<]+)<', receipt_page)
        return found.group(1).strip() if found else ""

    def step(self) -> None:
        self.submit()


class MailboxReader(Reporter):
    receipt = ""

    def read(self, receipt: str) -> str:
        """Open the mailbox with a receipt; return the mailbox page."""
        self.cookies.clear()
        page, _ = self.request("GET", "/mailbox/")
        _, location = self.request(
            "POST",
            "/mailbox/open/",
            {**self.hidden_fields(page), "receipt": receipt},
            expect=(302, 303),
        )
        content, _ = self.request("GET", location)
        return content

    def step(self) -> None:
        if not self.receipt:
            self.receipt = self.submit()
        self.read(self.receipt)


class PublicReader(Browser):
    """Fallback when the intake is not installed: the public pages that exist."""

    def step(self) -> None:
        self.request("GET", "/console/accounts/login/")
        self.request("GET", "/healthz")


class ConsoleUser(Browser):
    pages: list[str] = []
    username = ""

    def log_in(self) -> None:
        page, _ = self.request("GET", "/console/accounts/login/")
        self.request(
            "POST",
            "/console/accounts/login/",
            {**self.hidden_fields(page), "username": self.username, "password": PASSWORD},
            expect=(302,),
        )
        page, _ = self.request("GET", "/console/accounts/login/code/")
        secret = self.username.encode().ljust(20, b"0")[:20]
        self.request(
            "POST",
            "/console/accounts/login/code/",
            {**self.hidden_fields(page), "code": totp(secret)},
            expect=(302,),
        )

    def step(self) -> None:
        for path in self.pages:
            self.request("GET", path)


def _console_pages(port: int, tally: Tally, username: str) -> list[str]:
    probe = ConsoleUser(port, tally)
    probe.username = username
    probe.log_in()
    pages = []
    for path in CONSOLE_CANDIDATES:
        with contextlib.suppress(UnexpectedAnswer):
            probe.request("GET", path)
            pages.append(path)
    return pages


def _intake_installed(port: int) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/")
    response = connection.getresponse()
    page = response.read().decode(errors="replace")
    return response.status == 200 and 'name="token"' in page


def _make_clients(port: int, tally: Tally, intake: bool, pages: list[str]) -> list[Browser]:
    clients: list[Browser] = []
    for index in range(CLIENTS):
        kind = index % 4
        if kind == 3:
            user = ConsoleUser(port, tally)
            user.username, user.pages = f"bench{index // 4 + 1}", pages
            user.log_in()
            clients.append(user)
        elif not intake:
            clients.append(PublicReader(port, tally))
        else:
            clients.append(MailboxReader(port, tally) if kind == 2 else Reporter(port, tally))
    return clients


def drive(clients: list[Browser], seconds: float) -> float:
    deadline = time.monotonic() + seconds

    def loop(client: Browser) -> None:
        while time.monotonic() < deadline:
            try:
                client.step()
            except (OSError, UnexpectedAnswer, http.client.HTTPException) as error:
                with client.tally.lock:
                    client.tally.errors += 1
                print(f"  error: {type(error).__name__}: {error}", flush=True)
                client.connection = http.client.HTTPConnection(
                    "127.0.0.1", client.port, timeout=120
                )

    started = time.monotonic()
    threads = [threading.Thread(target=loop, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 300)
    return time.monotonic() - started


def main() -> None:
    console_clients = (CLIENTS + 3) // 4
    with tempfile.TemporaryDirectory(prefix="refuge-bench-load-") as data_dir:
        environment = _environment(Path(data_dir))
        prepare(environment, console_clients + 1)
        with serving(environment) as port:
            setup_tally = Tally()
            intake = _intake_installed(port)
            pages = _console_pages(port, setup_tally, "bench0")
            tally = Tally()
            clients = _make_clients(port, tally, intake, pages)
            tally.latencies.clear()  # logging in is set-up, not load
            print(
                f"load: {CLIENTS} clients for {SECONDS:.0f} s; intake "
                f"{'installed' if intake else 'NOT installed: public pages instead'}; "
                f"console pages {pages}",
                flush=True,
            )
            elapsed = drive(clients, SECONDS)
    ordered = sorted(tally.latencies)
    p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] * 1000 if ordered else 0.0
    record(
        {
            "load_rps": round(len(ordered) / elapsed, 1),
            "load_p99_ms": round(p99, 1),
            "load_errors": tally.errors + setup_tally.errors,
        }
    )


if __name__ == "__main__":
    main()
