from __future__ import annotations

import time
from base64 import b32encode
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from refuge.accounts import duress, lockout, services, totp, unlocking
from refuge.accounts.decorators import OperatorRequest, operator_required
from refuge.accounts.duress import DURESS_SESSION_KEY
from refuge.accounts.emergency import emergency_lock
from refuge.accounts.errors import LockLiftRefused
from refuge.accounts.forms import (
    CodeForm,
    CreateOperatorForm,
    DuressPasswordForm,
    EditOperatorForm,
    EmergencyLockForm,
    LoginForm,
    PasswordChangeForm,
)
from refuge.accounts.middleware import (
    GENERATION_KEY,
    GLOBAL_GENERATION_KEY,
    LAST_SEEN_KEY,
    STARTED_KEY,
)
from refuge.accounts.models import Operator
from refuge.accounts.roles import Capability, Role
from refuge.core.addresses import client_address
from refuge.core.errors import ConflictError, DomainError
from refuge.core.middleware import clear_site_data
from refuge.vault.api import (
    SESSION_BLOB_KEY,
    end_session_unlock,
    session_keyring,
    store_session_unlock,
)

PENDING_KEY = "pending_operator_id"
PENDING_BLOB_KEY = "pending_vault_blob"


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            first = services.check_password(
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
                address=client_address(request),
            )
            unlocking.ensure_console_open_for(first.operator)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            request.session.cycle_key()
            request.session[PENDING_KEY] = first.operator.pk
            request.session[DURESS_SESSION_KEY] = first.is_duress
            response = redirect("accounts:code")
            # Under duress the cookie and session look the same, but hold the TOTP seed the
            # duress password opened (to check the code) instead of the operator's key.
            store_session_unlock(
                request, response, first.unlock or duress.seed_unlock(first.duress_seed)
            )
            request.session[PENDING_BLOB_KEY] = request.session.pop(SESSION_BLOB_KEY)
            return response
    return render(request, "accounts/login.html", {"form": form})


