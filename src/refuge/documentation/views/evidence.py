"""Evidence: upload (hash, seal, dedupe), custody page, download, verifiable export."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from refuge.accounts.decorators import OperatorRequest, operator_required
from refuge.accounts.roles import Capability
from refuge.approvals.selectors import pending_request
from refuge.core.errors import DomainError
from refuge.core.files import file_response
from refuge.documentation import permissions
from refuge.documentation.choices import DestructionReason
from refuge.documentation.destruction import DESTROY_EVIDENCE
from refuge.documentation.evidence.custody import custody_lines
from refuge.documentation.evidence.export import export_bundle
from refuge.documentation.evidence.naming import download_name
from refuge.documentation.evidence.services import (
    add_evidence,
    open_evidence,
    request_evidence_destruction,
)
from refuge.documentation.forms import EvidenceDestroyForm, EvidenceForm
from refuge.documentation.services import reads
from refuge.vault import api as vault


def _attachment(content: bytes, file_name: str, content_type: str) -> HttpResponse:
    # Served as a download, never inline: a sealed HTML file must not run in the console.
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


@operator_required(Capability.DOCUMENT)
@require_POST
def evidence_upload(request: OperatorRequest, event_id: int) -> HttpResponse:
    event = permissions.get_event_for(request.user, event_id)
    permissions.require_readable(event)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(
            request,
            _("Choose a file to upload (at most %(limit)s).")
            % {"limit": filesizeformat(settings.DOCUMENTATION_MAX_EVIDENCE_BYTES)},
        )
        return redirect("documentation:event", event_id=event.pk)
    upload = form.cleaned_data["file"]
    try:
        added = add_evidence(
            actor=request.user,
            event=event,
            content=upload.read(),
            file_name=upload.name or "",
            description=form.cleaned_data["description"],
        )
    except (DomainError, vault.VaultError) as error:
        messages.error(
            request,
            str(error)
            if isinstance(error, DomainError)
            else _("This file is held but not shared with you."),
        )
    else:
        if added.is_duplicate:
            messages.warning(
                request,
                _("This file is already held as %(ref)s: it was linked, not stored again.")
                % {"ref": added.evidence.reference},
            )
        else:
            messages.success(request, _("Stored as %(ref)s.") % {"ref": added.evidence.reference})
    return redirect("documentation:event", event_id=event.pk)


@operator_required(Capability.DOCUMENT)
@require_GET
def evidence_detail(request: OperatorRequest, evidence_id: int) -> HttpResponse:
    evidence = reads.read_evidence(request.user, evidence_id)
    readable = vault.can_read(evidence.envelope_id)
    return render(
        request,
        "documentation/evidence_detail.html",
        {
            "evidence": evidence,
            "readable": readable and evidence.destroyed_at is None,
            "destroy_form": EvidenceDestroyForm(),
            "pending": pending_request(DESTROY_EVIDENCE, evidence),
            "custody": custody_lines(evidence) if readable else [],
            "events": evidence.events.all(),
        },
    )


@operator_required(Capability.DOCUMENT)
@require_POST
def evidence_download(request: OperatorRequest, evidence_id: int) -> HttpResponse:
    evidence = permissions.get_evidence_for(request.user, evidence_id)
    try:
        content = open_evidence(actor=request.user, evidence=evidence)
    except (DomainError, vault.VaultError) as error:
        messages.error(
            request,
            str(error)
            if isinstance(error, DomainError)
            else _("This file is not shared with you."),
        )
        return redirect("documentation:evidence", evidence_id=evidence.pk)
    name = download_name(evidence, content)
    return file_response(content, content_type=name.content_type, file_name=name.file_name)


@operator_required(Capability.DOCUMENT)
@require_POST
def evidence_export(request: OperatorRequest, evidence_id: int) -> HttpResponse:
    evidence = permissions.get_evidence_for(request.user, evidence_id)
    try:
        file_name, content = export_bundle(actor=request.user, evidence=evidence)
    except (DomainError, vault.VaultError) as error:
        messages.error(
            request,
            str(error)
            if isinstance(error, DomainError)
            else _("This file is not shared with you."),
        )
        return redirect("documentation:evidence", evidence_id=evidence.pk)
    return _attachment(content, file_name, "application/zip")


@operator_required(Capability.DOCUMENT)
@require_POST
def evidence_destroy(request: OperatorRequest, evidence_id: int) -> HttpResponse:
    """Ask for the file to be destroyed; a second person confirms (refuge.approvals)."""
    evidence = permissions.get_evidence_for(request.user, evidence_id)
    form = EvidenceDestroyForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("Say why, in a sentence, and confirm that the file cannot be recovered.")
        )
        return redirect("documentation:evidence", evidence_id=evidence.pk)
    try:
        action = request_evidence_destruction(
            actor=request.user,
            evidence=evidence,
            reason=DestructionReason(form.cleaned_data["reason"]),
            explanation=form.cleaned_data["explanation"],
        )
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("documentation:evidence", evidence_id=evidence.pk)
    messages.success(
        request,
        _(
            "Destruction of %(evidence)s requested: nothing is destroyed "
            "until a coordinator or a lawyer confirms it."
        )
        % {"evidence": evidence.reference},
    )
    return redirect("approvals:detail", action_id=action.pk)
