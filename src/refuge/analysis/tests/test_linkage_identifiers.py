"""Every identifying column is used; bad input gets a per-column report, never a crash."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from refuge.analysis.linkage import (
    IdentifierKind,
    LinkageSettings,
    PersonRecord,
    RoleOverrides,
    dedupe_csv,
    dedupe_records,
    detect_roles,
)
from refuge.analysis.linkage.columns import resolve_roles
from refuge.analysis.linkage.identifiers import document_key, email_key, phone_key


@pytest.mark.parametrize(
    "text", ["+7 (928) 123-45-67", "89281234567", "8 928 1234567", "+79281234567", "9281234567"]
)
def test_phone_numbers_are_read_as_e164(text: str) -> None:
    assert phone_key(text) == "+79281234567"


@pytest.mark.parametrize("text", ["8928I234567", "+7 928 ABC-45-67", "12", "звонить вечером"])
def test_phone_numbers_with_letters_or_too_short_are_unreadable(text: str) -> None:
    assert phone_key(text) is None


def test_document_numbers_ignore_spacing_and_lookalike_letters() -> None:
    assert document_key("96 05 №123456") == document_key("9605123456") == "9605123456"
    assert document_key("АВ 1234") == document_key("AB1234") == "ab1234"
    assert document_key("АВ 1234") != document_key("КС 1234")  # the series counts
    assert email_key("Someone@Example.org ") == "someone@example.org"
    assert email_key("not an address") is None


def test_identifier_headers_are_detected_and_unknown_columns_reported() -> None:
    roles = detect_roles(
        ["id", "ФИО", "Телефон", "Паспорт", "E-mail", "Адрес", "Индекс", "Регион",
         "Иные идентификаторы", "Цвет глаз"], id_column="id")  # fmt: skip
    kinds = {identifier.column: identifier.kind for identifier in roles.identifiers}
    assert kinds == {
        "Телефон": IdentifierKind.PHONE, "Паспорт": IdentifierKind.DOCUMENT,
        "E-mail": IdentifierKind.EMAIL, "Адрес": IdentifierKind.ADDRESS,
        "Индекс": IdentifierKind.POSTCODE, "Регион": IdentifierKind.REGION,
        "Иные идентификаторы": IdentifierKind.OTHER,
    }  # fmt: skip
    assert roles.ignored == ("Цвет глаз",)


def test_identifiers_can_be_named_and_columns_ignored() -> None:
    from refuge.analysis.linkage.columns import IdentifierColumn

    roles = resolve_roles(
        ["id", "ФИО", "col7", "Телефон"],
        RoleOverrides(identifiers=(IdentifierColumn("col7", IdentifierKind.DOCUMENT),),
                      ignore=("Телефон",)),
        id_column="id",
    )  # fmt: skip
    assert [(i.column, i.kind) for i in roles.identifiers] == [("col7", "document")]
    assert "Телефон" in roles.ignored


def test_a_shared_phone_links_records_whose_names_differ() -> None:
    records = [
        PersonRecord("a", full_name="Кадыров Ахмед", birth="1990", identifiers=("89281234567",)),
        PersonRecord(
            "b", full_name="Akhmad Kadirov", birth="1990", identifiers=("+7 (928) 123-45-67",)
        ),
        PersonRecord("c", full_name="Исаев Руслан", birth="1985", identifiers=("89280000000",)),
        PersonRecord("d", full_name="Умарова Хава", birth="1970", identifiers=(None,)),
    ]
    result = dedupe_records(records, identifiers=[("phone", IdentifierKind.PHONE)])
    assert result.clusters["a"] == result.clusters["b"]
    assert len({result.clusters[r] for r in "bcd"}) == 3


def test_a_run_that_cannot_train_says_so_and_links_with_starting_values() -> None:
    records = [
        PersonRecord("t-1", full_name="Кадыров Ахмед Магомедович", birth="1990"),
        PersonRecord("t-2", full_name="Akhmed Kadyrov", birth="около 1990"),
        PersonRecord("t-3", full_name="Исаев Руслан", birth="1985"),
    ]
    result = dedupe_records(records)
    assert not result.report.trained
    assert "could not train" in result.report.training
    assert "starting values" in result.report.training
    assert result.clusters["t-1"] == result.clusters["t-2"] != result.clusters["t-3"]
    assert any("average linkage at match probability" in line for line in result.report.lines())


def _bad_file(path: Path) -> None:
    rows = [["id", "ФИО", "дата рождения", "телефон", "цвет глаз"]]
    births = ["12.03.1990", "1990-03-12", "19900312"]
    for index in range(60):
        name = "" if index % 5 < 2 else ("Кадырoв Ахмед" if index % 2 else "Исаев Руслан")
        phone = "8928I23456" + str(index % 10) if index % 7 == 0 else f"8928123{index:04d}"
        rows.append([f"r{index}", name, births[index % 3], phone, "карие"])
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)


def test_bad_input_gets_a_report_per_column_never_a_crash(tmp_path: Path) -> None:
    source = tmp_path / "bad.csv"
    _bad_file(source)
    run = dedupe_csv(source, tmp_path / "out.csv", id_column="id",
                     settings=LinkageSettings(review_limit=0))  # fmt: skip
    lines = "\n".join(run.report.lines())
    columns = {column.field: column for column in run.report.columns}
    assert columns["ФИО"].filled == 36  # 40% of names empty
    assert columns["ФИО"].mixed_scripts > 0  # "Кадырoв" with a Latin o
    assert columns["телефон"].unreadable == 9  # the numbers with a letter
    assert columns["дата рождения"].unreadable == 0  # three formats, all read
    assert "цвет глаз: unknown, IGNORED" in lines
    assert "9 unreadable and dropped" in lines
    assert "36 of 60 filled (60%)" in lines
    with (tmp_path / "out.csv").open(encoding="utf-8") as handle:
        assert len(list(csv.reader(handle))) == 61


def test_the_command_writes_its_report_as_json(tmp_path: Path) -> None:
    source = tmp_path / "bad.csv"
    _bad_file(source)
    report = tmp_path / "report.json"
    call_command("dedupe", str(source), "--id-column=id", f"--out={tmp_path / 'o.csv'}",
                 f"--report={report}", "--quiet")  # fmt: skip
    document = json.loads(report.read_text(encoding="utf-8"))
    assert document["method"] == "average linkage"
    assert document["ignored"] == ["цвет глаз"]
    assert "Кадыр" not in report.read_text(encoding="utf-8")  # counts, never values


def test_two_lists_are_linked_only_across_each_other(tmp_path: Path) -> None:
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text("id,ФИО,год рождения\n1,Кадыров Ахмед,1990\n2,Кадыров Ахмед,1990\n"
                     "3,Исаев Руслан,1985\n", encoding="utf-8")  # fmt: skip
    second.write_text("id,ФИО,год рождения\n1,Akhmed Kadyrov,1990\n2,Ruslan Isaev,1985\n",
                      encoding="utf-8")  # fmt: skip
    out = tmp_path / "o.csv"
    call_command("dedupe", str(first), str(second), "--id-column=id", f"--out={out}",
                 "--link-only", "--quiet")  # fmt: skip
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["list", "id", "cluster_id"]
    cluster = {(row[0], row[1]): row[2] for row in rows[1:]}
    # Each list is already deduplicated: its two Kadyrovs stay two people; one of them
    # links to the other list's Akhmed Kadyrov.
    assert cluster[("a.csv", "1")] != cluster[("a.csv", "2")]
    assert cluster[("b.csv", "1")] in {cluster[("a.csv", "1")], cluster[("a.csv", "2")]}
    assert cluster[("b.csv", "2")] == cluster[("a.csv", "3")]
