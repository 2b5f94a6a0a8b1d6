"""Reads: lists, my work, alarms, consent state, the timeline."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import F, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from refuge.accounts.models import Operator
from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.cases import links
from refuge.cases.models import (
    Case,
    CasePerson,
    CheckIn,
    Consent,
    ConsentKind,
    Partner,
    PersonIdentifier,
    SpendingCategory,
    SpendingStatus,
    Task,
)
from refuge.hotline.flags import FlagMatch, contact_indexes, flags_matching


def read_case_list(operator: Operator) -> list[Case]:
    """The cases shared with this operator, as the list shows them (each by its pseudonym):
    one audited read naming how many were listed."""
    cases = list(cases_visible_to(operator))
    record_event(
        AuditAction.RECORD_READ,
        actor=operator,
        target_type="cases.Case",
        target_id="list",
        details={"count": len(cases)},
    )
    return cases


def cases_visible_to(operator: Operator) -> QuerySet[Case]:
    """Cases shared with this operator; the others do not appear anywhere."""
    return (
        Case.objects.filter(members__operator=operator)
        .select_related("stage", "lead", "shelter")
        .order_by("closed_at", "-opened_at")
    )


def tasks_of(operator: Operator) -> QuerySet[Task]:
    return (
        Task.objects.filter(owner=operator, done_at__isnull=True)
        .select_related("case")
        .order_by("-is_urgent", F("due_at").asc(nulls_last=True))
    )


def is_overdue(task: Task, now: datetime | None = None) -> bool:
    return (
        task.done_at is None and task.due_at is not None and task.due_at < (now or timezone.now())
    )


def missed_checkins(*, now: datetime | None = None) -> list[CheckIn]:
    """Every check-in past its time and grace, unconfirmed, on an open case (the worker
    counts these each minute; each operator sees their own through missed_checkins_for)."""
    return _missed(CheckIn.objects.all(), now or timezone.now())


def missed_checkins_for(operator: Operator) -> list[CheckIn]:
    """Check-ins past their time and grace, unconfirmed, on open cases shared with operator.

    The hotline queue shows these at its top (include "cases/_checkin_alarms.html").
    """
    return _missed(CheckIn.objects.filter(case__members__operator=operator), timezone.now())


def _missed(checkins: QuerySet[CheckIn], now: datetime) -> list[CheckIn]:
    due = (
        checkins.filter(
            confirmed_at__isnull=True,
            ended_at__isnull=True,
            case__closed_at__isnull=True,
            due_at__lt=now,
        )
        .select_related("case")
        .order_by("due_at")
    )
    return [
        checkin
        for checkin in due
        if checkin.due_at + timedelta(minutes=checkin.grace_minutes) < now
    ]


def case_flags(case: Case, viewer: Operator) -> list[FlagMatch]:
    """Standing hotline flags this case meets: through its people's numbers, names and
    handles, and through the contact it was opened from (its identifiers and profile)."""
    indexes = list(
        PersonIdentifier.objects.filter(person__case=case).values_list("blind_index", flat=True)
    )
    contact = case.opened_from
    if contact is not None:
        indexes += contact_indexes(contact)
    return flags_matching(
        viewer, indexes=indexes, profile_ids=[contact.profile_id if contact is not None else None]
    )


def latest_consents(person: CasePerson) -> dict[str, Consent]:
    """The latest answer per kind of consent (absent kinds were never asked: no consent)."""
    answers: dict[str, Consent] = {}
    for consent in person.consents.prefetch_related("partners").order_by("-recorded_at", "-pk"):
        answers.setdefault(consent.kind, consent)
    return answers


def latest_answers(
    kind: ConsentKind, person_ids: Iterable[int] | None = None
) -> dict[int, Consent]:
    """The latest answer about one use, per person id (of every person, or of these): one
    query for a whole export instead of one per person."""
    consents = Consent.objects.filter(kind=kind).order_by("person_id", "-recorded_at", "-pk")
    if person_ids is not None:
        consents = consents.filter(person_id__in=list(person_ids))
    answers: dict[int, Consent] = {}
    for consent in consents.prefetch_related("partners"):
        answers.setdefault(consent.person_id, consent)
    return answers


def has_consent(person: CasePerson, kind: ConsentKind, *, partner: Partner | None = None) -> bool:
    """Whether the person's latest answer grants this use (and names this partner)."""
    consent = latest_consents(person).get(kind)
    if consent is None or not consent.is_granted:
        return False
    if partner is not None:
        return consent.partners.filter(pk=partner.pk).exists()
    return True


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    at: datetime
    kind: str
    text: str
    who: str = ""
    url: str = ""


