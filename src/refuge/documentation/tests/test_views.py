from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from refuge.accounts.roles import Role
from refuge.audit.models import AuditAction, AuditEvent
from refuge.core.middleware import request_limit_bytes
from refuge.documentation.models import Act, Event, Evidence, Perpetrator, Source, Victim
from refuge.testing import keyring_for, log_in, make_operator
from refuge.vault import api as vault

pytestmark = pytest.mark.django_db
EVENTS = reverse("documentation:events")
TESTIMONY = reverse("documentation:testimony")


def _form(**overrides):
    data = {
        "event_type": "detention_campaign",
        "title": "Car wash detentions",
        "description": "Taken at night.",
        "start_date": "2017-03-01",
        "end_date": "2017-03-02",
        "date_precision": "day",
        "place": "Аргун",
        "new_victims": "Ruslan Testov\nIslam Primerov",
        "violations": ["arbitrary_detention", "beating"],
        "new_perpetrator_name": "Police unit (fictional)",
        "new_perpetrator_kind": "unit",
        "new_perpetrator_affiliation": "police",
        "perpetrator_role": "direct",
        "source_kind": "testimony",
        "origin_name": "Witness Adam",
        "summary": "Saw it.",
        "received_on": "2017-04-01",
    }
    data.update(overrides)
    return data


@pytest.fixture
def lawyer_client(client, lawyer):
    log_in(client, lawyer)
    return client


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.LAWYER, 200),
        (Role.CASE_WORKER, 200),
        (Role.COORDINATOR, 200),
        (Role.OPERATOR, 403),
        (Role.ANALYST, 403),
    ],
)
def test_only_the_documentation_team_opens_the_pages(client, role, status) -> None:
    log_in(client, make_operator(f"user-{role}", role))

    for url in (EVENTS, TESTIMONY, reverse("documentation:acts"), reverse("documentation:places")):
        assert client.get(url).status_code == status


def test_anonymous_visitors_are_sent_to_log_in(client) -> None:
    assert client.get(EVENTS).status_code == 302


def test_the_testimony_form_records_event_acts_and_source(lawyer_client) -> None:
    response = lawyer_client.post(TESTIMONY, _form())

    event = Event.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("documentation:event", args=[event.pk])
    assert Act.objects.count() == 4
    assert Source.objects.count() == 1
    page = lawyer_client.get(response["Location"]).content.decode()
    assert "Ruslan" not in page  # victims appear by pseudonym on the event page
    assert "Witness Adam" in page
    assert "Police unit (fictional)" in page
    assert AuditEvent.objects.filter(
        action=AuditAction.RECORD_READ, target_type="documentation.Event", target_id=str(event.pk)
    ).exists()


def test_a_second_testimony_on_the_event_page_corroborates(lawyer_client) -> None:
    lawyer_client.post(
        TESTIMONY, _form(new_victims="Ruslan Testov", violations=["arbitrary_detention"])
    )
    event = Event.objects.get()
    victim = Victim.objects.get()
    perpetrator = Perpetrator.objects.get()

    response = lawyer_client.post(
        reverse("documentation:event_source", args=[event.pk]),
        {
            "victims": [victim.pk],
            "violations": ["arbitrary_detention"],
            "perpetrators": [perpetrator.pk],
            "new_perpetrator_kind": "unit",
            "new_perpetrator_affiliation": "unknown",
            "perpetrator_role": "direct",
            "source_kind": "organisation_report",
            "origin_name": "Partner NGO",
            "received_on": "2017-04-20",
        },
    )

    assert response.status_code == 302
    page = lawyer_client.get(response["Location"]).content.decode()
    assert Act.objects.count() == 1
    assert Source.objects.count() == 2
    assert "Подтверждено 2 независимыми источниками" in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"start_date": "2017-03-05", "end_date": "2017-03-01"}, "раньше даты начала"),
        (
            {
                "start_date": str(timezone.localdate() + timedelta(days=2)),
                "end_date": str(timezone.localdate() + timedelta(days=3)),
            },
            "будущем",
        ),
        ({"place": "Atlantis"}, "Неизвестное место"),
        ({"start_date": "2017-02-30"}, "Введите правильную дату"),
        ({"victim_pseudonyms": "V-9999", "new_victims": ""}, "V-9999"),
        ({"new_victims": "", "victim_pseudonyms": ""}, "хотя бы одного пострадавшего"),
        ({"violations": ["not-a-violation"]}, "Выберите корректный вариант"),
    ],
)
def test_bad_testimony_input_gets_a_message_and_stores_nothing(
    lawyer_client, overrides, message
) -> None:
    response = lawyer_client.post(TESTIMONY, _form(**overrides))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Event.objects.exists()
    assert not Victim.objects.exists()
    assert not Source.objects.exists()
    assert not Perpetrator.objects.exists()


