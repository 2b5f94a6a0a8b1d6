"""`refuge demo` sets up an installation and seeds every app's demo data, once."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from refuge.accounts.models import Operator
from refuge.accounts.roles import Role
from refuge.documentation.models import Source, Victim


@pytest.mark.django_db
def test_demo_creates_one_operator_per_role_and_prints_demo_credentials(settings, tmp_path) -> None:
    settings.DATA_DIR = tmp_path
    settings.STATIC_ROOT = tmp_path / "static"
    out = io.StringIO()

    call_command("demo", stdout=out)

    printed = out.getvalue()
    assert "DEMO ONLY" in printed
    assert printed.count("RFG1-") == 5  # the recovery shares, 3 of 5
    assert {operator.role for operator in Operator.objects.all()} == set(Role)
    # The apps' demos meet: a testimony documented from a case, given by its person.
    linked = Source.objects.exclude(given_by=None).get()
    assert linked.given_by is not None
    assert linked.case == linked.given_by.case
    assert Victim.objects.filter(case_person=linked.given_by).count() == 1
    assert "linked to case C-" in printed

    again = io.StringIO()
    call_command("demo", stdout=again)
    assert "not adding them again" in again.getvalue()
    assert Operator.objects.count() == len(Role) + 1  # a second coordinator: two unlock