def case_timeline(case: Case, viewer: Operator) -> list[TimelineEntry]:
    """Everything that happened on the case, oldest first, with what other apps (documentation)
    link to it as the viewer may see it."""
    entries: list[TimelineEntry] = []
    contact = case.opened_from
    if contact is not None:
        entries.append(
            TimelineEntry(contact.created_at, _("Contact"), contact.get_channel_display())
        )
        if contact.thread is not None:
            entries += [
                TimelineEntry(
                    message.created_at,
                    _("Message"),
                    str(message.body),
                    message.get_direction_display(),
                )
                for message in contact.thread.messages.all()
            ]
    for change in case.stage_changes.select_related("to_stage", "changed_by"):
        text = change.to_stage.display_name + (f" — {change.reason}" if change.reason else "")
        entries.append(
            TimelineEntry(change.changed_at, _("Stage"), text, change.changed_by.username)
        )
    for task in case.tasks.select_related("owner"):
        entries.append(
            TimelineEntry(task.created_at, _("Task"), str(task.title), task.owner.username)
        )
        if task.done_at:
            entries.append(
                TimelineEntry(task.done_at, _("Task done"), str(task.title), task.owner.username)
            )
    for note in case.notes.select_related("author"):
        entries.append(TimelineEntry(note.created_at, _("Note"), note.body, note.author.username))
    entries += _documents(case)
    entries += [
        TimelineEntry(record.at, record.kind, record.text, record.who, record.url)
        for record in links.case_records(case, viewer)
    ]
    return sorted(entries, key=lambda entry: entry.at)


def _documents(case: Case) -> list[TimelineEntry]:
    entries = [
        TimelineEntry(
            item.checked_at, _("Verification"), item.get_item_display(), item.checked_by.username
        )
        for item in case.verification_items.select_related("checked_by")
    ]
    entries += [
        TimelineEntry(
            referral.requested_at,
            _("Referral"),
            f"{referral.partner.name}: {referral.get_status_display()}",
            referral.requested_by.username,
        )
        for referral in case.referrals.select_related("partner", "requested_by")
    ]
    entries += [
        TimelineEntry(
            report.recorded_at,
            _("Exposure"),
            report.get_cause_display(),
            report.recorded_by.username,
        )
        for report in case.exposures.select_related("recorded_by")
    ]
    return entries


@dataclass(frozen=True, slots=True)
class SpendingTotal:
    category: str
    currency: str
    committed: Decimal  # approved or released
    released: Decimal


def spending_totals(case: Case) -> list[SpendingTotal]:
    """Money per category and currency on one case: approved (committed) and paid out."""
    rows = (
        case.spendings.filter(status__in=[SpendingStatus.APPROVED, SpendingStatus.RELEASED])
        .values("category", "currency")
        .annotate(
            committed=Sum("amount"),
            released=Sum("amount", filter=Q(status=SpendingStatus.RELEASED)),
        )
        .order_by("category", "currency")
    )
    return [
        SpendingTotal(
            category=str(SpendingCategory(row["category"]).label),
            currency=row["currency"],
            committed=row["committed"],
            released=row["released"] or Decimal(0),
        )
        for row in rows
    ]
