"""`python -m bench vault`: sealing and opening speed, unlock time, list page overhead.

Every recorded figure is measured in CPU time of this process (time.process_time): the work
is single-threaded and CPU-bound (Argon2id with p=1, libsodium, in-process SQLite), so on an
idle machine CPU time equals wall time, while on a shared machine wall time mostly measures
the other jobs. Wall-clock figures are printed beside them.

vault_seal_per_s / vault_open_per_s  encrypt / decrypt of 1 KB values with an envelope's key
vault_unlock_s                       unwrapping an operator's key with production Argon2id
                                     parameters (median of 5)
vault_blind_index_hmac_us            one blind index the way they were made before Argon2id (one
                                     HMAC-SHA256): the baseline, measured in the same run
vault_blind_index_argon2id_ms        one blind index now (Argon2id of the keyed HMAC, production
                                     cost: REFUGE_BLIND_INDEX_MEMORY_KIB / _ITERATIONS), median
vault_blind_index_cost_ratio         the second divided by the first (target: >= 10,000)
vault_blind_index_ru_mobiles_hmac_core_hours   what one coerced password plus the database
vault_blind_index_ru_mobiles_core_hours        cost to index every Russian mobile number (10^9:
                                     +7 9xx xxx xx xx) and so recover each indexed one, before
                                     and now, in core-hours of this machine
vault_list_ratio                     a logged-in GET of a console page listing 50 records, each
                                     in its own envelope (whole middleware stack, session,
                                     keyring, one vault.preload, console template), divided by
                                     the same page over 50 plain records: medians of 150
                                     alternated requests, in CPU time of this process (the
                                     database is in-process SQLite; wall time, printed too, is
                                     dominated by other load on a shared machine). The
                                     session's grant cache is warm, as on every view after the
                                     first; the first view's ratio is printed beside it.
"""

from __future__ import annotations

import statistics
import time
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bench.django_setup import setup_django
from bench.results import record

if TYPE_CHECKING:  # models are imported once Django is set up
    from refuge.accounts.models import Operator

PASSWORD = "bench passphrase for the vault"
VALUE_BYTES = 1024
PAGE_ROWS = 50
TABLE_ROWS = 200


def _timed(function: Callable[[], Any], repeat: int) -> float:
    """CPU seconds of this process for `repeat` calls (see the module docstring)."""
    started = time.process_time()
    for _ in range(repeat):
        function()
    return time.process_time() - started


def _operator() -> Any:
    from refuge.accounts.roles import Role
    from refuge.accounts.services import create_operator
    from refuge.vault.recovery import create_recovery_key

    create_recovery_key(threshold=3, shares=5)
    return create_operator(
        created_by=None,
        username=f"bench-{uuid.uuid4().hex[:8]}",
        role=Role.COORDINATOR,
        password=PASSWORD,
    )


