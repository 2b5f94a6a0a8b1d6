"""Test support: personas, keyrings, a real Chromium page and the access matrix.

A plain package, not a Django app: conftest.py and the tests import it; the application never
does (an import-linter contract in pyproject.toml says so).
"""

from refuge.testing.browser import BROWSER_TIMEOUT_MS, CHROMIUM, CHROMIUM_ARGS, chromium_page
from refuge.testing.personas import (
    TEST_PASSWORD,
    current_code,
    enrol_test_device,
    enrolment_secret,
    keyring_for,
    log_in,
    make_operator,
    set_duress_password,
    test_seed,
)

__all__ = [
    "BROWSER_TIMEOUT_MS",
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "TEST_PASSWORD",
    "chromium_page",
    "current_code",
    "enrol_test_device",
    "enrolment_secret",
    "keyring_for",
    "log_in",
    "make_operator",
    "set_duress_password",
    "test_seed",
]