@require_http_methods(["GET", "POST"])
def code_view(request: HttpRequest) -> HttpResponse:
    pending_id = request.session.get(PENDING_KEY)
    is_duress = bool(request.session.get(DURESS_SESSION_KEY))
    operator = Operator.objects.filter(pk=pending_id or 0, is_active=True).first()
    if operator is None or (operator.locked_reason and not is_duress):
        return redirect("accounts:login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = _check_code(request, operator, form.cleaned_data["code"], is_duress)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            _complete_login(request, operator, device)
            if operator.must_change_password and not is_duress:
                return redirect("accounts:password_change")
            return redirect("console:home")
    return render(
        request, "accounts/code.html", {"form": form, **_enrolment(request, operator, is_duress)}
    )


def _check_code(request: HttpRequest, operator: Operator, code: str, is_duress: bool) -> Any:
    """The seed opens only with what the password step left: the operator's key (or, under
    duress, the seed the duress password opened), split between session and cookie."""
    if is_duress:
        return services.check_duress_code(
            operator=operator,
            code=code,
            address=client_address(request),
            seed=duress.opened_seed(request, session_key=PENDING_BLOB_KEY),
        )
    keyring = session_keyring(request, operator, session_key=PENDING_BLOB_KEY)
    return services.check_code(
        operator=operator, code=code, address=client_address(request), keyring=keyring
    )


def _enrolment(request: HttpRequest, operator: Operator, is_duress: bool) -> dict[str, Any]:
    if is_duress:
        # A duress login has no key to open a seed with; one enrolling (rare: the duress
        # password is set once enrolled) is shown a seed of no use, and any code passes.
        seed = None if totp.confirmed_device(operator) else totp.new_seed()
    else:
        seed = services.enrolment_seed(
            operator, session_keyring(request, operator, session_key=PENDING_BLOB_KEY)
        )
    if seed is None:
        return {"enrolling": False}
    qr = segno.make(totp.config_url(operator, seed), error="m")
    return {
        "enrolling": True,
        "qr_svg": qr.svg_inline(scale=4, dark="#000", light="#fff"),
        "secret": b32encode(seed).decode(),
    }


def _complete_login(request: HttpRequest, operator: Operator, device: Any) -> None:
    blob = request.session.pop(PENDING_BLOB_KEY, None)
    is_duress = bool(request.session.pop(DURESS_SESSION_KEY, False))
    request.session.pop(PENDING_KEY, None)
    login(request, operator, backend="django.contrib.auth.backends.ModelBackend")
    if device is not None:
        otp_login(request, device)
    # A duress session keeps no seed: its blob is random bytes of the same size.
    request.session[SESSION_BLOB_KEY] = duress.decoy_blob() if is_duress else blob
    request.session[DURESS_SESSION_KEY] = is_duress
    request.session[GENERATION_KEY] = operator.session_generation
    request.session[GLOBAL_GENERATION_KEY] = services.current_global_generation()
    request.session[LAST_SEEN_KEY] = int(time.time())
    request.session[STARTED_KEY] = int(time.time())


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    response = redirect("accounts:login")
    end_session_unlock(request, response)
    return clear_site_data(response)


@require_POST
@operator_required(before_password_change=True)
def logout_everywhere_view(request: OperatorRequest) -> HttpResponse:
    services.log_out_everywhere(request.user)
    logout(request)
    response = redirect("accounts:login")
    end_session_unlock(request, response)
    return clear_site_data(response)


@require_http_methods(["GET", "POST"])
@operator_required(before_password_change=True)
def password_change_view(request: OperatorRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_own_password(
                operator=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            # The session outlives the change (Django would end it with the old hash); the
            # key in it is the same keypair, now wrapped under the new password.
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password was changed."))
            return redirect("console:home")
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "is_one_time": getattr(request.user, "must_change_password", False)},
    )


@operator_required(Capability.MANAGE_OPERATORS)
def operator_list_view(request: OperatorRequest) -> HttpResponse:
    operators = list(Operator.objects.order_by("username"))
    failed_logins = lockout.lockouts(operators)
    rows = [
        {
            "operator": operator,
            "failed_logins": failed_logins.get(operator.pk),
            "unlock": (
                unlocking.duress_unlock_progress(operator) if operator.locked_reason else None
            ),
        }
        for operator in operators
    ]
    return render(request, "accounts/operator_list.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@operator_required(Capability.MANAGE_OPERATORS)
def operator_create_view(request: OperatorRequest) -> HttpResponse:
    form = CreateOperatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        password = services.generate_initial_password()
        operator = services.create_operator(
            created_by=request.user,
            username=form.cleaned_data["username"],
            role=Role(form.cleaned_data["role"]),
            password=password,
            on_intake_duty=form.cleaned_data["on_intake_duty"],
            is_one_time=True,
        )
        return _show_password_once(request, operator, password)
    return render(request, "accounts/operator_form.html", {"form": form})


def _show_password_once(request: HttpRequest, operator: Operator, password: str) -> HttpResponse:
    # Rendered directly (not redirected) so the password never sits in the session store;
    # Cache-Control: no-store keeps it out of the browser cache.
    return render(
        request, "accounts/operator_password.html", {"operator": operator, "password": password}
    )


@require_http_methods(["GET", "POST"])
@operator_required(Capability.MANAGE_OPERATORS)
def operator_edit_view(request: OperatorRequest, operator_id: int) -> HttpResponse:
    operator = get_object_or_404(Operator, pk=operator_id)
    initial = {
        "role": operator.role,
        "is_active": operator.is_active,
        "on_intake_duty": operator.is_on_intake_duty,
        "version": operator.version,
    }
    form = EditOperatorForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_operator(
                operator=operator,
                changed_by=request.user,
                role=Role(form.cleaned_data["role"]),
                is_active=form.cleaned_data["is_active"],
                on_intake_duty=form.cleaned_data["on_intake_duty"],
                expected_version=form.cleaned_data["version"],
            )
        except ConflictError as error:
            messages.error(request, str(error))
            return redirect("accounts:operator_edit", operator_id=operator.pk)
        messages.success(request, _("Saved."))
        return redirect("accounts:operators")
    return render(request, "accounts/operator_form.html", {"form": form, "operator": operator})


@require_POST
@operator_required(Capability.MANAGE_OPERATORS)
def operator_reset_view(request: OperatorRequest, operator_id: int) -> HttpResponse:
    operator = get_object_or_404(Operator, pk=operator_id)
    password = services.generate_initial_password()
    services.reset_password(operator=operator, reset_by=request.user, new_password=password)
    return _show_password_once(request, operator, password)


@require_http_methods(["GET", "POST"])
@operator_required()
def duress_password_view(request: OperatorRequest) -> HttpResponse:
    form = DuressPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            duress.set_duress_password(
                operator=request.user,
                current_password=form.cleaned_data["current_password"],
                duress_password=form.cleaned_data["duress_password"],
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your duress password was saved."))
            return redirect("console:home")
    return render(request, "accounts/duress_password.html", {"form": form})


@require_POST
@operator_required(Capability.MANAGE_OPERATORS)
def operator_unlock_view(request: OperatorRequest, operator_id: int) -> HttpResponse:
    operator = get_object_or_404(Operator, pk=operator_id)
    try:
        progress = unlocking.approve_duress_unlock(operator=operator, approved_by=request.user)
    except LockLiftRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _lift_message(progress, _("The account is unlocked.")))
    return redirect("accounts:operators")


def _lift_message(progress: unlocking.LiftProgress, done: str) -> str:
    if progress.is_complete:
        return done
    return ngettext(
        "Your approval is recorded. %(count)d more coordinator must approve.",
        "Your approval is recorded. %(count)d more coordinators must approve.",
        progress.missing,
    ) % {"count": progress.missing}


@require_POST
@operator_required(Capability.MANAGE_OPERATORS)
def operator_lift_delay_view(request: OperatorRequest, operator_id: int) -> HttpResponse:
    operator = get_object_or_404(Operator, pk=operator_id)
    lockout.lift_login_delay(operator=operator, lifted_by=request.user)
    messages.success(request, _("%(name)s may log in again at once.") % {"name": operator.username})
    return redirect("accounts:operators")


@require_http_methods(["GET", "POST"])
@operator_required(Capability.MANAGE_OPERATORS)
def reopen_view(request: OperatorRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            progress = unlocking.approve_reopen(approved_by=request.user)
        except LockLiftRefused as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _lift_message(progress, _("The console is open again.")))
            if progress.is_complete:
                return redirect("console:home")
        return redirect("accounts:reopen")
    closed_at = unlocking.console_closed_at()
    return render(
        request,
        "accounts/reopen.html",
        {
            "closed_at": closed_at,
            "progress": unlocking.reopen_progress() if closed_at is not None else None,
        },
    )


@require_http_methods(["GET", "POST"])
@operator_required(Capability.EMERGENCY_LOCK)
def emergency_lock_view(request: OperatorRequest) -> HttpResponse:
    form = EmergencyLockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        destroyed = emergency_lock(actor=request.user)
        logout(request)  # our own session row is gone already; this clears the request too
        response = render(
            request,
            "accounts/emergency_locked.html",
            {"sessions": destroyed, "approvals_needed": unlocking.approvals_needed()},
        )
        end_session_unlock(request, response)
        return clear_site_data(response)
    return render(
        request,
        "accounts/emergency_lock.html",
        {"form": form, "approvals_needed": unlocking.approvals_needed()},
    )
