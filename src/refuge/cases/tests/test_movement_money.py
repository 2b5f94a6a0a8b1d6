from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from refuge.cases.errors import SecondPersonRequired, WrongState
from refuge.cases.models import Case, Movement, SpendingCategory, SpendingStatus, Stage, StageCode
from refuge.cases.services.money import decide_spending, release_spending, request_spending
from refuge.cases.services.movement import (
    confirm_arrival,
    place_in_shelter,
    plan_movement,
    register_shelter,
)
from refuge.cases.services.opening import share_case
from refuge.cases.services.stages import move_case
from refuge.cases.tests.conftest import acting_as
from refuge.testing import log_in
from refuge.vault import api as vault


def test_a_movement_is_readable_by_the_lead_and_coordinators_only(
    case, worker, colleague, boss
) -> None:
    with acting_as(worker):
        share_case(case=case, operator=boss, shared_by=worker)
        movement = plan_movement(
            case=case,
            route="Grozny - Mineralnye Vody - Moscow",
            tickets="Train 42, car 7",
            departure="Friday 06:10",
            planned_by=worker,
        )
    readers = set(vault.readers_of(movement.envelope_id))
    assert readers == {worker.pk, boss.pk}
    with acting_as(colleague):
        assert not vault.is_readable(Movement.objects.get(pk=movement.pk).route)
    client = Client()
    log_in(client, colleague)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Mineralnye" not in page
    assert "Movement (lead" not in page


def test_confirming_arrival_destroys_the_movement(case, worker) -> None:
    with acting_as(worker):
        movement = plan_movement(
            case=case, route="A to B", tickets="", departure="", planned_by=worker
        )
        confirm_arrival(movement=movement, confirmed_by=worker)

    assert not Movement.objects.exists()
    envelope = vault.Envelope.objects.get(pk=movement.envelope_id)
    assert envelope.shredded_at is not None
    assert not envelope.grants.exists()


def test_closing_forgets_the_destination_city_and_any_movement(case, worker) -> None:
    closed = Stage.objects.get(code=StageCode.CLOSED)
    with acting_as(worker):
        case.destination_city = "Berlin"
        case.save(update_fields=["destination_city"])
        plan_movement(case=case, route="A to B", tickets="", departure="", planned_by=worker)
        move_case(
            case=case,
            stage=closed,
            moved_by=worker,
            version=case.version,
            reason="Referred elsewhere",
        )
        reloaded = Case.objects.get(pk=case.pk)
        assert reloaded.destination_city is None
        assert reloaded.closed_at is not None
    assert not Movement.objects.exists()


def test_the_case_file_names_a_shelter_by_code_only(case, worker, boss) -> None:
    with acting_as(boss):
        shelter = register_shelter(
            code="north-3", address="Lenina 5, flat 12", notes="", registered_by=boss
        )
    with acting_as(worker):
        place_in_shelter(case=case, shelter=shelter, placed_by=worker)
        assert not vault.is_readable(type(shelter).objects.get(pk=shelter.pk).address)
    client = Client()
    log_in(client, worker)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "north-3" in page
    assert "Lenina" not in page
    assert client.get(reverse("cases:shelters")).status_code == 403


def test_spending_needs_a_second_person_before_release(case, worker, colleague) -> None:
    with acting_as(worker):
        spending = request_spending(
            case=case,
            category=SpendingCategory.TRAVEL,
            amount=Decimal("120.00"),
            currency="eur",
            purpose="Bus to the border",
            requested_by=worker,
        )
        with pytest.raises(SecondPersonRequired):
            decide_spending(spending=spending, approve=True, decided_by=worker)
        with pytest.raises(WrongState):
            release_spending(spending=spending, released_by=worker)
    with acting_as(colleague):
        decide_spending(spending=spending, approve=True, decided_by=colleague)
    with acting_as(worker):
        release_spending(spending=spending, released_by=worker)
    assert spending.status == SpendingStatus.RELEASED
    assert spending.decided_by == colleague
    assert spending.currency == "EUR"


def test_approving_spending_needs_the_capability(case, worker, operator_factory) -> None:
    from refuge.accounts.roles import Role

    lawyer = operator_factory("lawyer1", Role.LAWYER)
    with acting_as(worker):
        spending = request_spending(
            case=case,
            category=SpendingCategory.FOOD,
            amount=Decimal("10"),
            currency="EUR",
            purpose="",
            requested_by=worker,
        )
    with acting_as(lawyer), pytest.raises(PermissionDenied):
        decide_spending(spending=spending, approve=True, decided_by=lawyer)
    assert spending.status == SpendingStatus.REQUESTED


def test_spending_is_totalled_per_category(case, worker, colleague) -> None:
    from refuge.cases.selectors import spending_totals

    with acting_as(worker):
        first = request_spending(
            case=case,
            category=SpendingCategory.TRAVEL,
            amount=Decimal("100"),
            currency="EUR",
            purpose="",
            requested_by=worker,
        )
        second = request_spending(
            case=case,
            category=SpendingCategory.TRAVEL,
            amount=Decimal("20.50"),
            currency="EUR",
            purpose="",
            requested_by=worker,
        )
        request_spending(
            case=case,
            category=SpendingCategory.FOOD,
            amount=Decimal("5"),
            currency="EUR",
            purpose="",
            requested_by=worker,
        )  # never approved: not counted
    with acting_as(colleague):
        decide_spending(spending=first, approve=True, decided_by=colleague)
        decide_spending(spending=second, approve=True, decided_by=colleague)
        release_spending(spending=first, released_by=colleague)

    [travel] = spending_totals(case)
    assert (travel.committed, travel.released, travel.currency) == (
        Decimal("120.50"),
        Decimal("100"),
        "EUR",
    )
