"""The fast import path (issue 17): checks in a helper process, rows written without models.

Checking a large file's rows in a helper process must give exactly what checking them in
place gives (same problems, same order, same entries); entries, people and audit events
written as plain rows (``COPY`` on PostgreSQL) must read back exactly as written, and the
audit chain must verify.
"""

import json
from datetime import date

import pytest

from hotich.audit.chain import chain_verify
from hotich.audit.models import AuditEvent
from hotich.audit.services import audit_record
from hotich.exchange import checking
from hotich.exchange.importer import RowChecker, _has_values, import_run_execute, open_sheet
from hotich.exchange.layout import detect_layout
from hotich.exchange.services import import_run_create
from hotich.exchange.xlsx import BadCell
from hotich.lib.legacy import from_unicode
from hotich.registers.models import Entry, EntryPerson, RegisterBook
from hotich.registers.services import entries_bulk_create, entry_prepare
from hotich.registers.spec import REGISTER_TYPES
from tests.exchange.ministry_files import ministry_file

ROW = {
    "so": "07/2008",
    "quyenSo": "01/2008",
    "trangSo": 4,
    "ngayDangKy": "27.08.2008",
    "loaiDangKy": 1,
    "noiDangKy": "UBND xã Đông Văn",
    "nksHoTen": "Nguyễn Thị Phượng",
    "nksGioiTinh": "Nữ",
    "nksNgaySinh": date(2008, 8, 15),
    "nksDanToc": "Kinh",
    "nksQuocTich": "Việt Nam",
    "nksLoaiKhaiSinh": "1",
    "meHoTen": "Lê Thị Hoà",
    "chaHoTen": "Nguyễn Văn Hùng",
}


def mixed_rows(count):
    """Return COUNT rows of every kind an import meets: good, bad date, bad code, missing
    name, legacy text (repaired), a warning, a repeated number, an empty row."""
    rows = []
    for i in range(count):
        row = {**ROW, "so": f"{i % 97 + 1:02d}/2008", "nksHoTen": f"Trần Văn Bình {i}"}
        kind = i % 9
        if kind == 1:
            row["nksNgaySinh"] = "31/04/2008"
        elif kind == 2:
            row["nksGioiTinh"] = "Gái"
        elif kind == 3:
            del row["nksHoTen"]
        elif kind == 4:
            row["meHoTen"] = from_unicode(f"Lê Thị Hải {i % 5}", "tcvn3")
        elif kind == 5:
            row["ngayDangKy"] = "01.01.2008"  # before the birth: a warning, the row is kept
        elif kind == 6:
            row = {}
        rows.append(row)
    return rows


def book_of(units, volume):
    return RegisterBook.objects.create(
        commune=units["commune"], register_type="KS", year_from=2008, year_to=2008, volume=volume
    )


def entries_of(book):
    return [
        (
            e.year,
            e.number,
            e.page,
            e.registration_date,
            e.values,
            e.marks,
            e.summary,
            sorted(
                (p.role, p.full_name, p.name_key, str(p.birth_date), p.sex) for p in e.people.all()
            ),
        )
        for e in Entry.objects.filter(book=book).order_by("id").prefetch_related("people")
    ]


def test_the_helper_process_checks_rows_exactly_as_they_are_checked_in_place(tmp_path):
    path = ministry_file(tmp_path / "ks.xlsx", mixed_rows(240))
    with path.open("rb") as handle:
        sheet = open_sheet(handle)
        layout = detect_layout(sheet.headers, sheet_name=sheet.name)
        layout.columns = {i: n for i, n in layout.columns.items() if n != "STT"}
        checker = RowChecker(layout)
        rows = list(sheet.rows)
    in_place = [(n, raw, checker.check(n, raw, None)) for n, raw in rows if raw]

    with checking.Helper(checker) as helper:
        helped = list(
            checking.rows_checked(
                iter(rows), helper=helper, meta={}, wanted=bool, chunk=25, wait=True
            )
        )

    assert helped == in_place
    problems = [p.message for _, _, c in helped for p in c.reading.problems]
    assert any("Gái" in m for m in problems) and any("Thiếu" in m for m in problems)


def test_a_reading_error_comes_after_the_rows_before_it(tmp_path):
    path = ministry_file(tmp_path / "ks.xlsx", mixed_rows(60))
    with path.open("rb") as handle:
        sheet = open_sheet(handle)
        layout = detect_layout(sheet.headers, sheet_name=sheet.name)
        rows = list(sheet.rows)[:50]

    def broken():
        yield from rows
        raise OSError("truncated")

    given = []
    with checking.Helper(RowChecker(layout)) as helper, pytest.raises(OSError, match="trunc"):
        for n, _raw, _checked in checking.rows_checked(
            broken(), helper=helper, meta={}, wanted=bool, chunk=20, wait=True
        ):
            given.append(n)
    assert given == [n for n, _ in rows]


