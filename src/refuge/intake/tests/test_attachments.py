"""Files: type from content, photos stripped of EXIF and GPS, stored only encrypted."""

from __future__ import annotations

import io

import mutagen
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import Image
from pypdf import PdfReader

from refuge.audit.models import AuditAction, AuditEvent
from refuge.intake.attachments import attachment_bytes, clean_file
from refuge.intake.errors import AttachmentRejected
from refuge.intake.models import Attachment
from refuge.intake.tests.support import (
    jpeg_with_gps,
    pdf_with_metadata,
    recording,
    report_data,
    submit_report,
)
from refuge.testing import keyring_for
from refuge.vault import api as vault

pytestmark = pytest.mark.django_db

PDF = pdf_with_metadata()
CANARIES = (b"Ruslan Canary", b"9281234567", b"Argun")


def _send(client: Client, *uploads: SimpleUploadedFile) -> None:
    submit_report(client, attachments=list(uploads))


def test_a_photo_loses_its_gps_and_camera_data_and_rests_encrypted(
    hotline_operator, settings
) -> None:
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the test photo has GPS
    _send(Client(), SimpleUploadedFile("IMG_0001.jpg", original, content_type="image/jpeg"))

    attachment = Attachment.objects.get()
    on_disk = (settings.MEDIA_ROOT / "intake" / attachment.stored_name).read_bytes()
    assert b"SpyCam" not in on_disk
    assert b"\xff\xd8\xff" not in on_disk[:8]
    with vault.activated(keyring_for(hotline_operator)):
        stored = attachment_bytes(attachment)

    cleaned = Image.open(io.BytesIO(stored))
    assert cleaned.format == "JPEG"
    assert cleaned.size == (64, 48)
    assert len(cleaned.getexif()) == 0
    assert not cleaned.getexif().get_ifd(0x8825)
    assert "exif" not in cleaned.info
    assert "comment" not in cleaned.info
    assert b"Exif" not in stored
    assert b"SpyCam" not in stored
    assert b"secret comment" not in stored
    assert attachment.content_type == "image/jpeg"


def _stored(operator) -> bytes:
    with vault.activated(keyring_for(operator)):
        return attachment_bytes(Attachment.objects.get())


def test_a_pdf_is_rebuilt_from_its_pixels_without_author_or_comments(hotline_operator) -> None:
    assert all(canary in PDF for canary in CANARIES)  # the test document carries them
    _send(Client(), SimpleUploadedFile("statement.pdf", PDF, content_type="application/pdf"))

    stored = _stored(hotline_operator)
    assert not [canary for canary in CANARIES if canary in stored]
    document = PdfReader(io.BytesIO(stored))
    assert len(document.pages) == 1
    assert document.pages[0].extract_text() == ""  # the page is a picture (test_file_canaries)
    assert not document.metadata
    assert "/Annots" not in document.pages[0]


@pytest.mark.parametrize("name", ["voice.ogg", "voice.mp3", "voice.m4a"])
def test_a_voice_recording_loses_its_tags_and_keeps_the_voice(hotline_operator, name) -> None:
    original = recording(name)
    assert all(canary in original for canary in CANARIES[:1])
    _send(Client(), SimpleUploadedFile(name, original, content_type="audio/whatever"))

    stored = _stored(hotline_operator)
    assert not [canary for canary in CANARIES if canary in stored]
    cleaned = mutagen.File(io.BytesIO(stored))
    assert not cleaned.tags
    assert cleaned.info.length == pytest.approx(mutagen.File(io.BytesIO(original)).info.length)


