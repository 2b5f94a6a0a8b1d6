"""Flags on the case side: a case whose person matches a flagged hotline profile
shows the flag, and verification cannot pass it silently."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from refuge.accounts.models import Operator
from refuge.audit.models import AuditAction, AuditEvent
from refuge.cases.errors import FlagContradictsCheck, FlagReasonRequired
from refuge.cases.models import Stage, StageChange, StageCode, VerificationCheck
from refuge.cases.services.opening import open_case_from_contact
from refuge.cases.services.persons import save_person
from refuge.cases.services.plan import add_verification_item
from refuge.cases.services.stages import move_case
from refuge.cases.tests.conftest import acting_as
from refuge.hotline import services as hotline
from refuge.hotline.models import IdentifierKind, ProfileFlagKind
from refuge.intake.models import Urgency
from refuge.testing import log_in

pytestmark = pytest.mark.django_db
NUMBER = "+7 928 555-44-33"


def flag_number(
    owner: Operator, number: str = NUMBER, kind: str = ProfileFlagKind.SUSPECTED_INFILTRATOR
) -> Any:
    with acting_as(owner):
        profile = hotline.create_profile(operator=owner, pseudonym="Visitor")
        hotline.add_profile_identifier(
            operator=owner, profile=profile, kind=IdentifierKind.PHONE, value=number
        )
        return hotline.flag_profile(
            operator=owner,
            profile=profile,
            kind=kind,
            expires_at=timezone.now() + timedelta(days=14),
            note="Asked who else we are hiding",
        )


def case_from_call(worker: Operator, number: str = NUMBER) -> Any:
    with acting_as(worker):
        call = hotline.log_call(
            operator=worker,
            call=hotline.CallRecord(
                started_at=timezone.now(),
                ended_at=None,
                caller_pseudonym="",
                what_they_said="I need to leave tonight",
                urgency=Urgency.IN_DANGER,
                risk_flags=[],
                next_step="",
                next_step_at=None,
                callback_number=number,
            ),
        )
        return open_case_from_contact(
            contact_id=call.contact.pk, opened_by=worker, pseudonym="Crane"
        )


@time_machine.travel("2026-12-06 22:30:00+00:00", tick=True)  # already the 7th in Moscow
def test_a_case_opened_from_a_flagged_call_shows_the_flag(worker, boss, client) -> None:
    flag = flag_number(boss)
    case = case_from_call(worker)

    log_in(client, worker)
    html = client.get(reverse("cases:detail", args=[case.pk])).content.decode()

    assert "Suspected infiltrator" in html
    assert "boss" in html
    assert timezone.localtime(flag.expires_at).strftime("%d.%m.%Y %H:%M") in html  # as shown


def test_a_person_added_later_with_a_flagged_number_brings_the_flag(case, worker, boss) -> None:
    flag_number(boss, number="+7 999 777-66-55")
    with acting_as(worker):
        assert [m.flag.kind for m in _flags(case, worker)] == []
        save_person(
            case=case,
            person=case.persons.get(),
            pseudonym="Swallow",
            legal_name="",
            phone="8 999 777 66 55",
            contact_details="",
            saved_by=worker,
        )
        assert [(m.flag.kind, m.matched_by) for m in _flags(case, worker)] == [
            ("infiltrator", ("phone",))
        ]


def _flags(case: Any, viewer: Operator) -> list[Any]:
    from refuge.cases.selectors import case_flags

    return case_flags(case, viewer)


def test_no_signs_of_an_infiltrator_is_refused_while_the_flag_stands(worker, boss) -> None:
    flag = flag_number(boss)
    case = case_from_call(worker)

    with acting_as(worker), pytest.raises(FlagContradictsCheck) as refused:
        add_verification_item(
            case=case, item=VerificationCheck.NO_RED_FLAGS, note="", checked_by=worker
        )
    assert "Suspected infiltrator (set by boss" in str(refused.value)
    with acting_as(worker):  # other checks are recorded as usual
        add_verification_item(
            case=case, item=VerificationCheck.VOICE_OR_VIDEO, note="", checked_by=worker
        )
    with acting_as(boss):
        hotline.lift_flag(flag=flag, operator=boss, reason="Vouched for by a partner")
    with acting_as(worker):
        add_verification_item(
            case=case, item=VerificationCheck.NO_RED_FLAGS, note="", checked_by=worker
        )
    assert case.verification_items.count() == 2


def test_a_flag_that_says_nothing_of_identity_does_not_block_the_check(worker, boss) -> None:
    flag_number(boss, kind=ProfileFlagKind.RELATIVE_SEARCHING)
    case = case_from_call(worker)
    with acting_as(worker):
        add_verification_item(
            case=case, item=VerificationCheck.NO_RED_FLAGS, note="", checked_by=worker
        )


def test_moving_past_verification_while_a_flag_stands_needs_a_reason_and_is_marked(
    worker, boss, client
) -> None:
    flag_number(boss)
    case = case_from_call(worker)
    in_danger = Stage.objects.get(code=StageCode.IN_DANGER)
    with acting_as(worker):
        add_verification_item(
            case=case, item=VerificationCheck.VOICE_OR_VIDEO, note="", checked_by=worker
        )
        with pytest.raises(FlagReasonRequired):
            move_case(case=case, stage=in_danger, moved_by=worker, version=case.version)
        change = move_case(
            case=case,
            stage=in_danger,
            moved_by=worker,
            version=case.version,
            reason="Spoke on video with a partner who knows them",
        )

    assert change.overrode_flags
    assert not change.skipped_verification
    event = AuditEvent.objects.filter(
        action=AuditAction.RECORD_CHANGED, target_type="cases.Case"
    ).latest("sequence")
    assert event.details["overrode_flags"] == 1
    log_in(client, worker)
    html = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "past verification despite a safety flag" in html


def test_the_stage_form_refuses_a_silent_move_with_the_flag_on_the_page(
    worker, boss, client
) -> None:
    flag_number(boss)
    case = case_from_call(worker)
    log_in(client, worker)
    in_danger = Stage.objects.get(code=StageCode.IN_DANGER)

    response = client.post(
        reverse("cases:change_stage", args=[case.pk]),
        {"version": case.version, "stage": in_danger.pk, "reason": ""},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "moving past verification needs a written reason" in html
    assert "Suspected infiltrator" in html
    assert not StageChange.objects.filter(case=case, to_stage=in_danger).exists()
