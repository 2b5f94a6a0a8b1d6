"""`refuge check --deploy`: refuse an unsafe production configuration, beside Django's own.

Each finding says what is wrong, why it matters here, and what to do. Errors make the
command fail; warnings are printed (`--fail-level WARNING` makes them fail too):

- refuge.ops.E001 DEBUG on;  E002 a cheap key derivation;  E003 no TLS proxy;
  E004 the demo accounts (public passwords) are present;
- refuge.ops.W001 the secret key lives in the data directory;  W002 no backup directory;
  W003 the time zone is not set.

Registered with `deploy=True`: they run only under `check --deploy`, which is why E004 may
look at the database (it says nothing when the database cannot be read yet).

One check runs before every command, deployment or not: refuge.ops.E005, REFUGE_SECRET_KEY
set and different from a `<data dir>/secret_key` file, which is what a `refuge restore`
leaves when the environment overrides the key it restored. Running on with the old key would
append audit entries that do not verify and stop receipts opening mailboxes.
"""

from __future__ import annotations

import hmac
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.db import DatabaseError, connection
from django.utils.translation import gettext as _

# OWASP's Argon2id minimum (m=46 MiB, t=1), which prod.py also enforces for operator keys.
OWASP_MEMORY_KIB = 47_104
# The cheapest blind index prod.py accepts (OWASP's equal-cost row m=19 MiB, t=2).
BLIND_INDEX_MEMORY_KIB = 19_456
BLIND_INDEX_COST = 19_456 * 2


@register(Tags.security, deploy=True)
def debug_is_off(**kwargs: Any) -> list[CheckMessage]:
    if not settings.DEBUG:
        return []
    return [
        Error(
            _(
                "DEBUG is on: an error page shows settings, the code and the request, "
                "which may include what a person wrote."
            ),
            hint=_("Run with refuge.config.settings.prod, where DEBUG is off."),
            id="refuge.ops.E001",
        )
    ]


@register(Tags.security, deploy=True)
def key_derivation_is_costly(**kwargs: Any) -> list[CheckMessage]:
    cheap = (
        settings.VAULT_ALLOW_WEAK_KDF
        or settings.VAULT_KDF_MEMORY_KIB < OWASP_MEMORY_KIB
        or settings.VAULT_BLIND_INDEX_MEMORY_KIB < BLIND_INDEX_MEMORY_KIB
        or settings.VAULT_BLIND_INDEX_MEMORY_KIB * settings.VAULT_BLIND_INDEX_ITERATIONS
        < BLIND_INDEX_COST
    )
    if not cheap:
        return []
    return [
        Error(
            _(
                "The key derivation is cheap (Argon2id %(memory)d KiB, t=%(iterations)d): with "
                "a copy of the database, operators' passwords, receipts and indexed phone "
                "numbers can be guessed quickly."
            )
            % {
                "memory": settings.VAULT_KDF_MEMORY_KIB,
                "iterations": settings.VAULT_KDF_ITERATIONS,
            },
            hint=_(
                "Use the production settings and leave REFUGE_VAULT_KDF_MEMORY_KIB "
                "(at least 47104) and REFUGE_BLIND_INDEX_MEMORY_KIB (at least 19456) at "
                "their defaults or higher."
            ),
            id="refuge.ops.E002",
        )
    ]


@register(Tags.security, deploy=True)
def behind_a_tls_proxy(**kwargs: Any) -> list[CheckMessage]:
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        return []
    return [
        Error(
            _(
                "No TLS proxy is configured: passwords, session cookies and reports would "
                "cross the network in clear, and cookies are not marked secure."
            ),
            hint=_(
                "Serve through a reverse proxy with TLS (nginx or Caddy) and set "
                "REFUGE_BEHIND_TLS_PROXY=true and REFUGE_TRUSTED_PROXIES."
            ),
            id="refuge.ops.E003",
        )
    ]


