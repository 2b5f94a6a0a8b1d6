"""Normalising and blind-indexing names, numbers and handles.

`blind_index` is the vault's (`vault.blind_index(kind, value)`, added in parallel by the vault
engineer). Until it is merged, `_stand_in_blind_index` computes the same HMAC the hotline's
stand-in does, from the data key of the installation's BLIND_INDEX envelope.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable
from typing import Any

import phonenumbers
from django.db import transaction

from refuge.cases.errors import IndexKeyUnavailable
from refuge.cases.models import IdentifierKind
from refuge.vault import api as vault


def normalise(kind: str, value: str) -> str:
    """One spelling per identifier, so that the same number or name gives the same index."""
    text = " ".join(value.split())
    if kind == IdentifierKind.PHONE:
        try:
            number = phonenumbers.parse(text, "RU")
        except phonenumbers.NumberParseException:
            return re.sub(r"\D", "", text)
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if kind == IdentifierKind.HANDLE:
        return text.lstrip("@").casefold()
    return text.casefold().replace("\u0451", "\u0435")  # "yo" is often written as "ye"


def _stand_in_blind_index(kind: str, value: str) -> str:
    # TODO(issue 6 merge): delete once vault.blind_index exists; it is used automatically.
    from refuge.vault.keyring import current_keyring
    from refuge.vault.models import Envelope, OperatorKey

    envelope = (Envelope.objects.filter(purpose=vault.Purpose.BLIND_INDEX,
                                        shredded_at__isnull=True).order_by("created_at").first())
    if envelope is None:
        with transaction.atomic():
            readers: list[Any] = [key.operator for key in OperatorKey.objects.select_related(
                "operator").filter(operator__is_active=True)]
            envelope = vault.create_envelope(purpose=vault.Purpose.BLIND_INDEX, readers=readers)
    data_key = current_keyring().data_key(envelope.pk)
    index_key = hashlib.blake2b(data_key, person=b"refuge-blind-idx", digest_size=32).digest()
    message = kind.encode() + b"\x00" + value.encode("utf-8")
    return hmac.new(index_key, message, hashlib.sha256).hexdigest()


def blind_index(kind: str, value: str) -> str:
    """The keyed index of a normalised identifier; IndexKeyUnavailable without the index key."""
    indexer: Callable[[str, str], str] = getattr(vault, "blind_index", _stand_in_blind_index)
    try:
        return indexer(kind, normalise(kind, value))
    except vault.VaultError as error:
        # Refuse loudly: a silently unindexed number would never raise an exposure warning.
        raise IndexKeyUnavailable from error
