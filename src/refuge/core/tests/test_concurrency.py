"""Optimistic locking (refuge.core.concurrency) on whichever database the suite runs on."""

from __future__ import annotations

import os
import threading

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from refuge.accounts.models import Operator
from refuge.accounts.roles import Role
from refuge.core.concurrency import StaleRecord, save_with_version, update_bumping_version
from refuge.core.errors import ConflictError
from refuge.testing import log_in, make_operator


def test_second_save_from_the_same_version_is_refused(hotline_operator) -> None:
    first = Operator.objects.get(pk=hotline_operator.pk)
    second = Operator.objects.get(pk=hotline_operator.pk)

    first.role = Role.CASE_WORKER
    save_with_version(first, ["role"], expected_version=0)
    second.role = Role.ANALYST
    with pytest.raises(ConflictError):
        save_with_version(second, ["role"], expected_version=0)

    stored = Operator.objects.get(pk=hotline_operator.pk)
    assert stored.role == Role.CASE_WORKER
    assert stored.version == 1


def test_a_refused_save_writes_nothing_in_its_transaction(hotline_operator) -> None:
    Operator.objects.filter(pk=hotline_operator.pk).update(version=5)

    hotline_operator.is_on_intake_duty = False
    with pytest.raises(StaleRecord), transaction.atomic():
        save_with_version(hotline_operator, ["is_on_intake_duty"], expected_version=4)

    assert Operator.objects.get(pk=hotline_operator.pk).is_on_intake_duty


def test_a_conditional_update_moves_the_version_on_so_an_older_form_is_refused(
    hotline_operator,
) -> None:
    rows = Operator.objects.filter(pk=hotline_operator.pk, is_on_intake_duty=True)
    assert update_bumping_version(rows, is_on_intake_duty=False) == 1
    assert update_bumping_version(rows, is_on_intake_duty=False) == 0  # condition no longer holds

    stored = Operator.objects.get(pk=hotline_operator.pk)
    assert (stored.is_on_intake_duty, stored.version) == (False, 1)
    stored.role = Role.ANALYST
    with pytest.raises(StaleRecord):
        save_with_version(stored, ["role"], expected_version=0)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="needs PostgreSQL: SQLite's test database is one shared in-memory file whose table "
    "locks fail a second writer at once ('database table is locked'); the file-backed "
    "SQLite of a real installation is tested by tests/test_durability.py",
)
def test_two_threads_saving_at_once_one_wins_one_conflicts() -> None:
    target = make_operator("shared", Role.OPERATOR)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def edit(role: Role) -> None:
        try:
            copy = Operator.objects.get(pk=target.pk)
            barrier.wait(timeout=120)
            copy.role = role
            with transaction.atomic():
                save_with_version(copy, ["role"], expected_version=0)
            outcomes.append("saved")
        except ConflictError:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=edit, args=(role,)) for role in (Role.CASE_WORKER, Role.ANALYST)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    assert sorted(outcomes) == ["conflict", "saved"]
    assert Operator.objects.get(pk=target.pk).version == 1


def test_coordinators_editing_one_operator_at_once_see_a_conflict(
    coordinator, hotline_operator
) -> None:
    edit_url = reverse("accounts:operator_edit", args=[hotline_operator.pk])
    alice = Client()
    log_in(alice, coordinator)
    form = {"version": 0, "role": Role.CASE_WORKER, "is_active": "on", "on_intake_duty": "on"}

    first = alice.post(edit_url, form)
    second = alice.post(edit_url, {**form, "role": Role.ANALYST})  # a tab opened at version 0

    assert first.status_code == 302
    assert second.status_code == 302
    assert second["Location"] == edit_url
    assert Operator.objects.get(pk=hotline_operator.pk).role == Role.CASE_WORKER
    assert '<li class="error">' in alice.get(edit_url).content.decode()
