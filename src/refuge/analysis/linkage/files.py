"""Link CSV files: read them (UTF-8 or cp1251), link, write `id,cluster_id`.

Only ids and cluster numbers are written; names stay in memory.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from refuge.analysis.linkage.columns import ColumnRoles, RoleOverrides, resolve_roles
from refuge.analysis.linkage.dedupe import (
    LinkageResult,
    LinkageSettings,
    PersonRecord,
    dedupe_records,
)
from refuge.analysis.linkage.errors import (
    DuplicateIds,
    EmptyInput,
    InputFileMissing,
    InputUndecodable,
    UnknownColumn,
)
from refuge.analysis.linkage.model import Progress
from refuge.analysis.linkage.report import RunReport

_DELIMITERS = (",", ";", "\t")


@dataclass(frozen=True, slots=True)
class CsvTable:
    headers: tuple[str, ...]
    rows: list[list[str]]
    encoding: str


def decode(data: bytes, encoding: str | None) -> tuple[str, str]:
    """Decode strictly: the given encoding, else UTF-8 (BOM or not), else cp1251."""
    candidates = [encoding] if encoding else ["utf-8-sig", "cp1251"]
    for candidate in candidates:
        try:
            text = data.decode(candidate)
        except UnicodeDecodeError:
            continue
        except LookupError as error:
            raise InputUndecodable(f"Unknown encoding {encoding!r}.") from error
        if "\x00" in text:
            break
        return text.removeprefix("\ufeff"), candidate
    tried = " or ".join(str(candidate) for candidate in candidates)
    raise InputUndecodable(f"The file is not readable text in {tried}: use --encoding.")


def read_table(path: Path, *, encoding: str | None = None) -> CsvTable:
    """Read a CSV whose delimiter is a comma, semicolon or tab."""
    try:
        data = path.read_bytes()
    except FileNotFoundError as error:
        raise InputFileMissing(f"Input file not found: {path}") from error
    except (IsADirectoryError, PermissionError) as error:
        raise InputFileMissing(f"Input file cannot be read: {path}") from error
    text, used = decode(data, encoding)
    if not text.strip():
        raise EmptyInput("The input file is empty.")
    first_line = text.split("\n", 1)[0]
    delimiter = max(_DELIMITERS, key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        headers = tuple(header.strip() for header in next(reader))
        rows = [row for row in reader if any(cell.strip() for cell in row)]
    except csv.Error as error:
        raise InputUndecodable(f"The file is not valid CSV: {error}") from error
    if not rows:
        raise EmptyInput("The input file has a header but no records.")
    return CsvTable(headers, rows, used)


def records_from_table(
    table: CsvTable, id_column: str, roles: ColumnRoles, *, source: str | None = None
) -> list[PersonRecord]:
    """Turn rows into PersonRecords; ids must be present and unique."""
    if id_column not in table.headers:
        raise UnknownColumn(
            f"Id column {id_column!r} is not in the file (columns: {', '.join(table.headers)})."
        )
    position = {header: index for index, header in enumerate(table.headers)}
    id_index = position[id_column]

    def cell(row: list[str], column: str | None) -> str | None:
        if column is None:
            return None
        index = position[column]
        value = row[index].strip() if index < len(row) else ""
        return value or None

    ids = [row[id_index].strip() if id_index < len(row) else "" for row in table.rows]
    _check_ids(ids, id_column)
    identifier_columns = [identifier.column for identifier in roles.identifiers]
    records = []
    for record_id, row in zip(ids, table.rows, strict=True):
        full = " ".join(value for column in roles.full_name if (value := cell(row, column)))
        records.append(
            PersonRecord(
                record_id=record_id,
                full_name=full or None,
                given_name=cell(row, roles.given),
                surname=cell(row, roles.surname),
                patronymic=cell(row, roles.patronymic),
                birth=cell(row, roles.birth),
                place=cell(row, roles.place),
                sex=cell(row, roles.sex),
                identifiers=tuple(cell(row, column) for column in identifier_columns),
                source=source,
            )
        )
    return records


def _check_ids(ids: list[str], id_column: str) -> None:
    if "" in ids:
        raise DuplicateIds(f"Record on data line {ids.index('') + 1} has an empty id.")
    repeated = [record_id for record_id, count in Counter(ids).items() if count > 1]
    if repeated:
        shown = ", ".join(repr(record_id) for record_id in repeated[:5])
        raise DuplicateIds(f"Duplicate ids in column {id_column!r}: {shown}.")


@dataclass(frozen=True, slots=True)
class CsvRun:
    roles: ColumnRoles
    encoding: str
    result: LinkageResult
    record_count: int

    @property
    def report(self) -> RunReport:
        return self.result.report


def _field_names(roles: ColumnRoles) -> dict[str, str]:
    """Report field names (PersonRecord fields) -> the input's column headers."""
    names = {"given_name": roles.given, "surname": roles.surname,
             "patronymic": roles.patronymic, "birth": roles.birth, "place": roles.place,
             "sex": roles.sex, "full_name": " + ".join(roles.full_name) or None}  # fmt: skip
    return {field: header for field, header in names.items() if header}


