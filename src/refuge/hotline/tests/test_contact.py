import pytest
from django.urls import reverse

from refuge.audit.models import AuditAction, AuditEvent
from refuge.hotline import services
from refuge.hotline.models import CloseReason, Contact, ContactStatus, Note, ReplyTemplate
from refuge.hotline.tests.factories import client_for, contact_of, web_report
from refuge.intake.models import Direction, Urgency
from refuge.intake.services import messages_of, open_thread_with_receipt

pytestmark = pytest.mark.django_db


def test_every_view_of_a_contact_is_audited(hotline_operator):
    contact = contact_of(web_report(body="Men in uniform came."))
    client = client_for(hotline_operator)

    response = client.get(reverse("hotline:contact", args=[contact.pk]))

    assert response.status_code == 200
    assert "Men in uniform came." in response.content.decode()
    read = AuditEvent.objects.get(action=AuditAction.RECORD_READ, target_id=str(contact.pk))
    assert read.actor_id == hotline_operator.pk
    assert read.target_type == "hotline.Contact"


def test_a_reply_reaches_the_reporters_mailbox_and_a_note_never_does(hotline_operator):
    submission = web_report()
    contact = contact_of(submission)
    client = client_for(hotline_operator)

    client.post(reverse("hotline:reply", args=[contact.pk]), {"text": "We are here. Stay safe."})
    client.post(reverse("hotline:note", args=[contact.pk]), {"text": "Sounds like a raid."})

    thread = open_thread_with_receipt(submission.receipt)
    assert thread is not None
    bodies = [(m.direction, m.body) for m in messages_of(thread)]
    assert (Direction.FROM_OPERATOR, "We are here. Stay safe.") in bodies
    assert all("raid" not in body for _, body in bodies)
    assert Contact.objects.get(pk=contact.pk).first_response_at is not None
    note = Note.objects.get(contact=contact)
    assert b"raid" not in bytes(Note.objects.filter(pk=note.pk).values_list("body", flat=True)[0])


def test_a_template_prefills_the_reply(hotline_operator, coordinator):
    template = services.save_template(
        operator=coordinator,
        template=None,
        title="First answer",
        language="en",
        body="Thank you for writing to us.",
    )
    contact = contact_of(web_report())

    response = client_for(hotline_operator).get(
        reverse("hotline:contact", args=[contact.pk]), {"template": template.pk}
    )

    assert response.context["reply_form"].initial["text"] == "Thank you for writing to us."


def test_saving_over_a_changed_contact_is_refused_without_losing_the_other_edit(
    hotline_operator, coordinator
):
    contact = contact_of(web_report())
    version = contact.version
    first, second = client_for(hotline_operator), client_for(coordinator)
    form = {
        "version": version,
        "urgency": Urgency.DETAINED,
        "status": ContactStatus.IN_PROGRESS,
        "summary": "first edit",
        "next_step": "",
        "due_at": "",
    }

    assert first.post(reverse("hotline:edit", args=[contact.pk]), form).status_code == 302
    response = second.post(
        reverse("hotline:edit", args=[contact.pk]),
        {**form, "summary": "second edit", "urgency": Urgency.OTHER},
        follow=True,
    )

    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    stored = Contact.objects.get(pk=contact.pk)
    assert stored.urgency == Urgency.DETAINED
    assert stored.version == version + 1
    assert response.context["contact"].summary == "first edit"


@pytest.mark.parametrize(
    "form",
    [
        {},
        {"version": "x", "urgency": "nonsense", "status": "closed"},
        {"version": "-3", "urgency": Urgency.OTHER, "status": "new", "due_at": "not a date"},
        {"version": "0", "urgency": Urgency.OTHER, "status": "new", "summary": "x" * 20_000},
    ],
)
def test_malformed_edits_get_a_message_not_a_500(hotline_operator, form):
    contact = contact_of(web_report())

    response = client_for(hotline_operator).post(
        reverse("hotline:edit", args=[contact.pk]), form, follow=True
    )

    assert response.status_code == 200
    assert any(m.level_tag == "error" for m in response.context["messages"])
    assert Contact.objects.get(pk=contact.pk).version == contact.version


