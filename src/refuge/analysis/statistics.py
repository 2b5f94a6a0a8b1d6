"""Counts over coded, non-identifying fields of the documentation (analysis only reads).

Every figure here is also printed by `refuge report`, so a published number can be recomputed
from the data by the same code (the method is stated in reports.METHOD).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth

from refuge.analysis.linking import latest_run, people_of
from refuge.documentation.choices import Affiliation, AgeGroup, Gender, ViolationType
from refuge.documentation.consent import withheld_victims
from refuge.documentation.models import Act, ActPerpetrator, Place, Victim


@dataclass(frozen=True, slots=True)
class StatisticsFilter:
    since: date | None = None
    until: date | None = None
    violations: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CountRow:
    key: str
    label: str
    count: int
    threshold: int = field(default=5)
    protected: bool = False  # hidden by secondary suppression (see suppression.py)

    @property
    def is_small(self) -> bool:
        """Small cells (1 to threshold-1) could single a person out: they are shown as "<5"."""
        return 0 < self.count < self.threshold

    @property
    def is_suppressed(self) -> bool:
        return self.is_small or self.protected

    @property
    def shown(self) -> str:
        if self.is_small:
            return f"<{self.threshold}"
        return "×" if self.protected else str(self.count)


@dataclass(frozen=True, slots=True)
class LinkageBasis:
    """The linkage run people are counted from (None: no run yet, every record a person)."""

    run_id: int | None
    finished: str = ""
    method: str = ""
    threshold: float = 0.0


@dataclass(frozen=True, slots=True)
class Summary:
    acts: int
    victims: int  # victim records
    events: int
    threshold: int
    withheld_victims: int = 0  # matching victims left out at their request (consent)
    people: int = 0  # linked people (clusters of victim records)
    linkage: LinkageBasis = field(default_factory=lambda: LinkageBasis(None))


def suppression_threshold() -> int:
    return int(getattr(settings, "ANALYSIS_MIN_CELL_SIZE", 5))


def filtered_acts(
    statistics_filter: StatisticsFilter, *, with_withheld: bool = False
) -> QuerySet[Act]:
    """The acts a figure counts: those matching the filter, less those of victims whose
    person declined anonymised use in reports (refuge.documentation.consent)."""
    acts = Act.objects.all()
    if not with_withheld:
        acts = acts.exclude(victim_id__in=withheld_victims())
    if statistics_filter.since:
        acts = acts.filter(event__end_date__gte=statistics_filter.since)
    if statistics_filter.until:
        acts = acts.filter(event__start_date__lte=statistics_filter.until)
    if statistics_filter.violations:
        acts = acts.filter(violation__in=statistics_filter.violations)
    return acts


def _rows(pairs: list[tuple[str, str, int]]) -> list[CountRow]:
    threshold = suppression_threshold()
    return [CountRow(key, label, count, threshold) for key, label, count in pairs]


def linkage_basis() -> LinkageBasis:
    run = latest_run()
    if run is None:
        return LinkageBasis(None)
    return LinkageBasis(run.pk, run.started_at.strftime("%Y-%m-%d %H:%M UTC"),
                        run.method_label, run.threshold)  # fmt: skip


def person_keys(victim_ids: list[int]) -> dict[int, str]:
    """Each victim's person in the latest linkage run; a victim it did not see is alone."""
    people = people_of(latest_run())
    return {victim_id: people.get(victim_id, f"v{victim_id}") for victim_id in victim_ids}


def summary(statistics_filter: StatisticsFilter) -> Summary:
    acts = filtered_acts(statistics_filter)
    victim_ids = list(acts.values_list("victim_id", flat=True).distinct())
    everyone = filtered_acts(statistics_filter, with_withheld=True)
    return Summary(
        acts=acts.count(),
        victims=len(victim_ids),
        events=acts.values("event_id").distinct().count(),
        threshold=suppression_threshold(),
        withheld_victims=everyone.values("victim_id").distinct().count() - len(victim_ids),
        people=len(set(person_keys(victim_ids).values())),
        linkage=linkage_basis(),
    )


