"""Forms validate shape; the services enforce the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from refuge.accounts.models import Operator
from refuge.approvals.forms import reason_field
from refuge.cases.models import Case, CasePerson, Partner
from refuge.documentation.choices import (
    Affiliation,
    AgeGroup,
    DatePrecision,
    DestructionReason,
    EventType,
    Gender,
    PerpetratorKind,
    PerpetratorRole,
    PlaceKind,
    SourceKind,
    ViolationType,
)
from refuge.documentation.models import Event, Perpetrator, Place, Victim
from refuge.documentation.services.case_links import linkable_cases, linkable_persons
from refuge.vault import api as vault

DATE = forms.DateInput(attrs={"type": "date"})


class LabelledVictims(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        name = obj.real_name
        return f"{obj.pseudonym} — {name}" if name and vault.is_readable(name) else obj.pseudonym


class LabelledPerpetrators(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        name = obj.name if obj.name and vault.is_readable(obj.name) else ""
        return f"{obj.reference} — {name}" if name else obj.reference


class PerpetratorChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return LabelledPerpetrators.label_from_instance(self, obj)  # type: ignore[arg-type]


class CaseChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        title = obj.title if obj.title and vault.is_readable(obj.title) else ""
        return f"{obj.reference} — {title}" if title else obj.reference


class CasePersonChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        name = obj.pseudonym if obj.pseudonym and vault.is_readable(obj.pseudonym) else ""
        return f"{obj.case.reference} — {name or obj.pk}"


class TestimonyForm(forms.Form):
    """Filled during or after a call: the event (unless given), who, what, by whom, on whose
    word."""

    event_type = forms.ChoiceField(
        label=_("What kind of event"), choices=EventType.choices, required=False
    )
    title = forms.CharField(label=_("Short title"), max_length=200, required=False)
    description = forms.CharField(
        label=_("What happened"), widget=forms.Textarea, max_length=20_000, required=False
    )
    start_date = forms.DateField(label=_("From"), widget=DATE, required=False)
    end_date = forms.DateField(label=_("Until"), widget=DATE, required=False)
    date_precision = forms.ChoiceField(
        label=_("How exact are the dates"), choices=DatePrecision.choices, required=False
    )
    place = forms.CharField(
        label=_("Place (town, district or facility)"),
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"list": "places"}),
    )
    victims = LabelledVictims(
        label=_("Victims already recorded"),
        queryset=Victim.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    victim_pseudonyms = forms.CharField(
        label=_("Other recorded victims by pseudonym (V-0012, V-0013)"),
        max_length=500,
        required=False,
    )
    new_victims = forms.CharField(
        label=_("New victims: one name or description per line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )
    new_victims_gender = forms.ChoiceField(
        label=_("Gender of the new victims"),
        choices=Gender.choices,
        initial=Gender.UNKNOWN,
        required=False,
    )
    new_victims_age_group = forms.ChoiceField(
        label=_("Age group of the new victims"),
        choices=AgeGroup.choices,
        initial=AgeGroup.UNKNOWN,
        required=False,
    )
    violations = forms.MultipleChoiceField(
        label=_("Violations"), choices=ViolationType.choices, widget=forms.CheckboxSelectMultiple
    )
    perpetrators = LabelledPerpetrators(
        label=_("Perpetrators already recorded"),
        queryset=Perpetrator.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    new_perpetrator_name = forms.CharField(
        label=_("New perpetrator: name or unit"), max_length=300, required=False
    )
    new_perpetrator_kind = forms.ChoiceField(
        label=_("Person or unit"), choices=PerpetratorKind.choices, initial=PerpetratorKind.UNIT
    )
    new_perpetrator_affiliation = forms.ChoiceField(
        label=_("Affiliation"), choices=Affiliation.choices, initial=Affiliation.UNKNOWN
    )
    perpetrator_role = forms.ChoiceField(label=_("Their role"), choices=PerpetratorRole.choices)
    source_kind = forms.ChoiceField(
        label=_("Source"), choices=SourceKind.choices, initial=SourceKind.TESTIMONY
    )
    origin_name = forms.CharField(
        label=_("Who gives it (the person testifying, the outlet or the organisation)"),
        max_length=300,
    )
    summary = forms.CharField(
        label=_("What the source says"), widget=forms.Textarea, max_length=20_000, required=False
    )
    received_on = forms.DateField(label=_("Received on"), widget=DATE)
    contact_ref = forms.IntegerField(label=_("Hotline contact no."), min_value=1, required=False)
    case = CaseChoice(
        label=_("From case"),
        required=False,
        queryset=Case.objects.none(),
        help_text=_("Only open cases shared with you are offered."),
    )
    given_by = CasePersonChoice(
        label=_("Given by a person of that case"),
        required=False,
        queryset=CasePerson.objects.none(),
        help_text=_("Their consent answers in the case file then govern this testimony."),
    )
    giver_is_victim = forms.BooleanField(
        label=_("The person giving it is among the victims"), required=False
    )

    EVENT_FIELDS = (
        "event_type",
        "title",
        "description",
        "start_date",
        "end_date",
        "date_precision",
        "place",
    )

    def __init__(
        self, *args: Any, operator: Operator, event: Event | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.event = event
        self.fields["received_on"].initial = timezone.localdate()
        case, given_by = self.fields["case"], self.fields["given_by"]
        assert isinstance(case, CaseChoice)
        assert isinstance(given_by, CasePersonChoice)
        case.queryset = linkable_cases(operator)
        given_by.queryset = linkable_persons(operator)
        if event is not None:
            for name in self.EVENT_FIELDS:
                del self.fields[name]
            victims = self.fields["victims"]
            assert isinstance(victims, LabelledVictims)  # narrows the type for mypy
            victims.queryset = Victim.objects.filter(acts__event=event).distinct()
        else:
            del self.fields["victims"]
            for name in ("event_type", "start_date", "end_date", "date_precision", "place"):
                self.fields[name].required = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        case, person = data.get("case"), data.get("given_by")
        if person is not None and case is not None and person.case_id != case.pk:
            self.add_error("given_by", _("This person is not in the case chosen above."))
        elif person is not None:
            data["case"] = person.case
        if data.get("giver_is_victim") and person is None:
            self.add_error("giver_is_victim", _("Choose who gives it first."))
        return data

    def clean_victim_pseudonyms(self) -> list[Victim]:
        wanted = [
            p.strip().upper()
            for p in self.cleaned_data["victim_pseudonyms"].replace(";", ",").split(",")
            if p.strip()
        ]
        found = list(Victim.objects.filter(pseudonym__in=wanted))
        missing = sorted(set(wanted) - {victim.pseudonym for victim in found})
        if missing:
            raise forms.ValidationError(
                _("No victim is recorded as %(list)s.") % {"list": ", ".join(missing)[:100]}
            )
        return found

    def clean_new_victims(self) -> list[str]:
        return [
            line.strip() for line in self.cleaned_data["new_victims"].splitlines() if line.strip()
        ]


class ActFilterForm(forms.Form):
    violation = forms.ChoiceField(
        label=_("Violation"), required=False, choices=[("", "—"), *ViolationType.choices]
    )
    place = forms.ModelChoiceField(label=_("Place"), required=False, queryset=Place.objects.all())
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("Until"), required=False, widget=DATE)
    perpetrator = PerpetratorChoice(
        label=_("Perpetrator"), required=False, queryset=Perpetrator.objects.all()
    )
    recipient = forms.ModelChoiceField(
        label=_("Exports are for"),
        required=False,
        queryset=Partner.objects.order_by("name"),
        empty_label=_("no one outside (names of case persons left out)"),
        help_text=_("A person of a case is named only to partners they agreed to."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            raise forms.ValidationError(_("The end date is before the start date."))
        return data


class VerifyForm(forms.Form):
    reasoning = forms.CharField(
        label=_("Why is this act verified?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ConsentForm(forms.Form):
    consents = forms.BooleanField(label=_("Consents to be named in exports"), required=False)


class VictimAttributesForm(forms.Form):
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices)
    age_group = forms.ChoiceField(label=_("Age group"), choices=AgeGroup.choices)


class VictimLinkForm(forms.Form):
    person = CasePersonChoice(
        label=_("This victim is"),
        required=False,
        queryset=CasePerson.objects.none(),
        empty_label=_("no person of a case"),
        help_text=_("Their consent answers in the case file then govern this record."),
    )

    def __init__(self, *args: Any, operator: Operator, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        person = self.fields["person"]
        assert isinstance(person, CasePersonChoice)
        person.queryset = linkable_persons(operator)

    def has_choices(self) -> bool:
        person = self.fields["person"]
        assert isinstance(person, CasePersonChoice)
        return person.queryset is not None and person.queryset.exists()


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("File"))
    description = forms.CharField(label=_("What it shows"), max_length=2000, required=False)


class EvidenceDestroyForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why"), choices=DestructionReason.choices)
    explanation = reason_field()
    confirm = forms.BooleanField(label=_("I understand that the file cannot be recovered"))


class SourceDeleteForm(forms.Form):
    reason = reason_field()


class PlaceForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (PlaceKind.FACILITY.value, PlaceKind.FACILITY.label),
            (PlaceKind.TOWN.value, PlaceKind.TOWN.label),
            (PlaceKind.OTHER.value, PlaceKind.OTHER.label),
        ],
    )
    name_ru = forms.CharField(label=_("Name in Russian"), max_length=120)
    name_en = forms.CharField(label=_("Name in English"), max_length=120)
    parent = forms.ModelChoiceField(
        label=_("Within"),
        queryset=Place.objects.filter(kind__in=[PlaceKind.DISTRICT, PlaceKind.TOWN]),
    )
    latitude = forms.DecimalField(
        label=_("Latitude"),
        required=False,
        min_value=-90,
        max_value=90,
        decimal_places=5,
        max_digits=8,
    )
    longitude = forms.DecimalField(
        label=_("Longitude"),
        required=False,
        min_value=-180,
        max_value=180,
        decimal_places=5,
        max_digits=8,
    )


class ImportForm(forms.Form):
    organisation = forms.CharField(label=_("Organisation whose list this is"), max_length=300)
    file = forms.FileField(label=_("CSV file (UTF-8)"))


class EventForm(forms.Form):
    event_type = forms.ChoiceField(label=_("What kind of event"), choices=EventType.choices)
    title = forms.CharField(label=_("Short title"), max_length=200, required=False)
    description = forms.CharField(
        label=_("What happened"), widget=forms.Textarea, max_length=20_000, required=False
    )
    start_date = forms.DateField(label=_("From"), widget=DATE)
    end_date = forms.DateField(label=_("Until"), widget=DATE)
    date_precision = forms.ChoiceField(
        label=_("How exact are the dates"), choices=DatePrecision.choices
    )
    place = forms.CharField(
        label=_("Place (town, district or facility)"),
        max_length=120,
        widget=forms.TextInput(attrs={"list": "places"}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    @classmethod
    def initial_for(cls, event: Event) -> dict[str, Any]:
        return {
            "event_type": event.event_type,
            "title": event.title,
            "description": event.description,
            "start_date": event.start_date,
            "end_date": event.end_date,
            "date_precision": event.date_precision,
            "place": event.place.name_ru,
            "version": event.version,
        }
