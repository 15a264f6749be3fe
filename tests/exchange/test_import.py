"""Importing Excel files: the real template, handover files, legacy text, bad rows, re-runs."""

import io
import json
from datetime import date

import openpyxl
import pytest
from django.core.management import call_command

from hotich.audit.models import AuditEvent
from hotich.exchange.exports import handover_workbook, ministry_workbook
from hotich.exchange.layout import export_header, handover_header
from hotich.lib.legacy import from_unicode
from hotich.registers.models import Entry, EntryStatus, RegisterBook
from hotich.registers.services import entry_create
from hotich.registers.spec import REGISTER_TYPES
from tests.exchange.factories import sample_values
from tests.exchange.ministry_files import ministry_file


def run_import(path, *args, reconcile=False):
    """Run `hotich import --json`; the import alone unless RECONCILE (tested on its own)."""
    out = io.StringIO()
    extra = () if reconcile else ("--no-reconcile",)
    call_command("import", str(path), "--json", *extra, *args, stdout=out)
    return json.loads(out.getvalue())


def snapshot(book):
    return [
        (e.year, e.number, e.page, e.registration_date, e.values, e.marks)
        for e in Entry.objects.filter(book=book).order_by("year", "number", "id")
    ]


@pytest.mark.parametrize("code", list(REGISTER_TYPES))
def test_export_then_import_into_an_empty_book_gives_identical_entries(code, units, tmp_path):
    register = REGISTER_TYPES[code]
    book = RegisterBook.objects.create(
        commune=units["commune"], register_type=code, year_from=2008, year_to=2009, volume="01/2008"
    )
    marked = next(
        f.name for f in register.fields if f.name.endswith("NoiCuTru") or f.type.value == "place"
    )
    for i in range(6):
        year = 2008 + i % 2
        values = sample_values(register, i, year, template_only=True)
        marks = {marked: "illegible"} if i == 2 else {}
        values.pop(marked) if marks else None
        entry_create(
            book=book,
            user=None,
            year=year,
            number=i + 1,
            page=i // 2 + 1,
            registration_date=f"0{i + 1}/03/{year}",
            values=values,
            marks=marks,
        )
    # A number the book repeats, keyed twice as written.
    entry_create(
        book=book,
        user=None,
        year=2008,
        number=1,
        values=sample_values(register, 9, 2008, template_only=True),
    )
    Entry.objects.update(status=EntryStatus.APPROVED)
    before = snapshot(book)
    path = tmp_path / f"{code}.xlsx"
    path.write_bytes(
        ministry_workbook(
            book=book, entries=Entry.objects.filter(book=book).order_by("year", "number", "id")
        )
    )
    Entry.objects.all().delete()

    result = run_import(path, "--book", str(book.pk))

    assert (result["imported"], result["rejected"], result["errors"]) == (7, 0, [])
    assert snapshot(book) == before
    assert set(Entry.objects.values_list("status", flat=True)) == {EntryStatus.KEYED}


def test_the_exported_header_is_the_templates_own_row_with_its_quirks(tmp_path):
    # The built template is the real one cell for cell (tests/exchange/test_ministry_files.py).
    template = openpyxl.load_workbook(ministry_file(tmp_path / "ks.xlsx"), read_only=True)
    header = [c.value for c in next(template["DL Import"].iter_rows(max_row=1))]
    assert export_header(REGISTER_TYPES["KS"]) == header
    assert "so " in header and any(h and "\ni=[" in h for h in header)


def fill_template(path, rows):
    """Write ROWS (dicts column name -> value) into a birth template shaped like the real one."""
    ministry_file(path, rows)


BIRTH_ROW = {
    "STT": 1,
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
    "meLoaiGiayToTuyThan": "CMND",
    "meSoGiayToTuyThan": 172345678,
}


def test_the_real_birth_template_imports_with_its_header_quirks(book, personas, tmp_path):
    path = tmp_path / "ks.xlsx"
    second = {**BIRTH_ROW, "STT": 2, "so": "08/2008", "nksHoTen": "Trần Văn Bình", "nksGioiTinh": 1}
    fill_template(path, [BIRTH_ROW, second])

    result = run_import(path, "--user", "tuphap")

    assert (result["imported"], result["rejected"]) == (2, 0)
    entry = Entry.objects.get(book=book, number=7)
    assert entry.year == 2008 and entry.page == 4 and entry.status == EntryStatus.KEYED
    assert entry.values["nksGioiTinh"] == "2"  # the name "Nữ" stored as its code
    assert entry.values["nksNgaySinh"] == "15/08/2008"  # a date cell, written as in books
    assert entry.values["ngayDangKy"] == "27.08.2008"  # text kept as written
    assert entry.values["meLoaiGiayToTuyThan"] == "1"
    assert entry.values["meSoGiayToTuyThan"] == "172345678"
    assert "STT" not in entry.values
    assert str(entry.registration_date) == "27/08/2008"
    assert entry.created_by == personas["justice_officer"]
    subject = entry.people.get(role="subject")
    assert (subject.full_name, str(subject.birth_date), subject.sex) == (
        "Nguyễn Thị Phượng",
        "15/08/2008",
        "2",
    )
    assert subject.name_key and subject.citizen is None
    assert entry.people.get(role="mother").personal_id == "172345678"
    assert AuditEvent.objects.filter(
        action="create", object_type="entry", object_id=str(entry.pk)
    ).exists()


