"""Time to first response counts from when the contact reached the system,
never negative, also for calls typed in afterwards with an earlier start time."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from refuge.hotline import selectors, services
from refuge.hotline.models import Contact
from refuge.hotline.tests.factories import client_for, contact_of, web_report
from refuge.intake.models import Urgency
from refuge.testing import keyring_for
from refuge.vault import api as vault

pytestmark = pytest.mark.django_db


def _backdated_call(operator, *, hours_ago: float, urgency=Urgency.DETAINED) -> Contact:
    """A call that happened hours ago, logged now (the operator was on the phone)."""
    started = timezone.now() - timedelta(hours=hours_ago)
    with vault.activated(keyring_for(operator)):
        return services.log_call(
            operator=operator,
            call=services.CallRecord(
                started_at=started,
                ended_at=started + timedelta(minutes=20),
                caller_pseudonym="",
                what_they_said="Brother taken at a checkpoint",
                urgency=urgency,
                risk_flags=[],
                next_step="",
                next_step_at=None,
            ),
        ).contact


def _times(urgency):
    return next(
        row for row in selectors.supervisor_report().response_times if row.urgency == urgency
    )


def test_a_backdated_call_counts_as_answered_on_arrival_not_before(hotline_operator):
    call = _backdated_call(hotline_operator, hours_ago=3)

    call.refresh_from_db(fields=["call_started_at", "created_at", "first_response_at"])
    assert call.call_started_at is not None
    assert call.first_response_at is not None
    assert call.call_started_at < call.created_at <= call.first_response_at
    detained = _times(Urgency.DETAINED)
    assert (detained.answered, detained.median_minutes, detained.p90_minutes) == (1, 0.0, 0.0)


def test_web_reports_count_from_arrival_and_old_negative_rows_are_clamped(
    hotline_operator, coordinator
):
    waited = contact_of(web_report(urgency=Urgency.IN_DANGER))
    Contact.objects.filter(pk=waited.pk).update(created_at=timezone.now() - timedelta(minutes=40))
    with vault.activated(keyring_for(hotline_operator)):
        services.reply_to_reporter(
            contact=waited, operator=hotline_operator, text="Мы здесь. Где вы сейчас?"
        )
    legacy = _backdated_call(hotline_operator, hours_ago=5, urgency=Urgency.IN_DANGER)
    # A row written before this fix: first response stamped with the call's start.
    Contact.objects.filter(pk=legacy.pk).update(
        first_response_at=timezone.now() - timedelta(hours=5)
    )

    danger = _times(Urgency.IN_DANGER)

    assert danger.answered == 2
    assert 39.9 <= (danger.p90_minutes or 0) <= 41
    assert 19.9 <= (danger.median_minutes or 0) <= 20.5  # (40 + 0) / 2
    page = client_for(coordinator).get(reverse("hotline:supervisor")).content.decode()
    assert "-" + str(5 * 60) not in page
    assert all(
        row.median_minutes is None or row.median_minutes >= 0
        for row in selectors.supervisor_report().response_times
    )