def test_missing_records_are_404_not_500(lawyer_client) -> None:
    for name in ("event", "event_source"):
        assert lawyer_client.get(reverse(f"documentation:{name}", args=[999])).status_code == 404
    assert lawyer_client.get(reverse("documentation:victim", args=[999])).status_code == 404
    assert lawyer_client.get(reverse("documentation:evidence", args=[999])).status_code == 404
    assert lawyer_client.get(reverse("documentation:acts_export", args=["xml"])).status_code == 404


def _upload(client, event, content=b"photo bytes", name="a.jpg"):
    return client.post(
        reverse("documentation:evidence_upload", args=[event.pk]),
        {"file": SimpleUploadedFile(name, content), "description": "x"},
        follow=True,
    )


def test_uploading_the_same_file_twice_links_it(lawyer_client) -> None:
    lawyer_client.post(TESTIMONY, _form())
    event = Event.objects.get()

    first = _upload(lawyer_client, event)
    second = _upload(lawyer_client, event, name="copy.jpg")

    assert Evidence.objects.count() == 1
    assert "F-" in first.content.decode()
    assert "не сохранён повторно" in second.content.decode()


def test_upload_without_a_file_is_a_message(lawyer_client) -> None:
    lawyer_client.post(TESTIMONY, _form())
    event = Event.objects.get()

    response = lawyer_client.post(
        reverse("documentation:evidence_upload", args=[event.pk]), {"description": "x"}, follow=True
    )

    assert response.status_code == 200
    assert not Evidence.objects.exists()


def test_evidence_page_download_and_export_are_in_custody(lawyer_client) -> None:
    lawyer_client.post(TESTIMONY, _form())
    _upload(lawyer_client, Event.objects.get())
    evidence = Evidence.objects.get()

    page = lawyer_client.get(reverse("documentation:evidence", args=[evidence.pk]))
    download = lawyer_client.post(reverse("documentation:evidence_download", args=[evidence.pk]))
    export = lawyer_client.post(reverse("documentation:evidence_export", args=[evidence.pk]))

    assert page.status_code == 200
    assert "a.jpg" in page.content.decode()
    assert download.content == b"photo bytes"
    assert download["Content-Disposition"].startswith("attachment")
    assert export["Content-Type"] == "application/zip"
    assert list(evidence.custody.values_list("action", flat=True)) == [
        "added",
        "viewed",
        "exported",
    ]


def test_acts_filter_by_type_place_period_and_perpetrator(lawyer_client) -> None:
    lawyer_client.post(TESTIMONY, _form())
    lawyer_client.post(
        TESTIMONY,
        _form(
            place="Грозный",
            start_date="2017-05-01",
            end_date="2017-05-01",
            violations=["extortion"],
            new_victims="Other",
            new_perpetrator_name="",
        ),
    )
    perpetrator = Perpetrator.objects.get()
    acts = reverse("documentation:acts")

    def count(**query):
        return lawyer_client.get(acts, query).context["total"]

    assert count() == 5
    assert count(violation="beating") == 2
    assert count(place=Event.objects.get(place__name_en="Argun").place.parent_id) == 4
    assert count(date_from="2017-04-01") == 1
    assert count(perpetrator=perpetrator.pk) == 4
    assert count(date_from="2017-06-01", date_to="2017-01-01") == 5  # invalid: no filter, no 500
    assert lawyer_client.get(acts, {"date_from": "garbage"}).status_code == 200


