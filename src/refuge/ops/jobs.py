"""The scheduled safety jobs: each calls the service of the app that owns the rule and
reports codes and counts (ops.scheduling runs them; the coordinators' page shows them).

Times of day are in the installation's zone (REFUGE_TIME_ZONE). Retention runs before the
backup, so that a new backup no longer holds what retention removed.
"""

from __future__ import annotations

from datetime import time, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from refuge.audit.services import verify_chain
from refuge.cases.selectors import missed_checkins
from refuge.cases.services.retention import purge_contact_details
from refuge.hotline.flags import flags_expired_between
from refuge.hotline.selectors import follow_ups_due
from refuge.hotline.services.intake import lapse_intake_grants
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
    # TODO(issue 17, alarms): alarm the case team at the minute a check-in is missed.
    return _found(len(missed_checkins()), "missed_checkins")


def check_follow_ups_due() -> JobResult:
    due = follow_ups_due()
    return _found(due.overdue + due.unread, "follow_ups_due")


def purge_retention() -> JobResult:
    return JobResult(count=len(purge_contact_details()))


def lapse_grants() -> JobResult:
    return JobResult(count=lapse_intake_grants().grants)


def verify_audit_chain() -> JobResult:
    problems = verify_chain()
    if problems:
        # TODO(issue 17, alarms): alarm every coordinator.
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
EXPIRED_FLAGS = register(
    Job(
        "expired_flags",
        _("Expired profile flags"),
        count_expired_flags,
        daily_at=time(0, 5),
        lease_minutes=10,
    )
)
