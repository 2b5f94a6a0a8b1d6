from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from refuge.accounts.roles import Role
from refuge.documentation.choices import Confidence, PlaceKind, ViolationType
from refuge.documentation.corroboration import corroborate
from refuge.documentation.errors import ImpossibleDates, IncompleteTestimony, UnknownPlace
from refuge.documentation.models import Act, Event, Perpetrator, Place, Source, Victim
from refuge.documentation.services.acts import verify_act
from refuge.documentation.services.places import PlaceInput, create_custom_place, find_place
from refuge.documentation.services.testimony import record_testimony
from refuge.documentation.tests import factories
from refuge.testing import make_operator
from refuge.vault.models import Grant

pytestmark = pytest.mark.django_db


def _confidence(act: Act):
    return corroborate(act, act.sources.all())


def _stored(column: bytes | memoryview | None) -> bytes:
    """A sealed column as the database holds it; each one read here was written, so not NULL."""
    assert column is not None
    return bytes(column)


def test_one_testimony_creates_event_victims_acts_perpetrator_and_source(as_lawyer) -> None:
    result = record_testimony(
        actor=as_lawyer,
        testimony=factories.testimony(
            violations=[ViolationType.ARBITRARY_DETENTION, ViolationType.TORTURE_ELECTRIC]
        ),
    )

    assert result.event.reference == f"E-{result.event.pk:04d}"
    assert len(result.acts) == 4
    assert result.created_acts == 4
    assert sorted(Victim.objects.values_list("pseudonym", flat=True)) == [
        f"V-{victim.pk:04d}" for victim in Victim.objects.order_by("pseudonym")
    ]
    assert {act.violation for act in result.acts} == {"arbitrary_detention", "torture_electric"}
    assert Perpetrator.objects.get().acts.count() == 4
    assert result.source.acts.count() == 4
    assert _confidence(result.acts[0]).confidence == Confidence.SINGLE_SOURCE


def test_names_and_descriptions_are_sealed_in_the_database(as_lawyer) -> None:
    record_testimony(actor=as_lawyer, testimony=factories.testimony())

    raw_victims = b"".join(
        _stored(value) for value in Victim.objects.values_list("real_name", flat=True)
    )
    raw_event = _stored(Event.objects.values_list("description", flat=True).get())
    raw_source = _stored(Source.objects.values_list("origin_name", flat=True).get())
    assert b"Ruslan" not in raw_victims
    assert b"car wash" not in raw_event
    assert b"Adam" not in raw_source
    assert {victim.real_name for victim in Victim.objects.all()} == {
        "Ruslan Testov",
        "Islam Primerov",
    }


def test_records_are_sealed_to_the_documentation_team_and_victims_to_analysts_too(
    lawyer, as_lawyer
) -> None:
    caseworker = make_operator("cw1", Role.CASE_WORKER)
    coordinator = make_operator("coord1", Role.COORDINATOR)
    hotline = make_operator("hot1", Role.OPERATOR)
    analyst = make_operator("an1", Role.ANALYST)

    recorded = record_testimony(actor=as_lawyer, testimony=factories.testimony())

    def readers(envelope_id) -> set[int]:
        return set(
            Grant.objects.filter(envelope_id=envelope_id, kind="operator").values_list(
                "operator_id", flat=True
            )
        )

    team = {lawyer.pk, caseworker.pk, coordinator.pk}
    assert readers(recorded.event.envelope_id) == team
    assert readers(recorded.source.envelope_id) == team
    assert readers(recorded.acts[0].victim.envelope_id) == team | {analyst.pk}
    assert hotline.pk not in readers(recorded.acts[0].victim.envelope_id)


def test_second_testimony_from_another_person_corroborates_the_act(as_lawyer) -> None:
    first = record_testimony(
        actor=as_lawyer, testimony=factories.testimony(new_victim_names=["Ruslan Testov"])
    )
    victim = first.acts[0].victim

    second = record_testimony(
        actor=as_lawyer,
        testimony=factories.testimony(
            event=first.event,
            new_event=None,
            existing_victims=[victim],
            new_victim_names=[],
            new_perpetrator=None,
            source=factories.source_input("Neighbour Zarema"),
        ),
    )

    assert second.created_acts == 0
    corroboration = _confidence(second.acts[0])
    assert corroboration.confidence == Confidence.CORROBORATED
    assert corroboration.independent_sources == 2
    assert "2" in corroboration.label


def test_two_sources_from_the_same_person_are_not_independent(as_lawyer) -> None:
    first = record_testimony(
        actor=as_lawyer, testimony=factories.testimony(new_victim_names=["Ruslan Testov"])
    )
    record_testimony(
        actor=as_lawyer,
        testimony=factories.testimony(
            event=first.event,
            new_event=None,
            existing_victims=[first.acts[0].victim],
            new_victim_names=[],
            new_perpetrator=None,
            source=factories.source_input("  witness   ADAM "),
        ),
    )

    corroboration = _confidence(first.acts[0])
    assert corroboration.confidence == Confidence.SINGLE_SOURCE
    assert any("повторно не засчитывается" in reason for reason in corroboration.reasons)


