"""A last line of defence for logs: we only ever log ids and codes, and this filter drops
request objects and arguments that third-party code may attach to a record."""

from __future__ import annotations

import logging


class ScrubFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        # django.request and django.security attach the request; its repr holds the URL and
        # may hold query strings. Keep the status line only.
        if hasattr(record, "request"):
            record.request = None
        if record.name.startswith("django."):
            record.args = ()
            record.msg = str(record.msg).split(":", 1)[0]
        record.exc_text = None
        return True