def test_bad_rows_are_reported_by_row_and_column_and_good_rows_are_kept(book, tmp_path):
    path = tmp_path / "ks.xlsx"
    bad_date = {**BIRTH_ROW, "so": "08/2008", "nksNgaySinh": "31/04/2008"}
    bad_code = {**BIRTH_ROW, "so": "09/2008", "nksGioiTinh": "Gái"}
    missing = {k: v for k, v in BIRTH_ROW.items() if k != "nksHoTen"} | {"so": "10/2008"}
    fill_template(path, [BIRTH_ROW, bad_date, bad_code, missing])

    result = run_import(path, "--book", str(book.pk))

    assert (result["imported"], result["rejected"]) == (1, 3)
    errors = {(e["row"], e["column"]) for e in result["errors"]}
    assert errors == {(3, "nksNgaySinh"), (4, "nksGioiTinh"), (5, "nksHoTen")}
    messages = " ".join(e["message"] for e in result["errors"])
    assert "Gái" in messages and "Nam" in messages and "Thiếu Họ, chữ đệm, tên" in messages
    assert list(Entry.objects.values_list("number", flat=True)) == [7]
    # The report: the bad rows with the bad cell filled and a note saying why.
    from hotich.exchange.models import ImportRun

    run = ImportRun.objects.get()
    report = openpyxl.load_workbook(run.report.path)["Dòng lỗi"]
    header = [c.value for c in report[1]]
    assert report.max_row == 4 and header[:2] == ["Dòng trong tệp gốc", "Lý do"]
    cell = report.cell(row=2, column=header.index("nksNgaySinh ") + 1)
    assert cell.fill.start_color.rgb.endswith("FFC7CE") and "31/04" in str(cell.value)
    assert "ngày" in cell.comment.text.lower()


def test_reimporting_the_same_file_changes_nothing_and_a_changed_row_updates_its_entry(
    book, personas, tmp_path
):
    path = tmp_path / "ks.xlsx"
    fill_template(path, [BIRTH_ROW, {**BIRTH_ROW, "so": "08/2008"}])
    assert run_import(path, "--book", str(book.pk))["imported"] == 2
    events = AuditEvent.objects.count()

    again = run_import(path, "--book", str(book.pk))
    assert (again["imported"], again["updated"], again["unchanged"]) == (0, 0, 2)
    assert AuditEvent.objects.count() == events

    fill_template(path, [BIRTH_ROW, {**BIRTH_ROW, "so": "08/2008", "chaHoTen": "Nguyễn Văn Hưng"}])
    changed = run_import(path, "--book", str(book.pk), "--user", "tuphap")
    assert (changed["imported"], changed["updated"], changed["unchanged"]) == (0, 1, 1)
    entry = Entry.objects.get(number=8)
    assert entry.values["chaHoTen"] == "Nguyễn Văn Hưng" and entry.version == 2
    update = AuditEvent.objects.get(action="update", object_id=str(entry.pk))
    assert update.changes == {"chaHoTen": ["Nguyễn Văn Hùng", "Nguyễn Văn Hưng"]}
    assert update.user == personas["justice_officer"]


def test_an_approved_entry_is_not_changed_by_a_file(book, tmp_path):
    path = tmp_path / "ks.xlsx"
    fill_template(path, [BIRTH_ROW])
    run_import(path, "--book", str(book.pk))
    Entry.objects.update(status=EntryStatus.APPROVED)
    fill_template(path, [{**BIRTH_ROW, "chaHoTen": "Khác"}])

    result = run_import(path, "--book", str(book.pk))

    assert (result["updated"], result["rejected"]) == (0, 1)
    assert "đã được phê duyệt" in result["errors"][0]["message"]
    assert Entry.objects.get().values["chaHoTen"] == "Nguyễn Văn Hùng"


def test_legacy_tcvn3_and_vni_text_is_repaired_and_reported(book, tmp_path):
    path = tmp_path / "ks.xlsx"
    tcvn3 = from_unicode("Nguyễn Văn Hải", "tcvn3")
    vni = from_unicode("Lê Thị Hoà", "vni")
    fill_template(path, [{**BIRTH_ROW, "nksHoTen": tcvn3, "meHoTen": vni}])

    result = run_import(path, "--book", str(book.pk))

    entry = Entry.objects.get()
    assert entry.values["nksHoTen"] == "Nguyễn Văn Hải"
    assert entry.values["meHoTen"] == "Lê Thị Hoà"
    assert result["repaired"] == 1
    assert {(r["row"], r["column"], r["encoding"]) for r in result["repairs"]} == {
        (2, "nksHoTen", "tcvn3"),
        (2, "meHoTen", "vni"),
    }


