from __future__ import annotations

from refuge.audit.models import AuditEvent
from refuge.cases.models import Task, TaskKind
from refuge.cases.services.exposure import Exposure, record_exposure
from refuge.cases.services.opening import open_case_from_contact
from refuge.cases.services.persons import save_person
from refuge.cases.tests.conftest import acting_as, report_contact


def test_exposure_opens_an_anonymous_urgent_warning_for_each_known_person(
        case, worker, colleague, outsider) -> None:
    with acting_as(worker):
        other_contact = report_contact("I am hiding at a friend's.")
        other_case = open_case_from_contact(contact_id=other_contact.pk, opened_by=worker,
                                            pseudonym="Kestrel", case_workers=[outsider])
        save_person(case=other_case, person=other_case.persons.get(), pseudonym="Kestrel",
                    legal_name="Ruslan Aliev", phone="+7 928 000-11-22", contact_details="",
                    saved_by=worker)
        source = case.persons.get()
        save_person(case=case, person=source, pseudonym="Swallow", legal_name="Islam Dudaev",
                    phone="+7 999 123-45-67", contact_details="", saved_by=worker)
        report = record_exposure(recorded_by=worker, exposure=Exposure(
            case=case, person=source, cause="detained", exposed_names=True,
            exposed_numbers=True, exposed_chats=False, exposed_photos=False,
            details="Phone taken at a checkpoint, unlocked under threat",
            identifiers=[("phone", "8 (928) 000 11 22"), ("name", "ruslan  aliev"),
                         ("phone", "+7 999 123-45-67"), ("name", "Nobody Known")]))

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
        report = record_exposure(recorded_by=worker, exposure=Exposure(
            case=case, person=None, cause="phone_lost", exposed_names=False,
            exposed_numbers=True, exposed_chats=True, exposed_photos=True, details="",
            identifiers=[("phone", "+49 30 1234567")]))
    assert report.warnings_opened == 0
    assert not Task.objects.exists()
