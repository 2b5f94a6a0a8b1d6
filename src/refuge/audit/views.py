from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from refuge.accounts.decorators import operator_required
from refuge.accounts.models import Operator
from refuge.accounts.roles import Capability
from refuge.audit.models import AuditAction
from refuge.audit.selectors import AuditFilter, filtered_events


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False,
                               choices=[("", "—"), *AuditAction.choices])
    actor = forms.ModelChoiceField(label=_("Operator"), required=False,
                                   queryset=Operator.objects.order_by("username"))
    target_type = forms.CharField(label=_("Record type"), required=False, max_length=64)
    target_id = forms.CharField(label=_("Record id"), required=False, max_length=64)
    since = forms.DateField(label=_("From"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))


@operator_required(Capability.VIEW_AUDIT)
def audit_log_view(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    audit_filter = AuditFilter()
    if form.is_valid():
        data = form.cleaned_data
        audit_filter = AuditFilter(
            action=data["action"], actor_id=data["actor"].pk if data["actor"] else None,
            target_type=data["target_type"], target_id=data["target_id"],
            since=data["since"], until=data["until"],
        )
    page = Paginator(filtered_events(audit_filter), 100).get_page(request.GET.get("page"))
    names = dict(Operator.objects.values_list("pk", "username"))
    for event in page:
        event.actor_name = names.get(event.actor_id or 0, "")  # type: ignore[attr-defined]
    return render(request, "audit/log.html", {"form": form, "page": page})
