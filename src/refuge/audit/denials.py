"""Refusals are audited: a 403, and a 404 on an object that exists.

Django's 403 and 404 handlers (config/urls.py) come here first. A 403 is written down with the
route and the refused capability's code; a 404 only when one of the URL's ids names an
existing object (someone reached for a case not shared with them, a contact of another
operator, a record of another case), never for an unknown id. Codes and ids only.
"""

from __future__ import annotations

import re

from django.apps import apps
from django.http import HttpRequest, HttpResponse

from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.core import views as core_views
from refuge.core.operators import OperatorLike

# The model each id of a console URL names. tests/test_access_matrix.py fails for an id
# without an entry here.
URL_OBJECTS: dict[str, str] = {
    "act_id": "documentation.Act",
    "action_id": "approvals.PendingAction",
    "alert_id": "hotline.ExposureAlert",
    "attachment_id": "intake.Attachment",
    "candidate_id": "analysis.CandidatePair",
    "case_id": "cases.Case",
    "checkin_id": "cases.CheckIn",
    "contact_id": "hotline.Contact",
    "estimate_job_id": "analysis.EstimateJob",
    "event_id": "documentation.Event",
    "evidence_id": "documentation.Evidence",
    "flag_id": "hotline.ProfileFlag",
    "identifier_id": "hotline.Identifier",
    "movement_id": "cases.Movement",
    "need_id": "cases.Need",
    "operator_id": "accounts.Operator",
    "partner_id": "cases.Partner",
    "person_id": "cases.CasePerson",
    "profile_id": "hotline.Profile",
    "referral_id": "cases.Referral",
    "run_id": "analysis.LinkageRun",
    "shift_id": "oncall.Shift",
    "source_id": "documentation.Source",
    "spending_id": "cases.Spending",
    "stage_id": "cases.Stage",
    "task_id": "cases.Task",
    "template_id": "hotline.ReplyTemplate",
    "victim_id": "documentation.Victim",
}
# Numbers in a console URL that are not a row's id: nothing to look up for the audit.
URL_NUMBERS = frozenset(
    {
        "person",  # a person's number within a linkage run (analysis:split, analysis:merge)
    }
)
CODE = re.compile(r"^[a-z_]{1,32}$")


def _route(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    return match.view_name[:64] if match is not None else ""


def existing_objects(request: HttpRequest) -> list[tuple[str, int]]:
    """(model label, id) of each id in the URL that names an existing object."""
    match = getattr(request, "resolver_match", None)
    found = []
    for name, value in match.kwargs.items() if match is not None else ():
        label = URL_OBJECTS.get(name)
        if label is None or not isinstance(value, int):
            continue
        if apps.get_model(label)._default_manager.filter(pk=value).exists():
            found.append((label, value))
    return found


def _actor(request: HttpRequest) -> OperatorLike | None:
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def _record(request: HttpRequest, *, status: int, code: str = "") -> None:
    objects = existing_objects(request)
    if status == 404 and not objects:
        return  # an unknown id: nothing was reached for
    label, pk = objects[-1] if objects else ("route", _route(request))
    record_event(
        AuditAction.ACCESS_DENIED,
        actor=_actor(request),
        target_type=label,
        target_id=pk,
        details={
            "status": status,
            "route": _route(request),
            "code": code if CODE.match(code) else "",
        },
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    _record(request, status=403, code=str(exception or ""))
    return core_views.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    _record(request, status=404)
    return core_views.page_not_found(request, exception)