def test_a_monitor_marks_an_act_verified_with_reasoning(as_lawyer) -> None:
    act = record_testimony(actor=as_lawyer, testimony=factories.testimony()).acts[0]

    verify_act(actor=as_lawyer, act=act, reasoning="Medical record seen.", version=act.version)

    act.refresh_from_db()
    corroboration = _confidence(act)
    assert corroboration.confidence == Confidence.VERIFIED
    assert act.verification_reasoning == "Medical record seen."
    assert any("lawyer1" in reason for reason in corroboration.reasons)


def test_the_verification_date_is_the_local_one(as_lawyer) -> None:
    act = record_testimony(actor=as_lawyer, testimony=factories.testimony()).acts[0]
    verify_act(actor=as_lawyer, act=act, reasoning="Medical record seen.", version=act.version)
    act.refresh_from_db()
    # 22:30 UTC on 14 March is already 15 March in Moscow (UTC+3) but still 14 March in UTC.
    act.verified_at = datetime(2026, 3, 14, 22, 30, tzinfo=UTC)

    with timezone.override("Europe/Moscow"):
        assert "2026-03-15" in " ".join(_confidence(act).reasons)
    with timezone.override("UTC"):
        assert "2026-03-14" in " ".join(_confidence(act).reasons)


def test_verifying_with_a_stale_version_is_a_conflict(as_lawyer) -> None:
    from refuge.core.errors import ConflictError

    act = record_testimony(actor=as_lawyer, testimony=factories.testimony()).acts[0]
    verify_act(actor=as_lawyer, act=act, reasoning="Seen.", version=1)

    with pytest.raises(ConflictError):
        verify_act(actor=as_lawyer, act=act, reasoning="Again.", version=1)


@pytest.mark.parametrize("days", [(5, 1), (0, -3)], ids=["end-before-start", "future"])
def test_impossible_dates_are_refused_and_nothing_is_stored(as_lawyer, days) -> None:
    today = timezone.localdate()
    start, end = today - timedelta(days=days[0]), today - timedelta(days=days[1])
    if days == (5, 1):
        start, end = end, start

    with pytest.raises(ImpossibleDates):
        record_testimony(
            actor=as_lawyer,
            testimony=factories.testimony(
                new_event=factories.event_input(start_date=start, end_date=end)
            ),
        )

    assert not Event.objects.exists()
    assert not Victim.objects.exists()
    assert not Source.objects.exists()
    assert not Perpetrator.objects.exists()


def test_a_testimony_without_victims_is_refused(as_lawyer) -> None:
    with pytest.raises(IncompleteTestimony):
        record_testimony(actor=as_lawyer, testimony=factories.testimony(new_victim_names=[" "]))
    assert not Event.objects.exists()


def test_gazetteer_ships_districts_and_towns_in_both_languages(db) -> None:
    grozny = Place.objects.get(name_en="Grozny")
    argun = find_place("Аргун")

    assert grozny.name_ru == "Грозный"
    assert grozny.parent is not None
    assert grozny.parent.kind == PlaceKind.DISTRICT
    assert argun.name_en == "Argun"
    assert find_place("shali").name_ru == "Шали"
    assert Place.objects.filter(kind=PlaceKind.DISTRICT).count() >= 17
    district = Place.objects.get(name_en="Gvardeyskoye").district()
    assert district is not None
    assert district.name_en == "Nadterechny District"


def test_unknown_place_is_refused(db) -> None:
    with pytest.raises(UnknownPlace):
        find_place("Atlantis")


def test_custom_places_are_coarsened_unless_facility(as_lawyer) -> None:
    from decimal import Decimal

    district = Place.objects.get(code="argun-city")
    facility = create_custom_place(
        actor=as_lawyer,
        place=PlaceInput(
            kind=PlaceKind.FACILITY,
            name_en="Former commandant's office",
            name_ru="Бывшая комендатура",
            parent=district,
            latitude=Decimal("43.29213"),
            longitude=Decimal("45.87251"),
        ),
    )
    village = create_custom_place(
        actor=as_lawyer,
        place=PlaceInput(
            kind=PlaceKind.TOWN,
            name_en="Hamlet",
            name_ru="Хутор",
            parent=district,
            latitude=Decimal("43.29213"),
            longitude=Decimal("45.87251"),
        ),
    )

    assert facility.latitude == Decimal("43.29213")
    assert village.latitude == Decimal("43.3")
    assert village.longitude == Decimal("45.9")
