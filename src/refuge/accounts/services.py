"""Operators: logging in with two factors, sessions, and the coordinator's actions."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import NoReturn

from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import F

from refuge.accounts import duress, lockout, totp
from refuge.accounts.errors import InactiveOperator, LoginRefused, PasswordRejected
from refuge.accounts.models import GlobalLock, Operator, SealedTOTPDevice
from refuge.accounts.passwords import check_password_rules
from refuge.accounts.permissions import require
from refuge.accounts.roles import Capability, Role
from refuge.accounts.signals import intake_duty_started
from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.core.addresses import ClientAddress
from refuge.core.concurrency import save_with_version
from refuge.vault import api as vault
from refuge.vault.api import SessionUnlock


@dataclass(frozen=True, slots=True)
class FirstFactor:
    """The password step's outcome: who, and the key for the session (None under duress).

    Under duress there is no key; `duress_seed` is the TOTP seed the duress password opened
    (None when no copy was kept), so that the code step checks the code as usual."""

    operator: Operator
    unlock: SessionUnlock | None
    duress_seed: bytes | None = field(default=None, repr=False)

    @property
    def is_duress(self) -> bool:
        return self.unlock is None


def check_password(*, username: str, password: str, address: ClientAddress) -> FirstFactor:
    """First factor. Returns the operator and the unlocked key for the session.

    The duress password is recognised here (see accounts.duress). A locked account is refused
    with the same generic message as a wrong password. Raises LoginLocked or LoginRefused;
    every failure counts toward the lockout.
    """
    lockout.ensure_not_locked(username=username, address=address)
    operator = authenticate(username=username, password=password)
    if not isinstance(operator, Operator):
        return _duress_or_refuse(username=username, password=password, address=address)
    duress.burn_equal_time(password)
    if operator.locked_reason:
        record_event(
            AuditAction.LOGIN_LOCKED, target=operator, details={"reason": operator.locked_reason}
        )
        return _refuse(username=username, address=address)
    if not vault.has_operator_key(operator):
        vault.create_operator_key(operator, password)
    try:
        unlock = vault.unlock_for_session(operator, password)
    except vault.WrongPassword:
        return _refuse(username=username, address=address)
    return FirstFactor(operator=operator, unlock=unlock)


def _duress_or_refuse(*, username: str, password: str, address: ClientAddress) -> FirstFactor:
    candidate = Operator.objects.filter(username=username, is_active=True).first()
    if candidate is None:
        duress.burn_equal_time(password)
    elif duress.matches(candidate, password):
        duress.enter_duress(candidate)
        # The derivation a real login spends unlocking the key, spent on the duress copy of
        # the seed: the two take the same time.
        return FirstFactor(
            operator=candidate, unlock=None, duress_seed=totp.open_duress_copy(candidate, password)
        )
    return _refuse(username=username, address=address)


def _refuse(*, username: str, address: ClientAddress) -> NoReturn:
    lockout.register_failure(username=username, address=address)
    known = Operator.objects.filter(username=username).values_list("pk", flat=True).first()
    record_event(
        AuditAction.LOGIN_FAILED,
        target_type="accounts.Operator",
        target_id=known or "",
        details={"step": "password"},
    )
    raise LoginRefused


def check_code(
    *, operator: Operator, code: str, address: ClientAddress, keyring: vault.Keyring
) -> SealedTOTPDevice:
    """Second factor: the code against the seed the pending login's keyring opens (a
    confirmed device's, or the one being enrolled, which is confirmed by its first code)."""
    lockout.ensure_not_locked(username=operator.username, address=address)
    device = totp.confirmed_device(operator)
    enrolling = device is None
    if device is None:
        device = totp.pending_device(operator)
    seed = totp.open_seed(device, keyring)
    if seed is None or not totp.verify(device, seed, code):
        _refuse_code(operator, address)
    if enrolling:
        SealedTOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
        device.confirmed = True
        record_event(AuditAction.TOTP_ENROLLED, actor=operator, target=operator)
    _code_accepted(operator, device)
    return device


def check_duress_code(
    *, operator: Operator, code: str, address: ClientAddress, seed: bytes | None
) -> SealedTOTPDevice | None:
    """The code step of a duress login: the code is checked against the seed the duress
    password opened, as a real login's is. Without such a copy (a duress password set
    before seeds were sealed, docs/backup-and-emergency.md) any six digits pass: a coerced
    person must never be stuck at a code their coercer sees refused."""
    lockout.ensure_not_locked(username=operator.username, address=address)
    device = totp.confirmed_device(operator)
    if seed is None:
        accepted = code.isdigit() and len(code) == 6
    else:
        accepted = device is not None and totp.verify(device, seed, code)
    if not accepted:
        _refuse_code(operator, address)
    return _code_accepted(operator, device)


def _refuse_code(operator: Operator, address: ClientAddress) -> NoReturn:
    lockout.register_failure(username=operator.username, address=address)
    record_event(AuditAction.LOGIN_FAILED, target=operator, details={"step": "code"})
    raise LoginRefused


def _code_accepted(operator: Operator, device: SealedTOTPDevice | None) -> SealedTOTPDevice | None:
    lockout.clear_failures(username=operator.username)
    record_event(AuditAction.LOGIN, actor=operator, target=operator)
    return device


