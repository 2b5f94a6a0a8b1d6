"""Two app servers behind a real nginx, on one PostgreSQL database, run from the
repository's own deployment files (deploy/, docs/deploy.md).

The test makes a fresh database, a certificate authority and a site certificate, renders
deploy/nginx/refuge.conf and its snippet, reads deploy/env/refuge.env as the app servers'
environment and starts each one with deploy/systemd/refuge-serve@.service's ExecStart: only
ports, names and paths are replaced (tests/deployment.py). Every request below goes through
nginx over HTTPS, from a loopback address of its own (a person on their own connection):
- a login made while only server A runs continues on server B once A is stopped (sessions live
  in the database);
- lockout, intake rate limits and /metrics see each client's own address, which nginx passes in
  X-Forwarded-For; an X-Forwarded-For the client forges is ignored; through the onion server
  block everyone is one shared address (the tor daemon's), limited per browser instead;
- a coordinator's emergency lock, sent through the proxy to whichever server, ends a session
  on both servers (asked directly, past nginx);
- reports are sent in a loop by three people at once while one server's whole process group
  is killed with SIGKILL: every report whose receipt page came back is in the database once,
  whole, and its receipt opens it; nginx sent the rest to the other server.
Then a rolling restart under the same load fails no request either, and the worker started with
refuge-worker.service's command shows as alive in /metrics. Also: systemd-analyze verifies the
units, tor verifies the torrc (skipped, loudly, where the tool is missing).

Runs only in the PostgreSQL run of `make test` (two servers cannot share a SQLite file across
machines, and the suite runs once per database), and skips loudly without nginx.
"""

from __future__ import annotations

import itertools
import json
import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from refuge.accounts import totp
from refuge.accounts.models import Operator
from refuge.intake.models import ReporterKind, Urgency
from refuge.testing import TEST_PASSWORD
from refuge.testing import test_seed as totp_seed

from .deployment import (
    DEPLOY,
    HOST,
    ROOT,
    AppServer,
    Ports,
    Visitor,
    client_context,
    direct_request,
    free_port,
    hidden_inputs,
    make_certificate,
    nginx_binary,
    read_env_file,
    render_nginx,
    replaced,
    requests_in_flight,
    start_nginx,
    start_worker,
    stop_process,
    wait_for_port,
)
from .fresh_database import fresh_database_url

pytestmark = [pytest.mark.slow, pytest.mark.database]

LOGIN = "/console/accounts/login/"
CODE = "/console/accounts/login/code/"
EMERGENCY_LOCK = "/console/accounts/emergency-lock/"
WRONG = "Неверное имя, пароль или код."
LOCKED = "Слишком много неудачных попыток для этой учётной записи"
NO_MAILBOX = "Этот код не открывает почтовый ящик."
TOO_MANY_FROM_YOU = "Слишком много попыток с вашего подключения за последний час."
ALREADY_SHOWN = "Код уже был показан"
RECEIPT = re.compile(r'<p class="receipt">([0-9 ]+)</p>')
MONITOR = "127.0.0.6"  # the monitoring host of REFUGE_METRICS_ALLOW

SEED = """
import django
django.setup()
from refuge.accounts.roles import Role
from refuge.testing import make_operator
make_operator("dispatcher", Role.OPERATOR, intake=True)
make_operator("keeper", Role.COORDINATOR)
"""

READ_BACK = """
import json, sys
import django
django.setup()
from refuge.accounts.models import Operator
from refuge.intake.models import Thread
from refuge.intake.services import mailbox_messages_of, messages_of, open_thread_with_receipt
from refuge.testing import keyring_for
from refuge.vault import api as vault

receipts = json.load(sys.stdin)
dispatcher = Operator.objects.get(username="dispatcher")  # on intake duty: reports sealed to it
with vault.activated(keyring_for(dispatcher)):
    threads = [[m.body for m in messages_of(t)] for t in Thread.objects.order_by("pk")]
opened = {}
with vault.activated(vault.Keyring()):
    for receipt in receipts:
        thread = open_thread_with_receipt(receipt)
        opened[receipt] = [m.body for m in mailbox_messages_of(thread)] if thread else None
print(json.dumps({"threads": threads, "opened": opened}))
"""


