from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec, cast

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from refuge.accounts.models import Operator
from refuge.accounts.permissions import require
from refuge.accounts.roles import Capability

P = ParamSpec("P")


class OperatorRequest(HttpRequest):
    """A request to a console view behind `operator_required`: its user is a verified operator."""

    user: Operator


ConsoleView = Callable[Concatenate[OperatorRequest, P], HttpResponse]
View = Callable[Concatenate[HttpRequest, P], HttpResponse]


def operator_required(
    capability: Capability | None = None, *, before_password_change: bool = False
) -> Callable[[ConsoleView[P]], View[P]]:
    """Logged in with both factors, and (optionally) holding a capability, or 302/403.

    An operator holding a one-time password (issued by a coordinator) is sent to the password
    change first: only views marked `before_password_change` open until they chose their own.
    """

    def decorator(view: ConsoleView[P]) -> View[P]:
        @wraps(view)
        def wrapped(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            user = request.user
            if not user.is_authenticated or not user.is_verified():  # type: ignore[attr-defined]
                return redirect_to_login(request.get_full_path())
            if getattr(user, "must_change_password", False) and not before_password_change:
                return redirect("accounts:password_change")
            if capability is not None:
                require(user, capability)
            return view(cast(OperatorRequest, request), *args, **kwargs)

        return wrapped

    return decorator
