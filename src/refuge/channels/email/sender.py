"""Messages to a person by e-mail, through the organisation's SMTP server (REFUGE_SMTP_*)."""

from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils import translation
from django.utils.translation import gettext as _

from refuge.channels.models import Outbound
from refuge.channels.services.outbound import SendFailed


def _subject() -> str:
    parts = []
    for language in ("ru", "en"):
        with translation.override(language):
            parts.append(_("Message from the hotline"))
    return " / ".join(parts)


def send_email(address: str, text: str, outbound: Outbound) -> None:
    sender = settings.CHANNEL_EMAIL_ADDRESS or settings.DEFAULT_FROM_EMAIL
    domain = sender.rpartition("@")[2] or "localhost"
    message = EmailMessage(
        subject=_subject(),
        body=text,
        from_email=sender,
        to=[address],
        headers={"Message-ID": f"<refuge-channel-{outbound.pk}@{domain}>"},
    )
    try:
        sent = get_connection(timeout=settings.ALARM_SEND_TIMEOUT).send_messages([message])
    except smtplib.SMTPRecipientsRefused as error:
        raise SendFailed("refused") from error
    except TimeoutError as error:
        raise SendFailed("timeout") from error
    except smtplib.SMTPException as error:
        raise SendFailed("smtp_error") from error
    except OSError as error:
        raise SendFailed("unreachable") from error
    if sent != 1:
        raise SendFailed("smtp_error")
