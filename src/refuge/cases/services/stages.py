"""Moving a case through its stages, and the coordinators' list of stages."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from refuge.accounts.models import Operator
from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.cases.errors import (
    CaseChanged,
    CaseNotClosed,
    FlagReasonRequired,
    ReopenReasonRequired,
    StageCodeTaken,
    StageNotAllowed,
    VerificationReasonRequired,
)
from refuge.cases.models import BEFORE_VERIFIED, Case, CheckIn, Stage, StageChange, StageCode
from refuge.cases.permissions import require_coordinator, require_member
from refuge.cases.services._common import check_open_case
from refuge.cases.services.flags import describe, verification_flags
from refuge.cases.services.movement import destroy_movements
from refuge.cases.services.retention import renew_purged_envelope
from refuge.core.concurrency import save_with_version


def skips_verification(case: Case, stage: Stage) -> bool:
    """Whether this move leaves the unverified stages with an empty checklist."""
    return (
        case.stage.code in BEFORE_VERIFIED
        and stage.code not in BEFORE_VERIFIED
        and not case.verification_items.exists()
    )


def leaves_verification(case: Case, stage: Stage) -> bool:
    return case.stage.code in BEFORE_VERIFIED and stage.code not in BEFORE_VERIFIED


@transaction.atomic
def move_case(
    *, case: Case, stage: Stage, moved_by: Operator, version: int, reason: str = ""
) -> StageChange:
    """Move the case to a stage, recording when and by whom (and why, past verification
    without checks or past a standing safety flag of a matching hotline profile)."""
    check_open_case(moved_by, case)
    skipped = skips_verification(case, stage)
    if skipped and not reason.strip():
        raise VerificationReasonRequired
    flags = verification_flags(case, moved_by) if leaves_verification(case, stage) else []
    if flags and not reason.strip():
        raise FlagReasonRequired(describe(flags))
    save_with_version(case, [], expected_version=version, conflict=CaseChanged)
    previous = case.stage
    now = timezone.now()
    case.stage, case.stage_changed_at = stage, now
    fields = ["stage", "stage_changed_at"]
    if stage.code == StageCode.CLOSED:
        # The destination city is not kept once the case closes; nor is any movement.
        case.closed_at, case.destination_city = now, None
        fields += ["closed_at", "destination_city"]
        destroy_movements(case=case, actor=moved_by)
    case.save(update_fields=fields)
    change = StageChange.objects.create(
        case=case,
        envelope_id=case.envelope_id,
        from_stage=previous,
        to_stage=stage,
        changed_by=moved_by,
        skipped_verification=skipped,
        overrode_flags=bool(flags),
        reason=reason.strip() or None,
    )
    ended = end_checkins(case) if stage.code in CHECKINS_END else 0
    record_event(
        AuditAction.RECORD_CHANGED,
        actor=moved_by,
        target=case,
        details={
            "stage": stage.code,
            "skipped_verification": skipped,
            "overrode_flags": len(flags),
            "checkins_ended": ended,
        },
    )
    return change


# Once the person is safe (or the case closed), agreed check-ins are over: none may raise an
# alarm later.
CHECKINS_END = frozenset({StageCode.IN_SAFETY, StageCode.CLOSED})


def end_checkins(case: Case) -> int:
    """End the case's check-ins still to come. A check-in already missed stays an alarm until
    someone confirms the person got in touch: moving the stage does not silence it."""
    now = timezone.now()
    pending = CheckIn.objects.filter(case=case, confirmed_at__isnull=True, ended_at__isnull=True)
    upcoming = [
        checkin.pk
        for checkin in pending
        if checkin.due_at + timedelta(minutes=checkin.grace_minutes) >= now
    ]
    return CheckIn.objects.filter(pk__in=upcoming).update(ended_at=now)


@transaction.atomic
def reopen_case(
    *, case: Case, stage: Stage, reason: str, version: int, reopened_by: Operator
) -> StageChange:
    """Reopen a closed case at a chosen stage, for a written reason (coordinators only).

    What closing destroyed (the destination city, movements) stays gone, and so does what
    retention erased; a purged case gets a new envelope so that it can be worked on again.
    """
    require_member(reopened_by, case)
    require_coordinator(reopened_by)
    if case.closed_at is None:
        raise CaseNotClosed
    if not reason.strip():
        raise ReopenReasonRequired
    if stage.code == StageCode.CLOSED or not stage.is_active:
        raise StageNotAllowed
    save_with_version(case, [], expected_version=version, conflict=CaseChanged)
    purged = case.contact_details_purged_at is not None
    if purged:
        renew_purged_envelope(case)
    previous = case.stage
    case.stage, case.stage_changed_at, case.closed_at = stage, timezone.now(), None
    case.save(update_fields=["stage", "stage_changed_at", "closed_at"])
    change = StageChange.objects.create(
        case=case,
        envelope_id=case.envelope_id,
        from_stage=previous,
        to_stage=stage,
        changed_by=reopened_by,
        reason=reason.strip(),
    )
    record_event(
        AuditAction.RECORD_CHANGED,
        actor=reopened_by,
        target=case,
        details={"stage": stage.code, "reopened": True, "purged": purged},
    )
    return change


@transaction.atomic
def save_stage(
    *, stage: Stage | None, code: str, name: str, order: int, is_active: bool, saved_by: Operator
) -> Stage:
    """Add or edit a stage (coordinators). Built-in stages keep their code."""
    require_coordinator(saved_by)
    if stage is None:
        if Stage.objects.filter(code=code).exists():
            raise StageCodeTaken
        stage = Stage(code=code)
    stage.name, stage.order = name, order
    # "new" and "closed" carry rules (opening and retention): they cannot be retired.
    stage.is_active = is_active or stage.code in {StageCode.NEW, StageCode.CLOSED}
    stage.save()
    record_event(
        AuditAction.SETTINGS_CHANGED,
        actor=saved_by,
        target=stage,
        details={"stage": stage.code, "active": stage.is_active},
    )
    return stage
