"""Check-ins end when the case reaches safety and missed ones show on the console home and
the hotline queue; case members keep their contact when intake grants
lapse."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from refuge.audit.models import AuditAction, AuditEvent
from refuge.cases.models import CheckIn, Stage, StageCode
from refuge.cases.selectors import missed_checkins_for
from refuge.cases.services.stages import move_case
from refuge.cases.services.tasks import schedule_checkin
from refuge.cases.tests.conftest import acting_as
from refuge.hotline.models import Contact, ContactStatus
from refuge.hotline.selectors import contacts_visible_to
from refuge.hotline.services import lapse_intake_grants
from refuge.testing import log_in

pytestmark = pytest.mark.django_db


def _checkin(case, worker, *, minutes_from_now: int) -> CheckIn:
    with acting_as(worker):
        return schedule_checkin(
            case=case,
            person=None,
            grace_minutes=30,
            created_by=worker,
            due_at=timezone.now() + timedelta(minutes=minutes_from_now),
        )


def test_missed_checkins_show_on_the_console_home_and_the_hotline_queue(
    case, worker, colleague
) -> None:
    _checkin(case, worker, minutes_from_now=-120)
    client = Client()
    log_in(client, worker)

    for url in (reverse("console:home"), reverse("hotline:queue")):
        html = client.get(url).content.decode()
        assert "Missed check-ins" in html, url
        assert reverse("cases:detail", args=[case.pk]) in html, url


def test_an_operator_without_cases_sees_no_checkin_alarm(case, worker, operator_factory) -> None:
    from refuge.accounts.roles import Role

    _checkin(case, worker, minutes_from_now=-120)
    operator = operator_factory("phones", Role.OPERATOR, intake=True)
    client = Client()
    log_in(client, operator)

    assert "Missed check-ins" not in client.get(reverse("hotline:queue")).content.decode()


def test_reaching_safety_ends_future_checkins_but_not_a_missed_one(case, worker) -> None:
    future = _checkin(case, worker, minutes_from_now=240)
    missed = _checkin(case, worker, minutes_from_now=-120)
    with acting_as(worker):
        case.refresh_from_db()
        move_case(
            case=case,
            stage=Stage.objects.get(code=StageCode.IN_SAFETY),
            moved_by=worker,
            version=case.version,
            reason="Arrived, checked by video",
        )

    future.refresh_from_db()
    missed.refresh_from_db()
    assert future.ended_at is not None
    assert missed.ended_at is None  # still an alarm until someone confirms contact
    assert [checkin.pk for checkin in missed_checkins_for(worker)] == [missed.pk]
    event = AuditEvent.objects.filter(
        action=AuditAction.RECORD_CHANGED, target_type="cases.Case"
    ).latest("sequence")
    assert event.details["checkins_ended"] == 1
    client = Client()
    log_in(client, worker)
    html = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "no longer needed: the case reached safety" in html
    # Hours later, the ended check-in's time passes: it never turns into an alarm.
    CheckIn.objects.filter(pk=future.pk).update(due_at=timezone.now() - timedelta(hours=5))
    assert [checkin.pk for checkin in missed_checkins_for(worker)] == [missed.pk]


def test_case_members_keep_the_contact_when_intake_grants_lapse(
    case, contact, worker, colleague, boss, settings
) -> None:
    from refuge.hotline.models import IntakeGrant

    settings.HOTLINE_INTAKE_GRANT_DAYS = 30
    IntakeGrant.objects.get_or_create(contact=contact, operator=boss)  # as if boss had duty
    with acting_as(worker):
        from refuge.vault import api as vault

        vault.share(contact.envelope_id, reader=boss, granted_by=worker)
    contact.refresh_from_db()
    assert contact.status == ContactStatus.CASE_OPENED
    assert contact.closed_at is not None
    Contact.objects.filter(pk=contact.pk).update(closed_at=timezone.now() - timedelta(days=40))

    lapse = lapse_intake_grants()

    assert (lapse.grants, lapse.contacts) == (1, 1)
    for member in (worker, colleague):
        assert contacts_visible_to(member).filter(pk=contact.pk).exists()
    assert not contacts_visible_to(boss).filter(pk=contact.pk).exists()


def test_the_worker_counts_every_missed_checkin_whoever_shares_the_case(case, worker) -> None:
    from refuge.ops.jobs import check_missed_checkins
    from refuge.ops.models import RunStatus

    _checkin(case, worker, minutes_from_now=-120)  # missed
    _checkin(case, worker, minutes_from_now=-10)  # within its 30 minutes of grace
    _checkin(case, worker, minutes_from_now=60)

    result = check_missed_checkins()

    assert (result.status, result.code, result.count) == (RunStatus.ATTENTION, "missed_checkins", 1)


def test_a_missed_checkin_alarms_the_case_team_once(case, worker) -> None:
    from refuge.oncall.models import Alarm, AlarmKind, Delivery
    from refuge.oncall.tests.support import with_alarm_email
    from refuge.ops.jobs import check_missed_checkins

    with_alarm_email(worker)
    checkin = _checkin(case, worker, minutes_from_now=-120)

    check_missed_checkins()
    check_missed_checkins()  # a minute later: the same check-in, no second alarm

    alarm = Alarm.objects.get(kind=AlarmKind.MISSED_CHECK_IN)
    assert alarm.key == f"checkin:{checkin.pk}"
    assert Delivery.objects.filter(alarm=alarm, operator=worker).count() == 1
