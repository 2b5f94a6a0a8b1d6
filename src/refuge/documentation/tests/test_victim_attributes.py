"""Victims' gender (with "not stated") and age group: forms, imports, exports."""

from __future__ import annotations

import pytest
from django.urls import reverse

from refuge.documentation.choices import AgeGroup, Gender
from refuge.documentation.errors import MalformedImport
from refuge.documentation.models import Victim
from refuge.documentation.services.imports import import_organisation_list
from refuge.testing import log_in

pytestmark = pytest.mark.django_db
LIST = (
    "start_date,place,violation,victim,victim_gender,victim_age_group\n"
    "2017-03-01,Argun,arbitrary_detention,Person One,ж,34\n"
    "2017-03-01,Argun,beating,Person Two,not_stated,до 18\n"
    "2017-03-02,Argun,beating,Person Three,,\n"
).encode()


def test_an_imported_list_carries_gender_and_age_group(as_lawyer) -> None:
    import_organisation_list(actor=as_lawyer, organisation="Partner NGO", content=LIST)
    found = {(v.gender, v.age_group) for v in Victim.objects.all()}
    assert found == {
        (Gender.WOMAN, AgeGroup.AGE_30_49),
        (Gender.NOT_STATED, AgeGroup.MINOR),
        (Gender.UNKNOWN, AgeGroup.UNKNOWN),
    }


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [("victim_gender", "robot", "robot"), ("victim_age_group", "old", "old")],
)
def test_an_unknown_gender_or_age_refuses_the_list_with_the_line(
    as_lawyer, column, value, message
) -> None:
    content = (
        f"start_date,place,violation,victim,{column}\n2017-03-01,Argun,beating,Person,{value}\n"
    ).encode()
    with pytest.raises(MalformedImport, match=message):
        import_organisation_list(actor=as_lawyer, organisation="NGO", content=content)
    assert not Victim.objects.exists()


def test_the_victim_page_records_gender_and_age_group(client, lawyer, as_lawyer) -> None:
    import_organisation_list(actor=as_lawyer, organisation="Partner NGO", content=LIST)
    victim = Victim.objects.get(gender=Gender.UNKNOWN)
    log_in(client, lawyer)
    url = reverse("documentation:victim_attributes", args=[victim.pk])
    response = client.post(url, {"gender": "non_binary", "age_group": "50_plus"})
    assert response.status_code == 302
    victim.refresh_from_db()
    assert (victim.gender, victim.age_group) == ("non_binary", "50_plus")
    page = client.get(reverse("documentation:victim", args=[victim.pk])).content.decode()
    assert "Небинарн" in page or "Non-binary" in page
    bad = client.post(url, {"gender": "robot", "age_group": "50_plus"})
    assert bad.status_code == 302
    victim.refresh_from_db()
    assert victim.gender == "non_binary"  # refused with a message, nothing changed
    export = client.get(reverse("documentation:acts_export", args=["csv"])).content.decode()
    assert "non_binary" in export
    assert "50_plus" in export
