"""Reply templates, edited by coordinators."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from refuge.accounts.decorators import OperatorRequest, operator_required
from refuge.accounts.roles import Capability
from refuge.core.errors import DomainError
from refuge.hotline import services
from refuge.hotline.forms import TemplateForm
from refuge.hotline.models import ReplyTemplate


@operator_required(Capability.HANDLE_CONTACTS)
def template_list_view(request: OperatorRequest) -> HttpResponse:
    return render(request, "hotline/template_list.html", {"templates": ReplyTemplate.objects.all()})


@operator_required(Capability.EDIT_TEMPLATES)
def template_edit_view(request: OperatorRequest, template_id: int | None = None) -> HttpResponse:
    template = get_object_or_404(ReplyTemplate, pk=template_id) if template_id else None
    form = TemplateForm(
        request.POST or None,
        instance=template,
        initial={"version": template.version if template else 0},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_template(
                operator=request.user,
                template=template,
                title=form.cleaned_data["title"],
                language=form.cleaned_data["language"],
                body=form.cleaned_data["body"],
                expected_version=form.cleaned_data["version"] or 0,
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Template saved."))
            return redirect("hotline:templates")
    return render(request, "hotline/template_form.html", {"form": form, "template": template})
