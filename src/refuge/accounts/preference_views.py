"""The operator's own settings page and the console's language switch (accounts.preferences)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse, translate_url
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from refuge.accounts.decorators import OperatorRequest, operator_required
from refuge.accounts.duress import is_stand_in
from refuge.accounts.preferences import PreferencesRefused, set_language, set_preferences
from refuge.core.timezones import zone_abbreviation, zone_names


def _zone_choices() -> list[tuple[str, str]]:
    default = timezone.get_default_timezone()
    now = timezone.localtime(timezone.now(), default)
    installation = gettext_lazy("The installation's: %(zone)s (%(abbreviation)s)") % {
        "zone": str(default),
        "abbreviation": zone_abbreviation(now),
    }
    return [("", installation), *((name, name) for name in zone_names())]


class PreferencesForm(forms.Form):
    time_zone = forms.ChoiceField(
        label=gettext_lazy("Time zone"),
        required=False,
        choices=_zone_choices,
        help_text=gettext_lazy(
            "The console shows every time in this zone, with its name, and "
            "reads the times you type in it."
        ),
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the console"), choices=settings.LANGUAGES
    )


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)
    next = forms.CharField(required=False, max_length=2000)


@require_http_methods(["GET", "POST"])
@operator_required()
def preferences_view(request: OperatorRequest) -> HttpResponse:
    operator = request.user
    initial = {"time_zone": operator.time_zone, "language": translation.get_language()}
    form = PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        language = form.cleaned_data["language"]
        try:
            set_preferences(
                operator=operator, time_zone=form.cleaned_data["time_zone"], language=language
            )
        except PreferencesRefused as error:
            form.add_error(None, str(error))
        else:
            translation.activate(language)
            messages.success(request, _("Your settings were saved."))
            return HttpResponseRedirect(reverse("accounts:preferences"))
    return render(request, "accounts/preferences.html", {"form": form, "now": timezone.now()})


@require_POST
@operator_required()
def language_view(request: OperatorRequest) -> HttpResponse:
    """Switch the console's language (and remember it) and come back to the same page."""
    form = LanguageForm(request.POST)
    if not form.is_valid():
        return HttpResponseRedirect(reverse("console:home"))
    language = form.cleaned_data["language"]
    if not is_stand_in(request.user):
        set_language(operator=request.user, language=language)
    return HttpResponseRedirect(_same_page_in(request, form.cleaned_data["next"], language))


def _same_page_in(request: HttpRequest, next_url: str, language: str) -> str:
    """The page the switch was pressed on, in `language`; the console home if it is not ours."""
    safe = next_url.startswith("/") and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    if safe:
        source = translation.get_language_from_path(next_url) or settings.LANGUAGE_CODE
        with translation.override(source):
            translated = translate_url(next_url, language)
        if translated != next_url or source == language:
            return translated
    with translation.override(language):
        return reverse("console:home")
