from __future__ import annotations

import getpass
import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import IntegrityError

from refuge.accounts.errors import PasswordRejected
from refuge.accounts.passwords import check_password_rules
from refuge.accounts.roles import Role
from refuge.accounts.services import create_operator, generate_initial_password

# The same rule as the console's form (accounts.forms.CreateOperatorForm).
USERNAME = re.compile(r"[A-Za-z0-9_.-]{1,64}")


class Command(BaseCommand):
    help = "Create an operator account (the second factor is enrolled at first login)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", choices=[role.value for role in Role], required=True)
        parser.add_argument("--intake", action="store_true", help="on intake duty")
        parser.add_argument(
            "--ask-password",
            action="store_true",
            help="type the password instead of generating one",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not USERNAME.fullmatch(options["username"]):
            raise CommandError(
                "A username is 1 to 64 letters, digits, '.', '_' or '-'.", returncode=2
            )
        password = (
            getpass.getpass("Password: ")
            if options["ask_password"]
            else generate_initial_password()
        )
        try:
            check_password_rules(password)
        except PasswordRejected as error:
            raise CommandError(f"Password refused: {error}", returncode=2) from error
        try:
            # A generated password is seen by whoever runs the command: it is one-time.
            create_operator(
                created_by=None,
                username=options["username"],
                role=Role(options["role"]),
                password=password,
                on_intake_duty=options["intake"],
                is_one_time=not options["ask_password"],
            )
        except IntegrityError as error:
            raise CommandError("This username is taken.", returncode=2) from error
        self.stdout.write(f"Created {options['username']} ({options['role']}).")
        if not options["ask_password"]:
            self.stdout.write(
                f"Initial password (shown once, to be changed at first login): {password}"
            )
