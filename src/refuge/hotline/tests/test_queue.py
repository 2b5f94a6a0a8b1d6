from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from refuge.accounts.roles import Role
from refuge.audit.models import AuditAction, AuditEvent
from refuge.hotline import selectors, services
from refuge.hotline.errors import ContactAlreadyTaken
from refuge.hotline.models import Contact, ContactStatus
from refuge.hotline.tests.factories import (
    client_for,
    contact_of,
    follow_up,
    phone_call,
    web_report,
)
from refuge.intake.models import Urgency

pytestmark = pytest.mark.django_db


def test_queue_puts_untaken_danger_first_then_late_or_unread_then_urgency_and_waiting(
    hotline_operator,
):
    overdue_testimony = contact_of(web_report(urgency=Urgency.TESTIMONY))
    hiding = contact_of(web_report(urgency=Urgency.HIDING))
    older_danger = contact_of(web_report(urgency=Urgency.IN_DANGER))
    newer_danger = contact_of(web_report(urgency=Urgency.IN_DANGER))
    detained = contact_of(web_report(urgency=Urgency.DETAINED))
    taken_danger = contact_of(web_report(urgency=Urgency.IN_DANGER))
    wrote_again = web_report(urgency=Urgency.LEAVE_REGION)
    services.take_contact(contact=taken_danger, operator=hotline_operator)
    Contact.objects.filter(pk=older_danger.pk).update(
        created_at=timezone.now() - timedelta(hours=2)
    )
    Contact.objects.filter(pk=overdue_testimony.pk).update(
        due_at=timezone.now() - timedelta(minutes=5)
    )
    follow_up(wrote_again)

    ordered = [c.pk for c in selectors.open_queue(hotline_operator)]

    assert ordered == [
        older_danger.pk,
        newer_danger.pk,
        detained.pk,  # untaken "in danger now", "detained"
        contact_of(wrote_again).pk,
        overdue_testimony.pk,  # unread / overdue, by urgency
        taken_danger.pk,
        hiding.pk,  # the rest by urgency, then waiting time
    ]


def test_an_overdue_low_urgency_follow_up_no_longer_passes_an_untaken_danger_report(
    hotline_operator,
):
    overdue_other = contact_of(web_report(urgency=Urgency.OTHER))
    Contact.objects.filter(pk=overdue_other.pk).update(due_at=timezone.now() - timedelta(days=1))
    danger = contact_of(web_report(urgency=Urgency.IN_DANGER))

    assert [c.pk for c in selectors.open_queue(hotline_operator)] == [danger.pk, overdue_other.pk]


def test_queue_page_shows_counts_refreshes_itself_and_lists_new_reports(hotline_operator):
    web_report(urgency=Urgency.IN_DANGER)
    web_report(urgency=Urgency.DETAINED)
    web_report(urgency=Urgency.DETAINED)
    client = client_for(hotline_operator)

    response = client.get(reverse("hotline:queue"))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<meta http-equiv="refresh" content="30">' in html
    counts = {count.urgency: count.count for count in response.context["counts"]}
    assert counts[Urgency.DETAINED] == 2
    assert counts[Urgency.IN_DANGER] == 1
    assert "<script" not in html
    web_report(urgency=Urgency.HIDING)  # arrives while the operator looks at the queue
    assert len(client.get(reverse("hotline:queue")).context["page"]) == 4


def test_operator_sees_only_contacts_sealed_to_them(operator_factory, hotline_operator):
    outsider = operator_factory("outsider", Role.OPERATOR, intake=False)
    contact = contact_of(web_report())
    client = client_for(outsider)

    assert client.get(reverse("hotline:queue")).context["page"].object_list == []
    assert client.get(reverse("hotline:contact", args=[contact.pk])).status_code == 404
    assert client.post(reverse("hotline:take", args=[contact.pk])).status_code == 404


def test_queue_paginates_and_survives_a_malformed_page_number(hotline_operator):
    for _ in range(3):
        web_report()
    client = client_for(hotline_operator)

    for page in ["abc", "-1", "99999", "1'; DROP TABLE"]:
        assert client.get(reverse("hotline:queue"), {"page": page}).status_code == 200


