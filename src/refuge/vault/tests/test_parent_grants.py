"""Envelopes sealed under other envelopes: whoever opens the parent opens the child, until the
path is dropped (how a reporter erases replies from what their receipt opens)."""

from __future__ import annotations

from typing import Any

import pytest

from refuge.accounts.models import Operator
from refuge.audit.models import AuditAction, AuditEvent
from refuge.testing import keyring_for
from refuge.vault import api as vault
from refuge.vault.keyring import Keyring
from refuge.vault.models import Grant, GrantKind, SealedFile

pytestmark = pytest.mark.django_db


def _note(envelope: vault.Envelope, text: str) -> SealedFile:
    note = SealedFile(envelope=envelope, content_type="text/plain")
    note.name = text
    note.save()
    return note


def _family(owner: Operator) -> tuple[vault.Envelope, vault.Envelope, SealedFile]:
    """A hotline-side envelope (owner's), a mailbox under it, and a reply under both."""
    with vault.activated(keyring_for(owner)):
        thread = vault.create_envelope(purpose=vault.Purpose.REPORT, readers=[owner])
        mailbox = vault.create_envelope(purpose=vault.Purpose.REPORT, parents=[thread.pk])
        reply = vault.create_envelope(purpose=vault.Purpose.REPORT, parents=[thread.pk, mailbox.pk])
        return thread, mailbox, _note(reply, "Мы на связи")


def _read_with_mailbox_key_only(owner: Operator, mailbox: vault.Envelope, note: SealedFile) -> Any:
    """Read as the reporter would: a keyring holding the mailbox's data key and nothing else."""
    with vault.activated(keyring_for(owner)):
        mailbox_key = vault.current_keyring().data_key(mailbox.pk)
    reporter = Keyring()
    reporter.remember(mailbox.pk, mailbox_key)
    with vault.activated(reporter):
        return SealedFile.objects.get(pk=note.pk).name


def test_a_child_opens_through_either_parent(coordinator) -> None:
    _thread, mailbox, reply = _family(coordinator)

    with vault.activated(keyring_for(coordinator)):
        assert SealedFile.objects.get(pk=reply.pk).name == "Мы на связи"
    assert _read_with_mailbox_key_only(coordinator, mailbox, reply) == "Мы на связи"
    assert Grant.objects.filter(envelope_id=reply.envelope_id, kind=GrantKind.ENVELOPE).count() == 2


def test_dropping_one_path_closes_it_and_keeps_the_other(coordinator) -> None:
    _thread, mailbox, reply = _family(coordinator)

    with vault.activated(keyring_for(coordinator)):
        dropped = vault.drop_parent_grant(
            reply.envelope_id, parent_id=mailbox.pk, actor=coordinator
        )

    assert dropped == 1
    assert not vault.is_readable(_read_with_mailbox_key_only(coordinator, mailbox, reply))
    with vault.activated(keyring_for(coordinator)):
        assert SealedFile.objects.get(pk=reply.pk).name == "Мы на связи"  # the hotline's copy
    event = AuditEvent.objects.get(
        action=AuditAction.GRANT_REVOKED, target_id=str(reply.envelope_id)
    )
    assert event.details == {"parent": str(mailbox.pk), "grants": 1}


def test_a_parent_grant_opens_only_for_its_own_pair(coordinator) -> None:
    _thread, mailbox, reply = _family(coordinator)
    _other_thread, _other_mailbox, other_reply = _family(coordinator)
    # Move the reply's grant under another envelope: its associated data no longer fits.
    Grant.objects.filter(envelope_id=other_reply.envelope_id, kind=GrantKind.ENVELOPE).delete()
    stolen = Grant.objects.get(envelope_id=reply.envelope_id, parent_id=mailbox.pk)
    Grant.objects.create(
        envelope_id=other_reply.envelope_id,
        kind=GrantKind.ENVELOPE,
        parent_id=mailbox.pk,
        sealed_key=bytes(stolen.sealed_key),
    )

    assert not vault.is_readable(_read_with_mailbox_key_only(coordinator, mailbox, other_reply))


def test_an_outsider_opens_no_child(coordinator, operator_factory) -> None:
    outsider = operator_factory("outsider")
    _thread, _mailbox, reply = _family(coordinator)

    with vault.activated(keyring_for(outsider)):
        assert not vault.can_read(reply.envelope_id)
        assert not vault.is_readable(SealedFile.objects.get(pk=reply.pk).name)


def test_a_list_preloads_children_under_open_parents_in_few_queries(
    coordinator, django_assert_max_num_queries
) -> None:
    with vault.activated(keyring_for(coordinator)):
        thread = vault.create_envelope(purpose=vault.Purpose.REPORT, readers=[coordinator])
        children = [
            vault.create_envelope(purpose=vault.Purpose.REPORT, parents=[thread.pk])
            for _ in range(10)
        ]
    with vault.activated(keyring_for(coordinator)) as keyring:
        with django_assert_max_num_queries(2):
            vault.preload([thread.pk, *(child.pk for child in children)])
        assert all(keyring.known_key(child.pk) is not None for child in children)


def test_shredding_the_parent_closes_every_child_path(coordinator) -> None:
    thread, _mailbox, reply = _family(coordinator)
    with vault.activated(keyring_for(coordinator)):
        vault.shred(thread.pk, actor=coordinator)
    with vault.activated(keyring_for(coordinator)):
        assert not vault.can_read(reply.envelope_id)
