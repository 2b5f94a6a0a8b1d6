"""Reads: lists, filters and the event dossier. They never write (audit is in services)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, QuerySet

from refuge.documentation.corroboration import Corroboration, corroborate
from refuge.documentation.models import (
    Act,
    ActPerpetrator,
    Event,
    Evidence,
    Perpetrator,
    Place,
    Source,
)


@dataclass(frozen=True, slots=True)
class ActFilter:
    violation: str = ""
    place: Place | None = None
    date_from: date | None = None
    date_to: date | None = None
    perpetrator: Perpetrator | None = None


def _place_and_below(place: Place) -> list[int]:
    ids = [place.pk]
    frontier = [place.pk]
    while frontier:
        frontier = list(Place.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        ids.extend(frontier)
    return ids


def acts_matching(act_filter: ActFilter) -> QuerySet[Act]:
    """Acts by type, place (with the places inside it), period overlap and perpetrator."""
    acts = Act.objects.select_related("event", "event__place", "victim")
    if act_filter.violation:
        acts = acts.filter(violation=act_filter.violation)
    if act_filter.place is not None:
        acts = acts.filter(event__place_id__in=_place_and_below(act_filter.place))
    if act_filter.date_from is not None:
        acts = acts.filter(event__end_date__gte=act_filter.date_from)
    if act_filter.date_to is not None:
        acts = acts.filter(event__start_date__lte=act_filter.date_to)
    if act_filter.perpetrator is not None:
        acts = acts.filter(perpetrators=act_filter.perpetrator)
    return acts.order_by("-event__start_date", "event_id", "victim_id", "violation")


def events_list() -> QuerySet[Event]:
    return Event.objects.select_related("place").prefetch_related("acts")


@dataclass(frozen=True, slots=True)
class ActView:
    act: Act
    corroboration: Corroboration
    perpetrator_links: list[ActPerpetrator]
    sources: list[Source]


@dataclass(frozen=True, slots=True)
class EventDossier:
    event: Event
    acts: list[ActView]
    sources: list[Source]
    evidence: list[Evidence]


def with_links(acts: QuerySet[Act]) -> QuerySet[Act]:
    return acts.select_related("victim", "verified_by").prefetch_related(
        "sources",
        Prefetch(
            "actperpetrator_set", queryset=ActPerpetrator.objects.select_related("perpetrator")
        ),
    )


def act_views(acts: QuerySet[Act]) -> list[ActView]:
    views = []
    for act in with_links(acts):
        sources = list(act.sources.all())
        views.append(
            ActView(
                act=act,
                corroboration=corroborate(act, sources),
                perpetrator_links=list(act.actperpetrator_set.all()),
                sources=sources,
            )
        )
    return views


def event_dossier(event: Event) -> EventDossier:
    acts = act_views(event.acts.all())
    sources = list(Source.objects.filter(acts__event=event).distinct().order_by("pk"))
    evidence = list(event.evidence.all().order_by("pk"))
    return EventDossier(event=event, acts=acts, sources=sources, evidence=evidence)
