"""Pseudonymous profiles, their identifiers and flags; revealing an identifier."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from refuge.accounts.decorators import OperatorRequest, operator_required
from refuge.accounts.permissions import has_capability
from refuge.accounts.roles import Capability
from refuge.core.errors import DomainError
from refuge.hotline import flags, selectors, services
from refuge.hotline.forms import FlagForm, IdentifierForm, LiftFlagForm
from refuge.hotline.models import ProfileFlag


@operator_required(Capability.HANDLE_CONTACTS)
def profile_view(request: OperatorRequest, profile_id: int) -> HttpResponse:
    profile = services.open_profile(operator=request.user, profile_id=profile_id)
    contact_ids = list(profile.contacts.values_list("pk", flat=True))
    visible = set(
        selectors.contacts_visible_to(request.user)
        .filter(pk__in=contact_ids)
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "hotline/profile.html",
        {
            "profile": profile,
            "identifiers": list(profile.identifiers.all()),
            "flag_matches": flags.flags_matching(
                request.user, indexes=[], profile_ids=[profile.pk]
            ),
            "exposure_alerts": list(profile.exposure_alerts.filter(resolved_at__isnull=True)),
            "lifted_flags": list(
                profile.flags.filter(lifted_at__isnull=False).select_related(
                    "created_by", "lifted_by"
                )
            ),
            "contacts": [(pk, pk in visible) for pk in contact_ids],
            "may_reveal": has_capability(request.user, Capability.REVEAL_IDENTIFIERS),
            "identifier_form": IdentifierForm(),
            "flag_form": FlagForm(),
            "lift_form": LiftFlagForm(),
        },
    )


@operator_required(Capability.HANDLE_CONTACTS)
@require_POST
def add_identifier_view(request: OperatorRequest, profile_id: int) -> HttpResponse:
    profile = selectors.get_profile_for(request.user, profile_id)
    form = IdentifierForm(request.POST)
    if form.is_valid():
        try:
            services.add_profile_identifier(
                operator=request.user,
                profile=profile,
                kind=form.cleaned_data["kind"],
                value=form.cleaned_data["value"],
            )
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Identifier added."))
    else:
        messages.error(request, _("Choose a kind and enter a value."))
    return redirect("hotline:profile", profile_id=profile.pk)


@operator_required(Capability.HANDLE_CONTACTS)
@require_POST
def add_flag_view(request: OperatorRequest, profile_id: int) -> HttpResponse:
    profile = selectors.get_profile_for(request.user, profile_id)
    form = FlagForm(request.POST)
    if form.is_valid():
        services.flag_profile(
            operator=request.user,
            profile=profile,
            kind=form.cleaned_data["kind"],
            expires_at=form.cleaned_data["expires_at"],
            note=form.cleaned_data["note"],
        )
        messages.success(
            request,
            _(
                "Flag added: whoever meets this person again (a call or "
                "report from one of these identifiers, a case) sees it."
            ),
        )
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect("hotline:profile", profile_id=profile.pk)


@operator_required(Capability.HANDLE_CONTACTS)
@require_POST
def lift_flag_view(request: OperatorRequest, flag_id: int) -> HttpResponse:
    """End a flag early, for a reason; only readers of its profile (404 for the others)."""
    flag = ProfileFlag.objects.filter(pk=flag_id).first()
    if flag is None:
        raise Http404
    profile = selectors.get_profile_for(request.user, flag.profile_id)
    form = LiftFlagForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the flag is lifted before its time."))
        return redirect("hotline:profile", profile_id=profile.pk)
    try:
        services.lift_flag(flag=flag, operator=request.user, reason=form.cleaned_data["reason"])
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The flag is lifted."))
    return redirect("hotline:profile", profile_id=profile.pk)


@operator_required(Capability.HANDLE_CONTACTS)
@require_POST
def resolve_alert_view(request: OperatorRequest, alert_id: int) -> HttpResponse:
    """Someone warned the exposed person: the alert stops showing (404 unless readable)."""
    alert = services.resolve_alert(alert_id=alert_id, operator=request.user)
    messages.success(request, _("Marked as warned."))
    if alert.contact_id is not None:
        return redirect("hotline:contact", contact_id=alert.contact_id)
    return redirect("hotline:profile", profile_id=alert.profile_id)


@operator_required(Capability.REVEAL_IDENTIFIERS)
@require_POST
def reveal_view(request: OperatorRequest, identifier_id: int) -> HttpResponse:
    """Show one identifier, on an explicit POST, audited; the page is never cached."""
    identifier = selectors.get_identifier_for(request.user, identifier_id)
    value = services.reveal_identifier(operator=request.user, identifier=identifier)
    return render(request, "hotline/revealed.html", {"identifier": identifier, "value": value})
