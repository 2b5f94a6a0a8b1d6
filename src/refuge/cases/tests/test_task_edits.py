"""Editing a task: title, owner, due date, urgency; reassigning is audited; done tasks and
stale forms are refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from refuge.audit.models import AuditAction, AuditEvent
from refuge.cases.errors import CaseClosed, OwnerNotOnCase, TaskAlreadyDone
from refuge.cases.models import Stage, StageCode, Task, TaskKind
from refuge.cases.services.stages import move_case
from refuge.cases.services.tasks import TaskEdit, add_task, complete_task, edit_task
from refuge.cases.tests.conftest import acting_as
from refuge.core.concurrency import StaleRecord
from refuge.testing import log_in
from refuge.vault import api as vault


@pytest.fixture
def task(case, worker):
    with acting_as(worker):
        return add_task(
            case=case, title="Call the lawyer", owner=worker, due_at=None, created_by=worker
        )


def _client(operator) -> Client:
    client = Client()
    log_in(client, operator)
    return client


def _edit(task, owner, *, title="Call the lawyer", due_at=None, is_urgent=False):
    return TaskEdit(title=title, owner=owner, due_at=due_at, is_urgent=is_urgent)


def test_editing_a_task_changes_it_and_audits_the_reassignment(task, worker, colleague) -> None:
    due = timezone.now() + timedelta(days=1)
    with acting_as(worker):
        edit_task(
            task=task,
            version=task.version,
            edited_by=worker,
            edit=_edit(task, colleague, title="Call the lawyer today", due_at=due, is_urgent=True),
        )
        stored = Task.objects.get(pk=task.pk)
        assert stored.title == "Call the lawyer today"
    assert (stored.owner, stored.due_at, stored.is_urgent) == (colleague, due, True)
    assert stored.version == 1
    event = AuditEvent.objects.filter(
        action=AuditAction.RECORD_CHANGED, target_type="cases.Task"
    ).get()
    assert event.actor_id == worker.pk
    assert event.details == {
        "case": task.case_id,
        "changed": "title,owner,due_at,is_urgent",
        "owner": colleague.pk,
        "previous_owner": worker.pk,
    }
    assert "lawyer" not in str(event.details)


def test_a_done_task_cannot_be_edited(task, worker) -> None:
    with acting_as(worker):
        complete_task(task=task, completed_by=worker)
        with pytest.raises(TaskAlreadyDone):
            edit_task(
                task=Task.objects.get(pk=task.pk),
                version=task.version,
                edited_by=worker,
                edit=_edit(task, worker, title="Revived"),
            )
    client = _client(worker)
    url = reverse("cases:edit_task", args=[task.case_id, task.pk])
    assert "a done task can no longer be edited" in client.get(url).content.decode()
    response = client.post(
        url, {"title": "Revived", "owner": worker.pk, "version": task.version + 1}
    )
    assert response.status_code == 400
    assert "a done task can no longer be edited" in response.content.decode()


def test_the_owner_must_be_on_the_case(task, worker, outsider) -> None:
    with acting_as(worker), pytest.raises(OwnerNotOnCase):
        edit_task(task=task, version=task.version, edited_by=worker, edit=_edit(task, outsider))

    response = _client(worker).post(
        reverse("cases:edit_task", args=[task.case_id, task.pk]),
        {"title": "x", "owner": outsider.pk, "version": 0},
    )
    assert response.status_code == 400
    assert "Choose a case worker the case is shared with." in response.content.decode()
    assert Task.objects.get(pk=task.pk).owner == worker


def test_someone_not_on_the_case_finds_no_task_to_edit(task, outsider) -> None:
    url = reverse("cases:edit_task", args=[task.case_id, task.pk])
    assert _client(outsider).get(url).status_code == 404


def test_a_task_is_edited_through_its_own_case_only(task, worker) -> None:
    from refuge.cases.services.opening import open_case

    with acting_as(worker):
        other = open_case(opened_by=worker, pseudonym="Heron")
    client = _client(worker)
    assert client.get(reverse("cases:edit_task", args=[other.pk, task.pk])).status_code == 404
    assert client.get(reverse("cases:edit_task", args=[task.case_id, 99999])).status_code == 404


def test_tasks_of_a_closed_case_are_not_edited(case, task, worker) -> None:
    with acting_as(worker):
        move_case(
            case=case,
            stage=Stage.objects.get(code=StageCode.CLOSED),
            moved_by=worker,
            version=case.version,
            reason="Safe",
        )
        with pytest.raises(CaseClosed):
            edit_task(
                task=task,
                version=task.version,
                edited_by=worker,
                edit=_edit(task, worker, title="Later"),
            )


def test_a_stale_edit_is_refused_instead_of_overwriting(task, worker, colleague) -> None:
    with acting_as(worker):
        edit_task(
            task=Task.objects.get(pk=task.pk),
            version=0,
            edited_by=worker,
            edit=_edit(task, worker, title="First"),
        )
    with acting_as(colleague):
        with pytest.raises(StaleRecord):
            edit_task(
                task=Task.objects.get(pk=task.pk),
                version=0,
                edited_by=colleague,
                edit=_edit(task, colleague, title="Second"),
            )
        stored = Task.objects.get(pk=task.pk)
        assert (stored.title, stored.owner, stored.version) == ("First", worker, 1)

    response = _client(colleague).post(
        reverse("cases:edit_task", args=[task.case_id, task.pk]),
        {"title": "Second", "owner": colleague.pk, "version": 0},
    )
    assert response.status_code == 400
    assert "Someone else changed this record" in response.content.decode()


def test_a_task_done_while_its_form_was_open_is_not_revived(task, worker) -> None:
    with acting_as(worker):
        read_at = task.version
        complete_task(task=Task.objects.get(pk=task.pk), completed_by=worker)
        with pytest.raises(StaleRecord):
            edit_task(
                task=task,
                version=read_at,
                edited_by=worker,  # the form's stale copy
                edit=_edit(task, worker, title="Changed"),
            )
    assert Task.objects.get(pk=task.pk).done_at is not None


def test_the_edit_page_saves_and_goes_back_to_my_work(task, worker, colleague) -> None:
    client = _client(worker)
    mine = client.get(reverse("cases:my_work")).content.decode()
    url = reverse("cases:edit_task", args=[task.case_id, task.pk])
    assert f'href="{url}?from=mine"' in mine
    assert (
        f'href="{url}"' in client.get(reverse("cases:detail", args=[task.case_id])).content.decode()
    )
    page = client.get(url + "?from=mine").content.decode()
    assert 'value="Call the lawyer"' in page

    response = client.post(
        url + "?from=mine",
        {
            "title": "Call the lawyer at ten",
            "owner": colleague.pk,
            "due_at": "2030-01-02T10:00",
            "is_urgent": "on",
            "version": 0,
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("cases:my_work")
    stored = Task.objects.get(pk=task.pk)
    assert stored.due_at is not None
    assert (stored.owner, stored.is_urgent, stored.due_at.year) == (colleague, True, 2030)
    assert (
        "Call the lawyer at ten"
        in _client(colleague).get(reverse("cases:my_work")).content.decode()
    )


@pytest.mark.parametrize(
    "data",
    [
        {"title": "", "owner": "", "version": "0"},
        {"title": "x", "owner": "not-a-number", "version": "0"},
        {"title": "x" * 301, "due_at": "tomorrow", "version": "-1"},
        {"title": "x", "version": "abc"},
    ],
)
def test_malformed_task_edits_get_a_message(task, worker, data) -> None:
    response = _client(worker).post(reverse("cases:edit_task", args=[task.case_id, task.pk]), data)

    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()
    assert Task.objects.get(pk=task.pk).version == 0


def test_reassigning_a_warning_task_lets_the_new_owner_read_it(case, worker, colleague) -> None:
    with acting_as(worker):
        envelope = vault.create_envelope(purpose=vault.Purpose.CASE, readers=[worker])
        warning = Task.objects.create(
            envelope=envelope,
            case=case,
            owner=worker,
            kind=TaskKind.EXPOSURE_WARNING,
            is_urgent=True,
            title="Warn them",
        )
        edit_task(
            task=warning,
            version=0,
            edited_by=worker,
            edit=TaskEdit(title="Warn them", owner=colleague, due_at=None, is_urgent=True),
        )
    with acting_as(colleague):
        assert Task.objects.get(pk=warning.pk).title == "Warn them"
