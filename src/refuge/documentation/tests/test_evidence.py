from __future__ import annotations

import hashlib
import io
import json
import subprocess
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from refuge.documentation.choices import CustodyAction, DestructionReason
from refuge.documentation.errors import EvidenceDestroyed, EvidenceTooLarge
from refuge.documentation.evidence.custody import custody_lines
from refuge.documentation.evidence.export import export_bundle
from refuge.documentation.evidence.services import (
    add_evidence,
    destroy_evidence,
    open_evidence,
)
from refuge.documentation.models import CustodyEntry, Evidence
from refuge.documentation.services.testimony import record_testimony
from refuge.documentation.tests import factories
from refuge.vault import api as vault

pytestmark = pytest.mark.django_db
PHOTO = b"\x89PNG\r\n\x1a\n" + b"bruises on the back, photographed 2017-04-02" * 50


def _event(actor):
    return record_testimony(actor=actor, testimony=factories.testimony()).event


def _stored_files() -> list[Path]:
    return sorted((Path(settings.MEDIA_ROOT) / "evidence").glob("*.bin"))


def test_a_file_is_hashed_on_arrival_and_stored_encrypted(as_lawyer) -> None:
    added = add_evidence(
        actor=as_lawyer,
        event=_event(as_lawyer),
        content=PHOTO,
        file_name="back.png",
        description="Injuries",
    )

    evidence = added.evidence
    sha256 = hashlib.sha256(PHOTO).hexdigest()
    assert not added.is_duplicate
    assert evidence.sha256 == sha256
    assert evidence.digest_key != sha256  # only a keyed hash is in clear
    raw_column = Evidence.objects.values_list("sha256", flat=True).get()
    assert raw_column is not None
    raw_sha = bytes(raw_column)
    assert sha256.encode() not in raw_sha
    [stored] = _stored_files()
    assert b"bruises" not in stored.read_bytes()
    assert stored.stat().st_mode & 0o777 == 0o600
    assert [entry.action for entry in evidence.custody.all()] == [CustodyAction.ADDED]


def test_the_same_file_again_is_linked_not_stored_twice(as_lawyer) -> None:
    first_event = _event(as_lawyer)
    second_event = _event(as_lawyer)
    first = add_evidence(actor=as_lawyer, event=first_event, content=PHOTO, file_name="a.png")

    again = add_evidence(actor=as_lawyer, event=second_event, content=PHOTO, file_name="b.png")

    assert again.is_duplicate
    assert again.evidence.pk == first.evidence.pk
    assert Evidence.objects.count() == 1
    assert len(_stored_files()) == 1
    assert set(again.evidence.events.all()) == {first_event, second_event}
    assert [e.action for e in again.evidence.custody.all()] == ["added", "linked"]


def test_opening_checks_the_hash_and_records_custody(as_lawyer) -> None:
    evidence = add_evidence(
        actor=as_lawyer, event=_event(as_lawyer), content=PHOTO, file_name="a.png"
    ).evidence

    assert open_evidence(actor=as_lawyer, evidence=evidence) == PHOTO
    last_entry = evidence.custody.last()
    assert last_entry is not None
    assert last_entry.action == CustodyAction.VIEWED
    assert all(line.is_intact for line in custody_lines(evidence))


def test_an_edited_custody_entry_breaks_the_chain(as_lawyer) -> None:
    evidence = add_evidence(
        actor=as_lawyer, event=_event(as_lawyer), content=PHOTO, file_name="a.png"
    ).evidence
    open_evidence(actor=as_lawyer, evidence=evidence)

    CustodyEntry.objects.filter(evidence=evidence, sequence=2).update(actor_username="someone")

    assert [line.is_intact for line in custody_lines(evidence)] == [True, False]


def test_a_file_over_the_limit_is_refused_and_nothing_stored(as_lawyer, settings) -> None:
    settings.DOCUMENTATION_MAX_EVIDENCE_BYTES = 100
    event = _event(as_lawyer)

    with pytest.raises(EvidenceTooLarge):
        add_evidence(actor=as_lawyer, event=event, content=PHOTO, file_name="a.png")

    assert not Evidence.objects.exists()
    assert _stored_files() == []


