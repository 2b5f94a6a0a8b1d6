"""`refuge staffbot`: check the staff Telegram bot's token, or poll it once.

The worker polls the bot each minute by itself (oncall.tasks.poll_staff_bot); this command is
for setting it up: `refuge staffbot` asks Telegram who the bot is (getMe) and says whether the
token works; `refuge staffbot --poll` handles the updates waiting now (linking codes sent to
the bot) without a worker. It prints counts and codes only: never a chat id or a text.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from refuge.core.telegram import TelegramError
from refuge.oncall.services.staff_bot import poll_staff_bot, staff_bot


class Command(BaseCommand):
    help = "Check the staff Telegram bot's token (getMe), or --poll its updates once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--poll", action="store_true", help="handle the updates waiting now (linking codes)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        bot = staff_bot()
        if bot is None:
            raise CommandError("REFUGE_TELEGRAM_STAFF_TOKEN is not set: the staff bot is off.")
        if options["poll"]:
            run = poll_staff_bot()
            if run.error:
                raise CommandError(f"polling failed: {run.error}")
            self.stdout.write(f"linked {run.linked}, refused {run.refused}, skipped {run.skipped}")
            return
        try:
            me = bot.get_me()
        except TelegramError as error:
            hint = " (the token is wrong)" if error.code == "unauthorized" else ""
            raise CommandError(f"Telegram answered: {error.code}{hint}") from None
        self.stdout.write(f"the staff bot is @{me.get('username', '?')}: its token works")