def code_for(username: str) -> str:
    """What the operator's authenticator app shows now (refuge.testing's seed for the name)."""
    return totp.current_code(totp_seed(Operator(username=username)))


def server_environment(tmp: Path, database_url: str, ports: Ports) -> dict[str, str]:
    """deploy/env/refuge.env, with the machine-specific values replaced, in a clean environment
    (nothing of this test process's REFUGE_* settings)."""
    configured = read_env_file(DEPLOY / "env" / "refuge.env")
    secrets_dir = tmp / "etc"
    secrets_dir.mkdir()
    (secrets_dir / "secret_key").write_text("deployment-test-" + os.urandom(24).hex())
    (secrets_dir / "backup_passphrase").write_text("a passphrase only the worker reads")
    (secrets_dir / "smtp_password").write_text("not used here")
    for name in ("data", "offsite", "witness"):
        (tmp / name).mkdir(mode=0o700)
    machine = {
        "REFUGE_DATA_DIR": str(tmp / "data"),
        "DATABASE_URL": database_url,
        "REFUGE_SECRET_KEY_FILE": str(secrets_dir / "secret_key"),
        "REFUGE_ALLOWED_HOSTS": HOST,
        # This test's ports; a real site has the default ones (https://, and http:// onion).
        "REFUGE_CSRF_TRUSTED_ORIGINS": f"https://{HOST}:{ports.https},http://{HOST}:{ports.onion}",
        "REFUGE_CONSOLE_URL": f"https://{HOST}:{ports.https}",
        # The monitoring host, and this machine (the default): onion visitors arrive from it.
        "REFUGE_METRICS_ALLOW": f"{MONITOR}/32,127.0.0.1/32",
        "REFUGE_WORKERS": "2",  # two cores shared with the rest of the suite
        "REFUGE_BACKUP_DIR": str(tmp / "offsite"),
        "REFUGE_BACKUP_PASSPHRASE_FILE": str(secrets_dir / "backup_passphrase"),
        "REFUGE_AUDIT_WITNESS_DIR": str(tmp / "witness"),
        "REFUGE_SMTP_HOST": "127.0.0.1",  # no test leaves 127.0.0.1 (and nothing is mailed)
        "REFUGE_SMTP_PASSWORD_FILE": str(secrets_dir / "smtp_password"),
    }
    missing = set(machine) - set(configured)
    assert not missing, f"deploy/env/refuge.env no longer sets {sorted(missing)}"
    (secrets_dir / "refuge.env").write_text(
        "".join(f"{key}={value}\n" for key, value in {**configured, **machine}.items())
    )
    env = clean_environment()
    env.update(configured)
    env.update(machine)
    env.update(
        {
            # The test settings' cheap key derivation (prod.py refuses it), as for the rest of
            # the suite: the operators below are made with it.
            "DJANGO_SETTINGS_MODULE": "refuge.config.settings.test",
            "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
            # A form may be sent at once (a person takes seconds; the loop below does not).
            "REFUGE_INTAKE_MIN_FILL_SECONDS": "0",
            # Three tries to open a mailbox per address and hour, so that the limit shows.
            "REFUGE_INTAKE_MAILBOX_PER_ADDRESS": "3",
        }
    )
    return env


def run_python(env: dict[str, str], script: str, stdin: str = "") -> str:
    done = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def clean_environment() -> dict[str, str]:
    """This process's environment without any Refuge setting (the suite's own)."""
    return {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("REFUGE_") and key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }


