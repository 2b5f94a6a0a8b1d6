"""Import another organisation's list of acts (CSV): all rows are checked before anything is
stored; one bad row refuses the whole file with a message naming the lines.

Columns (header row required): start_date, end_date (optional), place, violation, victim,
perpetrator (optional), victim_gender and victim_age_group (optional: a code such as woman or
18_29, a Russian or English word, or for the age group an age in years). Dates are
YYYY-MM-DD; place is a gazetteer or custom place name (Russian or English) or code; violation
is a code such as arbitrary_detention. The list becomes one source (another organisation's
report) supporting every imported act. Victims with the same name within one file are one
victim; matching against victims already recorded is record linkage, left to the analysis app
(where every such merge is listed with its evidence and can be split).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from refuge.accounts.models import Operator
from refuge.accounts.permissions import require
from refuge.accounts.roles import Capability
from refuge.core.errors import DomainError
from refuge.documentation.choices import (
    AgeGroup,
    DatePrecision,
    EventType,
    Gender,
    PerpetratorKind,
    SourceKind,
    ViolationType,
)
from refuge.documentation.errors import MalformedImport
from refuge.documentation.keys import normalise_name
from refuge.documentation.models import (
    ActPerpetrator,
    ActSource,
    Event,
    Perpetrator,
    Place,
    Source,
    Victim,
)
from refuge.documentation.services.common import check_dates
from refuge.documentation.services.places import find_place
from refuge.documentation.services.records import (
    EventInput,
    SourceInput,
    create_event,
    create_perpetrator,
    create_source,
    create_victim,
)
from refuge.documentation.services.testimony import get_or_create_act

REQUIRED_COLUMNS = {"start_date", "place", "violation", "victim"}
MAX_ROWS = 5000
MAX_ERRORS_SHOWN = 10


@dataclass(frozen=True, slots=True)
class ImportRow:
    start_date: date
    end_date: date
    place: Place
    violation: ViolationType
    victim: str
    perpetrator: str
    gender: Gender = Gender.UNKNOWN
    age_group: AgeGroup = AgeGroup.UNKNOWN


def _text(content: bytes) -> str:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise MalformedImport(_("The file is not UTF-8 text (save it as CSV UTF-8).")) from error
    if "\x00" in text:  # a binary file renamed .csv
        raise MalformedImport(_("The file is not a readable CSV table."))
    return text


def _parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError as error:
        raise DomainError(_("date %(value)s is not YYYY-MM-DD") % {"value": value[:20]}) from error


_GENDER_WORDS = {
    "м": Gender.MAN, "муж": Gender.MAN, "мужской": Gender.MAN, "мужчина": Gender.MAN,
    "male": Gender.MAN, "m": Gender.MAN, "ж": Gender.WOMAN, "жен": Gender.WOMAN,
    "женский": Gender.WOMAN, "женщина": Gender.WOMAN, "female": Gender.WOMAN, "f": Gender.WOMAN,
    "небинарный": Gender.NON_BINARY, "небинарная": Gender.NON_BINARY,
    "небинарная персона": Gender.NON_BINARY, "nonbinary": Gender.NON_BINARY,
    "non-binary": Gender.NON_BINARY, "не указан": Gender.NOT_STATED,
    "не указано": Gender.NOT_STATED, "not stated": Gender.NOT_STATED,
    "неизвестно": Gender.UNKNOWN,
}  # fmt: skip
_AGE_WORDS = {"до 18": AgeGroup.MINOR, "under 18": AgeGroup.MINOR, "18-29": AgeGroup.AGE_18_29,
              "30-49": AgeGroup.AGE_30_49, "50+": AgeGroup.AGE_50_PLUS,
              "неизвестно": AgeGroup.UNKNOWN}  # fmt: skip


def _gender(value: str) -> Gender:
    word = value.strip().lower()
    if not word:
        return Gender.UNKNOWN
    if word in Gender.values:
        return Gender(word)
    if word in _GENDER_WORDS:
        return _GENDER_WORDS[word]
    raise DomainError(_("unknown gender %(value)s") % {"value": value[:20]})


def _age_group(value: str) -> AgeGroup:
    word = value.strip().lower()
    if not word:
        return AgeGroup.UNKNOWN
    if word in AgeGroup.values:
        return AgeGroup(word)
    if word in _AGE_WORDS:
        return _AGE_WORDS[word]
    if word.isdigit() and int(word) < 120:
        age = int(word)
        return (AgeGroup.MINOR if age < 18 else AgeGroup.AGE_18_29 if age < 30
                else AgeGroup.AGE_30_49 if age < 50 else AgeGroup.AGE_50_PLUS)  # fmt: skip
    raise DomainError(_("unknown age group %(value)s") % {"value": value[:20]})


def _row(record: dict[str, str | None]) -> ImportRow:
    get = {key: (value or "").strip() for key, value in record.items() if key}
    start = _parse_date(get.get("start_date", ""))
    end = _parse_date(get["end_date"]) if get.get("end_date") else start
    check_dates(start, end)
    if get.get("violation") not in ViolationType.values:
        raise DomainError(
            _("unknown violation %(value)s") % {"value": get.get("violation", "")[:40]}
        )
    if not get.get("victim"):
        raise DomainError(_("no victim"))
    return ImportRow(
        start_date=start,
        end_date=end,
        place=find_place(get.get("place", "")),
        violation=ViolationType(get["violation"]),
        victim=get["victim"],
        perpetrator=get.get("perpetrator", ""),
        gender=_gender(get.get("victim_gender", "")),
        age_group=_age_group(get.get("victim_age_group", "")),
    )


def parse_rows(content: bytes) -> list[ImportRow]:
    """Every row checked; MalformedImport lists the bad lines and nothing is stored."""
    try:
        reader = csv.DictReader(io.StringIO(_text(content), newline=""))
        columns = {name.strip() for name in reader.fieldnames or [] if name}
        if not REQUIRED_COLUMNS.issubset(columns):
            raise MalformedImport(
                _("Missing columns: %(names)s.")
                % {"names": ", ".join(sorted(REQUIRED_COLUMNS - columns))}
            )
        rows: list[ImportRow] = []
        errors: list[str] = []
        for record in reader:
            if len(rows) + len(errors) >= MAX_ROWS:
                raise MalformedImport(
                    _("More than %(count)d rows: split the file.") % {"count": MAX_ROWS}
                )
            try:
                rows.append(_row(record))
            except DomainError as error:
                errors.append(
                    _("line %(line)d: %(problem)s") % {"line": reader.line_num, "problem": error}
                )
    except csv.Error as error:
        raise MalformedImport(_("The file is not a readable CSV table.")) from error
    if errors:
        raise MalformedImport(
            _("Nothing was imported. %(errors)s") % {"errors": "; ".join(errors[:MAX_ERRORS_SHOWN])}
        )
    if not rows:
        raise MalformedImport(_("The file has no rows."))
    return rows


@dataclass(frozen=True, slots=True)
class ImportResult:
    source: Source
    events: int
    acts: int


@dataclass
class _Batch:
    """Records made so far in this import, so repeated names become one record."""

    actor: Operator
    source: Source
    events: dict[tuple[date, date, int], Event] = field(default_factory=dict)
    victims: dict[str, Victim] = field(default_factory=dict)
    perpetrators: dict[str, Perpetrator] = field(default_factory=dict)

    def event(self, row: ImportRow, organisation: str) -> Event:
        key = (row.start_date, row.end_date, row.place.pk)
        if key not in self.events:
            self.events[key] = create_event(
                actor=self.actor,
                event=EventInput(
                    event_type=EventType.OTHER,
                    description="",
                    start_date=row.start_date,
                    title=_("Imported from %(organisation)s") % {"organisation": organisation},
                    end_date=row.end_date,
                    date_precision=DatePrecision.DAY,
                    place=row.place,
                ),
            )
        return self.events[key]

    def victim(self, row: ImportRow) -> Victim:
        key = normalise_name(row.victim)
        if key not in self.victims:
            self.victims[key] = create_victim(
                actor=self.actor, real_name=row.victim, gender=row.gender, age_group=row.age_group
            )
        return self.victims[key]

    def perpetrator(self, name: str) -> Perpetrator:
        key = normalise_name(name)
        if key not in self.perpetrators:
            self.perpetrators[key] = create_perpetrator(
                actor=self.actor, name=name, kind=PerpetratorKind.UNIT
            )
        return self.perpetrators[key]


@transaction.atomic
def import_organisation_list(*, actor: Operator, organisation: str, content: bytes) -> ImportResult:
    """Store a checked list as events, victims and acts, all supported by one source."""
    require(actor, Capability.DOCUMENT)
    rows = parse_rows(content)
    source = create_source(
        actor=actor,
        source=SourceInput(
            kind=SourceKind.ORGANISATION_REPORT,
            origin_name=organisation,
            received_on=timezone.localdate(),
            summary=_("Imported list: %(count)d rows.") % {"count": len(rows)},
        ),
    )
    batch = _Batch(actor=actor, source=source)
    for row in rows:
        act, _created = get_or_create_act(
            actor, batch.event(row, organisation), batch.victim(row), row.violation
        )
        ActSource.objects.get_or_create(act=act, source=source, defaults={"linked_by": actor})
        if row.perpetrator:
            ActPerpetrator.objects.get_or_create(
                act=act, perpetrator=batch.perpetrator(row.perpetrator)
            )
    return ImportResult(
        source=source,
        events=len(batch.events),
        acts=ActSource.objects.filter(source=source).count(),
    )
