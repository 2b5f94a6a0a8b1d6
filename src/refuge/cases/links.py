"""What other apps hold about a case or a person in it.

Cases does not import the apps built on it. Documentation links its victims and testimonies
to case persons; it registers a provider here (in its AppConfig.ready) so that the case
timeline can show those records and removing a person can ask what to keep of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from django.db import models
from django.utils.translation import gettext_lazy as _

from refuge.accounts.models import Operator

if TYPE_CHECKING:
    from refuge.cases.models import Case, CasePerson


class KeepChoice(models.TextChoices):
    """What becomes of another app's records about a person removed from a case."""

    KEEP = (
        "keep",
        _(
            "Keep them as they are, linked to the anonymised person, whose consent "
            "answers still apply"
        ),
    )
    ANONYMISE = (
        "anonymise",
        _("Keep them anonymised: names and notes erased, the acts still counted"),
    )
    DELETE = (
        "delete",
        _(
            "Delete them: the person's victim record, its acts, and the "
            "testimonies they gave that support no one else"
        ),
    )


@dataclass(frozen=True, slots=True)
class LinkedRecord:
    """One record of another app, described for a case member: codes and references only."""

    at: datetime
    kind: str
    text: str
    who: str = ""
    url: str = ""


class LinkProvider(Protocol):
    def case_records(self, case: Case, viewer: Operator) -> list[LinkedRecord]: ...

    def person_records(self, person: CasePerson, viewer: Operator) -> list[LinkedRecord]: ...

    def release_person(self, person: CasePerson, keep: KeepChoice, actor: Operator) -> None: ...


_providers: list[LinkProvider] = []


def register(provider: LinkProvider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def case_records(case: Case, viewer: Operator) -> list[LinkedRecord]:
    return [record for provider in _providers for record in provider.case_records(case, viewer)]


def person_records(person: CasePerson, viewer: Operator) -> list[LinkedRecord]:
    return [record for provider in _providers for record in provider.person_records(person, viewer)]


def release_person(person: CasePerson, keep: KeepChoice, actor: Operator) -> None:
    """Called inside the removal's transaction, before the person is anonymised or deleted."""
    for provider in _providers:
        provider.release_person(person, keep, actor)
