"""Demo messages by the channels: one mail and one Telegram message, fictional, in Russian,
from addresses that exist nowhere. They enter the queue as a channel's worker would store
them, each with its greeting waiting to be sent. DEMO ONLY."""

from __future__ import annotations

from refuge.channels.services.inbound import Inbound, receive
from refuge.hotline.models import Channel
from refuge.intake.models import Urgency

DEMO_MESSAGES = [
    Inbound(
        channel=Channel.EMAIL,
        external_id="<demo-1@refuge.invalid>",
        address="friend.of.demo@refuge.invalid",
        text="Тема: Помогите другу\n\nМоему другу угрожают родственники, он боится выходить "
        "из дома. Как с вами связаться безопасно?",
        urgency=Urgency.OTHER,
    ),
    Inbound(
        channel=Channel.TELEGRAM,
        external_id="update:1",
        address="100000001",
        text="Здравствуйте. Меня ищут, я у знакомых. Можно ли уехать в другой город?",
        urgency=Urgency.HIDING,
    ),
]


def seed() -> list[str]:
    stored = [receive(message) for message in DEMO_MESSAGES]
    return [f"Channels demo: {sum(not r.duplicate for r in stored)} messages (e-mail, Telegram)."]
