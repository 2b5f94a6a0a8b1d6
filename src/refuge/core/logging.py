"""A last line of defence for logs: we only ever log ids and codes.

Two layers. Every log record, whatever logger or handler it goes to (our console handler,
gunicorn's, a test's caplog), is made by `scrubbing_record_factory`: an exception attached to
it (`exc_info`, as `logger.exception` and Django's request logger attach one) keeps its type
and its traceback's file, line and function names, never its message, which may quote what
someone typed, a file name or a decrypted value; an exception passed as a %-argument is reduced
to its type the same way. Then `ScrubFilter`, on our handlers, drops request objects and the
arguments Django's own loggers add (URLs, query strings).
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

WITHHELD = "(message withheld)"
_original_factory: Callable[..., logging.LogRecord] | None = None


def _exception_name(error: BaseException) -> str:
    kind = type(error)
    module = "" if kind.__module__ == "builtins" else f"{kind.__module__}."
    return f"{module}{kind.__qualname__} {WITHHELD}"


def scrubbed_traceback(error: BaseException, _seen: set[int] | None = None) -> str:
    """The traceback Python would print, with every exception's message left out."""
    seen = _seen if _seen is not None else set()
    seen.add(id(error))
    parts: list[str] = []
    cause = error.__cause__
    context = None if error.__suppress_context__ else error.__context__
    if cause is not None and id(cause) not in seen:
        parts += [
            scrubbed_traceback(cause, seen),
            "\nThe above exception was the direct cause of the following exception:\n\n",
        ]
    elif context is not None and id(context) not in seen:
        parts += [
            scrubbed_traceback(context, seen),
            "\nDuring handling of the above exception, another exception occurred:\n\n",
        ]
    parts.append("Traceback (most recent call last):\n")
    parts += traceback.format_list(traceback.extract_tb(error.__traceback__))
    parts.append(_exception_name(error))
    return "".join(parts)


def scrub_record(record: logging.LogRecord) -> logging.LogRecord:
    """Take exception messages out of a record: its exc_info and any exception argument."""
    if record.exc_info and record.exc_info[1] is not None:
        record.exc_text = scrubbed_traceback(record.exc_info[1])
        record.exc_info = None
    if isinstance(record.args, tuple):
        record.args = tuple(
            _exception_name(argument) if isinstance(argument, BaseException) else argument
            for argument in record.args
        )
    if isinstance(record.msg, BaseException):
        record.msg = _exception_name(record.msg)
    return record


def scrubbing_record_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
    factory = _original_factory or logging.LogRecord
    return scrub_record(factory(*args, **kwargs))


def install_record_factory() -> None:
    """Make every log record of this process through `scrubbing_record_factory` (once)."""
    global _original_factory  # noqa: PLW0603 - the logging module's factory is process-wide
    current = logging.getLogRecordFactory()
    if current is scrubbing_record_factory:
        return
    _original_factory = current
    logging.setLogRecordFactory(scrubbing_record_factory)


class ScrubFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        # django.request and django.security attach the request; its repr holds the URL and
        # may hold query strings. Keep the status line only.
        if hasattr(record, "request"):
            record.request = None
        if record.name.startswith("django."):
            record.args = ()
            record.msg = str(record.msg).split(":", 1)[0]
        scrub_record(record)  # a record made before the factory was installed
        return True
