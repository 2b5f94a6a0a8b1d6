"""The console's own pages: its home (panels the apps register) and the audit journal."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from refuge.accounts.decorators import OperatorRequest, operator_required
from refuge.accounts.forms import AuditFilterForm
from refuge.accounts.home import home_panels
from refuge.accounts.models import Operator
from refuge.accounts.roles import Capability
from refuge.audit.selectors import AuditFilter, filtered_events


@operator_required(Capability.VIEW_AUDIT)
def audit_log_view(request: OperatorRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    audit_filter = AuditFilter()
    if form.is_valid():
        data = form.cleaned_data
        audit_filter = AuditFilter(
            action=data["action"],
            actor_id=data["actor"].pk if data["actor"] else None,
            target_type=data["target_type"],
            target_id=data["target_id"],
            since=data["since"],
            until=data["until"],
        )
    page = Paginator(filtered_events(audit_filter), 100).get_page(request.GET.get("page"))
    names = dict(Operator.objects.values_list("pk", "username"))
    for event in page:
        event.actor_name = names.get(event.actor_id or 0, "")  # type: ignore[attr-defined]
    return render(request, "accounts/audit_log.html", {"form": form, "page": page})


@operator_required()
def home(request: OperatorRequest) -> HttpResponse:
    return render(request, "accounts/home.html", {"panels": home_panels(request)})
