"""Hypothesis-driven bad input against every command-line entry point.

Every management command of a refuge app is found automatically (so `estimate`, `dedupe`
and the others join when they land) and called with argument lists mixing its own options
and weird text. A command may succeed or refuse with CommandError (a clear message, exit
status from the command); any other exception is a traceback and fails. A refused call
stores nothing.
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command, get_commands, load_command_class
from django.core.management.base import CommandError
from hypothesis import given
from hypothesis import strategies as st

from refuge.accounts.models import Operator
from refuge.audit.models import AuditEvent

from .fuzzing import FUZZ, WEIRD_TEXT

ROOT = Path(__file__).resolve().parents[1]
# Commands that cannot run inside a test, with the reason. Keep this list short.
NOT_FUZZED = {
    "serve": "runs a server until it is stopped",
    "worker": "runs the background worker until it is stopped (its own tests run it as a process)",
    "setup": "migrates and collects static files: minutes of work per example",
    "demo": "calls setup",
    "compilecatalogues": "takes no input; rewrites the .mo files the suite is using",
}
REFUGE_COMMANDS = sorted(
    name
    for name, app in get_commands().items()
    if app.startswith("refuge.") and name not in NOT_FUZZED
)


def _own_options(name: str) -> list[str]:
    command = load_command_class(get_commands()[name], name)
    parser = command.create_parser("refuge", name)
    options: list[str] = []
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction) or action.dest in {
            "verbosity",
            "settings",
            "pythonpath",
            "traceback",
            "no_color",
            "force_color",
            "skip_checks",
            "version",
        }:
            continue
        options.extend(action.option_strings)
        options.extend(str(choice) for choice in (action.choices or []))
    return options


def _stored() -> tuple[int, int]:
    return Operator.objects.count(), AuditEvent.objects.count()


@pytest.mark.parametrize("name", REFUGE_COMMANDS)
def test_command_survives_weird_arguments(
    name: str, db: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.chdir(tmp_path)  # anything a command writes lands here
    monkeypatch.setenv("REFUGE_BACKUP_PASSPHRASE", "a passphrase long enough for backups")
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "typed at the fuzzed terminal")
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # as under CI: nothing to read
    tokens = st.one_of(
        st.sampled_from(_own_options(name) or ["--x"]),
        WEIRD_TEXT,
        st.sampled_from(["-", "--", ".", "/dev/null", str(tmp_path)]),
    )

    @FUZZ
    @given(argv=st.lists(tokens, max_size=5))
    def run(argv: list[str]) -> None:
        before = _stored()
        try:
            call_command(
                name,
                *argv,
                stdout=open(os.devnull, "w"),  # noqa: SIM115
                stderr=open(os.devnull, "w"),  # noqa: SIM115
            )
        except CommandError:
            after = _stored()
            assert after[0] == before[0], f"{name} {argv}: refused, yet an operator was stored"

    run()


@pytest.mark.parametrize(
    "arguments",
    [
        ["restore", "/nonexistent/backup"],
        ["restore", "/dev/null"],
        ["audit", "nonsense"],
        ["createoperator", "x" * 200, "--role", "operator"],
        ["backup", "/nonexistent/dir/file"],
    ],
)
def test_the_real_refuge_command_refuses_without_a_traceback(
    arguments: list[str], tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "REFUGE_DATA_DIR": str(tmp_path),
        "DATABASE_URL": "",
        "DJANGO_SETTINGS_MODULE": "refuge.config.settings.test",
        "REFUGE_BACKUP_PASSPHRASE": "a passphrase long enough for backups",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
    }
    subprocess.run(
        [sys.executable, "-c", "from refuge.cli import main; main()", "migrate"],
        env=env,
        capture_output=True,
        check=True,
        timeout=600,
    )

    result = subprocess.run(
        [sys.executable, "-c", "from refuge.cli import main; main()", *arguments],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )

    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.strip()


@pytest.mark.parametrize("name", ["backup", "restore"])
def test_a_file_name_with_a_null_byte_is_refused(
    name: str, db: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    # Found by the fuzzer: pathlib's exists() hides "embedded null byte", os.open does not.
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("REFUGE_BACKUP_PASSPHRASE", "a passphrase long enough for backups")
    with pytest.raises(CommandError):
        call_command(name, "\x00")
