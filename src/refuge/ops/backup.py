"""`refuge backup` / `refuge restore`: the whole installation in one encrypted file.

One code path for SQLite and PostgreSQL: every model's rows are serialised in memory with
Django's JSON serialiser (as `dumpdata` does), the files under MEDIA_ROOT are added, the lot
is compressed and sealed by the vault under a passphrase-derived key. No plaintext copy of
the database ever touches the disk: no temp file, no dump beside the archive.

What is not in a backup: sessions (they hold operators' wrapped keys; a restore logs
everyone out), content types and permissions (rebuilt by migrate), and the secret key (the
backup is bound to it: restoring needs the same REFUGE_SECRET_KEY, which also keys the audit
chain). Sealed fields stay sealed inside the backup: the passphrase protects the archive,
the envelopes still protect each record.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import json
import os
import uuid
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.core.errors import DomainError
from refuge.vault import api as vault

FORMAT = 1
REBUILT_BY_MIGRATE = {"contenttypes.contenttype", "auth.permission"}
EXCLUDED_MODELS = {*REBUILT_BY_MIGRATE, "sessions.session"}
# Rows that make an installation "in use": a restore over them needs --force.
IN_USE_MODELS = ("accounts.Operator", "audit.AuditEvent", "vault.Envelope")


class RestoreRefused(DomainError):
    """The backup cannot be restored here; nothing was changed."""


@dataclass(frozen=True, slots=True)
class RestoreSummary:
    objects: int
    files: int
    created_at: str


def installation_id() -> bytes:
    """A stable identifier of this installation, derived from its secret key (not secret)."""
    return vault.installation_id()


def _dumped_models() -> list[type[models.Model]]:
    candidates = [m for m in apps.get_models() if m._meta.label_lower not in EXCLUDED_MODELS]
    by_app: dict[Any, list[type[models.Model]]] = {}
    for model in candidates:
        by_app.setdefault(apps.get_app_config(model._meta.app_label), []).append(model)
    return serializers.sort_dependencies(list(by_app.items()), allow_cycles=True)


def _encode_value(value: Any) -> str:
    # Django's JSON serialiser cuts datetimes to milliseconds, which would break the audit
    # chain's hashes: serialise to Python objects and keep full precision ourselves.
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    raise TypeError(f"cannot back up a value of type {type(value).__name__}")


def _serialise_database() -> str:
    def rows() -> Any:
        for model in _dumped_models():
            yield from model._base_manager.order_by("pk").iterator(chunk_size=2000)

    objects = serializers.serialize("python", rows(), use_natural_foreign_keys=True)
    return json.dumps(objects, default=_encode_value)


def _media_files() -> list[dict[str, str]]:
    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return []
    return [
        {
            "path": path.relative_to(root).as_posix(),
            "data": base64.b64encode(path.read_bytes()).decode(),
        }
        for path in sorted(root.rglob("*"))
        if path.is_file()
    ]


def _applied_migrations() -> list[list[str]]:
    return sorted([app, name] for app, name in MigrationRecorder(connection).applied_migrations())


def create_backup(*, passphrase: str) -> bytes:
    """Return the encrypted backup of the whole installation (database and files)."""
    record_event(
        AuditAction.EXPORT,
        target_type="installation",
        target_id="backup",
        details={"kind": "backup"},
    )
    with transaction.atomic():  # one consistent snapshot of every table
        payload = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "migrations": _applied_migrations(),
            "database": _serialise_database(),
            "files": _media_files(),
        }
    compressed = zlib.compress(json.dumps(payload).encode(), level=6)
    return vault.seal_backup(compressed, passphrase=passphrase, installation_id=installation_id())


def _decode(blob: bytes, passphrase: str) -> dict[str, Any]:
    compressed = vault.open_backup(blob, passphrase=passphrase, installation_id=installation_id())
    try:
        payload = json.loads(zlib.decompress(compressed))
    except (zlib.error, ValueError) as error:
        raise RestoreRefused(_("The backup's content is damaged.")) from error
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise RestoreRefused(_("The backup's content has an unknown format."))
    return payload


def verify_backup(blob: bytes, *, passphrase: str) -> int:
    """Decrypt and parse a backup without restoring it; returns how many rows it holds.
    Raises BackupError or RestoreRefused when it does not open."""
    payload = _decode(blob, passphrase)
    try:
        return len(json.loads(payload["database"]))
    except (KeyError, TypeError, ValueError) as error:
        raise RestoreRefused(_("The backup's content is damaged.")) from error


def _check_target(payload: dict[str, Any], *, force: bool) -> None:
    missing = {tuple(pair) for pair in payload["migrations"]} - {
        tuple(pair) for pair in _applied_migrations()
    }
    if missing:
        raise RestoreRefused(
            _(
                "This installation's database schema is older than the "
                "backup's. Upgrade Refuge first, then restore."
            )
        )
    in_use = [label for label in IN_USE_MODELS if apps.get_model(label)._base_manager.exists()]
    if in_use and not force:
        raise RestoreRefused(
            _(
                "This installation already holds data; restore only into an "
                "empty installation (or pass --force to replace everything)."
            )
        )
    for entry in payload["files"]:
        path = PurePosixPath(entry["path"])
        if path.is_absolute() or ".." in path.parts:
            raise RestoreRefused(_("The backup's file list is invalid."))


def _load_database(serialised: str) -> int:
    count = 0
    replaced = [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.label_lower not in REBUILT_BY_MIGRATE
    ]
    # Foreign keys are DEFERRABLE INITIALLY DEFERRED on both databases: the order of deletes
    # and inserts inside this one transaction does not matter; they are checked at commit.
    # Sessions are emptied too: a restored installation starts with nobody logged in.
    with connection.cursor() as cursor:
        for model in replaced:
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - a model's own table name
    deferred = []
    for deserialised in serializers.deserialize(
        "python", json.loads(serialised), handle_forward_references=True
    ):
        deserialised.save()
        if deserialised.deferred_fields:
            deferred.append(deserialised)
        count += 1
    for deserialised in deferred:
        deserialised.save_deferred_fields()
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), replaced):
            cursor.execute(statement)
    return count


def _write_files(entries: list[dict[str, str]]) -> None:
    root = Path(settings.MEDIA_ROOT)
    for entry in entries:
        target = root.joinpath(*PurePosixPath(entry["path"]).parts)
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        partial = target.with_name(target.name + ".restoring")
        partial.write_bytes(base64.b64decode(entry["data"]))
        os.replace(partial, target)


def restore_backup(blob: bytes, *, passphrase: str, force: bool = False) -> RestoreSummary:
    """Check everything first, then replace the database in one transaction, then the files.

    Raises BackupError or RestoreRefused (both with a message safe to show); in that case
    nothing was written.
    """
    payload = _decode(blob, passphrase)
    _check_target(payload, force=force)
    with transaction.atomic():
        count = _load_database(payload["database"])
        record_event(
            AuditAction.RECORD_CREATED,
            target_type="installation",
            target_id="restore",
            details={"kind": "restore", "objects": count},
        )
    _write_files(payload["files"])
    return RestoreSummary(
        objects=count, files=len(payload["files"]), created_at=str(payload["created_at"])
    )
