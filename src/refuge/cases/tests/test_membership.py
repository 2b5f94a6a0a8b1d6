"""Who takes whom off a case: only the lead or a coordinator; a coordinator
only by another coordinator; the lead only through the change-lead rule."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from refuge.accounts.roles import Role
from refuge.cases.errors import RemovalRefused
from refuge.cases.models import Case, CaseMember
from refuge.cases.services.movement import plan_movement
from refuge.cases.services.opening import share_case, unshare_case
from refuge.cases.tests.conftest import acting_as
from refuge.testing import log_in, make_operator
from refuge.vault import api as vault


@pytest.fixture
def team_case(case, worker, colleague, boss):
    """Led by the worker; the colleague (case worker) and the boss (coordinator) are on it."""
    with acting_as(worker):
        share_case(case=case, operator=boss, shared_by=worker)
    return Case.objects.get(pk=case.pk)


def _members(case) -> set[str]:
    return set(CaseMember.objects.filter(case=case).values_list("operator__username", flat=True))


def test_a_member_who_does_not_lead_cannot_remove_anyone(
    team_case, colleague, boss, worker
) -> None:
    for member in (boss, worker):
        with acting_as(colleague), pytest.raises(RemovalRefused, match="lead or a coordinator"):
            unshare_case(case=team_case, operator=member, unshared_by=colleague)

    assert _members(team_case) == {"worker", "colleague", "boss"}
    assert Case.objects.get(pk=team_case.pk).lead == worker


def test_the_lead_removes_a_case_worker_but_not_a_coordinator(
    team_case, worker, colleague, boss
) -> None:
    with acting_as(worker):
        movement = plan_movement(
            case=team_case, route="Grozny - Moscow", tickets="", departure="", planned_by=worker
        )
        unshare_case(case=team_case, operator=colleague, unshared_by=worker)
        with pytest.raises(RemovalRefused, match="Only another coordinator"):
            unshare_case(case=team_case, operator=boss, unshared_by=worker)

    assert _members(team_case) == {"worker", "boss"}
    assert boss.pk in vault.readers_of(team_case.envelope_id)
    assert boss.pk in vault.readers_of(movement.envelope_id)  # the coordinator keeps routes


def test_a_coordinator_removes_another_coordinator(team_case, worker, boss) -> None:
    deputy = make_operator("deputy", Role.COORDINATOR)
    with acting_as(worker):
        share_case(case=team_case, operator=deputy, shared_by=worker)
    with acting_as(deputy):
        unshare_case(case=team_case, operator=boss, unshared_by=deputy)

    assert "boss" not in _members(team_case)
    assert boss.pk not in vault.readers_of(team_case.envelope_id)


def test_removing_the_lead_is_a_change_of_lead_only_a_coordinator_makes(
    team_case, worker, colleague, boss
) -> None:
    with acting_as(colleague), pytest.raises(RemovalRefused):
        unshare_case(case=team_case, operator=worker, unshared_by=colleague)
    with acting_as(worker), pytest.raises(RemovalRefused, match="yourself"):
        unshare_case(case=team_case, operator=worker, unshared_by=worker)
    assert Case.objects.get(pk=team_case.pk).lead == worker

    with acting_as(boss):
        unshare_case(case=team_case, operator=worker, unshared_by=boss)
    assert Case.objects.get(pk=team_case.pk).lead == boss
    assert "worker" not in _members(team_case)


def test_the_page_refuses_with_a_message_and_changes_nothing(team_case, colleague, boss) -> None:
    client = Client()
    log_in(client, colleague)
    detail = client.get(reverse("cases:detail", args=[team_case.pk])).content.decode()
    url = reverse("cases:unshare", args=[team_case.pk, boss.pk])

    response = client.post(url, follow=True)

    assert url not in detail  # no button where the rule says no
    assert "Only the case&#x27;s lead or a coordinator removes people from it." in (
        response.content.decode()
    )
    assert _members(team_case) == {"worker", "colleague", "boss"}
