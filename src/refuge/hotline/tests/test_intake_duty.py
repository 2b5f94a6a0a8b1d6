"""Intake duty seals every open contact to the operator (audited); the queue
says what waits beyond the viewer's reach and who can grant it. Intake-duty
grants on long-closed contacts lapse."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from refuge.accounts.models import Operator
from refuge.accounts.roles import Role
from refuge.audit.models import AuditAction, AuditEvent
from refuge.hotline import services
from refuge.hotline.models import CloseReason, Contact, ContactStatus, IntakeGrant
from refuge.hotline.selectors import contacts_visible_to
from refuge.hotline.tests.factories import (
    client_for,
    contact_of,
    follow_up,
    phone_call,
    web_report,
)
from refuge.intake.models import Urgency
from refuge.testing import keyring_for
from refuge.vault import api as vault

pytestmark = pytest.mark.django_db


@pytest.fixture
def newbie(operator_factory):
    return operator_factory("newbie", Role.OPERATOR, intake=False)


def _put_on_duty(client, operator, on_duty="1"):
    """As a coordinator logged in on `client` (a TOTP code logs in once per 30 s)."""
    return client.post(
        reverse("hotline:set_intake_duty", args=[operator.pk]), {"on_duty": on_duty}, follow=True
    )


def test_a_new_operator_is_told_what_waits_beyond_their_reach_and_who_can_grant_it(
    coordinator, newbie
):
    web_report(urgency=Urgency.IN_DANGER)
    web_report(urgency=Urgency.TESTIMONY)
    assigned = contact_of(web_report(urgency=Urgency.DETAINED))
    Contact.objects.filter(pk=assigned.pk).update(assigned_to=coordinator)  # not waiting

    response = client_for(newbie).get(reverse("hotline:queue"))

    assert response.context["page"].object_list == []
    hidden = response.context["out_of_reach"]
    assert (hidden.waiting, hidden.urgent, hidden.is_on_duty, hidden.grantors) == (
        2,
        1,
        False,
        ["coord"],
    )
    html = response.content.decode()
    assert "2 ожидающих обращения вам не показаны" in html
    assert "Координаторы: coord" in html
    assert "поставить вас на приём обращений" in html


def test_putting_an_operator_on_intake_duty_seals_the_open_contacts_to_them(coordinator, newbie):
    urgent = contact_of(web_report(urgency=Urgency.IN_DANGER))
    waiting = contact_of(web_report(urgency=Urgency.HIDING))
    closed = contact_of(web_report(urgency=Urgency.OTHER))
    Contact.objects.filter(pk=closed.pk).update(status=ContactStatus.CLOSED)

    page = _put_on_duty(client_for(coordinator), newbie)

    newbie.refresh_from_db()
    assert newbie.is_on_intake_duty
    assert "на приёме обращений" in page.content.decode()
    assert set(contacts_visible_to(newbie).values_list("pk", flat=True)) == {urgent.pk, waiting.pk}
    assert set(
        IntakeGrant.objects.filter(operator=newbie).values_list("contact_id", flat=True)
    ) == {urgent.pk, waiting.pk}
    summary = AuditEvent.objects.get(
        action=AuditAction.GRANT_ADDED,
        actor_id=coordinator.pk,
        target_type="accounts.Operator",
        target_id=str(newbie.pk),
    )
    assert summary.details == {"intake_duty": 2, "out_of_reach": 0}
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.GRANT_ADDED, target_type="vault.Envelope", details__reader=newbie.pk
        ).count()
        == 2
    )
    queue = client_for(newbie).get(reverse("hotline:queue"))
    assert [contact.pk for contact in queue.context["page"]] == [urgent.pk, waiting.pk]
    assert queue.context["out_of_reach"].waiting == 0
    assert urgent.thread is not None
    with vault.activated(keyring_for(newbie)):  # and the report itself opens for them
        assert "They came to my flat" in str(urgent.thread.messages.get().body)


def test_contacts_the_coordinator_cannot_read_reach_the_operator_through_a_holder(
    coordinator, hotline_operator, newbie
):
    Operator.objects.filter(pk=coordinator.pk).update(is_on_intake_duty=False)
    only_hotline1 = contact_of(web_report(urgency=Urgency.IN_DANGER))

    _put_on_duty(client_for(coordinator), newbie)
    summary = AuditEvent.objects.get(
        action=AuditAction.GRANT_ADDED, actor_id=coordinator.pk, target_type="accounts.Operator"
    )
    assert summary.details == {"intake_duty": 0, "out_of_reach": 1}
    newbie_client = client_for(newbie)
    waiting = newbie_client.get(reverse("hotline:queue")).context["out_of_reach"]
    assert (waiting.waiting, waiting.is_on_duty) == (1, True)

    client_for(hotline_operator).get(reverse("hotline:queue"))  # a holder opens the queue

    assert [c.pk for c in newbie_client.get(reverse("hotline:queue")).context["page"]] == [
        only_hotline1.pk
    ]
    completed = AuditEvent.objects.get(
        action=AuditAction.GRANT_ADDED,
        actor_id=hotline_operator.pk,
        target_type="accounts.Operator",
    )
    assert completed.details == {"intake_duty": 1, "completed": True}


def test_the_operator_form_puts_on_duty_through_the_same_door(coordinator, newbie):
    contact = contact_of(web_report())

    client_for(coordinator).post(
        reverse("accounts:operator_edit", args=[newbie.pk]),
        {
            "version": newbie.version,
            "role": Role.OPERATOR,
            "is_active": "on",
            "on_intake_duty": "on",
        },
    )

    assert contacts_visible_to(newbie).filter(pk=contact.pk).exists()


def test_off_duty_stops_new_reports_and_keeps_what_they_hold(coordinator, newbie):
    held = contact_of(web_report())
    client = client_for(coordinator)
    _put_on_duty(client, newbie)

    _put_on_duty(client, newbie, on_duty="0")
    later = contact_of(web_report())

    visible = set(contacts_visible_to(newbie).values_list("pk", flat=True))
    assert held.pk in visible
    assert later.pk not in visible


def test_only_coordinators_manage_intake_duty_and_only_for_contact_handlers(
    coordinator, hotline_operator, operator_factory
):
    analyst = operator_factory("numbers", Role.ANALYST)

    assert (
        client_for(hotline_operator)
        .post(reverse("hotline:set_intake_duty", args=[hotline_operator.pk]), {"on_duty": "0"})
        .status_code
        == 403
    )
    client = client_for(coordinator)
    page = _put_on_duty(client, analyst)
    analyst.refresh_from_db()
    assert not analyst.is_on_intake_duty
    assert "Только оператор" in page.content.decode()
    overview = client.get(reverse("hotline:intake_duty"))
    assert [row.operator.username for row in overview.context["rows"]] == ["coord", "hotline1"]


def test_a_holder_or_logger_keeps_a_long_closed_contact_while_intake_grants_lapse(
    coordinator, hotline_operator, settings
):
    settings.HOTLINE_INTAKE_GRANT_DAYS = 30
    old = contact_of(web_report())
    recent = contact_of(web_report())
    call = phone_call(hotline_operator).contact  # logged by hotline1, pool: coord
    with vault.activated(keyring_for(hotline_operator)):
        services.take_contact(contact=old, operator=hotline_operator)
    now = timezone.now()
    Contact.objects.filter(pk__in=[old.pk, call.pk]).update(
        status=ContactStatus.CLOSED, closed_at=now - timedelta(days=31)
    )
    Contact.objects.filter(pk=recent.pk).update(
        status=ContactStatus.CLOSED, closed_at=now - timedelta(days=29)
    )

    dry = io.StringIO()
    call_command("lapse_intake_grants", "--dry-run", stdout=dry)
    assert dry.getvalue().startswith("2 intake grant(s) on 2 contact(s)")
    assert contacts_visible_to(coordinator).filter(pk=old.pk).exists()
    out = io.StringIO()
    call_command("lapse_intake_grants", stdout=out)

    assert out.getvalue().startswith("2 intake grant(s) on 2 contact(s)")
    coordinator_reads = set(contacts_visible_to(coordinator).values_list("pk", flat=True))
    assert old.pk not in coordinator_reads
    assert call.pk not in coordinator_reads
    assert recent.pk in coordinator_reads
    assert set(contacts_visible_to(hotline_operator).values_list("pk", flat=True)) >= {
        old.pk,
        call.pk,
        recent.pk,
    }
    assert not IntakeGrant.objects.filter(contact=old, operator=coordinator).exists()
    event = AuditEvent.objects.get(
        action=AuditAction.GRANT_REVOKED, target_type="hotline.IntakeGrant"
    )
    assert (event.actor_id, event.details) == (None, {"grants": 2, "contacts": 2})
    again = io.StringIO()
    call_command("lapse_intake_grants", stdout=again)
    assert again.getvalue().startswith("0 intake grant(s)")


def test_open_contacts_never_lapse(coordinator, settings):
    settings.HOTLINE_INTAKE_GRANT_DAYS = 0
    contact = contact_of(web_report())
    Contact.objects.filter(pk=contact.pk).update(created_at=timezone.now() - timedelta(days=90))

    assert services.lapse_intake_grants().grants == 0
    assert contacts_visible_to(coordinator).filter(pk=contact.pk).exists()


def _lapse_now() -> None:
    services.lapse_intake_grants(now=timezone.now() + timedelta(days=1), days=0)


def test_a_follow_up_reopening_a_lapsed_contact_reaches_the_operators_on_duty_again(
    coordinator, hotline_operator, newbie
):
    submission = web_report(urgency=Urgency.DETAINED)
    contact = contact_of(submission)  # sealed to coord and hotline1, on duty
    with vault.activated(keyring_for(hotline_operator)):  # closed without being taken
        services.close_contact(
            contact=contact,
            operator=hotline_operator,
            reason=CloseReason.RESOLVED,
            expected_version=contact.version,
        )
    _lapse_now()
    assert not contacts_visible_to(coordinator).filter(pk=contact.pk).exists()
    assert contacts_visible_to(hotline_operator).filter(pk=contact.pk).exists()  # closed it
    _put_on_duty(client_for(coordinator), newbie)  # joins while it is closed

    follow_up(submission, "Его снова забрали")  # the reporter's request: no hotline key

    assert contact_of(submission).status == ContactStatus.NEW
    waiting = AuditEvent.objects.get(
        action=AuditAction.GRANT_ADDED, target_type="hotline.Contact", target_id=str(contact.pk)
    )
    assert waiting.details == {"intake_duty": 0, "reopened": True, "out_of_reach": 2}
    assert client_for(newbie).get(reverse("hotline:queue")).context["out_of_reach"].urgent == 1

    client_for(hotline_operator).get(reverse("console:home"))  # the one who closed it logs in

    for operator in (coordinator, newbie):
        assert contacts_visible_to(operator).filter(pk=contact.pk).exists()
        assert IntakeGrant.objects.filter(contact=contact, operator=operator).exists()
        assert AuditEvent.objects.filter(
            action=AuditAction.GRANT_ADDED,
            target_type="vault.Envelope",
            target_id=str(contact.envelope_id),
            details={"reader": operator.pk},
        ).exists()
    page = client_for(newbie).get(reverse("hotline:contact", args=[contact.pk]))
    assert "Его снова забрали" in page.content.decode()


def test_a_reopened_contact_is_sealed_at_once_when_the_request_holds_its_key(
    coordinator, hotline_operator, newbie
):
    contact = contact_of(web_report())
    with vault.activated(keyring_for(hotline_operator)):
        services.close_contact(
            contact=contact,
            operator=hotline_operator,
            reason=CloseReason.RESOLVED,
            expected_version=contact.version,
        )
    _lapse_now()
    Operator.objects.filter(pk=newbie.pk).update(is_on_intake_duty=True)

    with vault.activated(keyring_for(hotline_operator)):
        sealing = services.seal_reopened_contact(contact=contact)

    assert (sealing.shared, sealing.out_of_reach) == (2, 0)
    assert contacts_visible_to(newbie).filter(pk=contact.pk).exists()
    assert contacts_visible_to(coordinator).filter(pk=contact.pk).exists()
    event = AuditEvent.objects.get(
        action=AuditAction.GRANT_ADDED, actor_id=hotline_operator.pk, target_type="hotline.Contact"
    )
    assert event.details == {"intake_duty": 2, "reopened": True}