def _combined(values: set[str], unknown: str, not_stated: str | None = None) -> str:
    known = values - {unknown} - ({not_stated} if not_stated else set())
    if len(known) == 1:
        return known.pop()
    if not known and not_stated in values:
        return not_stated
    return unknown  # none known, or the records disagree


def people_by_attribute(statistics_filter: StatisticsFilter, attribute: str) -> list[CountRow]:
    """People (linked clusters) by gender or age group; a person whose records disagree
    counts as unknown."""
    choices = Gender if attribute == "gender" else AgeGroup
    victims = Victim.objects.filter(
        pk__in=filtered_acts(statistics_filter).values("victim_id")
    ).values_list("pk", attribute)
    keys = person_keys([pk for pk, _ in victims])
    values: dict[str, set[str]] = {}
    for pk, value in victims:
        values.setdefault(keys[pk], set()).add(value)
    not_stated = Gender.NOT_STATED.value if attribute == "gender" else None
    counted: dict[str, int] = {}
    for person_values in values.values():
        value = _combined(person_values, choices.UNKNOWN.value, not_stated)
        counted[value] = counted.get(value, 0) + 1
    labels = dict(choices.choices)
    return _rows([(value, str(labels[value]), counted[value])
                  for value in choices.values if counted.get(value)])  # fmt: skip


def counts_by_month(statistics_filter: StatisticsFilter) -> list[CountRow]:
    """Acts by the month their event began (events dated by year only fall in January)."""
    months = (
        filtered_acts(statistics_filter)
        .annotate(month=TruncMonth("event__start_date"))
        .values("month")
        .annotate(count=Count("id"))
        .order_by("month")
    )
    return _rows(
        [
            (row["month"].strftime("%Y-%m"), row["month"].strftime("%Y-%m"), row["count"])
            for row in months
        ]
    )


def counts_by_violation(statistics_filter: StatisticsFilter) -> list[CountRow]:
    labels = dict(ViolationType.choices)
    counts = (
        filtered_acts(statistics_filter)
        .values("violation")
        .annotate(count=Count("id"))
        .order_by("-count", "violation")
    )
    return _rows(
        [
            (row["violation"], str(labels.get(row["violation"], row["violation"])), row["count"])
            for row in counts
        ]
    )


def counts_by_place(statistics_filter: StatisticsFilter, *, language: str) -> list[CountRow]:
    """Acts by district: a town or facility counts toward the district that contains it."""
    counts = filtered_acts(statistics_filter).values("event__place_id").annotate(count=Count("id"))
    places = {place.pk: place for place in Place.objects.select_related("parent")}
    by_district: dict[int, int] = {}
    for row in counts:
        district = _district_of(places, row["event__place_id"])
        by_district[district.pk] = by_district.get(district.pk, 0) + row["count"]
    pairs = [
        (places[pk].code, _name(places[pk], language), count) for pk, count in by_district.items()
    ]
    return _rows(sorted(pairs, key=lambda pair: (-pair[2], pair[1])))


def _district_of(places: dict[int, Place], place_id: int) -> Place:
    place = places[place_id]
    while place.kind not in {"district", "region"} and place.parent_id is not None:
        place = places[place.parent_id]
    return place


def _name(place: Place, language: str) -> str:
    return place.name_ru if language == "ru" else place.name_en


def counts_by_perpetrator(statistics_filter: StatisticsFilter) -> list[CountRow]:
    """Acts by the affiliation of those said to have committed them (an act may count twice)."""
    labels = dict(Affiliation.choices)
    act_ids = filtered_acts(statistics_filter).values("id")
    counts = (
        ActPerpetrator.objects.filter(act_id__in=act_ids)
        .values("perpetrator__affiliation")
        .annotate(count=Count("act_id", distinct=True))
        .order_by("-count")
    )
    return _rows(
        [
            (
                row["perpetrator__affiliation"],
                str(labels.get(row["perpetrator__affiliation"], "")),
                row["count"],
            )
            for row in counts
        ]
    )
