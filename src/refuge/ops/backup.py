"""`refuge backup` / `refuge restore` / `refuge backup verify`: the whole installation in one
encrypted file, restorable on a machine that never saw the old one.

One code path for SQLite and PostgreSQL: every model's rows are serialised in memory with
Django's JSON serialiser (as `dumpdata` does), the files under MEDIA_ROOT are added, the lot
is compressed and sealed by the vault under a passphrase-derived key. No plaintext copy of
the database ever touches the disk: no temp file, no dump beside the archive.

What a backup carries besides the data (format 2), inside the ciphertext only: the
installation's secret key (it keys the audit chain's MACs, the receipts' salt, the lockout,
rate-limit and documentation digests) and its signing key (audit heads, evidence bundles).
So the disaster kit is the backup file, its passphrase and k recovery shares: a restore on a
new machine writes both keys into the new data directory (mode 600) and the installation
lives on with its old identity; receipts still open mailboxes, the audit chain still
verifies, and a "restored from backup" entry anchored to the old chain head records it.
The passphrase therefore guards the installation's keys too (docs/backup-and-emergency.md).

What is not in a backup: sessions (they hold operators' wrapped keys; a restore logs
everyone out), content types and permissions (rebuilt by migrate). Sealed fields stay
sealed inside the backup: the passphrase protects the archive, the envelopes still protect
each record, and reading them needs an operator's password or k recovery shares.

Format 1 backups (made before the keys travelled inside) are still restored, on the
installation whose secret key made them only.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import hashlib
import json
import os
import uuid
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management.base import CommandError
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

from refuge.audit.models import AuditAction, AuditHead
from refuge.audit.services import record_event
from refuge.core.durable import write_atomically
from refuge.core.errors import DomainError
from refuge.vault import api as vault

FORMAT = 2
BOUND_FORMAT = 1  # no keys inside: restorable only where the secret key is the same
READABLE_FORMATS = (BOUND_FORMAT, FORMAT)
REBUILT_BY_MIGRATE = {"contenttypes.contenttype", "auth.permission"}
EXCLUDED_MODELS = {*REBUILT_BY_MIGRATE, "sessions.session"}
# Rows that make an installation "in use": a restore over them needs --force.
IN_USE_MODELS = ("accounts.Operator", "audit.AuditEvent", "vault.Envelope")
MAX_BACKUP_BYTES = 16 * 1024 * 1024 * 1024
SECRET_KEY_FILE = "secret_key"  # noqa: S105 - a file name
SECRET_KEY_VARIABLE = "REFUGE_SECRET_KEY"  # noqa: S105 - a variable name


class RestoreRefused(DomainError):
    """The backup cannot be restored (or verified); nothing was changed."""


class RestoreIncomplete(DomainError):
    """The database was replaced, but the data directory could not take the keys or files."""


@dataclass(frozen=True, slots=True)
class BackupContents:
    """What `refuge backup verify` reports: a backup checked end to end, nothing restored."""

    format: int
    created_at: str
    objects: int
    files: int
    migrations: int
    carries_keys: bool
    objects_by_model: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RestoreSummary:
    objects: int
    files: int
    created_at: str
    # The installation's keys the backup carried: whether they differ from those this process
    # started with (then every running Refuge process must be restarted), where the secret key
    # was written, and whether REFUGE_SECRET_KEY in the environment still overrides that file.
    keys_changed: bool = False
    secret_key_file: Path | None = None
    environment_overrides_key: bool = False


def read_backup_file(source: Path) -> bytes:
    """A backup file's bytes, or a CommandError saying why it cannot be one (exit code 2)."""
    if "\x00" in str(source):
        raise CommandError("Cannot read this file.", returncode=2)
    try:
        if not source.is_file():
            raise CommandError("This is not a file.", returncode=2)
        if source.stat().st_size > MAX_BACKUP_BYTES:
            raise CommandError("This file is too large to be a backup.", returncode=2)
        return source.read_bytes()
    except (OSError, ValueError):
        raise CommandError("Cannot read this file.", returncode=2) from None


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


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _media_files() -> list[dict[str, str]]:
    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return []
    entries = []
    for path in sorted(root.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            entries.append(
                {
                    "path": path.relative_to(root).as_posix(),
                    "data": base64.b64encode(data).decode(),
                    "sha256": _sha256(data),
                }
            )
    return entries


def _applied_migrations() -> list[list[str]]:
    return sorted([app, name] for app, name in MigrationRecorder(connection).applied_migrations())


def _installation_keys() -> dict[str, str]:
    return {
        "secret_key": settings.SECRET_KEY,
        "signing_key": base64.b64encode(vault.signing_key_seed()).decode(),
    }


def create_backup(*, passphrase: str) -> bytes:
    """Return the encrypted backup of the whole installation (database, files and keys)."""
    record_event(
        AuditAction.EXPORT,
        target_type="installation",
        target_id="backup",
        details={"kind": "backup"},
    )
    with transaction.atomic():  # one consistent snapshot of every table
        database = _serialise_database()
        payload = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "migrations": _applied_migrations(),
            "database": database,
            "database_sha256": _sha256(database.encode()),
            "files": _media_files(),
            "installation": _installation_keys(),
        }
    compressed = zlib.compress(json.dumps(payload).encode(), level=6)
    return vault.seal_backup(compressed, passphrase=passphrase, installation_id=installation_id())


