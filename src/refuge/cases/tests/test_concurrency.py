"""Two case workers saving the same case at the same moment: one wins, the other is told."""

from __future__ import annotations

import dataclasses
import os
import threading

import pytest
from django.db import connections

from refuge.cases.models import Case, Task
from refuge.cases.services.plan import risk_assessment_of, update_risk_assessment
from refuge.cases.services.tasks import TaskEdit, add_task, edit_task
from refuge.cases.tests.conftest import acting_as
from refuge.core.errors import ConflictError

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                       reason="needs PostgreSQL: SQLite's test database is one in-memory file"),
]


def test_simultaneous_edits_of_one_version_keep_exactly_one(case, worker, colleague) -> None:
    with acting_as(worker):
        base = risk_assessment_of(Case.objects.get(pk=case.pk))
    version = case.version
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def edit(operator, words: str) -> None:
        try:
            with acting_as(operator):
                loaded = Case.objects.select_related("stage").get(pk=case.pk)
                barrier.wait(timeout=10)
                update_risk_assessment(
                    case=loaded, version=version, updated_by=operator,
                    assessment=dataclasses.replace(base, code_words=words))
            outcomes[words] = "saved"
        except ConflictError:
            outcomes[words] = "conflict"
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            outcomes[words] = repr(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=edit, args=(worker, "blue kettle")),
               threading.Thread(target=edit, args=(colleague, "red door"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == ["conflict", "saved"]
    winner = next(words for words, outcome in outcomes.items() if outcome == "saved")
    with acting_as(worker):
        stored = Case.objects.get(pk=case.pk)
        assert stored.code_words == winner
    assert stored.version == version + 1


def test_simultaneous_edits_of_one_task_keep_exactly_one(case, worker, colleague) -> None:
    with acting_as(worker):
        task = add_task(case=case, title="Buy the tickets", owner=worker, due_at=None,
                        created_by=worker)
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def edit(operator, title: str) -> None:
        try:
            with acting_as(operator):
                loaded = Task.objects.select_related("case").get(pk=task.pk)
                barrier.wait(timeout=10)
                edit_task(task=loaded, version=0, edited_by=operator,
                          edit=TaskEdit(title=title, owner=operator, due_at=None,
                                        is_urgent=False))
            outcomes[title] = "saved"
        except ConflictError:
            outcomes[title] = "conflict"
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            outcomes[title] = repr(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=edit, args=(worker, "Buy the bus tickets")),
               threading.Thread(target=edit, args=(colleague, "Buy the train tickets"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == ["conflict", "saved"]
    winner = next(title for title, outcome in outcomes.items() if outcome == "saved")
    with acting_as(worker):
        stored = Task.objects.get(pk=task.pk)
        assert stored.title == winner
    assert stored.owner == (worker if "bus" in winner else colleague)
    assert stored.version == 1
