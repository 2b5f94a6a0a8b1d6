from __future__ import annotations

import pytest

from refuge.accounts.demo import seed as seed_operators
from refuge.documentation.choices import Confidence
from refuge.documentation.corroboration import corroborate
from refuge.documentation.demo import seed
from refuge.documentation.models import Act, Event

pytestmark = pytest.mark.django_db


def test_demo_seeds_fictional_events_of_2017_with_corroborated_acts() -> None:
    seed_operators()

    lines = seed()

    assert "4 fictional events" in lines[0]
    assert Event.objects.filter(start_date__year=2017).count() == 4
    confidences = {corroborate(act, act.sources.all()).confidence for act in Act.objects.all()}
    assert {Confidence.VERIFIED, Confidence.CORROBORATED, Confidence.SINGLE_SOURCE} <= confidences
    assert seed() == ["Documentation demo: events already present, nothing added."]