def test_an_import_checked_in_a_helper_gives_the_same_outcome_and_entries(units, tmp_path):
    path = ministry_file(tmp_path / "ks.xlsx", mixed_rows(300))
    outcomes, books = [], []
    for volume, parallel in (("01/2008", False), ("02/2008", True)):
        book = book_of(units, volume)
        with path.open("rb") as handle:
            run = import_run_create(handle=handle, name="ks.xlsx", user=None, book=book)
        outcome = import_run_execute(run=run, parallel=parallel, check_chunk=20)
        outcomes.append({k: v for k, v in outcome.as_json().items()})
        books.append(book)

    assert outcomes[0] == outcomes[1]
    assert (
        outcomes[0]["rejected"] == sum(1 for i in range(300) if i % 9 in (1, 2, 3))
        and outcomes[0]["repaired"] > 0
    )
    assert outcomes[0]["warnings"] and outcomes[0]["errors"][0]["row"] == 3
    assert entries_of(books[0]) == entries_of(books[1]) != []


TRICKY = [
    "quote \" and ' apostrophe",
    "new\nline and\r\ncarriage return",
    "tab\there",
    "back\\slash \\N \\. \\t",
    "Nguyễn Thị Phượng – Hoà ₫ 𝔸 ✓",
    "",
    "{not json} [1, 2] null",
]


@pytest.mark.parametrize("text", TRICKY)
def test_rows_written_without_models_read_back_exactly(text, units):
    book = book_of(units, "01/2008")
    ids = entries_bulk_create(
        book=book,
        user=None,
        rows=[
            {
                "row": 2,
                "year": 2008,
                "number": 7,
                "page": 3,
                "registration_date": "2008-08-27",
                "values": {"so": "07/2008", "nksHoTen": f"An {text}", "ghiChu": text or "x"},
                "marks": {"meHoTen": "illegible"},
            }
        ],
        source=f"Nhập tệp {text}",
    )

    entry = Entry.objects.get(pk=ids[0])
    name = f"An {text}".strip()  # values are kept as written, surrounding spaces dropped
    assert entry.values == {"so": "07/2008", "nksHoTen": name, "ghiChu": text or "x"}
    assert entry.marks == {"meHoTen": "illegible"} and str(entry.registration_date) != ""
    assert entry.registration_date.isoformat() == "2008-08-27" and entry.page == 3
    person = EntryPerson.objects.get(entry=entry, role="subject")
    assert person.full_name == name
    event = AuditEvent.objects.get(object_type="entry", object_id=str(entry.pk))
    assert event.changes == {"source": [None, f"Nhập tệp {text}, dòng 2"]}
    assert event.object_repr == "Số 07/2008" and event.action == "create"
    assert chain_verify().ok


def test_the_audit_chain_of_an_import_verifies_between_other_events(units, tmp_path):
    audit_record(user=None, action=AuditEvent.Action.VIEW, object_type="entry", object_id="1")
    book = book_of(units, "01/2008")
    path = ministry_file(tmp_path / "ks.xlsx", mixed_rows(50))
    with path.open("rb") as handle:
        run = import_run_create(handle=handle, name="ks.xlsx", user=None, book=book)
    outcome = import_run_execute(run=run, batch_size=7)
    audit_record(user=None, action=AuditEvent.Action.VIEW, object_type="entry", object_id="2")

    report = chain_verify()
    assert report.ok, report.problem
    created = AuditEvent.objects.filter(action="create", object_type="entry")
    assert created.count() == outcome.imported == Entry.objects.filter(book=book).count()
    assert report.checked == outcome.imported + 2


def test_a_helper_started_before_the_layout_checks_with_the_layout_it_is_given(tmp_path):
    """The helper starts when the file is opened and gets the layout later; given another
    layout (another import), it checks with that one, not with the first it was given."""
    path = ministry_file(tmp_path / "ks.xlsx", mixed_rows(60))
    with path.open("rb") as handle:
        sheet = open_sheet(handle)
        layout = detect_layout(sheet.headers, sheet_name=sheet.name)
        layout.columns = {i: n for i, n in layout.columns.items() if n != "STT"}
        rows = [(n, raw) for n, raw in sheet.rows if raw]
    # The same file read without its name column: every row lacks the child's name.
    nameless = detect_layout(sheet.headers, sheet_name=sheet.name)
    nameless.columns = {i: n for i, n in layout.columns.items() if n != "nksHoTen"}

    def checked(helper, checker):
        helper.use(checker)
        return list(
            checking.rows_checked(
                iter(rows), helper=helper, meta={}, wanted=bool, chunk=10, wait=True
            )
        )

    with checking.Helper() as helper:
        first = checked(helper, RowChecker(layout))
        second = checked(helper, RowChecker(nameless))
    assert first == [(n, raw, RowChecker(layout).check(n, raw, None)) for n, raw in rows]
    assert second == [(n, raw, RowChecker(nameless).check(n, raw, None)) for n, raw in rows]
    assert all(any("Thiếu" in p.message for p in c.reading.problems) for _, _, c in second)
    assert first != second


