"""One English source string, one Russian meaning.

Django merges every installed app's catalogue into one: where two apps (or Django's own
contrib apps, installed first) translate the same msgid differently, one translation silently
wins everywhere. A victim's name came out as "Название" and the audit's "Logged out" as
Django's "Не авторизован". Each app's message must come out, with Russian active, exactly as
that app's own catalogue translates it; a word with two meanings needs a message context
(pgettext), two wordings of one meaning need one wording.
"""

from __future__ import annotations

from pathlib import Path

import polib  # type: ignore[import-untyped]
from django.utils import translation

SOURCE = Path(__file__).resolve().parents[1] / "src" / "refuge"
CATALOGUES = sorted(SOURCE.glob("*/locale/ru/LC_MESSAGES/django.po"))


def _as_shown(entry: polib.POEntry) -> str:
    if entry.msgid_plural:
        if entry.msgctxt:
            return translation.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, 1)
        return translation.ngettext(entry.msgid, entry.msgid_plural, 1)
    if entry.msgctxt:
        return translation.pgettext(entry.msgctxt, entry.msgid)
    return translation.gettext(entry.msgid)


def _wanted(entry: polib.POEntry) -> str:
    return str(entry.msgstr_plural[0]) if entry.msgid_plural else str(entry.msgstr)


def test_every_message_is_shown_as_its_own_app_translates_it() -> None:
    collisions = []
    with translation.override("ru"):
        for path in CATALOGUES:
            app = path.parts[-5]
            for entry in polib.pofile(str(path)):
                if entry.obsolete:
                    continue
                shown = _as_shown(entry)
                if shown != _wanted(entry):
                    context = f"[{entry.msgctxt}] " if entry.msgctxt else ""
                    collisions.append(
                        f"{app}: {context}{entry.msgid!r} is shown as {shown!r}, "
                        f"not {_wanted(entry)!r}"
                    )
    assert not collisions, "\n".join(collisions)


def test_the_colliding_words_keep_their_meanings() -> None:
    from refuge.audit.models import AuditAction
    from refuge.cases.models import IdentifierKind, StageCode
    from refuge.hotline.models import ContactStatus, RiskFlag
    from refuge.intake.models import Urgency

    with translation.override("ru"):
        assert str(RiskFlag.HIDING.label) == "Скрывается"
        assert str(Urgency.HIDING.label) == "Я скрываюсь"
        assert str(AuditAction.LOGOUT.label) == "Выход"
        assert str(IdentifierKind.NAME.label) == "Имя"
        assert str(StageCode.NEW.label) == "Новое"
        assert str(ContactStatus.NEW.label) == "Новый"