def dedupe_csv(
    sources: Path | Sequence[Path],
    destination: Path,
    *,
    id_column: str,
    overrides: RoleOverrides | None = None,
    encoding: str | None = None,
    settings: LinkageSettings | None = None,
    progress: Progress | None = None,
) -> CsvRun:
    """Link the records of one or more files and write `[list,]id_column,cluster_id`.

    With several files, every file must have the same columns; the first output column
    then names the file each record came from.
    """
    paths = [sources] if isinstance(sources, Path) else list(sources)
    if progress:
        progress("reading", 0.0)
    tables = [read_table(path, encoding=encoding) for path in paths]
    roles = resolve_roles(tables[0].headers, overrides or RoleOverrides(), id_column=id_column)
    for path, table in zip(paths[1:], tables[1:], strict=True):
        if set(table.headers) != set(tables[0].headers):
            raise UnknownColumn(f"{path.name} does not have the same columns as {paths[0].name}.")
    labels: list[str | None] = [path.name for path in paths] if len(paths) > 1 else [None]
    records: list[PersonRecord] = []
    originals: list[str] = []
    for number, (table, label) in enumerate(zip(tables, labels, strict=True)):
        for record in records_from_table(table, id_column, roles, source=label):
            originals.append(record.record_id)
            # Ids need only be unique within a file: the run sees them with the file's number.
            records.append(replace(record, record_id=f"{number}/{record.record_id}")
                           if label else record)  # fmt: skip
    used_encoding = tables[0].encoding
    del tables
    identifiers = [(identifier.column, identifier.kind) for identifier in roles.identifiers]
    result = dedupe_records(records, identifiers=identifiers, settings=settings, progress=progress)
    result = _named_report(result, roles)
    if progress:
        progress("writing", 0.0)
    _write(destination, records, originals, result, id_column)
    if progress:
        progress("writing", 1.0)
    return CsvRun(roles, used_encoding, result, len(records))


def _named_report(result: LinkageResult, roles: ColumnRoles) -> LinkageResult:
    names = _field_names(roles)
    columns = tuple(replace(column, field=names.get(column.field, column.field))
                    for column in result.report.columns)  # fmt: skip
    report = replace(result.report, columns=columns, ignored=roles.ignored)
    return replace(result, report=report)


def _write(
    destination: Path,
    records: Sequence[PersonRecord],
    originals: Sequence[str],
    result: LinkageResult,
    id_column: str,
) -> None:
    several = any(record.source for record in records)
    with destination.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["list", id_column, "cluster_id"] if several else [id_column, "cluster_id"])
        for record, original in zip(records, originals, strict=True):
            row = [original, result.clusters[record.record_id]]
            writer.writerow([record.source, *row] if several else row)
