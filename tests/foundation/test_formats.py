"""Numbers are grouped the Vietnamese way (1.234.567) and dates shown dd/mm/yyyy, through
Django's formats (hotich/core/formats); identifiers are never grouped: personal IDs, entry
numbers, years, keys in URLs and forms, exported files."""

import datetime
import io

import openpyxl
import pytest
from django import forms
from django.core.management.color import no_style
from django.db import connection
from django.template import engines
from django.urls import reverse
from django.utils import formats, translation

from hotich.registers.models import Entry, EntryStatus, RegisterBook
from hotich.registers.services import entry_create
from hotich.registers.spec import header_key

PID = "038208004321"


def render(text: str, **context) -> str:
    return engines["django"].from_string(text).render(context)


@pytest.mark.parametrize(
    ("template", "context", "shown"),
    [
        ("{{ n }}", {"n": 1234567}, "1.234.567"),
        ("{{ n }}", {"n": 999}, "999"),
        ("{{ x }}", {"x": 1234.5}, "1.234,5"),
        ("{{ d }}", {"d": datetime.date(2008, 8, 27)}, "27/08/2008"),
        ("{{ d|date:'SHORT_DATE_FORMAT' }}", {"d": datetime.date(2008, 8, 7)}, "07/08/2008"),
        ("{% load l10n %}{{ n|unlocalize }}", {"n": 2008}, "2008"),
        ('{{ n|stringformat:"d" }}', {"n": 123456}, "123456"),
    ],
)
def test_numbers_and_dates_are_shown_the_vietnamese_way(template, context, shown):
    with translation.override("vi"):
        assert render(template, **context) == shown


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("27/08/2008", datetime.date(2008, 8, 27)),
        ("07/08/2008", datetime.date(2008, 8, 7)),
        ("2008-08-07", datetime.date(2008, 8, 7)),
    ],
)
def test_dates_are_typed_day_first_in_every_language(language, typed, day):
    with translation.override(language):
        assert forms.DateField().clean(typed) == day
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == day.strftime("%d/%m/%Y")


def test_a_month_first_date_is_refused():
    with translation.override("vi"), pytest.raises(forms.ValidationError):
        forms.DateField().clean("08/27/2008")


@pytest.fixture
def big_entry(book, personas):
    """An entry whose key, year and IDs would all be grouped if anything localised them."""
    Entry.objects.bulk_create([Entry(id=123455, book=book, year=2008, number=1)])
    with connection.cursor() as cursor:  # PostgreSQL: the sequence goes on from there
        for sql in connection.ops.sequence_reset_sql(no_style(), [Entry]):
            cursor.execute(sql)
    entry = entry_create(
        book=book,
        user=personas["justice_officer"],
        year=2008,
        number=1234,
        page=1500,
        values={"so": "1234", "nksHoTen": "Nguyễn Văn An", "nksSoDinhDanh": PID},
    )
    assert entry.pk == 123456
    return entry


def _no_grouped_identifiers(html: str) -> None:
    for grouped in ("2.008", "123.456", "1.234", "1.500", "038.208", "038.208.004.321"):
        assert grouped not in html, grouped


def test_the_book_page_shows_years_numbers_and_keys_ungrouped(big_entry, personas, login):
    html = (
        login(personas["justice_officer"])
        .get(reverse("book_detail", args=[big_entry.book_id]))
        .content.decode()
    )
    assert "/truong-hop/123456/" in html and ">2008<" in html and ">1500<" in html
    _no_grouped_identifiers(html)


def test_the_entry_page_shows_the_personal_id_and_year_ungrouped(big_entry, personas, login):
    html = (
        login(personas["justice_officer"])
        .get(reverse("entry_detail", args=[123456]))
        .content.decode()
    )
    assert PID in html and "2008" in html
    _no_grouped_identifiers(html)


def test_the_entry_form_posts_its_key_and_version_ungrouped(big_entry, personas, login):
    Entry.objects.filter(pk=123456).update(version=1001)
    html = (
        login(personas["justice_officer"])
        .get(reverse("keying_edit", args=[123456]))
        .content.decode()
    )
    assert 'name="_entry" value="123456"' in html
    assert 'name="_version" value="1001"' in html


def test_a_citizens_page_shows_the_personal_id_ungrouped(personas, login, db):
    from hotich.registry.models import Citizen

    Citizen.objects.create(personal_id=PID, full_name="Nguyễn Văn An", sex="1")
    html = (
        login(personas["police_officer"])
        .get(reverse("citizen_detail", args=[PID]))
        .content.decode()
    )
    assert PID in html
    _no_grouped_identifiers(html)


def test_counts_are_grouped_on_the_work_queue(book, personas, login):
    RegisterBook.objects.filter(pk=book.pk).update(expected_cases=12345)
    Entry.objects.bulk_create(
        Entry(book=book, year=2008, number=n, status=EntryStatus.DRAFT) for n in range(1, 1101)
    )
    html = login(personas["helper"]).get(reverse("keying_queue")).content.decode()
    assert ">1.100<" in html


@pytest.mark.django_db(transaction=True)
def test_an_exported_workbook_keeps_ids_and_numbers_as_before(big_entry, personas, login):
    from hotich.exchange.models import BookExport

    Entry.objects.filter(pk=123456).update(status=EntryStatus.APPROVED)
    client = login(personas["justice_officer"])
    client.post(reverse("book_export_start", args=[big_entry.book_id]), {"kind": "ministry"})
    export = BookExport.objects.get()
    response = client.get(reverse("export_download", args=[export.pk, "xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))["DL Import"]
    header, row = list(sheet.iter_rows(max_row=2, values_only=True))
    cells = dict(zip(map(header_key, header), row, strict=False))
    assert cells["nksSoDinhDanh"] == PID
    assert cells["so"] in ("1234", 1234)
    assert not any(isinstance(v, str) and "2.008" in v for v in row)


def test_no_page_uses_the_browsers_date_widget():
    """<input type="date"> shows mm/dd/yyyy in some locales: dates are text, dd/mm/yyyy."""
    import re
    from pathlib import Path

    import hotich

    root = Path(hotich.__file__).parent
    widget = re.compile(r"""type["']?\s*[:=]\s*["']date(time-local)?["']""")
    found = [
        str(path.relative_to(root))
        for pattern in ("**/*.html", "**/*.py", "**/*.js")
        for path in root.glob(pattern)
        if "migrations" not in path.parts and widget.search(path.read_text())
    ]
    assert found == []
