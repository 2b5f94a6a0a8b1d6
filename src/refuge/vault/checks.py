"""`refuge check --database default`: warn while blind indexes are still made the old way."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Tags, Warning, register
from django.db import connection

from refuge.vault.blind import MINIMUM_INDEX_COST, MINIMUM_INDEX_MEMORY_KIB


@register(Tags.database, Tags.security)
def blind_index_scheme(databases: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """The index key in use is one HMAC per index, or cheaper than the minimum Argon2id cost."""
    if not databases:
        return []
    from refuge.vault.models import BlindIndexKey, IndexScheme

    if BlindIndexKey._meta.db_table not in connection.introspection.table_names():
        return []  # a database not migrated yet: `migrate` runs this check before migrating
    key = BlindIndexKey.objects.filter(name="default").first()
    if key is None:
        return []
    cheap = (
        key.memory_kib < MINIMUM_INDEX_MEMORY_KIB
        or key.memory_kib * key.iterations < MINIMUM_INDEX_COST
    )
    if key.scheme == IndexScheme.HMAC_SHA256 or cheap:
        return [
            Warning(
                "Phone and name blind indexes are made with a cheap hash "
                f"({key.scheme}, {key.memory_kib} KiB, t={key.iterations}): one coerced password "
                "plus the database recovers every indexed number in hours.",
                hint="Run `refuge reindex` with k recovery shares (docs/vault.md, Blind indexes).",
                id="refuge.vault.W001",
            )
        ]
    return []
