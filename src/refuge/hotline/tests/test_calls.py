from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from refuge.accounts.roles import Role
from refuge.audit.models import AuditAction, AuditEvent
from refuge.hotline import services
from refuge.hotline.models import Contact, Identifier, IdentifierKind, ProfileFlagKind
from refuge.hotline.tests.factories import client_for, phone_call
from refuge.intake.models import Urgency
from refuge.testing import keyring_for
from refuge.vault import api as vault

pytestmark = pytest.mark.django_db
NUMBER = "+7 928 123-45-67"


def _call_form(**overrides):
    return {
        "started_at": "2026-11-25T10:00",
        "ended_at": "2026-11-25T10:12",
        "caller_pseudonym": "Ислам",
        "callback_number": NUMBER,
        "what_they_said": "My brother was taken from the street this morning.",
        "urgency": Urgency.DETAINED,
        "risk_flags": ["detained_now", "family_threat"],
        "next_step": "Call back with a lawyer's name",
        "next_step_at": "2026-11-25T18:00",
        **overrides,
    }


def test_logging_a_call_seals_what_was_said_and_the_number(hotline_operator):
    client = client_for(hotline_operator)

    response = client.post(reverse("hotline:call"), _call_form())

    assert response.status_code == 302
    contact = Contact.objects.get()
    assert (contact.channel, contact.urgency) == ("phone", Urgency.DETAINED)
    assert contact.risk_flags == ["detained_now", "family_threat"]
    assert contact.due_at is not None
    with connection.cursor() as cursor:
        cursor.execute("SELECT summary, caller_pseudonym FROM hotline_contact")
        raw = b"".join(bytes(value) for value in cursor.fetchone())
        cursor.execute("SELECT value, blind_index FROM hotline_identifier")
        rows = cursor.fetchall()
    assert b"brother" not in raw
    assert "Ислам".encode() not in raw
    # The whole number, not a fragment: random ciphertext holds "928" now and then by chance.
    assert all(
        b"9281234567" not in bytes(value) and "9281234567" not in index for value, index in rows
    )
    page = client.get(response.url).content.decode()  # type: ignore[attr-defined]
    assert "brother was taken" in page
    assert "928" not in page  # the number is masked


def test_a_repeat_caller_is_linked_to_the_earlier_contact(hotline_operator):
    earlier = phone_call(hotline_operator, number="8 (928) 123 45 67", pseudonym="Руслан")

    later = phone_call(hotline_operator, number=NUMBER, pseudonym="Someone else")

    assert [item.contact_id for item in later.earlier] == [earlier.contact.pk]
    assert later.earlier[0].is_visible
    page = client_for(hotline_operator).get(reverse("hotline:contact", args=[later.contact.pk]))
    assert page.context["earlier"][0].contact_id == earlier.contact.pk
    assert reverse("hotline:contact", args=[earlier.contact.pk]) in page.content.decode()


def test_a_repeat_name_seen_by_someone_else_is_not_revealed(operator_factory):
    first = operator_factory("first", Role.OPERATOR, intake=False)
    second = operator_factory("second", Role.OPERATOR, intake=False)
    earlier = phone_call(first, pseudonym="Ахмед")

    later = phone_call(second, pseudonym="ахмед ")

    assert [(item.contact_id, item.is_visible) for item in later.earlier] == [
        (earlier.contact.pk, False)
    ]
    page = client_for(second).get(reverse("hotline:contact", args=[later.contact.pk]))
    html = page.content.decode()
    assert "ask a coordinator" in html or "спросите координатора" in html
    assert reverse("hotline:contact", args=[earlier.contact.pk]) not in html


@pytest.mark.parametrize("number", ["12", "not a number", "+7 (999) 1"])
def test_a_malformed_number_is_refused_with_a_message(hotline_operator, number):
    response = client_for(hotline_operator).post(
        reverse("hotline:call"), _call_form(callback_number=number)
    )

    assert response.status_code == 200
    assert response.context["form"].errors["callback_number"]
    assert not Contact.objects.exists()


def test_a_call_ending_before_it_started_is_refused(hotline_operator):
    response = client_for(hotline_operator).post(
        reverse("hotline:call"), _call_form(ended_at="2026-11-25T09:00")
    )

    assert response.status_code == 200
    assert not Contact.objects.exists()


def test_revealing_an_identifier_takes_a_post_and_is_audited(hotline_operator):
    logged = phone_call(hotline_operator, number=NUMBER)
    identifier = Identifier.objects.get(contact=logged.contact, kind=IdentifierKind.PHONE)
    client = client_for(hotline_operator)
    url = reverse("hotline:reveal", args=[identifier.pk])

    assert client.get(url).status_code == 405
    response = client.post(url)

    assert response.status_code == 200
    assert NUMBER in response.content.decode()
    event = AuditEvent.objects.get(action=AuditAction.IDENTIFIER_REVEALED)
    assert (event.actor_id, event.target_id) == (hotline_operator.pk, str(identifier.pk))
    assert "928" not in str(event.details)


def test_roles_without_the_capability_cannot_reveal(operator_factory, hotline_operator):
    analyst = operator_factory("analyst", Role.ANALYST)
    logged = phone_call(hotline_operator, number=NUMBER)
    identifier = Identifier.objects.get(contact=logged.contact, kind=IdentifierKind.PHONE)

    response = client_for(analyst).post(reverse("hotline:reveal", args=[identifier.pk]))

    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.IDENTIFIER_REVEALED).exists()


