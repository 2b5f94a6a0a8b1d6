"""Public intake pages. No JavaScript; every POST answers 303 to a GET page (the quick exit's,
to the page it leaves for). Every page has one neutral title, and no address says that a
report was made: the receipt is shown at "/" itself (docs/intake.md).

A form with errors is not re-rendered in the POST's answer: its text waits, encrypted under the
browser's cookie key (intake.browser), for the GET that shows it with its errors, so the
browser keeps no POST page holding what was typed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from contextlib import suppress
from functools import wraps
from typing import Any

from csp.constants import NONE
from django.conf import settings
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse, translate_url
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from refuge.intake import abuse, services
from refuge.intake.attachments import MAX_FILES, clean_uploads
from refuge.intake.browser import (
    browser_key,
    drop_empty_session,
    drop_stash,
    forget_browser,
    forget_mailbox,
    mailbox_thread,
    pop_stash,
    remember_mailbox,
    send_new_key,
    stash,
)
from refuge.intake.errors import (
    AttachmentRejected,
    DuplicateSubmission,
    RepliesNotErasable,
    ThreadGone,
)
from refuge.intake.forms import (
    EraseRepliesForm,
    MessageForm,
    ReceiptForm,
    ReportForm,
    new_form_token,
)
from refuge.intake.models import Direction, ReporterKind, Urgency
from refuge.vault import api as vault

View = Callable[..., HttpResponse]
# Public pages: no script at all, no fetches, no images (the favicon is declared as data:).
PUBLIC_CSP = {"script-src": [NONE], "connect-src": [NONE], "img-src": [NONE]}
REPORT_FIELDS = ("body", "contact", "reporter_kind", "urgency")
# Multipart framing and the text fields on top of the files themselves.
FORM_OVERHEAD_BYTES = 1_000_000
RECEIPT_STASH = "receipt"
# How long a shown receipt may be shown again by a switch of language on its page.
RECEIPT_SWITCH_SECONDS = 15 * 60


def _public(view: View, *, keeps_receipt: bool) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        browser_key(request, create=True)
        if not keeps_receipt:
            drop_stash(request, RECEIPT_STASH)  # the receipt stays with its own page only
        answer = view(request, *args, **kwargs)
        drop_empty_session(request)
        response = send_new_key(request, answer)
        response._csp_replace = PUBLIC_CSP  # type: ignore[attr-defined]  # django-csp's hook
        return response

    return wrapped


def public_page(view: View) -> View:
    """No script at all; the browser key cookie goes out with the first page that needs it."""
    return _public(view, keeps_receipt=False)


def receipt_page(view: View) -> View:
    """A public page that may show the receipt waiting for this browser (the first page)."""
    return _public(view, keeps_receipt=True)


def see_other(url: str) -> HttpResponse:
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def _page(request: HttpRequest, template: str, context: Mapping[str, Any]) -> HttpResponse:
    other = "en" if get_language() == "ru" else "ru"
    return render(
        request,
        template,
        {
            **context,
            "other_language_url": translate_url(request.path, other),
            "other_language_name": dict(settings.LANGUAGES)[other],
        },
    )


def _errors_of(form: Any) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name, messages in form.errors.items():
        key = name if name in REPORT_FIELDS else "form"
        errors.setdefault(key, []).extend(str(message) for message in messages)
    return errors


def _refuse(
    request: HttpRequest,
    name: str,
    url_name: str,
    *,
    values: Mapping[str, Any],
    errors: Mapping[str, list[str]],
) -> HttpResponse:
    stash(request, name, {"values": dict(values), "errors": dict(errors)})
    return see_other(reverse(url_name))


def _values(request: HttpRequest, fields: tuple[str, ...]) -> dict[str, str]:
    # Over-long text is kept as typed, so the person can shorten it instead of retyping.
    return {field: request.POST.get(field, "") for field in fields}


def _too_large(request: HttpRequest) -> bool:
    """Too large to accept; also past what the in-memory upload handler would keep at all."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    limit = min(
        settings.INTAKE_MAX_ATTACHMENT_BYTES + FORM_OVERHEAD_BYTES,
        settings.FILE_UPLOAD_MAX_MEMORY_SIZE,
    )
    return declared > limit


def _files_too_large_message() -> str:
    return _("The files are too large together: at most %(limit)s MB.") % {
        "limit": f"{settings.INTAKE_MAX_ATTACHMENT_BYTES / 1_048_576:.1f}"
    }


def _busy_message() -> str:
    return _("The service is very busy and nothing was stored. Please send again in a moment.")


def _rate_limited_message(scope: abuse.Scope) -> str:
    if scope.is_the_senders_own:
        return _(
            "Too many attempts from your connection in the last hour. Please wait and "
            "try again later."
        )
    # A budget many people share was used up (behind Tor, or everyone at once): not their doing.
    return _(
        "The hotline is receiving very many requests right now. Please try again in a few minutes."
    )


