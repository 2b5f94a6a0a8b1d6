"""Demo data for the hotline: phone calls, a flagged profile, reply templates. DEMO ONLY."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from refuge.accounts.demo import DEMO_PASSWORD
from refuge.accounts.models import Operator
from refuge.hotline import services
from refuge.hotline.models import (
    Contact,
    IdentifierKind,
    ProfileFlagKind,
    ReplyTemplate,
    RiskFlag,
    TemplateLanguage,
)
from refuge.intake.models import Urgency
from refuge.vault import api as vault

TEMPLATES = [
    (
        TemplateLanguage.RUSSIAN,
        "Первый ответ",
        "Здравствуйте. Мы получили ваше сообщение и внимательно читаем. Если вы в опасности прямо "
        "сейчас, напишите, где вы можете безопасно говорить и когда.",
    ),
    (
        TemplateLanguage.RUSSIAN,
        "Безопасность телефона",
        "Пожалуйста, удаляйте нашу переписку после каждого разговора и не сохраняйте номер "
        "горячей линии под настоящим названием.",
    ),
    (
        TemplateLanguage.ENGLISH,
        "First answer",
        "Hello. We have received your message and are reading it. If you are in danger right "
        "now, tell us where and when you can talk safely.",
    ),
    (
        TemplateLanguage.ENGLISH,
        "Phone safety",
        "Please delete our conversation after each exchange and do not save the hotline's "
        "number under its real name.",
    ),
]

CALLS = [
    (
        "Ислам",
        "+7 928 000-11-22",
        Urgency.DETAINED,
        [RiskFlag.DETAINED_NOW],
        "Брата забрали прямо на улице утром, увезли в сторону Аргуна. Телефон выключен.",
        "Найти адвоката, перезвонить в 18:00",
    ),
    (
        "Лейла",
        "+7 938 000-33-44",
        Urgency.HIDING,
        [RiskFlag.HIDING, RiskFlag.THREATENED_BY_FAMILY],
        "Родственники угрожают, прячется в квартире подруги, нужны деньги на билет.",
        "Обсудить эвакуацию на встрече координаторов",
    ),
    (
        "Руслан",
        "",
        Urgency.TESTIMONY,
        [],
        "Хочет рассказать про задержание в 2017 году, готов дать показания.",
        "Передать юристу",
    ),
]


def _seed_templates(coordinator: Operator) -> None:
    for language, title, body in TEMPLATES:
        if not ReplyTemplate.objects.filter(title=title, language=language).exists():
            services.save_template(
                operator=coordinator, template=None, title=title, language=language, body=body
            )


def _seed_calls(operator: Operator) -> list[Contact]:
    now = timezone.now()
    contacts = []
    for hours_ago, (pseudonym, number, urgency, flags, said, next_step) in enumerate(CALLS, 1):
        logged = services.log_call(
            operator=operator,
            call=services.CallRecord(
                started_at=now - timedelta(hours=hours_ago),
                ended_at=None,
                caller_pseudonym=pseudonym,
                what_they_said=said,
                urgency=urgency,
                risk_flags=list(flags),
                next_step=next_step,
                next_step_at=now + timedelta(hours=2 - hours_ago),
                callback_number=number,
            ),
        )
        contacts.append(logged.contact)
    return contacts


def _keyring(operator: Operator) -> vault.Keyring:
    return vault.Keyring(
        operator_id=operator.pk, private_key=vault.unlock_private_key(operator, DEMO_PASSWORD)
    )


def seed() -> list[str]:
    """Phone calls by the demo operator, a flagged profile, templates in both languages."""
    operator = Operator.objects.get(username="operator")
    coordinator = Operator.objects.get(username="coordinator")
    if Contact.objects.filter(channel="phone", created_by=operator).exists():
        return ["hotline: demo calls already present"]
    with vault.activated(_keyring(coordinator)):
        _seed_templates(coordinator)
    with vault.activated(_keyring(operator)):
        contacts = _seed_calls(operator)
        profile = services.create_profile(operator=operator, pseudonym="Лейла", contact=contacts[1])
        services.add_profile_identifier(
            operator=operator, profile=profile, kind=IdentifierKind.PHONE, value=CALLS[1][1]
        )
        services.add_profile_identifier(
            operator=operator, profile=profile, kind=IdentifierKind.TELEGRAM, value="@leila_demo"
        )
        services.flag_profile(
            operator=operator,
            profile=profile,
            kind=ProfileFlagKind.RELATIVE_SEARCHING,
            expires_at=timezone.now() + timedelta(days=60),
        )
    return [
        f"hotline: {len(contacts)} phone calls, profile {profile.pk} with 2 identifiers "
        f"and a flag, {len(TEMPLATES)} reply templates"
    ]
