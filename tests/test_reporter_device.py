"""Threat model, "searched phone of a reporter": public pages leave nothing on the device.

Generated from the URL conf like the access matrix: every route an anonymous visitor may open
(status 200 in the matrix) is fetched, in Russian and English. No response may be cached
(Cache-Control: no-store), set a cookie that outlives the browser (no Expires, no Max-Age),
let the browser remember what was typed (every form and input autocomplete="off"), or load
a script or anything from another origin.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from refuge.testing.access_matrix import ANONYMOUS, collect_expected, iter_routes

PUBLIC = sorted(
    route.name
    for route in iter_routes()
    if route.name
    and not route.converters
    and collect_expected().get(route.name) is not None
    and collect_expected()[route.name].statuses[ANONYMOUS] == 200
    and collect_expected()[route.name].method == "get"
)


@pytest.mark.parametrize("name", PUBLIC)
@pytest.mark.parametrize("language", ["ru", "en"])
def test_public_page_leaves_no_trace_on_the_device(name: str, language: str, db: Any) -> None:
    with translation.override(language):
        url = reverse(name)
    response = Client().get(url)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    for morsel in response.cookies.values():
        assert not morsel["expires"], f"{morsel.key} has an expiry date"
        assert not morsel["max-age"], f"{morsel.key} has a max-age"
    if response["Content-Type"].startswith("text/html"):
        page = response.content.decode()
        assert "<script" not in page
        # Anything the page itself loads (a link the reporter may click, such as the quick
        # exit, loads nothing until clicked).
        resource = (
            r"<(?:link|script|img|iframe|source|audio|video|object|embed)\b[^>]*"
            r'(?:src|href)="(?:https?:)?//'
        )
        assert not re.search(resource, page), "a third-party resource"
        for tag in re.findall(r"<(?:form|input|textarea)\b[^>]*>", page):
            if 'type="hidden"' in tag or 'type="submit"' in tag:
                continue
            assert 'autocomplete="off"' in tag, tag