def check_deploy_passes(env_file: Path) -> None:
    """`refuge-admin check --deploy` (deploy/bin), with the production settings and
    deploy/env/refuge.env as this machine has it: no error, and no warning but Django's about
    HSTS preloading (an organisation's own decision, docs/deploy.md)."""
    done = subprocess.run(
        [str(DEPLOY / "bin" / "refuge-admin"), "check", "--deploy"],
        env={
            **clean_environment(),
            "REFUGE_ENV_FILE": str(env_file),
            "REFUGE_BIN": str(Path(sys.executable).parent / "refuge"),
            "REFUGE_USER": pwd.getpwuid(os.geteuid()).pw_name,
            "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
        },
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    found = re.findall(r"\(([a-z_.]+\.[EW]\d+)\)", done.stdout + done.stderr)
    assert found == ["security.W021"], done.stdout + done.stderr


def log_in(visitor: Visitor, username: str) -> None:
    code_page = visitor.submit(LOGIN, LOGIN, {"username": username, "password": TEST_PASSWORD})
    assert code_page.status == 200, code_page.body[:2000]
    assert 'name="code"' in code_page.body, code_page.body[:2000]
    done = visitor.post(CODE, {**hidden_inputs(code_page.body), "code": code_for(username)})
    assert done.status == 302, done.body[:2000]
    assert done.location.endswith("/console/"), done.body[:2000]


def console_status(visitor: Visitor, port: int | None = None) -> tuple[int, str]:
    """The console's home for this visitor, through nginx or (port) from one server directly."""
    if port is None:
        page = visitor.get("/console/")
        return page.status, page.body
    status, _, body = direct_request(
        port,
        "GET",
        "/console/",
        {"Cookie": "; ".join(f"{k}={v}" for k, v in visitor.cookies.items())},
    )
    return status, body


def try_receipt(visitor: Visitor) -> str:
    return visitor.submit("/mailbox/", "/mailbox/open/", {"receipt": "1234 5678 9012 3456"}).body


def test_two_app_servers_behind_nginx(tmp_path: Path) -> None:
    if not settings.DATABASE_URL.startswith(("postgres://", "postgresql://")):
        pytest.skip(
            "the two-server deployment test runs in the PostgreSQL run of make test only "
            "(this run is on SQLite)"
        )
    nginx = nginx_binary()
    if nginx is None:
        pytest.skip(
            "NGINX NOT INSTALLED: the two-server deployment test is skipped (apt-get install nginx)"
        )

    ports = Ports(
        https=free_port(), http=free_port(), onion=free_port(), app=(free_port(), free_port())
    )
    proxy_dir = tmp_path / "nginx"
    proxy_dir.mkdir()
    ca_file, chain, key = make_certificate(proxy_dir)
    context = client_context(ca_file)
    database_url, drop = fresh_database_url("refuge_deploy")
    env = server_environment(tmp_path, database_url, ports)
    server_a = AppServer(ports.app[0], env, tmp_path)
    server_b = AppServer(ports.app[1], env, tmp_path)
    proxy: subprocess.Popen[bytes] | None = None
    worker: subprocess.Popen[bytes] | None = None
    try:
        migrated = subprocess.run(
            [sys.executable, "-m", "refuge.cli", "migrate", "--verbosity", "0"],
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        assert migrated.returncode == 0, migrated.stderr[-3000:]
        run_python(env, SEED)
        check_deploy_passes(tmp_path / "etc" / "refuge.env")

        server_a.start()
        worker = start_worker(env, tmp_path)
        proxy = start_nginx(nginx, proxy_dir, render_nginx(proxy_dir, ports, chain, key))
        wait_for_port(ports.https, proxy)

        # Plain HTTP goes to HTTPS.
        plain = Visitor("127.0.0.2", ports.http, None).get("/")
        assert plain.status == 301, plain
        assert plain.location.startswith(f"https://{HOST}"), plain

        # (a) A login made through server A (B is not running yet) continues on server B.
        dispatcher = Visitor("127.0.0.2", ports.https, context)
        log_in(dispatcher, "dispatcher")
        server_b.start()
        server_a.stop()
        status, body = console_status(dispatcher)
        assert status == 200, (status, body[:2000])
        assert ">dispatcher</a>" in body, (status, body[:2000])
        server_a.start()
        for port in ports.app:  # both servers know the session
            status, body = console_status(dispatcher, port)
            assert status == 200, (port, status)
            assert ">dispatcher</a>" in body, (port, status)

        check_addresses(ports, context)

        # (b) The emergency lock, sent through nginx, ends the session on both servers.
        keeper = Visitor("127.0.0.3", ports.https, context)
        log_in(keeper, "keeper")
        lock_page = keeper.get(EMERGENCY_LOCK)
        assert lock_page.status == 200, lock_page.body[:2000]
        locked = keeper.post(EMERGENCY_LOCK, {**hidden_inputs(lock_page.body), "confirm": "on"})
        assert locked.status == 200, locked.body[:2000]
        assert "Всё заблокировано" in locked.body, locked.body[:2000]
        for port in ports.app:
            status, _ = console_status(dispatcher, port)
            assert status == 302, (port, status)
        for _ in range(4):  # through nginx, which alternates between the servers
            status, _ = console_status(dispatcher)
            assert status == 302, status

        check_no_report_lost(ports, context, server_b, server_a, env)
        assert server_a.healthy(), server_a.log_tail()
        check_worker_alive(ports, context, worker)
    finally:
        stop_process(proxy, signal.SIGTERM)
        stop_process(worker, signal.SIGTERM)
        server_a.stop()
        server_b.stop()
        drop()


def check_worker_alive(ports: Ports, context: Any, worker: subprocess.Popen[bytes]) -> None:
    """The worker, started with refuge-worker.service's command and the same environment,
    says it is alive (each minute) in the database the servers read: /metrics shows it."""
    beat = re.compile(r"^refuge_worker_last_seen_seconds (-?\d+)$", re.MULTILINE)
    deadline = time.monotonic() + 120
    while True:
        assert worker.poll() is None, f"refuge worker exited with {worker.returncode}"
        metrics = Visitor(MONITOR, ports.https, context).get("/metrics")
        seen = beat.search(metrics.body)
        assert seen, metrics.body[:1000]
        if int(seen.group(1)) >= 0:
            return
        assert time.monotonic() < deadline, "the worker never said it was alive"
        time.sleep(1)


def check_addresses(ports: Ports, context: Any) -> None:
    """(d) Lockout, intake limits and /metrics count the client's own address, as nginx says it;
    a forged X-Forwarded-For changes nothing."""
    # Login lockout: five wrong passwords for keeper from 127.0.0.2 delay keeper from there...
    guesser = Visitor("127.0.0.2", ports.https, context)
    credentials = {"username": "keeper", "password": "not the password at all"}
    for _ in range(5):
        refused = guesser.submit(LOGIN, LOGIN, credentials)
        assert refused.status == 200
        assert WRONG in refused.body
        assert LOCKED not in refused.body
    right = {"username": "keeper", "password": TEST_PASSWORD}
    assert LOCKED in guesser.submit(LOGIN, LOGIN, right).body
    # ... also when it claims to be someone else ...
    guesser.extra_headers = {"X-Forwarded-For": "127.0.0.3", "X-Real-IP": "127.0.0.3"}
    assert LOCKED in guesser.submit(LOGIN, LOGIN, right).body
    # ... but not from keeper's own address (they log in there below).
    own = Visitor("127.0.0.3", ports.https, context).submit(LOGIN, LOGIN, right)
    assert own.status == 200
    assert 'name="code"' in own.body
    assert LOCKED not in own.body

    # Intake: three tries to open a mailbox per address and hour (this test's setting).
    prober = Visitor("127.0.0.4", ports.https, context)
    for _ in range(3):
        assert NO_MAILBOX in try_receipt(prober)
    assert TOO_MANY_FROM_YOU in try_receipt(prober)
    prober.extra_headers = {"X-Forwarded-For": "127.0.0.5"}
    assert TOO_MANY_FROM_YOU in try_receipt(prober)
    neighbour = try_receipt(Visitor("127.0.0.5", ports.https, context))
    assert NO_MAILBOX in neighbour
    assert TOO_MANY_FROM_YOU not in neighbour

    # /metrics: the monitoring host only, though every request reaches the app from nginx.
    monitor = Visitor(MONITOR, ports.https, context).get("/metrics")
    assert monitor.status == 200, monitor.body[:500]
    assert "refuge_" in monitor.body, monitor.body[:500]
    assert prober.get("/metrics").status == 404  # forged as 127.0.0.5: still 404
    prober.extra_headers = {"X-Forwarded-For": MONITOR}
    assert prober.get("/metrics").status == 404
    # On the server itself, past nginx (curl in docs/deploy.md).
    assert direct_request(ports.app[0], "GET", "/metrics", {})[0] == 200

    # Through the onion server block, everyone is the tor daemon (127.0.0.1, shared): the
    # address's limit does not apply, the browser's does; /metrics is not served there.
    onion = Visitor("127.0.0.1", ports.onion, None)
    page = onion.get("/")
    assert page.status == 200, (page.status, page.location)
    assert "Мы получили" not in page.body, (page.status, page.location)
    for _ in range(4):
        tried = try_receipt(onion)
        assert NO_MAILBOX in tried
        assert TOO_MANY_FROM_YOU not in tried
    assert onion.get("/metrics").status == 404


def database_activity(url: str) -> str:
    """What the servers' database sessions are doing (for a failure's message)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        rows = connection.execute(
            "SELECT pid, state, wait_event_type, wait_event, now() - xact_start, left(query, 100)"
            " FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    return "database sessions: " + "; ".join(str(row) for row in rows)


def check_no_report_lost(
    ports: Ports, context: Any, victim: AppServer, survivor: AppServer, env: dict[str, str]
) -> None:
    """(c) Reports in a loop through nginx; one server's process group gets SIGKILL; then both
    are restarted one after the other."""
    acknowledged: list[tuple[str, str]] = []
    unacknowledged: list[str] = []
    receipt_lost: list[str] = []  # acknowledged, but without its receipt
    lock = threading.Lock()
    stop = threading.Event()
    addresses = (f"127.0.{1 + n // 250}.{2 + n % 250}" for n in itertools.count())

    def send_reports() -> None:
        while not stop.is_set():
            with lock:
                source = next(addresses)
            body = f"Задержали человека, сообщение с адреса {source}."
            person = Visitor(source, ports.https, context)
            started = time.monotonic()
            try:
                page = person.submit(
                    "/",
                    "/",
                    {
                        "urgency": Urgency.DETAINED.value,
                        "reporter_kind": ReporterKind.OTHER.value,
                        "body": body,
                        "contact": "",
                    },
                )
            except (OSError, AssertionError) as error:  # no answer, or the form did not come
                with lock:
                    unacknowledged.append(
                        f"{source} after {time.monotonic() - started:.1f} s: {error!r}"[:300]
                    )
                continue
            found = RECEIPT.search(page.body)
            with lock:
                if page.status == 200 and found:
                    acknowledged.append((body, found.group(1)))
                elif page.status == 200 and ALREADY_SHOWN in page.body:
                    # The receipt page's GET reached the killed server, which took the
                    # one-time receipt and died before answering; nginx asked the other one,
                    # which says the receipt was shown and that a sent report was received.
                    receipt_lost.append(body)
                else:
                    unacknowledged.append(
                        f"{source} after {time.monotonic() - started:.1f} s: "
                        f"{page.status} {page.body[:200]}"
                    )

    def wait_for(count: int, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while len(acknowledged) < count and time.monotonic() < deadline:
            time.sleep(0.05)

    senders = [threading.Thread(target=send_reports) for _ in range(3)]
    for sender in senders:
        sender.start()
    try:
        wait_for(9, 120)
        assert len(acknowledged) >= 9, unacknowledged[:5]
        # Kill it while it works on a request: one open for 50 ms (a report being stored;
        # pages take a few milliseconds).
        deadline, caught = time.monotonic() + 60, False
        while not caught and time.monotonic() < deadline:
            open_now = requests_in_flight(victim.port)
            time.sleep(0.05 if open_now else 0.002)
            caught = bool(open_now & requests_in_flight(victim.port))
        victim.kill()
        killed_at = len(acknowledged)
        assert caught, "the killed server was never seen working on a request"
        wait_for(killed_at + 9, 120)
        # Then a rolling restart under the same load (docs/deploy.md, "Upgrades"): the killed
        # server comes back, the other one is restarted.
        victim.start()
        survivor.stop()
        survivor.start()
        restarted_at = len(acknowledged)
        wait_for(restarted_at + 6, 120)
    finally:
        stop.set()
        for sender in senders:
            sender.join(timeout=200)
    after_kill = len(acknowledged) - killed_at
    after_restart = len(acknowledged) - restarted_at
    if after_kill < 9 or after_restart < 6 or unacknowledged:
        unacknowledged.append(database_activity(env["DATABASE_URL"]))
        log = Path(env["REFUGE_DATA_DIR"]).parent / "nginx" / "refuge.error.log"
        unacknowledged.append("nginx: " + log.read_text(errors="replace")[-4000:])
    print(  # shown with pytest -s: the figures of this run
        f"reports acknowledged: {len(acknowledged)} ({after_kill} after the kill, "
        f"{after_restart} after the rolling restart), "
        f"acknowledged without their receipt: {len(receipt_lost)}, "
        f"unacknowledged: {len(unacknowledged)}"
    )
    assert after_kill >= 9, (after_kill, unacknowledged[:3], unacknowledged[-2:])
    assert after_restart >= 6, (after_restart, unacknowledged[:3], unacknowledged[-2:])
    # nginx sent every request the killed server could not answer to the other one, the
    # reports in flight included (safe for the report form: see deploy/nginx/refuge-proxy.conf).
    assert unacknowledged == [], (unacknowledged[:3], unacknowledged[-2:])

    receipts = [receipt for _, receipt in acknowledged]
    found = json.loads(run_python(env, READ_BACK, json.dumps(receipts)).strip().splitlines()[-1])
    threads: list[list[str]] = found["threads"]
    assert all(len(messages) == 1 for messages in threads), threads  # none half-written
    bodies = [messages[0] for messages in threads]
    assert len(bodies) == len(set(bodies)), "a report was stored twice"
    # Every acknowledged report is there, also those whose page said "received" without
    # the receipt.
    sent = {body for body, _ in acknowledged} | set(receipt_lost)
    assert sent <= set(bodies), sorted(sent - set(bodies))
    for body, receipt in acknowledged:
        assert found["opened"][receipt] == [body]  # and its receipt opens it


def test_systemd_units_verify(tmp_path: Path) -> None:
    """deploy/systemd's units, as systemd-analyze verify reads them (no warning either)."""
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("SYSTEMD-ANALYZE NOT INSTALLED: the systemd units are not verified")
    refuge = Path(sys.executable).parent / "refuge"
    for unit in (DEPLOY / "systemd").iterdir():
        text = unit.read_text(encoding="utf-8")
        if unit.suffix == ".service":
            text = replaced(
                text,
                {
                    "/etc/refuge/refuge.env": str(DEPLOY / "env" / "refuge.env"),
                    "/opt/refuge/.venv/bin/refuge": str(refuge),
                },
                unit.name,
            )
        (tmp_path / unit.name).write_text(text)
    units = ["refuge-serve@8001.service", "refuge-serve@8002.service", "refuge-worker.service"]
    done = subprocess.run(
        [analyze, "verify", *(str(tmp_path / name) for name in [*units, "refuge.target"])],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    ours = [line for line in done.stderr.splitlines() if str(tmp_path) in line]
    assert ours == [], ours


def test_torrc_verifies(tmp_path: Path) -> None:
    """deploy/tor/torrc, as `tor --verify-config` reads it (Debian's tor package)."""
    tor = shutil.which("tor") or ("/usr/sbin/tor" if Path("/usr/sbin/tor").exists() else None)
    if tor is None:
        pytest.skip("TOR NOT INSTALLED: deploy/tor/torrc is not verified (apt-get install tor)")
    service_dir, data_dir = tmp_path / "hs", tmp_path / "data"
    service_dir.mkdir(mode=0o700)
    data_dir.mkdir(mode=0o700)
    torrc = tmp_path / "torrc"
    rendered = replaced(
        (DEPLOY / "tor" / "torrc").read_text(encoding="utf-8"),
        {"/var/lib/tor/refuge/": f"{service_dir}/"},
        "deploy/tor/torrc",
    )
    # Debian's tor service gives its DataDirectory on the command line; so does this test.
    torrc.write_text(rendered + f"DataDirectory {data_dir}\n")
    done = subprocess.run(
        [tor, "--verify-config", "-f", str(torrc)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Configuration was valid" in done.stdout, done.stdout
