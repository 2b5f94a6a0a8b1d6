"""Access expectations for documentation (merged by tests/test_access_matrix.py).

Documentation is one team (documentation.permissions): every role holding DOCUMENT
(coordinator, case worker, lawyer) opens every event, act, victim and evidence; the others get
403. The world's records are made by the lawyer and sealed to the whole team, so downloads
open for all three. There are no ID_SWAPS here: a peer of the same role reaches the same
records by design (the sealed fields stay unreadable to a member who joined later).
"""

from __future__ import annotations

from typing import Any

from refuge.accounts.roles import Role
from refuge.documentation.evidence.services import add_evidence
from refuge.documentation.services.testimony import record_testimony
from refuge.documentation.tests.factories import testimony
from refuge.testing import keyring_for
from refuge.testing.access_matrix import Effect, World, console
from refuge.vault import api as vault

TEAM = {Role.COORDINATOR, Role.CASE_WORKER, Role.LAWYER}

_PAGES = (
    "events",
    "event",
    "event_edit",
    "testimony",
    "event_source",
    "acts",
    "acts_export",
    "source_delete",
    "victim",
    "places",
    "import",
    "evidence",
)

EXPECTED = {
    **{f"documentation:{name}": console(TEAM) for name in _PAGES},
    # Actions: refused or done with a message, back to the event (302).
    "documentation:event_share": console(TEAM, method="post", ok=302),
    "documentation:evidence_upload": console(TEAM, method="post", ok=302),
    "documentation:act_verify": console(TEAM, method="post", ok=302),
    "documentation:victim_link": console(TEAM, method="post", ok=302),
    "documentation:victim_attributes": console(TEAM, method="post", ok=302),
    # Without a reason and a confirmation nothing is destroyed: back to the file (302).
    "documentation:evidence_destroy": console(TEAM, method="post", ok=302),
    # The file itself (decrypted) and the evidence bundle.
    "documentation:evidence_download": console(TEAM, method="post", ok=200),
    "documentation:evidence_export": console(TEAM, method="post", ok=200),
}


def url_kwargs(world: World) -> dict[str, Any]:
    lawyer = world.operators[Role.LAWYER.value]
    with vault.activated(keyring_for(lawyer)):
        result = record_testimony(actor=lawyer, testimony=testimony())
        evidence = add_evidence(
            actor=lawyer,
            event=result.event,
            content=b"%PDF-1.4 medical certificate (fictional)",
            file_name="certificate.pdf",
        ).evidence
    act = result.acts[0]
    return {
        "event_id": result.event.pk,
        "act_id": act.pk,
        "victim_id": act.victim_id,
        "source_id": result.source.pk,
        "evidence_id": evidence.pk,
        "file_format": "csv",
    }


# Effects. Documentation is one team, so the outsider is a lawyer who
# joined after the world's records were sealed: they see the coded fields, read nothing, and
# change nothing.


def _kwargs(world: World) -> dict[str, Any]:
    return world.extra["kwargs"]


def _event_edit(world: World) -> dict[str, Any]:
    from refuge.documentation.models import Event

    event = Event.objects.get(pk=_kwargs(world)["event_id"])
    return {
        "event_type": event.event_type,
        "title": "Detentions at the car wash (edited)",
        "description": "",
        "start_date": "2017-03-01",
        "end_date": "2017-03-03",
        "date_precision": event.date_precision,
        "place": event.place.name_ru,
        "version": event.version,
    }


def _verify(world: World) -> dict[str, Any]:
    from refuge.documentation.models import Act

    act = Act.objects.get(pk=_kwargs(world)["act_id"])
    return {"reasoning": "Two independent witnesses", "version": act.version}


def _upload(world: World) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {
        "file": SimpleUploadedFile("photo.png", b"\x89PNG matrix effect"),
        "description": "Bruises",
    }


def _import(world: World) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from refuge.documentation.services.imports import REQUIRED_COLUMNS

    columns = sorted(REQUIRED_COLUMNS)
    return {
        "organisation": "Memorial (fictional)",
        "file": SimpleUploadedFile("list.csv", (",".join(columns) + "\n").encode()),
    }


SOURCE = {
    "source_kind": "testimony",
    "origin_name": "Witness Bislan",
    "summary": "Saw it",
    "received_on": "2017-04-03",
    "violations": ["arbitrary_detention"],
    "new_victims": "Adam Testov",
    "perpetrator_role": "direct",
    "new_perpetrator_kind": "unit",
    "new_perpetrator_affiliation": "unknown",
}
PAGE = "a list page: a POST shows it and writes nothing"
EFFECTS = {
    "documentation:events": Effect.read_only(PAGE),
    "documentation:event": Effect.read_only(PAGE),
    "documentation:event_edit": Effect(data=_event_edit),
    # Seals the event to team members who joined since (the outsider, made for this check).
    "documentation:event_share": Effect(by=Role.LAWYER.value),
    "documentation:testimony": Effect(
        data={
            **SOURCE,
            "event_type": "detention_campaign",
            "title": "Raid",
            "start_date": "2017-04-01",
            "end_date": "2017-04-01",
            "date_precision": "day",
            "place": "Аргун",
        }
    ),
    "documentation:event_source": Effect(data=SOURCE),
    "documentation:evidence_upload": Effect(data=_upload),
    "documentation:act_verify": Effect(data=_verify),
    "documentation:victim": Effect(data={"consents": "on"}),
    "documentation:victim_attributes": Effect(data={"gender": "woman", "age_group": "30_49"}),
    "documentation:victim_link": Effect(
        data={"person": ""}, changes=False, reason="the world's victim is linked to no one yet"
    ),
    "documentation:source_delete": Effect(data={"reason": "Recorded twice by mistake."}),
    "documentation:places": Effect(
        data=lambda world: {
            "kind": "facility",
            "name_ru": "Подвал",
            "name_en": "Basement",
            "parent": _argun_pk(),
        }
    ),
    "documentation:import": Effect(
        data=_import, changes=False, reason="an empty list imports nothing"
    ),
    "documentation:evidence_download": Effect(),  # a VIEWED custody entry
    "documentation:evidence_export": Effect(),  # an EXPORTED custody entry
    "documentation:evidence_destroy": Effect(
        data={"reason": "mistake", "explanation": "Uploaded to the wrong event.", "confirm": "on"}
    ),
}


def _argun_pk() -> int:
    from refuge.documentation.models import Place

    return int(Place.objects.get(name_en="Argun").pk)
