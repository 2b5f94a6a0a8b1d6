from __future__ import annotations

import io
import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from refuge.accounts.roles import Role
from refuge.analysis.capture import capture_table
from refuge.analysis.charts import bar_chart_svg
from refuge.analysis.linking import run_linkage
from refuge.analysis.statistics import StatisticsFilter, counts_by_violation, summary
from refuge.documentation.choices import DatePrecision, EventType, SourceKind, ViolationType
from refuge.documentation.models import Place
from refuge.documentation.services import testimony as testimony_service
from refuge.documentation.services.records import EventInput, SourceInput
from refuge.testing import keyring_for, log_in
from refuge.vault import api as vault

pytestmark = pytest.mark.django_db


def _document(
    actor,
    *,
    names: list[str],
    violation: ViolationType,
    kind: SourceKind,
    origin: str,
    day: date = date(2017, 3, 10),
) -> None:
    place = Place.objects.filter(kind="town").order_by("code").first()
    assert place is not None  # the gazetteer ships towns
    testimony_service.record_testimony(
        actor=actor,
        testimony=testimony_service.Testimony(
            source=SourceInput(kind=kind, origin_name=origin, summary="…", received_on=day),
            violations=[violation],
            new_event=EventInput(
                event_type=EventType.INDIVIDUAL_DETENTION,
                title="t",
                description="d",
                start_date=day,
                end_date=day,
                date_precision=DatePrecision.DAY,
                place=place,
            ),
            new_victim_names=names,
        ),
    )


@pytest.fixture
def chief(operator_factory):
    return operator_factory("chief", Role.COORDINATOR)


def test_counts_suppress_small_cells(chief) -> None:
    with vault.activated(keyring_for(chief)):
        _document(
            chief,
            names=[f"Person {i}" for i in range(6)],
            violation=ViolationType.ARBITRARY_DETENTION,
            kind=SourceKind.TESTIMONY,
            origin="caller 1",
        )
        _document(
            chief,
            names=["Alone"],
            violation=ViolationType.KILLING,
            kind=SourceKind.TESTIMONY,
            origin="caller 2",
        )

    rows = {row.key: row for row in counts_by_violation(StatisticsFilter())}

    assert rows["arbitrary_detention"].shown == "6"
    assert rows["killing"].shown == "<5"
    assert summary(StatisticsFilter()).victims == 7


def test_filters_by_period_and_violation(chief) -> None:
    with vault.activated(keyring_for(chief)):
        _document(
            chief,
            names=["A", "B"],
            violation=ViolationType.BEATING,
            kind=SourceKind.TESTIMONY,
            origin="x",
            day=date(2017, 4, 1),
        )
        _document(
            chief,
            names=["C"],
            violation=ViolationType.BEATING,
            kind=SourceKind.TESTIMONY,
            origin="y",
            day=date(2018, 4, 1),
        )
    only_2017 = StatisticsFilter(since=date(2017, 1, 1), until=date(2017, 12, 31))
    assert summary(only_2017).acts == 2
    assert summary(StatisticsFilter(violations=("killing",))).acts == 0


def test_chart_is_svg_without_script_and_escapes_labels() -> None:
    from refuge.analysis.statistics import CountRow

    svg = bar_chart_svg(
        [CountRow("a", "<script>x</script>", 7), CountRow("b", "b", 2)], title="T & t"
    )
    assert svg.startswith("<svg")
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert "&lt;5" in svg


def test_report_command_reproduces_the_page_figures(chief, capsys) -> None:
    with vault.activated(keyring_for(chief)):
        _document(
            chief,
            names=[f"P{i}" for i in range(5)],
            violation=ViolationType.TORTURE,
            kind=SourceKind.TESTIMONY,
            origin="z",
        )
    call_command("report", "--format", "json")
    document = json.loads(capsys.readouterr().out)
    assert document["summary"] == {
        "acts": "5",
        "people": "5",
        "victims": "5",
        "events": "<5",
        "withheld": "0",
    }
    assert document["linkage"]["run"] is None
    assert document["sections"]["By violation"]["torture"] == "5"
    assert "<5" in document["method"]


def test_capture_table_links_the_same_name_across_lists(chief) -> None:
    with vault.activated(keyring_for(chief)):
        _document(
            chief,
            names=["Ахмед Исаев", "Руслан Умаров"],
            violation=ViolationType.ARBITRARY_DETENTION,
            kind=SourceKind.TESTIMONY,
            origin="caller",
        )
        _document(
            chief,
            names=["Akhmed Isaev"],
            violation=ViolationType.ARBITRARY_DETENTION,
            kind=SourceKind.MEDIA_REPORT,
            origin="outlet",
        )
        run = run_linkage(analyst=chief)
        result = capture_table(list_kinds=["testimony", "media_report"], violations=[])

    assert result.run_id == run.pk
    assert result.victims == 3
    assert result.people == 2
    assert result.table.count((1, 1)) == 1
    assert result.table.count((1, 0)) == 1


def test_analyst_pages_render_and_exports_are_audited(
    client: Client, chief, operator_factory
) -> None:
    from refuge.audit.models import AuditAction, AuditEvent

    analyst = operator_factory("numbers", Role.ANALYST)
    with vault.activated(keyring_for(chief)):
        _document(
            chief,
            names=["A", "B"],
            violation=ViolationType.BEATING,
            kind=SourceKind.TESTIMONY,
            origin="x",
        )
        _document(
            chief,
            names=["A"],
            violation=ViolationType.BEATING,
            kind=SourceKind.ORGANISATION_REPORT,
            origin="org",
        )
    log_in(client, analyst)
    page = client.get(reverse("analysis:statistics"))
    assert page.status_code == 200
    assert "<svg" in page.content.decode()
    estimate = client.get(
        reverse("analysis:estimate"), {"lists": ["testimony", "organisation_report"]}
    )
    assert estimate.status_code == 200
    pdf = client.get(reverse("analysis:report_pdf"))
    assert pdf.content.startswith(b"%PDF")
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "Задокументированные нарушения" in text  # Cyrillic, in an embedded font
    assert "Избиение" in text or "избиение" in text.lower()
    csv_body = client.get(reverse("analysis:report_csv")).content.decode()
    assert "section,key,label,count" in csv_body
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, actor_id=analyst.pk).count() == 2


def test_estimate_needs_two_lists(client: Client, operator_factory) -> None:
    log_in(client, operator_factory("numbers", Role.ANALYST))
    page = client.get(reverse("analysis:estimate"), {"lists": ["testimony"]})
    assert page.status_code == 200
    assert "capture" not in page.context or page.context.get("capture") is None


def test_bad_period_is_a_form_error_not_a_500(client: Client, operator_factory) -> None:
    log_in(client, operator_factory("numbers", Role.ANALYST))
    page = client.get(
        reverse("analysis:statistics"), {"since": "2018-01-01", "until": "2017-01-01"}
    )
    assert page.status_code == 200
    page = client.get(reverse("analysis:statistics"), {"since": "not a date"})
    assert page.status_code == 200


def test_other_roles_cannot_open_analysis(client: Client, operator_factory) -> None:
    log_in(client, operator_factory("phone", Role.OPERATOR))
    assert client.get(reverse("analysis:statistics")).status_code == 403


def test_report_refuses_a_nul_byte_in_a_violation_code() -> None:
    with pytest.raises(CommandError, match="NUL byte"):
        call_command("report", "--violation", "tor\x00ture")
