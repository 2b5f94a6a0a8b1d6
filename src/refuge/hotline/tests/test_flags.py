"""A flag on a profile follows the person by blind index, without anyone
linking the new call or report to the profile; flags can be lifted early, for a reason."""

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from refuge.accounts.roles import Role
from refuge.audit.models import AuditAction, AuditEvent
from refuge.core.timezones import zoned
from refuge.hotline import flags, services
from refuge.hotline.models import Identifier, IdentifierKind, ProfileFlag, ProfileFlagKind
from refuge.hotline.tests.factories import client_for, contact_of, phone_call
from refuge.intake.models import ReporterKind, Urgency
from refuge.intake.services import submit_report
from refuge.testing import keyring_for
from refuge.vault import api as vault

pytestmark = pytest.mark.django_db
NUMBER = "+7 928 123-45-67"
NOTE = "Asked twice for the address of the shelter in Nalchik"


def flagged_profile(owner, *, kind=ProfileFlagKind.SUSPECTED_INFILTRATOR, number=NUMBER, days=30):
    """A profile holding `number`, flagged by `owner`; nothing links it to later calls."""
    with vault.activated(keyring_for(owner)):
        profile = services.create_profile(operator=owner, pseudonym="Гость")
        services.add_profile_identifier(
            operator=owner, profile=profile, kind=IdentifierKind.PHONE, value=number
        )
        services.flag_profile(
            operator=owner,
            profile=profile,
            kind=kind,
            note=NOTE,
            expires_at=timezone.now() + timedelta(days=days),
        )
    return profile


@pytest.fixture
def newcomer(operator_factory):
    """An operator who joined after the profile was made: they cannot read it."""
    return operator_factory("newcomer", Role.OPERATOR, intake=False)


def test_a_call_from_a_flagged_number_shows_the_flag_to_an_operator_who_cannot_read_the_profile(
    coordinator, newcomer
):
    profile = flagged_profile(coordinator)

    logged = phone_call(newcomer, number="8 (928) 123 45 67", pseudonym="Другое имя")
    page = client_for(newcomer).get(reverse("hotline:contact", args=[logged.contact.pk]))

    assert logged.contact.profile_id is None  # nobody linked it
    assert [match.flag.kind for match in logged.flags] == [ProfileFlagKind.SUSPECTED_INFILTRATOR]
    html = page.content.decode()
    match = page.context["flag_matches"][0]
    assert (match.flag.profile_id, match.matched_by, match.is_profile_visible) == (
        profile.pk,
        ("phone",),
        False,
    )
    assert "Подозрение на провокатора" in html  # the reason, in Russian
    assert "coord" in html  # who set it
    # until when, in the operator's zone (the installation's: they chose none), with the zone
    assert zoned(match.flag.expires_at, "d.m.Y H:i") in html
    assert NOTE not in html  # the note stays with the profile's readers
    assert "профиле, который вам недоступен" in html
    assert not AuditEvent.objects.filter(action=AuditAction.DECRYPTION_FAILED).exists()


def test_a_reader_of_the_profile_sees_the_note_and_a_link_to_it(coordinator, hotline_operator):
    profile = flagged_profile(coordinator)  # sealed to the intake pool: hotline1 reads it

    logged = phone_call(hotline_operator, number=NUMBER)
    html = (
        client_for(hotline_operator)
        .get(reverse("hotline:contact", args=[logged.contact.pk]))
        .content.decode()
    )

    assert NOTE in html
    assert reverse("hotline:profile", args=[profile.pk]) in html


def test_the_check_button_warns_while_the_caller_is_still_on_the_line(coordinator, newcomer):
    flagged_profile(coordinator)

    response = client_for(newcomer).post(
        reverse("hotline:call"),
        {"check": "1", "callback_number": "+79281234567", "caller_pseudonym": ""},
    )

    assert response.status_code == 200
    assert [m.flag.kind for m in response.context["repeat"].flags] == ["infiltrator"]
    assert "Подозрение на провокатора" in response.content.decode()


def test_a_flag_reaches_contacts_linked_to_the_profile_and_their_numbers(
    coordinator, hotline_operator
):
    first = phone_call(hotline_operator, number="+7 900 555-00-11")
    profile = flagged_profile(coordinator, number="+7 911 000-00-00")
    with vault.activated(keyring_for(hotline_operator)):
        services.link_contact(operator=hotline_operator, contact=first.contact, profile=profile)

    second = phone_call(hotline_operator, number="8 900 555 00 11", pseudonym="Другой")

    assert [m.matched_by for m in second.flags] == [("phone",)]
    # The linked contact's own number and name do not "find" its own profile again.
    assert [m.matched_by for m in flags.flags_for_contact(hotline_operator, first.contact)] == [
        ("linked", "phone")
    ]


