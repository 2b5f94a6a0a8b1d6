"""Alarms: a new contact, a follow-up, a duress login or an emergency lock reaches a person
over real SMTP (a server on loopback), says nothing about anyone, is retried when the mail
server fails, and is passed on when nobody takes an urgent contact."""

from __future__ import annotations

import time as time_module
from datetime import datetime, time, timedelta
from email.header import decode_header, make_header
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from refuge.accounts.emergency import emergency_lock
from refuge.accounts.roles import Role
from refuge.audit.models import AuditAction, AuditEvent
from refuge.hotline.services import take_contact
from refuge.hotline.tests.factories import contact_of, follow_up, web_report
from refuge.intake.models import Urgency
from refuge.oncall.models import Alarm, AlarmKind, Delivery, DeliveryStatus, Shift
from refuge.oncall.services.alarms import escalate_untaken
from refuge.oncall.services.delivery import MAX_ATTEMPTS, deliver_due, deliver_one
from refuge.oncall.services.preferences import save_alarm_settings, settings_of
from refuge.oncall.tests.support import staff
from refuge.testing import keyring_for, make_operator
from refuge.testing.smtp import smtp_settings
from refuge.vault import api as vault

pytestmark = pytest.mark.django_db(transaction=True)

SECRET_WORDS = ("квартиру", "flat", "Они вернулись")


def _alarms_to(kind: AlarmKind) -> dict[str, str]:
    return {
        delivery.operator.username: delivery.status
        for delivery in Delivery.objects.filter(alarm__kind=kind).select_related("operator")
    }


def test_a_report_in_danger_reaches_the_person_on_call_by_mail_and_says_nothing_of_it(
    settings: Any,
) -> None:
    people = staff()
    with smtp_settings(settings) as mailbox:
        web_report("Они пришли на мою квартиру ночью.", urgency=Urgency.IN_DANGER)
        run = deliver_due()
    assert run.sent == 1
    assert run.failed == 0
    assert _alarms_to(AlarmKind.NEW_CONTACT) == {"dezhurny": DeliveryStatus.SENT}
    [mail] = mailbox.messages
    assert mailbox.recipients == [["dezhurny@alarms.test"]]
    payload = mail.get_payload(decode=True)
    assert isinstance(payload, bytes)
    body = payload.decode()
    subject = str(make_header(decode_header(mail["Subject"])))
    assert subject == "Refuge: 1 новое обращение, срочность: в опасности сейчас"
    assert "/console/" in body
    for word in SECRET_WORDS:
        assert word not in body
        assert word not in subject
    delivery = Delivery.objects.get()
    assert mail["Message-ID"].startswith(f"<refuge-alarm-{delivery.pk}@")
    assert AuditEvent.objects.filter(action=AuditAction.ALARM_SENT).count() == 1
    assert (
        people["on_call"].pk
        in AuditEvent.objects.get(action=AuditAction.ALARM_SENT).details.values()
    )


def test_with_nobody_on_call_every_coordinator_is_alarmed(settings: Any) -> None:
    coordinators = [make_operator(name, role=Role.COORDINATOR) for name in ("koord1", "koord2")]
    for coordinator in coordinators:
        save_alarm_settings(
            operator=coordinator,
            email=f"{coordinator.username}@alarms.test",
            quiet_from=None,
            quiet_until=None,
            expected_version=0,
        )
    make_operator("dezhurny", intake=True)  # on intake duty, not on call
    with smtp_settings(settings) as mailbox:
        web_report(urgency=Urgency.HIDING)
        deliver_due()
    assert sorted(r[0] for r in mailbox.recipients) == [
        "koord1@alarms.test",
        "koord2@alarms.test",
    ]


def test_an_operator_without_an_alarm_address_shows_as_a_failed_alarm() -> None:
    make_operator("dezhurny", intake=True)
    coordinator = make_operator("koord", role=Role.COORDINATOR)
    web_report(urgency=Urgency.OTHER)
    delivery = Delivery.objects.get(operator=coordinator)
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.error == "no_channel"
    assert AuditEvent.objects.filter(action=AuditAction.ALARM_FAILED).count() == 1


