"""A real IMAP server on loopback for tests: Dovecot from Debian's packages (dovecot-imapd),
started by the test with its own configuration in a temporary folder, one user, a Maildir.
The code under test talks IMAP to it exactly as to the organisation's mail server; the test
puts mail in with APPEND (as the mail server's delivery would) and looks at what is left.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from imapclient import IMAPClient

from refuge.testing.smtp import free_port

USER = "hotline"
PASSWORD = "test-password"  # noqa: S105 - a throwaway server on loopback

CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{root}/mail/%u
default_login_user = dovenull
default_internal_user = dovecot
first_valid_uid = 1
first_valid_gid = 1
passdb {{
  driver = static
  args = password={password}
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
"""


def dovecot_binary() -> str | None:
    return shutil.which("dovecot") or (
        "/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None
    )


@dataclass(frozen=True)
class ImapServer:
    host: str
    port: int
    user: str
    password: str

    def client(self) -> IMAPClient:
        client = IMAPClient(self.host, port=self.port, ssl=False, timeout=10)
        client.login(self.user, self.password)
        return client

    def deliver(self, raw: bytes, folder: str = "INBOX") -> None:
        """Put a mail in the mailbox, as the mail server's delivery does."""
        with self.client() as client:
            client.append(folder, raw)
            client.logout()

    def count(self, folder: str = "INBOX") -> int:
        """Mails in the folder, deleted-but-not-expunged ones left out."""
        with self.client() as client:
            client.select_folder(folder)
            found = len(client.search(["NOT", "DELETED"]))
            client.logout()
        return found

    def keywords(self, folder: str = "INBOX") -> list[tuple[bytes, ...]]:
        with self.client() as client:
            client.select_folder(folder)
            flags = client.get_flags(client.search(["ALL"]))
            client.logout()
        return [tuple(value) for value in flags.values()]


def _mail_owner() -> tuple[int, int]:
    """Dovecot refuses to keep mail as root: as root, the mail belongs to its own user."""
    if os.getuid() != 0:
        return os.getuid(), os.getgid()
    owner = pwd.getpwnam("dovecot")
    return owner.pw_uid, owner.pw_gid


def _wait_for(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        if process.poll() is not None:
            break
        time.sleep(0.1)
    details = log.read_text(errors="replace") if log.exists() else ""
    raise RuntimeError(f"dovecot did not start on port {port}: {details[-2000:]}")


@contextmanager
def imap_server() -> Iterator[ImapServer]:
    """Dovecot on a free loopback port, stopped (by its PID) and removed afterwards."""
    binary = dovecot_binary()
    if binary is None:
        raise RuntimeError("dovecot is not installed (apt-get install dovecot-imapd)")
    root = Path(tempfile.mkdtemp(prefix="refuge-imap-"))
    root.chmod(0o755)
    port = free_port()
    uid, gid = _mail_owner()
    for folder in ("mail", "home"):
        (root / folder).mkdir()
        os.chown(root / folder, uid, gid)
    config = root / "dovecot.conf"
    config.write_text(CONFIG.format(root=root, port=port, password=PASSWORD, uid=uid, gid=gid))
    process = subprocess.Popen(  # noqa: S603 - our own configuration
        [binary, "-F", "-c", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(port, process, root / "dovecot.log")
        yield ImapServer("127.0.0.1", port, USER, PASSWORD)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(root, ignore_errors=True)