def test_a_handover_file_in_capitals_finds_its_book_by_volume_and_unit(book, tmp_path):
    register = REGISTER_TYPES["KS"]
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "DL_GOC"
    header = handover_header(register)
    sheet.append(header)
    row = {
        "DC_DVNHAPHUYEN": "391",
        "DC_DVNHAPXA": "15943",
        "SO": "07",
        "QUYENSO": "01/2008",
        "NGAYDANGKY": "27/08/2008",
        "LOAIDANGKY": 1,
        "NOIDANGKY": "UBND xã Đông Văn",
        "NKSSODINHDANH": "038308001234",
        "NKSHOTEN": "NGUYỄN THỊ PHƯỢNG",
        "NKSGIOITINH": 2,
        "NKSNGAYSINH": "15/08/2008",
        "NKSLOAIKHAISINH": 1,
        "MEHOTEN": "LÊ THỊ HOÀ",
    }
    sheet.append([row.get(h) for h in header])
    path = tmp_path / "dl_goc.xlsx"
    workbook.save(path)

    result = run_import(path)

    assert (result["imported"], result["rejected"]) == (1, 0)
    entry = Entry.objects.get(book=book)
    assert entry.values["nksHoTen"] == "Nguyễn Thị Phượng"
    assert entry.values["nksSoDinhDanh"] == "038308001234"
    assert (entry.year, entry.number) == (2008, 7)


def test_the_handover_export_carries_personal_ids_from_reconciliation(book, entry, tmp_path):
    from hotich.registry.models import Citizen

    citizen = Citizen.objects.create(personal_id="038308001234", full_name="Nguyễn Thị Phượng")
    entry.people.filter(role="subject").update(citizen=citizen)
    Entry.objects.update(status=EntryStatus.RECONCILED)
    content = handover_workbook(book=book, entries=list(Entry.objects.all()))
    sheet = openpyxl.load_workbook(io.BytesIO(content))["DL_GOC"]
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert header[:2] == ["DC_DVNHAPHUYEN", "DC_DVNHAPXA"] and "NKSHOTEN" in header
    assert row["NKSSODINHDANH"] == "038308001234"
    assert row["NKSHOTEN"] == "NGUYỄN THỊ PHƯỢNG"
    assert row["DC_DVNHAPXA"] == "15943"


def test_a_file_of_another_register_type_is_refused_for_the_chosen_book(book, tmp_path):
    register = REGISTER_TYPES["KT"]
    workbook = openpyxl.Workbook()
    workbook.active.title = "DL Import"
    workbook.active.append(export_header(register))
    path = tmp_path / "kt.xlsx"
    workbook.save(path)
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="khai tử"):
        run_import(path, "--book", str(book.pk))


def test_a_file_that_is_not_excel_is_refused_in_vietnamese(book, tmp_path):
    from django.core.management.base import CommandError

    path = tmp_path / "x.xlsx"
    path.write_text("không phải Excel")
    with pytest.raises(CommandError, match="Không mở được tệp Excel"):
        run_import(path, "--book", str(book.pk))


def test_imported_entries_are_reconciled_with_the_registry(units, tmp_path):
    """After an import, the book goes through batch reconciliation: outcomes, new IDs for
    people the registry does not know, entries settled move to "reconciled"."""
    from hotich.reconciliation.models import MatchResult

    register = REGISTER_TYPES["KS"]
    book = RegisterBook.objects.create(
        commune=units["commune"], register_type="KS", year_from=2008, year_to=2008, volume="01/2008"
    )
    for i in range(3):
        values = sample_values(register, i, 2008)
        values["nksGioiTinh"] = "12"[i % 2]  # a new personal ID needs the sex
        entry_create(book=book, user=None, year=2008, number=i + 1, values=values)
    path = tmp_path / "ks.xlsx"
    path.write_bytes(
        ministry_workbook(book=book, entries=Entry.objects.filter(book=book).order_by("number"))
    )
    Entry.objects.all().delete()

    result = run_import(path, "--book", str(book.pk), reconcile=True)

    assert result["imported"] == 3
    subjects = MatchResult.objects.filter(person__role="subject", person__entry__book=book)
    assert subjects.count() == 3
    # Nobody is in this test's registry: each child is not found and gets a new ID.
    assert {r.outcome for r in subjects} == {"not_found"}
    assert all(len(r.personal_id) == 12 for r in subjects)
    assert set(Entry.objects.filter(book=book).values_list("status", flat=True)) == {
        EntryStatus.RECONCILED
    }
