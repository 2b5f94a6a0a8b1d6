"""Messages to a person by e-mail, through the organisation's SMTP server (REFUGE_SMTP_*)."""

from __future__ import annotations

from django.core.mail import EmailMessage
from django.utils import translation
from django.utils.translation import gettext as _

from refuge.channels.config import reply_address
from refuge.channels.models import Outbound
from refuge.core import mail
from refuge.core.outbox import SendFailed


def _subject() -> str:
    parts = []
    for language in ("ru", "en"):
        with translation.override(language):
            parts.append(_("Message from the hotline"))
    return " / ".join(parts)


def send_email(address: str, text: str, outbound: Outbound) -> None:
    sender = reply_address()
    domain = sender.rpartition("@")[2] or "localhost"
    message = EmailMessage(
        subject=_subject(),
        body=text,
        from_email=sender,
        to=[address],
        headers={"Message-ID": f"<refuge-channel-{outbound.pk}@{domain}>"},
    )
    try:
        mail.send_one(message)
    except mail.MailFailed as failure:
        raise SendFailed(failure.code, final=failure.final) from failure
