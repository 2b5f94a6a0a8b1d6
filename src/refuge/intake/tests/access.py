"""Access expectations for the public intake pages (merged by tests/test_access_matrix.py).

Every page is public and answers everyone the same: a logged-in operator is just another
browser here. A POST always answers 303 to a GET page (an empty form is refused there).
"""

from __future__ import annotations

from refuge.testing.access_matrix import public

EXPECTED = {
    # The receipt is shown here too, after the report's 303, from the browser's cookie key.
    "intake:report": public(),
    "intake:mailbox": public(),
    "intake:mailbox_open": public(303, method="post"),
    "intake:mailbox_write": public(303, method="post"),
    "intake:mailbox_leave": public(303, method="post"),
    "intake:mailbox_erase": public(303, method="post"),
    # The red bar: ends the mailbox and leaves for REFUGE_INTAKE_QUICK_EXIT_URL.
    "intake:quick_exit": public(302),
}