def test_exports_name_only_victims_who_consented(lawyer_client) -> None:
    lawyer_client.post(TESTIMONY, _form())
    first = Victim.objects.order_by("pk").first()
    assert first is not None
    consenting = Victim.objects.get(pseudonym=first.pseudonym)
    lawyer_client.post(reverse("documentation:victim", args=[consenting.pk]), {"consents": "on"})

    csv_text = lawyer_client.get(reverse("documentation:acts_export", args=["csv"])).content
    json_doc = lawyer_client.get(reverse("documentation:acts_export", args=["json"])).json()

    text = csv_text.decode()
    assert "Ruslan Testov" in text
    assert "Islam Primerov" not in text
    assert "Police unit (fictional)" in text
    acts = json_doc["events"][0]["acts"]
    names = {act["victim"]["pseudonym"]: act["victim"]["name"] for act in acts}
    assert names[consenting.pseudonym] == "Ruslan Testov"
    assert sorted(names.values()) == ["", "Ruslan Testov"]
    assert json_doc["events"][0]["place"]["name_en"] == "Argun"
    assert "Taken at night" not in text
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == 2


def test_verify_form_marks_the_act_and_stale_version_is_a_message(lawyer_client) -> None:
    lawyer_client.post(TESTIMONY, _form(new_victims="Ruslan", violations=["beating"]))
    act = Act.objects.get()
    url = reverse("documentation:act_verify", args=[act.pk])

    ok = lawyer_client.post(url, {"reasoning": "Medical record.", "version": 1}, follow=True)
    stale = lawyer_client.post(url, {"reasoning": "Again.", "version": 1}, follow=True)
    empty = lawyer_client.post(url, {"reasoning": "", "version": 2}, follow=True)

    assert "Проверено" in ok.content.decode()
    assert stale.status_code == 200
    assert "изменил" in stale.content.decode()
    assert empty.status_code == 200


def test_custom_place_form(lawyer_client) -> None:
    from refuge.documentation.models import Place

    parent = Place.objects.get(code="argun-city")
    response = lawyer_client.post(
        reverse("documentation:places"),
        {
            "kind": "facility",
            "name_ru": "Комендатура",
            "name_en": "Commandant's office",
            "parent": parent.pk,
            "latitude": "43.29213",
            "longitude": "45.87251",
        },
    )

    assert response.status_code == 302
    assert str(Place.objects.get(name_en="Commandant's office").latitude) == "43.29213"
    bad = lawyer_client.post(
        reverse("documentation:places"),
        {"kind": "facility", "name_ru": "x", "name_en": "x", "parent": 99999},
    )
    assert bad.status_code == 200


def test_a_late_joiner_sees_a_notice_until_the_team_shares(client, lawyer) -> None:
    log_in(client, lawyer)
    client.post(TESTIMONY, _form())
    event = Event.objects.get()
    newcomer = make_operator("lawyer-new", Role.LAWYER)
    other = type(client)()
    log_in(other, newcomer)

    before = other.get(reverse("documentation:event", args=[event.pk]))
    client.post(reverse("documentation:event_share", args=[event.pk]))
    after = other.get(reverse("documentation:event", args=[event.pk]))

    assert before.status_code == 200
    assert "Witness Adam" not in before.content.decode()
    assert "Witness Adam" in after.content.decode()
    assert "Police unit (fictional)" in after.content.decode()


