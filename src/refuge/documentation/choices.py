"""Coded values: kept in clear because statistics need them (see ARCHITECTURE, threat 2)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventType(models.TextChoices):
    DETENTION_CAMPAIGN = "detention_campaign", _("Detention campaign")
    INDIVIDUAL_DETENTION = "individual_detention", _("Individual detention")
    RAID = "raid", _("Raid or round-up")
    ATTACK = "attack", _("Attack")
    FAMILY_VIOLENCE = "family_violence", _("Violence by relatives")
    THREATS = "threats", _("Threats and harassment")
    OTHER = "other", _("Other")


class DatePrecision(models.TextChoices):
    """HURIDOCS: how exactly the dates are known."""

    DAY = "day", _("Exact day")
    MONTH = "month", _("Month known")
    YEAR = "year", _("Year known")
    APPROXIMATE = "approximate", _("Approximate")


class ViolationType(models.TextChoices):
    ARBITRARY_DETENTION = "arbitrary_detention", _("Arbitrary detention")
    ABDUCTION = "abduction", _("Abduction")
    TORTURE = "torture", _("Torture")
    TORTURE_ELECTRIC = "torture_electric", _("Torture with electric shocks")
    BEATING = "beating", _("Beating")
    SEXUAL_VIOLENCE = "sexual_violence", _("Sexual violence")
    KILLING = "killing", _("Killing")
    ENFORCED_DISAPPEARANCE = "enforced_disappearance", _("Enforced disappearance")
    EXTORTION = "extortion", _("Extortion")
    FORCED_OUTING = "forced_outing", _("Forced outing")
    THREATS = "threats", _("Threats")
    VIOLENCE_BY_RELATIVES = "violence_by_relatives", _("Violence by relatives")


class PlaceKind(models.TextChoices):
    REGION = "region", _("Region")
    DISTRICT = "district", _("District")
    TOWN = "town", _("Town or village")
    FACILITY = "facility", _("Facility (e.g. place of detention)")
    OTHER = "other", _("Other place")


class Gender(models.TextChoices):
    MAN = "man", _("Man")
    WOMAN = "woman", _("Woman")
    NON_BINARY = "non_binary", _("Non-binary")
    NOT_STATED = "not_stated", _("Not stated")
    UNKNOWN = "unknown", _("Unknown")


class AgeGroup(models.TextChoices):
    MINOR = "minor", _("Under 18")
    AGE_18_29 = "18_29", _("18-29")
    AGE_30_49 = "30_49", _("30-49")
    AGE_50_PLUS = "50_plus", _("50 and older")
    UNKNOWN = "unknown", _("Unknown")


class PerpetratorKind(models.TextChoices):
    PERSON = "person", _("Person")
    UNIT = "unit", _("Unit or body")


class Affiliation(models.TextChoices):
    POLICE = "police", _("Police")
    SECURITY_SERVICE = "security_service", _("Security service")
    MILITARY = "military", _("Military or national guard")
    OFFICIALS = "officials", _("Local officials")
    RELATIVES = "relatives", _("Relatives")
    PRIVATE = "private", _("Private persons")
    UNKNOWN = "unknown", _("Unknown")


class PerpetratorRole(models.TextChoices):
    """Involvement in one act (HURIDOCS 'type of involvement')."""

    DIRECT = "direct", _("Carried it out")
    ORDERED = "ordered", _("Ordered or commanded")
    PRESENT = "present", _("Present, took part")
    ACCOMPLICE = "accomplice", _("Assisted")
    UNKNOWN = "unknown", _("Unclear")


class SourceKind(models.TextChoices):
    TESTIMONY = "testimony", _("Testimony")
    MEDIA_REPORT = "media_report", _("Media report")
    ORGANISATION_REPORT = "organisation_report", _("Another organisation's report")


class Confidence(models.TextChoices):
    UNSOURCED = "unsourced", _("No source yet")
    SINGLE_SOURCE = "single_source", _("Single source")
    CORROBORATED = "corroborated", _("Corroborated")
    VERIFIED = "verified", _("Verified")


class CustodyAction(models.TextChoices):
    ADDED = "added", _("Added")
    VIEWED = "viewed", _("Viewed")
    EXPORTED = "exported", _("Exported")
    LINKED = "linked", _("Linked (same file uploaded again)")
    DESTROYED = "destroyed", _("Destroyed")


class DestructionReason(models.TextChoices):
    """Why an evidence file was destroyed: coded, so it can stay in clear after the file."""

    CONSENT_WITHDRAWN = "consent_withdrawn", _("The person withdrew consent")
    ENDANGERS = "endangers", _("Keeping it endangers someone")
    MISTAKE = "mistake", _("Added by mistake")
    RETENTION = "retention", _("No longer needed (retention)")