def test_a_third_party_checks_the_export_with_sha256sum_alone(as_lawyer, tmp_path) -> None:
    evidence = add_evidence(
        actor=as_lawyer, event=_event(as_lawyer), content=PHOTO, file_name="back.PNG"
    ).evidence
    open_evidence(actor=as_lawyer, evidence=evidence)

    file_name, bundle = export_bundle(actor=as_lawyer, evidence=evidence)

    assert file_name == f"{evidence.reference}-custody.zip"
    zipfile.ZipFile(io.BytesIO(bundle)).extractall(tmp_path)
    manifest = json.loads((tmp_path / "custody.json").read_text())
    assert [entry["action"] for entry in manifest["custody"]] == ["added", "viewed", "exported"]
    assert (tmp_path / f"{evidence.reference}.png").read_bytes() == PHOTO
    checked = subprocess.run(
        ["sha256sum", "-c", "SHA256SUMS"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0, checked.stdout
    chain = subprocess.run(
        ["sh", "verify-custody.sh"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert chain.returncode == 0
    assert "3 entries" in chain.stdout


def test_a_tampered_export_fails_the_check(as_lawyer, tmp_path) -> None:
    evidence = add_evidence(
        actor=as_lawyer, event=_event(as_lawyer), content=PHOTO, file_name="a.png"
    ).evidence
    _, bundle = export_bundle(actor=as_lawyer, evidence=evidence)
    zipfile.ZipFile(io.BytesIO(bundle)).extractall(tmp_path)

    custody = tmp_path / "custody.txt"
    custody.write_text(custody.read_text().replace("|added|", "|viewed|"))
    (tmp_path / "a.png").unlink(missing_ok=True)
    (tmp_path / f"{evidence.reference}.png").write_bytes(PHOTO + b"x")

    assert (
        subprocess.run(
            ["sh", "verify-custody.sh"], cwd=tmp_path, capture_output=True, check=False
        ).returncode
        == 1
    )
    assert (
        subprocess.run(
            ["sha256sum", "-c", "SHA256SUMS"], cwd=tmp_path, capture_output=True, check=False
        ).returncode
        == 1
    )


def test_a_destroyed_file_is_gone_for_good_and_leaves_a_coded_tombstone(
    as_lawyer, django_capture_on_commit_callbacks
) -> None:
    event = _event(as_lawyer)
    evidence = add_evidence(
        actor=as_lawyer, event=event, content=PHOTO, file_name="back.png", description="Injuries"
    ).evidence
    with django_capture_on_commit_callbacks(execute=True):
        destroy_evidence(actor=as_lawyer, evidence=evidence, reason=DestructionReason.ENDANGERS)

    assert _stored_files() == []
    destroyed = Evidence.objects.get(pk=evidence.pk)
    assert destroyed.destroyed_reason == DestructionReason.ENDANGERS
    assert destroyed.destroyed_by == as_lawyer
    assert not vault.is_readable(destroyed.file_name)  # the envelope is shredded
    assert [e.action for e in destroyed.custody.all()] == ["added", "destroyed"]
    for action in (open_evidence, export_bundle):
        with pytest.raises(EvidenceDestroyed):
            action(actor=as_lawyer, evidence=destroyed)
    with pytest.raises(EvidenceDestroyed):
        destroy_evidence(actor=as_lawyer, evidence=destroyed, reason=DestructionReason.MISTAKE)
    # The same file brought again is a new piece of evidence, not a link to the destroyed one.
    again = add_evidence(actor=as_lawyer, event=event, content=PHOTO, file_name="back.png")
    assert not again.is_duplicate
    assert again.evidence.pk != evidence.pk


def test_destroying_takes_a_reason_the_key_and_a_second_reader(as_lawyer, client) -> None:
    from refuge.accounts.roles import Role
    from refuge.approvals.tests.support import REASON, confirm_as, latest_request
    from refuge.testing import log_in, make_operator

    colleague = make_operator("colleague", Role.LAWYER)  # on the team when the file is sealed
    evidence = add_evidence(
        actor=as_lawyer, event=_event(as_lawyer), content=PHOTO, file_name="back.png"
    ).evidence
    url = reverse("documentation:evidence_destroy", args=[evidence.pk])
    latecomer = make_operator("latecomer", Role.LAWYER)  # joined after the file was sealed
    log_in(client, latecomer)
    client.post(url, {"reason": "mistake", "explanation": REASON, "confirm": "on"})
    assert latest_request() is None  # cannot read it, cannot ask

    log_in(client, as_lawyer)
    ask = {"reason": "mistake", "explanation": REASON, "confirm": "on"}
    assert client.post(url, {**ask, "confirm": ""}).status_code == 302  # not ticked
    assert client.post(url, {**ask, "reason": "bogus"}).status_code == 302
    assert client.post(url, {**ask, "explanation": "oops"}).status_code == 302  # no reason
    assert latest_request() is None
    client.post(url, ask)
    assert Evidence.objects.get(pk=evidence.pk).destroyed_at is None  # asked, not done
    assert confirm_as(latecomer).status_code == 404  # cannot read it: not theirs to confirm
    assert Evidence.objects.get(pk=evidence.pk).destroyed_at is None

    confirm_as(colleague)
    assert Evidence.objects.get(pk=evidence.pk).destroyed_at is not None
    assert Evidence.objects.get(pk=evidence.pk).destroyed_by == colleague
    page = client.get(reverse("documentation:evidence", args=[evidence.pk])).content.decode()
    assert "/download/" not in page
    assert "Added by mistake" in page or "по ошибке" in page
