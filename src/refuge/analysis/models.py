from __future__ import annotations

from django.conf import settings
from django.db import models


class PairDecision(models.Model):
    """An analyst's judgement that two documented victims are (or are not) one person.

    Holds record ids only; later linkage runs apply it before clustering.
    """

    victim_low = models.ForeignKey(
        "documentation.Victim", on_delete=models.CASCADE, related_name="+"
    )
    victim_high = models.ForeignKey(
        "documentation.Victim", on_delete=models.CASCADE, related_name="+"
    )
    same_person = models.BooleanField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["victim_low", "victim_high"], name="one_decision_per_pair"
            ),
            models.CheckConstraint(
                condition=models.Q(victim_low__lt=models.F("victim_high")), name="pair_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.victim_low_id}~{self.victim_high_id}"


class CandidatePair(models.Model):
    """A pair the last linkage run was unsure about, waiting for an analyst's review."""

    victim_low = models.ForeignKey(
        "documentation.Victim", on_delete=models.CASCADE, related_name="+"
    )
    victim_high = models.ForeignKey(
        "documentation.Victim", on_delete=models.CASCADE, related_name="+"
    )
    probability = models.FloatField()
    found_at = models.DateTimeField(auto_now_add=True)
    levels = models.JSONField(default=list)  # [[field, level label], ...]

    class Meta:
        ordering = ["-probability"]
        constraints = [
            models.UniqueConstraint(
                fields=["victim_low", "victim_high"], name="one_candidate_per_pair"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.victim_low_id}~{self.victim_high_id} ({self.probability:.2f})"


class LinkageRun(models.Model):
    """One linkage of the documented victims: which model, what it used, how it clustered.

    Statistics and reports name the run they rest on. Counts and codes only, never names.
    """

    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    method = models.CharField(max_length=40)
    threshold = models.FloatField()
    engine = models.CharField(max_length=12, default="duckdb")
    victims = models.PositiveIntegerField(default=0)  # records linked (named and readable)
    unnamed = models.PositiveIntegerField(default=0)  # kept apart: no readable name
    people = models.PositiveIntegerField(default=0)
    trained = models.BooleanField(default=False)
    training = models.CharField(max_length=500, blank=True, default="")
    report = models.JSONField(default=list)  # the run report's lines: counts, never values

    class Meta:
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"linkage run {self.pk}"


class PersonLink(models.Model):
    """A victim record's person (cluster number) in one linkage run."""

    run = models.ForeignKey(LinkageRun, on_delete=models.CASCADE, related_name="links")
    victim = models.ForeignKey("documentation.Victim", on_delete=models.CASCADE, related_name="+")
    person = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "victim"], name="one_person_per_victim_run"),
        ]
        indexes = [models.Index(fields=["run", "person"])]

    def __str__(self) -> str:
        return f"{self.run_id}:{self.victim_id}->{self.person}"


class LinkEvidence(models.Model):
    """A scored pair inside one person of a run, and which fields agreed (level labels)."""

    run = models.ForeignKey(LinkageRun, on_delete=models.CASCADE, related_name="evidence")
    victim_low = models.ForeignKey(
        "documentation.Victim", on_delete=models.CASCADE, related_name="+"
    )
    victim_high = models.ForeignKey(
        "documentation.Victim", on_delete=models.CASCADE, related_name="+"
    )
    probability = models.FloatField()
    levels = models.JSONField(default=list)  # [[field, level label], ...]

    def __str__(self) -> str:
        return f"{self.victim_low_id}~{self.victim_high_id}"
