"""A mail as the hotline keeps it: who to answer, the words, the files.

HTML is reduced to its text with the standard library's parser (no rendering, nothing
fetched, scripts and styles dropped): a few lines where a library would bring a renderer.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import parseaddr
from html.parser import HTMLParser

from django.utils.translation import gettext as _

from refuge.channels.email import pgp

# Elements whose text is never the person's words.
_SKIPPED = {"script", "style", "head", "title", "template"}
_BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"}


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self._skipping += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED and self._skipping:
            self._skipping -= 1
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _TextOnly()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    text = "\n".join(lines)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip()


@dataclass(frozen=True, slots=True)
class ParsedMail:
    sender: str = field(repr=False)
    external_id: str = field(repr=False)
    text: str = field(repr=False)
    files: list[bytes] = field(default_factory=list, repr=False)


def _content(part: EmailMessage) -> str:
    try:
        content = part.get_content()
    except (LookupError, ValueError):  # an unknown charset, a broken transfer encoding
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    if part.get_content_type() == "text/html":
        return html_to_text(str(content))
    return str(content).strip()


def _text_of(message: EmailMessage) -> str:
    """The plain text, or the HTML's words when the plain part is missing or empty."""
    for preference in ("plain", "html"):
        body = message.get_body(preferencelist=(preference,))
        if isinstance(body, EmailMessage):
            text = _content(body)
            if text:
                return text
    return ""


def _files_of(message: EmailMessage) -> list[bytes]:
    files = []
    for part in message.iter_attachments():
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes) and payload:
            files.append(payload)
    return files


def _is_encrypted(message: EmailMessage) -> bool:
    return message.get_content_type() == "multipart/encrypted"


def _encrypted_payload(message: EmailMessage) -> bytes | None:
    """The OpenPGP message a PGP/MIME mail carries (its second part)."""
    for part in message.iter_parts():
        if part.get_content_type() == "application/octet-stream":
            payload = part.get_payload(decode=True)
            return payload if isinstance(payload, bytes) else None
    return None


def _unreadable(sender: str, external_id: str) -> ParsedMail:
    text = _(
        "[An encrypted e-mail (OpenPGP): Refuge cannot decrypt mail. Ask the person to "
        "write in the web form instead.]"
    )
    if pgp.is_configured():
        text = _(
            "[An encrypted e-mail (OpenPGP) that the organisation's key does not open: ask "
            "the person to encrypt to the key you publish, or to write in the web form.]"
        )
    return ParsedMail(sender=sender, external_id=external_id, text=text)


def parse_mail(raw: bytes) -> ParsedMail:
    """Never raises on a malformed mail: what cannot be read is said in words."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    sender = parseaddr(str(message.get("From", "")))[1]
    message_id = str(message.get("Message-ID", "")).strip()
    external_id = message_id or hashlib.sha256(raw).hexdigest()
    subject = " ".join(str(message.get("Subject", "")).split())
    if _is_encrypted(message):
        payload = _encrypted_payload(message)
        plain = pgp.decrypt(payload) if payload else None
        if plain is None:
            return _unreadable(sender, external_id)
        message = email.message_from_bytes(plain, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
    text = _text_of(message)
    if text.startswith(pgp.PGP_MESSAGE.decode()):  # inline OpenPGP
        plain = pgp.decrypt(text.encode())
        if plain is None:
            return _unreadable(sender, external_id)
        text = plain.decode("utf-8", "replace").strip()
    if subject:
        text = _("Subject: %(subject)s") % {"subject": subject} + "\n\n" + text
    return ParsedMail(sender=sender, external_id=external_id, text=text, files=_files_of(message))
