from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from refuge.analysis.models import EstimateMethod
from refuge.documentation.choices import SourceKind, ViolationType


class StatisticsFilterForm(forms.Form):
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    violations = forms.MultipleChoiceField(
        label=_("Violations"),
        required=False,
        choices=ViolationType.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            raise forms.ValidationError(_("The end of the period is before its start."))
        return data


class EstimateForm(forms.Form):
    lists = forms.MultipleChoiceField(
        label=_("Lists (kinds of source)"),
        choices=SourceKind.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Each kind of source is one list; choose at least two."),
    )
    violations = forms.MultipleChoiceField(
        label=_("Violations"),
        required=False,
        choices=ViolationType.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    method = forms.ChoiceField(
        label=_("Headline figure"),
        choices=EstimateMethod.choices,
        initial=EstimateMethod.AUTO,
        widget=forms.RadioSelect,
        help_text=_(
            "Both methods are always computed and shown side by side; this chooses "
            "whose figure is the headline."
        ),
    )

    def clean_lists(self) -> list[str]:
        lists: list[str] = self.cleaned_data["lists"]
        if len(lists) < 2:
            raise forms.ValidationError(_("An estimate needs at least two lists."))
        return lists


class PairDecisionForm(forms.Form):
    same_person = forms.TypedChoiceField(
        choices=[("yes", _("Same person")), ("no", _("Different people"))],
        coerce=lambda value: value == "yes",
    )


class SplitForm(forms.Form):
    victims = forms.TypedMultipleChoiceField(coerce=int, choices=(), required=True)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["victims"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        # Any victim number: the service checks they belong to the person being split.
        field.valid_value = lambda value: str(value).isdigit()  # type: ignore[method-assign]


class MergeForm(forms.Form):
    other = forms.IntegerField(label=_("Merge with person no."), min_value=1)
