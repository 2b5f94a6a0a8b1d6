"""Documentation's side of the case file.

A victim may be a person of a case (whose consent then governs it, see consent.py) and a
testimony may come from a case and be given by one of its people. Only members of the case link
records to it. The case timeline shows these records and removing a person asks what becomes
of them: both through refuge.cases.links, which this module's provider answers.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Count, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from refuge.accounts.models import Operator
from refuge.accounts.permissions import has_capability, require
from refuge.accounts.roles import Capability
from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.cases.links import KeepChoice, LinkedRecord
from refuge.cases.models import Case, CasePerson
from refuge.cases.permissions import require_member
from refuge.cases.selectors import cases_visible_to
from refuge.documentation.models import Act, ActSource, Source, Victim
from refuge.vault import api as vault


def linkable_cases(operator: Operator) -> QuerySet[Case]:
    """Open cases shared with the operator: the only ones they may link records to."""
    if not has_capability(operator, Capability.MANAGE_CASES):
        return Case.objects.none()
    return cases_visible_to(operator).filter(closed_at__isnull=True).order_by("pk")


def linkable_persons(operator: Operator) -> QuerySet[CasePerson]:
    return (
        CasePerson.objects.filter(case__in=linkable_cases(operator), is_anonymised=False)
        .select_related("case")
        .order_by("case_id", "pk")
    )


def check_case_link(actor: Operator, case: Case | None, person: CasePerson | None) -> None:
    """Only a member of a case links documentation to it (others get 404, as for the case)."""
    if person is not None:
        if case is not None and person.case_id != case.pk:
            raise Http404  # the forms offer only matching pairs
        case = person.case
    if case is not None:
        require_member(actor, case)


@transaction.atomic
def link_victim(*, actor: Operator, victim: Victim, person: CasePerson | None) -> Victim:
    """Say which person of a case this victim is (or that they are none): their consent then
    comes from the case file."""
    require(actor, Capability.DOCUMENT)
    if victim.case_person is not None:
        check_case_link(actor, None, victim.case_person)  # unlinking needs the old case too
    check_case_link(actor, None, person)
    victim.case_person = person
    victim.save(update_fields=["case_person"])
    record_event(
        AuditAction.RECORD_CHANGED,
        actor=actor,
        target=victim,
        details={"case_person": person.pk if person else 0},
    )
    return victim


def victim_for_person(actor: Operator, person: CasePerson) -> Victim:
    """The victim record of this person, made (named as in the case) if there is none yet."""
    from refuge.documentation.services.records import create_victim  # records imports us

    victim = Victim.objects.filter(case_person=person).order_by("pk").first()
    if victim is not None:
        return victim
    name = person.legal_name or person.pseudonym or ""
    victim = create_victim(actor=actor, real_name=name if vault.is_readable(name) else "")
    return link_victim(actor=actor, victim=victim, person=person)


# The provider for refuge.cases.links ------------------------------------------------------


def _url(viewer: Operator, name: str, pk: int | None) -> str:
    if pk is None or not has_capability(viewer, Capability.DOCUMENT):
        return ""
    return reverse(f"documentation:{name}", args=[pk])


def _source_record(source: Source, viewer: Operator) -> LinkedRecord:
    events = sorted({act.event for act in source.acts.all()}, key=lambda event: event.pk)
    text = f"{source.reference} · {source.get_kind_display()}"
    if events:
        text += " · " + ", ".join(event.reference for event in events)
    return LinkedRecord(
        at=source.created_at,
        kind=_("Testimony"),
        text=text,
        who=source.created_by.username,
        url=_url(viewer, "event", events[0].pk if events else None),
    )


def _victim_record(victim: Victim, viewer: Operator) -> LinkedRecord:
    acts: int = getattr(victim, "act_count", 0)
    text = _("%(victim)s: %(acts)d documented acts") % {"victim": victim.pseudonym, "acts": acts}
    return LinkedRecord(
        at=victim.created_at,
        kind=_("Documented victim"),
        text=text,
        who=victim.created_by.username,
        url=_url(viewer, "victim", victim.pk),
    )


def _sources(**criteria: Any) -> QuerySet[Source]:
    return (
        Source.objects.filter(**criteria)
        .select_related("created_by")
        .prefetch_related("acts__event")
        .order_by("created_at", "pk")
    )


def _victims(**criteria: Any) -> QuerySet[Victim]:
    return (
        Victim.objects.filter(**criteria)
        .select_related("created_by")
        .annotate(act_count=Count("acts"))
        .order_by("created_at", "pk")
    )


class DocumentationLinks:
    """Registered with refuge.cases.links by DocumentationConfig.ready()."""

    def case_records(self, case: Case, viewer: Operator) -> list[LinkedRecord]:
        records = [_source_record(source, viewer) for source in _sources(case=case)]
        records += [_victim_record(victim, viewer) for victim in _victims(case_person__case=case)]
        return records

    def person_records(self, person: CasePerson, viewer: Operator) -> list[LinkedRecord]:
        records = [_victim_record(victim, viewer) for victim in _victims(case_person=person)]
        return records + [_source_record(source, viewer) for source in _sources(given_by=person)]

    def release_person(self, person: CasePerson, keep: KeepChoice, actor: Operator) -> None:
        victims = list(Victim.objects.filter(case_person=person))
        sources = list(Source.objects.filter(given_by=person))
        for record in (*victims, *sources):
            record_event(
                AuditAction.RECORD_CHANGED,
                actor=actor,
                target=record,
                details={"case_person_removed": keep.value},
            )
        if keep == KeepChoice.ANONYMISE:
            _anonymise(victims, sources)
        elif keep == KeepChoice.DELETE:
            _delete(victims, sources, actor)


def _anonymise(victims: list[Victim], sources: list[Source]) -> None:
    """Names and notes go; the coded facts (and so the counts) stay."""
    for victim in victims:
        victim.real_name = victim.notes = None
        victim.consent_identified_use = False
        victim.save(update_fields=["real_name", "notes", "consent_identified_use"])
    for source in sources:
        source.origin_name = _("Anonymised person")
        source.save(update_fields=["origin_name"])


def _delete(victims: list[Victim], sources: list[Source], actor: Operator) -> None:
    """The person's victim records and acts go, and the testimonies they gave unless another
    victim's act rests on one: those are anonymised and kept, for that other victim's sake."""
    victim_ids = [victim.pk for victim in victims]
    Act.objects.filter(victim_id__in=victim_ids).delete()  # their links cascade
    for victim in victims:
        vault.shred(victim.envelope_id, actor=actor)
        victim.delete()
    supporting_others = set(
        ActSource.objects.filter(source__in=sources).values_list("source_id", flat=True)
    )
    _anonymise([], [source for source in sources if source.pk in supporting_others])
    for source in sources:
        if source.pk not in supporting_others:
            vault.shred(source.envelope_id, actor=actor)
            source.delete()