def test_closing_with_a_reason(hotline_operator):
    contact = contact_of(web_report())

    client_for(hotline_operator).post(
        reverse("hotline:close", args=[contact.pk]),
        {"version": contact.version, "reason": CloseReason.REFERRED},
    )

    stored = Contact.objects.get(pk=contact.pk)
    assert (stored.status, stored.close_reason) == (ContactStatus.CLOSED, CloseReason.REFERRED)
    assert stored.closed_at is not None


def test_merging_into_an_open_contact(hotline_operator, operator_factory):
    duplicate, original = contact_of(web_report()), contact_of(web_report())
    client = client_for(hotline_operator)

    client.post(
        reverse("hotline:merge", args=[duplicate.pk]),
        {"version": duplicate.version, "into": original.pk},
    )

    stored = Contact.objects.get(pk=duplicate.pk)
    assert (stored.status, stored.merged_into_id) == (ContactStatus.MERGED, original.pk)
    page = client.get(reverse("hotline:contact", args=[original.pk]))
    assert page.context["merged"] == [duplicate.pk]


@pytest.mark.parametrize("into", ["0", "abc", "999999", "self"])
def test_merging_into_nothing_sensible_is_refused(hotline_operator, into):
    contact = contact_of(web_report())

    response = client_for(hotline_operator).post(
        reverse("hotline:merge", args=[contact.pk]),
        {"version": contact.version, "into": contact.pk if into == "self" else into},
        follow=True,
    )

    assert response.status_code == 200
    assert Contact.objects.get(pk=contact.pk).status == ContactStatus.NEW


def test_reply_templates_are_edited_by_coordinators_only(hotline_operator, coordinator):
    url = reverse("hotline:template_new")
    data = {
        "title": "Первый ответ",
        "language": "ru",
        "body": "Спасибо, что написали.",
        "version": 0,
    }

    coordinator_client = client_for(coordinator)  # one login each: a TOTP code works once
    assert client_for(hotline_operator).post(url, data).status_code == 403
    response = coordinator_client.post(url, data)
    assert response.status_code == 302
    assert response.url == reverse("hotline:templates")  # type: ignore[attr-defined]
    assert ReplyTemplate.objects.get().body == "Спасибо, что написали."
    template = ReplyTemplate.objects.get()
    edit = reverse("hotline:template_edit", args=[template.pk])
    assert coordinator_client.post(edit, {**data, "body": "new"}).status_code == 302
    stale = coordinator_client.post(edit, {**data, "body": "stale", "version": 0})
    assert stale.status_code == 200  # shown again with the conflict message
    assert ReplyTemplate.objects.get().body == "new"


def test_open_case_link_appears_only_when_the_cases_app_provides_it(hotline_operator):
    contact = contact_of(web_report())

    response = client_for(hotline_operator).get(reverse("hotline:contact", args=[contact.pk]))

    assert response.status_code == 200  # no NoReverseMatch while cases is not merged


def test_the_cases_app_can_mark_a_contact_as_become_a_case(hotline_operator):
    from refuge.hotline.errors import ContactClosed

    contact = contact_of(web_report())

    services.mark_case_opened(contact=contact, operator=hotline_operator, case_id=7)

    assert Contact.objects.get(pk=contact.pk).status == ContactStatus.CASE_OPENED
    event = AuditEvent.objects.filter(action=AuditAction.RECORD_CHANGED).latest("sequence")
    assert event.details == {"change": "case_opened", "case": "7"}
    with pytest.raises(ContactClosed):
        services.mark_case_opened(contact=contact, operator=hotline_operator, case_id=8)
