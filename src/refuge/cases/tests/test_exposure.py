from __future__ import annotations

from refuge.audit.models import AuditEvent
from refuge.cases.models import ExposureCause, Task, TaskKind
from refuge.cases.services.exposure import Exposure, record_exposure
from refuge.cases.services.opening import open_case_from_contact
from refuge.cases.services.persons import save_person
from refuge.cases.tests.conftest import acting_as, report_contact


def test_exposure_opens_an_anonymous_urgent_warning_for_each_known_person(
    case, worker, colleague, outsider
) -> None:
    with acting_as(worker):
        other_contact = report_contact("I am hiding at a friend's.")
        other_case = open_case_from_contact(
            contact_id=other_contact.pk,
            opened_by=worker,
            pseudonym="Kestrel",
            case_workers=[outsider],
        )
        save_person(
            case=other_case,
            person=other_case.persons.get(),
            pseudonym="Kestrel",
            legal_name="Ruslan Aliev",
            phone="+7 928 000-11-22",
            contact_details="",
            saved_by=worker,
        )
        source = case.persons.get()
        save_person(
            case=case,
            person=source,
            pseudonym="Swallow",
            legal_name="Islam Dudaev",
            phone="+7 999 123-45-67",
            contact_details="",
            saved_by=worker,
        )
        report = record_exposure(
            recorded_by=worker,
            exposure=Exposure(
                case=case,
                person=source,
                cause=ExposureCause.DETAINED,
                exposed_names=True,
                exposed_numbers=True,
                exposed_chats=False,
                exposed_photos=False,
                details="Phone taken at a checkpoint, unlocked under threat",
                identifiers=[
                    ("phone", "8 (928) 000 11 22"),
                    ("name", "ruslan  aliev"),
                    ("phone", "+7 999 123-45-67"),
                    ("name", "Nobody Known"),
                ],
            ),
        )

    assert report.warnings_opened == 1  # the source's own number is not a target
    warning = Task.objects.get(kind=TaskKind.EXPOSURE_WARNING)
    assert warning.case == other_case
    assert warning.is_urgent
    assert warning.owner == worker
    with acting_as(outsider):
        title = Task.objects.get(pk=warning.pk).title
    assert "Urgent" in title
    for revealing in ("Swallow", "Islam", case.reference, "detained", "checkpoint"):
        assert revealing not in title
    event = AuditEvent.objects.get(target_type="cases.Task", target_id=str(warning.pk))
    assert event.actor_id is None
    assert set(event.details) == {"kind"}


def test_exposure_without_matches_opens_nothing(case, worker) -> None:
    with acting_as(worker):
        report = record_exposure(
            recorded_by=worker,
            exposure=Exposure(
                case=case,
                person=None,
                cause=ExposureCause.PHONE_LOST,
                exposed_names=False,
                exposed_numbers=True,
                exposed_chats=True,
                exposed_photos=True,
                details="",
                identifiers=[("phone", "+49 30 1234567")],
            ),
        )
    assert report.warnings_opened == 0
    assert not Task.objects.exists()


def _hotline_person(owner, *, number: str, pseudonym: str = "Heron"):
    from refuge.hotline import services as hotline
    from refuge.hotline.models import IdentifierKind

    with acting_as(owner):
        profile = hotline.create_profile(operator=owner, pseudonym=pseudonym)
        hotline.add_profile_identifier(
            operator=owner, profile=profile, kind=IdentifierKind.PHONE, value=number
        )
    return profile


def test_exposure_alerts_hotline_profiles_and_web_reporters_without_naming_the_source(
    case, worker, outsider
) -> None:
    from django.test import Client
    from django.urls import reverse

    from refuge.hotline.models import ExposureAlert
    from refuge.hotline.services import index_contact_line
    from refuge.intake.models import ReporterKind, Urgency
    from refuge.intake.services import submit_report
    from refuge.testing import log_in

    profile = _hotline_person(worker, number="+7 900 111-22-33")
    reporter = submit_report(
        body="Помогите",
        reporter_kind=ReporterKind.OTHER,
        urgency=Urgency.HIDING,
        contact_instructions="звонить 8 900 444 55 66",
    ).thread.contact
    with acting_as(worker):
        index_contact_line(contact=reporter, operator=worker)  # its first reader did this
        source = case.persons.get()
        save_person(
            case=case,
            person=source,
            pseudonym="Swallow",
            legal_name="",
            phone="+7 999 123-45-67",
            contact_details="",
            saved_by=worker,
        )
        report = record_exposure(
            recorded_by=worker,
            exposure=Exposure(
                case=case,
                person=source,
                cause=ExposureCause.PHONE_LOST,
                exposed_names=False,
                exposed_numbers=True,
                exposed_chats=True,
                exposed_photos=False,
                details="Phone seized at the border",
                identifiers=[
                    ("phone", "8 900 111 22 33"),
                    ("phone", "+79004445566"),
                    ("phone", "+7 999 123-45-67"),
                ],
            ),
        )

    assert report.warnings_opened == 2
    alerts = ExposureAlert.objects.order_by("pk")
    assert [(a.profile_id, a.contact_id) for a in alerts] == [
        (profile.pk, None),
        (None, reporter.pk),
    ]
    assert not Task.objects.filter(kind=TaskKind.EXPOSURE_WARNING).exists()
    for alert in alerts:
        event = AuditEvent.objects.get(target_type="hotline.ExposureAlert", target_id=str(alert.pk))
        assert (event.actor_id, event.details) == (None, {"kind": "exposure"})
    client = Client()
    log_in(client, worker)
    queue = client.get(reverse("hotline:queue")).content.decode()
    page = client.get(reverse("hotline:contact", args=[reporter.pk])).content.decode()
    for html in (queue, page):
        assert "may be in hostile hands" in html
        for revealing in (case.reference, "Swallow", "border", "seized"):
            assert revealing not in html
    client.post(reverse("hotline:resolve_alert", args=[alerts[1].pk]))
    assert ExposureAlert.objects.get(pk=alerts[1].pk).resolved_by == worker
    outsider_client = Client()
    log_in(outsider_client, outsider)  # cannot read the profile: cannot touch its alert
    assert (
        outsider_client.post(reverse("hotline:resolve_alert", args=[alerts[0].pk])).status_code
        == 404
    )


def test_the_source_s_own_hotline_records_are_not_alerted(worker) -> None:
    from refuge.hotline import services as hotline
    from refuge.hotline.models import ExposureAlert, IdentifierKind

    with acting_as(worker):
        other = report_contact("My friend was taken")
        source_case = open_case_from_contact(contact_id=other.pk, opened_by=worker, pseudonym="Owl")
        profile = hotline.create_profile(operator=worker, pseudonym="Owl", contact=other)
        hotline.add_profile_identifier(
            operator=worker, profile=profile, kind=IdentifierKind.PHONE, value="+7 901 000 00 01"
        )
        report = record_exposure(
            recorded_by=worker,
            exposure=Exposure(
                case=source_case,
                person=None,
                cause=ExposureCause.DETAINED,
                exposed_names=False,
                exposed_numbers=True,
                exposed_chats=False,
                exposed_photos=False,
                details="",
                identifiers=[("phone", "+7 901 000 00 01")],
            ),
        )

    assert report.warnings_opened == 0
    assert not ExposureAlert.objects.exists()
