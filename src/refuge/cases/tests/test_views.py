from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from refuge.audit.models import AuditAction, AuditEvent
from refuge.cases.models import Case, CheckIn, Stage, StageCode, Task
from refuge.cases.services.tasks import add_task
from refuge.cases.tests.conftest import acting_as
from refuge.hotline.models import ContactStatus
from refuge.testing import log_in


@pytest.fixture
def worker_client(worker) -> Client:
    client = Client()
    log_in(client, worker)
    return client


def test_a_case_worker_opens_a_case_from_a_contact_through_the_page(
    worker_client, contact, colleague
) -> None:
    url = reverse("cases:open_from_contact", args=[contact.pk])
    assert worker_client.get(url).status_code == 200

    response = worker_client.post(url, {"pseudonym": "Heron", "case_workers": [colleague.pk]})

    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[case.pk])
    contact.refresh_from_db()
    assert contact.status == ContactStatus.CASE_OPENED
    page = worker_client.get(response["Location"]).content.decode()
    assert "Heron" in page
    assert "brother" in page


def test_a_case_not_shared_with_you_does_not_exist(case, outsider) -> None:
    client = Client()
    log_in(client, outsider)

    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    assert client.get(reverse("cases:timeline", args=[case.pk])).status_code == 404
    assert client.post(reverse("cases:add_note", args=[case.pk]), {"body": "x"}).status_code == 404
    assert "C-" not in client.get(reverse("cases:list")).content.decode()


def test_reading_a_case_is_audited(worker_client, case, worker) -> None:
    worker_client.get(reverse("cases:detail", args=[case.pk]))

    assert AuditEvent.objects.filter(
        action=AuditAction.RECORD_READ,
        actor_id=worker.pk,
        target_type="cases.Case",
        target_id=str(case.pk),
    ).exists()


def test_leaving_verification_without_checks_needs_a_reason(worker_client, case) -> None:
    url = reverse("cases:change_stage", args=[case.pk])
    in_danger = Stage.objects.get(code=StageCode.IN_DANGER)

    refused = worker_client.post(url, {"stage": in_danger.pk, "version": case.version})
    assert refused.status_code == 400
    assert "needs a written reason" in refused.content.decode()

    accepted = worker_client.post(
        url,
        {
            "stage": in_danger.pk,
            "version": case.version,
            "reason": "Police at the door tonight; no time.",
        },
    )
    assert accepted.status_code == 302
    case = Case.objects.get(pk=case.pk)
    assert case.stage.code == StageCode.IN_DANGER
    assert case.stage_changes.last().skipped_verification


def test_verification_checks_open_the_way_past_verification(worker_client, case, worker) -> None:
    worker_client.post(
        reverse("cases:add_verification", args=[case.pk]),
        {"item": "voice_or_video", "note": "Called twice"},
    )
    hiding = Stage.objects.get(code=StageCode.IN_HIDING)

    response = worker_client.post(
        reverse("cases:change_stage", args=[case.pk]), {"stage": hiding.pk, "version": case.version}
    )

    assert response.status_code == 302
    item = case.verification_items.get()
    assert item.checked_by == worker
    assert item.checked_at is not None


def test_a_stale_edit_is_refused_instead_of_overwriting(worker_client, case) -> None:
    url = reverse("cases:edit_risk", args=[case.pk])
    first = worker_client.post(url, {"version": case.version, "code_words": "blue kettle"})
    second = worker_client.post(url, {"version": case.version, "code_words": "red door"})

    assert first.status_code == 302
    assert second.status_code == 400
    assert "Someone else changed this case" in second.content.decode()
    with acting_as(case.lead):
        assert Case.objects.get(pk=case.pk).code_words == "blue kettle"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("edit_risk", {"version": "abc"}),
        ("add_checkin", {"due_at": "tomorrow", "grace_minutes": "-5"}),
        ("request_spending", {"category": "travel", "amount": "-3", "currency": "EURO"}),
        ("request_spending", {"category": "yacht", "amount": "1e99", "currency": "EUR"}),
        ("add_task", {"title": "", "owner": "999999"}),
        ("change_stage", {"stage": "not-a-stage", "version": "0"}),
    ],
)
def test_malformed_input_gets_a_clear_message(worker_client, case, name, data) -> None:
    response = worker_client.post(reverse(f"cases:{name}", args=[case.pk]), data)

    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()


def test_unknown_ids_are_404_not_500(worker_client, case) -> None:
    assert worker_client.get(reverse("cases:edit_need", args=[case.pk, 999])).status_code == 404
    assert (
        worker_client.post(reverse("cases:decide_spending", args=[case.pk, 1, "steal"])).status_code
        == 404
    )
    assert worker_client.get(reverse("cases:open_from_contact", args=[999])).status_code == 404
    assert (
        worker_client.post(
            reverse("cases:open_from_contact", args=[999]), {"pseudonym": "x"}
        ).status_code
        == 404
    )


def test_my_work_highlights_overdue_tasks(worker_client, case, worker) -> None:
    with acting_as(worker):
        add_task(
            case=case,
            title="Buy the train ticket",
            owner=worker,
            due_at=timezone.now() - timedelta(hours=1),
            created_by=worker,
        )

    page = worker_client.get(reverse("cases:my_work")).content.decode()

    assert "Buy the train ticket" in page
    assert 'class="overdue"' in page


def test_a_missed_checkin_raises_the_alarm_on_list_and_my_work(worker_client, case, worker) -> None:
    CheckIn.objects.create(
        case=case, due_at=timezone.now() - timedelta(hours=2), grace_minutes=30, created_by=worker
    )
    CheckIn.objects.create(
        case=case,
        due_at=timezone.now() - timedelta(minutes=10),
        grace_minutes=30,
        created_by=worker,
    )  # still within its grace

    for name in ("cases:list", "cases:my_work"):
        page = worker_client.get(reverse(name)).content.decode()
        assert "Missed check-ins" in page
        assert page.count("expected at") == 1


def test_completing_a_task_twice_is_a_message_not_an_error(worker_client, case, worker) -> None:
    with acting_as(worker):
        task = add_task(case=case, title="Call", owner=worker, due_at=None, created_by=worker)
    url = reverse("cases:complete_task", args=[task.pk])

    assert worker_client.post(url).status_code == 302
    assert worker_client.post(url).status_code == 302
    assert Task.objects.get(pk=task.pk).done_at is not None


def test_the_hotline_queue_can_show_the_alarm_with_the_inclusion_tag(
    rf, case, worker, outsider
) -> None:
    from django.template import Context, Template

    CheckIn.objects.create(
        case=case, due_at=timezone.now() - timedelta(hours=2), grace_minutes=30, created_by=worker
    )
    template = Template("{% load cases_tags %}{% checkin_alarms %}")
    request = rf.get("/")

    request.user = worker
    assert case.reference in template.render(Context({"request": request}))
    request.user = outsider  # not on the case: no alarm, no hint that the case exists
    assert template.render(Context({"request": request})).strip() == ""