@pytest.mark.parametrize(
    ("raw", "has_values"),
    [
        ((), False),
        ((None,), False),
        (("",), False),
        ((None, "", None), False),
        ((0,), True),
        ((False,), True),
        ((None, "x"), True),
        ((" ",), True),
        ((date(2008, 1, 1),), True),
        ((None, BadCell("hỏng")), True),
        ([None, 1.5], True),
    ],
)
def test_a_row_has_values_unless_every_cell_is_empty(raw, has_values):
    assert _has_values(raw) is has_values


def test_the_entries_json_is_encoded_in_the_helper_and_read_back_as_values(units, tmp_path):
    """entry_prepare gives the values as their column's JSON text (encoded off the writing
    process); the entries read back with the values and marks the rows gave."""
    register = REGISTER_TYPES["KS"]
    values = {"so": "07/2008", "nksHoTen": 'Nguyễn Thị "Phượng"\n', "meHoTen": "Lê Thị Hoà"}
    text, marks, summary, people = entry_prepare(register, values, {"chaHoTen": "illegible"})
    assert json.loads(text) == {
        "so": "07/2008",
        "nksHoTen": 'Nguyễn Thị "Phượng"',
        "meHoTen": "Lê Thị Hoà",
    }
    assert json.loads(marks) == {"chaHoTen": "illegible"}
    assert summary == 'Nguyễn Thị "Phượng"' and len(people) == 2
    book = book_of(units, "01/2008")
    rows = [
        {
            "row": 2,
            "year": 2008,
            "number": 7,
            "values": values,
            "marks": {"chaHoTen": "illegible"},
            "prepared": (text, marks, summary, people),
        },
        {"row": 3, "year": 2008, "number": 8, "values": {"so": "08/2008", "nksHoTen": "An"}},
    ]
    entries_bulk_create(book=book, user=None, rows=rows, source="test")
    stored = list(Entry.objects.filter(book=book).order_by("number"))
    assert stored[0].values == json.loads(text) and stored[0].marks == {"chaHoTen": "illegible"}
    assert stored[1].values == {"so": "08/2008", "nksHoTen": "An"} and stored[1].marks == {}


def test_an_imports_audit_events_are_listed_in_the_order_of_its_entries(units, tmp_path):
    """A batch's events share its instant: the log (newest first, by time then key) still
    lists them in the reverse order of the entries they created."""
    book = book_of(units, "01/2008")
    path = ministry_file(tmp_path / "ks.xlsx", mixed_rows(40))
    with path.open("rb") as handle:
        run = import_run_create(handle=handle, name="ks.xlsx", user=None, book=book)
    import_run_execute(run=run, batch_size=9)
    listed = AuditEvent.objects.filter(action="create", object_type="entry")
    entries = Entry.objects.filter(book=book).order_by("-id").values_list("id", flat=True)
    assert [int(e) for e in listed.values_list("object_id", flat=True)] == list(entries)
    assert chain_verify().ok


@pytest.mark.parametrize(
    ("column", "first", "then", "read_then"),
    [
        ("nksNoiSinh", 1, True, "True"),  # equal in Python, not the same cell
        ("nksNoiSinh", True, 1, "1"),
        ("nksNoiSinh", 1.5, "1.5", "1.5"),
        ("nksNoiSinh", 2, 2.0, "2"),  # a whole number is read without its ".0"
        ("nksGioiTinh", "Nữ", "Nam", "1"),
        ("nksGioiTinh", "Nam", "Nữ", "2"),
    ],
)
def test_a_remembered_cell_reading_is_the_reading_of_that_very_value(
    column, first, then, read_then
):
    """Cell readings are remembered per column and value: a value read after an equal one
    of another type, or after another value, reads as itself; the same text in another
    column reads as that column reads it."""
    from hotich.exchange.cells import read_row

    register = REGISTER_TYPES["KS"]
    headers = {"nksGioiTinh": "nksGioiTinh", "nksNoiSinh": "nksNoiSinh"}
    read_row(register, {column: first}, headers=headers)
    assert read_row(register, {column: then}, headers=headers).values[column] == read_then
    assert read_row(register, {"nksNoiSinh": "Nam"}, headers=headers).values["nksNoiSinh"] == "Nam"
