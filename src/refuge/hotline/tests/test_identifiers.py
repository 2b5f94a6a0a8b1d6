import pytest

from refuge.accounts.models import Operator
from refuge.accounts.roles import Role
from refuge.hotline import identifiers
from refuge.hotline.demo import seed as seed_hotline
from refuge.hotline.errors import InvalidIdentifier
from refuge.hotline.models import Contact, Identifier, IdentifierKind, ProfileFlag, ReplyTemplate
from refuge.hotline.tests.factories import phone_call
from refuge.testing import keyring_for
from refuge.vault import api as vault

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("+7 928 123-45-67", "8 (928) 1234567"),
        ("@Leila_Safe", "https://t.me/leila_safe"),
    ],
)
def test_spellings_of_one_identifier_share_an_index(hotline_operator, first, second):
    kind = IdentifierKind.PHONE if first.startswith("+") else IdentifierKind.TELEGRAM
    with vault.activated(keyring_for(hotline_operator)):
        assert identifiers.index_of(kind, first) == identifiers.index_of(kind, second)
        other = IdentifierKind.EMAIL if kind == IdentifierKind.PHONE else IdentifierKind.NAME
        assert identifiers.index_of(kind, first) != identifiers.index_of(other, first)


def test_names_fold_case_spacing_and_yo(hotline_operator):
    with vault.activated(keyring_for(hotline_operator)):
        assert identifiers.index_of("name", " Алёна  ") == identifiers.index_of("name", "алена")


@pytest.mark.parametrize("value", ["", "abc", "+1", "   "])
def test_malformed_numbers_are_refused(value):
    with pytest.raises(InvalidIdentifier):
        identifiers.normalise_phone(value)


def test_an_operator_without_the_index_key_still_logs_the_call(operator_factory):
    early = operator_factory("early", Role.OPERATOR)
    phone_call(early, number="+7 928 123-45-67")  # creates the index key, sealed to `early`
    late = operator_factory("late", Role.OPERATOR)

    logged = phone_call(late, number="+7 928 123-45-67")

    assert not logged.is_index_available
    assert Identifier.objects.get(contact=logged.contact, kind="phone").blind_index == ""


def test_unlocking_a_page_of_envelopes_takes_one_query(hotline_operator, django_assert_num_queries):
    contacts = [phone_call(hotline_operator).contact for _ in range(3)]
    with vault.activated(keyring_for(hotline_operator)):
        with django_assert_num_queries(1):
            vault.preload(c.envelope_id for c in contacts)
        with django_assert_num_queries(1):
            fresh = list(Contact.objects.filter(pk__in=[c.pk for c in contacts]))
            assert all("friend" in contact.summary for contact in fresh)


def test_demo_seed_creates_calls_a_flagged_profile_and_templates():
    from refuge.accounts.demo import seed as seed_accounts

    seed_accounts()
    lines = seed_hotline()

    assert "3 phone calls" in lines[0]
    assert Contact.objects.filter(channel="phone").count() == 3
    assert ProfileFlag.objects.count() == 1
    assert Identifier.objects.filter(profile__isnull=False).count() == 2
    assert set(ReplyTemplate.objects.values_list("language", flat=True)) == {"ru", "en"}
    assert Operator.objects.filter(username="operator").exists()
