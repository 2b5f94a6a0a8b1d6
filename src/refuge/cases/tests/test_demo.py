from __future__ import annotations

import pytest

from refuge.accounts.demo import seed as seed_operators
from refuge.cases.demo import seed
from refuge.cases.models import Case, StageCode
from refuge.cases.selectors import missed_checkins_for


@pytest.mark.django_db
def test_the_demo_seeds_cases_at_different_stages() -> None:
    seed_operators()
    lines = seed()

    assert set(Case.objects.values_list("stage__code", flat=True)) == {
        StageCode.VERIFICATION,
        StageCode.IN_HIDING,
        StageCode.IN_SAFETY,
    }
    from refuge.accounts.models import Operator

    assert len(missed_checkins_for(Operator.objects.get(username="caseworker"))) == 1
    assert seed() == ["cases: demo cases exist already"]
    assert lines
