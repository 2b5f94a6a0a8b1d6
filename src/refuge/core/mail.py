"""Sending one mail through the organisation's SMTP server, with failures as codes.

Used by every outbox that sends mail (alarms to operators, messages to people who wrote by
e-mail). A mail server's error text can quote an address, so only a code is kept:
"refused" (the recipient was refused: retrying will not help), "timeout", "smtp_error",
"unreachable".
"""

from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.mail import EmailMessage, get_connection


class MailFailed(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code

    @property
    def final(self) -> bool:
        """True when the server refused the address: sending the same again cannot succeed."""
        return self.code == "refused"


def send_one(message: EmailMessage) -> None:
    """Send the message now (timeout REFUGE_ALARM_SEND_TIMEOUT); raise MailFailed(code)."""
    try:
        sent = get_connection(timeout=settings.ALARM_SEND_TIMEOUT).send_messages([message])
    except smtplib.SMTPRecipientsRefused as error:
        raise MailFailed("refused") from error
    except TimeoutError as error:
        raise MailFailed("timeout") from error
    except smtplib.SMTPServerDisconnected as error:
        # smtplib reports a reply that never came (the socket's timeout) as a disconnection.
        timed_out = isinstance(error.__context__, TimeoutError)
        raise MailFailed("timeout" if timed_out else "smtp_error") from error
    except smtplib.SMTPException as error:
        raise MailFailed("smtp_error") from error
    except OSError as error:
        raise MailFailed("unreachable") from error
    if sent != 1:
        raise MailFailed("smtp_error")
