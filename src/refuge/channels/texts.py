"""What the channels say to a person, in Russian then English (we do not know their language).

Nothing here repeats what the person wrote: a searched phone or a mail provider must not get
their words back from us.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from refuge.hotline.models import Channel

LANGUAGES = ("ru", "en")


def _in_both(make: Callable[[], str]) -> str:
    parts = []
    for language in LANGUAGES:
        with translation.override(language):
            parts.append(make())
    return "\n\n—\n\n".join(parts)


def _channel_warning(channel: str) -> str:
    if channel == Channel.TELEGRAM:
        return _(
            "Telegram is not end-to-end encrypted: Telegram's servers can read this chat. "
            "Write details (names, places, what happened) only in our web form."
        )
    return _(
        "E-mail is not encrypted end to end: your mail provider and ours can read it. "
        "Write details (names, places, what happened) only in our web form."
    )


def greeting(channel: str) -> str:
    def make() -> str:
        return "\n\n".join(
            [
                _(
                    "Your message has reached the hotline. An operator will answer here as "
                    "soon as possible."
                ),
                _channel_warning(channel),
                _(
                    "The safer way: our web form, also over Tor and without JavaScript: "
                    "%(url)s. Ask us here for a receipt of your own to read our answers there."
                )
                % {"url": settings.PUBLIC_INTAKE_URL},
                _("If you are in danger right now, say so in one word: DANGER."),
                *([_telegram_erasure()] if channel == Channel.TELEGRAM else []),
            ]
        )

    return _in_both(make)


def _telegram_erasure() -> str:
    return _(
        "This bot erases the chat from your phone once you have read our answer (when you "
        "write again) or whenever you send /clear; the hotline keeps its copy."
    )


def telegram_welcome() -> str:
    """The people's bot's answer to /start: what it is, before the person writes anything."""

    def make() -> str:
        return "\n\n".join(
            [
                _(
                    "This is the hotline's bot. Write here what happened and how we can reach "
                    "you: an operator will answer in this chat."
                ),
                _channel_warning(Channel.TELEGRAM),
                _(
                    "The safer way: our web form, also over Tor and without JavaScript: "
                    "%(url)s. Ask us here for a receipt of your own to read our answers there."
                )
                % {"url": settings.PUBLIC_INTAKE_URL},
                _telegram_erasure(),
                _("How urgent is it? Choose below, or just write."),
            ]
        )

    return _in_both(make)


def urgency_button(label: str | Promise) -> str:
    """A button's words (a lazy label, as of Urgency): Russian · English."""
    parts = []
    for language in LANGUAGES:
        with translation.override(language):
            parts.append(str(label))
    return " · ".join(dict.fromkeys(parts))


def urgency_noted() -> str:
    """The short notice Telegram shows over the chat when a button was pressed (not kept in
    the chat)."""
    parts = []
    for language in LANGUAGES:
        with translation.override(language):
            parts.append(_("Noted. Write what happened, if you can."))
    return " / ".join(parts)


def chat_erased() -> str:
    def make() -> str:
        return _(
            "This chat was erased from your phone; the hotline keeps its copy and has your "
            "messages."
        )

    return _in_both(make)


def refused_files_text(reasons: Sequence[str]) -> str:
    del reasons  # the reasons are in the person's own language only once translated again

    def make() -> str:
        return _(
            "Your message was received, but some files were not accepted (accepted: photos, "
            "PDF documents and voice recordings, up to %(size)d MB together). Your words "
            "reached us."
        ) % {"size": settings.INTAKE_MAX_ATTACHMENT_BYTES // 1_048_576}

    return _in_both(make)


def invitation_text(receipt: str) -> str:
    def make() -> str:
        return "\n\n".join(
            [
                _(
                    "Here is a receipt of your own for our web mailbox: %(receipt)s. Learn it "
                    "by heart or write it where only you find it, then delete this message."
                )
                % {"receipt": receipt},
                _(
                    "Open %(url)s and type it: you will read our answers there and can write "
                    "to us more safely."
                )
                % {"url": settings.PUBLIC_INTAKE_URL.rstrip("/") + "/mailbox/"},
            ]
        )

    return _in_both(make)