def test_an_amr_recording_has_no_tags_and_is_kept_as_sent(hotline_operator) -> None:
    amr = b"#!AMR\n" + bytes([0x3C]) + b"\x00" * 31
    _send(Client(), SimpleUploadedFile("voice.amr", amr, content_type="audio/amr"))
    assert _stored(hotline_operator) == amr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (pdf_with_metadata(password="secret"), "защищён паролем"),
        (b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "PDF не удалось прочитать"),
        (b"OggS" + b"\x00" * 60, "записей не удалось прочитать"),
    ],
)
def test_a_file_that_cannot_be_cleaned_is_refused_with_a_reason(db, content, message) -> None:
    client = Client()
    upload = SimpleUploadedFile("file.bin", content, content_type="application/octet-stream")
    response = client.post("/", report_data(client, attachments=[upload]))
    page = client.get(response.headers["Location"]).content.decode()

    assert message in page
    assert Attachment.objects.count() == 0


def test_reading_a_file_is_audited_with_its_reader(hotline_operator) -> None:
    _send(Client(), SimpleUploadedFile("doc.pdf", PDF, content_type="application/pdf"))
    attachment = Attachment.objects.get()

    with vault.activated(keyring_for(hotline_operator)):
        assert attachment_bytes(attachment).startswith(b"%PDF-")

    event = AuditEvent.objects.filter(action=AuditAction.RECORD_READ).get()
    assert event.actor_id == hotline_operator.pk
    assert event.target_id == str(attachment.pk)


def test_the_type_comes_from_the_content_not_the_name(hotline_operator) -> None:
    _send(Client(), SimpleUploadedFile("notes.txt", PDF, content_type="text/plain"))
    assert Attachment.objects.get().content_type == "application/pdf"


def test_an_operator_without_a_grant_cannot_read_a_file(operator_factory, hotline_operator) -> None:
    from refuge.accounts.roles import Role

    outsider = operator_factory("outsider", Role.OPERATOR, intake=False)
    _send(Client(), SimpleUploadedFile("doc.pdf", PDF, content_type="application/pdf"))

    with vault.activated(keyring_for(outsider)), pytest.raises(vault.AccessDenied):
        attachment_bytes(Attachment.objects.get())


def test_the_reporter_can_send_a_file_from_the_mailbox(db) -> None:
    from refuge.intake.tests.support import follow_303, form_token, open_mailbox

    client = Client()
    open_mailbox(client, submit_report(client))
    upload = SimpleUploadedFile("v.jpg", jpeg_with_gps(), content_type="image/jpeg")
    page = follow_303(
        client,
        client.post(
            "/mailbox/write/",
            {
                "token": form_token(client, "/mailbox/"),
                "body": "Фото",
                "website": "",
                "attachments": [upload],
            },
        ),
    )

    assert "1 файл отправлен" in page.content.decode()
    assert Attachment.objects.count() == 1


def test_too_many_files_are_refused(db) -> None:
    client = Client()
    uploads = [
        SimpleUploadedFile(f"{n}.pdf", PDF, content_type="application/pdf") for n in range(6)
    ]
    response = client.post("/", report_data(client, attachments=uploads))
    page = client.get(response.headers["Location"]).content.decode()

    assert "Можно отправить не больше 5 файлов за раз." in page
    assert Attachment.objects.count() == 0


@hypothesis_settings(max_examples=300, deadline=None)
@given(
    header=st.sampled_from(
        [
            b"ID3\x04\x00\x00\x00\x00\x00\x00",
            b"OggS\x00\x02",
            b"\x00\x00\x00\x18ftypM4A \x00\x00\x00\x00",
            b"\xff\xfb\x90\x64",
            b"#!AMR\n",
        ]
    ),
    body=st.binary(max_size=3000),
)
def test_garbage_behind_a_known_header_is_refused_or_cleaned_never_a_crash(header, body) -> None:
    try:
        cleaned = clean_file(header + body)
    except AttachmentRejected:
        return
    assert cleaned.data  # whatever passed was cleaned into something storable


# Each PDF is rendered in a child process (about a second): fewer examples.
@hypothesis_settings(max_examples=25, deadline=None)
@given(body=st.binary(max_size=3000))
def test_garbage_behind_a_pdf_header_is_refused_or_rebuilt_never_a_crash(body) -> None:
    try:
        cleaned = clean_file(b"%PDF-1.7\n" + body)
    except AttachmentRejected:
        return
    assert cleaned.data.startswith(b"%PDF-")
