"""Coded values. They stay in clear: statistics need them and they name nobody."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class StageCode(models.TextChoices):
    # Contexts: a case (дело) is neuter in Russian, a hotline contact is not.
    NEW = "new", pgettext_lazy("case stage", "New")
    VERIFICATION = "verification", _("Verification")
    IN_DANGER = "in_danger", _("In danger")
    IN_HIDING = "in_hiding", _("In hiding")
    RELOCATING = "relocating", _("Relocating within the country")
    LEAVING = "leaving", _("Leaving the country")
    IN_SAFETY = "in_safety", _("In safety")
    CLOSED = "closed", pgettext_lazy("case stage", "Closed")


# Stages during which a person may go silent mid-route: check-ins apply.
ON_THE_MOVE_STAGES = frozenset({StageCode.IN_HIDING, StageCode.RELOCATING, StageCode.LEAVING})
# Stages that come before the person is verified: leaving them for any other needs a checklist.
BEFORE_VERIFIED = frozenset({StageCode.NEW, StageCode.VERIFICATION})


class VerificationCheck(models.TextChoices):
    TRUSTED_REFERRER = "trusted_referrer", _("Known to a trusted person or partner")
    VOICE_OR_VIDEO = "voice_or_video", _("Voice or video call matched the account given")
    STORY_CONSISTENT = "story_consistent", _("Story consistent across separate conversations")
    COMMUNITY = "community", _("Vouched for by the community")
    DOCUMENTS = "documents", _("Identity documents seen")
    NO_RED_FLAGS = (
        "no_red_flags",
        _("No signs of an infiltrator (questions about others, pressure)"),
    )
    OTHER = "other", _("Other check (see note)")


class Threat(models.TextChoices):
    POLICE = "police", _("Police / security services")
    FAMILY = "family", _("Family")
    COMMUNITY = "community", _("Community")
    OTHER = "other", _("Others")


class NeedCategory(models.TextChoices):
    SHELTER = "shelter", _("Shelter")
    TRANSPORT = "transport", _("Transport")
    TRAVEL_DOCUMENTS = "travel_documents", _("Travel documents")
    VISA = "visa", _("Visa")
    MEDICAL = "medical", _("Medical")
    PSYCHOLOGICAL = "psychological", _("Psychological")
    LEGAL = "legal", _("Legal")
    MONEY = "money", _("Money")


class NeedStatus(models.TextChoices):
    NEEDED = "needed", _("Needed")
    REQUESTED = "requested", _("Requested")
    ARRANGED = "arranged", _("Arranged")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class TaskKind(models.TextChoices):
    WORK = "work", _("Work")
    EXPOSURE_WARNING = "exposure_warning", _("Urgent warning")


class SpendingCategory(models.TextChoices):
    TRAVEL = "travel", _("Travel")
    HOUSING = "housing", _("Housing")
    FOOD = "food", _("Food")
    MEDICAL = "medical", _("Medical")
    DOCUMENTS = "documents", _("Documents")
    VISA = "visa", _("Visa")


class SpendingStatus(models.TextChoices):
    REQUESTED = "requested", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    RELEASED = "released", _("Released")


class ExposureCause(models.TextChoices):
    DETAINED = "detained", _("Detained")
    PHONE_LOST = "phone_lost", _("Phone lost or taken")
    OTHER = "other", _("Other")


class IdentifierKind(models.TextChoices):
    PHONE = "phone", _("Phone number")
    NAME = "name", pgettext_lazy("person", "Name")  # a person's name, not a title
    HANDLE = "handle", _("Messenger handle")


class ConsentKind(models.TextChoices):
    PHONE_CONTACT = "phone_contact", _("May be contacted by phone")
    KEEP_TESTIMONY = "keep_testimony", _("Testimony may be kept")
    ANONYMISED_REPORTS = "anonymised_reports", _("Anonymised use in reports")
    SHARE_PARTNERS = "share_partners", _("Sharing with named partners")
    MEDIA = "media", _("Media")


class ReferralStatus(models.TextChoices):
    REQUESTED = "requested", _("Awaiting approval")
    SEALED = "sealed", _("Approved and sealed")
    REJECTED = "rejected", _("Rejected")
