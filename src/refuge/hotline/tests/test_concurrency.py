"""Two operators acting at the same moment, each in their own thread and connection."""

import threading

import pytest
from django.db import connection, connections

from refuge.accounts.roles import Role
from refuge.core.errors import DomainError
from refuge.hotline import services
from refuge.hotline.models import CloseReason, Contact, ContactStatus
from refuge.hotline.tests.factories import contact_of, web_report

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor == "sqlite",
        reason="the in-memory SQLite test database is not shared between threads",
    ),
]


def _at_once(*actions):
    barrier = threading.Barrier(len(actions))
    outcomes: list[str | DomainError | None] = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait()
            action()
            outcomes[index] = "ok"
        except DomainError as error:
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_two_simultaneous_takes_one_wins_the_other_is_told(operator_factory):
    first = operator_factory("first", Role.OPERATOR, intake=True)
    second = operator_factory("second", Role.OPERATOR, intake=True)
    contact = contact_of(web_report())

    outcomes = _at_once(
        lambda: services.take_contact(contact=contact, operator=first),
        lambda: services.take_contact(contact=contact, operator=second),
    )

    assert sorted(outcome == "ok" for outcome in outcomes) == [False, True]
    loser = next(outcome for outcome in outcomes if outcome != "ok")
    winner = Contact.objects.get(pk=contact.pk).assigned_to
    assert winner is not None
    assert winner.username in str(loser)


def test_two_simultaneous_closes_one_wins(operator_factory):
    first = operator_factory("first", Role.OPERATOR, intake=True)
    second = operator_factory("second", Role.OPERATOR, intake=True)
    contact = contact_of(web_report())

    outcomes = _at_once(
        lambda: services.close_contact(
            contact=Contact.objects.get(pk=contact.pk),
            operator=first,
            reason=CloseReason.RESOLVED,
            expected_version=0,
        ),
        lambda: services.close_contact(
            contact=Contact.objects.get(pk=contact.pk),
            operator=second,
            reason=CloseReason.REFERRED,
            expected_version=0,
        ),
    )

    assert sorted(outcome == "ok" for outcome in outcomes) == [False, True]
    stored = Contact.objects.get(pk=contact.pk)
    assert stored.status == ContactStatus.CLOSED
    assert stored.version == 1
