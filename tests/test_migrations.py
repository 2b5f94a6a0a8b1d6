"""Data migrations run forward on a database holding the old shape (both databases)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from refuge.accounts.models import Operator
from refuge.cases.models import Case, Stage
from refuge.vault.models import Envelope

BEFORE = [("documentation", "0002_load_gazetteer")]
AFTER = [("documentation", "0004_drop_case_numbers")]


def _migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_typed_case_numbers_become_links_to_cases_that_exist() -> None:
    old = _migrate(BEFORE)
    # Only documentation moved back: the other apps' tables are as today.
    operator = Operator.objects.create(username="m", role="lawyer")
    stage = Stage.objects.get(code="new")
    case = Case.objects.create(envelope=Envelope.objects.create(purpose="case"), stage=stage,
                               lead=operator, opened_by=operator)
    source_model = old.get_model("documentation", "Source")
    envelope_model = old.get_model("vault", "Envelope")
    for reference, case_ref in (("S-1", case.pk), ("S-2", case.pk + 1000), ("S-3", None)):
        source_model.objects.create(
            reference=reference, envelope=envelope_model.objects.create(purpose="document"),
            kind="testimony", origin_key=reference, received_on=date(2017, 4, 1),
            case_ref=case_ref, created_by_id=operator.pk)

    new = _migrate(AFTER)
    linked = dict(new.get_model("documentation", "Source").objects.values_list(
        "reference", "case_id"))
    assert linked == {"S-1": case.pk, "S-2": None, "S-3": None}