def enrolment_seed(operator: Operator, keyring: vault.Keyring) -> bytes | None:
    """The seed of the device being enrolled, to show as a QR code (None: none to show)."""
    if totp.confirmed_device(operator) is not None:
        return None
    return totp.open_seed(totp.pending_device(operator), keyring)


def current_global_generation() -> int:
    lock, _ = GlobalLock.objects.get_or_create(pk=1)
    return lock.generation


@transaction.atomic
def log_out_everywhere(operator: Operator) -> None:
    """End every session of this operator on every app server."""
    Operator.objects.filter(pk=operator.pk).update(session_generation=F("session_generation") + 1)
    record_event(AuditAction.LOGOUT_EVERYWHERE, actor=operator, target=operator)


def generate_initial_password() -> str:
    # Four groups of five lowercase letters and digits: about 103 bits, easy to read aloud.
    alphabet = "abcdefghijkmnpqrstuvwxyz23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(5)) for _ in range(4))


@transaction.atomic
def create_operator(
    *,
    created_by: Operator | None,
    username: str,
    role: Role,
    password: str,
    on_intake_duty: bool = False,
    is_one_time: bool = False,
) -> Operator:
    """Create an account with its keypair; the TOTP factor is enrolled at first login.

    `is_one_time`: the password was issued by someone else (a coordinator, the command) and
    must be changed at first login.
    """
    if created_by is not None:
        require(created_by, Capability.MANAGE_OPERATORS)
    operator = Operator.objects.create_user(username=username, password=password, role=role)
    operator.is_on_intake_duty = on_intake_duty
    operator.must_change_password = is_one_time
    operator.save(update_fields=["is_on_intake_duty", "must_change_password"])
    vault.create_operator_key(operator, password)
    vault.sync_blind_index_grants()  # seals the index key to them if the creator holds it
    record_event(
        AuditAction.OPERATOR_CREATED,
        actor=created_by,
        target=operator,
        details={"role": str(role), "intake": on_intake_duty},
    )
    if on_intake_duty:
        intake_duty_started.send(sender=Operator, operator=operator, granted_by=created_by)
    return operator


@transaction.atomic
def reset_password(*, operator: Operator, reset_by: Operator, new_password: str) -> None:
    """A coordinator sets a new password: a new keypair, so no access carries over."""
    require(reset_by, Capability.MANAGE_OPERATORS)
    operator.set_password(new_password)
    operator.session_generation += 1
    operator.must_change_password = True  # a password someone else knows: theirs at login
    operator.save(update_fields=["password", "session_generation", "must_change_password"])
    vault.create_operator_key(operator, new_password)
    vault.sync_blind_index_grants()  # the role's index key, not what they could read
    # The seed was sealed to the old key, the duress copy to the old seed: both go, the
    # operator enrols a new device and sets a new duress password.
    totp.forget_devices(operator)
    Operator.objects.filter(pk=operator.pk).update(duress_password="")
    record_event(AuditAction.PASSWORD_RESET, actor=reset_by, target=operator)


@transaction.atomic
def change_own_password(*, operator: Operator, old_password: str, new_password: str) -> None:
    """The operator's own change: the same keypair is wrapped under the new password.

    The new password passes Django's validators and differs from the old one (a one-time
    password issued by a coordinator cannot be "changed" into itself).
    """
    if not operator.check_password(old_password):
        raise LoginRefused
    if new_password == old_password:
        raise PasswordRejected([str(PasswordRejected.SAME_AS_OLD)])
    check_password_rules(new_password, operator=operator)
    vault.rewrap_operator_key(operator, old_password=old_password, new_password=new_password)
    operator.set_password(new_password)
    operator.must_change_password = False
    operator.save(update_fields=["password", "must_change_password"])
    record_event(AuditAction.PASSWORD_CHANGED, actor=operator, target=operator)


@transaction.atomic
def update_operator(
    *,
    operator: Operator,
    changed_by: Operator,
    role: Role,
    is_active: bool,
    on_intake_duty: bool,
    expected_version: int | None = None,
) -> None:
    """A coordinator's edit; refused with a ConflictError if someone saved in between."""
    require(changed_by, Capability.MANAGE_OPERATORS)
    starts_duty = on_intake_duty and is_active and not operator.is_on_intake_duty
    operator.role = role
    operator.is_active = is_active
    operator.is_on_intake_duty = on_intake_duty
    fields = ["role", "is_active", "is_on_intake_duty"]
    if not is_active:
        operator.session_generation += 1
        fields.append("session_generation")
    version = operator.version if expected_version is None else expected_version
    save_with_version(operator, fields, expected_version=version)
    vault.sync_blind_index_grants()  # a role change gains or loses the index key
    record_event(
        AuditAction.OPERATOR_CHANGED,
        actor=changed_by,
        target=operator,
        details={"role": str(role), "active": is_active, "intake": on_intake_duty},
    )
    if starts_duty:
        intake_duty_started.send(sender=Operator, operator=operator, granted_by=changed_by)


@transaction.atomic
def set_intake_duty(*, operator: Operator, on_duty: bool, changed_by: Operator) -> None:
    """Put an operator on intake duty (new web reports are sealed to them, and the open
    contacts now) or take them off it (what they already hold stays theirs)."""
    require(changed_by, Capability.MANAGE_OPERATORS)
    if on_duty and not operator.is_active:
        raise InactiveOperator
    update_operator(
        operator=operator,
        changed_by=changed_by,
        role=Role(operator.role),
        is_active=operator.is_active,
        on_intake_duty=on_duty,
    )
