from __future__ import annotations

import pytest
from django.http import Http404

from refuge.audit.models import AuditAction, AuditEvent
from refuge.cases.errors import ContactAlreadyHasCase
from refuge.cases.models import CaseMember, StageCode
from refuge.cases.permissions import get_case_for
from refuge.cases.services.opening import open_case_from_contact, share_case, unshare_case
from refuge.cases.tests.conftest import acting_as
from refuge.hotline.models import ContactStatus


def test_opening_carries_the_contact_over_and_seals_to_the_chosen_workers(
    case, contact, worker, colleague, outsider
) -> None:
    contact.refresh_from_db()
    assert contact.status == ContactStatus.CASE_OPENED
    assert case.stage.code == StageCode.NEW
    assert set(
        CaseMember.objects.filter(case=case).values_list("operator__username", flat=True)
    ) == {"worker", "colleague"}
    with acting_as(colleague):
        loaded = get_case_for(colleague, case.pk)
        assert loaded.summary == "They came to my brother's house asking for me."
        assert loaded.persons.get().pseudonym == "Swallow"
    with acting_as(outsider), pytest.raises(Http404):
        get_case_for(outsider, case.pk)
    assert AuditEvent.objects.filter(
        action=AuditAction.RECORD_READ, target_id=str(case.pk), actor_id=colleague.pk
    ).exists()


def test_a_contact_opens_one_case_only(case, contact, worker) -> None:
    with acting_as(worker), pytest.raises(ContactAlreadyHasCase):
        open_case_from_contact(contact_id=contact.pk, opened_by=worker, pseudonym="Again")


def test_the_stored_case_holds_no_plaintext(case) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT title, summary FROM cases_case WHERE id = %s", [case.pk])
        title, summary = cursor.fetchone()
    assert b"Swallow" not in bytes(title)
    assert b"brother" not in bytes(summary)


def test_sharing_and_unsharing_a_case(case, worker, outsider) -> None:
    with acting_as(worker):
        share_case(case=case, operator=outsider, shared_by=worker)
    with acting_as(outsider):
        assert get_case_for(outsider, case.pk).title == "Swallow"
    with acting_as(worker):
        unshare_case(case=case, operator=outsider, unshared_by=worker)
    with acting_as(outsider), pytest.raises(Http404):
        get_case_for(outsider, case.pk)