def test_a_web_report_giving_a_flagged_number_in_its_contact_line_shows_the_flag(
    coordinator, hotline_operator
):
    flagged_profile(coordinator)
    report = submit_report(
        body="Мне нужна помощь",
        reporter_kind=ReporterKind.SELF,
        urgency=Urgency.IN_DANGER,
        contact_instructions="Пишите в телеграм @safe_fox или звоните 8 928 123-45-67 после шести",
    )
    contact = contact_of(report)
    client = client_for(hotline_operator)

    page = client.get(reverse("hotline:contact", args=[contact.pk]))
    client.get(reverse("hotline:contact", args=[contact.pk]))  # a second read adds nothing

    assert [m.flag.kind for m in page.context["flag_matches"]] == ["infiltrator"]
    assert sorted(Identifier.objects.filter(contact=contact).values_list("kind", flat=True)) == [
        "phone",
        "telegram",
    ]
    with connection.cursor() as cursor:  # the numbers are sealed; only their indexes are clear
        cursor.execute("SELECT value FROM hotline_identifier WHERE contact_id = %s", [contact.pk])
        stored = b"".join(bytes(row[0]) for row in cursor.fetchall())
    assert b"928" not in stored
    assert b"safe_fox" not in stored


def test_the_contact_line_waits_for_a_reader_holding_the_index_key(coordinator):
    report = submit_report(
        body="help",
        reporter_kind=ReporterKind.SELF,
        urgency=Urgency.HIDING,
        contact_instructions="+7 928 123-45-67",
    )
    contact = contact_of(report)
    with vault.activated(vault.Keyring()):  # an empty keyring: no index key
        assert services.index_contact_line(contact=contact, operator=coordinator) == 0
    contact.refresh_from_db()
    assert contact.contact_line_indexed_at is None
    with vault.activated(keyring_for(coordinator)):
        assert services.index_contact_line(contact=contact, operator=coordinator) == 1


def test_expired_and_lifted_flags_are_not_shown(coordinator, hotline_operator):
    profile = flagged_profile(coordinator)
    ProfileFlag.objects.filter(profile=profile).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    assert phone_call(hotline_operator, number=NUMBER).flags == []

    flagged_profile(coordinator, kind=ProfileFlagKind.DO_NOT_CONTACT)
    flag = ProfileFlag.objects.get(kind=ProfileFlagKind.DO_NOT_CONTACT)
    with vault.activated(keyring_for(coordinator)):
        services.lift_flag(
            flag=flag,
            operator=coordinator,
            reason="They called from a safe place, it was a mistake",
        )
    assert phone_call(hotline_operator, number=NUMBER).flags == []


def test_lifting_a_flag_needs_a_reason_is_sealed_and_audited(coordinator):
    profile = flagged_profile(coordinator)
    flag = profile.flags.get()
    client = client_for(coordinator)

    refused = client.post(
        reverse("hotline:lift_flag", args=[flag.pk]), {"reason": "  "}, follow=True
    )
    assert ProfileFlag.objects.get(pk=flag.pk).lifted_at is None
    assert "Скажите, почему" in refused.content.decode()

    client.post(
        reverse("hotline:lift_flag", args=[flag.pk]),
        {"reason": "Verified in person by two colleagues"},
    )

    flag.refresh_from_db(fields=["lifted_at", "lifted_by"])
    assert flag.lifted_at is not None
    assert flag.lifted_by == coordinator
    event = AuditEvent.objects.get(
        action=AuditAction.RECORD_CHANGED, target_type="hotline.ProfileFlag", target_id=str(flag.pk)
    )
    assert event.details == {"profile": profile.pk, "kind": "infiltrator", "lifted": True}
    with connection.cursor() as cursor:
        cursor.execute("SELECT lift_reason FROM hotline_profileflag WHERE id = %s", [flag.pk])
        assert b"colleagues" not in bytes(cursor.fetchone()[0])
    again = client.post(
        reverse("hotline:lift_flag", args=[flag.pk]), {"reason": "again"}, follow=True
    )
    assert "уже истёк или снят" in again.content.decode()
    page = client.get(reverse("hotline:profile", args=[profile.pk])).content.decode()
    assert "Verified in person by two colleagues" in page  # the history keeps why


def test_only_readers_of_the_profile_may_lift_its_flag(coordinator, newcomer):
    flag = flagged_profile(coordinator).flags.get()

    response = client_for(newcomer).post(
        reverse("hotline:lift_flag", args=[flag.pk]), {"reason": "I do not believe it"}
    )

    assert response.status_code == 404
    assert ProfileFlag.objects.get(pk=flag.pk).lifted_at is None


def test_the_worker_counts_flags_that_expired_in_a_window_but_not_lifted_ones(coordinator):
    profile = flagged_profile(coordinator)
    now = timezone.now()
    ProfileFlag.objects.filter(profile=profile).update(expires_at=now - timedelta(hours=2))
    flagged_profile(coordinator, kind=ProfileFlagKind.DO_NOT_CONTACT, days=3)

    assert flags.flags_expired_between(now - timedelta(days=1), now) == 1
    assert flags.flags_expired_between(now - timedelta(hours=1), now) == 0
    ProfileFlag.objects.filter(profile=profile).update(lifted_at=now - timedelta(hours=3))
    assert flags.flags_expired_between(now - timedelta(days=1), now) == 0
