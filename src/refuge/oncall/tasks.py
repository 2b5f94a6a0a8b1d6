"""Background work of on call (run by `refuge worker`)."""

from __future__ import annotations


def request_delivery(delivery_ids: list[int]) -> None:
    """Ask the worker to send these deliveries now (after the transaction that made them)."""
