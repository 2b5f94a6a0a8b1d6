"""Demo web reports: fictional, in Russian, at different urgencies. DEMO ONLY."""

from __future__ import annotations

from refuge.intake import services
from refuge.intake.models import ReporterKind, Thread, Urgency

DEMO_REPORTS = [
    (
        "Моего друга Ахмеда вчера вечером забрали из дома люди в форме, без объяснений. "
        "Телефон у него выключен. Родственникам сказали молчать. Пожалуйста, помогите.",
        ReporterKind.OTHER,
        Urgency.DETAINED,
        "Звонить можно после 21:00, спросить Лейлу.",
    ),
    (
        "Брат узнал обо мне и угрожает. Сейчас я у знакомой, но здесь нельзя оставаться "
        "долго. Мне нужно уехать из республики как можно скорее.",
        ReporterKind.SELF,
        Urgency.IN_DANGER,
        "Только сообщения в Signal, ник в ответе.",
    ),
    (
        "Я прячусь уже вторую неделю, денег почти нет. Документы остались дома.",
        ReporterKind.SELF,
        Urgency.HIDING,
        "",
    ),
    (
        "Хочу рассказать, что со мной было в 2017 году в Аргуне: меня держали несколько дней "
        "и били. Готов дать показания, если это поможет другим.",
        ReporterKind.SELF,
        Urgency.TESTIMONY,
        "",
    ),
]


def seed() -> list[str]:
    """Create the demo reports (they enter the hotline queue); print one receipt."""
    if Thread.objects.exists():
        return ["Intake: demo reports exist already; no new receipt printed."]
    receipts = [
        services.submit_report(
            body=body, reporter_kind=kind, urgency=urgency, contact_instructions=contact
        ).receipt
        for body, kind, urgency, contact in DEMO_REPORTS
    ]
    return [
        f"Intake: {len(receipts)} demo web reports in the hotline queue.",
        f"  Demo receipt (opens its mailbox at /mailbox/): {receipts[0]}",
    ]
