"""Pseudonymous profiles, their identifiers and flags; revealing an identifier."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from refuge.accounts.decorators import operator_required
from refuge.accounts.permissions import has_capability
from refuge.accounts.roles import Capability
from refuge.core.errors import DomainError
from refuge.hotline import selectors, services
from refuge.hotline.forms import FlagForm, IdentifierForm


@operator_required(Capability.HANDLE_CONTACTS)
def profile_view(request: HttpRequest, profile_id: int) -> HttpResponse:
    profile = services.open_profile(operator=request.user, profile_id=profile_id)
    contact_ids = list(profile.contacts.values_list("pk", flat=True))
    visible = set(selectors.contacts_visible_to(request.user).filter(pk__in=contact_ids)
                  .values_list("pk", flat=True))
    return render(request, "hotline/profile.html", {
        "profile": profile, "identifiers": list(profile.identifiers.all()),
        "flags": selectors.active_flags(profile.pk),
        "contacts": [(pk, pk in visible) for pk in contact_ids],
        "may_reveal": has_capability(request.user, Capability.REVEAL_IDENTIFIERS),
        "identifier_form": IdentifierForm(), "flag_form": FlagForm(),
    })


@operator_required(Capability.HANDLE_CONTACTS)
@require_POST
def add_identifier_view(request: HttpRequest, profile_id: int) -> HttpResponse:
    profile = selectors.get_profile_for(request.user, profile_id)
    form = IdentifierForm(request.POST)
    if form.is_valid():
        try:
            services.add_profile_identifier(operator=request.user, profile=profile,
                                            kind=form.cleaned_data["kind"],
                                            value=form.cleaned_data["value"])
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Identifier added."))
    else:
        messages.error(request, _("Choose a kind and enter a value."))
    return redirect("hotline:profile", profile_id=profile.pk)


@operator_required(Capability.HANDLE_CONTACTS)
@require_POST
def add_flag_view(request: HttpRequest, profile_id: int) -> HttpResponse:
    profile = selectors.get_profile_for(request.user, profile_id)
    form = FlagForm(request.POST)
    if form.is_valid():
        services.flag_profile(operator=request.user, profile=profile,
                              kind=form.cleaned_data["kind"],
                              expires_at=form.cleaned_data["expires_at"])
        messages.success(request, _("Flag added: every operator opening a linked contact "
                                    "will see it."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect("hotline:profile", profile_id=profile.pk)


@operator_required(Capability.REVEAL_IDENTIFIERS)
@require_POST
def reveal_view(request: HttpRequest, identifier_id: int) -> HttpResponse:
    """Show one identifier, on an explicit POST, audited; the page is never cached."""
    identifier = selectors.get_identifier_for(request.user, identifier_id)
    value = services.reveal_identifier(operator=request.user, identifier=identifier)
    return render(request, "hotline/revealed.html", {"identifier": identifier, "value": value})
