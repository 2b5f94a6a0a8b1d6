"""Delivering alarms: each delivery is claimed, sent, and marked, or retried with backoff.

Deliveries are an outbox (core.outbox): claimed by one UPDATE, so two workers never send the
same one; a worker killed between sending and marking leaves it "sending", and once its claim
expires (REFUGE_OUTBOX_CLAIM_SECONDS) it is due again: an alarm may then arrive twice, never
not at all. E-mail carries the delivery's own Message-ID, so a mail client shows such a twin
as one message.

What is sent says what happened and links to the console; never a name, number, place or
text (messages.py). Errors are kept as codes: a mail server's answer can quote an address.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.core import mail, outbox
from refuge.core.outbox import SendFailed
from refuge.core.telegram import TelegramError
from refuge.oncall.messages import alarm_text
from refuge.oncall.models import AlarmChannel, Delivery, DeliveryStatus
from refuge.oncall.services.preferences import alarm_email, alarm_telegram_chat, settings_of
from refuge.oncall.services.staff_bot import staff_bot

MAX_ATTEMPTS = outbox.RETRIES.max_attempts

DeliveryRun = outbox.OutboxRun


def deliver_due(*, now: datetime | None = None, only: list[int] | None = None) -> DeliveryRun:
    """Send every delivery that is due (or those of `only` that are); each on its own."""
    moment = now or timezone.now()
    return outbox.send_due(Delivery, lambda pk: deliver_one(pk, now=moment), now=moment, only=only)


def _claim(pk: int, now: datetime) -> Delivery | None:
    if not outbox.claim(Delivery, pk, now=now):
        return None  # another worker has it, or it is no longer due
    return Delivery.objects.select_related("alarm", "operator").get(pk=pk)


def deliver_one(pk: int, *, now: datetime) -> str:
    """Send one delivery; returns its status afterwards ("" when someone else had it)."""
    delivery = _claim(pk, now)
    if delivery is None:
        return ""
    try:
        _send(delivery)
    except SendFailed as failure:
        return _after_failure(delivery, failure, now=now)
    with transaction.atomic():
        Delivery.objects.filter(pk=pk).update(
            status=DeliveryStatus.SENT, sent_at=timezone.now(), error=""
        )
        record_event(
            AuditAction.ALARM_SENT,
            target=delivery.alarm,
            details={"operator": delivery.operator_id, "channel": delivery.channel},
        )
    return DeliveryStatus.SENT


@transaction.atomic
def _after_failure(delivery: Delivery, failure: SendFailed, *, now: datetime) -> str:
    retry = outbox.RETRIES.after_failure(delivery.attempts, failure, now=now)
    Delivery.objects.filter(pk=delivery.pk).update(
        status=retry.status, error=failure.code, next_attempt_at=retry.next_attempt_at
    )
    if retry.given_up:
        record_event(
            AuditAction.ALARM_FAILED,
            target=delivery.alarm,
            details={
                "operator": delivery.operator_id,
                "channel": delivery.channel,
                "error": failure.code,
                "attempts": delivery.attempts,
            },
        )
    return retry.status


def _send(delivery: Delivery) -> None:
    if delivery.channel == AlarmChannel.EMAIL:
        _send_email(delivery)
    elif delivery.channel == AlarmChannel.TELEGRAM:
        _send_telegram(delivery)
    else:
        raise SendFailed("no_channel")


def _send_email(delivery: Delivery) -> None:
    address = alarm_email(settings_of(delivery.operator))
    if not address:
        raise SendFailed("no_channel")
    subject, body = alarm_text(delivery.alarm, language=delivery.operator.language)
    message = EmailMessage(
        subject=subject,
        body=body,
        to=[address],
        headers={"Message-ID": f"<refuge-alarm-{delivery.pk}@{settings.ALARM_MAIL_DOMAIN}>"},
    )
    try:
        mail.send_one(message)
    except mail.MailFailed as failure:
        code = "smtp_refused" if failure.code == "refused" else failure.code
        raise SendFailed(code) from failure


_TELEGRAM_CODES = {
    "blocked": "telegram_blocked",
    "bad_request": "telegram_refused",
    "unauthorized": "telegram_token",
    "unreachable": "telegram_unreachable",
    "timeout": "telegram_timeout",
    "rate_limited": "telegram_rate_limited",
}


def _send_telegram(delivery: Delivery) -> None:
    chat = alarm_telegram_chat(settings_of(delivery.operator))
    if not chat:
        raise SendFailed("no_channel")
    bot = staff_bot()
    if bot is None:
        raise SendFailed("telegram_token")
    _subject, body = alarm_text(delivery.alarm, language=delivery.operator.language)
    try:
        bot.send_message(chat, body)
    except TelegramError as error:
        raise SendFailed(
            _TELEGRAM_CODES.get(error.code, "telegram_error"),
            final=error.final,
            retry_after=error.retry_wait if error.code == "rate_limited" else None,
        ) from None
