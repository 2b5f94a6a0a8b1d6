from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from refuge.core.errors import ConflictError, DomainError


class CaseError(DomainError):
    """Base of the case rules' refusals; the message is safe to show."""


class CaseChanged(ConflictError):
    """Someone saved the case after it was opened (refuge.core.concurrency)."""

    def __init__(self) -> None:
        super().__init__(
            _("Someone else changed this case since you opened it. Reload and try again.")
        )


class CaseClosed(CaseError):
    def __init__(self) -> None:
        super().__init__(_("This case is closed."))


class VerificationReasonRequired(CaseError):
    def __init__(self) -> None:
        super().__init__(
            _(
                "The verification checklist is empty: moving past verification "
                "needs a written reason."
            )
        )


class SecondPersonRequired(CaseError):
    def __init__(self) -> None:
        super().__init__(
            _("A second person must approve this: you cannot approve your own request.")
        )


class WrongState(CaseError):
    def __init__(self) -> None:
        super().__init__(_("This has already been decided or is not in a state that allows it."))


class ConsentMissing(CaseError):
    def __init__(self) -> None:
        super().__init__(_("The person has not consented to sharing with this partner."))


class ContactAlreadyHasCase(CaseError):
    def __init__(self) -> None:
        super().__init__(_("A case has already been opened from this contact."))


class CaseUnreadable(CaseError):
    def __init__(self) -> None:
        super().__init__(_("You cannot read this record with your keys."))


class NoKeyYet(CaseError):
    def __init__(self) -> None:
        super().__init__(_("This operator has no key yet: they must log in once first."))


class StageCodeTaken(CaseError):
    def __init__(self) -> None:
        super().__init__(_("A stage with this code exists already."))


class IndexKeyUnavailable(CaseError):
    def __init__(self) -> None:
        super().__init__(
            _(
                "Your keys cannot open the index of names and numbers: ask a "
                "coordinator to share it with you, then try again."
            )
        )


class TaskAlreadyDone(CaseError):
    def __init__(self) -> None:
        super().__init__(_("This task is done: a done task can no longer be edited."))


class OwnerNotOnCase(CaseError):
    def __init__(self) -> None:
        super().__init__(_("The task's owner must be a case worker the case is shared with."))


class LeadNotOnCase(CaseError):
    def __init__(self) -> None:
        super().__init__(
            _(
                "The new lead must be a case worker the case is shared with: share "
                "the case with them first."
            )
        )


class AlreadyLead(CaseError):
    def __init__(self) -> None:
        super().__init__(_("This case worker already leads the case."))


class MovementsUnreadable(CaseError):
    def __init__(self) -> None:
        super().__init__(
            _(
                "Your keys cannot open this case's movement records, so you cannot "
                "hand them to a new lead: ask the current lead to do it."
            )
        )


class CaseNotClosed(CaseError):
    def __init__(self) -> None:
        super().__init__(_("This case is not closed: only a closed case can be reopened."))


class ReopenReasonRequired(CaseError):
    def __init__(self) -> None:
        super().__init__(_("Reopening a case needs a written reason."))


class StageNotAllowed(CaseError):
    def __init__(self) -> None:
        super().__init__(_("Choose a stage in use other than “closed”."))


class PartnerNameTaken(CaseError):
    def __init__(self) -> None:
        super().__init__(_("A partner organisation with this name exists already."))


class RemovalRefused(CaseError):
    """Taking someone off a case: only its lead or a coordinator, a coordinator only by
    another coordinator, nobody themselves."""

    def __init__(self, message: str) -> None:
        super().__init__(message)


class NoConfirmerOnCase(CaseError):
    def __init__(self) -> None:
        super().__init__(
            _(
                "No coordinator is on this case to confirm the removal: share the "
                "case with a coordinator first."
            )
        )


class PartnerKeyMissing(CaseError):
    def __init__(self) -> None:
        super().__init__(
            _(
                "This partner has no confirmed key yet: nothing can be sealed to it "
                "until a second person confirms its key's fingerprint."
            )
        )


class PartnerKeyChangePending(CaseError):
    def __init__(self) -> None:
        super().__init__(
            _(
                "A new key for this partner already waits for a second person: "
                "confirm or withdraw that request first."
            )
        )


class FlagContradictsCheck(CaseError):
    """ "No signs of an infiltrator" recorded while a matching profile is flagged as one."""

    def __init__(self, flags: str) -> None:
        super().__init__(
            _(
                "A safety flag stands on a hotline profile matching this case "
                "(%(flags)s): “no signs of an infiltrator” cannot be recorded "
                "while it does. Lift the flag with a reason if it is wrong, or record "
                "the checks that were actually made."
            )
            % {"flags": flags}
        )


class FlagReasonRequired(CaseError):
    def __init__(self, flags: str) -> None:
        super().__init__(
            _(
                "A safety flag stands on a hotline profile matching this case "
                "(%(flags)s): moving past verification needs a written reason."
            )
            % {"flags": flags}
        )