def measure_seal_and_open(operator: Operator) -> dict[str, float]:
    from refuge.vault import api as vault
    from refuge.vault.keyring import Keyring

    value = bytes(range(256)) * (VALUE_BYTES // 256)
    with vault.activated(Keyring(operator_id=operator.pk)):
        envelope = vault.create_envelope(purpose=vault.Purpose.CASE, readers=[operator])
        ciphertext = vault.encrypt_bytes(envelope.pk, value, label="bench.value")
        count = 20_000
        seal = _timed(lambda: vault.encrypt_bytes(envelope.pk, value, label="bench.value"), count)
        opened = _timed(
            lambda: vault.decrypt_bytes(envelope.pk, ciphertext, label="bench.value"), count
        )
    return {"vault_seal_per_s": round(count / seal), "vault_open_per_s": round(count / opened)}


def measure_unlock(operator: Operator) -> float:
    from django.conf import settings

    from refuge.vault.models import OperatorKey
    from refuge.vault.operators import OWASP_MINIMUM_MEMORY_KIB, unlock_private_key

    key = OperatorKey.objects.get(operator=operator)
    assert key.kdf_memory_kib >= OWASP_MINIMUM_MEMORY_KIB, "bench must use production KDF"
    assert key.kdf_memory_kib == settings.VAULT_KDF_MEMORY_KIB
    timings, cpu_timings = [], []
    for _ in range(5):
        started, cpu_started = time.perf_counter(), time.process_time()
        unlock_private_key(operator, PASSWORD)
        timings.append(time.perf_counter() - started)
        cpu_timings.append(time.process_time() - cpu_started)
    print(
        f"  unlock with Argon2id m={key.kdf_memory_kib} KiB t={key.kdf_iterations}: "
        f"wall {[round(t, 3) for t in timings]} s, CPU {[round(t, 3) for t in cpu_timings]} s"
    )
    return round(statistics.median(cpu_timings), 4)


RUSSIAN_MOBILE_NUMBERS = 10**9  # +7 9xx xxx xx xx


def measure_blind_index() -> dict[str, float]:
    """The attacker's inner loop, old and new: key in hand, one candidate number per step."""
    from django.conf import settings

    from refuge.vault import crypto
    from refuge.vault.blind import IndexKey, IndexKind, compute_index
    from refuge.vault.models import IndexScheme

    key = crypto.random_key()
    old = IndexKey(envelope_id=None, key=key, scheme=IndexScheme.HMAC_SHA256)
    new = IndexKey(
        envelope_id=None,
        key=key,
        scheme=IndexScheme.ARGON2ID,
        memory_kib=settings.VAULT_BLIND_INDEX_MEMORY_KIB,
        iterations=settings.VAULT_BLIND_INDEX_ITERATIONS,
    )
    count = 100_000
    numbers = [f"+79{n:09d}" for n in range(count)]
    started = time.process_time()
    for number in numbers:
        compute_index(old, IndexKind.PHONE, number)
    hmac_seconds = (time.process_time() - started) / count
    slow_timings = []
    for number in numbers[:9]:
        started = time.process_time()
        compute_index(new, IndexKind.PHONE, number)
        slow_timings.append(time.process_time() - started)
    slow_seconds = statistics.median(slow_timings)
    print(
        f"  blind index: HMAC {hmac_seconds * 1e6:.2f} us, Argon2id m={new.memory_kib} KiB "
        f"t={new.iterations} {slow_seconds * 1000:.1f} ms (CPU time per index)"
    )
    return {
        "vault_blind_index_hmac_us": round(hmac_seconds * 1e6, 3),
        "vault_blind_index_argon2id_ms": round(slow_seconds * 1000, 2),
        "vault_blind_index_cost_ratio": round(slow_seconds / hmac_seconds),
        "vault_blind_index_ru_mobiles_hmac_core_hours": round(
            RUSSIAN_MOBILE_NUMBERS * hmac_seconds / 3600, 2
        ),
        "vault_blind_index_ru_mobiles_core_hours": round(
            RUSSIAN_MOBILE_NUMBERS * slow_seconds / 3600
        ),
    }


def _bench_models() -> tuple[Any, Any]:
    from django.db import connection, models

    from refuge.vault.fields import SealedTextField

    class BenchPlainRecord(models.Model):
        name = models.CharField(max_length=200)
        summary = models.TextField()
        created_at = models.DateTimeField(auto_now_add=True)

        class Meta:
            app_label = "vault"
            db_table = "bench_plain_record"

    class BenchSealedRecord(models.Model):
        envelope = models.ForeignKey("vault.Envelope", on_delete=models.PROTECT)
        name = SealedTextField(envelope_field="envelope", null=True)
        summary = SealedTextField(envelope_field="envelope", null=True)
        created_at = models.DateTimeField(auto_now_add=True)

        class Meta:
            app_label = "vault"
            db_table = "bench_sealed_record"

    with connection.schema_editor() as editor:
        editor.create_model(BenchPlainRecord)
        editor.create_model(BenchSealedRecord)
    return BenchPlainRecord, BenchSealedRecord


def _fill(plain_model: Any, sealed_model: Any, operator: Operator) -> None:
    from refuge.vault import api as vault
    from refuge.vault.keyring import Keyring

    summary = ("Позвонил из Грозного, просит помощи с выездом; брат задержан. " * 6)[:400]
    with vault.activated(Keyring(operator_id=operator.pk)):
        for number in range(TABLE_ROWS):
            name = f"Ахмед Тестов {number}"
            plain_model.objects.create(name=name, summary=summary)
            envelope = vault.create_envelope(purpose=vault.Purpose.CONTACT, readers=[operator])
            sealed_model.objects.create(envelope=envelope, name=name, summary=summary)


PAGE_TEMPLATE = """{% extends "core/console_base.html" %}{% block content %}<table>
{% for row in rows %}<tr><td>{{ row.pk }}</td><td>{{ row.name }}</td>
<td>{{ row.summary|truncatechars:120 }}</td><td>{{ row.created_at|date:"Y-m-d H:i" }}</td></tr>
{% endfor %}</table>{% endblock %}"""
urlpatterns: list[Any] = []  # this module is the bench's ROOT_URLCONF (see _serve_pages)


def _serve_pages(plain_model: Any, sealed_model: Any) -> None:
    """Two console pages, same template: 50 plain rows, and 50 rows in 50 envelopes."""
    from django.conf import settings
    from django.http import HttpRequest, HttpResponse
    from django.template import engines
    from django.urls import clear_url_caches, path

    from refuge.config import urls as project_urls
    from refuge.vault import api as vault

    template = engines["django"].from_string(PAGE_TEMPLATE)

    def page(model: Any, *, sealed: bool) -> Callable[[HttpRequest], HttpResponse]:
        def view(request: HttpRequest) -> HttpResponse:
            rows = list(model.objects.order_by("-id")[:PAGE_ROWS])
            if sealed:
                vault.preload(row.envelope_id for row in rows)  # one query for all grants
            return HttpResponse(template.render({"rows": rows}, request))

        return view

    urlpatterns[:] = [
        path("bench/plain/", page(plain_model, sealed=False)),
        path("bench/sealed/", page(sealed_model, sealed=True)),
        *project_urls.urlpatterns,
    ]
    settings.ROOT_URLCONF = __name__
    clear_url_caches()


def _logged_in_client(operator: Operator) -> Any:
    from django.test import Client

    from refuge.testing import enrol_test_device, log_in

    enrol_test_device(operator)
    client = Client(HTTP_HOST="localhost")
    log_in(client, operator, PASSWORD)
    return client


def _request_times(client: Any, url: str, *, cold: bool = False) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one GET through the whole middleware stack."""
    from refuge.vault import grant_cache

    if cold:
        grant_cache.clear()  # the first view of these records in this session
    cpu, wall = time.process_time(), time.perf_counter()
    response = client.get(url)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    assert response.status_code == 200, response.status_code
    assert "Ахмед Тестов".encode() in response.content
    return cpu, wall


def measure_list_ratio(operator: Operator) -> float:
    plain_model, sealed_model = _bench_models()
    _fill(plain_model, sealed_model, operator)
    _serve_pages(plain_model, sealed_model)
    client = _logged_in_client(operator)
    for _ in range(10):  # warm the template, the URL resolver and the database pages
        _request_times(client, "/bench/plain/")
        _request_times(client, "/bench/sealed/")
    runs: dict[str, list[tuple[float, float]]] = {"plain": [], "sealed": [], "cold": []}
    for _ in range(150):
        runs["plain"].append(_request_times(client, "/bench/plain/"))
        runs["sealed"].append(_request_times(client, "/bench/sealed/"))
        runs["cold"].append(_request_times(client, "/bench/sealed/", cold=True))
    cpu = {name: statistics.median(t[0] for t in times) for name, times in runs.items()}
    wall = {name: statistics.median(t[1] for t in times) for name, times in runs.items()}
    print(
        f"  list page of {PAGE_ROWS} (full request, CPU time): plain {cpu['plain'] * 1000:.2f} "
        f"ms, encrypted {cpu['sealed'] * 1000:.2f} ms; first view in a session "
        f"{cpu['cold'] * 1000:.2f} ms (ratio {cpu['cold'] / cpu['plain']:.2f}, not recorded)"
    )
    print(
        f"  same, wall clock: plain {wall['plain'] * 1000:.2f} ms, encrypted "
        f"{wall['sealed'] * 1000:.2f} ms (ratio {wall['sealed'] / wall['plain']:.2f})"
    )
    return round(cpu["sealed"] / cpu["plain"], 3)


def main() -> None:
    setup_django()
    operator = _operator()
    figures: dict[str, float | int] = {}
    figures.update(measure_seal_and_open(operator))
    figures["vault_unlock_s"] = measure_unlock(operator)
    figures.update(measure_blind_index())
    figures["vault_list_ratio"] = measure_list_ratio(operator)
    record(figures)


if __name__ == "__main__":
    main()
