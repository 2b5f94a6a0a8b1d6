from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from refuge.accounts.decorators import OperatorRequest, operator_required
from refuge.accounts.roles import Capability
from refuge.analysis import jobs, linking, services
from refuge.analysis.capture import CaptureResult, capture_table
from refuge.analysis.charts import bar_chart_svg
from refuge.analysis.estimate_page import estimate_page
from refuge.analysis.estimation import SamplerSettings
from refuge.analysis.forms import (
    EstimateForm,
    MergeForm,
    PairDecisionForm,
    SplitForm,
    StatisticsFilterForm,
)
from refuge.analysis.linkage import LinkageError
from refuge.analysis.linking import latest_run
from refuge.analysis.models import CandidatePair, EstimateJob, EstimateMethod, LinkageRun
from refuge.analysis.reports import (
    build_report,
    linkage_text,
    method_text,
    report_csv,
    report_pdf,
)
from refuge.analysis.statistics import StatisticsFilter
from refuge.core.errors import DomainError


def _filter_from(request: HttpRequest) -> tuple[StatisticsFilterForm, StatisticsFilter]:
    form = StatisticsFilterForm(request.GET or None)
    if form.is_valid():
        data = form.cleaned_data
        return form, StatisticsFilter(
            since=data["since"], until=data["until"], violations=tuple(data["violations"])
        )
    return form, StatisticsFilter()


@operator_required(Capability.ANALYSE)
def home_view(request: OperatorRequest) -> HttpResponse:
    return render(request, "analysis/home.html", {"candidates": CandidatePair.objects.count()})


@operator_required(Capability.ANALYSE)
def statistics_view(request: OperatorRequest) -> HttpResponse:
    form, statistics_filter = _filter_from(request)
    report = build_report(statistics_filter, language=translation.get_language() or "ru")
    charts = [
        mark_safe(bar_chart_svg(rows, title=title))  # noqa: S308 - labels escaped
        for title, rows in report.sections
    ]
    return render(
        request,
        "analysis/statistics.html",
        {
            "form": form,
            "report": report,
            "charts": charts,
            "method": method_text(report.summary.threshold),
            "linkage": linkage_text(report),
            "query": request.GET.urlencode(),
        },
    )


@operator_required(Capability.PUBLISH)
def report_csv_view(request: OperatorRequest) -> HttpResponse:
    _, statistics_filter = _filter_from(request)
    report = build_report(statistics_filter, language=translation.get_language() or "ru")
    services.record_export(analyst=request.user, kind="csv")
    response = HttpResponse(report_csv(report), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="refuge-report.csv"'
    return response


@operator_required(Capability.PUBLISH)
def report_pdf_view(request: OperatorRequest) -> HttpResponse:
    _, statistics_filter = _filter_from(request)
    report = build_report(statistics_filter, language=translation.get_language() or "ru")
    content = report_pdf(report)
    services.record_export(analyst=request.user, kind="pdf")
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="refuge-report.pdf"'
    return response


@operator_required(Capability.ANALYSE)
def estimate_view(request: OperatorRequest) -> HttpResponse:
    """Choose lists and a method; POST links the records, counts the patterns and queues the
    estimate for the worker (a latent-class run takes minutes: never in the request)."""
    if request.method == "POST":
        form = EstimateForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            capture = capture_table(list_kinds=data["lists"], violations=data["violations"])
            if capture.run_id is None:
                form.add_error(
                    None,
                    _(
                        "No linkage run yet: link the records on the people page first. Without "
                        "linkage one person on two lists counts as two people, the lists never "
                        "overlap, and no estimate can be made."
                    ),
                )
            elif capture.table.observed:
                job = jobs.request_estimate(
                    analyst=request.user,
                    capture=_capture_counts(capture, data["violations"]),
                    method=EstimateMethod(data["method"]),
                    settings=SamplerSettings(**settings.ANALYSIS_LCMCR_SAMPLER),
                )
                return redirect("analysis:estimate_job", estimate_job_id=job.pk)
            else:
                form.add_error(None, _("No documented victim is on the chosen lists."))
    else:
        form = EstimateForm(request.GET or None)
    recent = EstimateJob.objects.select_related("requested_by")[:10]
    return render(
        request, "analysis/estimate.html", {"form": form, "jobs": recent, "run": latest_run()}
    )


def _capture_counts(capture: CaptureResult, violations: list[str]) -> jobs.CaptureCounts:
    return jobs.CaptureCounts(
        table=capture.table,
        violations=tuple(violations),
        victims=capture.victims,
        people=capture.people,
        unnamed=capture.unnamed,
        linkage_method=capture.method,
        run_id=capture.run_id,
        not_in_run=capture.not_in_run,
    )


@operator_required(Capability.ANALYSE)
def estimate_job_view(request: OperatorRequest, estimate_job_id: int) -> HttpResponse:
    """One estimate: its progress while the worker runs it, then both methods side by side."""
    job = jobs.get_estimate_job_for(request.user, estimate_job_id)
    return render(request, "analysis/estimate_job.html", {"job": job, "page": estimate_page(job)})


@operator_required(Capability.ANALYSE)
def review_view(request: OperatorRequest) -> HttpResponse:
    rows = services.pairs_for_review(analyst=request.user)
    return render(
        request,
        "analysis/review.html",
        {"rows": rows, "total": CandidatePair.objects.count(), "run": latest_run()},
    )


@require_POST
@operator_required(Capability.ANALYSE)
def decide_view(request: OperatorRequest, candidate_id: int) -> HttpResponse:
    candidate = get_object_or_404(CandidatePair, pk=candidate_id)
    form = PairDecisionForm(request.POST)
    if form.is_valid():
        services.decide_pair(
            analyst=request.user,
            candidate=candidate,
            same_person=form.cleaned_data["same_person"],
        )
    return redirect("analysis:review")


@operator_required(Capability.ANALYSE)
def clusters_view(request: OperatorRequest) -> HttpResponse:
    run = latest_run()
    people = services.merged_people_shown(analyst=request.user, run=run)
    return render(request, "analysis/clusters.html", {
        "run": run, "people": people, "error": request.GET.get("error") == "1",
        "merge_form": MergeForm(),
    })  # fmt: skip


@require_POST
@operator_required(Capability.ANALYSE)
def run_linkage_view(request: OperatorRequest) -> HttpResponse:
    try:
        linking.run_linkage(analyst=request.user)
    except LinkageError as error:
        messages.error(request, str(error))
    return redirect("analysis:clusters")


@require_POST
@operator_required(Capability.ANALYSE)
def split_view(request: OperatorRequest, run_id: int, person: int) -> HttpResponse:
    run = get_object_or_404(LinkageRun, pk=run_id)
    form = SplitForm(request.POST)
    try:
        if not form.is_valid():
            raise linking.NothingToSplit(_("Choose the records to split off."))
        linking.split_person(analyst=request.user, run=run, person=person,
                             victim_ids=form.cleaned_data["victims"])  # fmt: skip
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Split. Later linkage runs keep these records apart."))
    return redirect("analysis:clusters")


@require_POST
@operator_required(Capability.ANALYSE)
def merge_view(request: OperatorRequest, run_id: int, person: int) -> HttpResponse:
    run = get_object_or_404(LinkageRun, pk=run_id)
    form = MergeForm(request.POST)
    try:
        if not form.is_valid():
            raise linking.NotOnePerson(_("Give the number of the person to merge with."))
        linking.merge_people(analyst=request.user, run=run, person=person,
                             other=form.cleaned_data["other"])  # fmt: skip
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Merged. Later linkage runs keep these records together."))
    return redirect("analysis:clusters")
