"""Files: type from content, photos stripped of EXIF and GPS, stored only encrypted."""


from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from refuge.audit.models import AuditAction, AuditEvent
from refuge.core.testing import keyring_for
from refuge.intake.attachments import attachment_bytes
from refuge.intake.models import Attachment
from refuge.intake.tests.support import jpeg_with_gps, report_data, submit_report
from refuge.vault import api as vault

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _send(client: Client, *uploads: SimpleUploadedFile) -> None:
    submit_report(client, attachments=list(uploads))


def test_a_photo_loses_its_gps_and_camera_data_and_rests_encrypted(
        hotline_operator, settings) -> None:
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


def test_reading_a_file_is_audited_with_its_reader(hotline_operator) -> None:
    _send(Client(), SimpleUploadedFile("doc.pdf", PDF, content_type="application/pdf"))
    attachment = Attachment.objects.get()

    with vault.activated(keyring_for(hotline_operator)):
        assert attachment_bytes(attachment) == PDF

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
    page = follow_303(client, client.post("/mailbox/write/", {
        "token": form_token(client, "/mailbox/"), "body": "Фото", "website": "",
        "attachments": [upload]}))

    assert "1 файл отправлен" in page.content.decode()
    assert Attachment.objects.count() == 1


def test_too_many_files_are_refused(db) -> None:
    client = Client()
    uploads = [SimpleUploadedFile(f"{n}.pdf", PDF, content_type="application/pdf")
               for n in range(6)]
    response = client.post("/", report_data(client, attachments=uploads))
    page = client.get(response.headers["Location"]).content.decode()

    assert "Можно отправить не больше 5 файлов за раз." in page
    assert Attachment.objects.count() == 0
