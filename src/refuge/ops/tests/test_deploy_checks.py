"""`refuge check --deploy`: each unsafe setting is one finding with its reason and hint."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.checks import Error, run_checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.utils import translation

from refuge.accounts.models import Operator
from refuge.accounts.roles import Role
from refuge.testing import make_operator


def _ours(language: str = "en") -> dict[str, Any]:
    with translation.override(language):
        return {
            message.id: message
            for message in run_checks(include_deployment_checks=True)
            if message.id is not None and message.id.startswith("refuge.ops.")
        }


@pytest.fixture
def production(db: Any, settings: Any, tmp_path: Any) -> Any:
    """A configuration with nothing to find: what the deployment guide sets."""
    settings.DEBUG = False
    settings.VAULT_ALLOW_WEAK_KDF = False
    settings.VAULT_KDF_MEMORY_KIB = 65_536
    settings.VAULT_KDF_ITERATIONS = 3
    settings.VAULT_BLIND_INDEX_MEMORY_KIB = 65_536
    settings.VAULT_BLIND_INDEX_ITERATIONS = 2
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECRET_KEY_IN_DATA_DIR = False
    settings.BACKUP_DIR = str(tmp_path)
    settings.TIME_ZONE_CONFIGURED = True
    return settings


def test_a_safe_configuration_has_no_finding(production: Any) -> None:
    make_operator("real-coordinator", Role.COORDINATOR)
    assert _ours() == {}
    call_command("check", "--deploy")  # warnings of Django's own do not fail it


@pytest.mark.parametrize(
    ("change", "finding", "reason", "hint"),
    [
        ({"DEBUG": True}, "refuge.ops.E001", "error page shows settings", "settings.prod"),
        ({"VAULT_KDF_MEMORY_KIB": 8_192}, "refuge.ops.E002", "8192 KiB", "47104"),
        ({"VAULT_ALLOW_WEAK_KDF": True}, "refuge.ops.E002", "guessed quickly", "47104"),
        ({"VAULT_BLIND_INDEX_MEMORY_KIB": 256}, "refuge.ops.E002", "cheap", "19456"),
        ({"SECURE_PROXY_SSL_HEADER": None}, "refuge.ops.E003", "in clear", "BEHIND_TLS_PROXY"),
        ({"SECRET_KEY_IN_DATA_DIR": True}, "refuge.ops.W001", "secret_key", "REFUGE_SECRET_KEY"),
        ({"BACKUP_DIR": ""}, "refuge.ops.W002", "lose every record", "REFUGE_BACKUP_DIR"),
        ({"TIME_ZONE_CONFIGURED": False}, "refuge.ops.W003", "default zone", "REFUGE_TIME_ZONE"),
    ],
)
def test_each_unsafe_setting_is_found_with_its_reason(
    production: Any, change: dict[str, Any], finding: str, reason: str, hint: str
) -> None:
    for name, value in change.items():
        setattr(production, name, value)
    found = _ours()
    assert list(found) == [finding]
    assert reason in found[finding].msg
    assert hint in str(found[finding].hint)


def test_the_demo_accounts_are_an_error_that_fails_the_command(production: Any) -> None:
    demo = make_operator("coordinator", Role.COORDINATOR)
    Operator.objects.filter(pk=demo.pk).update(created_for_demo=True)
    found = _ours()
    assert list(found) == ["refuge.ops.E004"]
    assert isinstance(found["refuge.ops.E004"], Error)
    assert "(coordinator)" in found["refuge.ops.E004"].msg
    with pytest.raises(SystemCheckError, match=r"refuge\.ops\.E004"):
        call_command("check", "--deploy")
    call_command("check")  # not a deployment check: ordinary commands are not held up
    Operator.objects.filter(pk=demo.pk).update(is_active=False)
    assert _ours() == {}


def test_findings_speak_russian(production: Any) -> None:
    production.DEBUG = True
    production.BACKUP_DIR = ""
    found = _ours("ru")
    assert "DEBUG включён" in found["refuge.ops.E001"].msg
    assert "REFUGE_BACKUP_DIR" in str(found["refuge.ops.W002"].hint)
    assert "резервн" in found["refuge.ops.W002"].msg


def test_an_environment_key_that_is_not_the_restored_one_stops_every_command(
    production: Any, tmp_path: Any
) -> None:
    production.DATA_DIR = tmp_path
    (tmp_path / "secret_key").write_text("the key a restore brought back")
    production.SECRET_KEY = "the key the environment still gives"
    with translation.override("en"):
        found = {m.id: m for m in run_checks() if m.id == "refuge.ops.E005"}
    assert "differs from the key in" in found["refuge.ops.E005"].msg
    with pytest.raises(SystemCheckError, match=r"refuge\.ops\.E005"):
        call_command("check")
    production.SECRET_KEY = "the key a restore brought back"
    call_command("check")
    production.SECRET_KEY_IN_DATA_DIR = True  # no REFUGE_SECRET_KEY: the file is the key
    production.SECRET_KEY = "anything"
    assert [m for m in run_checks() if m.id == "refuge.ops.E005"] == []
