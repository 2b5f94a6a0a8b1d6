"""Benchmark `alarms`: from a web report's commit to its alarm at the SMTP server, 100 in a burst.

A throwaway installation (SQLite on disk, huey's SQLite queue in its data directory, as the
embedded default runs), one operator on intake duty and on call with an alarm address, a real
SMTP server on loopback (aiosmtpd, refuge.testing.smtp) and huey's own consumer with its
worker threads in this process (`refuge worker` runs the same consumer). The main thread
sends REPORTS reports "in danger now" through the intake service as fast as it can; each
report's commit is stamped (the first on_commit hook of its transaction), each mail's arrival
at the SMTP server is stamped, and the mail's Message-ID names its delivery. The figures:

- alarm_p50_ms, alarm_p99_ms: commit -> mail received (goal: p99 under 5,000 ms here);
- alarm_lost: alarms whose mail never arrived within WAIT_SECONDS (goal 0); alarm_twice:
  mails that arrived twice;
- alarm_tasks_per_s: delivery tasks the worker ran per second, first commit to last mail.

The per-minute tick is off (periodic=False): an alarm counts only if the queue carried it.
Run: `make bench BENCH=alarms` (or `python -m bench alarms`).
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
from functools import partial
from typing import Any

from bench.results import record

REPORTS = int(os.environ.get("REFUGE_BENCH_ALARM_REPORTS", "100"))
WORKERS = int(os.environ.get("REFUGE_BENCH_ALARM_WORKERS", "0"))  # 0: REFUGE_WORKER_THREADS
WAIT_SECONDS = 60.0


def _setup_django() -> None:
    os.environ["REFUGE_DATA_DIR"] = tempfile.mkdtemp(prefix="refuge-bench-alarms-")
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REFUGE_REDIS_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "refuge.config.settings.test"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _stamp(into: dict[str, float]) -> None:
    into.setdefault("at", time.monotonic())


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def main() -> None:
    _setup_django()
    import logging

    from aiosmtpd.controller import Controller
    from django.conf import settings
    from django.db import transaction
    from django.utils.module_loading import autodiscover_modules
    from huey.consumer_options import ConsumerConfig
    from huey.contrib.djhuey import HUEY

    from refuge.intake.models import ReporterKind, Urgency
    from refuge.intake.services import submit_report
    from refuge.oncall.models import Delivery
    from refuge.oncall.services.preferences import save_alarm_settings
    from refuge.oncall.tests.support import on_shift
    from refuge.testing import make_operator
    from refuge.testing.smtp import Mailbox, free_port
    from refuge.vault import api as vault

    logging.getLogger("huey").setLevel(logging.WARNING)
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs each recipient
    autodiscover_modules("tasks")
    operator = make_operator("dezhurny", intake=True)
    save_alarm_settings(
        operator=operator,
        email="dezhurny@alarms.test",
        quiet_from=None,
        quiet_until=None,
        expected_version=0,
    )
    on_shift(operator)
    HUEY.flush()

    arrivals: dict[int, list[float]] = {}
    lock = threading.Lock()

    class StampingMailbox(Mailbox):
        async def handle_DATA(  # noqa: N802 - the name aiosmtpd calls
            self, server: Any, session: Any, envelope: Any
        ) -> str:
            answer = await super().handle_DATA(server, session, envelope)
            message_id = self.messages[-1]["Message-ID"]
            delivery = int(message_id.split("refuge-alarm-")[1].split("@")[0])
            with lock:
                arrivals.setdefault(delivery, []).append(time.monotonic())
            return answer

    commits: dict[int, float] = {}
    port = free_port()
    controller = Controller(StampingMailbox(), hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    # The consumer `refuge worker` runs, with the installation's options, the tick off.
    options = {**settings.HUEY.get("consumer", {}), "periodic": False}
    if WORKERS:
        options["workers"] = WORKERS
    consumer = HUEY.create_consumer(**ConsumerConfig(**options).values)
    consumer.start()
    try:
        # As in production, the worker is up before the reports come: its start-up hook
        # (oncall.tasks.load_urls) has loaded the URL configuration.
        ready_by = time.monotonic() + WAIT_SECONDS
        while "refuge.config.urls" not in sys.modules and time.monotonic() < ready_by:
            time.sleep(0.1)
        time.sleep(1)
        started = time.monotonic()
        for number in range(REPORTS):
            stamp: dict[str, float] = {}
            with vault.activated(vault.Keyring()), transaction.atomic():
                transaction.on_commit(partial(_stamp, stamp))
                submission = submit_report(
                    body=f"Отчёт {number}: меня ищут, я прячусь.",
                    reporter_kind=ReporterKind.SELF,
                    urgency=Urgency.IN_DANGER,
                )
            for pk in Delivery.objects.filter(alarm__contact__thread=submission.thread).values_list(
                "pk", flat=True
            ):
                commits[pk] = stamp["at"]
        burst = time.monotonic() - started
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            with lock:
                if all(pk in arrivals for pk in commits):
                    break
            time.sleep(0.05)
    finally:
        consumer.stop(graceful=True)
        controller.stop()
    with lock:
        latencies = [(arrivals[pk][0] - commits[pk]) * 1000 for pk in commits if pk in arrivals]
        lost = sum(1 for pk in commits if pk not in arrivals)
        twice = sum(len(times) - 1 for times in arrivals.values())
        last = max((times[0] for times in arrivals.values()), default=started)
    window = last - min(commits.values(), default=started)
    print(
        f"{len(commits)} alarms from {REPORTS} reports (burst {burst:.1f} s), "
        f"{consumer.workers} worker threads, load average {os.getloadavg()[0]:.1f}"
    )
    record(
        {
            "alarm_p50_ms": round(percentile(latencies, 0.50), 1) if latencies else -1,
            "alarm_p99_ms": round(percentile(latencies, 0.99), 1) if latencies else -1,
            "alarm_lost": lost,
            "alarm_twice": twice,
            "alarm_tasks_per_s": round(len(latencies) / window, 1) if window > 0 else 0,
        }
    )


if __name__ == "__main__":
    main()
