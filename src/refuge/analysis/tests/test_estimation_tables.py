"""Reading capture tables: what is accepted, and a clear error for each kind of bad input."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from refuge.analysis.estimation import (
    CaptureTable,
    CaptureTableError,
    read_capture_table,
)
from refuge.core.errors import DomainError

GOOD_CSV = "A,B,C,count\n1,1,1,2\n1,0,0,10\n0,1,0,7\n0,0,1,5\n1,1,0,3\n"


def _read(text: str) -> CaptureTable:
    return read_capture_table(io.BytesIO(text.encode("utf-8")))


def test_reads_lists_and_counts_with_absent_patterns_as_zero() -> None:
    table = _read(GOOD_CSV)

    assert table.list_names == ("A", "B", "C")
    assert table.observed == 27
    assert table.count((1, 1, 1)) == 2
    assert table.count((0, 1, 1)) == 0
    assert table.list_totals() == (15, 12, 7)
    assert table.strata == ()


def test_reads_a_path(tmp_path: Path) -> None:
    path = tmp_path / "lists.csv"
    path.write_text(GOOD_CSV, encoding="utf-8")

    assert read_capture_table(path).observed == 27
    assert read_capture_table(str(path)).observed == 27


def test_count_column_may_come_first_and_columns_are_trimmed() -> None:
    table = _read(" count , A , B \n5,1,1\n7,1,0\n")

    assert table.list_names == ("A", "B")
    assert table.count((1, 1)) == 5


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_semicolon_and_tab_separated_files_are_read(delimiter: str) -> None:
    assert _read(GOOD_CSV.replace(",", delimiter)).observed == 27


def test_utf8_with_bom_and_cyrillic_list_names_is_read() -> None:
    text = "МВД,Мемориал,count\n1,1,4\n1,0,9\n0,1,6\n"

    table = read_capture_table(io.BytesIO(b"\xef\xbb\xbf" + text.encode("utf-8")))

    assert table.list_names == ("МВД", "Мемориал")


def test_cp1251_is_refused_unless_declared() -> None:
    raw = "МВД,Мемориал,count\n1,1,4\n1,0,9\n0,1,6\n".encode("cp1251")

    with pytest.raises(CaptureTableError, match=r"not valid utf-8 .*--encoding cp1251"):
        read_capture_table(io.BytesIO(raw))
    assert read_capture_table(io.BytesIO(raw), encoding="cp1251").list_names == (
        "МВД",
        "Мемориал",
    )


def test_utf16_with_bom_is_read() -> None:
    assert read_capture_table(io.BytesIO(GOOD_CSV.encode("utf-16"))).observed == 27


def test_stratified_table_keeps_each_stratum_and_pools_them() -> None:
    table = _read("stratum,A,B,count\nnorth,1,1,4\nnorth,1,0,9\nsouth,1,1,2\nsouth,0,1,8\n")

    assert [stratum.name for stratum in table.strata] == ["north", "south"]
    assert table.strata[0].table.count((1, 0)) == 9
    assert table.strata[1].table.count((1, 0)) == 0
    assert table.count((1, 1)) == 6
    assert table.observed == 23


def test_collapse_to_fewer_lists_loses_people_only_on_the_dropped_lists() -> None:
    table = _read(GOOD_CSV)

    collapsed = table.collapse(["A", "B"])

    assert collapsed.list_names == ("A", "B")
    assert collapsed.count((1, 1)) == 5
    assert collapsed.count((1, 0)) == 10
    assert collapsed.observed == 22


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("\n\n  \n", "empty"),
        ("A,B,count\n", "no rows"),
        ("A,B,C\n1,0,1\n", "no 'count' column"),
        ("A,count\n1,5\n", "only one list"),
        ("count\n5\n", "no list columns"),
        ("A,A,count\n1,0,5\n", "appears twice"),
        ("A,,count\n1,0,5\n", "column 2 of the header has no name"),
        ("A,B,count\n1,2,5\n", "line 2, list 'B': '2' is not 0 or 1"),
        ("A,B,count\nyes,0,5\n", "'yes' is not 0 or 1"),
        ("A,B,count\n1,0,-3\n", "not a whole non-negative number"),
        ("A,B,count\n1,0,2.5\n", "not a whole non-negative number"),
        ("A,B,count\n1,0,many\n", "not a whole non-negative number"),
        ("A,B,count\n1,0,\n", "not a whole non-negative number"),
        ("A,B,count\n1,0,nan\n", "not a whole non-negative number"),
        (
            "A,B,count\n1,0,5\n0,1,4\n1,0,2\n",
            "line 4 repeats the capture pattern of line 2",
        ),
        ("A,B,count\n1,0,5\n0,0,40\n", "all-zero pattern"),
        ("A,B,count\n1,0,5,7\n", "line 2 has 4 fields, the header has 3"),
        ("A,B,count\n1,0,0\n0,1,0\n", "every count is zero"),
        ("stratum,A,B,count\n,1,0,5\n", "line 2: the stratum is empty"),
    ],
)
def test_bad_input_raises_a_clear_domain_error(text: str, message: str) -> None:
    with pytest.raises(CaptureTableError, match=message) as raised:
        _read(text)

    assert isinstance(raised.value, DomainError)


def test_whole_counts_written_as_decimals_are_accepted() -> None:
    assert _read("A,B,count\n1,1,3.0\n1,0,1e1\n").observed == 13


def test_the_same_pattern_in_two_strata_is_not_a_duplicate() -> None:
    table = _read("stratum,A,B,count\nx,1,1,4\ny,1,1,2\n")

    assert table.count((1, 1)) == 6


def test_missing_file_and_unknown_encoding_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(CaptureTableError, match="no such file"):
        read_capture_table(tmp_path / "absent.csv")
    with pytest.raises(CaptureTableError, match="unknown encoding"):
        read_capture_table(io.BytesIO(b"A,B,count\n"), encoding="klingon")


def test_tables_built_in_code_are_checked_too() -> None:
    with pytest.raises(CaptureTableError, match="need 3 pattern counts"):
        CaptureTable(("A", "B"), (1, 2))
    with pytest.raises(CaptureTableError, match="not a non-empty pattern"):
        CaptureTable.from_patterns(("A", "B"), {(0, 0): 3})
