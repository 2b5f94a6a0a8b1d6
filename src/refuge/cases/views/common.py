"""Helpers for the thin case views."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from refuge.cases.models import Case
from refuge.core.errors import DomainError

FORM_TEMPLATE = "cases/form.html"


def handle_form(
    request: HttpRequest,
    form: forms.Form,
    *,
    title: str,
    case: Case | None,
    apply: Callable[[dict[str, Any]], object],
    done: str,
    success_url: str | None = None,
    extra: dict[str, Any] | None = None,
    template: str = FORM_TEMPLATE,
) -> HttpResponse:
    """GET shows the form; a valid POST calls `apply`; refusals come back as form errors."""
    if request.method == "POST" and form.is_valid():
        try:
            apply(form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, done)
            if success_url is not None:
                return redirect(success_url)
            assert case is not None
            return redirect("cases:detail", case.pk)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "title": title, "case": case, **(extra or {})}
    return render(request, template, context, status=status)


def run_action(
    request: HttpRequest, case: Case, action: Callable[[], object], done: str
) -> HttpResponse:
    """A one-button POST: do it, say so or say why not, back to the case."""
    try:
        action()
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect("cases:detail", case.pk)
