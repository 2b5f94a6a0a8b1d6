"""Deduplicate a CSV file: read it (UTF-8 or cp1251), link, write `id,cluster_id`.

Only ids and cluster numbers are written; names stay in memory.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass
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


def records_from_table(table: CsvTable, id_column: str, roles: ColumnRoles) -> list[PersonRecord]:
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
    if "" in ids:
        raise DuplicateIds(f"Record on data line {ids.index('') + 1} has an empty id.")
    repeated = [record_id for record_id, count in Counter(ids).items() if count > 1]
    if repeated:
        shown = ", ".join(repr(record_id) for record_id in repeated[:5])
        raise DuplicateIds(f"Duplicate ids in column {id_column!r}: {shown}.")
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
            )
        )
    return records


@dataclass(frozen=True, slots=True)
class CsvRun:
    roles: ColumnRoles
    encoding: str
    result: LinkageResult
    record_count: int


def dedupe_csv(
    source: Path,
    destination: Path,
    *,
    id_column: str,
    overrides: RoleOverrides | None = None,
    encoding: str | None = None,
    settings: LinkageSettings | None = None,
    progress: Progress | None = None,
) -> CsvRun:
    """Deduplicate `source` and write `id_column,cluster_id` to `destination`."""
    if progress:
        progress("reading", 0.0)
    table = read_table(source, encoding=encoding)
    roles = resolve_roles(table.headers, overrides or RoleOverrides(), id_column=id_column)
    records = records_from_table(table, id_column, roles)
    used_encoding = table.encoding
    del table
    result = dedupe_records(records, settings=settings, progress=progress)
    if progress:
        progress("writing", 0.0)
    with destination.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([id_column, "cluster_id"])
        for record in records:
            writer.writerow([record.record_id, result.clusters[record.record_id]])
    if progress:
        progress("writing", 1.0)
    return CsvRun(roles, used_encoding, result, len(records))
