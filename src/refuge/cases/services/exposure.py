"""Exposure: someone detained or a phone lost may have given others up.

Matching goes through one interface function, `known_people_matching`, which takes blind
indexes and returns the people of other cases who may now be targeted (one urgent task each).
The hotline's profiles and contacts (web reporters included, by their contact line) are
checked too: the hotline raises its own alert on them (`hotline.services.exposure`). Neither
names the source. The source's own identifiers and records are never targets.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from refuge.accounts.models import Operator
from refuge.accounts.roles import Role
from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.cases.identifiers import blind_index
from refuge.cases.models import (
    Case,
    CasePerson,
    ExposureCause,
    ExposureReport,
    PersonIdentifier,
    Task,
    TaskKind,
)
from refuge.cases.services._common import case_readers, check_open_case
from refuge.hotline.models import Contact
from refuge.hotline.services.exposure import raise_exposure_alerts
from refuge.vault import api as vault

WARNING_DUE = timedelta(hours=2)


@dataclass(frozen=True, slots=True)
class ExposedTarget:
    """Someone the organisation knows whose identifier may be in hostile hands."""

    key: str  # stable and unique per target, to open one task each ("case_person:12")
    owners: list[Operator] = field(compare=False)  # who must warn them (read the warning)
    case: Case | None = field(compare=False)  # the target's own case, if they have one


@dataclass(frozen=True, slots=True)
class Exposure:
    case: Case
    person: CasePerson | None
    cause: ExposureCause
    exposed_names: bool
    exposed_numbers: bool
    exposed_chats: bool
    exposed_photos: bool
    details: str
    identifiers: Sequence[tuple[str, str]]  # (IdentifierKind, value) typed by the case worker


def known_people_matching(
    blind_indexes: Sequence[tuple[str, str]], *, exclude_case: Case
) -> list[ExposedTarget]:
    """THE MATCHER INTERFACE: people of other open cases whose (kind, blind index) is among
    these (the source case is excluded: its people gave the data up, they are not its
    targets)."""
    targets: dict[str, ExposedTarget] = {}
    for kind, index in blind_indexes:
        matches = (
            PersonIdentifier.objects.filter(kind=kind, blind_index=index)
            .exclude(person__case=exclude_case)
            .select_related("person__case")
        )
        for identifier in matches:
            target_case = identifier.person.case
            key = f"case_person:{identifier.person_id}"
            if key not in targets and target_case.closed_at is None:
                targets[key] = ExposedTarget(
                    key=key, owners=case_readers(target_case), case=target_case
                )
    return list(targets.values())


@transaction.atomic
def record_exposure(*, exposure: Exposure, recorded_by: Operator) -> ExposureReport:
    """Record what may have been given up and open one urgent warning task per person found."""
    case = exposure.case
    check_open_case(recorded_by, case)
    report = ExposureReport.objects.create(
        case=case,
        person=exposure.person,
        envelope_id=case.envelope_id,
        cause=exposure.cause,
        exposed_names=exposure.exposed_names,
        exposed_numbers=exposure.exposed_numbers,
        exposed_chats=exposure.exposed_chats,
        exposed_photos=exposure.exposed_photos,
        details=exposure.details or None,
        recorded_by=recorded_by,
    )
    indexes = [(kind, blind_index(kind, value)) for kind, value in exposure.identifiers if value]
    targets = known_people_matching(indexes, exclude_case=case)
    for target in targets:
        open_warning_task(target=target)
    report.warnings_opened = len(targets) + _alert_the_hotline(case, indexes)
    report.save(update_fields=["warnings_opened"])
    record_event(
        AuditAction.RECORD_CREATED,
        actor=recorded_by,
        target=report,
        details={"case": case.pk, "cause": exposure.cause},
    )
    return report


def _alert_the_hotline(case: Case, indexes: Sequence[tuple[str, str]]) -> int:
    """Alerts on hotline records these indexes reach, leaving out the source's own: its
    people's identifiers, the contact the case came from and that contact's profile."""
    own = set(
        PersonIdentifier.objects.filter(person__case=case).values_list("blind_index", flat=True)
    )
    own_profiles = Contact.objects.filter(cases=case).values_list("profile_id", flat=True)
    return raise_exposure_alerts(
        indexes=[index for _, index in indexes if index not in own],
        exclude_contact_ids=[case.opened_from_id],
        exclude_profile_ids=list(own_profiles),
    )


def open_warning_task(*, target: ExposedTarget) -> Task:
    """An urgent task for the target's workers. It names neither the source case nor anyone
    in it, has its own envelope sealed only to the target's workers, and no creator."""
    owners = target.owners or list(Operator.objects.filter(role=Role.COORDINATOR, is_active=True))
    owner = target.case.lead if target.case is not None else owners[0]
    envelope = vault.create_envelope(purpose=vault.Purpose.CASE, readers=owners)
    task = Task.objects.create(
        envelope=envelope,
        case=target.case,
        kind=TaskKind.EXPOSURE_WARNING,
        owner=owner,
        created_by=None,
        due_at=timezone.now() + WARNING_DUE,
        is_urgent=True,
        title=_(
            "Urgent: this person's name or number may be in hostile hands. Warn them by "
            "the agreed safe channel and review their safety plan."
        ),
    )
    # No actor and no source in the audit entry either: the log must not link the two cases.
    record_event(AuditAction.RECORD_CREATED, target=task, details={"kind": task.kind})
    return task
