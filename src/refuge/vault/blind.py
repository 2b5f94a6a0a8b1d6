"""Blind indexes: a keyed hash of a normalised value, to find repeats without storing it.

STAND-IN written by the hotline engineer until the vault engineer's `vault.blind_index`
lands; the hotline calls it only through `refuge.hotline.identifiers`.

The index key is derived from the data key of one installation-wide envelope
(Purpose.BLIND_INDEX), sealed to every operator holding a keypair when it is first made,
and to the recovery key. A seized database therefore holds only HMACs that nobody can
recompute without an operator's or the trustees' keys.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.db import transaction

from refuge.vault.envelopes import create_envelope
from refuge.vault.keyring import current_keyring
from refuge.vault.models import Envelope, OperatorKey, Purpose


def _index_envelope() -> Envelope:
    envelope = (Envelope.objects.filter(purpose=Purpose.BLIND_INDEX, shredded_at__isnull=True)
                .order_by("created_at").first())
    if envelope is not None:
        return envelope
    with transaction.atomic():
        readers: list[Any] = [key.operator for key in
                              OperatorKey.objects.select_related("operator")
                              .filter(operator__is_active=True)]
        return create_envelope(purpose=Purpose.BLIND_INDEX, readers=readers)


def blind_index(kind: str, value: str) -> str:
    """HMAC-SHA256 of an already normalised value, separated by kind; raises AccessDenied."""
    data_key = current_keyring().data_key(_index_envelope().pk)
    index_key = hashlib.blake2b(data_key, person=b"refuge-blind-idx", digest_size=32).digest()
    message = kind.encode() + b"\x00" + value.encode("utf-8")
    return hmac.new(index_key, message, hashlib.sha256).hexdigest()
