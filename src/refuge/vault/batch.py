"""Opening many envelopes at once, for list pages that show one sealed field per row.

Added by the hotline engineer (queue page speed): one query for the reader's grants of a
page of records instead of one per row. Uses only the keyring's own grant opening.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from refuge.vault import crypto
from refuge.vault.keyring import current_keyring
from refuge.vault.models import Grant, GrantKind


def unlock_envelopes(envelope_ids: Iterable[uuid.UUID]) -> int:
    """Open the current operator's grants for these envelopes; returns how many opened.

    Envelopes without a grant are left alone: reading their fields still yields
    `Unreadable` (and its audit) as usual.
    """
    keyring = current_keyring()
    if keyring.private_key is None or keyring.operator_id is None:
        return 0
    wanted = {envelope_id for envelope_id in envelope_ids if keyring.known_key(envelope_id) is None}
    if not wanted:
        return 0
    opened = 0
    grants = Grant.objects.filter(envelope_id__in=wanted, kind=GrantKind.OPERATOR,
                                  operator_id=keyring.operator_id).values_list(
        "envelope_id", "sealed_key")
    for envelope_id, sealed_key in grants:
        try:
            keyring.remember(envelope_id, crypto.open_sealed(keyring.private_key,
                                                             bytes(sealed_key)))
        except crypto.DecryptionError:
            continue  # a damaged grant: the per-field path reports it when the field is read
        opened += 1
    return opened
