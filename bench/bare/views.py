"""The plain Django way: a form, a row, a receipt in the session. No vault, no audit."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template import engines
from django.urls import reverse

from bench.bare.models import BareReport
from refuge.intake.models import ReporterKind, Urgency
from refuge.vault import api as vault

PAGE = engines["django"].from_string(
    "<!doctype html><title>report</title><form method=post>{% csrf_token %}"
    "<textarea name=body></textarea><input name=contact>"
    "{% for v, l in urgencies %}<input type=radio name=urgency value={{ v }}>{{ l }}{% endfor %}"
    "{% for v, l in kinds %}<input type=radio name=reporter_kind value={{ v }}>{{ l }}"
    "{% endfor %}<button>Send</button></form>{{ receipt }}"
)


class BareForm(forms.Form):
    body = forms.CharField(max_length=20_000)
    reporter_kind = forms.ChoiceField(choices=ReporterKind.choices)
    urgency = forms.ChoiceField(choices=Urgency.choices)
    contact = forms.CharField(required=False, max_length=1000)


def report(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = BareForm(request.POST)
        if form.is_valid():
            receipt = vault.new_receipt()
            secrets = vault.derive_receipt_secrets(receipt)
            BareReport.objects.create(receipt_lookup=secrets.lookup, **form.cleaned_data)  # type: ignore[attr-defined]
            request.session["receipt"] = receipt
            response = HttpResponseRedirect(reverse("receipt"))
            response.status_code = 303
            return response
    context = {"urgencies": Urgency.choices, "kinds": ReporterKind.choices}
    return HttpResponse(PAGE.render(context, request))


def receipt(request: HttpRequest) -> HttpResponse:
    shown = request.session.pop("receipt", "")
    return HttpResponse(PAGE.render({"receipt": shown}, request))
