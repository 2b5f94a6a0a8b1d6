from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from refuge.accounts.permissions import require
from refuge.accounts.roles import Capability

View = Callable[..., HttpResponse]


def operator_required(capability: Capability | None = None, *,
                      before_password_change: bool = False) -> Callable[[View], View]:
    """Logged in with both factors, and (optionally) holding a capability, or 302/403.

    An operator holding a one-time password (issued by a coordinator) is sent to the password
    change first: only views marked `before_password_change` open until they chose their own.
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not user.is_authenticated or not user.is_verified():  # type: ignore[union-attr,attr-defined]
                return redirect_to_login(request.get_full_path())
            if getattr(user, "must_change_password", False) and not before_password_change:
                return redirect("accounts:password_change")
            if capability is not None:
                require(user, capability)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