def test_profile_flags_warn_every_operator_opening_a_linked_contact(hotline_operator, coordinator):
    logged = phone_call(hotline_operator, number=NUMBER)
    with vault.activated(keyring_for(hotline_operator)):
        profile = services.create_profile(
            operator=hotline_operator, pseudonym="Лейла", contact=logged.contact
        )
        services.add_profile_identifier(
            operator=hotline_operator,
            profile=profile,
            kind=IdentifierKind.TELEGRAM,
            value="@leila_safe",
        )
        services.flag_profile(
            operator=hotline_operator,
            profile=profile,
            kind=ProfileFlagKind.RELATIVE_SEARCHING,
            expires_at=timezone.now() + timedelta(days=30),
        )
        services.flag_profile(
            operator=hotline_operator,
            profile=profile,
            kind=ProfileFlagKind.DO_NOT_CONTACT,
            expires_at=timezone.now() + timedelta(seconds=1),
        )
    from refuge.hotline.models import ProfileFlag

    ProfileFlag.objects.filter(kind=ProfileFlagKind.DO_NOT_CONTACT).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )  # expired: no longer shown

    page = client_for(coordinator).get(reverse("hotline:contact", args=[logged.contact.pk]))

    assert [match.flag.kind for match in page.context["flag_matches"]] == [
        ProfileFlagKind.RELATIVE_SEARCHING
    ]
    assert 'role="alert"' in page.content.decode()
    later = phone_call(coordinator, pseudonym="x")
    assert later.earlier == []
    with vault.activated(keyring_for(coordinator)):
        telegram = services.calls.try_index(IdentifierKind.TELEGRAM, "t.me/Leila_Safe")
    assert Identifier.objects.filter(blind_index=telegram, profile=profile).exists()


def test_profile_form_refuses_bad_input(hotline_operator):
    logged = phone_call(hotline_operator)
    with vault.activated(keyring_for(hotline_operator)):
        profile = services.create_profile(operator=hotline_operator, pseudonym="P")
    client = client_for(hotline_operator)

    bad_flag = client.post(
        reverse("hotline:add_flag", args=[profile.pk]),
        {"kind": "infiltrator", "expires_at": "2001-01-01T00:00"},
        follow=True,
    )
    bad_phone = client.post(
        reverse("hotline:add_identifier", args=[profile.pk]),
        {"kind": "phone", "value": "abc"},
        follow=True,
    )
    bad_link = client.post(
        reverse("hotline:link_profile", args=[logged.contact.pk]), {"profile": "abc"}, follow=True
    )

    for response in (bad_flag, bad_phone, bad_link):
        assert response.status_code == 200
        assert any(m.level_tag == "error" for m in response.context["messages"])
    assert not profile.flags.exists()
    assert not profile.identifiers.exists()


def test_supervisor_page_shows_load_response_times_and_daily_counts(hotline_operator, coordinator):
    phone_call(hotline_operator)
    phone_call(hotline_operator, urgency=Urgency.IN_DANGER)

    assert client_for(hotline_operator).get(reverse("hotline:supervisor")).status_code == 403
    response = client_for(coordinator).get(reverse("hotline:supervisor"))

    report = response.context["report"]
    assert report.loads[0].username == hotline_operator.username
    assert report.loads[0].open_contacts == 2
    danger = next(row for row in report.response_times if row.urgency == Urgency.IN_DANGER)
    assert danger.answered == 1
    assert danger.median_minutes == 0.0
    assert sum(total for _, total in report.per_day) == 2


def test_checking_for_a_repeat_caller_during_the_call_saves_nothing(hotline_operator):
    earlier = phone_call(hotline_operator, number=NUMBER)
    client = client_for(hotline_operator)

    response = client.post(
        reverse("hotline:call"),
        {
            "check": "1",
            "callback_number": "8 928 1234567",
            "caller_pseudonym": "new name",
            "risk_flags": ["injured"],
        },
    )

    assert response.status_code == 200
    assert [item.contact_id for item in response.context["repeat"].earlier] == [earlier.contact.pk]
    assert response.context["form"].initial["risk_flags"] == ["injured"]
    assert not response.context["form"].is_bound
    assert Contact.objects.count() == 1
    fresh = client.post(reverse("hotline:call"), {"check": "1", "caller_pseudonym": "nobody"})
    assert fresh.context["repeat"].earlier == []
    bad = client.post(reverse("hotline:call"), {"check": "1", "callback_number": "12"})
    assert bad.status_code == 200
    assert bad.context["form"].errors["callback_number"]


def test_a_profile_page_is_audited_and_masks_its_identifiers(hotline_operator, operator_factory):
    with vault.activated(keyring_for(hotline_operator)):
        profile = services.create_profile(operator=hotline_operator, pseudonym="Марат")
        identifier = services.add_profile_identifier(
            operator=hotline_operator, profile=profile, kind=IdentifierKind.PHONE, value=NUMBER
        )
    outsider = operator_factory("outsider", Role.OPERATOR, intake=False)
    client = client_for(hotline_operator)

    page = client.get(reverse("hotline:profile", args=[profile.pk]))

    assert page.status_code == 200
    assert "928" not in page.content.decode()
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.RECORD_READ, target_type="hotline.Profile"
        ).count()
        == 1
    )
    assert NUMBER in client.post(reverse("hotline:reveal", args=[identifier.pk])).content.decode()
    outsider_client = client_for(outsider)
    assert outsider_client.get(reverse("hotline:profile", args=[profile.pk])).status_code == 404
    assert outsider_client.post(reverse("hotline:reveal", args=[identifier.pk])).status_code == 404