def test_the_alarm_address_is_not_in_the_database_in_clear() -> None:
    operator = make_operator("dezhurny")
    save_alarm_settings(
        operator=operator,
        email="secret.alarm.address@example.org",
        quiet_from=None,
        quiet_until=None,
        expected_version=0,
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT email_sealed FROM oncall_alarmsettings")
        [(stored,)] = cursor.fetchall()
    assert b"secret.alarm.address" not in bytes(stored)
    assert settings_of(operator).email_sealed is not None


def test_a_mail_server_that_is_down_is_retried_with_backoff_then_reported(settings: Any) -> None:
    staff()
    with smtp_settings(settings) as mailbox:
        mailbox.refuse_with = "451 Try again later"
        web_report(urgency=Urgency.IN_DANGER)
        first = deliver_due()
        delivery = Delivery.objects.get()
        assert first.retrying == 1
        assert delivery.status == DeliveryStatus.PENDING
        assert delivery.attempts == 1
        assert delivery.error == "smtp_error"
        assert delivery.next_attempt_at > timezone.now()
        assert deliver_due().retrying == 0  # not due yet: nothing is sent twice
        mailbox.refuse_with = ""
        later = timezone.now() + timedelta(minutes=1)
        assert deliver_due(now=later).sent == 1
    assert len(mailbox.messages) == 1
    assert Delivery.objects.get().status == DeliveryStatus.SENT


def test_an_unreachable_mail_server_fails_after_the_last_retry_and_is_audited(
    settings: Any,
) -> None:
    staff()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    web_report(urgency=Urgency.IN_DANGER)
    moment = timezone.now()
    for _ in range(MAX_ATTEMPTS):
        deliver_due(now=moment)
        moment += timedelta(hours=1)
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.error == "unreachable"
    assert delivery.attempts == MAX_ATTEMPTS
    event = AuditEvent.objects.get(action=AuditAction.ALARM_FAILED)
    assert event.details["error"] == "unreachable"


def test_two_workers_never_send_one_delivery_twice(settings: Any) -> None:
    staff()
    with smtp_settings(settings) as mailbox:
        web_report(urgency=Urgency.IN_DANGER)
        delivery = Delivery.objects.get()
        now = timezone.now()
        assert deliver_one(delivery.pk, now=now) == DeliveryStatus.SENT
        assert deliver_one(delivery.pk, now=now) == ""
    assert len(mailbox.messages) == 1


def test_quiet_hours_hold_an_ordinary_alarm_but_not_an_urgent_one(settings: Any) -> None:
    people = staff()
    operator = people["on_call"]
    operator.time_zone = "Europe/Moscow"
    operator.save(update_fields=["time_zone"])
    save_alarm_settings(
        operator=operator,
        email="dezhurny@alarms.test",
        quiet_from=time(22, 0),
        quiet_until=time(7, 0),
        expected_version=settings_of(operator).version,
    )
    night = datetime(2026, 12, 7, 2, 30, tzinfo=ZoneInfo("Europe/Moscow"))
    Shift.objects.filter(operator=operator).update(
        starts_at=night - timedelta(hours=1), ends_at=night + timedelta(hours=6)
    )
    with smtp_settings(settings) as mailbox, time_machine.travel(night, tick=False):
        web_report(urgency=Urgency.TESTIMONY)
        web_report(urgency=Urgency.IN_DANGER)
        run = deliver_due()
    assert run.sent == 1
    assert len(mailbox.messages) == 1
    held = Delivery.objects.get(alarm__urgency=Urgency.TESTIMONY)
    assert held.status == DeliveryStatus.PENDING
    assert held.next_attempt_at == datetime(2026, 12, 7, 7, 0, tzinfo=ZoneInfo("Europe/Moscow"))


def test_an_urgent_contact_nobody_takes_goes_to_the_second_person_then_the_coordinators(
    settings: Any,
) -> None:
    staff()
    settings.ESCALATE_MINUTES = 10
    web_report(urgency=Urgency.IN_DANGER)
    alarm = Alarm.objects.get()
    start = alarm.created_at
    assert escalate_untaken(now=start + timedelta(minutes=9)) == 0
    assert escalate_untaken(now=start + timedelta(minutes=10)) == 1
    assert escalate_untaken(now=start + timedelta(minutes=11)) == 0  # not twice
    assert set(_alarms_to(AlarmKind.NEW_CONTACT)) == {"dezhurny", "vtoroy"}
    assert escalate_untaken(now=start + timedelta(minutes=21)) == 1
    assert set(_alarms_to(AlarmKind.NEW_CONTACT)) == {"dezhurny", "vtoroy", "koordinator"}
    assert escalate_untaken(now=start + timedelta(minutes=60)) == 0
    levels = [
        event.details["level"]
        for event in AuditEvent.objects.filter(action=AuditAction.ALARM_ESCALATED).order_by(
            "sequence"
        )
    ]
    assert levels == [1, 2]


def test_a_contact_taken_in_time_is_not_passed_on(settings: Any) -> None:
    people = staff()
    settings.ESCALATE_MINUTES = 10
    submission = web_report(urgency=Urgency.DETAINED)
    operator = people["on_call"]
    with vault.activated(keyring_for(operator)):
        take_contact(operator=operator, contact=contact_of(submission))
    alarm = Alarm.objects.get()
    assert escalate_untaken(now=alarm.created_at + timedelta(minutes=30)) == 0


def test_a_follow_up_goes_to_the_operator_who_took_the_contact() -> None:
    people = staff()
    submission = web_report(urgency=Urgency.HIDING)
    with vault.activated(keyring_for(people["on_call"])):
        take_contact(operator=people["on_call"], contact=contact_of(submission))
    follow_up(submission, "Они вернулись.")
    assert _alarms_to(AlarmKind.FOLLOW_UP) == {"dezhurny": DeliveryStatus.PENDING}


def test_a_duress_login_alarms_every_coordinator_but_the_one_under_duress() -> None:
    from refuge.accounts.duress import enter_duress

    staff()
    second = make_operator("koord2", role=Role.COORDINATOR)
    save_alarm_settings(
        operator=second,
        email="koord2@alarms.test",
        quiet_from=None,
        quiet_until=None,
        expected_version=0,
    )
    enter_duress(second)
    assert _alarms_to(AlarmKind.DURESS_LOGIN) == {"koordinator": DeliveryStatus.PENDING}


def test_an_emergency_lock_alarms_the_other_coordinators() -> None:
    people = staff()
    other = make_operator("koord2", role=Role.COORDINATOR)
    emergency_lock(actor=people["coordinator"])
    assert set(_alarms_to(AlarmKind.EMERGENCY_LOCK)) == {other.username}


def test_a_delivery_left_sending_by_a_killed_worker_is_sent_again_after_its_claim_expires(
    settings: Any,
) -> None:
    staff()
    with smtp_settings(settings) as mailbox:
        web_report(urgency=Urgency.IN_DANGER)
        killed_at = timezone.now()
        # A worker claimed it and died before it could send or mark it.
        Delivery.objects.update(status=DeliveryStatus.SENDING, claimed_at=killed_at, attempts=1)
        assert deliver_due(now=killed_at + timedelta(minutes=4)).sent == 0  # still its claim
        assert deliver_due(now=killed_at + timedelta(minutes=6)).sent == 1
    assert len(mailbox.messages) == 1
    assert Delivery.objects.get().attempts == 2


def test_a_slow_mail_server_times_out_is_retried_and_never_holds_the_other_alarms(
    settings: Any,
) -> None:
    staff()
    with smtp_settings(settings) as mailbox:
        settings.ALARM_SEND_TIMEOUT = 1
        mailbox.delay = 10  # answers each recipient after 10 s: longer than the timeout
        web_report(urgency=Urgency.IN_DANGER)
        web_report(urgency=Urgency.DETAINED)
        started = time_module.monotonic()
        run = deliver_due()
        took = time_module.monotonic() - started
        assert run.retrying == 2  # each gave up on its own timeout, the second was not held
        assert took < 8, f"two sends took {took:.1f} s: the timeout was not honoured"
        assert {d.error for d in Delivery.objects.all()} == {"timeout"}
        assert mailbox.messages == []
        mailbox.delay = 0
        assert deliver_due(now=timezone.now() + timedelta(minutes=1)).sent == 2
    assert len(mailbox.messages) == 2  # each once: nothing was accepted while it was slow