@require_http_methods(["GET", "POST"])
@receipt_page
def report(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            return _receive_report(request)
        except OperationalError:  # the database stayed locked or unreachable: nothing stored
            return _refuse(
                request,
                "report",
                "intake:report",
                values=_values(request, REPORT_FIELDS),
                errors={"form": [_busy_message()]},
            )
    receipt_shown = _show_receipt(request)
    if receipt_shown is not None:
        return receipt_shown
    stashed = pop_stash(request, "report")
    return _page(
        request,
        "intake/report.html",
        {
            "form_token": new_form_token(),
            "values": stashed.get("values", {}),
            "errors": stashed.get("errors", {}),
            "urgencies": Urgency.choices,
            "reporter_kinds": ReporterKind.choices,
            "max_files": MAX_FILES,
            "max_megabytes": settings.INTAKE_MAX_ATTACHMENT_BYTES // 1_048_576,
        },
    )


def _receive_report(request: HttpRequest) -> HttpResponse:
    values = _values(request, REPORT_FIELDS)

    def refuse(errors: Mapping[str, list[str]]) -> HttpResponse:
        return _refuse(request, "report", "intake:report", values=values, errors=errors)

    refused_by = abuse.refusal(request, "report")
    if refused_by is not None:
        return refuse({"form": [_rate_limited_message(refused_by)]})
    if _too_large(request):
        return refuse({"attachments": [_files_too_large_message()]})
    form = ReportForm(request.POST)
    if not form.is_valid():
        return refuse(_errors_of(form))
    key = browser_key(request)
    try:
        files = clean_uploads(request.FILES.getlist("attachments"))
    except AttachmentRejected as error:
        return refuse({"attachments": [str(error)]})
    with suppress(DuplicateSubmission):  # the first sending made the report; its receipt follows
        services.submit_report(
            body=form.cleaned_data["body"],
            reporter_kind=form.cleaned_data["reporter_kind"],
            urgency=form.cleaned_data["urgency"],
            contact_instructions=form.cleaned_data["contact"],
            attachments=files,
            form_nonce=form.nonce,
            receipt_wrapping_key=key,
        )
    # The receipt is shown at the first page's own address: the browser's history gets no
    # address or title that says a report was made (docs/intake.md, "What history keeps").
    stash(request, RECEIPT_STASH, {"reference": services.form_digest(form.nonce)})
    return see_other(reverse("intake:report"))


def _show_receipt(request: HttpRequest) -> HttpResponse | None:
    """The receipt page, when a receipt waits for this browser; None for the report form.

    Shown once from the encrypted pending row; a switch of language on that page shows it
    again in the chosen language. Reloading, or any other page, ends it.
    """
    pending = pop_stash(request, RECEIPT_STASH)
    if not pending:
        return None
    language = get_language()
    receipt: str | None = None
    key = browser_key(request)
    if isinstance(pending.get("reference"), str) and key is not None:
        receipt = services.take_pending_receipt(
            form_reference=pending["reference"], receipt_wrapping_key=key
        )
    elif _may_show_again(pending, language):
        receipt = str(pending["receipt"])
    if receipt is not None:
        stash(
            request,
            RECEIPT_STASH,
            {"receipt": receipt, "language": language, "shown_at": int(time.time())},
        )
    return _page(request, "intake/receipt.html", {"receipt": receipt})


def _may_show_again(pending: Mapping[str, Any], language: str) -> bool:
    shown_at = pending.get("shown_at")
    return (
        isinstance(pending.get("receipt"), str)
        and pending.get("language") != language
        and isinstance(shown_at, int)
        and time.time() - shown_at < RECEIPT_SWITCH_SECONDS
    )


@require_GET
@public_page
def mailbox(request: HttpRequest) -> HttpResponse:
    stashed = pop_stash(request, "mailbox")
    thread = mailbox_thread(request)
    context = {
        "errors": stashed.get("errors", {}),
        "values": stashed.get("values", {}),
        "notice": stashed.get("notice", ""),
    }
    if thread is not None and services.is_thread_gone(thread):
        forget_mailbox(request)
        context["errors"] = {"receipt": [str(ThreadGone())]}
        thread = None
    if thread is None:
        return _page(request, "intake/mailbox_open.html", context)
    thread_messages = services.mailbox_messages_of(thread)
    replies = [
        message.pk for message in thread_messages if message.direction == Direction.FROM_OPERATOR
    ]
    return _page(
        request,
        "intake/mailbox.html",
        {
            **context,
            "thread": thread,
            "thread_messages": thread_messages,
            "last_reply_id": max(replies) if replies and thread.can_erase_replies else None,
            "form_token": new_form_token(),
            "max_files": MAX_FILES,
            "max_megabytes": settings.INTAKE_MAX_ATTACHMENT_BYTES // 1_048_576,
        },
    )


@require_POST
@public_page
def mailbox_open(request: HttpRequest) -> HttpResponse:
    try:
        return _open_mailbox(request)
    except OperationalError:
        return _refuse(
            request, "mailbox", "intake:mailbox", values={}, errors={"receipt": [_busy_message()]}
        )


def _open_mailbox(request: HttpRequest) -> HttpResponse:
    def refuse(message: str) -> HttpResponse:
        return _refuse(
            request, "mailbox", "intake:mailbox", values={}, errors={"receipt": [message]}
        )

    refused_by = abuse.refusal(request, "mailbox")
    if refused_by is not None:
        return refuse(_rate_limited_message(refused_by))
    form = ReceiptForm(request.POST)
    if not form.is_valid():
        return refuse(_("A receipt is 16 digits, in four groups of four."))
    typed = form.cleaned_data["receipt"]
    # Always derive (inside open_thread_with_receipt), so every wrong receipt costs the same.
    thread = services.open_thread_with_receipt(typed)
    if vault.normalise_receipt(typed) is None:
        return refuse(_("A receipt is 16 digits, in four groups of four."))
    if thread is None:
        return refuse(_("This receipt does not open a mailbox. Check the digits and try again."))
    remember_mailbox(request, thread)
    return see_other(reverse("intake:mailbox"))


@require_POST
@public_page
def mailbox_write(request: HttpRequest) -> HttpResponse:
    try:
        return _write_in_mailbox(request)
    except OperationalError:
        return _refuse(
            request,
            "mailbox",
            "intake:mailbox",
            values=_values(request, ("body",)),
            errors={"form": [_busy_message()]},
        )
    except ThreadGone as error:  # nothing was stored: say so, and close the mailbox
        forget_mailbox(request)
        return _refuse(
            request, "mailbox", "intake:mailbox", values={}, errors={"receipt": [str(error)]}
        )


def _write_in_mailbox(request: HttpRequest) -> HttpResponse:
    values = _values(request, ("body",))

    def refuse(errors: Mapping[str, list[str]]) -> HttpResponse:
        return _refuse(request, "mailbox", "intake:mailbox", values=values, errors=errors)

    thread = mailbox_thread(request)
    if thread is None:
        return refuse({"receipt": [_("Your mailbox was closed. Enter your receipt again.")]})
    refused_by = abuse.refusal(request, "report")
    if refused_by is not None:
        return refuse({"form": [_rate_limited_message(refused_by)]})
    if _too_large(request):
        return refuse({"attachments": [_files_too_large_message()]})
    form = MessageForm(request.POST)
    if not form.is_valid():
        return refuse(_errors_of(form))
    try:
        files = clean_uploads(request.FILES.getlist("attachments"))
    except AttachmentRejected as error:
        return refuse({"attachments": [str(error)]})
    with suppress(DuplicateSubmission):  # the first sending stored it
        services.add_reporter_message(
            thread=thread, text=form.cleaned_data["body"], attachments=files, form_nonce=form.nonce
        )
    stash(request, "mailbox", {"notice": "sent"})
    return see_other(reverse("intake:mailbox"))


@require_POST
@public_page
def mailbox_erase(request: HttpRequest) -> HttpResponse:
    """Erase the replies the reporter has read from what their receipt opens."""
    thread = mailbox_thread(request)
    if thread is None:
        return _refuse(
            request,
            "mailbox",
            "intake:mailbox",
            values={},
            errors={"receipt": [_("Your mailbox was closed. Enter your receipt again.")]},
        )
    form = EraseRepliesForm(request.POST)
    if not form.is_valid():
        return _refuse(
            request,
            "mailbox",
            "intake:mailbox",
            values={},
            errors={"form": [_("Nothing was erased. Please try again.")]},
        )
    try:
        services.erase_read_replies(thread=thread, up_to_message_id=form.cleaned_data["up_to"])
    except RepliesNotErasable as error:
        return _refuse(
            request, "mailbox", "intake:mailbox", values={}, errors={"form": [str(error)]}
        )
    stash(request, "mailbox", {"notice": "erased"})
    return see_other(reverse("intake:mailbox"))


@require_POST
@public_page
def mailbox_leave(request: HttpRequest) -> HttpResponse:
    return forget_browser(request, see_other(reverse("intake:report")))


@csrf_exempt  # it must work with a stale or missing CSRF cookie; it only ends a visit
@require_http_methods(["GET", "POST"])
def quick_exit(request: HttpRequest) -> HttpResponse:
    """The red bar: end the mailbox and every trace this site keeps in the browser, then leave.

    A form button (no JavaScript): a POST that answers with a redirect leaves no entry of its
    own in the browser's history, where a link to this step would. The session row is deleted,
    the cookies are expired, and Clear-Site-Data asks the browser to drop what it holds for
    this site, so Back or typing the mailbox's address afterwards shows nothing of the
    conversation. GET works too (an address typed by hand).
    """
    response = forget_browser(request, HttpResponseRedirect(settings.INTAKE_QUICK_EXIT_URL))
    if request.method == "POST":
        response.status_code = 303
    response.delete_cookie(settings.CSRF_COOKIE_NAME, path="/", samesite="Strict")
    response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    response["Referrer-Policy"] = "no-referrer"
    return response
