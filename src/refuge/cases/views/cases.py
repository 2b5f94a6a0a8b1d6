"""The case list, my work, opening, the case file, the timeline, stages and the risk plan."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from refuge.accounts.decorators import OperatorRequest, operator_required
from refuge.accounts.roles import Capability
from refuge.cases import selectors
from refuge.cases.forms import OpenCaseForm, ReopenForm, RiskForm, StageForm
from refuge.cases.models import ON_THE_MOVE_STAGES, Case
from refuge.cases.permissions import get_case_for, removal_refusal, require_coordinator
from refuge.cases.report import report_of
from refuge.cases.services import export, opening, plan, stages
from refuge.cases.services.movement import can_see_movements
from refuge.cases.views.common import handle_form

MANAGE = Capability.MANAGE_CASES


@require_GET
@operator_required(MANAGE)
def case_list(request: OperatorRequest) -> HttpResponse:
    cases = selectors.read_case_list(request.user)
    return render(
        request,
        "cases/list.html",
        {
            "cases": cases,
            "alarms": selectors.missed_checkins_for(request.user),
        },
    )


@require_GET
@operator_required(MANAGE)
def my_work(request: OperatorRequest) -> HttpResponse:
    now = timezone.now()
    tasks = [(task, selectors.is_overdue(task, now)) for task in selectors.tasks_of(request.user)]
    return render(
        request,
        "cases/my_work.html",
        {
            "tasks": tasks,
            "alarms": selectors.missed_checkins_for(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@operator_required(MANAGE)
def open_from_contact(request: OperatorRequest, contact_id: int) -> HttpResponse:
    contact = opening.readable_contact(contact_id)
    form = OpenCaseForm(request.POST or None, opener=request.user)
    created: dict[str, Case] = {}

    def apply(data: dict[str, Any]) -> None:
        created["case"] = opening.open_case_from_contact(
            contact_id=contact_id,
            opened_by=request.user,
            pseudonym=data["pseudonym"],
            case_workers=list(data["case_workers"]),
        )

    response = handle_form(
        request,
        form,
        title=_("Open a case"),
        case=None,
        apply=apply,
        done=_("Case opened."),
        success_url="cases:list",
        extra={"contact": contact},
        template="cases/open.html",
    )
    if "case" in created:  # go straight to the new case file
        return redirect("cases:detail", created["case"].pk)
    return response


@require_GET
@operator_required(MANAGE)
def case_detail(request: OperatorRequest, case_id: int) -> HttpResponse:
    case = get_case_for(request.user, case_id)
    show_movements = can_see_movements(request.user, case)
    members = list(case.members.select_related("operator"))
    return render(
        request,
        "cases/detail.html",
        {
            "case": case,
            "report": report_of(case, viewer=request.user),
            "flag_matches": selectors.case_flags(case, request.user),
            "removable": {
                member.operator_id
                for member in members
                if removal_refusal(request.user, case, member.operator) is None
            },
            "persons": [
                (person, selectors.latest_consents(person)) for person in case.persons.all()
            ],
            "members": members,
            "verification": case.verification_items.select_related("checked_by"),
            "stage_changes": case.stage_changes.select_related(
                "from_stage", "to_stage", "changed_by"
            ),
            "needs": case.needs.select_related("provider"),
            "tasks": [
                (task, selectors.is_overdue(task)) for task in case.tasks.select_related("owner")
            ],
            "checkins": case.checkins.all(),
            "missed_checkin_ids": {
                checkin.pk
                for checkin in selectors.missed_checkins_for(request.user)
                if checkin.case_id == case.pk
            },
            "on_the_move": case.stage.code in ON_THE_MOVE_STAGES,
            "show_movements": show_movements,
            "movements": case.movements.all() if show_movements else [],
            "spendings": case.spendings.select_related("requested_by", "decided_by"),
            "spending_totals": selectors.spending_totals(case),
            "exposures": case.exposures.all(),
            "referrals": case.referrals.select_related("partner", "person"),
            "notes": case.notes.select_related("author"),
            "risk": plan.risk_assessment_of(case),
        },
    )


@require_GET
@operator_required(MANAGE)
def case_timeline(request: OperatorRequest, case_id: int) -> HttpResponse:
    case = get_case_for(request.user, case_id)
    return render(
        request,
        "cases/timeline.html",
        {"case": case, "entries": selectors.case_timeline(case, request.user)},
    )


@require_http_methods(["GET", "POST"])
@operator_required(MANAGE)
def change_stage(request: OperatorRequest, case_id: int) -> HttpResponse:
    case = get_case_for(request.user, case_id)
    form = StageForm(request.POST or None, initial={"version": case.version})

    def apply(data: dict[str, Any]) -> None:
        stages.move_case(
            case=case,
            stage=data["stage"],
            moved_by=request.user,
            version=data["version"],
            reason=data["reason"],
        )

    return handle_form(
        request,
        form,
        title=_("Change the stage"),
        case=case,
        apply=apply,
        done=_("Stage changed."),
        extra={"flag_matches": selectors.case_flags(case, request.user)},
    )


@require_http_methods(["GET", "POST"])
@operator_required(MANAGE)
def reopen(request: OperatorRequest, case_id: int) -> HttpResponse:
    case = get_case_for(request.user, case_id)
    require_coordinator(request.user)
    form = ReopenForm(request.POST or None, initial={"version": case.version})

    def apply(data: dict[str, Any]) -> None:
        stages.reopen_case(
            case=case,
            stage=data["stage"],
            reason=data["reason"],
            version=data["version"],
            reopened_by=request.user,
        )

    return handle_form(
        request,
        form,
        title=_("Reopen the case"),
        case=case,
        apply=apply,
        done=_("Case reopened."),
        template="cases/reopen.html",
    )


@require_http_methods(["GET", "POST"])
@operator_required(MANAGE)
def edit_risk(request: OperatorRequest, case_id: int) -> HttpResponse:
    case = get_case_for(request.user, case_id)
    assessment = plan.risk_assessment_of(case)
    initial = {
        "version": case.version,
        **{name: getattr(assessment, name) for name in plan.RISK_FIELDS},
    }
    form = RiskForm(request.POST or None, initial=initial)

    def apply(data: dict[str, Any]) -> None:
        assessment = plan.RiskAssessment(**{name: data[name] for name in plan.RISK_FIELDS})
        plan.update_risk_assessment(
            case=case, assessment=assessment, version=data["version"], updated_by=request.user
        )

    return handle_form(
        request,
        form,
        title=_("Risk assessment and safety plan"),
        case=case,
        apply=apply,
        done=_("Safety plan saved."),
    )


@require_GET
@operator_required(MANAGE)
def export_anonymised(request: OperatorRequest) -> HttpResponse:
    """Coded facts of the cases shared with you, for people who consented to reports."""
    body = export.export_anonymised_csv(
        cases=selectors.cases_visible_to(request.user), exported_by=request.user
    )
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="cases-anonymised.csv"'
    return response
