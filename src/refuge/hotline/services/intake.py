"""Intake duty: the grants it gives, how they reach a new operator, and how they lapse.

An operator on intake duty reads every open contact:

* new web reports and logged calls are sealed to them on arrival (intake.services,
  hotline.services.calls);
* when a coordinator puts them on duty (`accounts.signals.intake_duty_started`), every open
  contact the coordinator can read is sealed to them at once, audited;
* contacts the coordinator cannot read are sealed to them by the next colleague holding one
  who opens the queue (`complete_intake_grants`), audited in that colleague's name. Until
  then the queue tells them how many waiting contacts they cannot read yet.

Every grant given because of duty is marked with an `IntakeGrant`. Once a contact has been
closed for `HOTLINE_INTAKE_GRANT_DAYS` (env REFUGE_INTAKE_GRANT_DAYS), `lapse_intake_grants`
revokes those grants, so that one coerced password no longer opens every report its owner ever
received on duty. The operator who held the contact, who logged it, who closed it, and anyone
another app names as needing it (the members of a case opened from it) keep theirs. When a
reporter's follow-up reopens a contact, those keepers seal it to the operators on duty again
(`seal_reopened_contact`, then `complete_intake_grants`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone

from refuge.accounts.models import Operator
from refuge.accounts.roles import Capability
from refuge.accounts.selectors import operators_with
from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.hotline.models import OPEN_STATUSES, Contact, ContactStatus, IntakeGrant
from refuge.hotline.selectors import contacts_visible_to, envelopes_granted_to
from refuge.intake.models import Urgency
from refuge.vault import api as vault

CLOSED_STATUSES = (ContactStatus.CLOSED, ContactStatus.MERGED, ContactStatus.CASE_OPENED)
# At most this many contacts are sealed to colleagues during one queue request, so that a
# page view stays quick; the next view goes on.
COMPLETION_BATCH = 100
URGENT = (Urgency.IN_DANGER, Urgency.DETAINED)

# Another app names who must keep a contact after it closed: (contact id, operator id) pairs.
AccessKeeper = Callable[[Sequence[int]], set[tuple[int, int]]]
_keepers: list[AccessKeeper] = []


def register_access_keeper(keeper: AccessKeeper) -> None:
    """Called by a higher app (cases) in its AppConfig.ready."""
    if keeper not in _keepers:
        _keepers.append(keeper)


def mark_intake_grants(*, contact: Contact, operators: Iterable[Operator | int]) -> None:
    """Record that these operators read the contact because they are on intake duty."""
    for operator in operators:
        operator_id = operator if isinstance(operator, int) else operator.pk
        IntakeGrant.objects.get_or_create(contact=contact, operator_id=operator_id)


def on_duty() -> QuerySet[Operator]:
    """Operators on intake duty who can hold a grant (active, with a keypair, in a role that
    handles contacts)."""
    return (
        operators_with(Capability.HANDLE_CONTACTS)
        .filter(is_on_intake_duty=True)
        .order_by("username")
    )


def _missing_for(operator: Operator) -> QuerySet[Contact]:
    return Contact.objects.filter(status__in=OPEN_STATUSES).exclude(
        envelope_id__in=envelopes_granted_to(operator)
    )


def _seal(contacts: Iterable[Contact], *, operator: Operator, granted_by: Operator | None) -> int:
    contacts = list(contacts)
    vault.preload(contact.envelope_id for contact in contacts)
    for contact in contacts:
        vault.share(contact.envelope_id, reader=operator, granted_by=granted_by)
        mark_intake_grants(contact=contact, operators=[operator])
    return len(contacts)


@dataclass(frozen=True, slots=True)
class DutySealing:
    shared: int  # open contacts sealed to the operator now
    out_of_reach: int  # open contacts the granter cannot read: a holder seals them later


@transaction.atomic
def seal_open_contacts_to(*, operator: Operator, granted_by: Operator) -> DutySealing:
    """Seal every open contact the current keyring can read to an operator on intake duty."""
    if not on_duty().filter(pk=operator.pk).exists():
        return DutySealing(0, 0)  # not a contact handler, or no keypair: nothing to seal to
    missing = _missing_for(operator)
    granter_id = vault.current_operator_id()
    if granter_id is None:
        return DutySealing(0, missing.count())
    reachable = list(missing.filter(envelope_id__in=envelopes_granted_to(granter_id)))
    shared = _seal(reachable, operator=operator, granted_by=granted_by)
    sealing = DutySealing(shared, missing.count())
    record_event(
        AuditAction.GRANT_ADDED,
        actor=granted_by,
        target=operator,
        details={"intake_duty": sealing.shared, "out_of_reach": sealing.out_of_reach},
    )
    return sealing


@transaction.atomic
def complete_intake_grants(*, viewer: Operator) -> int:
    """Seal the open contacts this viewer holds to colleagues on duty who lack them.

    Called when the queue is opened; returns how many grants were added. Nothing happens
    without an unlocked keyring of the viewer's own.
    """
    if vault.current_operator_id() != getattr(viewer, "pk", None):
        return 0
    added = 0
    held = contacts_visible_to(viewer).filter(status__in=OPEN_STATUSES)
    for colleague in on_duty().exclude(pk=viewer.pk):
        if added >= COMPLETION_BATCH:
            break
        missing = held.exclude(envelope_id__in=envelopes_granted_to(colleague))
        batch = list(missing.order_by("pk")[: COMPLETION_BATCH - added])
        if batch:
            added += _seal(batch, operator=colleague, granted_by=viewer)
            record_event(
                AuditAction.GRANT_ADDED,
                actor=viewer,
                target=colleague,
                details={"intake_duty": len(batch), "completed": True},
            )
    return added


@transaction.atomic
def seal_reopened_contact(*, contact: Contact) -> DutySealing:
    """A closed contact is back in the queue (its reporter wrote again): seal it again to the
    operators on intake duty who cannot read it, as a new report is, audited.

    Whoever holds the contact's key does the sealing. The reporter's own request cannot: their
    receipt opens the mailbox, never the hotline's envelope. Then the operators who kept the
    key when the intake grants lapsed (whoever closed, held or logged it) seal it to everyone
    on duty at their next queue or home page (`complete_intake_grants`); until then the queue
    tells those on duty that a waiting contact is out of their reach.
    """
    lacking = list(on_duty().exclude(pk__in=vault.readers_of(contact.envelope_id)))
    if not lacking:
        return DutySealing(0, 0)
    if not vault.can_read(contact.envelope_id):
        record_event(
            AuditAction.GRANT_ADDED,
            target=contact,
            details={"intake_duty": 0, "reopened": True, "out_of_reach": len(lacking)},
        )
        return DutySealing(0, len(lacking))
    granter_id = vault.current_operator_id()
    granter = Operator.objects.filter(pk=granter_id).first() if granter_id is not None else None
    for operator in lacking:
        _seal([contact], operator=operator, granted_by=granter)
    record_event(
        AuditAction.GRANT_ADDED,
        actor=granter,
        target=contact,
        details={"intake_duty": len(lacking), "reopened": True},
    )
    return DutySealing(len(lacking), 0)


@dataclass(frozen=True, slots=True)
class OutOfReach:
    """Untaken open contacts the viewer cannot read, and who can change that."""

    waiting: int
    urgent: int  # of them "in danger now" or "detained"
    is_on_duty: bool
    grantors: list[str]  # coordinators who can put the viewer on intake duty


def waiting_out_of_reach(viewer: Operator) -> OutOfReach:
    """What the queue does not show this viewer: counts only, never which contacts."""
    hidden = Contact.objects.filter(status__in=OPEN_STATUSES, assigned_to__isnull=True).exclude(
        envelope_id__in=envelopes_granted_to(viewer)
    )
    per_urgency = dict(
        hidden.values_list("urgency").annotate(total=Count("pk")).values_list("urgency", "total")
    )
    grantors = list(
        operators_with(Capability.MANAGE_OPERATORS, holding_key=False)
        .exclude(pk=viewer.pk)
        .order_by("username")
        .values_list("username", flat=True)
    )
    return OutOfReach(
        waiting=sum(per_urgency.values()),
        urgent=sum(per_urgency.get(urgency, 0) for urgency in URGENT),
        is_on_duty=bool(viewer.is_on_intake_duty),
        grantors=grantors,
    )


@dataclass(frozen=True, slots=True)
class DutyRow:
    operator: Operator
    readable_open: int


def intake_duty_overview() -> tuple[list[DutyRow], int]:
    """Every operator who handles contacts, with how many open contacts they can read, and
    the number of open contacts."""
    total = Contact.objects.filter(status__in=OPEN_STATUSES).count()
    handlers = operators_with(Capability.HANDLE_CONTACTS, holding_key=False)
    rows = [
        DutyRow(operator, contacts_visible_to(operator).filter(status__in=OPEN_STATUSES).count())
        for operator in handlers.order_by("username")
    ]
    return rows, total


@dataclass(frozen=True, slots=True)
class Lapse:
    grants: int
    contacts: int


def _keepers_of(contact_ids: Sequence[int]) -> set[tuple[int, int]]:
    kept: set[tuple[int, int]] = set()
    for keeper in _keepers:
        kept |= keeper(contact_ids)
    for pk, *holders in Contact.objects.filter(pk__in=contact_ids).values_list(
        "pk", "assigned_to_id", "created_by_id", "closed_by_id"
    ):
        kept |= {(pk, operator_id) for operator_id in holders if operator_id}
    return kept


def lapsing_grants(*, now: datetime | None = None, days: int | None = None) -> list[IntakeGrant]:
    """Intake grants on contacts closed longer than the setting, except the keepers'."""
    days = settings.HOTLINE_INTAKE_GRANT_DAYS if days is None else days
    cutoff = (now or timezone.now()) - timedelta(days=days)
    markers = list(
        IntakeGrant.objects.filter(
            contact__status__in=CLOSED_STATUSES, contact__closed_at__lt=cutoff
        )
        .select_related("contact", "operator")
        .order_by("pk")
    )
    kept = _keepers_of(sorted({marker.contact_id for marker in markers}))
    return [marker for marker in markers if (marker.contact_id, marker.operator_id) not in kept]


@transaction.atomic
def lapse_intake_grants(*, now: datetime | None = None, days: int | None = None) -> Lapse:
    """Revoke intake-duty grants on long-closed contacts (a background worker will call
    this periodically; `refuge lapse_intake_grants` runs it by hand or from cron). Needs no key:
    it only deletes grants."""
    lapsing = lapsing_grants(now=now, days=days)
    for marker in lapsing:
        vault.revoke(marker.contact.envelope_id, reader=marker.operator, revoked_by=None)
        marker.delete()
    lapse = Lapse(grants=len(lapsing), contacts=len({marker.contact_id for marker in lapsing}))
    if lapsing:
        record_event(
            AuditAction.GRANT_REVOKED,
            target_type="hotline.IntakeGrant",
            target_id="lapse",
            details={"grants": lapse.grants, "contacts": lapse.contacts},
        )
    return lapse
