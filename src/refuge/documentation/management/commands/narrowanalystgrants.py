"""`refuge narrowanalystgrants`: analysts keep victims' names (for linkage) and lose the rest.

Documentation records made before this narrowing were sealed to analysts too: events, acts,
perpetrators, sources (testimony) and evidence files. This drops those grants (each audited),
so that one coerced analyst password opens coded data and victims' names, never a testimony or
an evidence file. Run once after upgrading; running it again changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from refuge.documentation.services.sharing import revoke_analyst_grants


class Command(BaseCommand):
    help = "Drop analysts' grants on documentation records other than victims."

    def handle(self, *args: Any, **options: Any) -> None:
        revoked = revoke_analyst_grants()
        self.stdout.write(
            f"{revoked} analyst grant(s) on events, acts, perpetrators, sources "
            "and evidence files dropped; victims' names stay readable for "
            "linkage."
        )