def test_taking_a_contact_shows_the_holder_to_everyone(hotline_operator, coordinator):
    contact = contact_of(web_report())

    response = client_for(hotline_operator).post(
        reverse("hotline:take", args=[contact.pk]), {"next": "queue"}
    )

    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.assigned_to == hotline_operator
    assert contact.status == ContactStatus.IN_PROGRESS
    queue = client_for(coordinator).get(reverse("hotline:queue")).content.decode()
    assert hotline_operator.username in queue


def test_two_operators_taking_at_once_one_wins_the_other_is_told(hotline_operator, coordinator):
    contact = contact_of(web_report())
    stale_copy = Contact.objects.get(pk=contact.pk)  # both read it unassigned
    services.take_contact(contact=contact, operator=hotline_operator)

    with pytest.raises(ContactAlreadyTaken, match=hotline_operator.username):
        services.take_contact(contact=stale_copy, operator=coordinator)

    response = client_for(coordinator).post(reverse("hotline:take", args=[contact.pk]), follow=True)
    assert response.status_code == 200
    told = [str(m) for m in response.context["messages"] if m.level_tag == "error"]
    assert len(told) == 1
    assert hotline_operator.username in told[0]
    contact.refresh_from_db()
    assert contact.assigned_to == hotline_operator


def test_handing_over_shares_the_contact_with_the_colleague(operator_factory, hotline_operator):
    colleague = operator_factory("colleague", Role.OPERATOR, intake=False)
    logged = phone_call(hotline_operator)
    client = client_for(hotline_operator)

    response = client.post(
        reverse("hotline:hand_over", args=[logged.contact.pk]), {"to": colleague.pk}
    )

    assert response.status_code == 302
    assert Contact.objects.get(pk=logged.contact.pk).assigned_to == colleague
    colleague_client = client_for(colleague)
    page = colleague_client.get(reverse("hotline:contact", args=[logged.contact.pk]))
    assert page.status_code == 200
    assert "Hiding at a friend" in page.content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.GRANT_ADDED).exists()


def test_only_the_holder_hands_over(operator_factory, hotline_operator):
    other = operator_factory("other", Role.OPERATOR, intake=True)
    contact = contact_of(web_report())
    services.take_contact(contact=contact, operator=hotline_operator)

    response = client_for(other).post(
        reverse("hotline:hand_over", args=[contact.pk]), {"to": ""}, follow=True
    )

    assert response.status_code == 200
    contact.refresh_from_db()
    assert contact.assigned_to == hotline_operator


def test_the_console_pages_answer_in_english_and_russian(hotline_operator):
    contact = contact_of(web_report())
    client = client_for(hotline_operator)

    russian = client.get(reverse("hotline:queue")).content.decode()
    with translation.override("en"):
        english = client.get(reverse("hotline:queue")).content.decode()
    call_form = client.get(reverse("hotline:call"))

    assert "Очередь горячей линии" in russian
    assert "Hotline queue" in english
    assert call_form.status_code == 200
    with translation.override("en"):
        english_contact = reverse("hotline:contact", args=[contact.pk])
    assert english_contact.startswith("/en/")
    assert client.get(english_contact).status_code == 200


def test_pages_need_login_and_the_capability(operator_factory):
    analyst = operator_factory("analyst", Role.ANALYST)
    from django.test import Client

    assert Client().get(reverse("hotline:queue")).status_code == 302
    assert client_for(analyst).get(reverse("hotline:queue")).status_code == 403


def test_services_refuse_contacts_not_sealed_to_the_operator(operator_factory):
    from django.http import Http404

    outsider = operator_factory("outsider", Role.OPERATOR, intake=False)
    contact = contact_of(web_report())

    with pytest.raises(Http404):
        services.take_contact(contact=contact, operator=outsider)
    with pytest.raises(Http404):
        services.add_note(contact=contact, operator=outsider, text="x")
    assert Contact.objects.get(pk=contact.pk).assigned_to is None


def test_follow_ups_due_counts_the_whole_queue_for_the_worker(hotline_operator):
    overdue = contact_of(web_report(urgency=Urgency.HIDING))
    Contact.objects.filter(pk=overdue.pk).update(due_at=timezone.now() - timedelta(minutes=1))
    Contact.objects.filter(pk=contact_of(web_report(urgency=Urgency.OTHER)).pk).update(
        due_at=timezone.now() + timedelta(hours=1)
    )
    follow_up(web_report(urgency=Urgency.TESTIMONY))

    due = selectors.follow_ups_due()

    assert (due.overdue, due.unread) == (1, 1)
