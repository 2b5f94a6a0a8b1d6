"""Shelters and movements: kept minimal, apart, and destroyed when no longer needed."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet

from refuge.accounts.models import Operator
from refuge.accounts.permissions import require
from refuge.accounts.roles import Capability
from refuge.accounts.selectors import operators_with
from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.cases.errors import MovementsUnreadable
from refuge.cases.models import Case, Movement, Shelter
from refuge.cases.services._common import check_open_case
from refuge.vault import api as vault


def shelter_readers() -> list[Operator]:
    return list(operators_with(Capability.VIEW_SHELTERS, holding_key=False).order_by("username"))


def shelter_register(*, reader: Operator) -> QuerySet[Shelter]:
    """The restricted register of shelters; reading it is audited."""
    record_event(
        AuditAction.RECORD_READ, actor=reader, target_type="cases.Shelter", target_id="register"
    )
    return Shelter.objects.all()


@transaction.atomic
def register_shelter(*, code: str, address: str, notes: str, registered_by: Operator) -> Shelter:
    """Add a shelter to the restricted register; its address is sealed to the coordinators."""
    require(registered_by, Capability.VIEW_SHELTERS)
    readers = {operator.pk: operator for operator in [*shelter_readers(), registered_by]}
    envelope = vault.create_envelope(purpose=vault.Purpose.SHELTER, readers=readers.values())
    shelter = Shelter.objects.create(
        code=code, envelope=envelope, address=address, notes=notes or None
    )
    record_event(AuditAction.RECORD_CREATED, actor=registered_by, target=shelter)
    return shelter


@transaction.atomic
def place_in_shelter(*, case: Case, shelter: Shelter | None, placed_by: Operator) -> Case:
    """Name the shelter on the case file, by code only."""
    check_open_case(placed_by, case)
    case.shelter = shelter
    case.save(update_fields=["shelter"])
    record_event(
        AuditAction.RECORD_CHANGED,
        actor=placed_by,
        target=case,
        details={"shelter": shelter.code if shelter else None},
    )
    return case


def movement_readers(case: Case) -> list[Operator]:
    """The case's lead and the coordinators on the case: nobody else sees a route."""
    coordinators = (
        operators_with(Capability.VIEW_SHELTERS, holding_key=False)
        .filter(case_memberships__case=case)
        .order_by("username")
    )
    readers = {operator.pk: operator for operator in [case.lead, *coordinators]}
    return list(readers.values())


def can_see_movements(operator: Operator, case: Case) -> bool:
    return any(reader.pk == operator.pk for reader in movement_readers(case))


@transaction.atomic
def plan_movement(
    *, case: Case, route: str, tickets: str, departure: str, planned_by: Operator
) -> Movement:
    """Record a route under its own envelope, sealed to the lead and coordinators only."""
    check_open_case(planned_by, case)
    if not can_see_movements(planned_by, case):
        require(planned_by, Capability.VIEW_SHELTERS)  # only coordinators may plan for others
    envelope = vault.create_envelope(purpose=vault.Purpose.CASE, readers=movement_readers(case))
    movement = Movement.objects.create(
        case=case,
        envelope=envelope,
        created_by=planned_by,
        route=route,
        tickets=tickets or None,
        departure=departure or None,
    )
    record_event(
        AuditAction.RECORD_CREATED, actor=planned_by, target=movement, details={"case": case.pk}
    )
    return movement


@transaction.atomic
def confirm_arrival(*, movement: Movement, confirmed_by: Operator) -> None:
    """The person arrived: shred the movement's envelope and delete its row."""
    check_open_case(confirmed_by, movement.case)
    destroy_movements(case=movement.case, actor=confirmed_by, only=movement)


def hand_over_movements(*, case: Case, previous_lead: Operator, handed_by: Operator) -> int:
    """After a change of lead: seal each movement record to the new lead, and take it from
    the previous lead unless they still read routes (as a coordinator on the case)."""
    readers = {reader.pk for reader in movement_readers(case)}
    movements = list(case.movements.all())
    for record in movements:
        try:
            vault.share(record.envelope_id, reader=case.lead, granted_by=handed_by)
        except vault.AccessDenied as error:
            raise MovementsUnreadable from error
        if previous_lead.pk not in readers:
            vault.revoke(record.envelope_id, reader=previous_lead, revoked_by=handed_by)
    return len(movements)


def destroy_movements(*, case: Case, actor: Operator | None, only: Movement | None = None) -> int:
    movements = [only] if only is not None else list(case.movements.all())
    for movement in movements:
        envelope_id, movement_id = movement.envelope_id, movement.pk
        movement.delete()
        vault.shred(envelope_id, actor=actor)
        record_event(
            AuditAction.RECORD_DELETED,
            actor=actor,
            target_type="cases.Movement",
            target_id=movement_id,
            details={"case": case.pk},
        )
    return len(movements)
