"""Import another organisation's list."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from refuge.accounts.decorators import OperatorRequest, operator_required
from refuge.accounts.roles import Capability
from refuge.core.errors import DomainError
from refuge.documentation.forms import ImportForm
from refuge.documentation.services.imports import REQUIRED_COLUMNS, import_organisation_list


@operator_required(Capability.DOCUMENT)
@require_http_methods(["GET", "POST"])
def import_list(request: OperatorRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = import_organisation_list(
                actor=request.user,
                organisation=form.cleaned_data["organisation"],
                content=form.cleaned_data["file"].read(),
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Imported as %(source)s: %(events)d event(s), %(acts)d act(s).")
                % {"source": result.source.reference, "events": result.events, "acts": result.acts},
            )
            return redirect("documentation:acts")
    return render(
        request,
        "documentation/import_form.html",
        {"form": form, "columns": sorted(REQUIRED_COLUMNS)},
    )
