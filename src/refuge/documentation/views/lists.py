"""The act list with its filters, and its CSV/JSON exports."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from refuge.accounts.decorators import OperatorRequest, operator_required
from refuge.accounts.roles import Capability
from refuge.documentation.forms import ActFilterForm
from refuge.documentation.selectors import ActFilter
from refuge.documentation.services import reads
from refuge.documentation.services.exports import export_acts

PAGE_SIZE = 200


def _act_filter(form: ActFilterForm) -> ActFilter:
    if not form.is_valid():
        return ActFilter()
    criteria = {name: value for name, value in form.cleaned_data.items() if name != "recipient"}
    return ActFilter(**criteria)


@operator_required(Capability.DOCUMENT)
@require_GET
def act_list(request: OperatorRequest) -> HttpResponse:
    form = ActFilterForm(request.GET or None)
    act_filter = _act_filter(form) if not form.errors else ActFilter()
    acts, total = reads.read_acts(request.user, act_filter, limit=PAGE_SIZE)
    return render(
        request,
        "documentation/act_list.html",
        {
            "form": form,
            "acts": acts,
            "total": total,
            "query": request.GET.urlencode(),
            "page_size": PAGE_SIZE,
        },
    )


@operator_required(Capability.DOCUMENT)
@require_GET
def act_export(request: OperatorRequest, file_format: str) -> HttpResponse:
    if file_format not in ("csv", "json"):
        raise Http404
    form = ActFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return HttpResponse(status=400)
    recipient = form.cleaned_data.get("recipient") if form.is_bound else None
    export = export_acts(
        actor=request.user, act_filter=_act_filter(form), file_format=file_format, partner=recipient
    )
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.file_name}"'
    return response
