"""Capture tables: read, validate and reshape the input of multiple systems estimation.

A capture table counts, for each non-empty capture pattern (which lists a person is on), how many
people have exactly that pattern. The all-zero pattern is what we estimate, so it is never input.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import BinaryIO, TextIO

import numpy as np
from numpy.typing import NDArray

from refuge.analysis.estimation.errors import CaptureTableError

COUNT_COLUMN = "count"
STRATUM_COLUMN = "stratum"
# 2**15 cells is already far beyond what any set of human-rights lists can fill.
MAX_LISTS = 15
_DELIMITERS = (",", ";", "\t")

Pattern = tuple[int, ...]
Source = str | os.PathLike[str] | BinaryIO | TextIO


def capture_patterns(list_count: int) -> NDArray[np.int8]:
    """Return every non-empty 0/1 capture pattern, one row each, in the order of `counts`."""
    every_pattern = itertools.product((0, 1), repeat=list_count)
    return np.array(list(every_pattern)[1:], dtype=np.int8).reshape(-1, list_count)


def pattern_index(pattern: Pattern) -> int:
    """Return the position of a non-empty pattern in `CaptureTable.counts`."""
    return int("".join(str(bit) for bit in pattern), 2) - 1


@dataclass(frozen=True, slots=True)
class Stratum:
    """One stratum (e.g. a region or a year) of a stratified capture table."""

    name: str
    table: CaptureTable


@dataclass(frozen=True, slots=True)
class CaptureTable:
    """Counts of people per capture pattern over named lists, optionally split into strata.

    `counts[i]` is the number of people with the i-th pattern of `capture_patterns(len(lists))`.
    When `strata` is not empty, `counts` is their sum (the pooled table).
    """

    list_names: tuple[str, ...]
    counts: tuple[int, ...]
    strata: tuple[Stratum, ...] = ()

    def __post_init__(self) -> None:
        expected = 2 ** len(self.list_names) - 1
        if len(self.counts) != expected:
            raise CaptureTableError(
                f"{len(self.list_names)} lists need {expected} pattern counts, got {len(self.counts)}"
            )
        if any(count < 0 for count in self.counts):
            raise CaptureTableError("counts must not be negative")
        if any(isinstance(count, bool) or count != int(count) for count in self.counts):
            raise CaptureTableError("counts must be whole numbers of people")
        object.__setattr__(self, "counts", tuple(int(count) for count in self.counts))

    @classmethod
    def from_patterns(
        cls, list_names: Sequence[str], pattern_counts: Mapping[Pattern, int]
    ) -> CaptureTable:
        """Build a table from {pattern: count}; patterns left out count zero."""
        counts = [0] * (2 ** len(list_names) - 1)
        for pattern, count in pattern_counts.items():
            if len(pattern) != len(list_names) or not any(pattern):
                raise CaptureTableError(
                    f"{pattern} is not a non-empty pattern over {len(list_names)} lists"
                )
            counts[pattern_index(pattern)] += int(count)
        return cls(tuple(list_names), tuple(counts))

    @property
    def observed(self) -> int:
        """Number of people on at least one list."""
        return sum(self.counts)

    def patterns(self) -> NDArray[np.int8]:
        """Return the capture pattern of each entry of `counts`."""
        return capture_patterns(len(self.list_names))

    def count(self, pattern: Pattern) -> int:
        """Return the number of people with exactly this capture pattern."""
        return self.counts[pattern_index(pattern)]

    def list_totals(self) -> tuple[int, ...]:
        """Return how many people each list holds."""
        counts = np.array(self.counts, dtype=np.int64)
        return tuple(int(total) for total in counts @ self.patterns())

    def collapse(self, keep: Sequence[str]) -> CaptureTable:
        """Return the table over only the `keep` lists (people on none of them become unobserved)."""
        unknown = [name for name in keep if name not in self.list_names]
        if unknown or len(set(keep)) != len(keep):
            raise CaptureTableError(f"cannot keep lists {list(keep)} of {list(self.list_names)}")
        columns = [self.list_names.index(name) for name in keep]
        pooled: dict[Pattern, int] = {}
        for row, count in zip(self.patterns(), self.counts, strict=True):
            pattern = tuple(int(row[column]) for column in columns)
            if any(pattern):
                pooled[pattern] = pooled.get(pattern, 0) + count
        strata = tuple(
            Stratum(stratum.name, stratum.table.collapse(keep)) for stratum in self.strata
        )
        collapsed = CaptureTable.from_patterns(keep, pooled)
        return CaptureTable(collapsed.list_names, collapsed.counts, strata)


def read_capture_table(source: Source, *, encoding: str | None = None) -> CaptureTable:
    """Read and validate a capture table from a CSV path or open file.

    Accepts UTF-8 (with or without BOM) and UTF-16 with BOM; any other encoding must be named
    (e.g. encoding="cp1251"). Raises CaptureTableError naming the first problem found.
    """
    text = _decode(_read_source(source), encoding)
    return parse_capture_rows(_csv_rows(text))


def _read_source(source: Source) -> bytes | str:
    if hasattr(source, "read"):
        content: bytes | str = source.read()
        return content
    path = Path(source)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise CaptureTableError(f"no such file: {path}") from None
    except OSError as error:
        raise CaptureTableError(f"cannot read {path}: {error.strerror}") from None
    except ValueError:  # a name the operating system cannot take (an embedded NUL)
        raise CaptureTableError(f"not a file name: {str(source)!r}") from None


def _decode(raw: bytes | str, encoding: str | None) -> str:
    if isinstance(raw, str):
        return raw.removeprefix("\ufeff")
    if not raw.strip():
        raise CaptureTableError("the file is empty")
    if encoding is None:
        # Only byte-order marks are trusted: guessing between legacy code pages (cp1251, koi8-r,
        # latin-1) silently garbles list names, so an undeclared non-UTF-8 file is refused.
        if raw.startswith(codecs.BOM_UTF8):
            encoding = "utf-8-sig"
        elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            encoding = "utf-16"
        else:
            encoding = "utf-8"
    try:
        return raw.decode(encoding)
    except LookupError:
        raise CaptureTableError(f"unknown encoding {encoding!r}") from None
    except UnicodeDecodeError as error:
        bad_byte = raw[error.start]
        raise CaptureTableError(
            f"the file is not valid {encoding} (byte 0x{bad_byte:02x} at offset {error.start}); "
            "save it as UTF-8, or name its encoding (e.g. --encoding cp1251)"
        ) from None


def _csv_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """Yield (line number, fields) for every non-blank CSV record."""
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    # Spreadsheets in locales with a decimal comma export with ";"; tab-separated text is common too.
    delimiter = max(_DELIMITERS, key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for fields in reader:
            if any(field.strip() for field in fields):
                yield reader.line_num, [field.strip() for field in fields]
    except csv.Error as error:
        raise CaptureTableError(f"line {reader.line_num}: malformed CSV ({error})") from None


@dataclass(frozen=True, slots=True)
class _Header:
    list_names: tuple[str, ...]
    list_columns: tuple[int, ...]
    count_column: int
    stratum_column: int | None
    width: int


def parse_capture_rows(rows: Iterator[tuple[int, list[str]]]) -> CaptureTable:
    """Validate (line number, fields) records, header first, and build the capture table."""
    first = next(rows, None)
    if first is None:
        raise CaptureTableError("the file is empty")
    header = _parse_header(first[1])
    per_stratum: dict[str, dict[Pattern, int]] = {}
    first_seen: dict[tuple[str, Pattern], int] = {}
    for line, fields in rows:
        stratum, pattern, count = _parse_row(header, line, fields)
        earlier = first_seen.setdefault((stratum, pattern), line)
        if earlier != line:
            where = f" in stratum {stratum!r}" if header.stratum_column is not None else ""
            raise CaptureTableError(
                f"line {line} repeats the capture pattern of line {earlier}{where}: "
                "give each pattern once, with its total count"
            )
        per_stratum.setdefault(stratum, {})[pattern] = count
    if not per_stratum:
        raise CaptureTableError("the file has a header but no rows of counts")
    return _build_table(header, per_stratum)


def _parse_header(fields: list[str]) -> _Header:
    lowered = [field.lower() for field in fields]
    for position, name in enumerate(fields, start=1):
        if not name:
            raise CaptureTableError(f"column {position} of the header has no name")
        if lowered.index(name.lower()) != position - 1:
            raise CaptureTableError(f"column {name!r} appears twice in the header")
    if COUNT_COLUMN not in lowered:
        raise CaptureTableError(
            f"no {COUNT_COLUMN!r} column; the header has {fields}: "
            "expected one 0/1 column per list and a 'count' column"
        )
    count_column = lowered.index(COUNT_COLUMN)
    stratum_column = lowered.index(STRATUM_COLUMN) if STRATUM_COLUMN in lowered else None
    list_columns = tuple(
        position
        for position in range(len(fields))
        if position not in (count_column, stratum_column)
    )
    list_names = tuple(fields[position] for position in list_columns)
    if len(list_names) < 2:
        found = f"only one list ({list_names[0]!r})" if list_names else "no list columns"
        raise CaptureTableError(f"{found}: multiple systems estimation needs at least two lists")
    if len(list_names) > MAX_LISTS:
        raise CaptureTableError(f"{len(list_names)} lists: at most {MAX_LISTS} are supported")
    return _Header(list_names, list_columns, count_column, stratum_column, len(fields))


def _parse_row(header: _Header, line: int, fields: list[str]) -> tuple[str, Pattern, int]:
    if len(fields) != header.width:
        raise CaptureTableError(
            f"line {line} has {len(fields)} fields, the header has {header.width}"
        )
    pattern = tuple(
        _parse_membership(fields[column], name, line)
        for column, name in zip(header.list_columns, header.list_names, strict=True)
    )
    if not any(pattern):
        raise CaptureTableError(
            f"line {line} has the all-zero pattern: people on no list cannot be counted, "
            "they are what is estimated; remove that row"
        )
    stratum = ""
    if header.stratum_column is not None:
        stratum = fields[header.stratum_column]
        if not stratum:
            raise CaptureTableError(f"line {line}: the stratum is empty")
    return stratum, pattern, _parse_count(fields[header.count_column], line)


def _parse_membership(value: str, list_name: str, line: int) -> int:
    if value not in ("0", "1"):
        raise CaptureTableError(f"line {line}, list {list_name!r}: {value[:20]!r} is not 0 or 1")
    return int(value)


def _parse_count(value: str, line: int) -> int:
    try:
        number = Decimal(value)
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite() or number < 0 or number != number.to_integral_value():
        raise CaptureTableError(
            f"line {line}: count {value[:20]!r} is not a whole non-negative number"
        )
    return int(number)


def _build_table(header: _Header, per_stratum: dict[str, dict[Pattern, int]]) -> CaptureTable:
    tables = {
        name: CaptureTable.from_patterns(header.list_names, pattern_counts)
        for name, pattern_counts in per_stratum.items()
    }
    pooled_counts = tuple(
        int(sum(column)) for column in zip(*(t.counts for t in tables.values()), strict=True)
    )
    if sum(pooled_counts) == 0:
        raise CaptureTableError("every count is zero: no one is on any list")
    strata: tuple[Stratum, ...] = ()
    if header.stratum_column is not None:
        strata = tuple(Stratum(name, table) for name, table in tables.items())
    return CaptureTable(header.list_names, pooled_counts, strata)
