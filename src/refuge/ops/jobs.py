"""The scheduled safety jobs: each calls the service of the app that owns the rule and
reports codes and counts (ops.scheduling runs them; the coordinators' page shows them).

Times of day are in the installation's zone (REFUGE_TIME_ZONE). Retention runs before the
backup, so that a new backup no longer holds what retention removed.
"""

from __future__ import annotations

from datetime import time, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from refuge.audit.services import verify_chain
from refuge.cases.selectors import missed_checkins
from refuge.cases.services.retention import purge_contact_details
from refuge.channels.config import telegram_token
from refuge.channels.email.mailbox import MailboxUnavailable, is_configured, poll_mailbox
from refuge.channels.telegram import bot as people_bot
from refuge.channels.telegram.poll import poll_people_bot
from refuge.hotline.flags import flags_expired_between
from refuge.hotline.selectors import follow_ups_due
from refuge.hotline.services.intake import lapse_intake_grants
from refuge.oncall.models import AlarmKind
from refuge.oncall.services.alarms import raise_alarm
from refuge.ops.backup import RestoreRefused
from refuge.ops.models import RunStatus
from refuge.ops.scheduled_backup import BackupNotConfigured, write_scheduled_backup
from refuge.ops.scheduling import Job, JobResult, register
from refuge.vault import api as vault


def _found(count: int, code: str) -> JobResult:
    if count:
        return JobResult(status=RunStatus.ATTENTION, code=code, count=count)
    return JobResult(count=0)


def check_missed_checkins() -> JobResult:
    """Each missed check-in alarms the case's team and whoever is on call, once."""
    missed = missed_checkins()
    for checkin in missed:
        raise_alarm(
            kind=AlarmKind.MISSED_CHECK_IN,
            key=f"checkin:{checkin.pk}",
            also_to=[member.operator for member in checkin.case.members.select_related("operator")],
        )
    return _found(len(missed), "missed_checkins")


def check_follow_ups_due() -> JobResult:
    """Overdue follow-ups and unread messages: a reminder to those on call, once a day."""
    due = follow_ups_due()
    waiting = due.overdue + due.unread
    if waiting:
        raise_alarm(kind=AlarmKind.FOLLOW_UP_DUE, count=waiting, key=f"day:{timezone.localdate()}")
    return _found(waiting, "follow_ups_due")


def purge_retention() -> JobResult:
    return JobResult(count=len(purge_contact_details()))


def lapse_grants() -> JobResult:
    return JobResult(count=lapse_intake_grants().grants)


def verify_audit_chain() -> JobResult:
    problems = verify_chain()
    if problems:
        raise_alarm(kind=AlarmKind.AUDIT_CHAIN_BROKEN, key=f"day:{timezone.localdate()}")
        return JobResult(status=RunStatus.ALARM, code="chain_broken", count=len(problems))
    return JobResult(count=0)


def count_expired_flags() -> JobResult:
    end = timezone.now()
    return JobResult(count=flags_expired_between(end - timedelta(days=1), end))


def back_up() -> JobResult:
    try:
        written = write_scheduled_backup()
    except BackupNotConfigured as problem:
        return JobResult(status=RunStatus.NOT_CONFIGURED, code=problem.code)
    except (vault.BackupError, RestoreRefused):
        return JobResult(status=RunStatus.ALARM, code="backup_unreadable")
    return JobResult(code="backup_written", count=written.objects)


def read_email_channel() -> JobResult:
    """Mail people sent to the organisation's mailbox enters the queue (channels.email)."""
    if not is_configured():
        return JobResult(code="channel_off")
    try:
        poll = poll_mailbox()
    except MailboxUnavailable as problem:
        return JobResult(status=RunStatus.ALARM, code=f"mailbox_{problem.code}")
    return JobResult(code="mail_stored" if poll.stored else "", count=poll.stored)


def read_telegram_channel() -> JobResult:
    """What people wrote to the people's bot enters the queue (channels.telegram)."""
    if not people_bot.is_configured():
        return JobResult(code="channel_off")
    if telegram_token() == settings.TELEGRAM_STAFF_TOKEN:
        # Two pollers on one bot take each other's updates: people's messages would be lost
        # to the staff bot, which drops what is not a linking code.
        return JobResult(status=RunStatus.ALARM, code="telegram_token_is_the_staff_bots")
    run = poll_people_bot()
    if run.error == "unauthorized":
        return JobResult(status=RunStatus.ALARM, code="telegram_unauthorized")
    if run.error:  # Telegram busy or down, or a webhook set on the bot (409): next minute
        return JobResult(status=RunStatus.ATTENTION, code=f"telegram_{run.error}", count=run.stored)
    return JobResult(code="telegram_stored" if run.stored else "", count=run.stored)


MISSED_CHECKINS = register(
    Job(
        "missed_checkins",
        _("Missed check-ins"),
        check_missed_checkins,
        every_minutes=1,
        lease_minutes=2,
    )
)
FOLLOW_UPS = register(
    Job(
        "follow_ups_due",
        _("Follow-ups due"),
        check_follow_ups_due,
        every_minutes=5,
        lease_minutes=4,
    )
)
RETENTION = register(
    Job(
        "retention_purge",
        _("Retention purge of closed cases"),
        purge_retention,
        daily_at=time(3, 0),
        lease_minutes=60,
    )
)
INTAKE_GRANTS = register(
    Job(
        "intake_grants",
        _("Intake-duty access lapses"),
        lapse_grants,
        daily_at=time(3, 10),
        lease_minutes=30,
    )
)
AUDIT_CHAIN = register(
    Job(
        "audit_chain",
        _("Audit chain verification"),
        verify_audit_chain,
        daily_at=time(3, 20),
        lease_minutes=60,
    )
)
BACKUP = register(
    Job("backup", _("Encrypted backup"), back_up, daily_at=time(3, 40), lease_minutes=120)
)
EMAIL_CHANNEL = register(
    Job(
        "email_channel",
        _("E-mail channel: the mailbox read"),
        read_email_channel,
        every_minutes=1,
        lease_minutes=5,
    )
)
TELEGRAM_CHANNEL = register(
    Job(
        "telegram_channel",
        _("Telegram channel: the people's bot read"),
        read_telegram_channel,
        every_minutes=1,
        lease_minutes=5,
    )
)
EXPIRED_FLAGS = register(
    Job(
        "expired_flags",
        _("Expired profile flags"),
        count_expired_flags,
        daily_at=time(0, 5),
        lease_minutes=10,
    )
)
