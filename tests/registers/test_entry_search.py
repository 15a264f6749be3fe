"""Tìm trường hợp: keyed entries found by name (tone-insensitive), personal ID, entry number
or date, across the books the user may see; another commune's entries never appear."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hotich.audit.models import AuditEvent
from hotich.keying.models import EntryWork
from hotich.registers.models import Entry
from hotich.registers.search import QueryKind, entry_query_parse
from hotich.registers.services import entry_create

PID = "038208004321"


@pytest.mark.parametrize(
    ("typed", "kind", "value"),
    [
        ("", QueryKind.NONE, None),
        ("   ", QueryKind.NONE, None),
        (PID, QueryKind.ID_NUMBER, PID),
        ("123456789", QueryKind.ID_NUMBER, "123456789"),
        ("7", QueryKind.ENTRY_NUMBER, (7, None)),
        ("07/2008", QueryKind.ENTRY_NUMBER, (7, 2008)),
        ("08/2008", QueryKind.ENTRY_NUMBER, (8, 2008)),  # the book's notation, not a month
        ("27/08/2008", QueryKind.DATE, "2008-08-27"),
        ("27.8.2008", QueryKind.DATE, "2008-08-27"),
        ("31/02/2008", QueryKind.BAD_DATE, None),
        ("nguyen thi phuong", QueryKind.NAME, "nguyen thi phuong"),
        ("NGUYỄN  Thị Phượng", QueryKind.NAME, "nguyen thi phuong"),
        ("Lý", QueryKind.NAME, "li"),
    ],
)
def test_the_box_reads_what_was_typed(typed, kind, value):
    query = entry_query_parse(typed)
    assert query.kind is kind
    if kind is QueryKind.ID_NUMBER or kind is QueryKind.NAME:
        assert query.text == value
    elif kind is QueryKind.ENTRY_NUMBER:
        assert (query.number, query.year) == value
    elif kind is QueryKind.DATE:
        assert query.date.isoformat() == value


@pytest.fixture
def keyed(book, other_book, personas):
    """Entries of commune A, and one of commune B naming the same people."""
    common = {"meHoTen": "Lê Thị Hoà", "chaHoTen": "Nguyễn Văn Hùng"}
    made = {
        "phuong": entry_create(
            book=book,
            user=personas["helper"],
            year=2008,
            number=7,
            registration_date="27/08/2008",
            values={"nksHoTen": "Nguyễn Thị Phượng", "nksSoDinhDanh": PID, **common},
        ),
        "hoang": entry_create(
            book=book,
            user=personas["helper"],
            year=2008,
            number=8,
            values={"nksHoTen": "Hoàng Văn Nam", "nksNgaySinh": "27/08/2008"},
        ),
        "elsewhere": entry_create(
            book=other_book,
            user=personas["outsider"],
            year=2008,
            number=7,
            registration_date="27/08/2008",
            values={"nksHoTen": "Nguyễn Thị Phượng", "nksSoDinhDanh": PID, **common},
        ),
    }
    return made


def _found(client, q):
    response = client.get(reverse("entry_search"), {"q": q})
    assert response.status_code == 200
    return {e.pk for e in response.context["page"]}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("Nguyễn Thị Phượng", {"phuong"}),
        ("nguyen thi phuong", {"phuong"}),  # typed without diacritics
        ("Phuong", {"phuong"}),
        ("le thi hoa", {"phuong"}),  # the mother finds her child's birth
        ("Hoa", {"phuong"}),  # a whole word: "Hoàng" is not "Hoà"
        ("hoang", {"hoang"}),
        ("Thi Phuong Nguyen", set()),
        (PID, {"phuong"}),
        ("07/2008", {"phuong"}),
        ("8", {"hoang"}),
        ("07/2009", set()),
        ("27/08/2008", {"phuong", "hoang"}),  # registered that day; born that day
        ("31/02/2008", set()),
        ("", set()),
    ],
)
def test_entries_are_found_by_name_id_number_or_date_within_the_users_books(
    q, expected, keyed, personas, login
):
    client = login(personas["justice_officer"])
    assert _found(client, q) == {keyed[k].pk for k in expected}


@pytest.mark.parametrize("q", ["Nguyễn Thị Phượng", PID, "07/2008", "27/08/2008"])
def test_another_communes_entries_never_appear(q, keyed, personas, login):
    found = _found(login(personas["outsider"]), q)
    assert found == {keyed["elsewhere"].pk}
    html = login(personas["outsider"]).get(reverse("entry_search"), {"q": q}).content.decode()
    assert reverse("entry_detail", args=[keyed["phuong"].pk]) not in html


def test_a_province_supervisor_finds_both_communes(keyed, personas, login):
    found = _found(login(personas["supervisor"]), "Nguyễn Thị Phượng")
    assert found == {keyed["phuong"].pk, keyed["elsewhere"].pk}


def test_a_result_shows_the_subject_and_the_person_found(keyed, personas, login):
    html = login(personas["justice_officer"]).get(reverse("entry_search"), {"q": "le thi hoa"})
    text = html.content.decode()
    assert "Nguyễn Thị Phượng" in text  # the summary: the child
    assert "Mẹ: Lê Thị Hoà" in text  # who the query found
    assert "nhaplieu" not in text.split('data-testid="search-results"')[1]


def test_an_entry_waiting_for_its_blind_second_keying_shows_no_names(keyed, personas, login):
    entry = keyed["phuong"]
    EntryWork.objects.create(
        entry=entry, first_keyer=personas["justice_officer"], verification="waiting"
    )
    html = login(personas["helper"]).get(reverse("entry_search"), {"q": PID}).content.decode()
    rows = html.split('data-testid="search-results"')[1]
    assert "(chờ nhập lần hai)" in rows and "Nguyễn Thị Phượng" not in rows


def test_a_date_that_does_not_exist_is_said(personas, login, db):
    html = login(personas["justice_officer"]).get(reverse("entry_search"), {"q": "31/02/2008"})
    assert html.status_code == 200 and 'role="alert"' in html.content.decode()


def test_an_id_finds_the_people_reconciled_with_its_citizen(keyed, personas, login, units):
    from hotich.registers.models import EntryPerson
    from hotich.registry.models import Citizen

    citizen = Citizen.objects.create(personal_id="038075279229", full_name="Hoàng Văn Nam", sex="1")
    EntryPerson.objects.filter(entry=keyed["hoang"], role="subject").update(citizen=citizen)
    found = _found(login(personas["justice_officer"]), "038075279229")
    assert found == {keyed["hoang"].pk}


def test_a_search_is_audited_with_what_it_found(keyed, personas, login):
    login(personas["justice_officer"]).get(reverse("entry_search"), {"q": PID})
    event = AuditEvent.objects.get(object_type="entrysearch")
    assert event.changes["entries"][1] == [keyed["phuong"].pk]
    assert PID in event.object_repr


def test_the_search_box_is_in_the_navigation(personas, login, db):
    html = login(personas["police_officer"]).get(reverse("home")).content.decode()
    assert f'action="{reverse("entry_search")}"' in html and 'data-testid="nav-search"' in html


def _queries(client, q):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("entry_search"), {"q": q})
    assert response.status_code == 200
    return len(captured), len(response.context["page"].object_list)


@pytest.mark.parametrize("q", ["Nguyễn Văn", "01/2008"])
def test_the_results_page_asks_a_fixed_number_of_queries(q, book, personas, login):
    def add(n, start):
        for i in range(n):
            entry_create(
                book=book,
                user=personas["helper"],
                year=2008,
                number=1 if q == "01/2008" else start + i,
                values={"nksHoTen": f"Nguyễn Văn {start + i}", "meHoTen": "Lê Thị Hoà"},
            )

    client = login(personas["justice_officer"])
    add(2, 100)
    _queries(client, q)  # warms the per-process caches
    few, rows_few = _queries(client, q)
    add(6, 200)
    many, rows_many = _queries(client, q)
    assert rows_many > rows_few
    assert many == few
    assert Entry.objects.count() == 8
