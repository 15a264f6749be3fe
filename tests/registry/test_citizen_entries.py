"""A citizen's page links to the entries that name them (linked by the reconciliation, or
written with their personal ID), among the entries the viewer may see."""

import pytest
from django.urls import reverse

from hotich.registers.models import EntryPerson
from hotich.registers.services import entry_create
from hotich.registry.models import Citizen

PID = "038208004321"


@pytest.fixture
def citizen(units):
    return Citizen.objects.create(
        personal_id=PID,
        full_name="Nguyễn Thị Phượng",
        name_key="nguyen thi phuong",
        sex="2",
        birthplace_unit=units["commune"],
    )


@pytest.fixture
def naming(citizen, book, other_book, personas, entry):
    """The fixture's birth, linked to CITIZEN; her marriage, written with her ID; a birth
    of another commune where she is the mother, linked; and an unrelated birth."""
    EntryPerson.objects.filter(entry=entry, role="subject").update(citizen=citizen)
    marriage_book = book.__class__.objects.create(
        commune=book.commune, register_type="KH", year_from=2030, year_to=2030, volume="01/2030"
    )
    marriage = entry_create(
        book=marriage_book,
        user=personas["helper"],
        year=2030,
        number=3,
        values={
            "chongHoTen": "Trần Văn Bình",
            "voHoTen": "Nguyễn Thị Phượng",
            "voSoGiayToTuyThan": PID,
        },
    )
    elsewhere = entry_create(
        book=other_book,
        user=personas["outsider"],
        year=2032,
        number=5,
        values={"nksHoTen": "Trần Minh Khôi", "meHoTen": "Nguyễn Thị Phượng"},
    )
    EntryPerson.objects.filter(entry=elsewhere, role="mother").update(citizen=citizen)
    unrelated = entry_create(
        book=book, user=personas["helper"], year=2008, number=9, values={"nksHoTen": "Lê Văn Tám"}
    )
    return {"birth": entry, "marriage": marriage, "elsewhere": elsewhere, "unrelated": unrelated}


def _linked(html, entries):
    return {k for k, e in entries.items() if reverse("entry_detail", args=[e.pk]) in html}


def _section(response):
    assert response.status_code == 200
    return response.content.decode().split('data-testid="citizen-entries"')[1]


def test_the_page_links_the_entries_naming_the_citizen_in_the_viewers_area(naming, personas, login):
    section = _section(
        login(personas["justice_officer"]).get(reverse("citizen_detail", args=[PID]))
    )
    assert _linked(section, naming) == {"birth", "marriage"}
    assert "Người được đăng ký" in section and "Vợ" in section


def test_a_province_supervisor_sees_the_entries_of_every_commune(naming, personas, login):
    section = _section(login(personas["supervisor"]).get(reverse("citizen_detail", args=[PID])))
    assert _linked(section, naming) == {"birth", "marriage", "elsewhere"}
    assert "Mẹ" in section


def test_a_purpose_opens_the_record_not_another_areas_books(naming, units, login):
    from hotich.accounts.models import Role, User

    far = User.objects.create(
        username="tuphap_vinh", role=Role.JUSTICE_OFFICER, unit=units["other_commune"]
    )
    client = login(far)
    assert client.get(reverse("citizen_detail", args=[PID])).status_code == 403
    response = client.post(
        reverse("citizen_detail", args=[PID]),
        {"purpose": "Xác minh hồ sơ theo công văn số 12 của Sở Tư pháp"},
    )
    section = _section(response)
    assert _linked(section, naming) == set()
    assert "Không có trường hợp nào" in section


def test_the_page_asks_a_fixed_number_of_queries(naming, personas, login, book):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(personas["justice_officer"])
    url = reverse("citizen_detail", args=[PID])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(20, 24):
        e = entry_create(
            book=book,
            user=None,
            year=2008,
            number=n,
            values={"nksHoTen": "Nguyễn Thị Phượng", "nksSoDinhDanh": PID},
        )
        assert e.people.get(role="subject").personal_id == PID
    with CaptureQueriesContext(connection) as many:
        section = _section(client.get(url))
    assert section.count("/truong-hop/") == 6
    assert len(many) == len(few)
