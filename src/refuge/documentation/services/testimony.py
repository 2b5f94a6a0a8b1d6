"""One form, one transaction: a call or contact becomes an event, its acts and their source."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from refuge.accounts.models import Operator
from refuge.accounts.permissions import require
from refuge.accounts.roles import Capability
from refuge.documentation.choices import (
    Affiliation,
    AgeGroup,
    Gender,
    PerpetratorKind,
    PerpetratorRole,
    ViolationType,
)
from refuge.documentation.errors import IncompleteTestimony
from refuge.documentation.models import (
    Act,
    ActPerpetrator,
    ActSource,
    Event,
    Perpetrator,
    Source,
    Victim,
)
from refuge.documentation.services.case_links import victim_for_person
from refuge.documentation.services.common import audit_created
from refuge.documentation.services.records import (
    EventInput,
    SourceInput,
    create_event,
    create_perpetrator,
    create_source,
    create_victim,
)


@dataclass(frozen=True, slots=True)
class NewPerpetrator:
    name: str
    kind: PerpetratorKind
    affiliation: Affiliation = Affiliation.UNKNOWN


@dataclass(frozen=True, slots=True)
class Testimony:
    """What an operator types during or after a call. `event` set: add to that event."""

    source: SourceInput
    violations: list[ViolationType]
    event: Event | None = None
    new_event: EventInput | None = None
    existing_victims: list[Victim] = field(default_factory=list)
    new_victim_names: list[str] = field(default_factory=list)
    new_victims_gender: str = Gender.UNKNOWN
    new_victims_age_group: str = AgeGroup.UNKNOWN
    existing_perpetrators: list[Perpetrator] = field(default_factory=list)
    new_perpetrator: NewPerpetrator | None = None
    perpetrator_role: PerpetratorRole = PerpetratorRole.DIRECT
    giver_is_victim: bool = False  # the source's `given_by` person is a victim too


@dataclass(frozen=True, slots=True)
class TestimonyResult:
    event: Event
    source: Source
    acts: list[Act]
    created_acts: int


def _check(testimony: Testimony) -> None:
    if testimony.event is None and testimony.new_event is None:
        raise IncompleteTestimony(_("Say which event this is about, or describe a new one."))
    names_victim = testimony.giver_is_victim and testimony.source.given_by is not None
    if not (
        testimony.existing_victims
        or names_victim
        or any(n.strip() for n in testimony.new_victim_names)
    ):
        raise IncompleteTestimony(_("Name at least one victim."))
    if not testimony.violations:
        raise IncompleteTestimony(_("Choose at least one violation."))


def _victims(actor: Operator, testimony: Testimony) -> list[Victim]:
    victims = list(testimony.existing_victims)
    giver = testimony.source.given_by
    if testimony.giver_is_victim and giver is not None:
        victim = victim_for_person(actor, giver)
        if victim not in victims:
            victims.append(victim)
    for name in testimony.new_victim_names:
        if name.strip():
            victims.append(
                create_victim(
                    actor=actor,
                    real_name=name.strip(),
                    gender=testimony.new_victims_gender,
                    age_group=testimony.new_victims_age_group,
                )
            )
    return victims


def _perpetrators(actor: Operator, testimony: Testimony) -> list[Perpetrator]:
    perpetrators = list(testimony.existing_perpetrators)
    new = testimony.new_perpetrator
    if new is not None and new.name.strip():
        perpetrators.append(
            create_perpetrator(
                actor=actor, kind=new.kind, name=new.name.strip(), affiliation=new.affiliation
            )
        )
    return perpetrators


def get_or_create_act(
    actor: Operator, event: Event, victim: Victim, violation: str
) -> tuple[Act, bool]:
    act = Act.objects.filter(event=event, victim=victim, violation=violation).first()
    if act is not None:
        return act, False
    act = Act.objects.create(
        event=event,
        victim=victim,
        violation=violation,
        envelope_id=event.envelope_id,
        created_by=actor,
    )
    audit_created(actor, act)
    return act, True


@transaction.atomic
def record_testimony(*, actor: Operator, testimony: Testimony) -> TestimonyResult:
    """Create or extend an event with victims, acts, perpetrators and the source saying so."""
    require(actor, Capability.DOCUMENT)
    _check(testimony)
    event = testimony.event
    if event is None:
        assert testimony.new_event is not None  # _check guarantees it
        event = create_event(actor=actor, event=testimony.new_event)
    source = create_source(actor=actor, source=testimony.source)
    perpetrators = _perpetrators(actor, testimony)
    acts: list[Act] = []
    created = 0
    for victim in _victims(actor, testimony):
        for violation in dict.fromkeys(testimony.violations):
            act, is_new = get_or_create_act(actor, event, victim, violation)
            created += int(is_new)
            acts.append(act)
            ActSource.objects.get_or_create(act=act, source=source, defaults={"linked_by": actor})
            for perpetrator in perpetrators:
                ActPerpetrator.objects.get_or_create(
                    act=act, perpetrator=perpetrator, defaults={"role": testimony.perpetrator_role}
                )
    return TestimonyResult(event=event, source=source, acts=acts, created_acts=created)
