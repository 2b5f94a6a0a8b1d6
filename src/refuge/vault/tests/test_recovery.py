"""Point 4: recovery shares at setup, `refuge recover`, Shamir's threshold."""

from __future__ import annotations

import io
import itertools
import re

import pytest
from django.core.management import CommandError, call_command

from refuge.accounts.roles import Role
from refuge.audit.models import AuditAction, AuditEvent
from refuge.vault import shamir
from refuge.vault.models import Grant, GrantKind, RecoveryKey
from refuge.vault.recovery import (
    ShareError,
    TooFewShares,
    create_recovery_key,
    recover_private_key,
)
from refuge.vault.tests.helpers import read_as, sealed_note

pytestmark = pytest.mark.django_db

SHARE_LINE = re.compile(r"^  (RFG1-\S+ .+)$", re.MULTILINE)


def run_setup(*arguments: str) -> str:
    output = io.StringIO()
    call_command("setup", *arguments, stdout=output)
    return output.getvalue()


def test_setup_prints_five_shares_with_threshold_three_by_default() -> None:
    output = run_setup()

    shares = SHARE_LINE.findall(output)
    assert len(shares) == 5
    assert "3 of 5" in output
    key = RecoveryKey.objects.get()
    assert (key.threshold, key.share_count) == (3, 5)
    for combination in itertools.combinations(shares, 3):
        recover_private_key(list(combination))
    for pair in itertools.combinations(shares, 2):
        with pytest.raises(TooFewShares):
            recover_private_key(list(pair))
    assert "no new shares" in run_setup()  # idempotent: never a second key


def test_setup_threshold_and_share_count_are_configurable() -> None:
    output = run_setup("--threshold", "2", "--shares", "4")
    shares = SHARE_LINE.findall(output)
    assert len(shares) == 4
    recover_private_key(shares[2:])


def test_setup_refuses_an_impossible_threshold_cleanly() -> None:
    with pytest.raises(CommandError, match="threshold"):
        run_setup("--threshold", "6", "--shares", "5")
    assert not RecoveryKey.objects.exists()


def test_the_private_recovery_key_is_not_stored() -> None:
    setup = create_recovery_key(threshold=3, shares=5)
    private_key = recover_private_key(setup.shares[:3])
    stored = RecoveryKey.objects.get()
    assert private_key not in bytes(stored.public_key)
    assert "shares=<5>" in repr(setup)
    assert setup.shares[0] not in repr(setup)


def test_shamir_any_threshold_points_rebuild_fewer_give_noise() -> None:
    secret = bytes(range(32))
    points = shamir.split(secret, threshold=3, shares=5)
    for combination in itertools.combinations(points, 3):
        assert shamir.combine(list(combination)) == secret
    for pair in itertools.combinations(points, 2):
        assert shamir.combine(list(pair)) != secret


def recover(*arguments: str, stdin: str | None = None, monkeypatch=None) -> str:
    output = io.StringIO()
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    call_command("recover", *arguments, stdout=output)
    return output.getvalue()


@pytest.fixture
def installation(coordinator, operator_factory):
    setup = create_recovery_key(threshold=3, shares=5)
    worker = operator_factory("worker", Role.CASE_WORKER)
    notes = [sealed_note(worker, "Дело Ахмеда"), sealed_note(worker, "Evacuation via Tbilisi")]
    return setup, worker, notes


def test_recover_restores_a_coordinator_access_to_every_envelope(installation, coordinator) -> None:
    setup, _, notes = installation
    assert not any(
        Grant.objects.filter(operator=coordinator, envelope=note.envelope_id).exists()
        for note in notes
    )
    arguments = ["--operator", coordinator.username]
    for share in (setup.shares[4], setup.shares[0], setup.shares[2]):
        arguments += ["--share", share]

    output = recover(*arguments)

    assert "2 envelope(s)" in output
    assert [read_as(coordinator, note) for note in notes] == [
        "Дело Ахмеда",
        "Evacuation via Tbilisi",
    ]
    event = AuditEvent.objects.get(action=AuditAction.RECOVERY_USED)
    assert event.target_id == str(coordinator.pk)
    assert event.details["envelopes"] == 2


