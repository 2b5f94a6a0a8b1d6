"""Events Standard Formats after HURIDOCS: events, acts (one violation against one victim),
victims, perpetrators, sources, and the links of who did what to whom according to whom.

Coded fields (types, dates, places) stay in clear for statistics; every free text and every
name is a SealedTextField inside the record's envelope.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from refuge.documentation.choices import (
    Affiliation,
    AgeGroup,
    DatePrecision,
    EventType,
    Gender,
    PerpetratorKind,
    PerpetratorRole,
    SourceKind,
    ViolationType,
)
from refuge.vault.fields import SealedTextField

OPERATOR = settings.AUTH_USER_MODEL


class Event(models.Model):
    reference = models.CharField(max_length=16, unique=True)
    envelope = models.ForeignKey("vault.Envelope", on_delete=models.PROTECT, related_name="+")
    event_type = models.CharField(_("type"), max_length=24, choices=EventType.choices)
    title = SealedTextField(envelope_field="envelope", blank=True, null=True)
    description = SealedTextField(envelope_field="envelope", blank=True, null=True)
    start_date = models.DateField(_("from"), db_index=True)
    end_date = models.DateField(_("until"), db_index=True)
    date_precision = models.CharField(
        _("date precision"), max_length=12, choices=DatePrecision.choices
    )
    place = models.ForeignKey(
        "documentation.Place",
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("place"),
    )
    created_by = models.ForeignKey(OPERATOR, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="event_ends_after_it_starts"
            )
        ]

    def __str__(self) -> str:
        return self.reference


class Victim(models.Model):
    """A pseudonymous person. The pseudonym (V-0012) is generated, never a name."""

    pseudonym = models.CharField(max_length=16, unique=True)
    envelope = models.ForeignKey("vault.Envelope", on_delete=models.PROTECT, related_name="+")
    real_name = SealedTextField(envelope_field="envelope", blank=True, null=True)
    notes = SealedTextField(envelope_field="envelope", blank=True, null=True)
    gender = models.CharField(
        _("gender"), max_length=12, choices=Gender.choices, default=Gender.UNKNOWN
    )
    age_group = models.CharField(
        _("age group"), max_length=8, choices=AgeGroup.choices, default=AgeGroup.UNKNOWN
    )
    # The person in a case file this victim is, if any: then their consent is the case's
    # (refuge.documentation.consent). Victims known only from documentation (a media report,
    # someone else's testimony) have no case; the team records their consent here.
    case_person = models.ForeignKey(
        "cases.CasePerson",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="victim_records",
    )
    consent_identified_use = models.BooleanField(_("consents to identified use"), default=False)
    consent_recorded_at = models.DateTimeField(null=True, blank=True)
    consent_recorded_by = models.ForeignKey(
        OPERATOR, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(OPERATOR, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pseudonym"]

    def __str__(self) -> str:
        return self.pseudonym


class Perpetrator(models.Model):
    reference = models.CharField(max_length=16, unique=True)
    envelope = models.ForeignKey("vault.Envelope", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=8, choices=PerpetratorKind.choices)
    affiliation = models.CharField(
        _("affiliation"), max_length=20, choices=Affiliation.choices, default=Affiliation.UNKNOWN
    )
    name = SealedTextField(envelope_field="envelope", blank=True, null=True)
    notes = SealedTextField(envelope_field="envelope", blank=True, null=True)
    created_by = models.ForeignKey(OPERATOR, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["reference"]

    def __str__(self) -> str:
        return self.reference


class Source(models.Model):
    """Who says so. `origin_key` is a keyed hash of who the source is (the testifying person,
    the organisation or the outlet): two sources with one origin are not independent."""

    reference = models.CharField(max_length=16, unique=True)
    envelope = models.ForeignKey("vault.Envelope", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=24, choices=SourceKind.choices)
    origin_name = SealedTextField(envelope_field="envelope", blank=True, null=True)
    summary = SealedTextField(envelope_field="envelope", blank=True, null=True)
    origin_key = models.CharField(max_length=64, db_index=True)
    received_on = models.DateField(_("received on"))
    # A hotline contact number as the operator typed it (contacts are sealed per thread).
    contact_ref = models.PositiveBigIntegerField(_("hotline contact no."), null=True, blank=True)
    # The case this testimony came from, and the person in it who gave it: their consent to
    # keep the testimony decides whether exports carry it.
    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="documentation_sources",
    )
    given_by = models.ForeignKey(
        "cases.CasePerson",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="testimonies",
    )
    created_by = models.ForeignKey(OPERATOR, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["reference"]

    def __str__(self) -> str:
        return self.reference


class Act(models.Model):
    """One violation against one victim within an event. Sealed parts use the event's envelope."""

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="acts")
    victim = models.ForeignKey(Victim, on_delete=models.PROTECT, related_name="acts")
    violation = models.CharField(
        _("violation"), max_length=24, choices=ViolationType.choices, db_index=True
    )
    envelope = models.ForeignKey("vault.Envelope", on_delete=models.PROTECT, related_name="+")
    notes = SealedTextField(envelope_field="envelope", blank=True, null=True)
    verified_by = models.ForeignKey(
        OPERATOR, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    verification_reasoning = SealedTextField(envelope_field="envelope", blank=True, null=True)
    perpetrators: models.ManyToManyField[Perpetrator, ActPerpetrator] = models.ManyToManyField(
        Perpetrator, through="ActPerpetrator", related_name="acts"
    )
    sources: models.ManyToManyField[Source, ActSource] = models.ManyToManyField(
        Source, through="ActSource", related_name="acts"
    )
    created_by = models.ForeignKey(OPERATOR, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["event", "victim", "violation"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "victim", "violation"], name="one_act_per_violation_victim_event"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_id}/{self.victim_id}/{self.violation}"


class ActPerpetrator(models.Model):
    """Who did it, and how."""

    act = models.ForeignKey(Act, on_delete=models.CASCADE)
    perpetrator = models.ForeignKey(Perpetrator, on_delete=models.PROTECT)
    role = models.CharField(
        _("role"), max_length=12, choices=PerpetratorRole.choices, default=PerpetratorRole.DIRECT
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["act", "perpetrator"], name="one_link_per_act_perpetrator"
            )
        ]


class ActSource(models.Model):
    """According to whom."""

    act = models.ForeignKey(Act, on_delete=models.CASCADE)
    source = models.ForeignKey(Source, on_delete=models.PROTECT)
    linked_by = models.ForeignKey(OPERATOR, on_delete=models.PROTECT, related_name="+")
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["act", "source"], name="one_link_per_act_source")
        ]
