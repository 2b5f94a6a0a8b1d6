"""Access expectations for the public intake pages (merged by tests/test_access_matrix.py).

Every page is public and answers everyone the same: a logged-in operator is just another
browser here. A POST always answers 303 to a GET page (an empty form is refused there).
"""

from __future__ import annotations

from typing import Any

from refuge.core.access_matrix import World, public

EXPECTED = {
    "intake:report": public(),
    # A receipt is shown once, from the browser's cookie key; any other reference shows the
    # same page without a receipt (nothing tells a visitor which references exist).
    "intake:receipt": public(),
    "intake:mailbox": public(),
    "intake:mailbox_open": public(303, method="post"),
    "intake:mailbox_write": public(303, method="post"),
    "intake:mailbox_leave": public(303, method="post"),
}


def url_kwargs(world: World) -> dict[str, Any]:
    return {"reference": "a" * 64}
