from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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


class EstimateMethod(models.TextChoices):
    """Whose figure is the headline of an estimate (both methods are always shown)."""

    AUTO = "auto", _("Automatic choice")
    LOGLINEAR = "loglinear", _("Log-linear models")
    LCMCR = "lcmcr", _("Latent classes (LCMCR)")


class EstimateJobStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("estimate job", "Waiting for the worker")
    RUNNING = "running", pgettext_lazy("estimate job", "Running")
    DONE = "done", pgettext_lazy("estimate job", "Done")
    FAILED = "failed", pgettext_lazy("estimate job", "Failed")


class EstimateJob(models.Model):
    """An estimate the background worker runs (a latent-class run takes minutes, never a request).

    Holds only what the estimate needs and what the page shows: the coded list kinds, the
    number of people per capture pattern, counts of the linkage step, the settings and seed
    (so the run can be repeated), progress and the JSON result. No name, no victim id.
    """

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    method = models.CharField(max_length=16, choices=EstimateMethod.choices)
    list_names = models.JSONField()  # source kinds, one per list, in column order
    counts = models.JSONField()  # people per capture pattern, in capture_patterns() order
    violations = models.JSONField(default=list)  # violation codes the analyst chose
    linkage = models.JSONField(default=dict)  # victims, people, unnamed, method
    seed = models.PositiveBigIntegerField()
    chains = models.PositiveSmallIntegerField()
    burn_in = models.PositiveIntegerField()
    iterations = models.PositiveIntegerField()
    thin = models.PositiveIntegerField()
    max_classes = models.PositiveSmallIntegerField()
    status = models.CharField(
        max_length=16, choices=EstimateJobStatus.choices, default=EstimateJobStatus.QUEUED,
        db_index=True,
    )
    progress = models.FloatField(default=0.0)
    attempts = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__gte=0.0, progress__lte=1.0),
                name="estimate_progress_is_a_fraction",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=EstimateJobStatus.DONE)
                | models.Q(result__isnull=False, finished_at__isnull=False),
                name="done_estimate_has_result",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=EstimateJobStatus.FAILED) | ~models.Q(error=""),
                name="failed_estimate_says_why",
            ),
        ]

    def __str__(self) -> str:
        return f"estimate #{self.pk} ({self.status})"
