"""What the web report a case was opened from carries, as the case page shows it.

The contact line, who is reporting and the files stay sealed with the hotline's contact; a case
member reads them only if that contact is shared with them (opening a case, or sharing it,
shares the contact too when the sharer could read it). Reading them here is audited as a read
of the contact.
"""

from __future__ import annotations

from dataclasses import dataclass

from refuge.accounts.models import Operator
from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.cases.models import Case
from refuge.hotline.models import Contact
from refuge.intake.attachments import is_image
from refuge.intake.models import Attachment, ReporterKind
from refuge.vault import api as vault


@dataclass(frozen=True, slots=True)
class ReportFile:
    attachment_id: int
    content_type: str
    size_bytes: int
    is_image: bool


@dataclass(frozen=True, slots=True)
class CaseReport:
    contact: Contact
    is_readable: bool
    by_the_person: bool = False
    contact_line: str = ""
    files: tuple[ReportFile, ...] = ()


def report_of(case: Case, *, viewer: Operator) -> CaseReport | None:
    """The web report behind the case; None for a case not opened from one."""
    contact = case.opened_from
    if contact is None or contact.thread is None:
        return None
    if not vault.can_read(contact.envelope_id):
        return CaseReport(contact=contact, is_readable=False)
    thread = contact.thread
    attachments = Attachment.objects.filter(message__thread=thread).order_by("pk")
    record_event(AuditAction.RECORD_READ, actor=viewer, target=contact, details={"case": case.pk})
    return CaseReport(
        contact=contact,
        is_readable=True,
        by_the_person=thread.reporter_kind == ReporterKind.SELF,
        contact_line=str(thread.contact_instructions or ""),
        files=tuple(
            ReportFile(
                attachment.pk, attachment.content_type, attachment.size_bytes, is_image(attachment)
            )
            for attachment in attachments
        ),
    )