def test_recover_reads_shares_from_standard_input(installation, coordinator, monkeypatch) -> None:
    setup, _, notes = installation
    recover(
        "--operator",
        coordinator.username,
        stdin="\n".join(setup.shares[1:4]) + "\n\n",
        monkeypatch=monkeypatch,
    )
    assert read_as(coordinator, notes[0]) == "Дело Ахмеда"


def test_recover_with_too_few_shares_exits_2_with_a_clear_message(
    installation, coordinator
) -> None:
    setup, _, notes = installation
    with pytest.raises(CommandError, match="2 distinct share") as error:
        recover(
            "--operator",
            coordinator.username,
            "--share",
            setup.shares[0],
            "--share",
            setup.shares[1],
            "--share",
            setup.shares[1],
        )
    assert error.value.returncode == 2
    assert not AuditEvent.objects.filter(action=AuditAction.RECOVERY_USED).exists()
    assert not vaultreadable(coordinator, notes[0])


def vaultreadable(operator, note) -> bool:
    from refuge.vault import api as vault

    return vault.is_readable(read_as(operator, note))


def test_a_mistyped_share_is_named_without_its_value(installation, coordinator) -> None:
    setup, _, _ = installation
    share = setup.shares[1]
    position = share.index(" ") + 2
    mistyped = share[:position] + ("A" if share[position] != "A" else "B") + share[position + 1 :]
    with pytest.raises(CommandError, match="share 2 has a typing mistake") as error:
        recover(
            "--operator",
            coordinator.username,
            "--share",
            setup.shares[0],
            "--share",
            mistyped,
            "--share",
            setup.shares[2],
        )
    assert error.value.returncode == 2
    assert share.split()[1] not in str(error.value)


def test_garbage_is_a_clear_message(installation, coordinator) -> None:
    with pytest.raises(CommandError, match="malformed"):
        recover(
            "--operator",
            coordinator.username,
            "--share",
            "hello",
            "--share",
            "x y",
            "--share",
            "RFG1",
        )


def test_a_share_from_another_installation_is_refused(installation, coordinator) -> None:
    setup, _, _ = installation
    RecoveryKey.objects.update(is_active=False)
    other = create_recovery_key(threshold=3, shares=5)
    RecoveryKey.objects.filter(fingerprint=other.fingerprint).delete()
    RecoveryKey.objects.update(is_active=True)
    with pytest.raises(CommandError, match="another installation") as error:
        recover(
            "--operator",
            coordinator.username,
            "--share",
            setup.shares[0],
            "--share",
            other.shares[1],
            "--share",
            setup.shares[2],
        )
    assert error.value.returncode == 2


def test_shares_of_the_right_installation_that_do_not_combine_are_refused(installation) -> None:
    setup, _, _ = installation
    fake = setup.shares[0]
    with pytest.raises(ShareError):
        recover_private_key([fake, fake.replace("-1 ", "-2 ", 1), setup.shares[2]])


def test_recover_refuses_a_non_coordinator(installation) -> None:
    setup, worker, _ = installation
    with pytest.raises(CommandError, match="not a coordinator"):
        recover(
            "--operator",
            worker.username,
            *itertools.chain.from_iterable(("--share", share) for share in setup.shares[:3]),
        )


def test_recover_names_an_unknown_operator(installation) -> None:
    setup, _, _ = installation
    with pytest.raises(CommandError, match="No active operator"):
        recover("--operator", "nobody", "--share", setup.shares[0])


def test_recover_skips_shredded_envelopes(installation, coordinator) -> None:
    from refuge.testing import keyring_for
    from refuge.vault import api as vault

    setup, worker, notes = installation
    with vault.activated(keyring_for(worker)):
        vault.shred(notes[0].envelope_id, actor=worker)
    output = recover(
        "--operator",
        coordinator.username,
        *itertools.chain.from_iterable(("--share", s) for s in setup.shares[:3]),
    )
    assert "1 envelope(s)" in output
    assert not vault.is_readable(read_as(coordinator, notes[0]))
    assert Grant.objects.filter(kind=GrantKind.OPERATOR, operator=coordinator).count() == 1


def rotate(*arguments: str) -> str:
    output = io.StringIO()
    call_command("rotaterecovery", *arguments, stdout=output)
    return output.getvalue()