def _decode(blob: bytes, passphrase: str) -> dict[str, Any]:
    compressed = vault.open_backup(blob, passphrase=passphrase, installation_id=installation_id())
    try:
        payload = json.loads(zlib.decompress(compressed))
    except (zlib.error, ValueError) as error:
        raise RestoreRefused(_("The backup's content is damaged.")) from error
    if not isinstance(payload, dict) or payload.get("format") not in READABLE_FORMATS:
        raise RestoreRefused(_("The backup's content has an unknown format."))
    return payload


def _damaged(what: str) -> RestoreRefused:
    return RestoreRefused(_("The backup's content is damaged: %(what)s.") % {"what": what})


def _check_structure(payload: dict[str, Any]) -> None:
    expected = {
        "created_at": str,
        "migrations": list,
        "database": str,
        "files": list,
    }
    for key, kind in expected.items():
        if not isinstance(payload.get(key), kind):
            raise _damaged(key)
    migrations = payload["migrations"]
    if not all(
        isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair)
        for pair in migrations
    ):
        raise _damaged("migrations")
    if payload["format"] != BOUND_FORMAT:
        if payload.get("database_sha256") != _sha256(payload["database"].encode()):
            raise _damaged("database")
        keys = payload.get("installation")
        if not isinstance(keys, dict) or not isinstance(keys.get("secret_key"), str):
            raise _damaged("installation keys")
        if not keys["secret_key"] or len(_signing_seed(keys)) != SIGNING_SEED_BYTES:
            raise _damaged("installation keys")


SIGNING_SEED_BYTES = 32


def _signing_seed(keys: dict[str, Any]) -> bytes:
    try:
        return base64.b64decode(str(keys.get("signing_key", "")), validate=True)
    except (ValueError, TypeError):
        return b""


def _check_files(payload: dict[str, Any]) -> None:
    for entry in payload["files"]:
        if not isinstance(entry, dict) or not all(
            isinstance(entry.get(key), str) for key in ("path", "data")
        ):
            raise _damaged("file list")
        path = PurePosixPath(entry["path"])
        if not entry["path"] or path.is_absolute() or ".." in path.parts:
            raise RestoreRefused(_("The backup's file list is invalid."))
        try:
            data = base64.b64decode(entry["data"], validate=True)
        except ValueError:
            raise _damaged(entry["path"]) from None
        if payload["format"] != BOUND_FORMAT and entry.get("sha256") != _sha256(data):
            raise _damaged(entry["path"])


def _check_rows(serialised: str) -> dict[str, int]:
    """Every row names a model of this code and only fields that model has."""
    try:
        rows = json.loads(serialised)
    except ValueError:
        raise _damaged("database") from None
    if not isinstance(rows, list):
        raise _damaged("database")
    counts: dict[str, int] = {}
    known: dict[str, set[str]] = {}
    for row in rows:
        if not isinstance(row, dict) or not isinstance(row.get("fields"), dict):
            raise _damaged("database")
        label = row.get("model")
        if not isinstance(label, str):
            raise _damaged("database")
        if label not in known:
            try:
                model = apps.get_model(label)
            except (LookupError, ValueError):
                raise RestoreRefused(
                    _("The backup holds records this version of Refuge does not know (%(model)s).")
                    % {"model": label}
                ) from None
            known[label] = {f.name for f in model._meta.get_fields()}
        unknown = set(row["fields"]) - known[label]
        if unknown:
            raise RestoreRefused(
                _("The backup holds fields this version of Refuge does not know (%(model)s).")
                % {"model": label}
            )
        counts[label] = counts.get(label, 0) + 1
    return counts


def _check_schema_against_code(payload: dict[str, Any]) -> None:
    """A backup made by a newer Refuge (migrations this code lacks) is refused; older is fine."""
    on_disk = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    newer = {tuple(pair) for pair in payload["migrations"]} - on_disk
    if newer:
        raise RestoreRefused(
            _(
                "The backup was made by a newer version of Refuge (%(count)d migration(s) "
                "this code does not have). Upgrade Refuge first, then restore."
            )
            % {"count": len(newer)}
        )


