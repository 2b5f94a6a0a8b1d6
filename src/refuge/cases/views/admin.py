"""Sharing, referrals, and the registers: stages, partners, shelters."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from refuge.accounts.decorators import OperatorRequest, operator_required
from refuge.accounts.models import Operator
from refuge.accounts.roles import Capability
from refuge.cases import partner_keys
from refuge.cases.forms import (
    LeadForm,
    PartnerEditForm,
    PartnerForm,
    ReferralForm,
    ShareForm,
    ShelterForm,
    StageEditForm,
)
from refuge.cases.models import CasePerson, Partner, Referral, Stage
from refuge.cases.permissions import (
    get_case_for,
    require_coordinator,
    require_lead_or_coordinator,
)
from refuge.cases.services import movement, opening, referral, stages
from refuge.cases.views.common import handle_form, run_action

MANAGE = Capability.MANAGE_CASES
GET_POST = ["GET", "POST"]


@require_http_methods(GET_POST)
@operator_required(MANAGE)
def share(request: OperatorRequest, case_id: int) -> HttpResponse:
    case = get_case_for(request.user, case_id)
    return handle_form(
        request,
        ShareForm(request.POST or None, case=case),
        title=_("Share the case"),
        case=case,
        done=_("Case shared."),
        apply=lambda data: opening.share_case(
            case=case, operator=data["operator"], shared_by=request.user
        ),
    )


@require_POST
@operator_required(MANAGE)
def unshare(request: OperatorRequest, case_id: int, operator_id: int) -> HttpResponse:
    case = get_case_for(request.user, case_id)
    operator = get_object_or_404(Operator, pk=operator_id, case_memberships__case=case)
    if operator.pk == request.user.pk:
        raise Http404
    return run_action(
        request,
        case,
        lambda: opening.unshare_case(case=case, operator=operator, unshared_by=request.user),
        _("Access removed."),
    )


@require_http_methods(GET_POST)
@operator_required(MANAGE)
def change_lead(request: OperatorRequest, case_id: int) -> HttpResponse:
    case = get_case_for(request.user, case_id)
    require_lead_or_coordinator(request.user, case)
    form = LeadForm(request.POST or None, case=case, initial={"version": case.version})
    return handle_form(
        request,
        form,
        title=_("Change the lead"),
        case=case,
        done=_("Lead changed."),
        template="cases/change_lead.html",
        apply=lambda data: opening.change_lead(
            case=case, lead=data["lead"], version=data["version"], changed_by=request.user
        ),
    )


@require_http_methods(GET_POST)
@operator_required(MANAGE)
def request_referral(request: OperatorRequest, case_id: int, person_id: int) -> HttpResponse:
    case = get_case_for(request.user, case_id)
    person = get_object_or_404(CasePerson, pk=person_id, case=case)
    return handle_form(
        request,
        ReferralForm(request.POST or None),
        title=_("Referral"),
        case=case,
        done=_("Referral requested: a second person must approve it."),
        extra={"person": person},
        apply=lambda data: referral.request_referral(
            person=person, partner=data["partner"], requested_by=request.user
        ),
    )


@require_POST
@operator_required(MANAGE)
def decide_referral(
    request: OperatorRequest, case_id: int, referral_id: int, decision: str
) -> HttpResponse:
    case = get_case_for(request.user, case_id)
    pending = get_object_or_404(
        Referral.objects.select_related("partner", "person"), pk=referral_id, case=case
    )
    if decision not in {"approve", "reject"}:
        raise Http404
    return run_action(
        request,
        case,
        lambda: referral.decide_referral(
            referral=pending, approve=decision == "approve", decided_by=request.user
        ),
        _("Referral decided."),
    )


@require_GET
@operator_required(MANAGE)
def download_package(request: OperatorRequest, case_id: int, referral_id: int) -> HttpResponse:
    case = get_case_for(request.user, case_id)
    sealed = referral.sealed_package(case=case, referral_id=referral_id, operator=request.user)
    response = HttpResponse(bytes(sealed.package or b""), content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="referral-{sealed.pk}.sealed"'
    return response


@require_GET
@operator_required(MANAGE)
def referral_guide(request: OperatorRequest) -> HttpResponse:
    return render(request, "cases/referral_guide.html")


@require_http_methods(GET_POST)
@operator_required(MANAGE)
def stage_list(request: OperatorRequest, stage_id: int | None = None) -> HttpResponse:
    require_coordinator(request.user)
    stage = get_object_or_404(Stage, pk=stage_id) if stage_id else None
    initial: dict[str, Any] = (
        {"order": 100, "is_active": True}
        if stage is None
        else {
            "code": stage.code,
            "name": stage.name,
            "order": stage.order,
            "is_active": stage.is_active,
        }
    )
    form = StageEditForm(request.POST or None, initial=initial)
    if stage is not None:
        form.fields["code"].disabled = True
    return handle_form(
        request,
        form,
        title=_("Stages"),
        case=None,
        done=_("Stage saved."),
        success_url="cases:stages",
        template="cases/stages.html",
        extra={"stages": Stage.objects.all(), "stage": stage},
        apply=lambda data: stages.save_stage(stage=stage, saved_by=request.user, **data),
    )


@require_http_methods(GET_POST)
@operator_required(Capability.APPROVE_SPENDING)
def partner_list(request: OperatorRequest, partner_id: int | None = None) -> HttpResponse:
    partner = get_object_or_404(Partner, pk=partner_id) if partner_id else None
    pending = partner_keys.pending_keys()
    form: PartnerForm
    if partner is None:
        form = PartnerForm(request.POST or None, initial={"is_active": True})
    else:
        asked = pending.get(partner.pk)
        form = PartnerEditForm(
            request.POST or None,
            initial={
                "name": partner.name,
                "is_active": partner.is_active,
                "version": partner.version,
                "public_key": partner.public_key or (asked.details["public_key"] if asked else ""),
            },
        )
    return handle_form(
        request,
        form,
        title=_("Partner organisations"),
        case=None,
        done=_(
            "Partner saved. A new key is in force once a second person has confirmed its "
            "fingerprint with the partner."
        ),
        success_url="cases:partners",
        template="cases/partners.html",
        extra={
            "partners": [
                (item, partner_keys.key_fingerprint(item.public_key), pending.get(item.pk))
                for item in Partner.objects.all()
            ],
            "partner": partner,
        },
        apply=lambda data: referral.save_partner(partner=partner, saved_by=request.user, **data),
    )


@require_http_methods(GET_POST)
@operator_required(Capability.VIEW_SHELTERS)
def shelter_list(request: OperatorRequest) -> HttpResponse:
    shelters = movement.shelter_register(reader=request.user)
    return handle_form(
        request,
        ShelterForm(request.POST or None),
        title=_("Shelter register"),
        case=None,
        done=_("Shelter registered."),
        success_url="cases:shelters",
        template="cases/shelters.html",
        extra={"shelters": shelters},
        apply=lambda data: movement.register_shelter(registered_by=request.user, **data),
    )
