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

    class Meta:
        ordering = ["-probability"]
        constraints = [
            models.UniqueConstraint(
                fields=["victim_low", "victim_high"], name="one_candidate_per_pair"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.victim_low_id}~{self.victim_high_id} ({self.probability:.2f})"
