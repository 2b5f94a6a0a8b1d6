"""The console a duress login opens: the role's normal menu, every list empty.

A coercer who knows the role expects the menu that role has, and lists that open. A 403 on
every page, or a page missing from the menu, would tell them the password was a duress one.
So the stand-in user (accounts.duress) holds its role's capabilities, and every request of a
duress session runs against an empty view of the data:

- each read of the application's tables (SELECT, WITH) is wrapped so that it returns no row
  (`SELECT * FROM (<query>) WHERE 1 = 0`: same columns, nothing in them; counts read 0); only
  the audit chain's head is read as is, so the session's page views are still audited;
- a write to the application's tables other than the audit log, and any other statement on
  them, is refused (a page that writes when read is shown as "temporarily unavailable", never
  an error page);
- a POST (other than logging out) is answered with a neutral "not saved, try again" and
  writes nothing.

Object pages therefore answer 404 (nothing exists for this session), list pages show their
usual "nothing here" text, and nothing can be decrypted anyway: the session holds no key.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib import messages
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

# Tables whose rows a duress session must not see (every app of Refuge, the TOTP devices).
APP_TABLE = re.compile(
    r"\b(accounts|analysis|api|approvals|audit|cases|channels|documentation|hotline|intake|"
    r"vault)_[a-z_]+|\botp_totp_",
    re.IGNORECASE,
)
# Read as is: the audit chain's head (record_event appends the session's page views).
READ_AS_IS = frozenset({"audit_audithead"})
# Written as is: the audit log.
WRITTEN_AS_IS = frozenset({"audit_auditevent", "audit_audithead"})
# Logging out, and switching the language (the stand-in saves no choice: preference_views).
POSTS_ALLOWED = frozenset({"accounts:logout", "accounts:language"})


class DuressWrite(Exception):
    """A page read under duress tried to write application data; nothing was written."""


def _tables(sql: str) -> set[str]:
    return {match.group(0).lower() for match in APP_TABLE.finditer(sql)}


def _empty_view(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
) -> Any:
    """Fail closed: a read of the application's tables (SELECT, or WITH ... SELECT) returns no
    row; a write is refused but to the audit log; any other statement on them is refused."""
    tables = _tables(sql)
    if tables:
        statement = sql.lstrip().split(None, 1)[0].upper()
        if statement in {"SELECT", "WITH"}:
            if tables - READ_AS_IS:
                sql = f"SELECT * FROM ({sql}) duress_empty WHERE 1 = 0"  # noqa: S608 - our own SQL
        elif statement not in {"INSERT", "UPDATE", "DELETE"} or tables - WRITTEN_AS_IS:
            raise DuressWrite
    return execute(sql, params, many, context)


@contextmanager
def empty_database_view() -> Iterator[None]:
    with connection.execute_wrapper(_empty_view):
        yield


def refuse_post(request: HttpRequest) -> HttpResponse | None:
    """A POST of a duress session (but logging out): nothing saved, a neutral message."""
    if request.method != "POST":
        return None
    try:
        view_name = resolve(request.path_info).view_name
    except Resolver404:
        view_name = ""
    return None if view_name in POSTS_ALLOWED else unavailable(request)


def unavailable(request: HttpRequest) -> HttpResponse:
    messages.error(
        request, _("The connection was interrupted and nothing was saved. Try again in a moment.")
    )
    back = request.META.get("HTTP_REFERER", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("console:home")
