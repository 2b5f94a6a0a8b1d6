"""The flows the seized-disk test runs in a separate process, against a fresh data dir.

    python -m tests.seized_disk_flows write   # set up, run every writer, then stop hard
    python -m tests.seized_disk_flows read    # print what the readers decrypt, as JSON

Apps add a writer (creates records holding canaries through their real services) and a
reader (returns the decrypted strings) to WRITERS and READERS, and their canaries to
CANARIES. The write phase ends with os._exit, as a machine seized while running would: the
SQLite WAL is left on disk for the scan.
"""

from __future__ import annotations

import io
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

NAMES = ["Зелимхан Канарейкин", "Aslan Canarysson"]
PHONES = ["+7 928 555-01-23", "+995 555 77 66 55"]
SENTENCES = [
    "Меня задержали у мечети в Аргуне, помогите",
    "They took my brother to the basement on Kanareechnaya street",
]
CANARIES = [*NAMES, *PHONES, *SENTENCES]
# What a leak might look like after normalising: E.164 numbers, digits, folded name parts.
DERIVED_CANARIES = [
    "+79285550123",
    "79285550123",
    "9285550123",
    "995557766",
    "Канарейкин",
    "kanareikin",
    "Canarysson",
    "canarison",
    "zelimhan kanareikin",
]
PASSWORD = "seized disk test passphrase"
INTERIM_PASSWORD = "lantern orchard velvet pebble"


@dataclass
class Flow:
    operators: dict[str, Any] = field(default_factory=dict)

    def keyring(self, username: str) -> Any:
        from refuge.testing import keyring_for

        return keyring_for(self.operators[username], PASSWORD)


def vault_writer(flow: Flow) -> None:
    """Sealed records, sealed files, blind indexes, sharing, revoking, a password change."""
    from refuge.accounts import services as accounts
    from refuge.vault import api as vault

    with vault.activated(flow.keyring("coord")):
        for text in CANARIES:
            envelope = vault.create_envelope(
                purpose=vault.Purpose.DOCUMENT, readers=[flow.operators["coord"]]
            )
            vault.store_file(
                envelope_id=envelope.pk, name=text, content=text.encode(), content_type="text/plain"
            )
            vault.share(
                envelope.pk, reader=flow.operators["hotline"], granted_by=flow.operators["coord"]
            )
        for name in NAMES:
            vault.blind_index("name", name)
        for phone in PHONES:
            vault.blind_index("phone", phone)
    with vault.activated(flow.keyring("hotline")):
        vault.blind_index("phone", PHONES[0])
    # The key is rewrapped twice (changed, then back): the readers open it with PASSWORD, and
    # a password cannot be "changed" into itself.
    for old, new in ((PASSWORD, INTERIM_PASSWORD), (INTERIM_PASSWORD, PASSWORD)):
        accounts.change_own_password(
            operator=flow.operators["hotline"], old_password=old, new_password=new
        )


def vault_reader(flow: Flow) -> list[str]:
    from refuge.vault import api as vault

    values: list[str] = []
    with vault.activated(flow.keyring("coord")):
        for sealed in vault.SealedFile.objects.order_by("created_at"):
            values.append(str(sealed.name))
            values.append(vault.read_file(sealed).decode())
    return values


def accounts_writer(flow: Flow) -> None:
    """A real two-factor login through the views: sessions and their wrapped key on disk."""
    from django.test import Client

    from refuge.testing import log_in

    client = Client(HTTP_HOST="localhost")
    log_in(client, flow.operators["hotline"], PASSWORD)
    client.get("/")


def intake_hotline_cases_writer(flow: Flow) -> None:
    """A web report, a logged phone call, and a case opened from the report with a person."""
    from django.utils import timezone

    from refuge.cases.services.opening import open_case_from_contact
    from refuge.cases.services.persons import save_person
    from refuge.hotline.services.calls import CallRecord, log_call
    from refuge.intake.models import ReporterKind, Urgency
    from refuge.intake.services import submit_report
    from refuge.vault import api as vault

    submission = submit_report(
        body=SENTENCES[0],
        reporter_kind=ReporterKind.SELF,
        urgency=Urgency.DETAINED,
        contact_instructions=PHONES[0],
    )
    with vault.activated(flow.keyring("hotline")):
        log_call(
            operator=flow.operators["hotline"],
            call=CallRecord(
                started_at=timezone.now(),
                ended_at=None,
                caller_pseudonym=NAMES[1],
                what_they_said=SENTENCES[1],
                urgency=Urgency.IN_DANGER,
                risk_flags=[],
                next_step=SENTENCES[0],
                next_step_at=None,
                callback_number=PHONES[1],
            ),
        )
    with vault.activated(flow.keyring("coord")):
        case = open_case_from_contact(
            contact_id=submission.thread.contact.pk,
            opened_by=flow.operators["coord"],
            pseudonym="P-1",
        )
        save_person(
            case=case,
            person=None,
            pseudonym="P-2",
            legal_name=NAMES[0],
            phone=PHONES[0],
            contact_details=SENTENCES[1],
            saved_by=flow.operators["coord"],
        )


