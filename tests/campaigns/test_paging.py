"""Long tables: a page shows 50 rows, htmx swaps in the next ones, Excel keeps every row."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from hotich.campaigns.models import BookAssignment, Team
from hotich.campaigns.tables import PAGE_SIZE, Column, Table
from hotich.registers.models import RegisterBook

PAGES = [  # rows, page asked, (page shown, rows shown)
    (0, 1, (1, 0)),
    (PAGE_SIZE, 1, (1, PAGE_SIZE)),
    (PAGE_SIZE + 1, 2, (2, 1)),
    (PAGE_SIZE + 1, 9, (2, 1)),  # past the end: the last page
    (PAGE_SIZE + 1, "x", (1, PAGE_SIZE)),
]


@pytest.mark.parametrize(("rows", "asked", "shown"), PAGES)
def test_a_table_is_cut_into_pages(rows, asked, shown):
    table = Table("t", "T", [Column("n", numeric=True)], [[i] for i in range(rows)])
    page = table.paged(asked)
    assert (page.page.number, len(page.rows)) == shown
    assert len(table.rows) == rows  # the whole table is left as it was


@pytest.fixture
def many_books(campaign, units):
    """A team of the campaign with 60 books assigned: more than one page."""
    team = Team.objects.create(campaign=campaign, commune=units["commune"], name="Tổ 1")
    for i in range(60):
        book = RegisterBook.objects.create(
            commune=units["commune"],
            register_type="KT",
            year_from=1950 + i,
            year_to=1950 + i,
            volume=f"{i + 1:02d}/{1950 + i}",
        )
        BookAssignment.objects.create(campaign=campaign, team=team, book=book)
    return team


def test_the_campaign_page_shows_one_page_and_htmx_fetches_the_next(
    many_books, campaign, personas, login
):
    client = login(personas["supervisor"])
    html = client.get(f"/ke-hoach/{campaign.pk}/").content.decode()
    section = html.split('data-testid="table-so-giao-to"')[1].split("</section>")[0]
    assert section.count("<tr>") == PAGE_SIZE + 1  # header + one page
    assert f'hx-get="/ke-hoach/{campaign.pk}/bang/so-giao-to/?page=2"' in section
    fragment = client.get(
        f"/ke-hoach/{campaign.pk}/bang/so-giao-to/?page=2", headers={"HX-Request": "true"}
    ).content.decode()
    assert fragment.startswith('<section class="card" id="table-so-giao-to"')
    assert fragment.count("<tr>") == 60 - PAGE_SIZE + 1 and "<html" not in fragment
    assert "Trang 2/2" in fragment and "1950" not in fragment and "2009" in fragment
    # Without JavaScript the link opens the page of its own.
    page = client.get(f"/ke-hoach/{campaign.pk}/bang/so-giao-to/?page=2").content.decode()
    assert "<html" in page and "Trang 2/2" in page
    rows = list(
        load_workbook(
            BytesIO(client.get(f"/ke-hoach/{campaign.pk}/bang/so-giao-to.xlsx").content)
        ).active.values
    )
    assert len(rows) == 3 + 60


def test_table_pages_are_scoped_like_their_page(campaign, personas, units, login):
    assert (
        login(personas["outsider_supervisor"])
        .get(f"/ke-hoach/{campaign.pk}/bang/chi-tieu/")
        .status_code
        == 403
    )
    assert (
        login(personas["justice_officer"])
        .get(f"/tien-do/{units['province'].pk}/bang/xep-hang/")
        .status_code
        == 403
    )
    client = login(personas["supervisor"])
    assert client.get(f"/tien-do/{units['province'].pk}/bang/khong-co/").status_code == 404
    page = client.get(
        f"/tien-do/{units['province'].pk}/bang/nang-suat-ca/", headers={"HX-Request": "true"}
    ).content.decode()
    assert "Ca 1" in page and 'id="table-nang-suat-ca"' in page


def test_a_team_has_its_own_page_with_its_members_and_books(many_books, personas, login):
    team = many_books
    client = login(personas["justice_officer"])
    page = client.get(f"/to/{team.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="member-form"' in html and 'data-testid="book-form"' in html
    shift = team.campaign.shifts.get(name="Ca 1")
    response = client.post(
        f"/to/{team.pk}/thanh-vien/",
        {"member": personas["helper"].pk, "part": "helper", "shifts": [shift.pk]},
    )
    assert response.url == f"/to/{team.pk}/"
    html = client.get(f"/to/{team.pk}/").content.decode()
    assert str(personas["helper"]) in html and "Ca 1 (06:00–12:00)" in html
    # An inspector reads the team but gets no forms; an outsider gets nothing.
    html = login(personas["inspector"]).get(f"/to/{team.pk}/").content.decode()
    assert str(personas["helper"]) in html and 'data-testid="member-form"' not in html
    assert login(personas["outsider"]).get(f"/to/{team.pk}/").status_code == 403


def test_the_campaign_page_links_each_team_instead_of_its_forms(
    many_books, campaign, personas, login
):
    html = login(personas["supervisor"]).get(f"/ke-hoach/{campaign.pk}/").content.decode()
    assert f'href="/to/{many_books.pk}/"' in html
    assert 'data-testid="member-form"' not in html
