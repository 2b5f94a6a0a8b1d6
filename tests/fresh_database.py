"""An empty database beside the test's, for an installation a child process runs."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.conf import settings


def fresh_database_url(prefix: str = "refuge_restore") -> tuple[str, Callable[[], None]]:
    """An empty database's URL ("" on SQLite: the data directory holds it), and its drop."""
    url = settings.DATABASE_URL
    if not url:
        return "", lambda: None
    import psycopg

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return url.rsplit("/", 1)[0] + "/" + name, drop
