"""Documentation linked to the case file: testimonies from a case, victims who are its people,
their consent read from the case, the case timeline, and what removing a person keeps."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import translation

from refuge.accounts.models import Operator
from refuge.accounts.roles import Role
from refuge.analysis.capture import victim_lists
from refuge.analysis.statistics import StatisticsFilter, summary
from refuge.approvals.models import ActionStatus, PendingAction
from refuge.approvals.tests.support import REASON, confirm_as
from refuge.cases.models import Case, CasePerson, ConsentKind, Partner
from refuge.cases.selectors import case_timeline
from refuge.cases.services.opening import open_case
from refuge.cases.services.persons import record_consent, save_person
from refuge.documentation.choices import SourceKind, ViolationType
from refuge.documentation.errors import ConsentInCaseFile
from refuge.documentation.models import Act, Source, Victim
from refuge.documentation.selectors import ActFilter
from refuge.documentation.services import records
from refuge.documentation.services.case_links import link_victim
from refuge.documentation.services.exports import export_acts
from refuge.documentation.services.testimony import record_testimony
from refuge.documentation.tests import factories
from refuge.testing import keyring_for, log_in, make_operator
from refuge.vault import api as vault


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def worker(db: Any) -> Any:
    return make_operator("worker", Role.CASE_WORKER)


@pytest.fixture
def outsider(db: Any) -> Any:
    return make_operator("outsider", Role.CASE_WORKER)


@pytest.fixture
def boss(db: Any) -> Any:
    return make_operator("boss", Role.COORDINATOR)


@pytest.fixture
def person(worker: Operator, boss: Operator) -> CasePerson:
    with vault.activated(keyring_for(worker)):
        case = open_case(opened_by=worker, pseudonym="Swallow", case_workers=[boss])
        return save_person(
            case=case,
            person=None,
            pseudonym="Swallow",
            legal_name="Aslan Testov",
            phone="",
            contact_details="",
            saved_by=worker,
        )


def _testify(actor: Operator, person: CasePerson, **overrides: Any) -> Any:
    """Aslan testifies about his own detention and that of Islam (a victim without a case)."""
    values: dict[str, Any] = {
        "source": factories.source_input(origin="Aslan", given_by=person),
        "giver_is_victim": True,
        "new_victim_names": ["Islam Primerov"],
    }
    values.update(overrides)
    return record_testimony(actor=actor, testimony=factories.testimony(**values))


def _consent(
    person: CasePerson,
    kind: str,
    granted: bool,
    actor: Operator,
    partners: list[Partner] | None = None,
) -> None:
    record_consent(
        person=person,
        kind=ConsentKind(kind),
        is_granted=granted,
        partners=partners or [],
        recorded_by=actor,
    )


def _export(actor: Operator, partner: Partner | None = None) -> dict[str, Any]:
    exported = export_acts(actor=actor, act_filter=ActFilter(), file_format="json", partner=partner)
    return json.loads(exported.content)


def _names(document: dict[str, Any]) -> dict[str, str]:
    return {
        act["victim"]["pseudonym"]: act["victim"]["name"]
        for event in document["events"]
        for act in event["acts"]
    }


def _sources(document: dict[str, Any]) -> set[str]:
    return {
        source["reference"]
        for event in document["events"]
        for act in event["acts"]
        for source in act["sources"]
    }


def test_a_testimony_from_a_case_links_its_giver_and_shows_on_the_timeline(worker, person):
    with vault.activated(keyring_for(worker)):
        result = _testify(worker, person)
        victim = Victim.objects.get(case_person=person)
        assert victim.real_name == "Aslan Testov"
        assert result.source.case == person.case
        assert result.source.given_by == person
        assert {act.victim for act in result.acts} >= {victim}
        # A second testimony of his reuses his victim record.
        _testify(worker, person, new_victim_names=[])
        assert Victim.objects.filter(case_person=person).count() == 1

        entries = case_timeline(person.case, worker)
    texts = [entry.text for entry in entries]
    assert any(result.source.reference in text and result.event.reference in text for text in texts)
    assert any(text.startswith(f"{victim.pseudonym}: 2 documented acts") for text in texts)
    links = [entry.url for entry in entries if entry.url]
    assert reverse("documentation:victim", args=[victim.pk]) in links


def test_only_members_of_a_case_link_records_to_it(worker, outsider, person):
    with vault.activated(keyring_for(outsider)):
        with pytest.raises(Http404):
            _testify(outsider, person)
        victim = records.create_victim(actor=outsider, real_name="Someone")
        with pytest.raises(Http404):
            link_victim(actor=outsider, victim=victim, person=person)
    assert not Source.objects.filter(given_by=person).exists()

    client = Client()
    log_in(client, outsider)
    form = client.get(reverse("documentation:testimony") + f"?case={person.case_id}").content
    assert b"Swallow" not in form  # the case is not offered to someone it is not shared with
    response = client.post(
        reverse("documentation:victim_link", args=[victim.pk]), {"person": person.pk}
    )
    assert response.status_code == 302
    assert Victim.objects.get(pk=victim.pk).case_person is None


def test_exports_and_statistics_follow_the_consent_in_the_case_file(worker, person):
    helpers = Partner.objects.create(name="Helpers", public_key="A" * 44)
    others = Partner.objects.create(name="Others", public_key="B" * 44)
    with vault.activated(keyring_for(worker)):
        result = _testify(worker, person)
        aslan = Victim.objects.get(case_person=person)
        with pytest.raises(ConsentInCaseFile):
            records.record_consent(actor=worker, victim=aslan, consents=True)

        nothing_asked = _export(worker, helpers)
        assert _names(nothing_asked)[aslan.pseudonym] == ""
        assert result.source.reference not in _sources(nothing_asked)

        _consent(person, ConsentKind.SHARE_PARTNERS, True, worker, [helpers])
        _consent(person, ConsentKind.KEEP_TESTIMONY, True, worker)
        assert _names(_export(worker, helpers))[aslan.pseudonym] == "Aslan Testov"
        assert _names(_export(worker, others))[aslan.pseudonym] == ""
        assert _names(_export(worker))[aslan.pseudonym] == ""
        assert result.source.reference in _sources(_export(worker, helpers))

        _consent(person, ConsentKind.KEEP_TESTIMONY, False, worker)  # withdrawn
        assert result.source.reference not in _sources(_export(worker, helpers))

        everyone = summary(StatisticsFilter())
        _consent(person, ConsentKind.ANONYMISED_REPORTS, False, worker)
        declined = summary(StatisticsFilter())
    assert (everyone.victims, everyone.withheld_victims) == (2, 0)
    assert (declined.victims, declined.withheld_victims) == (1, 1)
    assert declined.acts == everyone.acts - 1
    lists = victim_lists(
        list_kinds=[SourceKind.TESTIMONY], violations=[ViolationType.ARBITRARY_DETENTION]
    )
    assert aslan.pk not in lists
    assert len(lists) == 1


def test_removing_a_documented_person_asks_what_becomes_of_the_records(worker, person, boss):
    with vault.activated(keyring_for(worker)):
        result = _testify(worker, person)
    aslan = Victim.objects.get(case_person=person)
    client = Client()
    log_in(client, worker)
    url = reverse("cases:remove_person", args=[person.case_id, person.pk])

    question = client.get(url).content.decode()
    assert aslan.pseudonym in question
    assert result.source.reference in question
    assert 'name="linked"' in question
    refused = client.post(url, {"keep": "delete", "linked": "keep"})
    assert refused.status_code == 400
    assert "anonymised person" in refused.content.decode()
    assert (
        client.post(url, {"keep": "anonymised", "reason": REASON}).status_code == 400
    )  # linked unanswered

    assert (
        client.post(
            url, {"keep": "anonymised", "linked": "anonymise", "reason": REASON}
        ).status_code
        == 302
    )
    with vault.activated(keyring_for(worker)):
        assert vault.is_readable(Victim.objects.get(pk=aslan.pk).real_name)  # not yet
    confirm_as(boss)
    with vault.activated(keyring_for(worker)):
        kept = Victim.objects.get(pk=aslan.pk)
        assert kept.real_name is None
        assert kept.case_person_id == person.pk  # the anonymised stand-in keeps the consent
        assert Source.objects.get(pk=result.source.pk).origin_name == "Anonymised person"
    assert Act.objects.filter(victim=aslan).count() == 1


def test_deleting_a_person_and_their_records_spares_what_others_rest_on(worker, person, boss):
    with vault.activated(keyring_for(worker)):
        shared = _testify(worker, person)  # also supports Islam's act
        alone = _testify(
            worker,
            person,
            new_victim_names=[],
            source=factories.source_input(origin="Aslan again", given_by=person),
        )
    aslan = Victim.objects.get(case_person=person)
    client = Client()
    log_in(client, worker)
    url = reverse("cases:remove_person", args=[person.case_id, person.pk])
    assert (
        client.post(url, {"keep": "delete", "linked": "delete", "reason": REASON}).status_code
        == 302
    )
    assert Victim.objects.filter(pk=aslan.pk).exists()  # until a coordinator confirms
    confirm_as(boss)

    assert not CasePerson.objects.filter(pk=person.pk).exists()
    assert not Victim.objects.filter(pk=aslan.pk).exists()
    assert not Act.objects.filter(victim_id=aslan.pk).exists()
    assert not Source.objects.filter(pk=alone.source.pk).exists()
    assert vault.Envelope.objects.get(pk=aslan.envelope_id).shredded_at is not None
    survivor = Source.objects.get(pk=shared.source.pk)
    assert survivor.given_by is None
    assert Act.objects.filter(sources=survivor).count() == 1  # Islam's act still rests on it
    with vault.activated(keyring_for(worker)):
        assert Source.objects.get(pk=shared.source.pk).origin_name == "Anonymised person"
    assert Case.objects.filter(pk=person.case_id).exists()


def test_the_victim_page_shows_the_case_consent_and_the_case_only_to_its_members(worker, person):
    lawyer = make_operator("lawyer2", Role.LAWYER)
    with vault.activated(keyring_for(worker)):
        _testify(worker, person)
        _consent(person, ConsentKind.MEDIA, False, worker)
    aslan = Victim.objects.get(case_person=person)
    url = reverse("documentation:victim", args=[aslan.pk])
    pages = {}
    for operator in (worker, lawyer):
        client = Client()
        log_in(client, operator)
        pages[operator.username] = client.get(url).content.decode()

    assert person.case.reference in pages["worker"]
    assert "recorded by worker" in pages["worker"]
    assert 'name="person"' in pages["worker"]  # may re-link
    for page in pages.values():
        assert "Media: no" in page
        assert "Sharing with named partners: not asked yet: the name is never exported" in page
        assert 'name="consents"' not in page  # the documentation flag is not offered
    assert person.case.reference not in pages["lawyer2"]
    assert "not shared with you" in pages["lawyer2"]
    assert "recorded by" not in pages["lawyer2"]
    assert 'name="person"' not in pages["lawyer2"]


def test_a_testimony_whose_giver_withdrew_consent_can_be_deleted(worker, person):
    with vault.activated(keyring_for(worker)):
        first = _testify(worker, person)
        second = _testify(
            worker,
            person,
            new_victim_names=[],
            event=first.event,
            new_event=None,
            source=factories.source_input(origin="Aslan again", given_by=person),
        )
        _consent(person, ConsentKind.KEEP_TESTIMONY, False, worker)
    client = Client()
    log_in(client, worker)
    event_page = client.get(reverse("documentation:event", args=[first.event.pk])).content
    assert b"Left out of exports" in event_page
    url = reverse("documentation:source_delete", args=[first.source.pk])

    question = client.get(url).content.decode()
    islam = next(act for act in first.acts if act.victim.case_person_id is None)
    assert "One act will have no source left" in question
    assert islam.victim.pseudonym in question  # Aslan's own act still rests on the second one
    assert "withdrew consent to keep it (recorded in their case file)" in question
    assert client.post(url, {"reason": "He withdrew consent by phone"}).status_code == 302

    # The withdrawal is on record in the case file: the one fast path, no second person.
    [action] = PendingAction.objects.all()
    assert action.status == ActionStatus.DONE_AT_ONCE
    assert action.details["fast_path"] == "consent_withdrawn"
    assert not Source.objects.filter(pk=first.source.pk).exists()
    assert vault.Envelope.objects.get(pk=first.source.envelope_id).shredded_at is not None
    assert Act.objects.filter(pk=islam.pk).exists()
    assert not Act.objects.get(pk=islam.pk).sources.exists()
    aslan = next(act for act in first.acts if act.victim.case_person_id == person.pk)
    assert list(Act.objects.get(pk=aslan.pk).sources.all()) == [second.source]
