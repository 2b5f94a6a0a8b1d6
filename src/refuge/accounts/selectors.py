"""Reading operators: who holds a capability, and so who may be sealed a key.

Every app that seals a record to "the people who do X" asks here, so the rule (active, in a
role that grants X, and holding a keypair when a key is to be sealed to them) is written once.
"""

from __future__ import annotations

from django.db.models import QuerySet

from refuge.accounts.models import Operator
from refuge.accounts.roles import Capability, roles_with


def operators_with(*capabilities: Capability, holding_key: bool = True) -> QuerySet[Operator]:
    """Active operators whose role grants any of `capabilities`.

    With `holding_key` (the default) only those with a keypair, the ones a key can be sealed
    to; without it, also those who have not logged in yet (to count or list them).
    """
    roles = sorted({role for capability in capabilities for role in roles_with(capability)})
    operators = Operator.objects.filter(is_active=True, role__in=roles)
    if holding_key:
        operators = operators.filter(vault_key__isnull=False)
    return operators.order_by("pk")
