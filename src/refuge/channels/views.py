"""The channels' console actions (the contact page itself is the hotline's)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from refuge.accounts.decorators import OperatorRequest, operator_required
from refuge.accounts.roles import Capability
from refuge.channels.services.invitation import send_mailbox_invitation
from refuge.core.errors import DomainError
from refuge.hotline.selectors import get_contact_for


@operator_required(Capability.HANDLE_CONTACTS)
@require_POST
def invite(request: OperatorRequest, contact_id: int) -> HttpResponse:
    contact = get_contact_for(request.user, contact_id)
    try:
        send_mailbox_invitation(contact=contact, operator=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The invitation with a receipt of their own is on its way to the person."),
        )
    return redirect("hotline:contact", contact_id=contact.pk)
