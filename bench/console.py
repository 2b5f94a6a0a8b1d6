"""Benchmark `console`: the hotline queue with 5,000 open contacts, p95 render time.

Sets Django up itself on a temporary SQLite database, seals 5,000 contacts to one
operator, logs in through the real two-step views and times the queue page through the
test client. Run: `python -m bench.console` (or `make bench BENCH=console`).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Django is set up at run time, in _setup_django
    from refuge.accounts.models import Operator

CONTACTS = 5_000
REQUESTS = 60
WARMUP_REQUESTS = 5


def _setup_django() -> None:
    os.environ["REFUGE_DATA_DIR"] = tempfile.mkdtemp(prefix="refuge-bench-console-")
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "refuge.config.settings.test"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)


def _seed(operator: Operator) -> None:
    from django.db import transaction

    from refuge.hotline.models import Channel, Contact
    from refuge.intake.models import Urgency
    from refuge.testing import keyring_for
    from refuge.vault import api as vault

    urgencies = list(Urgency)
    with vault.activated(keyring_for(operator)), transaction.atomic():
        for number in range(CONTACTS):
            envelope = vault.create_envelope(purpose=vault.Purpose.CONTACT, readers=[operator])
            Contact.objects.create(
                envelope=envelope,
                channel=Channel.PHONE,
                urgency=urgencies[number % 6],
                summary=f"Benchmark contact {number}: a caller describes what happened.",
            )


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def main() -> float:
    _setup_django()
    from django.test import Client
    from django.urls import reverse

    from refuge.testing import log_in, make_operator
    from refuge.vault.keyring import Keyring, activated

    with activated(Keyring()):
        operator = make_operator("bench-operator")
        started = time.perf_counter()
        _seed(operator)
        print(f"seeded {CONTACTS} contacts in {time.perf_counter() - started:.1f} s")
    client = Client()
    log_in(client, operator)
    url = reverse("hotline:queue")
    timings: list[float] = []
    cpu_timings: list[float] = []
    for number in range(WARMUP_REQUESTS + REQUESTS):
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get(url, {"page": 1 + number % 3})
        elapsed_ms = (time.perf_counter() - started) * 1000
        cpu_ms = (time.process_time() - cpu_started) * 1000
        if response.status_code != 200 or b"Benchmark contact" not in response.content:
            raise SystemExit(f"queue page answered {response.status_code} without its rows")
        if number >= WARMUP_REQUESTS:
            timings.append(elapsed_ms)
            cpu_timings.append(cpu_ms)
    p95 = round(percentile(timings, 0.95), 1)
    print(
        f"queue page: {len(timings)} requests, wall median {statistics.median(timings):.1f} ms;"
        f" CPU time median {statistics.median(cpu_timings):.1f} ms,"
        f" p95 {percentile(cpu_timings, 0.95):.1f} ms (load average {os.getloadavg()[0]:.1f})"
    )
    from bench.results import record

    record({"console_queue_p95_ms": p95})
    return p95


if __name__ == "__main__":
    main()