def test_rotation_reseals_to_a_new_key_and_retires_the_old_shares(
    installation, coordinator
) -> None:
    from refuge.vault import api as vault
    from refuge.vault.keyring import Keyring

    setup, _, notes = installation
    output = rotate(
        "--share",
        setup.shares[0],
        "--share",
        setup.shares[3],
        "--share",
        setup.shares[4],
        "--threshold",
        "2",
        "--shares",
        "3",
    )

    new_shares = SHARE_LINE.findall(output)
    assert len(new_shares) == 3
    assert "2 envelope(s) re-sealed" in output
    assert RecoveryKey.objects.filter(is_active=True).count() == 1
    with pytest.raises(CommandError, match="retired recovery key") as error:
        recover(
            "--operator",
            coordinator.username,
            *itertools.chain.from_iterable(("--share", s) for s in setup.shares[:3]),
        )
    assert error.value.returncode == 2
    with vault.activated(Keyring(recovery_private_key=recover_private_key(new_shares[1:]))):
        from refuge.vault.models import SealedFile

        assert [SealedFile.objects.get(pk=n.pk).name for n in notes] == [
            "Дело Ахмеда",
            "Evacuation via Tbilisi",
        ]
    recover("--operator", coordinator.username, "--share", new_shares[0], "--share", new_shares[2])
    assert read_as(coordinator, notes[1]) == "Evacuation via Tbilisi"
    assert AuditEvent.objects.filter(action=AuditAction.RECOVERY_USED).count() == 2


def test_rotation_needs_enough_current_shares(installation) -> None:
    setup, _, _ = installation
    with pytest.raises(CommandError, match="distinct share") as error:
        rotate("--share", setup.shares[0], "--share", setup.shares[1])
    assert error.value.returncode == 2
    assert RecoveryKey.objects.get().is_active


def test_a_nul_byte_in_the_operator_name_is_refused_before_any_lookup() -> None:
    # PostgreSQL cannot hold a NUL in a text field and would answer the lookup with an error.
    with pytest.raises(CommandError, match="NUL byte"):
        call_command("recover", "--operator", "co\x00ordinator")


def _damage_recovery_grant(note) -> None:
    grant = Grant.objects.get(envelope_id=note.envelope_id, kind=GrantKind.RECOVERY)
    damaged = bytearray(grant.sealed_key)
    damaged[-1] ^= 0xFF  # one flipped byte: the sealed box no longer authenticates
    Grant.objects.filter(pk=grant.pk).update(sealed_key=bytes(damaged))


def test_one_damaged_grant_does_not_stop_recover_for_the_rest(installation, coordinator) -> None:
    setup, _, notes = installation
    _damage_recovery_grant(notes[0])
    errors = io.StringIO()

    output = io.StringIO()
    call_command(
        "recover",
        "--operator",
        coordinator.username,
        "--share",
        setup.shares[0],
        "--share",
        setup.shares[1],
        "--share",
        setup.shares[2],
        stdout=output,
        stderr=errors,
    )

    assert "1 envelope(s) sealed" in output.getvalue()
    assert "1 envelope(s) skipped: their recovery grant is damaged" in errors.getvalue()
    assert str(notes[0].envelope_id) in errors.getvalue()
    assert read_as(coordinator, notes[1]) == "Evacuation via Tbilisi"
    event = AuditEvent.objects.get(action=AuditAction.RECOVERY_USED)
    assert event.details["envelopes"] == 1
    assert event.details["skipped"] == 1


def test_one_damaged_grant_does_not_stop_rotation_for_the_rest(installation, coordinator) -> None:
    setup, _, notes = installation
    _damage_recovery_grant(notes[1])
    errors = io.StringIO()

    output = io.StringIO()
    call_command(
        "rotaterecovery",
        "--share",
        setup.shares[0],
        "--share",
        setup.shares[3],
        "--share",
        setup.shares[4],
        stdout=output,
        stderr=errors,
    )

    assert "1 envelope(s) re-sealed" in output.getvalue()
    assert str(notes[1].envelope_id) in errors.getvalue()
    new_shares = SHARE_LINE.findall(output.getvalue())
    recover(
        "--operator",
        coordinator.username,
        *itertools.chain.from_iterable(("--share", s) for s in new_shares[:3]),
    )
    assert read_as(coordinator, notes[0]) == "Дело Ахмеда"
    assert (
        AuditEvent.objects.filter(action=AuditAction.RECOVERY_USED, details__skipped=1).count() == 1
    )
