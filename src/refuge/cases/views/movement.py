"""Movements, shelters on the case, money and exposure."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from refuge.accounts.decorators import OperatorRequest, operator_required
from refuge.accounts.roles import Capability
from refuge.cases.forms import ExposureForm, MovementForm, ShelterChoiceForm, SpendingForm
from refuge.cases.models import CasePerson, Movement, Spending
from refuge.cases.permissions import get_case_for
from refuge.cases.services import exposure, money, movement
from refuge.cases.views.common import handle_form, run_action

MANAGE = Capability.MANAGE_CASES
GET_POST = ["GET", "POST"]


@require_http_methods(GET_POST)
@operator_required(MANAGE)
def plan_movement(request: OperatorRequest, case_id: int) -> HttpResponse:
    case = get_case_for(request.user, case_id)
    return handle_form(
        request,
        MovementForm(request.POST or None),
        title=_("Movement"),
        case=case,
        done=_("Movement recorded; only the lead and coordinators can read it."),
        apply=lambda data: movement.plan_movement(case=case, planned_by=request.user, **data),
    )


@require_POST
@operator_required(MANAGE)
def confirm_arrival(request: OperatorRequest, case_id: int, movement_id: int) -> HttpResponse:
    case = get_case_for(request.user, case_id)
    if not movement.can_see_movements(request.user, case):
        raise Http404
    planned = get_object_or_404(Movement, pk=movement_id, case=case)
    return run_action(
        request,
        case,
        lambda: movement.confirm_arrival(movement=planned, confirmed_by=request.user),
        _("Arrival confirmed: the route and tickets are destroyed."),
    )


@require_http_methods(GET_POST)
@operator_required(MANAGE)
def place_in_shelter(request: OperatorRequest, case_id: int) -> HttpResponse:
    case = get_case_for(request.user, case_id)
    form = ShelterChoiceForm(request.POST or None, initial={"shelter": case.shelter_id})
    return handle_form(
        request,
        form,
        title=_("Shelter"),
        case=case,
        done=_("Shelter saved."),
        apply=lambda data: movement.place_in_shelter(
            case=case, shelter=data["shelter"], placed_by=request.user
        ),
    )


@require_http_methods(GET_POST)
@operator_required(MANAGE)
def request_spending(request: OperatorRequest, case_id: int) -> HttpResponse:
    case = get_case_for(request.user, case_id)
    return handle_form(
        request,
        SpendingForm(request.POST or None),
        title=_("Spending request"),
        case=case,
        done=_("Spending requested: a second person must approve it."),
        apply=lambda data: money.request_spending(case=case, requested_by=request.user, **data),
    )


@require_POST
@operator_required(MANAGE)
def decide_spending(
    request: OperatorRequest, case_id: int, spending_id: int, decision: str
) -> HttpResponse:
    case = get_case_for(request.user, case_id)
    spending = get_object_or_404(Spending, pk=spending_id, case=case)
    actions: dict[str, Any] = {
        "approve": lambda: money.decide_spending(
            spending=spending, approve=True, decided_by=request.user
        ),
        "reject": lambda: money.decide_spending(
            spending=spending, approve=False, decided_by=request.user
        ),
        "release": lambda: money.release_spending(spending=spending, released_by=request.user),
    }
    if decision not in actions:
        raise Http404
    return run_action(request, case, actions[decision], _("Spending updated."))


@require_http_methods(GET_POST)
@operator_required(MANAGE)
def record_exposure(request: OperatorRequest, case_id: int) -> HttpResponse:
    case = get_case_for(request.user, case_id)
    person_id = request.GET.get("person", "")
    person = (
        CasePerson.objects.filter(pk=int(person_id), case=case).first()
        if person_id.isdigit()
        else None
    )
    form = ExposureForm(request.POST or None)

    def apply(data: dict[str, Any]) -> None:
        exposure.record_exposure(
            recorded_by=request.user,
            exposure=exposure.Exposure(
                case=case,
                person=person,
                cause=data["cause"],
                exposed_names=data["exposed_names"],
                exposed_numbers=data["exposed_numbers"],
                exposed_chats=data["exposed_chats"],
                exposed_photos=data["exposed_photos"],
                details=data["details"],
                identifiers=form.identifiers(),
            ),
        )

    return handle_form(
        request,
        form,
        title=_("Exposure"),
        case=case,
        apply=apply,
        done=_("Exposure recorded; people who may be targeted will be warned."),
    )
