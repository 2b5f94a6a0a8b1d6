"""Two case workers saving the same case at the same moment: one wins, the other is told."""

from __future__ import annotations

import dataclasses
import os
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connections

from refuge.accounts.models import Operator
from refuge.cases.models import Case, Task
from refuge.cases.services.plan import risk_assessment_of, update_risk_assessment
from refuge.cases.services.tasks import TaskEdit, add_task, edit_task
from refuge.cases.tests.conftest import acting_as
from refuge.core.errors import ConflictError

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="needs PostgreSQL: SQLite's test database is one in-memory file",
    ),
]


# Who edits, how they load what they edit, and how they write it.
Attempt = tuple[Any, Callable[[], Any], Callable[[Any], object]]


def _race(attempts: dict[str, Attempt]) -> dict[str, str]:
    """Run each attempt in its own thread as its operator: every one loads what it edits, then
    all write at once (a barrier between). Says, per label, "saved", "conflict" or the error."""
    barrier = threading.Barrier(len(attempts))
    outcomes: dict[str, str] = {}

    def run(
        label: str, operator: Operator, load: Callable[[], Any], write: Callable[[Any], object]
    ) -> None:
        try:
            with acting_as(operator):
                loaded = load()
                barrier.wait(timeout=120)
                write(loaded)
            outcomes[label] = "saved"
        except ConflictError:
            outcomes[label] = "conflict"
        except Exception as error:  # noqa: BLE001 - reported by the caller's assertion
            outcomes[label] = repr(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(label, *attempt)) for label, attempt in attempts.items()
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return outcomes


def test_simultaneous_edits_of_one_version_keep_exactly_one(case, worker, colleague) -> None:
    with acting_as(worker):
        base = risk_assessment_of(Case.objects.get(pk=case.pk))
    version = case.version

    def attempt(operator: Operator, words: str) -> Attempt:
        return (
            operator,
            lambda: Case.objects.select_related("stage").get(pk=case.pk),
            lambda loaded: update_risk_assessment(
                case=loaded,
                version=version,
                updated_by=operator,
                assessment=dataclasses.replace(base, code_words=words),
            ),
        )

    outcomes = _race(
        {"blue kettle": attempt(worker, "blue kettle"), "red door": attempt(colleague, "red door")}
    )

    assert sorted(outcomes.values()) == ["conflict", "saved"]
    winner = next(words for words, outcome in outcomes.items() if outcome == "saved")
    with acting_as(worker):
        stored = Case.objects.get(pk=case.pk)
        assert stored.code_words == winner
    assert stored.version == version + 1


def test_simultaneous_edits_of_one_task_keep_exactly_one(case, worker, colleague) -> None:
    with acting_as(worker):
        task = add_task(
            case=case, title="Buy the tickets", owner=worker, due_at=None, created_by=worker
        )

    def attempt(operator: Operator, title: str) -> Attempt:
        return (
            operator,
            lambda: Task.objects.select_related("case").get(pk=task.pk),
            lambda loaded: edit_task(
                task=loaded,
                version=0,
                edited_by=operator,
                edit=TaskEdit(title=title, owner=operator, due_at=None, is_urgent=False),
            ),
        )

    outcomes = _race(
        {
            "Buy the bus tickets": attempt(worker, "Buy the bus tickets"),
            "Buy the train tickets": attempt(colleague, "Buy the train tickets"),
        }
    )

    assert sorted(outcomes.values()) == ["conflict", "saved"]
    winner = next(title for title, outcome in outcomes.items() if outcome == "saved")
    with acting_as(worker):
        stored = Task.objects.get(pk=task.pk)
        assert stored.title == winner
    assert stored.owner == (worker if "bus" in winner else colleague)
    assert stored.version == 1
