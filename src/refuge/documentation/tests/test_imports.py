from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from refuge.documentation.errors import MalformedImport
from refuge.documentation.models import Act, Event, Perpetrator, Source, Victim
from refuge.documentation.services.imports import import_organisation_list
from refuge.testing import log_in

pytestmark = pytest.mark.django_db
GOOD = (
    "start_date,end_date,place,violation,victim,perpetrator\n"
    "2017-03-01,2017-03-05,Argun,arbitrary_detention,Person One,Police unit X\n"
    "2017-03-01,2017-03-05,Аргун,beating,Person One,Police unit X\n"
    "2017-04-10,,Grozny,abduction,Person Two,\n"
).encode()


def _nothing_stored() -> bool:
    return not any(model.objects.exists() for model in (Event, Victim, Source, Act, Perpetrator))


def test_a_good_list_becomes_events_acts_and_one_source(as_lawyer) -> None:
    result = import_organisation_list(actor=as_lawyer, organisation="Partner NGO", content=GOOD)

    assert result.events == 2
    assert result.acts == 3
    assert Victim.objects.count() == 2
    assert Perpetrator.objects.count() == 1
    assert Source.objects.get().kind == "organisation_report"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Не хватает столбцов"),
        (b"\xff\xfe\x00garbage", "UTF-8"),
        (b"start_date,place\n2017-01-01,Argun\n", "violation"),
        (GOOD + b"2017-13-01,,Argun,beating,Person Three,\n", "строка 5"),
        (GOOD + b"2017-03-05,2017-03-01,Argun,beating,P,\n", "раньше даты начала"),
        (GOOD + b"2099-03-05,,Argun,beating,P,\n", "будущем"),
        (GOOD + b"2017-03-05,,Atlantis,beating,P,\n", "Atlantis"),
        (GOOD + b"2017-03-05,,Argun,dancing,P,\n", "dancing"),
        (GOOD + b"2017-03-05,,Argun,beating,,\n", "пострадавш"),
        (b"start_date,place,violation,victim\n", "нет строк"),
        (b"start_date,place,violation,victim\n2017-01-01,Ar\x00gun,beating,x\n", "CSV"),
    ],
)
def test_a_malformed_list_is_refused_whole_with_a_message(as_lawyer, content, message) -> None:
    with pytest.raises(MalformedImport) as refused:
        import_organisation_list(actor=as_lawyer, organisation="Partner NGO", content=content)

    assert message in str(refused.value)
    assert _nothing_stored()


def test_the_import_page_shows_errors_and_never_500s(client, lawyer) -> None:
    log_in(client, lawyer)
    url = reverse("documentation:import")

    bad = client.post(
        url, {"organisation": "NGO", "file": SimpleUploadedFile("l.csv", GOOD + b"x,y,z\n")}
    )
    good = client.post(url, {"organisation": "NGO", "file": SimpleUploadedFile("l.csv", GOOD)})

    assert bad.status_code == 200
    assert "Ничего не импортировано" in bad.content.decode()
    assert good.status_code == 302
    assert Act.objects.count() == 3


def test_the_testimony_form_takes_the_contact_from_the_link(client, lawyer) -> None:
    log_in(client, lawyer)

    page = client.get(reverse("documentation:testimony"), {"contact": "42", "case": "x"})

    assert 'value="42"' in page.content.decode()
