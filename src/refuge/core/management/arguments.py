"""Argument types shared by the `refuge` commands."""

from __future__ import annotations

import argparse


def plain_text(value: str) -> str:
    """Text that a database can hold: PostgreSQL refuses a NUL byte in any text field (and
    would answer a lookup with an error), so the command refuses it first, with a message."""
    if "\x00" in value:
        raise argparse.ArgumentTypeError("must not contain a NUL byte")
    return value
