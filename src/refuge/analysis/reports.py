"""The anonymised report: the same figures as the statistics page, as CSV or PDF, with method."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
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
    summary,
)


@dataclass(frozen=True, slots=True)
class Report:
    statistics_filter: StatisticsFilter
    summary: Summary
    sections: tuple[tuple[str, tuple[CountRow, ...]], ...]
    generated_at: str


def method_text(threshold: int) -> str:
    return _(
        "Counts are of documented acts (one violation against one person) whose event overlaps "
        "the period, by the month the event began, by violation type, by district (towns and "
        "facilities count toward their district) and by the affiliation of the perpetrators "
        "named (an act with perpetrators of two affiliations counts under both). Counts from 1 "
        'to %(limit)d are shown as "<%(threshold)d" so that no person can be singled out. '
        "These are documented cases, not the total: the number never reported is estimated "
        "separately, with its interval. People who declined anonymised use of their data in "
        "reports are left out of every figure; how many is stated (small numbers suppressed "
        'alike). Every figure is recomputed from the data by "refuge report" with the same '
        "filters."
    ) % {"limit": threshold - 1, "threshold": threshold}


def build_report(statistics_filter: StatisticsFilter, *, language: str) -> Report:
    sections = (
        (_("By month"), tuple(counts_by_month(statistics_filter))),
        (_("By violation"), tuple(counts_by_violation(statistics_filter))),
        (_("By district"), tuple(counts_by_place(statistics_filter, language=language))),
        (_("By perpetrator"), tuple(counts_by_perpetrator(statistics_filter))),
    )
    return Report(
        statistics_filter=statistics_filter,
        summary=summary(statistics_filter),
        sections=sections,
        generated_at=timezone.now().strftime("%Y-%m-%d %H:%M UTC"),
    )


def _summary_rows(report: Report) -> list[tuple[str, str]]:
    shown = [
        CountRow("", "", value, report.summary.threshold).shown
        for value in (report.summary.acts, report.summary.victims, report.summary.events,
                      report.summary.withheld_victims)
    ]
    return [
        (_("Documented acts"), shown[0]),
        (_("Documented victims"), shown[1]),
        (_("Events"), shown[2]),
        (_("Victims left out at their request"), shown[3]),
    ]


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
    return buffer.getvalue().encode("utf-8")


FONT_FILE = Path(__file__).resolve().parent / "fonts" / "DejaVuSans.ttf"
FONT = "DejaVuSans"  # Cyrillic and Latin; reportlab's built-in fonts have no Cyrillic


def _styles() -> dict[str, ParagraphStyle]:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(FONT_FILE)))
    sample = getSampleStyleSheet()
    return {name: ParagraphStyle(f"refuge-{name}", parent=sample[name], fontName=FONT)
            for name in ("Title", "Heading2", "Normal")}


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
    ]
    SimpleDocTemplate(buffer, pagesize=A4, title=_("Refuge report")).build(story)
    return buffer.getvalue()
