"""One contact: read it (audited), change it, reply, triage."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from refuge.accounts.decorators import OperatorRequest, operator_required
from refuge.accounts.permissions import has_capability
from refuge.accounts.roles import Capability
from refuge.core.errors import DomainError
from refuge.core.files import file_response
from refuge.hotline import flags, selectors, services
from refuge.hotline.forms import (
    CloseForm,
    ContactEditForm,
    HandOverForm,
    LinkProfileForm,
    MergeForm,
    ProfileForm,
    TextForm,
)
from refuge.hotline.models import OPEN_STATUSES, Contact, ContactStatus, ReplyTemplate
from refuge.hotline.panels import contact_panels
from refuge.intake.attachments import download_name, is_image
from refuge.intake.services import adopt_channel_messages, messages_of
from refuge.vault import api as vault

# A contact that became a case is still where its reporter is answered.
REPLYABLE_STATUSES = (*OPEN_STATUSES, ContactStatus.CASE_OPENED)


def _edit_form(contact: Contact) -> ContactEditForm:
    return ContactEditForm(
        initial={
            "version": contact.version,
            "urgency": contact.urgency,
            "status": contact.status,
            "summary": contact.summary or "",
            "risk_flags": contact.risk_flags,
            "next_step": contact.next_step or "",
            "due_at": contact.due_at,
        }
    )


def _reply_form(request: HttpRequest) -> TextForm:
    template_id = request.GET.get("template", "")
    template = (
        ReplyTemplate.objects.filter(pk=int(template_id)).first() if template_id.isdigit() else None
    )
    return TextForm(initial={"text": template.body if template else ""})


@operator_required(Capability.HANDLE_CONTACTS)
def contact_view(request: OperatorRequest, contact_id: int) -> HttpResponse:
    contact = services.open_contact(operator=request.user, contact_id=contact_id)
    services.index_contact_line(contact=contact, operator=request.user)
    if contact.thread is not None:
        adopt_channel_messages(thread=contact.thread, operator=request.user)
    indexes = services.contact_indexes(contact)
    thread_messages = messages_of(contact.thread) if contact.thread else []
    return render(
        request,
        "hotline/contact.html",
        {
            "contact": contact,
            "panels": contact_panels(request, contact),
            "is_open": contact.status in OPEN_STATUSES,
            "can_reply": contact.status in REPLYABLE_STATUSES,
            "attachment_count": sum(len(message.attachments.all()) for message in thread_messages),
            "flag_matches": flags.flags_for_contact(request.user, contact),
            "exposure_alerts": services.alerts_for_contact(contact),
            "earlier": selectors.earlier_contacts(
                request.user, indexes=indexes, exclude_contact_id=contact.pk
            ),
            "identifiers": list(contact.identifiers.all()),
            "thread_messages": thread_messages,
            "notes": list(contact.notes.select_related("author")),
            "merged": list(contact.merged_contacts.values_list("pk", flat=True)),
            "templates": list(ReplyTemplate.objects.all()),
            "may_reveal": has_capability(request.user, Capability.REVEAL_IDENTIFIERS),
            "edit_form": _edit_form(contact),
            "reply_form": _reply_form(request),
            "note_form": TextForm(),
            "close_form": CloseForm(initial={"version": contact.version}),
            "merge_form": MergeForm(initial={"version": contact.version}),
            "handover_form": HandOverForm(),
            "profile_form": ProfileForm(),
            "link_form": LinkProfileForm(),
        },
    )


@operator_required(Capability.HANDLE_CONTACTS)
@require_GET
def attachment_view(request: OperatorRequest, attachment_id: int) -> HttpResponse:
    """One file of a report: a photo inline (re-encoded at intake), anything else as a
    download with its real type and a name that says nothing. Every read is audited."""
    contact, attachment = selectors.get_attachment_for(request.user, attachment_id)
    try:
        content = services.read_attachment(
            operator=request.user, contact=contact, attachment=attachment
        )
    except vault.AccessDenied as error:
        raise Http404 from error
    except vault.VaultError:  # damaged or missing: the failure is in the audit log
        messages.error(request, _("This file could not be decrypted: it is damaged or gone."))
        return redirect("hotline:contact", contact_id=contact.pk)
    return file_response(
        content,
        content_type=attachment.content_type,
        file_name=download_name(attachment, prefix=f"contact-{contact.pk}"),
        inline=is_image(attachment),
    )


def _contact_action(
    form_class: type[forms.Form],
    action: Callable[[OperatorRequest, Contact, dict[str, Any]], str],
) -> Callable[..., HttpResponse]:
    """A POST on one contact: validate, call the service, say what happened, go back."""

    @operator_required(Capability.HANDLE_CONTACTS)
    @require_POST
    def view(request: OperatorRequest, contact_id: int) -> HttpResponse:
        contact = selectors.get_contact_for(request.user, contact_id)
        form = form_class(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, str(error))
            return redirect("hotline:contact", contact_id=contact.pk)
        try:
            done = action(request, contact, form.cleaned_data)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, done)
        if request.POST.get("next") == "queue":
            return redirect("hotline:queue")
        return redirect("hotline:contact", contact_id=contact.pk)

    return view


class _NoFields(forms.Form):
    pass


def _take(request: OperatorRequest, contact: Contact, data: dict[str, Any]) -> str:
    services.take_contact(contact=contact, operator=request.user)
    return _("You have this contact now.")


def _hand_over(request: OperatorRequest, contact: Contact, data: dict[str, Any]) -> str:
    services.hand_over(contact=contact, operator=request.user, to=data["to"])
    return _("Handed over.")


def _edit(request: OperatorRequest, contact: Contact, data: dict[str, Any]) -> str:
    services.update_contact(
        contact=contact,
        operator=request.user,
        expected_version=data["version"],
        changes=services.ContactChanges(
            urgency=data["urgency"],
            status=data["status"],
            summary=data["summary"],
            next_step=data["next_step"],
            risk_flags=data["risk_flags"],
            due_at=data["due_at"],
        ),
    )
    return _("Saved.")


def _reply(request: OperatorRequest, contact: Contact, data: dict[str, Any]) -> str:
    services.reply_to_reporter(contact=contact, operator=request.user, text=data["text"])
    return _("Reply sent: the person will see it in their mailbox.")


def _note(request: OperatorRequest, contact: Contact, data: dict[str, Any]) -> str:
    services.add_note(contact=contact, operator=request.user, text=data["text"])
    return _("Note added.")


def _close(request: OperatorRequest, contact: Contact, data: dict[str, Any]) -> str:
    services.close_contact(
        contact=contact,
        operator=request.user,
        reason=data["reason"],
        expected_version=data["version"],
    )
    return _("Contact closed.")


def _merge(request: OperatorRequest, contact: Contact, data: dict[str, Any]) -> str:
    target = services.merge_contact(
        contact=contact,
        operator=request.user,
        into_id=data["into"],
        expected_version=data["version"],
    )
    return _("Merged into contact %(number)s.") % {"number": target.pk}


def _new_profile(request: OperatorRequest, contact: Contact, data: dict[str, Any]) -> str:
    services.create_profile(operator=request.user, pseudonym=data["pseudonym"], contact=contact)
    return _("Profile created and linked.")


def _link_profile(request: OperatorRequest, contact: Contact, data: dict[str, Any]) -> str:
    profile = selectors.get_profile_for(request.user, data["profile"])
    services.link_contact(operator=request.user, contact=contact, profile=profile)
    return _("Linked to the profile.")


take_view = _contact_action(_NoFields, _take)
hand_over_view = _contact_action(HandOverForm, _hand_over)
edit_view = _contact_action(ContactEditForm, _edit)
reply_view = _contact_action(TextForm, _reply)
note_view = _contact_action(TextForm, _note)
close_view = _contact_action(CloseForm, _close)
merge_view = _contact_action(MergeForm, _merge)
new_profile_view = _contact_action(ProfileForm, _new_profile)
link_profile_view = _contact_action(LinkProfileForm, _link_profile)
