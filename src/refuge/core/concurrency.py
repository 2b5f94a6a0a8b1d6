"""Optimistic locking: a save that refuses to overwrite someone else's newer update.

Every editable record carries `version = models.PositiveIntegerField(default=0)`. A form
carries the version it was rendered from; the service saves with

    save_with_version(case, ["status", "summary"], expected_version=form.cleaned_data["version"])

which runs one `UPDATE ... SET ..., version = version + 1 WHERE pk = %s AND version = %s`.
When another user saved first, no row matches and ConflictError is raised: the view shows
its message and the user reloads. Nothing is lost silently, on SQLite or PostgreSQL, with
any number of app servers (the check is in the database, not in a process's memory).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from refuge.core.errors import ConflictError

VERSION_FIELD = "version"


class StaleRecord(ConflictError):
    """Someone saved this record after it was opened."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "Someone else changed this record after you opened it. "
                "Reload the page to see their changes, then make yours again."
            )
        )


def save_with_version(
    instance: models.Model,
    fields: Iterable[str],
    *,
    expected_version: int,
    conflict: type[ConflictError] | ConflictError = StaleRecord,
) -> int:
    """Write `fields` of `instance` only if its stored version is still `expected_version`.

    Returns the new version (also set on the instance). Raises `conflict` (StaleRecord unless
    the caller names its own ConflictError, with its own message) when the row was changed or
    deleted in the meantime. With no fields it only claims the version: the caller then saves
    as usual, the conflict already excluded. Each field's value is what `Model.save()` would
    write (its `pre_save`), so sealed fields are encrypted and never reach the UPDATE as text.
    Call it inside the service's transaction, next to the audit event, so a refused save
    writes nothing.
    """
    names = [name for name in fields if name != VERSION_FIELD]
    model = type(instance)
    values: dict[str, Any] = {}
    for name in names:
        field = model._meta.get_field(name)
        if not isinstance(field, models.Field):
            raise TypeError(f"{name} is not a concrete field of {model.__name__}")
        values[field.attname] = field.pre_save(instance, False)
    updated = model._default_manager.filter(
        pk=instance.pk, **{VERSION_FIELD: expected_version}
    ).update(**values, **{VERSION_FIELD: F(VERSION_FIELD) + 1})
    if updated == 0:
        raise conflict
    new_version = expected_version + 1
    setattr(instance, VERSION_FIELD, new_version)
    return new_version


def update_bumping_version(rows: models.QuerySet[Any], **values: Any) -> int:
    """The other half of optimistic locking: a conditional update (`rows` filtered by the state
    the change requires, e.g. "still unassigned") that also moves the version on, so that a
    form opened before it is refused by `save_with_version`. Returns how many rows changed
    (0: the condition no longer held; the caller says why)."""
    return rows.update(**values, **{VERSION_FIELD: F(VERSION_FIELD) + 1})
