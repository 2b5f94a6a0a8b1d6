from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation

from refuge.accounts.models import Operator
from refuge.accounts.roles import Role
from refuge.cases.services.opening import open_case_from_contact
from refuge.intake.models import ReporterKind, Urgency
from refuge.intake.services import submit_report
from refuge.testing import keyring_for, make_operator
from refuge.vault import api as vault


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    # The console's messages are asserted in English (URLs under /en/), whatever the catalogue.
    with translation.override("en"):
        yield


@pytest.fixture
def worker(db: Any) -> Any:
    return make_operator("worker", Role.CASE_WORKER, intake=True)


@pytest.fixture
def colleague(db: Any) -> Any:
    return make_operator("colleague", Role.CASE_WORKER)


@pytest.fixture
def outsider(db: Any) -> Any:
    return make_operator("outsider", Role.CASE_WORKER)


@pytest.fixture
def boss(db: Any) -> Any:
    return make_operator("boss", Role.COORDINATOR)


def report_contact(text: str = "They came to my brother's house asking for me.") -> Any:
    submission = submit_report(
        body=text, reporter_kind=ReporterKind.SELF, urgency=Urgency.IN_DANGER
    )
    return submission.thread.contact


@pytest.fixture
def contact(worker: Operator) -> Any:
    return report_contact()


@pytest.fixture
def case(worker: Operator, colleague: Operator, contact: Any) -> Any:
    with vault.activated(keyring_for(worker)):
        return open_case_from_contact(
            contact_id=contact.pk, opened_by=worker, pseudonym="Swallow", case_workers=[colleague]
        )


def acting_as(operator: Operator) -> Any:
    return vault.activated(keyring_for(operator))