def _demo_usernames() -> list[str]:
    from refuge.accounts.models import Operator

    try:
        if Operator._meta.db_table not in connection.introspection.table_names():
            return []
        return list(
            Operator.objects.filter(created_for_demo=True, is_active=True)
            .order_by("username")
            .values_list("username", flat=True)
        )
    except DatabaseError:
        return []


@register(Tags.security, deploy=True)
def no_demo_accounts(**kwargs: Any) -> list[CheckMessage]:
    usernames = _demo_usernames()
    if not usernames:
        return []
    return [
        Error(
            _(
                "The demo accounts are present (%(usernames)s): their passwords and TOTP "
                "secrets are printed by `refuge demo` and published in the README."
            )
            % {"usernames": ", ".join(usernames)},
            hint=_(
                "Install production on a new, empty database; never run `refuge demo` "
                "there. Deactivate these accounts if real data is already in it."
            ),
            id="refuge.ops.E004",
        )
    ]


@register(Tags.security, deploy=True)
def secret_key_off_the_data_disk(**kwargs: Any) -> list[CheckMessage]:
    if not settings.SECRET_KEY_IN_DATA_DIR:
        return []
    return [
        Warning(
            _(
                "The secret key is read from the data directory (%(path)s): whoever copies "
                "that directory (a shared or seized disk, a careless backup of it) also gets "
                "the key of the audit chain and the receipts."
            )
            % {"path": settings.DATA_DIR / "secret_key"},
            hint=_(
                "Keep the data directory off shared disks, or set REFUGE_SECRET_KEY from a "
                "file only root reads (a systemd credential) and delete the key file. "
                "Backups carry the key under their passphrase."
            ),
            id="refuge.ops.W001",
        )
    ]


@register(Tags.security, deploy=True)
def backups_are_scheduled(**kwargs: Any) -> list[CheckMessage]:
    if settings.BACKUP_DIR:
        return []
    return [
        Warning(
            _(
                "No backup directory is configured: nothing says where scheduled backups go, "
                "and a seized or broken server would lose every record."
            ),
            hint=_(
                "Set REFUGE_BACKUP_DIR, run `refuge backup` daily from a timer with "
                "REFUGE_BACKUP_PASSPHRASE, copy the directory off the server, and check a "
                "copy with `refuge backup verify FILE`."
            ),
            id="refuge.ops.W002",
        )
    ]


@register(Tags.security, deploy=True)
def time_zone_is_set(**kwargs: Any) -> list[CheckMessage]:
    if settings.TIME_ZONE_CONFIGURED:
        return []
    return [
        Warning(
            _(
                "REFUGE_TIME_ZONE is not set: times on public pages and in commands are shown "
                "in the default zone (%(zone)s), which may not be where the people are."
            )
            % {"zone": settings.TIME_ZONE},
            hint=_("Set REFUGE_TIME_ZONE to the region's zone, e.g. Europe/Moscow."),
            id="refuge.ops.W003",
        )
    ]


@register(Tags.security)
def secret_key_is_the_restored_one(**kwargs: Any) -> list[CheckMessage]:
    if settings.SECRET_KEY_IN_DATA_DIR:
        return []
    key_file = Path(settings.DATA_DIR) / "secret_key"
    try:
        on_disk = key_file.read_text(encoding="utf-8").strip()
    except OSError:
        return []
    if not on_disk or hmac.compare_digest(on_disk.encode(), settings.SECRET_KEY.encode()):
        return []
    return [
        Error(
            _(
                "REFUGE_SECRET_KEY differs from the key in %(path)s (a restore writes the "
                "restored installation's key there): with this one, new audit entries would "
                "not verify and receipts would not open mailboxes."
            )
            % {"path": key_file},
            hint=_(
                "Set REFUGE_SECRET_KEY to the content of that file (or unset it), restart "
                "every Refuge process, then delete the file if the key must stay off this disk."
            ),
            id="refuge.ops.E005",
        )
    ]
