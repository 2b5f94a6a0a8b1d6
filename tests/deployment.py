"""A deployment on loopback for tests/test_deployment.py: the repository's deploy/ files rendered
for a temporary directory, two `refuge serve` processes and a real nginx, and an HTTPS client
that speaks from a chosen loopback address (a person on their own connection).

Only what must differ on a test machine is replaced in the deploy/ files (ports, names, paths);
each replacement must find its text, so the files and this code cannot drift apart silently.
"""

from __future__ import annotations

import contextlib
import html.parser
import http.client
import os
import pwd
import shlex
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
HOST = "localhost"  # the certificate's name, standing in for hotline.example.org


def nginx_binary() -> str | None:
    found = shutil.which("nginx")
    if found:
        return found
    return "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def replaced(text: str, replacements: Mapping[str, str], name: str) -> str:
    """Each `old` must be in the file: a deploy file that changed shape fails the test."""
    for old, new in replacements.items():
        assert old in text, f"{name} no longer contains {old!r}: update tests/deployment.py"
        text = text.replace(old, new)
    return text


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=value lines, as systemd's EnvironmentFile reads them (comments and blanks skipped)."""
    values: dict[str, str] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


# --- TLS: a certificate authority of the test, and the site's certificate ------------------


def make_certificate(directory: Path) -> tuple[Path, Path, Path]:
    """(CA certificate, site certificate chain, site key) for `localhost` and 127.0.0.1, made
    with the openssl command (a certificate authority of the test's own signs the site's)."""
    openssl = shutil.which("openssl")
    assert openssl, "openssl is needed to make the test certificate"
    ca_key, ca_file = directory / "ca.key", directory / "ca.pem"
    key_file, request, site = (
        directory / "privkey.pem",
        directory / "site.csr",
        directory / "site.pem",
    )
    extensions = directory / "site.ext"
    extensions.write_text(
        f"subjectAltName=DNS:{HOST},IP:127.0.0.1\n"
        "basicConstraints=critical,CA:FALSE\n"
        "keyUsage=critical,digitalSignature\n"
        "extendedKeyUsage=serverAuth\n"
    )
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    commands = [
        [
            openssl,
            "req",
            "-x509",
            *ec,
            "-keyout",
            str(ca_key),
            "-out",
            str(ca_file),
            "-days",
            "1",
            "-subj",
            "/CN=Refuge test CA",
            "-addext",
            "basicConstraints=critical,CA:TRUE,pathlen:0",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ],
        [
            openssl,
            "req",
            "-new",
            *ec,
            "-keyout",
            str(key_file),
            "-out",
            str(request),
            "-subj",
            f"/CN={HOST}",
        ],
        [
            openssl,
            "x509",
            "-req",
            "-in",
            str(request),
            "-CA",
            str(ca_file),
            "-CAkey",
            str(ca_key),
            "-CAcreateserial",
            "-out",
            str(site),
            "-days",
            "1",
            "-sha256",
            "-extfile",
            str(extensions),
        ],
    ]
    for command in commands:
        done = subprocess.run(command, capture_output=True, timeout=60, check=False)
        assert done.returncode == 0, done.stderr.decode(errors="replace")
    chain = directory / "fullchain.pem"
    chain.write_bytes(site.read_bytes() + ca_file.read_bytes())
    key_file.chmod(0o600)
    return ca_file, chain, key_file


# --- nginx ----------------------------------------------------------------------------------


@dataclass
class Ports:
    https: int
    http: int
    onion: int
    app: tuple[int, int]