def _checked(blob: bytes, passphrase: str) -> tuple[dict[str, Any], dict[str, int]]:
    payload = _decode(blob, passphrase)
    _check_structure(payload)
    _check_files(payload)
    _check_schema_against_code(payload)
    return payload, _check_rows(payload["database"])


def verify_backup(blob: bytes, *, passphrase: str) -> BackupContents:
    """Check a backup end to end without restoring it; raises BackupError or RestoreRefused.

    Decrypts (the tag checks every byte), decompresses, checks the structure, each file's
    and the database's digest, that every row belongs to a model and fields this code has,
    and that the backup's schema is not newer than this code's.
    """
    payload, counts = _checked(blob, passphrase)
    return BackupContents(
        format=int(payload["format"]),
        created_at=payload["created_at"],
        objects=sum(counts.values()),
        files=len(payload["files"]),
        migrations=len(payload["migrations"]),
        carries_keys=payload["format"] != BOUND_FORMAT,
        objects_by_model=dict(sorted(counts.items())),
    )


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
        write_atomically(target, base64.b64decode(entry["data"]))


@dataclass(frozen=True, slots=True)
class _StagedKey:
    """The restored secret key, written beside the key file before the database changes."""

    key: str
    target: Path
    partial: Path

    def install(self) -> None:
        os.replace(self.partial, self.target)

    def discard(self) -> None:
        self.partial.unlink(missing_ok=True)


def _stage_secret_key(key: str) -> _StagedKey:
    """Write the key to `<data dir>/secret_key.restoring` (mode 600), fsynced: if the data
    directory cannot take it, the restore stops before anything changed."""
    target = Path(settings.DATA_DIR) / SECRET_KEY_FILE
    partial = target.with_name(target.name + ".restoring")
    partial.unlink(missing_ok=True)
    try:
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(key)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as error:
        raise RestoreRefused(
            _("Cannot write the restored secret key into the data directory (%(reason)s).")
            % {"reason": error.strerror or "error"}
        ) from None
    return _StagedKey(key=key, target=target, partial=partial)


def _audit_head() -> tuple[int, str]:
    head = AuditHead.objects.filter(pk=1).first()
    return (head.sequence, head.entry_hash) if head is not None else (0, "")


def _record_restore(payload: dict[str, Any], *, objects: int, keys_restored: bool) -> None:
    sequence, entry_hash = _audit_head()
    record_event(
        AuditAction.RECORD_CREATED,
        target_type="installation",
        target_id="restore",
        details={
            "kind": "restored_from_backup",
            "objects": objects,
            "files": len(payload["files"]),
            "backup_created_at": str(payload["created_at"])[:64],
            "backup_format": int(payload["format"]),
            # The restored chain's head: this entry extends it, so `audit verify` walks from
            # the first entry the old installation wrote through the restore and beyond.
            "previous_head_sequence": sequence,
            "previous_head_hash": entry_hash,
            "installation_keys": "restored" if keys_restored else "unchanged",
        },
    )


def restore_backup(blob: bytes, *, passphrase: str, force: bool = False) -> RestoreSummary:
    """Check everything first, then replace the database in one transaction, then the files
    and, when the backup carries them and they differ, this installation's keys.

    Raises BackupError or RestoreRefused (both with a message safe to show); in that case
    nothing was written. On success this process runs with the restored secret key; other
    Refuge processes still hold the one they started with, and must be restarted.
    """
    payload, _counts = _checked(blob, passphrase)
    _check_target(payload, force=force)
    keys = payload.get("installation") or {}
    restored_key = str(keys.get("secret_key") or settings.SECRET_KEY)
    started_with = settings.SECRET_KEY
    keys_changed = restored_key != started_with
    staged = _stage_secret_key(restored_key) if keys_changed else None
    try:
        with transaction.atomic():
            count = _load_database(payload["database"])
            # The restored chain is keyed with the restored key: the entry below, and everything
            # this process writes after it, must be too.
            settings.SECRET_KEY = restored_key
            _record_restore(payload, objects=count, keys_restored=keys_changed)
    except BaseException:
        settings.SECRET_KEY = started_with
        if staged is not None:
            staged.discard()
        raise
    try:
        if staged is not None:
            staged.install()
        seed = _signing_seed(keys)
        if seed:
            vault.install_signing_key_seed(seed)
        _write_files(payload["files"])
    except OSError as error:
        raise RestoreIncomplete(
            _(
                "The database was restored, but writing the keys or files into the data "
                "directory failed (%(reason)s). Fix that, then restore again with --force."
            )
            % {"reason": error.strerror or "error"}
        ) from None
    return RestoreSummary(
        objects=count,
        files=len(payload["files"]),
        created_at=str(payload["created_at"]),
        keys_changed=keys_changed,
        secret_key_file=staged.target if staged is not None else None,
        environment_overrides_key=keys_changed
        and bool(os.environ.get(SECRET_KEY_VARIABLE, "").strip()),
    )