def documentation_analysis_writer(flow: Flow) -> None:
    """A testimony naming a victim, then an analysis run linking victims across lists."""
    from datetime import date

    from refuge.analysis.capture import capture_table
    from refuge.documentation.choices import DatePrecision, EventType, SourceKind, ViolationType
    from refuge.documentation.models import Place
    from refuge.documentation.services import testimony as testimonies
    from refuge.documentation.services.records import EventInput, SourceInput
    from refuge.vault import api as vault

    place = Place.objects.filter(kind="town").order_by("code").first()
    assert place is not None  # the gazetteer ships towns
    with vault.activated(flow.keyring("coord")):
        for kind, origin in ((SourceKind.TESTIMONY, NAMES[0]), (SourceKind.MEDIA_REPORT, "x")):
            testimonies.record_testimony(
                actor=flow.operators["coord"],
                testimony=testimonies.Testimony(
                    source=SourceInput(
                        kind=kind,
                        origin_name=origin,
                        summary=SENTENCES[1],
                        received_on=date(2017, 4, 1),
                    ),
                    violations=[ViolationType.ARBITRARY_DETENTION],
                    new_event=EventInput(
                        event_type=EventType.INDIVIDUAL_DETENTION,
                        title=SENTENCES[0],
                        description=SENTENCES[1],
                        start_date=date(2017, 3, 1),
                        end_date=date(2017, 3, 2),
                        date_precision=DatePrecision.DAY,
                        place=place,
                    ),
                    new_victim_names=[NAMES[1]],
                ),
            )
        capture_table(list_kinds=["testimony", "media_report"], violations=[])


def feature_reader(flow: Flow) -> list[str]:
    from refuge.cases.models import CasePerson
    from refuge.documentation.models import Victim
    from refuge.hotline.models import Contact
    from refuge.intake.models import Message
    from refuge.vault import api as vault

    values: list[str] = []
    with vault.activated(flow.keyring("coord")):
        values += [str(message.body) for message in Message.objects.all()]
        values += [str(person.legal_name) for person in CasePerson.objects.all()]
        values += [str(victim.real_name) for victim in Victim.objects.all()]
    with vault.activated(flow.keyring("hotline")):
        values += [str(contact.summary) for contact in Contact.objects.all()]
    return values


WRITERS: list[Callable[[Flow], None]] = [
    vault_writer,
    accounts_writer,
    intake_hotline_cases_writer,
    documentation_analysis_writer,
]
READERS: list[Callable[[Flow], list[str]]] = [vault_reader, feature_reader]


def _create_operators(flow: Flow) -> None:
    from refuge.accounts.roles import Role
    from refuge.accounts.services import create_operator
    from refuge.testing import enrol_test_device

    for username, role in (
        ("coord", Role.COORDINATOR),
        ("hotline", Role.OPERATOR),
        ("caseworker", Role.CASE_WORKER),
    ):
        operator = create_operator(
            created_by=None,
            username=username,
            role=role,
            password=PASSWORD,
            on_intake_duty=username != "caseworker",
        )
        enrol_test_device(operator)
        flow.operators[username] = operator


def _load_operators(flow: Flow) -> None:
    from refuge.accounts.models import Operator

    flow.operators = {operator.username: operator for operator in Operator.objects.all()}


def main(phase: str) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from refuge.vault.keyring import Keyring, activated

    flow = Flow()
    if phase == "write":
        call_command("setup", stdout=io.StringIO())
        with activated(Keyring()):
            _create_operators(flow)
            for writer in WRITERS:
                writer(flow)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)  # stop hard: no checkpoint, the WAL stays as a seized disk would hold it
    _load_operators(flow)
    with activated(Keyring()):
        values = [value for reader in READERS for value in reader(flow)]
    print(json.dumps({"values": values}, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "write")
