"""Data migrations run forward on a database holding the old shape (both databases).

Each check runs in a child process on a fresh database: moving migrations back and forth
inside the test database would disturb the other tests sharing it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from .fresh_database import fresh_database_url

# Run in the child: documentation moved back to before the case links, a source with a typed
# case number of a case that exists, one of a case that does not, one with none; then forward.
CASE_NUMBERS_BECOME_LINKS = """
import json
from datetime import date

import django
django.setup()
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from refuge.accounts.models import Operator
from refuge.cases.models import Case, Stage
from refuge.vault.models import Envelope

call_command("migrate", verbosity=0)
call_command("migrate", "documentation", "0002", verbosity=0)
old = MigrationExecutor(connection).loader.project_state(
    [("documentation", "0002_load_gazetteer")]).apps
operator = Operator.objects.create(username="m", role="lawyer")
case = Case.objects.create(envelope=Envelope.objects.create(purpose="case"),
                           stage=Stage.objects.get(code="new"), lead=operator,
                           opened_by=operator)
for reference, case_ref in (("S-1", case.pk), ("S-2", case.pk + 1000), ("S-3", None)):
    old.get_model("documentation", "Source").objects.create(
        reference=reference, envelope_id=Envelope.objects.create(purpose="document").pk,
        kind="testimony", origin_key=reference, received_on=date(2017, 4, 1),
        case_ref=case_ref, created_by_id=operator.pk)
call_command("migrate", verbosity=0)
from refuge.documentation.models import Source
print(json.dumps({"case": case.pk, "links": dict(
    Source.objects.values_list("reference", "case_id"))}))
"""


@pytest.mark.database  # its child processes use the suite's database
def test_typed_case_numbers_become_links_to_cases_that_exist(tmp_path: Path) -> None:
    database_url, drop = fresh_database_url()
    environment = {
        **os.environ,
        "REFUGE_DATA_DIR": str(tmp_path),
        "DATABASE_URL": database_url,
        "REFUGE_SECRET_KEY": settings.SECRET_KEY,
        "DJANGO_SETTINGS_MODULE": "refuge.config.settings.test",
    }
    try:
        child = subprocess.run(
            [sys.executable, "-c", CASE_NUMBERS_BECOME_LINKS],
            env=environment,
            capture_output=True,
            text=True,
            timeout=1200,
            check=False,
        )
    finally:
        drop()
    assert child.returncode == 0, child.stderr[-3000:]
    result = json.loads(child.stdout.strip().splitlines()[-1])
    assert result["links"] == {"S-1": result["case"], "S-2": None, "S-3": None}
