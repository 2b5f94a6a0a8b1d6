"""The worker's alarm tasks (`refuge worker` loads every app's tasks.py).

A new alarm asks for its deliveries at once, after its transaction commits; the tick each
minute sends whatever is due (retries after backoff, the end of quiet hours, an alarm whose
request was lost with a crashed worker or an unreachable queue) and passes on urgent contacts
nobody took; the staff bot is polled each minute for operators linking Telegram. Deliveries
are claimed in the database, so any number of workers may run both.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, on_startup


@on_startup(name="refuge.oncall.load_urls")
def load_urls() -> None:
    """Load the URL configuration when a worker thread starts, not at its first alarm: an
    alarm's link is reversed from it, and loading it imports every app's views (seconds, with
    the analysis libraries), which `make bench BENCH=alarms` showed as the first alarms'
    delay."""
    from django.urls import reverse

    reverse("console:home")


@db_task(name="refuge.oncall.deliver")
def deliver(delivery_ids: list[int]) -> None:
    from refuge.oncall.services.delivery import deliver_due

    deliver_due(only=delivery_ids)


@db_periodic_task(crontab(minute="*"), name="refuge.oncall.tick")
def tick() -> None:
    from refuge.oncall.services.alarms import escalate_untaken
    from refuge.oncall.services.delivery import deliver_due

    escalate_untaken()
    deliver_due()


@db_periodic_task(crontab(minute="*"), name="refuge.oncall.staff_bot")
def poll_staff_bot() -> None:
    """Links operators who sent their code to the staff bot (a short poll each minute; off
    without REFUGE_TELEGRAM_STAFF_TOKEN). Its own task: a slow Telegram never holds the tick."""
    from refuge.oncall.services.staff_bot import poll_staff_bot as poll

    poll(timeout=0)
