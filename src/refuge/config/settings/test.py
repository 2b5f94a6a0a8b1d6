"""Tests: same rules as production, cheaper key derivation (refused by prod.py)."""

import os
import tempfile

os.environ.setdefault("REFUGE_DATA_DIR", tempfile.mkdtemp(prefix="refuge-test-"))

from refuge.config.settings.base import *  # noqa: F403

VAULT_KDF_MEMORY_KIB = 8_192
VAULT_KDF_ITERATIONS = 1
VAULT_ALLOW_WEAK_KDF = True
VAULT_BLIND_INDEX_MEMORY_KIB = 256
VAULT_BLIND_INDEX_ITERATIONS = 1
PASSWORD_HASHERS = ["refuge.accounts.hashers.FastTestArgon2PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True

# Each xdist worker has a queue of its own in the shared data directory: a test that drains
# the queue must never take (and run) a task another worker's test enqueued.
if os.environ.get("PYTEST_XDIST_WORKER"):
    HUEY = {**HUEY, "name": f"{HUEY['name']}-{os.environ['PYTEST_XDIST_WORKER']}"}  # noqa: F405
