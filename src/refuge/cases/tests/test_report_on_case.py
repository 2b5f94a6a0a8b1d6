"""A case opened from a web report links to what the report carries."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from refuge.accounts.models import Operator
from refuge.audit.models import AuditAction, AuditEvent
from refuge.cases.services.opening import open_case_from_contact
from refuge.cases.tests.conftest import acting_as
from refuge.hotline.models import Contact
from refuge.hotline.tests.factories import follow_up
from refuge.intake.attachments import clean_file
from refuge.intake.models import Attachment, ReporterKind, Urgency
from refuge.intake.services import submit_report
from refuge.intake.tests.support import jpeg_with_gps
from refuge.testing import log_in
from refuge.vault import api as vault

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def submission(worker: Operator) -> Any:
    return submit_report(
        body="My friend was taken from the market.",
        reporter_kind=ReporterKind.OTHER,
        urgency=Urgency.DETAINED,
        contact_instructions="Signal +7 900 000-00-00, evenings",
        attachments=[clean_file(jpeg_with_gps())],
    )


@pytest.fixture
def web_case(submission: Any, worker: Operator, colleague: Operator) -> Any:
    with acting_as(worker):
        return open_case_from_contact(
            contact_id=submission.thread.contact.pk,
            opened_by=worker,
            pseudonym="Swift",
            case_workers=[colleague],
        )


def _client(operator: Operator) -> Client:
    client = Client()
    log_in(client, operator)
    return client


def _page(operator: Operator, case: Any, client: Client | None = None) -> str:
    client = client or _client(operator)
    return client.get(reverse("cases:detail", args=[case.pk])).content.decode()


def test_the_case_page_shows_the_reports_contact_line_reporter_and_files(
    web_case: Any, colleague: Operator
) -> None:
    photo = Attachment.objects.get()
    contact = Contact.objects.get()

    client = _client(colleague)
    html = _page(colleague, web_case, client)

    assert "From the web report" in html
    assert "Someone else, on their behalf" in html
    assert "Signal +7 900 000-00-00, evenings" in html
    assert f'<img class="attachment" src="/en/console/hotline/files/{photo.pk}/"' in html
    assert f'href="/en/console/hotline/contacts/{contact.pk}/"' in html
    read = AuditEvent.objects.get(
        action=AuditAction.RECORD_READ, target_type="hotline.Contact", actor_id=colleague.pk
    )
    assert read.details == {"case": web_case.pk}
    assert client.get(reverse("hotline:attachment", args=[photo.pk])).status_code == 200


def test_a_member_the_report_is_not_shared_with_is_told_so(
    web_case: Any, worker: Operator, colleague: Operator
) -> None:
    with acting_as(worker):
        vault.revoke(web_case.opened_from.envelope_id, reader=colleague, revoked_by=worker)

    html = _page(colleague, web_case)

    assert "is not shared with you" in html
    assert "Signal +7 900" not in html
    assert "/console/hotline/files/" not in html


def test_a_follow_up_on_the_report_shows_on_the_case(
    web_case: Any, submission: Any, worker: Operator
) -> None:
    follow_up(submission, "They let him go.")

    assert "1 new message" in _page(worker, web_case)
