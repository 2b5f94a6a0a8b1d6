"""Whose consent governs a documentation record, and what it allows.

A victim who is a person of a case answers through the case file (cases.Consent, append-only,
latest answer per use counts); a victim known only from documentation (named in a media report
or in someone else's testimony) has no case file, and the team records their consent on the
victim. The rules:

- a name goes out in an export only to a partner the person named when agreeing to
  "sharing with named partners" (case persons), or when the team recorded consent to be named
  (victims without a case);
- a testimony given by a person of a case goes out in exports only while that person's latest
  answer to "testimony may be kept" is yes;
- a victim whose person said no to "anonymised use in reports" is left out of statistics and
  estimates (the reports say how many were left out, small numbers suppressed).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext_lazy

from refuge.accounts.models import Operator
from refuge.cases.models import Case, Consent, ConsentKind, Partner
from refuge.cases.permissions import can_view_case
from refuge.cases.selectors import latest_answers, latest_consents
from refuge.documentation.models import Source, Victim


@dataclass(slots=True)
class ConsentBook:
    """The answers that matter for one export, read in three queries, not three per act."""

    partner: Partner | None = None
    _share: dict[int, set[int]] = field(default_factory=dict)  # person id -> partner ids
    _keep: dict[int, bool] = field(default_factory=dict)  # person id -> latest answer

    @classmethod
    def for_records(
        cls, victims: Iterable[Victim], sources: Iterable[Source], partner: Partner | None = None
    ) -> ConsentBook:
        book = cls(partner=partner)
        person_ids = {victim.case_person_id for victim in victims if victim.case_person_id}
        for person_id, consent in latest_answers(ConsentKind.SHARE_PARTNERS, person_ids).items():
            book._share[person_id] = (
                {p.pk for p in consent.partners.all()} if consent.is_granted else set()
            )
        givers = {source.given_by_id for source in sources if source.given_by_id}
        for person_id, consent in latest_answers(ConsentKind.KEEP_TESTIMONY, givers).items():
            book._keep[person_id] = consent.is_granted
        return book

    def may_name(self, victim: Victim) -> bool:
        if victim.case_person_id is None:
            return victim.consent_identified_use
        return self.partner is not None and self.partner.pk in self._share.get(
            victim.case_person_id, set()
        )

    def keeps(self, source: Source) -> bool:
        return source.given_by_id is None or self._keep.get(source.given_by_id, False)


def withheld_victims() -> QuerySet[Any, dict[str, Any]]:
    """Victims whose person's latest answer to anonymised use in reports is no: a subquery,
    evaluated by the database inside whatever count it filters."""
    latest = (
        Consent.objects.filter(person=OuterRef("case_person"), kind=ConsentKind.ANONYMISED_REPORTS)
        .order_by("-recorded_at", "-pk")
        .values("is_granted")[:1]
    )
    return (
        Victim.objects.filter(case_person__isnull=False)
        .annotate(allows_reports=Subquery(latest))
        .filter(allows_reports=False)
        .values("pk")
    )


@dataclass(frozen=True, slots=True)
class CaseAnswer:
    use: str
    answer: bool | None  # None: not asked yet
    partners: list[str] = field(default_factory=list)
    recorded_at: datetime | None = None
    recorded_by: str = ""
    if_unasked: str = ""  # what documentation does while there is no answer


@dataclass(frozen=True, slots=True)
class CaseConsent:
    """What the documentation team sees of a linked victim's consent: the answers (coded), and
    the case only if the viewer is one of its members."""

    case: Case | None
    answers: list[CaseAnswer]


def case_consent_of(victim: Victim, viewer: Operator) -> CaseConsent | None:
    """The linked person's latest answers. Who recorded them shows only to members of the case:
    to anyone else it would tell which case worker handles this person."""
    person = victim.case_person
    if person is None:
        return None
    member = can_view_case(viewer, person.case)
    latest = latest_consents(person)
    answers = []
    for kind, if_unasked in _USES_IN_DOCUMENTATION:
        consent = latest.get(kind)
        if consent is None:
            answers.append(CaseAnswer(use=str(kind.label), answer=None, if_unasked=str(if_unasked)))
            continue
        answers.append(
            CaseAnswer(
                use=str(kind.label),
                answer=consent.is_granted,
                partners=[partner.name for partner in consent.partners.all()],
                recorded_at=consent.recorded_at,
                recorded_by=consent.recorded_by.username if member else "",
            )
        )
    others = [
        CaseAnswer(
            use=str(ConsentKind(kind).label),
            answer=consent.is_granted,
            recorded_at=consent.recorded_at,
            recorded_by=consent.recorded_by.username if member else "",
        )
        for kind, consent in sorted(latest.items())
        if kind not in _DOCUMENTATION_KINDS
    ]
    return CaseConsent(case=person.case if member else None, answers=answers + others)


# The uses documentation acts on (module docstring), and what it does before anyone asked.
_USES_IN_DOCUMENTATION = (
    (ConsentKind.SHARE_PARTNERS, gettext_lazy("not asked yet: the name is never exported")),
    (
        ConsentKind.KEEP_TESTIMONY,
        gettext_lazy("not asked yet: testimonies they gave stay out of exports"),
    ),
    (
        ConsentKind.ANONYMISED_REPORTS,
        gettext_lazy("not asked yet: counted in anonymised statistics"),
    ),
)
_DOCUMENTATION_KINDS = {kind for kind, _if_unasked in _USES_IN_DOCUMENTATION}
