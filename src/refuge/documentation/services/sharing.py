"""Bring an event's envelopes up to date with the documentation team.

Records are sealed at creation to every active operator holding DOCUMENT. Someone who joins
the team later holds no grant until a reader shares: this seals each envelope of the event
(event and acts, victims, perpetrators, sources, evidence) to every current team member
who lacks it. Only envelopes the acting operator can open can be shared.
"""

from __future__ import annotations

import uuid

from django.db import transaction

from refuge.accounts.models import Operator
from refuge.accounts.permissions import require
from refuge.accounts.roles import Capability
from refuge.documentation.models import Event, Evidence, Perpetrator, Source, Victim
from refuge.documentation.permissions import documentation_team
from refuge.vault import api as vault


def event_envelopes(event: Event) -> set[uuid.UUID]:
    acts = event.acts.all()
    envelopes = {event.envelope_id}
    for model, lookup in ((Victim, "acts__in"), (Perpetrator, "acts__in"),
                          (Source, "acts__in")):
        envelopes.update(model._default_manager.filter(**{lookup: acts})
                         .values_list("envelope_id", flat=True))
    envelopes.update(Evidence.objects.filter(events=event).values_list("envelope_id", flat=True))
    return envelopes


@transaction.atomic
def share_event_with_team(*, actor: Operator, event: Event) -> int:
    """Seal the event's envelopes to team members who lack them; return the grants added."""
    require(actor, Capability.DOCUMENT)
    team = [member for member in documentation_team() if vault.has_operator_key(member)]
    added = 0
    for envelope_id in sorted(event_envelopes(event)):
        if not vault.can_read(envelope_id):
            continue
        holders = set(vault.readers_of(envelope_id))
        for member in team:
            if member.pk not in holders:
                vault.share(envelope_id, reader=member, granted_by=actor)
                added += 1
    return added
