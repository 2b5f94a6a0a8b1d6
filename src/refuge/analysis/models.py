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


_METHODS = {"average linkage": _("average linkage")}


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

    @property
    def method_label(self) -> str:
        return str(_METHODS.get(self.method, self.method))


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
        max_length=16,
        choices=EstimateJobStatus.choices,
        default=EstimateJobStatus.QUEUED,
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
