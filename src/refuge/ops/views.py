"""The coordinators' page of scheduled safety work, and its panel on the console home."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from refuge.accounts.decorators import OperatorRequest, operator_required
from refuge.accounts.permissions import has_capability
from refuge.accounts.roles import Capability
from refuge.ops.metrics import may_read_metrics, metrics_text
from refuge.ops.scheduling import jobs
from refuge.ops.selectors import scheduled_work

# Coordinators run the installation: only they hold MANAGE_OPERATORS.
COORDINATOR = Capability.MANAGE_OPERATORS


def home_panel(request: OperatorRequest) -> dict[str, Any] | None:
    """On the console home, for coordinators: trouble first, else one line that all is well."""
    if not has_capability(request.user, COORDINATOR):
        return None
    return {"work": scheduled_work()}


@require_GET
@operator_required(COORDINATOR)
def scheduled_work_view(request: OperatorRequest) -> HttpResponse:
    labels = {job.name: job.label for job in jobs()}
    work = scheduled_work()
    trouble = [(labels.get(run.job, run.job), run) for run in work.recent_trouble]
    return render(
        request,
        "ops/scheduled_work.html",
        {"work": work, "trouble": trouble, "installation_zone": settings.TIME_ZONE},
    )


@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    """Prometheus text for the addresses REFUGE_METRICS_ALLOW lists; 404 to anyone else."""
    if not may_read_metrics(request):
        raise Http404
    return HttpResponse(metrics_text(), content_type="text/plain; version=0.0.4; charset=utf-8")
