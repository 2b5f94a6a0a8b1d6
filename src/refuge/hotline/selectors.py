"""Reads for the hotline console. Visibility is decided by vault grants, nothing else."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    F,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import TruncDate
from django.http import Http404
from django.utils import timezone

from refuge.accounts.models import Operator
from refuge.hotline.models import (
    OPEN_STATUSES,
    Contact,
    ContactStatus,
    Identifier,
    Profile,
)
from refuge.intake.models import URGENCY_RANK, Attachment, Urgency
from refuge.vault import api as vault
from refuge.vault.api import Grant, GrantKind

QUEUE_PAGE_SIZE = 50


def envelopes_granted_to(operator: Operator | int) -> QuerySet[Grant, Any]:
    return Grant.objects.filter(kind=GrantKind.OPERATOR, operator=operator).values("envelope_id")


def contacts_visible_to(operator: Operator) -> QuerySet[Contact]:
    """Contacts sealed to this operator (intake pool, logged by them, or shared with them)."""
    return Contact.objects.filter(envelope_id__in=envelopes_granted_to(operator))


def profiles_visible_to(operator: Operator) -> QuerySet[Profile]:
    return Profile.objects.filter(envelope_id__in=envelopes_granted_to(operator))


def get_contact_for(operator: Operator, contact_id: int) -> Contact:
    """The contact if this operator holds a grant to it; 404 otherwise (never say it exists)."""
    contact = (
        contacts_visible_to(operator)
        .select_related("assigned_to", "thread", "profile")
        .filter(pk=contact_id)
        .first()
    )
    if contact is None:
        raise Http404
    return contact


def get_attachment_for(operator: Operator, attachment_id: int) -> tuple[Contact, Attachment]:
    """A file sent on a web report and its contact, if the operator may read that contact."""
    attachment = Attachment.objects.select_related("message").filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    contact = contacts_visible_to(operator).filter(thread_id=attachment.message.thread_id).first()
    if contact is None:
        raise Http404
    return contact, attachment


def get_profile_for(operator: Operator, profile_id: int) -> Profile:
    profile = profiles_visible_to(operator).filter(pk=profile_id).first()
    if profile is None:
        raise Http404
    return profile


def get_identifier_for(operator: Operator, identifier_id: int) -> Identifier:
    """An identifier of a contact or profile this operator can read; 404 otherwise."""
    identifier = Identifier.objects.filter(pk=identifier_id).first()
    if identifier is None:
        raise Http404
    if identifier.contact_id is not None:
        get_contact_for(operator, identifier.contact_id)
    elif identifier.profile_id is not None:
        get_profile_for(operator, identifier.profile_id)
    else:
        raise Http404
    return identifier


def _urgency_rank() -> Case:
    return Case(
        *(When(urgency=urgency, then=Value(rank)) for urgency, rank in URGENCY_RANK.items()),
        default=Value(len(URGENCY_RANK)),
        output_field=IntegerField(),
    )


ALARM_URGENCIES = (Urgency.IN_DANGER, Urgency.DETAINED)


def in_queue() -> Q:
    """Open contacts, and contacts that became cases while new messages on them are unread."""
    return Q(status__in=OPEN_STATUSES) | Q(status=ContactStatus.CASE_OPENED, unread_messages__gt=0)


def open_queue(operator: Operator, *, now: datetime | None = None) -> QuerySet[Contact]:
    """The queue, in triage order (docs/hotline.md, "Queue order"):

    1. untaken "in danger now" and "detained" contacts, in that order, longest waiting first;
    2. overdue follow-ups and contacts with unread messages from the reporter (a person who
       wrote again is waiting as surely as a follow-up that is late), by urgency, then by
       how long they have waited since the follow-up fell due or the message arrived;
    3. everything else by urgency, then waiting time.
    """
    now = now or timezone.now()
    is_overdue = Q(due_at__lt=now)
    is_unread = Q(unread_messages__gt=0)
    tier = Case(
        When(
            Q(assigned_to__isnull=True, urgency__in=ALARM_URGENCIES, status__in=OPEN_STATUSES),
            then=Value(0),
        ),
        When(is_overdue | is_unread, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    waiting_since = Case(
        When(is_overdue & is_unread & Q(due_at__lt=F("unread_since")), then=F("due_at")),
        When(is_unread, then=F("unread_since")),
        When(is_overdue, then=F("due_at")),
        default=F("created_at"),
        output_field=DateTimeField(),
    )
    return (
        contacts_visible_to(operator)
        .filter(in_queue())
        .select_related("assigned_to")
        .annotate(queue_tier=tier, urgency_order=_urgency_rank(), waiting_since=waiting_since)
        .order_by("queue_tier", "urgency_order", "waiting_since", "pk")
    )


@dataclass(frozen=True, slots=True)
class UrgencyCount:
    urgency: str
    label: str
    count: int


def open_counts(operator: Operator) -> list[UrgencyCount]:
    """How many queued contacts of each urgency this operator can see (one query)."""
    rows = dict(
        contacts_visible_to(operator)
        .filter(in_queue())
        .values_list("urgency")
        .annotate(total=Count("pk"))
        .values_list("urgency", "total")
    )
    return [
        UrgencyCount(urgency.value, str(urgency.label), rows.get(urgency.value, 0))
        for urgency in Urgency
    ]


@dataclass(frozen=True, slots=True)
class UnreadSummary:
    contacts: int
    messages: int


def unread_summary(operator: Operator) -> UnreadSummary:
    """Contacts this operator can read with follow-ups nobody has opened yet, and how many."""
    totals = (
        contacts_visible_to(operator)
        .filter(unread_messages__gt=0)
        .aggregate(contacts=Count("pk"), messages=Sum("unread_messages"))
    )
    return UnreadSummary(contacts=totals["contacts"] or 0, messages=totals["messages"] or 0)


@dataclass(frozen=True, slots=True)
class FollowUpsDue:
    """Queued contacts whose follow-up time has passed, and those with unread follow-ups
    (counted by the worker for the coordinators' page; an alarm will use the same)."""

    overdue: int
    unread: int


def follow_ups_due(*, now: datetime | None = None) -> FollowUpsDue:
    """Follow-ups due across the whole queue, whoever may read them (counts only)."""
    queued = Contact.objects.filter(in_queue())
    totals = queued.aggregate(
        overdue=Count("pk", filter=Q(due_at__lt=now or timezone.now())),
        unread=Count("pk", filter=Q(unread_messages__gt=0)),
    )
    return FollowUpsDue(overdue=totals["overdue"] or 0, unread=totals["unread"] or 0)


class _CountedPaginator(Paginator):  # type: ignore[type-arg]
    """A paginator told its total, so it does not run a second COUNT over the queue."""

    def __init__(self, object_list: Any, per_page: int, *, total: int) -> None:
        super().__init__(object_list, per_page)
        self._total = total

    @property
    def count(self) -> int:
        return self._total


def queue_page(
    operator: Operator, page_number: Any, *, counts: list[UrgencyCount] | None = None
) -> Page[Contact]:
    """One page of the queue; its rows' envelopes are opened together (one grant query)."""
    counts = counts if counts is not None else open_counts(operator)
    paginator = _CountedPaginator(
        open_queue(operator), QUEUE_PAGE_SIZE, total=sum(count.count for count in counts)
    )
    page = paginator.get_page(page_number)
    page.object_list = list(page.object_list)
    vault.preload(contact.envelope_id for contact in page.object_list)
    return page


@dataclass(frozen=True, slots=True)
class EarlierContact:
    """A contact that shares an identifier: linked only when the viewer may read it."""

    contact_id: int
    is_visible: bool


def earlier_contacts(
    operator: Operator, *, indexes: list[str], exclude_contact_id: int | None = None
) -> list[EarlierContact]:
    """Contacts that used one of these identifiers before, directly or through a profile."""
    if not indexes:
        return []
    matches = Identifier.objects.filter(blind_index__in=indexes)
    direct = matches.filter(contact__isnull=False).values_list("contact_id", flat=True)
    contact_ids: set[int] = {pk for pk in direct if pk is not None}
    profile_ids = matches.filter(profile__isnull=False).values("profile_id")
    contact_ids |= set(
        Contact.objects.filter(profile_id__in=profile_ids).values_list("pk", flat=True)
    )
    if exclude_contact_id is not None:
        contact_ids.discard(exclude_contact_id)
    visible = set(
        contacts_visible_to(operator).filter(pk__in=contact_ids).values_list("pk", flat=True)
    )
    return [EarlierContact(pk, pk in visible) for pk in sorted(contact_ids, reverse=True)]


@dataclass(frozen=True, slots=True)
class ResponseTimes:
    urgency: str
    label: str
    answered: int
    median_minutes: float | None
    p90_minutes: float | None


@dataclass(frozen=True, slots=True)
class OperatorLoad:
    username: str
    open_contacts: int


@dataclass(frozen=True, slots=True)
class SupervisorReport:
    loads: list[OperatorLoad]
    response_times: list[ResponseTimes]
    per_day: list[tuple[date, int]]
    days: int


def _percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (the value at or below which `fraction` of values lie)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def _response_times(since: datetime) -> list[ResponseTimes]:
    minutes: dict[str, list[float]] = {urgency.value: [] for urgency in Urgency}
    rows = Contact.objects.filter(
        created_at__gte=since, first_response_at__isnull=False
    ).values_list("urgency", "created_at", "first_response_at")
    for urgency, created_at, first_response_at in rows:
        if first_response_at is None:
            continue
        # From when the contact reached the system: a call typed in with an earlier start
        # time was answered on arrival (0), never before it (a negative time).
        waited = max((first_response_at - created_at).total_seconds(), 0.0)
        minutes.setdefault(urgency, []).append(waited / 60)
    return [
        ResponseTimes(
            urgency.value,
            str(urgency.label),
            len(minutes[urgency.value]),
            round(statistics.median(minutes[urgency.value]), 1) if minutes[urgency.value] else None,
            round(_percentile(minutes[urgency.value], 0.9), 1) if minutes[urgency.value] else None,
        )
        for urgency in Urgency
    ]


def supervisor_report(*, days: int = 30) -> SupervisorReport:
    """Counts and times over every contact: coded fields only, nothing is decrypted."""
    since = timezone.now() - timedelta(days=days)
    loads = (
        Contact.objects.filter(status__in=OPEN_STATUSES, assigned_to__isnull=False)
        .values_list("assigned_to__username")
        .annotate(total=Count("pk"))
        .order_by("-total", "assigned_to__username")
    )
    unassigned = Contact.objects.filter(status__in=OPEN_STATUSES, assigned_to=None).count()
    per_day = (
        Contact.objects.filter(created_at__gte=since)
        .annotate(day=TruncDate("created_at"))
        .values_list("day")
        .annotate(total=Count("pk"))
        .order_by("-day")
    )
    load_rows = [OperatorLoad(username, total) for username, total in loads]
    load_rows.append(OperatorLoad("", unassigned))
    return SupervisorReport(
        loads=load_rows, response_times=_response_times(since), per_day=list(per_day), days=days
    )
