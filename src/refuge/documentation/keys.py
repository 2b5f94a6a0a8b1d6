"""Keyed indexes for deduplication without storing the value.

The key is derived from SECRET_KEY under a label of its own. Decision: a copy of the database
alone cannot test whether we hold a known photo or know a named source, because the index is
keyed; someone holding both the database and the secret key could still test guesses. Keep
REFUGE_SECRET_KEY out of database backups. (An index key in a vault envelope, as the
architecture sketches for blind indexes, would also close that gap; it needs a vault API for
keyed hashing that does not exist yet.)
"""

from __future__ import annotations

import unicodedata

from refuge.vault import api as vault


def keyed_digest(label: str, value: str) -> str:
    return vault.keyed_digest(f"documentation-{label}", value)


def normalise_name(value: str) -> str:
    """Case, accents, punctuation and spacing do not make two sources independent."""
    # Yo and ye are written interchangeably in Russian names.
    text = unicodedata.normalize("NFKC", value).casefold().replace("\u0451", "\u0435")
    kept = "".join(character if character.isalnum() else " " for character in text)
    return " ".join(kept.split())


def origin_key(name: str) -> str:
    return keyed_digest("source-origin", normalise_name(name))


def evidence_digest_key(sha256_hex: str) -> str:
    return keyed_digest("evidence", sha256_hex.lower())
