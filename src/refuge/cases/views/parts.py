"""Verification, needs, notes, people and consent, tasks and check-ins."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from refuge.accounts.decorators import OperatorRequest, operator_required
from refuge.accounts.models import Operator
from refuge.accounts.roles import Capability
from refuge.approvals.selectors import pending_request
from refuge.cases import links, selectors
from refuge.cases.destruction import REMOVE_PERSON
from refuge.cases.forms import (
    CheckInForm,
    ConsentForm,
    NeedForm,
    NoteForm,
    PersonForm,
    RemovePersonForm,
    TaskEditForm,
    TaskForm,
    VerificationForm,
)
from refuge.cases.models import CasePerson, CheckIn, Need, Task
from refuge.cases.permissions import can_view_case, get_case_for
from refuge.cases.services import persons, plan, tasks
from refuge.cases.views.common import handle_form, run_action
from refuge.core.errors import DomainError

MANAGE = Capability.MANAGE_CASES
GET_POST = ["GET", "POST"]


@require_http_methods(GET_POST)
@operator_required(MANAGE)
def add_verification(request: OperatorRequest, case_id: int) -> HttpResponse:
    case = get_case_for(request.user, case_id)
    return handle_form(
        request,
        VerificationForm(request.POST or None),
        title=_("Verification check"),
        case=case,
        done=_("Check recorded."),
        apply=lambda data: plan.add_verification_item(
            case=case, item=data["item"], note=data["note"], checked_by=request.user
        ),
        extra={"flag_matches": selectors.case_flags(case, request.user)},
    )


@require_http_methods(GET_POST)
@operator_required(MANAGE)
def save_need(request: OperatorRequest, case_id: int, need_id: int | None = None) -> HttpResponse:
    case = get_case_for(request.user, case_id)
    need = get_object_or_404(Need, pk=need_id, case=case) if need_id else None
    initial = (
        {}
        if need is None
        else {
            "category": need.category,
            "status": need.status,
            "provider": need.provider_id,
            "details": need.details or "",
            "cost_details": need.cost_details or "",
        }
    )
    return handle_form(
        request,
        NeedForm(request.POST or None, initial=initial),
        title=_("Need or service"),
        case=case,
        done=_("Need saved."),
        apply=lambda data: plan.save_need(case=case, need=need, saved_by=request.user, **data),
    )


@require_http_methods(GET_POST)
@operator_required(MANAGE)
def add_note(request: OperatorRequest, case_id: int) -> HttpResponse:
    case = get_case_for(request.user, case_id)
    return handle_form(
        request,
        NoteForm(request.POST or None),
        title=_("Note"),
        case=case,
        done=_("Note added."),
        apply=lambda data: plan.add_note(case=case, body=data["body"], author=request.user),
    )


@require_http_methods(GET_POST)
@operator_required(MANAGE)
def save_person(
    request: OperatorRequest, case_id: int, person_id: int | None = None
) -> HttpResponse:
    case = get_case_for(request.user, case_id)
    person = get_object_or_404(CasePerson, pk=person_id, case=case) if person_id else None
    initial = (
        {}
        if person is None
        else {
            name: getattr(person, name) or ""
            for name in ("pseudonym", "legal_name", "phone", "contact_details")
        }
    )
    return handle_form(
        request,
        PersonForm(request.POST or None, initial=initial),
        title=_("Person"),
        case=case,
        done=_("Person saved."),
        apply=lambda data: persons.save_person(
            case=case, person=person, saved_by=request.user, **data
        ),
    )


@require_http_methods(GET_POST)
@operator_required(MANAGE)
def remove_person(request: OperatorRequest, case_id: int, person_id: int) -> HttpResponse:
    """Ask what to keep before removing someone; show what documents them, if anything."""
    case = get_case_for(request.user, case_id)
    person = get_object_or_404(CasePerson, pk=person_id, case=case)
    linked = links.person_records(person, request.user)
    form = RemovePersonForm(request.POST or None, has_linked_records=bool(linked))
    return handle_form(
        request,
        form,
        title=_("Remove a person"),
        case=case,
        done=_("Removal requested: nothing is erased until a coordinator on the case confirms it."),
        extra={
            "person": person,
            "linked": linked,
            "pending": pending_request(REMOVE_PERSON, person),
        },
        template="cases/remove_person.html",
        apply=lambda data: persons.request_person_removal(
            person=person,
            keep_anonymised=data["keep"] == "anonymised",
            reason=data["reason"],
            requested_by=request.user,
            linked=links.KeepChoice(data.get("linked", links.KeepChoice.KEEP)),
        ),
    )


@require_http_methods(GET_POST)
@operator_required(MANAGE)
def record_consent(request: OperatorRequest, case_id: int, person_id: int) -> HttpResponse:
    case = get_case_for(request.user, case_id)
    person = get_object_or_404(CasePerson, pk=person_id, case=case)
    return handle_form(
        request,
        ConsentForm(request.POST or None),
        title=_("Consent"),
        case=case,
        done=_("Consent recorded."),
        extra={"person": person},
        apply=lambda data: persons.record_consent(
            person=person,
            kind=data["kind"],
            is_granted=data["is_granted"],
            partners=list(data["partners"]),
            recorded_by=request.user,
        ),
    )


@require_http_methods(GET_POST)
@operator_required(MANAGE)
def add_task(request: OperatorRequest, case_id: int) -> HttpResponse:
    case = get_case_for(request.user, case_id)
    members = Operator.objects.filter(case_memberships__case=case, is_active=True)
    form = TaskForm(request.POST or None, members=members, initial={"owner": request.user.pk})
    return handle_form(
        request,
        form,
        title=_("Task"),
        case=case,
        done=_("Task added."),
        apply=lambda data: tasks.add_task(case=case, created_by=request.user, **data),
    )


@require_http_methods(GET_POST)
@operator_required(MANAGE)
def edit_task(request: OperatorRequest, case_id: int, task_id: int) -> HttpResponse:
    case = get_case_for(request.user, case_id)
    task = get_object_or_404(Task, pk=task_id, case=case)
    members = Operator.objects.filter(case_memberships__case=case, is_active=True)
    initial = {
        "version": task.version,
        "title": task.title,
        "owner": task.owner_id,
        "due_at": task.due_at,
        "is_urgent": task.is_urgent,
    }
    form = TaskEditForm(request.POST or None, members=members, initial=initial)
    from_my_work = request.GET.get("from") == "mine"  # a flag, never a URL: no open redirect

    def apply(data: dict[str, Any]) -> None:
        edit = tasks.TaskEdit(
            title=data["title"],
            owner=data["owner"],
            due_at=data["due_at"],
            is_urgent=data["is_urgent"],
        )
        tasks.edit_task(task=task, edit=edit, version=data["version"], edited_by=request.user)

    return handle_form(
        request,
        form,
        title=_("Edit the task"),
        case=case,
        apply=apply,
        done=_("Task saved."),
        success_url="cases:my_work" if from_my_work else None,
        extra={"task": task},
        template="cases/edit_task.html",
    )


@require_POST
@operator_required(MANAGE)
def complete_task(request: OperatorRequest, task_id: int) -> HttpResponse:
    task = get_object_or_404(Task.objects.select_related("case"), pk=task_id)
    visible = task.owner_id == request.user.pk or (
        task.case is not None and can_view_case(request.user, task.case)
    )
    if not visible:
        raise Http404
    try:
        tasks.complete_task(task=task, completed_by=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Task done."))
    return redirect("cases:my_work")


@require_http_methods(GET_POST)
@operator_required(MANAGE)
def add_checkin(request: OperatorRequest, case_id: int) -> HttpResponse:
    case = get_case_for(request.user, case_id)
    return handle_form(
        request,
        CheckInForm(request.POST or None),
        title=_("Check-in"),
        case=case,
        done=_("Check-in agreed."),
        apply=lambda data: tasks.schedule_checkin(
            case=case, person=None, created_by=request.user, **data
        ),
    )


@require_POST
@operator_required(MANAGE)
def confirm_checkin(request: OperatorRequest, case_id: int, checkin_id: int) -> HttpResponse:
    case = get_case_for(request.user, case_id)
    checkin = get_object_or_404(CheckIn, pk=checkin_id, case=case)
    return run_action(
        request,
        case,
        lambda: tasks.confirm_checkin(checkin=checkin, confirmed_by=request.user),
        _("Check-in confirmed."),
    )
