"""Audited reads: what a documentation page shows is read here, and each read is audited here
(never in a view). Details are counts, ids and form names, never the text read."""

from __future__ import annotations

from django.db import models

from refuge.accounts.models import Operator
from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.documentation import permissions
from refuge.documentation.models import Event, Evidence, Victim
from refuge.documentation.selectors import (
    ActFilter,
    ActView,
    EventDossier,
    act_views,
    acts_matching,
    event_dossier,
)


def audit_read(actor: Operator, record: models.Model, **details: str | int) -> None:
    record_event(AuditAction.RECORD_READ, actor=actor, target=record, details=details)


def read_event(operator: Operator, event: Event) -> EventDossier:
    """The event with its acts, sources and perpetrators: every record shown is a read."""
    dossier = event_dossier(event)
    audit_read(operator, event, acts=len(dossier.acts), sources=len(dossier.sources))
    for view in dossier.acts:
        audit_read(operator, view.act, event=event.pk)
    for source in dossier.sources:  # their sealed summaries are shown side by side
        audit_read(operator, source, event=event.pk)
    for perpetrator in {
        link.perpetrator for view in dossier.acts for link in view.perpetrator_links
    }:
        audit_read(operator, perpetrator, event=event.pk)
    return dossier


def read_victim(operator: Operator, victim: Victim) -> list[ActView]:
    """The victim (audited) and the acts done to them."""
    audit_read(operator, victim)
    return act_views(victim.acts.select_related("event"))


def read_evidence(operator: Operator, evidence_id: int) -> Evidence:
    """One piece of evidence this operator may see (404 otherwise), the read audited."""
    evidence = permissions.get_evidence_for(operator, evidence_id)
    audit_read(operator, evidence)
    return evidence


def read_acts(
    operator: Operator, act_filter: ActFilter, *, limit: int
) -> tuple[list[ActView], int]:
    """The first `limit` acts matching the filter and how many match: one audited read of the
    list, naming how many were shown."""
    acts = acts_matching(act_filter)
    total = acts.count()
    record_event(
        AuditAction.RECORD_READ,
        actor=operator,
        target_type="documentation.Act",
        target_id="list",
        details={"shown": min(total, limit)},
    )
    return act_views(acts[:limit]), total


def shown_in_form(operator: Operator, *records: models.Model, **details: str | int) -> None:
    """Records a form displays (to edit, to confirm a deletion, as choices): each is a read."""
    for record in records:
        audit_read(operator, record, **details)