def render_nginx(directory: Path, ports: Ports, chain: Path, key: Path) -> Path:
    """deploy/nginx/refuge.conf and its snippet, for this directory and these ports, inside a
    top-level nginx.conf of the test's own (the one Debian ships stays untouched)."""
    snippet = directory / "refuge-proxy.conf"
    snippet.write_text((DEPLOY / "nginx" / "refuge-proxy.conf").read_text(encoding="utf-8"))
    site = replaced(
        (DEPLOY / "nginx" / "refuge.conf").read_text(encoding="utf-8"),
        {
            "server 127.0.0.1:8001 max_fails": f"server 127.0.0.1:{ports.app[0]} max_fails",
            "server 127.0.0.1:8002 max_fails": f"server 127.0.0.1:{ports.app[1]} max_fails",
            # The test's own log also says which upstream failed, and why.
            "/var/log/nginx/refuge.error.log crit": f"{directory / 'refuge.error.log'} error",
            "    listen [::]:80;\n": "",
            "    listen [::]:443 ssl http2;\n": "",
            "listen 80;": f"listen 127.0.0.1:{ports.http};",
            "listen 443 ssl http2;": f"listen 127.0.0.1:{ports.https} ssl http2;",
            "listen 127.0.0.1:8080;": f"listen 127.0.0.1:{ports.onion};",
            "/etc/letsencrypt/live/hotline.example.org/fullchain.pem": str(chain),
            "/etc/letsencrypt/live/hotline.example.org/privkey.pem": str(key),
            "hotline.example.org": HOST,
            "/var/www/letsencrypt": str(directory / "acme"),
            "/etc/nginx/snippets/refuge-proxy.conf": str(snippet),
        },
        "deploy/nginx/refuge.conf",
    )
    (directory / "refuge.conf").write_text(site)
    # Run by root (as CI is), nginx's workers would become "nobody", who cannot enter the
    # test's private temporary directory.
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};\n" if os.geteuid() == 0 else ""
    temp = "\n".join(
        f"    {name}_temp_path {directory / name};"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    main = directory / "nginx.conf"
    main.write_text(
        f"{user}daemon off;\nworker_processes 1;\npid {directory / 'nginx.pid'};\n"
        f"error_log {directory / 'nginx.error.log'} warn;\n"
        "events { worker_connections 512; }\n"
        f"http {{\n{temp}\n    include {directory / 'refuge.conf'};\n}}\n"
    )
    return main


def start_nginx(binary: str, directory: Path, config: Path) -> subprocess.Popen[bytes]:
    checked = subprocess.run(
        [binary, "-t", "-p", str(directory), "-c", str(config), "-e", str(directory / "t.log")],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr.decode(errors="replace")
    log = (directory / "nginx.out").open("wb")
    process = subprocess.Popen(
        [binary, "-p", str(directory), "-c", str(config), "-e", str(directory / "start.log")],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log.close()
    return process


def wait_for_port(port: int, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, f"process for port {port} exited with {process.returncode}"
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing listens on port {port} after {seconds} s")


# --- the app servers, as deploy/systemd/refuge-serve@.service starts them ------------------


def unit_command(unit_name: str, instance: str = "") -> list[str]:
    """ExecStart of a unit in deploy/systemd (for this instance), run from this venv."""
    unit = (DEPLOY / "systemd" / unit_name).read_text(encoding="utf-8")
    line = next(item for item in unit.splitlines() if item.startswith("ExecStart="))
    command = shlex.split(line.removeprefix("ExecStart=").replace("%i", instance))
    assert command[0] == "/opt/refuge/.venv/bin/refuge", command
    return [sys.executable, "-m", "refuge.cli", *command[1:]]


def serve_command(port: int) -> list[str]:
    return unit_command("refuge-serve@.service", str(port))


def start_worker(env: Mapping[str, str], log_dir: Path) -> subprocess.Popen[bytes]:
    """`refuge worker` as deploy/systemd/refuge-worker.service starts it."""
    log = (log_dir / "worker.log").open("wb")
    process = subprocess.Popen(
        unit_command("refuge-worker.service"),
        env=dict(env),
        cwd=log_dir,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log.close()
    return process


@dataclass
class AppServer:
    port: int
    env: Mapping[str, str]
    log_dir: Path
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0

    def start(self) -> None:
        self.starts += 1
        log = (self.log_dir / f"serve-{self.port}-{self.starts}.log").open("wb")
        self.process = subprocess.Popen(
            serve_command(self.port),
            env=dict(self.env),
            cwd=self.log_dir,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the master and its workers
        )
        log.close()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log_tail()
            if self.healthy():
                return
            time.sleep(0.2)
        raise AssertionError(f"refuge serve on {self.port} never became healthy\n{self.log_tail()}")

    def healthy(self) -> bool:
        try:
            status, _, _ = direct_request(self.port, "GET", "/healthz", {})
        except OSError:
            return False
        return status == 200

    def stop(self) -> None:
        """As systemd stops refuge-serve@.service (KillMode=mixed): SIGTERM to gunicorn's
        master, which lets its workers finish the requests in hand; then SIGKILL to what is
        left of the group."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        finally:
            self.kill()

    def kill(self) -> None:
        """SIGKILL to the whole process group: the master and its workers, at once."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=60)

    def log_tail(self) -> str:
        logs = sorted(self.log_dir.glob(f"serve-{self.port}-*.log"))
        return logs[-1].read_text(errors="replace")[-3000:] if logs else ""


def direct_request(
    port: int, method: str, path: str, headers: Mapping[str, str]
) -> tuple[int, http.client.HTTPMessage, str]:
    """A request to one app server itself, past nginx, as nginx would send it (from 127.0.0.1,
    the trusted proxy, saying the client's connection was HTTPS)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(
            method, path, headers={"Host": HOST, "X-Forwarded-Proto": "https", **headers}
        )
        response = connection.getresponse()
        return response.status, response.headers, response.read().decode(errors="replace")
    finally:
        connection.close()


def stop_process(process: subprocess.Popen[bytes] | None, sig: signal.Signals) -> None:
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, sig)
        process.wait(timeout=30)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


# --- a person's browser, without JavaScript, on a loopback address of its own ---------------


class _Inputs(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hidden: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "input" and values.get("type") == "hidden" and values.get("name"):
            self.hidden[str(values["name"])] = values.get("value") or ""


def hidden_inputs(page: str) -> dict[str, str]:
    parser = _Inputs()
    parser.feed(page)
    return parser.hidden


@dataclass
class Response:
    status: int
    location: str
    body: str


@dataclass
class Visitor:
    """Cookies, CSRF tokens and redirects by hand; every request on a new connection, from
    `source` (a loopback address such as 127.0.0.2), to the proxy or to one app server."""

    source: str
    port: int
    context: ssl.SSLContext | None  # None: plain HTTP (the onion server block)
    cookies: dict[str, str] = field(default_factory=dict)
    extra_headers: dict[str, str] = field(default_factory=dict)

    @property
    def origin(self) -> str:
        return f"{'https' if self.context else 'http'}://{HOST}:{self.port}"

    def request(self, method: str, path: str, data: Mapping[str, str] | None = None) -> Response:
        if self.context is not None:
            connection: http.client.HTTPConnection = http.client.HTTPSConnection(
                "127.0.0.1",
                self.port,
                context=self.context,
                timeout=90,
                source_address=(self.source, 0),
            )
        else:
            connection = http.client.HTTPConnection(
                "127.0.0.1", self.port, timeout=90, source_address=(self.source, 0)
            )
        headers = {
            "Host": f"{HOST}:{self.port}",
            "Connection": "close",
            "Accept-Language": "ru",
            **self.extra_headers,
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + path
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode(errors="replace")
            self._keep_cookies(response.headers.get_all("Set-Cookie") or [])
            return Response(response.status, response.headers.get("Location", ""), text)
        finally:
            connection.close()

    def _keep_cookies(self, lines: list[str]) -> None:
        for line in lines:
            jar: SimpleCookie = SimpleCookie()
            jar.load(line)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or "1970" in morsel["expires"]:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, data: Mapping[str, str]) -> Response:
        return self.request("POST", path, data)

    def follow(self, response: Response) -> Response:
        """A 302/303's GET, as a browser follows it."""
        assert response.status in (302, 303), (response.status, response.body[:500])
        location = urllib.parse.urlsplit(response.location)
        return self.get(location.path + (f"?{location.query}" if location.query else ""))

    def submit(self, page_path: str, post_path: str, fields: Mapping[str, str]) -> Response:
        """Open a page, send its form with these fields (and its hidden ones), follow the answer."""
        page = self.get(page_path)
        assert page.status == 200, (page.status, page.body[:500])
        answer = self.post(post_path, {**hidden_inputs(page.body), **fields})
        return self.follow(answer) if answer.status in (302, 303) else answer


def client_context(ca_file: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=str(ca_file))
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def requests_in_flight(port: int) -> set[str]:
    """Connections to this local port that are open now (nginx opens one per request and
    closes it after the answer), from the kernel's table: Linux's /proc/net/tcp."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote, state = fields[1], fields[2], fields[3]
        if state == "01" and int(local.rpartition(":")[2], 16) == port:
            found.add(remote)
    return found
