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
from refuge.accounts.roles import Capability, roles_with
from refuge.documentation.models import Act, Event, Evidence, Perpetrator, Source, Victim
from refuge.documentation.permissions import documentation_team, victim_team
from refuge.vault import api as vault


def victim_envelopes(event: Event) -> set[uuid.UUID]:
    return set(Victim.objects.filter(acts__event=event).values_list("envelope_id", flat=True))


def event_envelopes(event: Event) -> set[uuid.UUID]:
    acts = event.acts.all()
    envelopes = {event.envelope_id} | victim_envelopes(event)
    for model, lookup in ((Perpetrator, "acts__in"), (Source, "acts__in")):
        envelopes.update(
            model._default_manager.filter(**{lookup: acts}).values_list("envelope_id", flat=True)
        )
    envelopes.update(Evidence.objects.filter(events=event).values_list("envelope_id", flat=True))
    return envelopes


@transaction.atomic
def share_event_with_team(*, actor: Operator, event: Event) -> int:
    """Seal the event's envelopes to team members who lack them; return the grants added.

    Victims' envelopes go to analysts too (names for linkage); nothing else does."""
    require(actor, Capability.DOCUMENT)
    team = [member for member in documentation_team() if vault.has_operator_key(member)]
    with_analysts = [member for member in victim_team() if vault.has_operator_key(member)]
    victims = victim_envelopes(event)
    added = 0
    for envelope_id in sorted(event_envelopes(event)):
        if not vault.can_read(envelope_id):
            continue
        holders = set(vault.readers_of(envelope_id))
        for member in with_analysts if envelope_id in victims else team:
            if member.pk not in holders:
                vault.share(envelope_id, reader=member, granted_by=actor)
                added += 1
    return added


def _record_envelopes_besides_victims() -> set[uuid.UUID]:
    envelopes: set[uuid.UUID] = set()
    for model in (Event, Act, Perpetrator, Source, Evidence):
        envelopes.update(model._default_manager.values_list("envelope_id", flat=True))
    return envelopes


@transaction.atomic
def revoke_analyst_grants() -> int:
    """Drop the grants analysts hold on documentation records other than victims.

    Records made before analysts were narrowed to victims' names were sealed to them too; this
    is the upgrade step (`refuge narrowanalystgrants`). Each dropped grant is audited
    (GRANT_REVOKED, by no one: the command).
    """
    # Every account, active or not: a deactivated analyst's grants are narrowed too.
    roles = set(roles_with(Capability.ANALYSE)) - set(roles_with(Capability.DOCUMENT))
    records = _record_envelopes_besides_victims()
    revoked = 0
    for analyst in Operator.objects.filter(role__in=roles).order_by("pk"):
        for envelope_id in sorted(vault.granted_envelopes(analyst) & records):
            vault.revoke(envelope_id, reader=analyst, revoked_by=None)
            revoked += 1
    return revoked
