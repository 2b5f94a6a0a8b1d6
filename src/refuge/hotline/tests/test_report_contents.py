"""Operators see everything a report carries, through the vault and the audit."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from PIL import Image

from refuge.audit.models import AuditAction, AuditEvent
from refuge.hotline.tests.factories import client_for, contact_of
from refuge.intake.attachments import clean_file
from refuge.intake.models import Attachment, ReporterKind, Urgency
from refuge.intake.services import submit_report
from refuge.intake.tests.support import jpeg_with_gps, pdf_with_metadata

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def _report_with_files(kind: ReporterKind = ReporterKind.OTHER):
    return submit_report(
        body="Брата забрали",
        reporter_kind=kind,
        urgency=Urgency.DETAINED,
        contact_instructions="Telegram @safe_friend, после 22:00",
        attachments=[clean_file(jpeg_with_gps()), clean_file(pdf_with_metadata())],
    )


def test_the_contact_shows_who_reports_the_contact_line_and_each_file(hotline_operator):
    contact = contact_of(_report_with_files())
    photo, pdf = Attachment.objects.order_by("pk")

    page = client_for(hotline_operator).get(reverse("hotline:contact", args=[contact.pk]))

    html = page.content.decode()
    assert "Кто-то другой от его имени" in html
    assert "Telegram @safe_friend, после 22:00" in html
    assert f'<img class="attachment" src="/console/hotline/files/{photo.pk}/"' in html
    assert f'href="/console/hotline/files/{pdf.pk}/" download' in html


def test_a_report_without_a_contact_line_says_to_answer_in_the_mailbox(hotline_operator):
    contact = contact_of(
        submit_report(body="Я прячусь", reporter_kind=ReporterKind.SELF, urgency=Urgency.HIDING)
    )

    html = (
        client_for(hotline_operator)
        .get(reverse("hotline:contact", args=[contact.pk]))
        .content.decode()
    )

    assert "Сам человек, которому угрожает опасность" in html
    assert "Не указан: отвечайте только в почтовый ящик." in html


def test_a_photo_is_served_inline_as_stored_and_every_view_is_audited(hotline_operator):
    _report_with_files()
    photo = Attachment.objects.filter(content_type="image/jpeg").get()
    client = client_for(hotline_operator)

    first = client.get(reverse("hotline:attachment", args=[photo.pk]))
    client.get(reverse("hotline:attachment", args=[photo.pk]))

    assert first.status_code == 200
    assert first["Content-Type"] == "image/jpeg"
    assert (
        first["Content-Disposition"]
        == f'inline; filename="contact-{photo.message.thread.contact.pk}-file-{photo.pk}.jpg"'
    )
    assert "sandbox" in first["Content-Security-Policy"]
    assert first["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in first["Cache-Control"]
    shown = Image.open(io.BytesIO(first.content))
    assert shown.size == (64, 48)
    assert not shown.getexif()  # re-encoded at intake: no GPS, no camera
    assert b"SpyCam" not in first.content
    reads = AuditEvent.objects.filter(
        action=AuditAction.RECORD_READ, target_type="intake.Attachment", target_id=str(photo.pk)
    )
    assert reads.count() == 2
    assert {event.actor_id for event in reads} == {hotline_operator.pk}


def test_other_files_download_with_their_real_type_and_a_neutral_name(hotline_operator):
    _report_with_files()
    pdf = Attachment.objects.filter(content_type="application/pdf").get()

    response = client_for(hotline_operator).get(reverse("hotline:attachment", args=[pdf.pk]))

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="contact-')
    assert response["Content-Disposition"].endswith(f'-file-{pdf.pk}.pdf"')
    assert response.content.startswith(b"%PDF")
    assert b"Ruslan Canary" not in response.content


def test_an_operator_without_a_grant_gets_404_for_a_file(hotline_operator, operator_factory):
    _report_with_files()
    photo = Attachment.objects.filter(content_type="image/jpeg").get()
    outsider = operator_factory("outsider")

    response = client_for(outsider).get(reverse("hotline:attachment", args=[photo.pk]))

    assert response.status_code == 404
    assert not AuditEvent.objects.filter(
        action=AuditAction.RECORD_READ, target_type="intake.Attachment"
    ).exists()


def test_a_file_gone_from_disk_is_a_message_not_a_server_error(hotline_operator, settings):
    _report_with_files()
    photo = Attachment.objects.filter(content_type="image/jpeg").get()
    (settings.MEDIA_ROOT / "intake" / photo.stored_name).unlink()

    response = client_for(hotline_operator).get(
        reverse("hotline:attachment", args=[photo.pk]), follow=True
    )

    assert response.status_code == 200
    assert "Этот файл не удалось расшифровать" in response.content.decode()
