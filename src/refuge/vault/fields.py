"""Encrypted model fields: code reads and assigns plain strings; the database holds ciphertext.

    class Contact(models.Model):
        envelope = models.ForeignKey(Envelope, on_delete=models.PROTECT)
        summary = SealedTextField(envelope_field="envelope")

Reading `contact.summary` opens the envelope with the current keyring; assigning a string
marks it for encryption at save. A value that cannot be opened reads as an `Unreadable`
string (it renders as a notice naming the record) and can never be saved back.
"""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext

from refuge.vault.errors import AccessDenied, UnreadableRecord, VaultError, VaultLocked

SERIALISED_PREFIX = "refuge-sealed:"


class Unreadable(str):
    """Stands in for a value the current reader cannot open."""

    is_unreadable = True
    ciphertext: bytes | None = None  # the stored bytes, kept if a raw save writes them back

    def __new__(cls, record_label: str, reason: str) -> Unreadable:
        text = gettext("[cannot be read: %(record)s, %(reason)s]") % {
            "record": record_label,
            "reason": reason,
        }
        return super().__new__(cls, text)


class _Opened(str):
    """An opened value; remembers its ciphertext so that paths which skip pre_save (raw saves
    of loaddata, bulk_update of an unchanged field) write the ciphertext back, never the text."""

    ciphertext: bytes


@dataclass(slots=True)
class _Sealed:
    ciphertext: bytes
    plaintext: str | None = None


@dataclass(slots=True)
class _Pending:
    plaintext: str


def is_readable(value: object) -> bool:
    return not isinstance(value, Unreadable)


class SealedAttribute:
    def __init__(self, field: SealedTextField) -> None:
        self.field = field

    def __get__(self, instance: models.Model | None, owner: type) -> Any:
        if instance is None:
            return self
        if self.field.attname not in instance.__dict__ and instance.pk is not None:
            instance.refresh_from_db(fields=[self.field.attname])  # a deferred column (.only())
        state = instance.__dict__.get(self.field.attname)
        if state is None:
            return None
        if isinstance(state, _Pending):
            return state.plaintext
        if state.plaintext is None:
            opened = self._open(instance, state.ciphertext)
            opened.ciphertext = state.ciphertext
            state.plaintext = opened
        return state.plaintext

    def __set__(self, instance: models.Model, value: Any) -> None:
        if value is None:
            instance.__dict__[self.field.attname] = None
        elif isinstance(value, Unreadable):
            raise VaultError(gettext("An unreadable value cannot be saved back."))
        elif isinstance(value, str):
            instance.__dict__[self.field.attname] = _Pending(value)
        elif isinstance(value, bytes | memoryview | bytearray):
            instance.__dict__[self.field.attname] = _Sealed(bytes(value))
        else:
            raise TypeError(f"{self.field.name} takes text, not {type(value).__name__}")

    def _open(self, instance: models.Model, ciphertext: bytes) -> _Opened | Unreadable:
        from refuge.vault import envelopes  # envelopes imports the models, which use this field

        record_label = f"{instance._meta.label} {instance.pk}"
        try:
            envelope_id = self.field.envelope_id_of(instance)
            plain = envelopes.decrypt_bytes(
                envelope_id, ciphertext, label=self.field.label_of(instance)
            )
        except UnreadableRecord:
            return Unreadable(record_label, gettext("damaged"))
        except AccessDenied:
            return Unreadable(record_label, gettext("not shared with you"))
        except VaultLocked:
            return Unreadable(record_label, gettext("keys locked"))
        except VaultError:  # no envelope on the record
            return Unreadable(record_label, gettext("damaged"))
        return _Opened(plain.decode("utf-8"))


class SealedTextField(models.BinaryField):  # type: ignore[type-arg]
    """Text encrypted with the data key of the envelope named by `envelope_field`."""

    def __init__(self, *args: Any, envelope_field: str = "envelope", **kwargs: Any) -> None:
        self.envelope_field = envelope_field
        kwargs.setdefault("editable", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["envelope_field"] = self.envelope_field
        kwargs.pop("editable", None)
        return name, path, args, kwargs

    def contribute_to_class(
        self, cls: type[models.Model], name: str, private_only: bool = False
    ) -> None:
        super().contribute_to_class(cls, name, private_only=private_only)
        setattr(cls, self.attname, SealedAttribute(self))

    def envelope_id_of(self, instance: models.Model) -> uuid.UUID:
        envelope_id = getattr(instance, f"{self.envelope_field}_id", None)
        if envelope_id is None:
            raise VaultError(f"{instance._meta.label} has no envelope for {self.name}.")
        return envelope_id if isinstance(envelope_id, uuid.UUID) else uuid.UUID(str(envelope_id))

    def label_of(self, instance: models.Model) -> str:
        return f"{instance._meta.label}.{self.name}"

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        state = model_instance.__dict__.get(self.attname)
        if state is None:
            return None
        if isinstance(state, _Sealed):
            return state.ciphertext
        from refuge.vault import envelopes

        ciphertext = envelopes.encrypt_bytes(
            self.envelope_id_of(model_instance),
            state.plaintext.encode("utf-8"),
            label=self.label_of(model_instance),
        )
        opened = _Opened(state.plaintext)
        opened.ciphertext = ciphertext
        model_instance.__dict__[self.attname] = _Sealed(ciphertext, opened)
        return ciphertext

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        # Only ciphertext from pre_save reaches the database. Text arriving here comes from a
        # path that skips pre_save (QuerySet.update, bulk_update, a lookup): refuse it rather
        # than store or send plaintext.
        if isinstance(value, str):
            ciphertext = getattr(value, "ciphertext", None)  # an unchanged _Opened/Unreadable
            if ciphertext is None:
                raise TypeError(
                    f"{self.name} is sealed: assign text to the attribute and "
                    "save(); it cannot be filtered on or set with update()"
                )
            value = ciphertext
        return super().get_db_prep_value(value, connection, prepared)

    def value_from_object(self, obj: models.Model) -> Any:
        return getattr(obj, self.attname)

    def value_to_string(self, obj: models.Model) -> str:
        """Serialisers (dumpdata) get the ciphertext, never the text."""
        state = obj.__dict__.get(self.attname)
        if state is None:
            return ""
        if not isinstance(state, _Sealed):
            raise VaultError("Save the record before serialising its sealed fields.")
        return SERIALISED_PREFIX + base64.b64encode(state.ciphertext).decode("ascii")

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and value.startswith(SERIALISED_PREFIX):
            return base64.b64decode(value[len(SERIALISED_PREFIX) :])  # loaddata: ciphertext
        return value

    def formfield(self, **kwargs: Any) -> Any:  # type: ignore[override]
        defaults: dict[str, Any] = {"form_class": forms.CharField, "widget": forms.Textarea}
        defaults.update(kwargs)
        return models.Field.formfield(self, **defaults)
