from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation

from refuge.ops import scheduling


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def extra_job() -> Iterator[Any]:
    """Register a job for one test; the registry is as it was afterwards."""
    added: list[str] = []

    def register(job: scheduling.Job) -> scheduling.Job:
        added.append(job.name)
        return scheduling.register(job)

    yield register
    for name in added:
        scheduling._jobs.pop(name, None)
