# ruff: noqa: RUF001 - Cyrillic sample text on purpose
"""`python -m bench vault`: sealing and opening speed, unlock time, list page overhead.

vault_seal_per_s / vault_open_per_s  encrypt / decrypt of 1 KB values with an envelope's key
vault_unlock_s                       unwrapping an operator's key with production Argon2id
                                     parameters (median of 5)
vault_list_ratio                     rendering a list of 50 records, each in its own envelope
                                     (query, vault.preload, template), with the keyring rebuilt
                                     from the session per request as KeyringMiddleware does,
                                     divided by the same page over plain records (medians of
                                     150 alternated runs). The session's grant cache is warm,
                                     as on any view after the first; the first view's ratio is
                                     printed beside it.
"""

from __future__ import annotations

import statistics
import time
import uuid
from collections.abc import Callable
from typing import Any

from bench.django_setup import setup_django
from bench.results import record

PASSWORD = "bench passphrase for the vault"
VALUE_BYTES = 1024
PAGE_ROWS = 50
TABLE_ROWS = 200
PAGE_TEMPLATE = """<table>{% for row in rows %}<tr><td>{{ row.pk }}</td><td>{{ row.name }}</td>
<td>{{ row.summary|truncatechars:120 }}</td><td>{{ row.created_at|date:"Y-m-d H:i" }}</td></tr>
{% endfor %}</table>"""


def _timed(function: Callable[[], Any], repeat: int) -> float:
    started = time.perf_counter()
    for _ in range(repeat):
        function()
    return time.perf_counter() - started


def _operator() -> Any:
    from refuge.accounts.roles import Role
    from refuge.accounts.services import create_operator
    from refuge.vault.recovery import create_recovery_key

    create_recovery_key(threshold=3, shares=5)
    return create_operator(created_by=None, username=f"bench-{uuid.uuid4().hex[:8]}",
                           role=Role.COORDINATOR, password=PASSWORD)


def measure_seal_and_open(operator: Any) -> dict[str, float]:
    from refuge.vault import api as vault
    from refuge.vault.keyring import Keyring

    value = bytes(range(256)) * (VALUE_BYTES // 256)
    with vault.activated(Keyring(operator_id=operator.pk)):
        envelope = vault.create_envelope(purpose=vault.Purpose.CASE, readers=[operator])
        ciphertext = vault.encrypt_bytes(envelope.pk, value, label="bench.value")
        count = 20_000
        seal = _timed(lambda: vault.encrypt_bytes(envelope.pk, value, label="bench.value"), count)
        opened = _timed(lambda: vault.decrypt_bytes(envelope.pk, ciphertext, label="bench.value"),
                        count)
    return {"vault_seal_per_s": round(count / seal), "vault_open_per_s": round(count / opened)}


def measure_unlock(operator: Any) -> float:
    from django.conf import settings

    from refuge.vault.models import OperatorKey
    from refuge.vault.operators import OWASP_MINIMUM_MEMORY_KIB, unlock_private_key

    key = OperatorKey.objects.get(operator=operator)
    assert key.kdf_memory_kib >= OWASP_MINIMUM_MEMORY_KIB, "bench must use production KDF"
    assert key.kdf_memory_kib == settings.VAULT_KDF_MEMORY_KIB
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        unlock_private_key(operator, PASSWORD)
        timings.append(time.perf_counter() - started)
    print(f"  unlock with Argon2id m={key.kdf_memory_kib} KiB t={key.kdf_iterations}: "
          f"{[round(t, 3) for t in timings]} s")
    return round(statistics.median(timings), 4)


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


def _fill(plain_model: Any, sealed_model: Any, operator: Any) -> None:
    from refuge.vault import api as vault
    from refuge.vault.keyring import Keyring

    summary = ("Позвонил из Грозного, просит помощи с выездом; брат задержан. " * 6)[:400]
    with vault.activated(Keyring(operator_id=operator.pk)):
        for number in range(TABLE_ROWS):
            name = f"Ахмед Тестов {number}"
            plain_model.objects.create(name=name, summary=summary)
            envelope = vault.create_envelope(purpose=vault.Purpose.CONTACT, readers=[operator])
            sealed_model.objects.create(envelope=envelope, name=name, summary=summary)


def measure_list_ratio(operator: Any) -> float:
    from django.template import engines

    from refuge.vault import api as vault
    from refuge.vault import grant_cache
    from refuge.vault.operators import keyring_from_session

    plain_model, sealed_model = _bench_models()
    _fill(plain_model, sealed_model, operator)
    template = engines["django"].from_string(PAGE_TEMPLATE)
    unlock = vault.unlock_for_session(operator, PASSWORD)

    def page(model: Any, *, sealed: bool) -> str:
        with vault.activated(keyring_from_session(operator, unlock.session_blob,
                                                  unlock.cookie_key)):
            rows = list(model.objects.order_by("-id")[:PAGE_ROWS])
            if sealed:
                vault.preload(row.envelope_id for row in rows)
            html = template.render({"rows": rows})
            assert "Ахмед Тестов" in html
            return html

    plain_times, sealed_times, cold_times = [], [], []
    for _ in range(10):  # warm the template and the database pages
        page(plain_model, sealed=False)
        page(sealed_model, sealed=True)
    for _ in range(150):
        plain_times.append(_timed(lambda: page(plain_model, sealed=False), 1))
        sealed_times.append(_timed(lambda: page(sealed_model, sealed=True), 1))
        grant_cache.clear()  # the first view of these records in a session: 50 X25519 opens
        cold_times.append(_timed(lambda: page(sealed_model, sealed=True), 1))
    plain, sealed = statistics.median(plain_times), statistics.median(sealed_times)
    cold = statistics.median(cold_times)
    print(f"  list of {PAGE_ROWS}: plain {plain * 1000:.2f} ms, encrypted {sealed * 1000:.2f} ms "
          f"(ratio {sealed / plain:.2f}); first view in a session {cold * 1000:.2f} ms "
          f"(ratio {cold / plain:.2f}, not recorded)")
    return round(sealed / plain, 3)


def main() -> None:
    setup_django()
    operator = _operator()
    figures: dict[str, float | int] = {}
    figures.update(measure_seal_and_open(operator))
    figures["vault_unlock_s"] = measure_unlock(operator)
    figures["vault_list_ratio"] = measure_list_ratio(operator)
    record(figures)


if __name__ == "__main__":
    main()
