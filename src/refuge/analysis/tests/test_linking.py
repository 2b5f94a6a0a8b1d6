"""Linkage in the app: the same model at every size, every merge visible, decisions kept."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from refuge.accounts.roles import Role
from refuge.analysis import linking
from refuge.analysis.models import CandidatePair, PairDecision, PersonLink
from refuge.analysis.reports import build_report, linkage_text
from refuge.analysis.statistics import StatisticsFilter, summary
from refuge.analysis.tests.test_statistics import _document
from refuge.audit.models import AuditAction, AuditEvent
from refuge.documentation.choices import AgeGroup, Gender, SourceKind, ViolationType
from refuge.documentation.models import Victim
from refuge.testing import keyring_for, log_in
from refuge.vault import api as vault

pytestmark = pytest.mark.django_db

# Ten records of nine people: two spellings of one man (a testimony and a media report).
NAMES = ["Кадыров Ахмед Магомедович", "Исаев Руслан", "Умарова Хава", "Дудаев Муса",
         "Масхадов Ислам", "Алиев Тимур", "Байсарова Зарема", "Гериханов Шамиль",
         "Бисултанов Адам"]  # fmt: skip


@pytest.fixture
def chief(operator_factory):
    return operator_factory("chief", Role.COORDINATOR)


@pytest.fixture
def ten_records(chief):
    with vault.activated(keyring_for(chief)):
        _document(
            chief,
            names=NAMES,
            violation=ViolationType.ARBITRARY_DETENTION,
            kind=SourceKind.TESTIMONY,
            origin="caller",
        )
        _document(
            chief,
            names=["Akhmed Kadyrov"],
            violation=ViolationType.ARBITRARY_DETENTION,
            kind=SourceKind.MEDIA_REPORT,
            origin="outlet",
        )
    return chief


def _pair(first: str, second: str) -> tuple[Victim, Victim]:
    victims = {}
    for victim in Victim.objects.all():
        victims[victim.pk] = victim
    by_name = {}
    for victim in victims.values():
        by_name[str(victim.real_name)] = victim
    return by_name[first], by_name[second]


def test_a_small_list_is_linked_by_the_model_and_statistics_count_people(ten_records) -> None:
    chief = ten_records
    with vault.activated(keyring_for(chief)):
        run = linking.run_linkage(analyst=chief)
        first, second = _pair("Кадыров Ахмед Магомедович", "Akhmed Kadyrov")

    assert run.method == "average linkage"
    assert (run.victims, run.people) == (10, 9)
    assert not run.trained  # ten records cannot train it; the starting values linked them
    people = dict(PersonLink.objects.filter(run=run).values_list("victim_id", "person"))
    assert people[first.pk] == people[second.pk]
    figures = summary(StatisticsFilter())
    assert (figures.people, figures.victims) == (9, 10)
    assert figures.linkage.run_id == run.pk
    with translation.override("en"):
        assert f"run {run.pk}" in linkage_text(build_report(StatisticsFilter(), language="en"))


def test_every_merge_is_listed_with_its_evidence(ten_records) -> None:
    chief = ten_records
    with vault.activated(keyring_for(chief)):
        run = linking.run_linkage(analyst=chief)
        merged = linking.merged_people(run)

    assert len(merged) == 1
    person = merged[0]
    assert {str(v.pseudonym) for v in person.victims} == {v.pseudonym for v in person.victims}
    assert len(person.victims) == 2
    fields = {field for item in person.evidence for field, _level in item.levels}
    assert {"surname", "given_name"} <= fields
    assert AuditEvent.objects.filter(action=AuditAction.RECORD_READ, target_id="linkage").exists()


def test_a_split_is_respected_by_later_runs_and_a_merge_too(ten_records) -> None:
    chief = ten_records
    with vault.activated(keyring_for(chief)):
        run = linking.run_linkage(analyst=chief)
        first, second = _pair("Кадыров Ахмед Магомедович", "Akhmed Kadyrov")
        person = PersonLink.objects.get(run=run, victim=first).person
        linking.split_person(analyst=chief, run=run, person=person, victim_ids=[second.pk])
        assert PairDecision.objects.get(victim_low=min(first.pk, second.pk)).same_person is False
        run.refresh_from_db()
        assert run.people == 10

        again = linking.run_linkage(analyst=chief)
        links = dict(PersonLink.objects.filter(run=again).values_list("victim_id", "person"))
        assert links[first.pk] != links[second.pk]
        assert again.people == 10

        isaev, umarova = _pair("Исаев Руслан", "Умарова Хава")
        linking.merge_people(
            analyst=chief, run=again, person=links[isaev.pk], other=links[umarova.pk]
        )
        third = linking.run_linkage(analyst=chief)
    links = dict(PersonLink.objects.filter(run=third).values_list("victim_id", "person"))
    assert links[isaev.pk] == links[umarova.pk]
    assert links[first.pk] != links[second.pk]


def test_a_merge_cannot_undo_a_split(ten_records) -> None:
    chief = ten_records
    with vault.activated(keyring_for(chief)):
        run = linking.run_linkage(analyst=chief)
        first, second = _pair("Кадыров Ахмед Магомедович", "Akhmed Kadyrov")
        person = PersonLink.objects.get(run=run, victim=first).person
        new = linking.split_person(analyst=chief, run=run, person=person, victim_ids=[second.pk])
        with pytest.raises(linking.NotOnePerson):
            linking.merge_people(analyst=chief, run=run, person=person, other=new)


def test_uncertain_pairs_are_offered_for_a_few_records(chief) -> None:
    with vault.activated(keyring_for(chief)):
        _document(
            chief,
            names=["Исаев Руслан Ахмедович", "Isaev Ruslan"],
            violation=ViolationType.BEATING,
            kind=SourceKind.TESTIMONY,
            origin="a",
        )
        _document(
            chief,
            names=["Исаева Руслана"],
            violation=ViolationType.BEATING,
            kind=SourceKind.MEDIA_REPORT,
            origin="b",
        )
        linking.run_linkage(analyst=chief)
    assert CandidatePair.objects.exists()
    assert all(candidate.levels for candidate in CandidatePair.objects.all())


def test_people_by_gender_count_people_and_disagreement_is_unknown(ten_records) -> None:
    chief = ten_records
    with vault.activated(keyring_for(chief)):
        first, second = _pair("Кадыров Ахмед Магомедович", "Akhmed Kadyrov")
        Victim.objects.filter(pk=first.pk).update(gender=Gender.MAN, age_group=AgeGroup.AGE_30_49)
        Victim.objects.filter(pk=second.pk).update(gender=Gender.MAN)
        linking.run_linkage(analyst=chief)
    with translation.override("en"):
        report = build_report(StatisticsFilter(), language="en")
    sections = dict(report.sections)
    gender = {row.key: row.count for row in sections["People by gender"]}
    assert gender == {"man": 1, "unknown": 8}
    age = {row.key: row.count for row in sections["People by age group"]}
    assert age == {"30_49": 1, "unknown": 8}


def test_analyst_splits_a_merge_on_the_people_page(
    client: Client, ten_records, operator_factory
) -> None:
    chief = ten_records
    with vault.activated(keyring_for(chief)):
        run = linking.run_linkage(analyst=chief)
        first, second = _pair("Кадыров Ахмед Магомедович", "Akhmed Kadyrov")
    analyst = operator_factory("numbers", Role.ANALYST)
    log_in(client, analyst)
    page = client.get(reverse("analysis:clusters"))
    assert page.status_code == 200
    assert second.pseudonym in page.content.decode()
    person = PersonLink.objects.get(run=run, victim=first).person
    response = client.post(
        reverse("analysis:split", args=[run.pk, person]), {"victims": [second.pk]}
    )
    assert response.status_code == 302
    assert not PairDecision.objects.get(
        victim_low=min(first.pk, second.pk), victim_high=max(first.pk, second.pk)
    ).same_person
    bad = client.post(reverse("analysis:split", args=[run.pk, person]), {"victims": ["x"]})
    assert bad.status_code == 302  # a clear message, never a 500