def test_every_read_of_the_event_page_is_audited_with_ids(lawyer_client) -> None:
    lawyer_client.post(TESTIMONY, _form())
    event = Event.objects.get()
    source = Source.objects.get()

    lawyer_client.get(reverse("documentation:event", args=[event.pk]))
    victim = Victim.objects.first()
    assert victim is not None
    lawyer_client.get(reverse("documentation:victim", args=[victim.pk]))

    reads = AuditEvent.objects.filter(action=AuditAction.RECORD_READ)
    assert reads.filter(target_type="documentation.Event", target_id=str(event.pk)).exists()
    assert reads.filter(target_type="documentation.Source", target_id=str(source.pk)).exists()
    assert reads.filter(target_type="documentation.Act").count() == Act.objects.count()
    assert reads.filter(target_type="documentation.Victim").exists()
    assert all("Ruslan" not in str(read.details) for read in reads)


def test_the_english_console_pages_work(lawyer_client) -> None:
    lawyer_client.post(TESTIMONY, _form())
    event = Event.objects.get()

    page = lawyer_client.get(f"/en{reverse('documentation:event', args=[event.pk])}")

    assert page.status_code == 200
    assert "Single source" in page.content.decode()


def test_an_evidence_file_over_the_limit_is_a_message(lawyer_client, settings) -> None:
    settings.DOCUMENTATION_MAX_EVIDENCE_BYTES = 100
    lawyer_client.post(TESTIMONY, _form())

    response = _upload(lawyer_client, Event.objects.get(), content=b"x" * 200)

    assert response.status_code == 200
    assert "больше" in response.content.decode()
    assert not Evidence.objects.exists()


def test_an_upload_beyond_the_in_memory_limit_is_refused_without_500(
    lawyer_client, settings
) -> None:
    # Over the in-memory limit but under the whole request's (core.middleware, which answers
    # 413 before reading a larger body): the file is dropped unread and the form says so.
    lawyer_client.post(TESTIMONY, _form())
    content = b"x" * (settings.FILE_UPLOAD_MAX_MEMORY_SIZE + 1024)
    assert len(content) + 10_000 < request_limit_bytes()

    response = _upload(lawyer_client, Event.objects.get(), content=content)

    assert response.status_code == 200
    assert "Выберите файл для загрузки (не больше" in response.content.decode()
    assert not Evidence.objects.exists()


def _edit(event, **overrides):
    data = {
        "event_type": "raid",
        "title": "Corrected",
        "description": "More detail.",
        "start_date": "2017-03-02",
        "end_date": "2017-03-04",
        "date_precision": "day",
        "place": "Grozny",
        "version": event.version,
    }
    data.update(overrides)
    return data


def test_an_event_is_corrected_and_a_stale_form_is_refused(lawyer_client, lawyer) -> None:
    lawyer_client.post(TESTIMONY, _form())
    event = Event.objects.get()
    url = reverse("documentation:event_edit", args=[event.pk])

    assert lawyer_client.get(url).status_code == 200
    saved = lawyer_client.post(url, _edit(event))
    stale = lawyer_client.post(url, _edit(event, title="Lost update"))

    event = Event.objects.get(pk=event.pk)
    assert saved.status_code == 302
    assert stale.status_code == 200
    assert "изменил" in stale.content.decode()
    assert event.version == 2
    assert event.place.name_en == "Grozny"
    with vault.activated(keyring_for(lawyer)):
        assert Event.objects.get(pk=event.pk).title == "Corrected"
    assert AuditEvent.objects.filter(
        action=AuditAction.RECORD_CHANGED, target_id=str(event.pk)
    ).exists()


@pytest.mark.parametrize(
    "overrides",
    [
        {"start_date": "2017-03-09", "end_date": "2017-03-01"},
        {"end_date": str(timezone.localdate() + timedelta(days=1))},
        {"place": "Nowhere"},
        {"version": "abc"},
    ],
)
def test_bad_corrections_change_nothing(lawyer_client, overrides) -> None:
    lawyer_client.post(TESTIMONY, _form())
    event = Event.objects.get()

    response = lawyer_client.post(
        reverse("documentation:event_edit", args=[event.pk]), _edit(event, **overrides)
    )

    event = Event.objects.get(pk=event.pk)
    assert response.status_code == 200
    assert event.version == 1
    assert event.place.name_en == "Argun"
