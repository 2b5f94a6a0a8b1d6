"""The worker's channel tasks (`refuge worker` loads every app's tasks.py).

A queued message asks to be sent at once, after its transaction commits; the tick each minute
sends whatever is due (retries after backoff, a message whose request was lost). Reading the
inbound mailbox is a scheduled job (ops.jobs), run once a minute by one worker.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_task(name="refuge.channels.send")
def send_outbound(outbound_ids: list[int]) -> None:
    from refuge.channels.services.outbound import send_due

    send_due(only=outbound_ids)


@db_periodic_task(crontab(minute="*"), name="refuge.channels.tick")
def tick() -> None:
    from refuge.channels.services.outbound import send_due

    send_due()
