"""Benchmark `channels`: 1,000 inbound Telegram updates through the Bot API stand-in into the
hotline queue, with the stand-in failing one call in ten (a 502 page, then a 429, in turn).

A throwaway installation (SQLite on disk, as the embedded default runs), one operator on
intake duty (every contact is sealed to someone), the faithful Bot API on loopback
(refuge.testing.telegram) with `fail_every=10`. A producer thread plays UPDATES_PER_S people
writing to the people's bot (CHATS chats; one update in PHOTO_EVERY a photo, fetched with
getFile and the download, then cleaned by the intake rules); the main thread polls as the
worker's job does (channels.telegram.poll, long polling with a one-second timeout), again at
once after a failed call. Each update is stamped when the stand-in queues it and when the
transaction that stored it committed (an on_commit hook on its InboundSeen row). The figures:

- channel_updates_per_s: updates stored per second, first update queued to last stored;
- channel_p50_ms, channel_p99_ms: update queued at the stand-in -> its contact's message
  committed in the queue;
- channel_lost: updates not stored within WAIT_SECONDS of the last one (goal 0);
- channel_duplicated: messages stored beyond one per update (goal 0).

Run: `make bench BENCH=channels` (or `python -m bench channels`).
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
from typing import Any

from bench.results import record

UPDATES = int(os.environ.get("REFUGE_BENCH_CHANNEL_UPDATES", "1000"))
UPDATES_PER_S = float(os.environ.get("REFUGE_BENCH_CHANNEL_RATE", "50"))
CHATS = 250
PHOTO_EVERY = 20
WAIT_SECONDS = 120.0


def _setup_django() -> None:
    os.environ["REFUGE_DATA_DIR"] = tempfile.mkdtemp(prefix="refuge-bench-channels-")
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REFUGE_REDIS_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "refuge.config.settings.test"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def main() -> None:
    _setup_django()
    import io
    import logging

    from django.conf import settings
    from django.db import transaction
    from django.db.models.signals import post_save
    from PIL import Image

    from refuge.channels.models import InboundSeen
    from refuge.channels.services.inbound import seen_digest
    from refuge.channels.telegram.poll import poll_people_bot
    from refuge.hotline.models import Channel
    from refuge.intake.models import Message
    from refuge.testing import make_operator
    from refuge.testing.telegram import BotApi, telegram_bot_api

    logging.getLogger("refuge").setLevel(logging.ERROR)  # a skipped batch is expected here
    make_operator("dezhurny", intake=True)
    photo_buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (30, 90, 160)).save(photo_buffer, format="JPEG")
    photo = photo_buffer.getvalue()

    queued_at: dict[str, float] = {}  # digest of "update:<id>" -> when the stand-in queued it
    stored_at: dict[str, list[float]] = {}
    lock = threading.Lock()

    def stamp(sender: Any, instance: InboundSeen, created: bool, **kwargs: Any) -> None:
        if not created:
            return
        digest = instance.digest

        def committed() -> None:
            with lock:
                stored_at.setdefault(digest, []).append(time.monotonic())

        transaction.on_commit(committed)

    post_save.connect(stamp, sender=InboundSeen, weak=False)
    api = BotApi(token="654321:BENCH-people-bot", fail_every=10)
    with telegram_bot_api(api):
        settings.CHANNEL_TELEGRAM_TOKEN = api.token
        settings.TELEGRAM_API_URL = api.base_url

        def people_write() -> None:
            started = time.monotonic()
            for number in range(UPDATES):
                chat = 7_000_000_000 + number % CHATS
                if number % PHOTO_EVERY == PHOTO_EVERY - 1:
                    update_id = api.user_sends_photo(chat, photo, caption=f"Фото {number}")
                else:
                    update_id = api.user_writes(chat, f"Сообщение {number}: мне нужна помощь.")
                digest = seen_digest(Channel.TELEGRAM, f"update:{update_id}")
                with lock:
                    queued_at[digest] = time.monotonic()
                pause = started + (number + 1) / UPDATES_PER_S - time.monotonic()
                if pause > 0:
                    time.sleep(pause)

        producer = threading.Thread(target=people_write, daemon=True)
        began = time.monotonic()
        producer.start()
        deadline: float | None = None
        failed_polls = 0
        while True:
            run = poll_people_bot(timeout=1)
            failed_polls += bool(run.error)
            with lock:
                done = len(queued_at) == UPDATES and all(d in stored_at for d in queued_at)
            if done:
                break
            if not producer.is_alive():
                deadline = deadline or time.monotonic() + WAIT_SECONDS
                if time.monotonic() > deadline:
                    break
        producer.join()
    with lock:
        latencies = [(stored_at[d][0] - queued_at[d]) * 1000 for d in queued_at if d in stored_at]
        lost = sum(1 for digest in queued_at if digest not in stored_at)
        last = max((times[0] for times in stored_at.values()), default=began)
    duplicated = Message.objects.count() - len(latencies)
    window = last - began
    print(
        f"{UPDATES} updates at {UPDATES_PER_S:.0f}/s into {CHATS} chats, the stand-in failing "
        f"one call in ten ({failed_polls} polls cut short), load average "
        f"{os.getloadavg()[0]:.1f}"
    )
    record(
        {
            "channel_updates_per_s": round(len(latencies) / window, 1) if window > 0 else 0,
            "channel_p50_ms": round(percentile(latencies, 0.50), 1) if latencies else -1,
            "channel_p99_ms": round(percentile(latencies, 0.99), 1) if latencies else -1,
            "channel_lost": lost,
            "channel_duplicated": duplicated,
        }
    )


if __name__ == "__main__":
    main()
