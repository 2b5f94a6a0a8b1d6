"""Shared strategies for the fuzz tests: text a hostile or clumsy visitor might send."""

from __future__ import annotations

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Function-scoped fixtures (client, db) are shared by the examples on purpose: each example
# is checked against the database state it found.
FUZZ = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# No surrogates: a browser cannot send them in UTF-8 either.
WEIRD_TEXT = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",)), max_size=80),  # type: ignore[arg-type]
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "' OR 1=1 --",
            "<script>alert(1)</script>",
            "%00",
            "../../etc/passwd",
            "9" * 400,
            "ж" * 3000,
            "\r\n\r\n",
            "{{ 7*7 }}",
        ]
    ),
)


def form_data(fields: list[str]) -> st.SearchStrategy[dict[str, str]]:
    """Any subset of the form's fields, plus stray ones, each with weird text."""
    keys = st.one_of(st.sampled_from(fields), st.text(min_size=1, max_size=12))
    return st.dictionaries(keys, WEIRD_TEXT, max_size=len(fields) + 2)
