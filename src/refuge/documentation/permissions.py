"""Who may see what. Documentation is one team: every operator holding Capability.DOCUMENT
(lawyers/monitors, case workers, coordinators) sees every record's coded fields; the sealed
fields open for those holding a grant (all team members active when the record was made)."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404

from refuge.accounts.models import Operator
from refuge.accounts.permissions import require
from refuge.accounts.roles import Capability
from refuge.accounts.selectors import operators_with
from refuge.documentation.models import Act, Event, Evidence, Source, Victim
from refuge.vault import api as vault

ModelT = TypeVar("ModelT", bound=models.Model)


def _holding(*capabilities: Capability) -> list[Operator]:
    return list(operators_with(*capabilities, holding_key=False).order_by("username"))


def documentation_team() -> list[Operator]:
    """Active operators whose role holds DOCUMENT: the readers records are sealed to."""
    return _holding(Capability.DOCUMENT)


def victim_team() -> list[Operator]:
    """The documentation team and analysts, who link victims' names across lists (in memory)
    for the estimates. Analysts get nothing else sealed: events, acts, perpetrators, sources
    and evidence files stay with the documentation team (what one coerced analyst password
    opens: docs/threat-model.md)."""
    return _holding(Capability.DOCUMENT, Capability.ANALYSE)


def _with_actor(readers: list[Operator], actor: Operator) -> list[Operator]:
    if actor.pk not in {reader.pk for reader in readers}:
        readers.append(actor)
    return readers


def team_readers(actor: Operator) -> list[Operator]:
    return _with_actor(documentation_team(), actor)


def victim_readers(actor: Operator) -> list[Operator]:
    return _with_actor(victim_team(), actor)


def _get_for(operator: Operator, model: type[ModelT], record_id: int) -> ModelT:
    require(operator, Capability.DOCUMENT)
    record = model._default_manager.filter(pk=record_id).first()
    if record is None:
        raise Http404
    return record


def require_readable(record: Any) -> None:
    """Changing a record asks that one can read it: the team sees every record's
    coded fields, but only those it is sealed to change it. A 403, audited."""
    if not vault.can_read(record.envelope_id):
        raise PermissionDenied("not_shared")


def get_event_for(operator: Operator, event_id: int) -> Event:
    return _get_for(operator, Event, event_id)


def get_act_for(operator: Operator, act_id: int) -> Act:
    return _get_for(operator, Act, act_id)


def get_victim_for(operator: Operator, victim_id: int) -> Victim:
    return _get_for(operator, Victim, victim_id)


def get_source_for(operator: Operator, source_id: int) -> Source:
    return _get_for(operator, Source, source_id)


def get_evidence_for(operator: Operator, evidence_id: int) -> Evidence:
    return _get_for(operator, Evidence, evidence_id)
