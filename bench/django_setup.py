"""Start Django once for the benchmarks: a temporary data dir with an on-disk SQLite file."""

from __future__ import annotations

import os
import tempfile


def setup_django(settings_module: str = "refuge.config.settings.prod") -> None:
    """Configure and migrate a throwaway installation (idempotent across groups)."""
    import django
    from django.apps import apps

    if apps.ready:
        return
    os.environ.pop("DATABASE_URL", None)  # never benchmark against a real database
    os.environ["REFUGE_DATA_DIR"] = tempfile.mkdtemp(prefix="refuge-bench-")
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module  # production parameters, always
    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # prod uses a manifest
