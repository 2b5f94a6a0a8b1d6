"""Exception messages never reach logs, whichever logger or handler.

A canary travels in exception messages (what a failing parse or a decrypted value would put
there); the tests read what the handlers wrote, with caplog and with the configured console
handler itself, and find the exception's type and traceback but never the canary.
"""

from __future__ import annotations

import io
import logging

import pytest
from django.test import Client

from tests.failing_urls import CANARY

logger = logging.getLogger("refuge.tests.scrubbing")


def _fail_with(message: str) -> None:
    raise ValueError(message)


def test_logger_exception_keeps_the_traceback_but_not_the_message(caplog) -> None:
    caplog.set_level(logging.INFO)
    try:
        _fail_with(f"phone {CANARY}")
    except ValueError:
        logger.exception("storing a contact failed")

    assert CANARY not in caplog.text
    assert "storing a contact failed" in caplog.text
    assert "ValueError (message withheld)" in caplog.text
    assert "in _fail_with" in caplog.text  # where it happened is still there
    assert caplog.records[0].exc_info is None


def test_chained_exceptions_lose_every_message(caplog) -> None:
    caplog.set_level(logging.INFO)
    try:
        try:
            _fail_with(f"inner {CANARY}")
        except ValueError as error:
            raise KeyError(f"outer {CANARY}") from error
    except KeyError:
        logger.error("lookup failed", exc_info=True)

    assert CANARY not in caplog.text
    assert "ValueError (message withheld)" in caplog.text
    assert "KeyError (message withheld)" in caplog.text
    assert "direct cause" in caplog.text


def test_an_exception_passed_as_an_argument_is_reduced_to_its_type(caplog) -> None:
    caplog.set_level(logging.INFO)
    logger.warning("parser said %s", ValueError(CANARY))
    logger.warning(ValueError(CANARY))

    assert CANARY not in caplog.text
    assert caplog.text.count("ValueError (message withheld)") == 2


@pytest.mark.django_db
def test_a_500_leaves_no_message_in_the_request_log(settings, caplog) -> None:
    settings.ROOT_URLCONF = "tests.failing_urls"
    request_logger = logging.getLogger("django.request")
    console = next(
        handler for handler in request_logger.handlers if isinstance(handler, logging.StreamHandler)
    )
    written = io.StringIO()
    previous = console.setStream(written)
    request_logger.addHandler(caplog.handler)
    try:
        response = Client(raise_request_exception=False).get(f"/fail/?phone={CANARY}")
    finally:
        request_logger.removeHandler(caplog.handler)
        console.setStream(previous)

    assert response.status_code == 500
    assert CANARY not in response.content.decode()
    for text in (written.getvalue(), caplog.text):
        assert "RuntimeError (message withheld)" in text
        assert CANARY not in text
        assert "79281234567" not in text
