from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from refuge.accounts import totp
from refuge.accounts.demo import DEMO_OPERATORS, demo_totp_secret
from refuge.accounts.models import Operator


class Command(BaseCommand):
    help = "DEMO ONLY: print the current TOTP code of a demo operator."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", choices=[name for name, _, _ in DEMO_OPERATORS])

    def handle(self, *args: Any, **options: Any) -> None:
        # Seeds are sealed to each operator's key: the code comes from the demo's public,
        # fixed secret, and only for an account the demo made (never a real one).
        username = options["username"]
        if not Operator.objects.filter(username=username, created_for_demo=True).exists():
            raise CommandError("No demo account of that name here.", returncode=2)
        self.stdout.write(totp.current_code(demo_totp_secret(username)))
