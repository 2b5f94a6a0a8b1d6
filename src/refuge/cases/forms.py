"""Forms validate shape only; the services enforce the rules."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from refuge.accounts.models import Operator
from refuge.accounts.roles import Capability
from refuge.accounts.selectors import operators_with
from refuge.approvals.forms import reason_field
from refuge.cases.links import KeepChoice
from refuge.cases.models import (
    ConsentKind,
    ExposureCause,
    IdentifierKind,
    NeedCategory,
    NeedStatus,
    Partner,
    Shelter,
    SpendingCategory,
    Stage,
    StageCode,
    VerificationCheck,
)
from refuge.core.timezones import ZonedDateTimeField
from refuge.vault import api as vault

OFF = {"autocomplete": "off"}
TEXT = 4000


def _text(label: Any, *, required: bool = False, rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=TEXT,
        widget=forms.Textarea(attrs={"rows": rows, **OFF}),
    )


def _line(label: Any, *, required: bool = False, max_length: int = 200) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, max_length=max_length, widget=forms.TextInput(attrs=OFF)
    )


def case_workers() -> QuerySet[Operator]:
    return operators_with(Capability.MANAGE_CASES).order_by("username")


class OpenCaseForm(forms.Form):
    pseudonym = _line(_("Pseudonym for the case"), required=True, max_length=80)
    case_workers = forms.ModelMultipleChoiceField(
        label=_("Case workers who may read it"),
        required=False,
        queryset=Operator.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, opener: Operator, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["case_workers"].queryset = case_workers().exclude(pk=opener.pk)  # type: ignore[attr-defined]


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class StageForm(VersionedForm):
    stage = forms.ModelChoiceField(
        label=_("New stage"), queryset=Stage.objects.filter(is_active=True), empty_label=None
    )
    reason = _text(
        _(
            "Reason (required to move past verification without checks or while a "
            "safety flag stands)"
        )
    )


class VerificationForm(forms.Form):
    item = forms.ChoiceField(label=_("Check"), choices=VerificationCheck.choices)
    note = _text(_("Note"))


class RiskForm(VersionedForm):
    threat_police = forms.BooleanField(
        label=_("Threat: police / security services"), required=False
    )
    threat_family = forms.BooleanField(label=_("Threat: family"), required=False)
    threat_community = forms.BooleanField(label=_("Threat: community"), required=False)
    threat_other = forms.BooleanField(label=_("Threat: others"), required=False)
    threat_details = _text(_("Threat details"))
    safe_contact_times = _text(_("Safe times to contact"), rows=2)
    safe_contact_ways = _text(_("Safe ways to contact"), rows=2)
    code_words = _text(_("Code words"), rows=2)
    safety_plan = _text(_("Safety plan"), rows=5)
    destination_city = _line(_("Destination city (removed when the case closes)"))


class NeedForm(forms.Form):
    category = forms.ChoiceField(label=_("Need"), choices=NeedCategory.choices)
    status = forms.ChoiceField(label=_("Status"), choices=NeedStatus.choices)
    provider = forms.ModelChoiceField(
        label=_("Provider"), required=False, queryset=Partner.objects.filter(is_active=True)
    )
    details = _text(_("Details"))
    cost_details = _text(_("Costs"), rows=2)


class NoteForm(forms.Form):
    body = _text(_("Note"), required=True, rows=5)


class PersonForm(forms.Form):
    pseudonym = _line(_("Pseudonym"), required=True, max_length=80)
    legal_name = _line(_("Real name (optional)"))
    phone = _line(_("Phone number (optional)"), max_length=40)
    contact_details = _text(_("Other contact details"), rows=2)


class RemovePersonForm(forms.Form):
    keep = forms.ChoiceField(
        label=_("What should be kept of the person?"),
        widget=forms.RadioSelect,
        choices=[
            (
                "anonymised",
                _(
                    "Keep an anonymised person: documentation still counts them, "
                    "names and numbers are erased"
                ),
            ),
            ("delete", _("Delete the person and everything of theirs in this case")),
        ],
    )
    linked = forms.ChoiceField(
        label=_("What should become of the records that document them?"),
        widget=forms.RadioSelect,
        choices=KeepChoice.choices,
    )
    reason = reason_field()

    def __init__(self, *args: Any, has_linked_records: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not has_linked_records:
            del self.fields["linked"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("keep") == "delete" and data.get("linked", KeepChoice.DELETE) != (
            KeepChoice.DELETE
        ):
            # Their consent answers go with the person; kept records would lose them.
            raise forms.ValidationError(
                _(
                    "Records that document this person are kept only with an anonymised person, "
                    "whose consent answers still govern them. Keep an anonymised person, or "
                    "delete those records too."
                )
            )
        return data


class ConsentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Use"), choices=ConsentKind.choices)
    is_granted = forms.TypedChoiceField(
        label=_("Answer"),
        coerce=lambda value: value == "yes",
        choices=[("yes", _("Yes")), ("no", _("No"))],
    )
    partners = forms.ModelMultipleChoiceField(
        label=_("Named partners (for sharing)"),
        required=False,
        queryset=Partner.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
    )


NOT_ON_CASE = _("Choose a case worker the case is shared with.")


class TaskForm(forms.Form):
    title = _line(_("Task"), required=True, max_length=300)
    owner = forms.ModelChoiceField(
        label=_("Owner"),
        queryset=Operator.objects.none(),
        error_messages={"invalid_choice": NOT_ON_CASE},
    )
    due_at = ZonedDateTimeField(label=_("Due"), required=False)
    is_urgent = forms.BooleanField(label=_("Urgent"), required=False)

    def __init__(self, *args: Any, members: QuerySet[Operator], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = members  # type: ignore[attr-defined]


class TaskEditForm(VersionedForm, TaskForm):
    """A task as read at `version`."""


class CheckInForm(forms.Form):
    due_at = ZonedDateTimeField(label=_("Agreed time"))
    grace_minutes = forms.IntegerField(
        label=_("Grace (minutes)"), min_value=0, max_value=1440, initial=30
    )


class MovementForm(forms.Form):
    route = _text(_("Route"), required=True)
    tickets = _text(_("Tickets"), rows=2)
    departure = _line(_("Departure"))


class ShelterChoiceForm(forms.Form):
    shelter = forms.ModelChoiceField(
        label=_("Shelter (code)"), required=False, queryset=Shelter.objects.filter(is_active=True)
    )


class ShelterForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=24)
    address = _text(_("Address"), required=True, rows=2)
    notes = _text(_("Notes"), rows=2)

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"]
        if Shelter.objects.filter(code=code).exists():
            raise forms.ValidationError(_("This code is taken."))
        return code


class SpendingForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=SpendingCategory.choices)
    amount = forms.DecimalField(
        label=_("Amount"), min_value=Decimal("0.01"), max_digits=10, decimal_places=2
    )
    currency = forms.RegexField(
        label=_("Currency"), regex=r"^[A-Za-z]{3}$", initial="EUR", max_length=3
    )
    purpose = _text(_("What for"), rows=2)


class ExposureForm(forms.Form):
    cause = forms.ChoiceField(label=_("What happened"), choices=ExposureCause.choices)
    exposed_names = forms.BooleanField(label=_("Names"), required=False)
    exposed_numbers = forms.BooleanField(label=_("Numbers"), required=False)
    exposed_chats = forms.BooleanField(label=_("Chats"), required=False)
    exposed_photos = forms.BooleanField(label=_("Photos"), required=False)
    details = _text(_("Details"))
    phones = _text(_("Phone numbers that may be exposed, one per line"))
    names = _text(_("Names that may be exposed, one per line"))
    handles = _text(_("Messenger handles that may be exposed, one per line"))

    def identifiers(self) -> list[tuple[str, str]]:
        pairs = []
        for kind, name in (
            (IdentifierKind.PHONE, "phones"),
            (IdentifierKind.NAME, "names"),
            (IdentifierKind.HANDLE, "handles"),
        ):
            pairs += [
                (kind.value, line.strip())
                for line in self.cleaned_data[name].splitlines()
                if line.strip()
            ]
        return pairs


class ShareForm(forms.Form):
    operator = forms.ModelChoiceField(label=_("Share with"), queryset=Operator.objects.none())

    def __init__(self, *args: Any, case: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["operator"].queryset = case_workers().exclude(  # type: ignore[attr-defined]
            case_memberships__case=case
        )


class ReferralForm(forms.Form):
    partner = forms.ModelChoiceField(
        label=_("Partner"), queryset=Partner.objects.filter(is_active=True)
    )


class StageEditForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=32)
    name = _line(_("Name (empty: the built-in name)"), max_length=80)
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=32000)
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)


class PartnerForm(forms.Form):
    name = _line(_("Name"), required=True, max_length=120)
    public_key = _line(_("Public key (X25519, base64)"), required=True, max_length=64)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    reason = reason_field(
        _(
            "For a new key: where it comes from and why it changes (a second "
            "person reads this, then confirms the key's fingerprint with the "
            "partner)"
        ),
        required=False,
    )

    def clean_public_key(self) -> str:
        key: str = self.cleaned_data["public_key"].strip()
        try:
            vault.parse_partner_public_key(key)
        except vault.VaultError as error:
            raise forms.ValidationError(
                _("This is not an X25519 public key in base64 (44 characters).")
            ) from error
        return key


class PartnerEditForm(VersionedForm, PartnerForm):
    """A partner as read at `version`."""


class LeadForm(VersionedForm):
    lead = forms.ModelChoiceField(
        label=_("New lead"),
        queryset=Operator.objects.none(),
        error_messages={"invalid_choice": NOT_ON_CASE},
    )

    def __init__(self, *args: Any, case: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = (  # type: ignore[attr-defined]
            case_workers().filter(case_memberships__case=case).exclude(pk=case.lead_id)
        )


class ReopenForm(VersionedForm):
    stage = forms.ModelChoiceField(
        label=_("Reopen at stage"),
        empty_label=None,
        queryset=Stage.objects.filter(is_active=True).exclude(code=StageCode.CLOSED),
        error_messages={"invalid_choice": _("Choose a stage in use other than “closed”.")},
    )
    reason = forms.CharField(
        label=_("Why is the case reopened?"),
        max_length=TEXT,
        widget=forms.Textarea(attrs={"rows": 3, **OFF}),
        error_messages={"required": _("Write down why the case is reopened.")},
    )
