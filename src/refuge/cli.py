"""The `refuge` command: `refuge serve` runs gunicorn; everything else is a Django command."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    arguments = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "refuge.config.settings.prod")
    from django.core.management import execute_from_command_line

    if len(arguments) == 1:
        arguments.append("help")
    execute_from_command_line(arguments)


if __name__ == "__main__":
    main()
