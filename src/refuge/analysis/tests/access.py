"""Access expectations for analysis (merged by tests/test_access_matrix.py).

ANALYSE and PUBLISH belong to the analyst and the coordinator; everyone else gets 403.
Candidate pairs are shared work of all analysts (no ID_SWAPS): the world's pair links the
two victims of a testimony recorded by the lawyer, as a linkage run would leave it.
"""

from __future__ import annotations

from typing import Any

from refuge.accounts.roles import Role
from refuge.analysis.estimation import CaptureTable
from refuge.analysis.jobs import CaptureCounts, request_estimate
from refuge.analysis.models import CandidatePair, EstimateMethod, LinkageRun, PersonLink
from refuge.documentation.services.testimony import record_testimony
from refuge.documentation.tests.factories import testimony
from refuge.testing import keyring_for
from refuge.testing.access_matrix import Effect, World, console
from refuge.vault import api as vault

ANALYSTS = {Role.COORDINATOR, Role.ANALYST}

EXPECTED = {
    "analysis:home": console(ANALYSTS),
    "analysis:statistics": console(ANALYSTS),
    "analysis:report_csv": console(ANALYSTS),
    "analysis:report_pdf": console(ANALYSTS),
    "analysis:estimate": console(ANALYSTS),
    "analysis:estimate_job": console(ANALYSTS),
    "analysis:review": console(ANALYSTS),
    # An empty decision is ignored; back to the review list (302).
    "analysis:decide": console(ANALYSTS, method="post", ok=302),
    "analysis:clusters": console(ANALYSTS),
    # Runs the model over the world's victims, then back to the people page.
    "analysis:run_linkage": console(ANALYSTS, method="post", ok=302),
    # An empty split or merge is refused with a message on the people page (302).
    "analysis:split": console(ANALYSTS, method="post", ok=302),
    "analysis:merge": console(ANALYSTS, method="post", ok=302),
}


def url_kwargs(world: World) -> dict[str, Any]:
    lawyer = world.operators[Role.LAWYER.value]
    with vault.activated(keyring_for(lawyer)):
        result = record_testimony(actor=lawyer, testimony=testimony())
    low, high = sorted({act.victim_id for act in result.acts})[:2]
    pair = CandidatePair.objects.create(victim_low_id=low, victim_high_id=high, probability=0.5)
    with vault.activated(keyring_for(lawyer)):
        other = record_testimony(actor=lawyer, testimony=testimony()).acts[0].victim_id
    run = LinkageRun.objects.create(started_by=lawyer, method="average linkage", threshold=0.3)
    # Person 1 holds two records (to split), person 2 one more (to merge person 1 with).
    PersonLink.objects.bulk_create(
        [
            PersonLink(run=run, victim_id=low, person=1),
            PersonLink(run=run, victim_id=high, person=1),
            PersonLink(run=run, victim_id=other, person=2),
        ]
    )
    job = request_estimate(
        analyst=world.operators[Role.ANALYST.value],
        capture=CaptureCounts(
            table=CaptureTable(("testimony", "media_report"), (3, 4, 5)),
            violations=(),
            victims=12,
            people=12,
            unnamed=0,
            linkage_method="exact",
        ),
        method=EstimateMethod.AUTO,
    )
    return {
        "candidate_id": pair.pk,
        "run_id": run.pk,
        "person": 1,
        "estimate_job_id": job.pk,
        "split_victim_id": low,
    }


PAGE = "a page: a POST shows it (or its file) and writes nothing"
SHARED = "linkage runs and the people they find are the shared work of all analysts"
EFFECTS = {
    **{
        f"analysis:{name}": Effect.read_only(PAGE)
        for name in (
            "home",
            "statistics",
            "report_csv",
            "report_pdf",
            "estimate",
            "review",
            "clusters",
            "estimate_job",
        )
    },
    "analysis:decide": Effect(
        data={"same_person": "yes"},
        outsider=False,
        reason="candidate pairs are the shared work of all analysts",
    ),
    "analysis:run_linkage": Effect(outsider=False, reason=SHARED),
    "analysis:split": Effect(
        data=lambda world: {"victims": [world.extra["kwargs"]["split_victim_id"]]},
        outsider=False,
        reason=SHARED,
    ),
    "analysis:merge": Effect(data={"other": "2"}, outsider=False, reason=SHARED),
}
