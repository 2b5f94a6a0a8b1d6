"""The anonymised report: the same figures as the statistics page, as CSV or PDF, with method."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from refuge.analysis.statistics import (
    CountRow,
    StatisticsFilter,
    Summary,
    counts_by_month,
    counts_by_perpetrator,
    counts_by_place,
    counts_by_violation,
    people_by_attribute,
    summary,
)
from refuge.analysis.suppression import CellId, Equation, suppress

SUMMARY = "summary"


@dataclass(frozen=True, slots=True)
class Report:
    statistics_filter: StatisticsFilter
    summary: Summary
    summary_rows: tuple[CountRow, ...]
    sections: tuple[tuple[str, tuple[CountRow, ...]], ...]
    generated_at: str


def method_text(threshold: int) -> str:
    return _(
        "Counts are of documented acts (one violation against one person) whose event overlaps "
        "the period, by the month the event began, by violation type, by district (towns and "
        "facilities count toward their district) and by the affiliation of the perpetrators "
        "named (an act with perpetrators of two affiliations counts under both); and of people "
        "by gender and age group. People are the victim records that record linkage judged to "
        "be one person (the linkage run is named below); the number of records is shown beside "
        'them. Counts from 1 to %(limit)d are shown as "<%(threshold)d" so that no person can '
        'be singled out, and further counts are hidden ("×") wherever a hidden count could '
        "otherwise be worked out from totals and the other counts of this report. These are "
        "documented cases, not the total: the number never reported is estimated separately, "
        "with its interval. People who declined anonymised use of their data in reports are "
        "left out of every figure; how many is stated (small numbers suppressed alike). Every "
        'figure is recomputed from the data by "refuge report" with the same filters.'
    ) % {"limit": threshold - 1, "threshold": threshold}


def linkage_text(report: Report) -> str:
    basis = report.summary.linkage
    if basis.run_id is None:
        return _("No linkage run yet: every victim record is counted as one person.")
    return _(
        "People rest on linkage run %(run)d of %(when)s: %(method)s at match probability "
        "%(threshold)s; victim records documented since count as one person each."
    ) % {"run": basis.run_id, "when": basis.finished, "method": basis.method,
         "threshold": f"{basis.threshold:g}"}  # fmt: skip


def _summary_cells(summary_: Summary) -> list[tuple[str, str, int]]:
    return [
        ("acts", _("Documented acts"), summary_.acts),
        ("people", _("People (linked records)"), summary_.people),
        ("victims", _("Victim records"), summary_.victims),
        ("events", _("Events"), summary_.events),
        ("withheld", _("Victims left out at their request"), summary_.withheld_victims),
    ]


# Which sections add up to which summary figure (perpetrators do not: an act may count twice).
_TOTALS = {"month": "acts", "violation": "acts", "district": "acts", "gender": "people",
           "age_group": "people"}  # fmt: skip


def build_report(statistics_filter: StatisticsFilter, *, language: str) -> Report:
    summary_ = summary(statistics_filter)
    keyed = (
        ("month", _("By month"), counts_by_month(statistics_filter)),
        ("violation", _("By violation"), counts_by_violation(statistics_filter)),
        ("district", _("By district"), counts_by_place(statistics_filter, language=language)),
        ("perpetrator", _("By perpetrator"), counts_by_perpetrator(statistics_filter)),
        ("gender", _("People by gender"), people_by_attribute(statistics_filter, "gender")),
        ("age_group", _("People by age group"),
         people_by_attribute(statistics_filter, "age_group")),
    )  # fmt: skip
    threshold = summary_.threshold
    summary_rows = [CountRow(key, str(label), value, threshold)
                    for key, label, value in _summary_cells(summary_)]  # fmt: skip
    values: dict[CellId, int] = {(SUMMARY, row.key): row.count for row in summary_rows}
    equations = []
    for name, _title, rows in keyed:
        values.update({(name, row.key): row.count for row in rows})
        if name in _TOTALS:
            equations.append(Equation((SUMMARY, _TOTALS[name]),
                                      tuple((name, row.key) for row in rows)))  # fmt: skip
    hidden = suppress(values, equations, threshold=threshold)

    def marked(table: str, rows: list[CountRow]) -> tuple[CountRow, ...]:
        return tuple(replace(row, protected=(table, row.key) in hidden and not row.is_small)
                     for row in rows)  # fmt: skip

    return Report(
        statistics_filter=statistics_filter,
        summary=summary_,
        summary_rows=marked(SUMMARY, summary_rows),
        sections=tuple((str(title), marked(name, rows)) for name, title, rows in keyed),
        generated_at=timezone.now().strftime("%Y-%m-%d %H:%M UTC"),
    )


def _summary_rows(report: Report) -> list[tuple[str, str]]:
    return [(row.label, row.shown) for row in report.summary_rows]


def report_csv(report: Report) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["section", "key", "label", "count"])
    for label, value in _summary_rows(report):
        writer.writerow([pgettext("report section", "Summary"), "", label, value])
    for title, rows in report.sections:
        for row in rows:
            writer.writerow([title, row.key, row.label, row.shown])
    writer.writerow([_("Method"), "", method_text(report.summary.threshold), ""])
    writer.writerow(
        [_("Linkage"), str(report.summary.linkage.run_id or ""), linkage_text(report), ""]
    )
    return buffer.getvalue().encode("utf-8")


FONT_FILE = Path(__file__).resolve().parent / "fonts" / "DejaVuSans.ttf"
FONT = "DejaVuSans"  # Cyrillic and Latin; reportlab's built-in fonts have no Cyrillic


def _styles() -> dict[str, ParagraphStyle]:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(FONT_FILE)))
    sample = getSampleStyleSheet()
    return {
        name: ParagraphStyle(f"refuge-{name}", parent=sample[name], fontName=FONT)
        for name in ("Title", "Heading2", "Normal")
    }


def _table(rows: list[list[str]]) -> Table:
    return Table(rows, style=TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT)]))


def report_pdf(report: Report) -> bytes:
    """A plain PDF in the active language, with the DejaVu Sans font embedded."""
    styles = _styles()
    buffer = io.BytesIO()
    story: list[object] = [
        Paragraph(_("Refuge: documented violations"), styles["Title"]),
        Paragraph(_("Generated %(when)s") % {"when": report.generated_at}, styles["Normal"]),
        Spacer(1, 12),
        _table([list(row) for row in _summary_rows(report)]),
    ]
    for title, rows in report.sections:
        story += [
            Spacer(1, 12),
            Paragraph(title, styles["Heading2"]),
            _table([[row.label, row.shown] for row in rows] or [["-", "0"]]),
        ]
    story += [
        Spacer(1, 12),
        Paragraph(_("Method"), styles["Heading2"]),
        Paragraph(method_text(report.summary.threshold), styles["Normal"]),
        Paragraph(linkage_text(report), styles["Normal"]),
    ]
    SimpleDocTemplate(buffer, pagesize=A4, title=_("Refuge report")).build(story)
    return buffer.getvalue()
