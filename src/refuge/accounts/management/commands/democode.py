from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from refuge.accounts.demo import DEMO_OPERATORS, demo_totp_secret


class Command(BaseCommand):
    help = "DEMO ONLY: print the current TOTP code of a demo operator."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", choices=[name for name, _, _ in DEMO_OPERATORS])

    def handle(self, *args: Any, **options: Any) -> None:
        device = TOTPDevice.objects.filter(
            user__username=options["username"], name="demo"
        ).first()
        if device is None or bytes.fromhex(device.key) != demo_totp_secret(options["username"]):
            raise CommandError("No demo account of that name here.", returncode=2)
        self.stdout.write(f"{totp(device.bin_key):06d}")
