"""The list pages ask the database a fixed number of questions, whatever their row count.

Each page is rendered with N rows and again with 3N rows (fewer than a page of either): the
query counts must be equal, so a row never costs a query of its own (no N+1).
"""

from collections.abc import Callable
from itertools import count

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hotich.campaigns.services import snapshot_refresh
from hotich.places.models import AdministrativeUnit
from hotich.reconciliation.models import TrackingCase
from hotich.registers.models import EntryStatus, RegisterBook
from hotich.registers.services import entry_create

N = 3
_numbers = count(1)


def queries(client, url: str) -> tuple[int, int]:
    """Return the number of queries of a GET of URL and the length of the page."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured), len(response.content)


def assert_flat(client, url: str, add_rows: Callable[[int], None]) -> None:
    add_rows(N)
    queries(client, url)  # the first request warms the per-process caches (places, session)
    few, short = queries(client, url)
    add_rows(2 * N)
    many, long = queries(client, url)
    assert long > short, f"{url}: the added rows are not on the page"
    assert many == few, f"{url}: the query count grows with the rows"


def entries(book, personas, n, status=EntryStatus.KEYED):
    users = [personas["justice_officer"], personas["helper"]]
    return [
        entry_create(
            book=book,
            user=users[i % 2],
            year=2008,
            number=next(_numbers),
            page=1 + i,
            values={"nksHoTen": f"Người số {i}", "meHoTen": "Lê Thị Hoà"},
            status=status,
        )
        for i in range(n)
    ]


def books(units, personas, n, *, communes=False):
    """Add N books of two entries each: in commune A, or each in a new commune (COMMUNES)."""
    for _ in range(n):
        volume = next(_numbers)
        commune = units["commune"]
        if communes:
            commune = AdministrativeUnit.objects.create(
                code=f"{17000 + volume}",
                name=f"Xã số {volume}",
                type_name="Xã",
                level="commune",
                period=AdministrativeUnit.Period.CURRENT,
                parent=units["province"],
                province_code="38",
            )
        book = RegisterBook.objects.create(
            commune=commune,
            historical_unit=units["old_commune"],
            register_type="KS",
            year_from=2008,
            year_to=2008,
            volume=f"{volume:02d}/2008",
            expected_cases=20,
        )
        entries(book, personas, 2)
    snapshot_refresh(communes=AdministrativeUnit.objects.filter(level="commune"))


def test_the_tracking_list(client, personas, book, units):
    def add(n):
        for entry in entries(book, personas, n):
            person = entry.people.get(role="subject")
            TrackingCase.objects.create(
                entry=entry,
                role="subject",
                person=person,
                full_name=person.full_name,
                commune=units["commune"],
                personal_id="038208004321",
                fields=[
                    {"field": "ethnicity", "label": "Dân tộc", "book": "Kinh", "registry": "Mường"}
                ],
                assignee=personas["police_officer"],
                opened_by=personas["justice_officer"],
            )

    client.force_login(personas["justice_officer"])
    assert_flat(client, reverse("tracking_list"), add)


def test_the_keying_work_queue(client, personas, units):
    client.force_login(personas["helper"])
    assert_flat(client, reverse("keying_queue"), lambda n: books(units, personas, n))


def test_the_book_page(client, personas, book):
    client.force_login(personas["justice_officer"])
    assert_flat(
        client, reverse("book_detail", args=[book.pk]), lambda n: entries(book, personas, n)
    )


@pytest.mark.parametrize("level", ["commune", "province"])
def test_the_campaign_dashboard(level, client, personas, units):
    client.force_login(personas["supervisor"])
    url = reverse("campaigns:dashboard", args=[units[level].pk])
    # A commune's rows are its books; a province's rows are its communes.
    assert_flat(client, url, lambda n: books(units, personas, n, communes=level == "province"))
