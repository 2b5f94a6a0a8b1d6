"""What the layers below accounts (core, audit, vault) need of an operator: its primary key.

`refuge.accounts.models.Operator` satisfies this protocol. Those layers may not import accounts
(import-linter keeps it so), so they name an operator by this type instead.
"""

from __future__ import annotations

from typing import Protocol


class OperatorLike(Protocol):
    """An operator as the vault and the audit log see it: something with a primary key."""

    @property
    def pk(self) -> int: ...
