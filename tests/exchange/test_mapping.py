"""The mapping screen makes a typical legacy commune file importable, and the next one too.

Legacy files are built here as real .xlsx files with the headers old commune software
writes ("Số ĐK", "Quyển", "Ngày ĐK", "Họ tên", "Giới tính" with "Nam"/"Nữ"), without a
registration-place column. Forms are posted as a browser would post the page as shown
(:func:`shown_form`), so "no hand edits" means exactly that.
"""

import io
import threading
import zipfile
from datetime import date
from html.parser import HTMLParser

import openpyxl
import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from hotich.audit.models import AuditEvent
from hotich.exchange.layout import suggest_mapping, value_key
from hotich.exchange.mapping import code_suggestion
from hotich.exchange.models import ColumnMapping, ImportRun
from hotich.exchange.services import MappingConflictError, column_mapping_save
from hotich.lib.sheets import sheet_row
from hotich.registers.definitions import code_lists
from hotich.registers.models import Entry
from hotich.registers.spec import REGISTER_TYPES

pytestmark = pytest.mark.django_db(transaction=True)

HEADERS = [
    "STT",
    "Số ĐK",
    "Quyển",
    "Ngày ĐK",
    "Loại ĐK",
    "Họ tên",
    "Giới tính",
    "Ngày sinh",
    "Nơi sinh",
    "Dân tộc",
    "Họ tên mẹ",
    "Họ tên cha",
    "Cán bộ tư pháp",
]
PEOPLE = [
    ("Trần Văn An", "Nam", "Đúng hạn"),
    ("Phạm Thị Bích", "Nữ", "Đúng hạn"),
    ("Lê Văn Cường", "Trai", "Quá hạn"),
    ("Đỗ Thị Dung", "nữ", "Đúng hạn"),
]


def legacy_file(path, people, *, start=1, drop=(), change=None):
    """Write a legacy export: one row per (name, sex, registration kind), numbers from START."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    keep = [i for i, h in enumerate(HEADERS) if h not in drop]
    sheet.append([HEADERS[i] for i in keep])
    for n, (name, sex, kind) in enumerate(people, start=start):
        row = [
            n,
            str(n),
            "01/2008",
            date(2008, 3, n % 28 + 1),  # a date cell, as Excel keeps it
            kind,
            name,
            sex,
            f"{n % 28 + 1:02d}/02/2008",
            "Trạm y tế xã",
            "Kinh",
            "Lê Thị Hoà",
            "Trần Văn Hùng",
            "Nguyễn Thị Thu",
        ]
        if change:
            row = change(n, row)
        # As text, as the old software wrote it (openpyxl would make "=…" a formula).
        sheet.append(sheet_row(sheet, [row[i] for i in keep]))
    workbook.save(path)


class _Form(HTMLParser):
    """The data a browser sends for the mapping form as shown (selected options, inputs)."""

    def __init__(self):
        super().__init__()
        self.inside = False
        self.data: dict[str, str] = {}
        self.select: str | None = None
        self.first_option: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("data-testid") == "mapping-form":
            self.inside = True
        if not self.inside:
            return
        if tag == "input" and a.get("name") and a.get("type") != "submit":
            self.data[a["name"]] = a.get("value") or ""
        elif tag == "select":
            self.select, self.first_option = a["name"], None
        elif tag == "option" and self.select:
            if self.first_option is None:
                self.first_option = a.get("value", "")
                self.data.setdefault(self.select, self.first_option)
            if "selected" in a:
                self.data[self.select] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "form":
            self.inside = False


def shown_form(html: str) -> dict[str, str]:
    parser = _Form()
    parser.feed(html)
    return parser.data


def upload(client, path, **data):
    with open(path, "rb") as handle:
        return client.post(reverse("import_upload"), {"file": handle, **data})


def map_index(form, field, text):
    """Return the form key of the value-map select for TEXT in FIELD's column."""
    for key, value in form.items():
        if key.startswith(f"mapv-{field}-") and value == text:
            return "map-" + key.removeprefix("mapv-")
    raise AssertionError(f"{text!r} not listed for {field}")


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Số ĐK", "so"),
        ("so dk", "so"),
        ("Số Đ.K.", "so"),
        ("Số đăng ký", "so"),
        ("Quyển", "quyenSo"),
        ("QUYỂN SỐ", "quyenSo"),
        ("Ngày ĐK", "ngayDangKy"),
        ("Ngày  đăng   ký", "ngayDangKy"),
        ("Họ tên", "nksHoTen"),
        ("Họ và tên người được khai sinh", "nksHoTen"),
        ("Ngày sinh", "nksNgaySinh"),
        ("Giới tính", "nksGioiTinh"),
        ("Nơi sinh", "nksNoiSinh"),
        ("Dân tộc", "nksDanToc"),
        ("Quốc tịch", "nksQuocTich"),
        ("Họ tên mẹ", "meHoTen"),
        ("Họ tên cha", "chaHoTen"),
        ("Người ký", "nguoiKy"),
        ("Chức vụ", "chucVuNguoiKy"),
        ("Cán bộ tư pháp", "nguoiThucHien"),
        ("Loại ĐK", "loaiDangKy"),
        ("Nơi ĐK", "noiDangKy"),
    ],
)
def test_legacy_headers_are_suggested_from_the_fields_synonyms(header, field):
    assert suggest_mapping(["Ghi chú phần mềm", header], REGISTER_TYPES["KS"]) == {header: field}


@pytest.mark.parametrize(
    ("register", "header", "field"),
    [
        ("KH", "Họ tên chồng", "chongHoTen"),
        ("KH", "Họ và tên vợ", "voHoTen"),
        ("KH", "Ngày sinh vợ", "voNgaySinh"),
        ("KH", "Nơi cư trú chồng", "chongNoiCuTru"),
        ("KT", "Họ tên người chết", "nktHoTen"),
        ("KT", "Ngày chết", "nktNgayChet"),
        ("KT", "Nơi chết", "nktNoiChet"),
        ("KT", "Số ĐK", "so"),
    ],
)
def test_synonyms_serve_every_register_with_its_people(register, header, field):
    assert suggest_mapping([header], REGISTER_TYPES[register]) == {header: field}


def test_each_field_is_suggested_once_and_a_mothers_name_is_not_the_childs():
    suggestion = suggest_mapping(["Họ tên", "Họ và tên", "Họ tên mẹ"], REGISTER_TYPES["KS"])
    assert suggestion == {"Họ tên": "nksHoTen", "Họ tên mẹ": "meHoTen"}


@pytest.mark.parametrize(
    ("code_list", "value", "code"),
    [
        (code_lists.SEX, "Nam", "1"),
        (code_lists.SEX, "NỮ", "2"),
        (code_lists.SEX, "Trai", ""),
        (code_lists.BIRTH_REGISTRATION_TYPE, "Đúng hạn", "1"),
        (code_lists.BIRTH_REGISTRATION_TYPE, "quá hạn", "4"),
        (code_lists.BIRTH_REGISTRATION_TYPE, "Đăng ký", ""),  # in every label: no guess
        (code_lists.BIRTH_REGISTRATION_TYPE, 2.0, "2"),
    ],
)
def test_values_are_matched_to_codes_by_folded_label(code_list, value, code):
    assert code_suggestion(code_list, value) == code


def test_the_screen_proposes_synonyms_and_codes_and_lists_missing_required_columns(
    login, personas, book, tmp_path
):
    path = tmp_path / "cu.xlsx"
    legacy_file(path, PEOPLE)
    client = login(personas["helper"])
    response = upload(client, path)
    assert "ghep-cot" in response.url

    page = client.get(response.url)

    form = shown_form(page.content.decode())
    chosen = {HEADERS[int(k[3:])]: v for k, v in form.items() if k.startswith("col")}
    assert chosen == {
        "STT": "",  # a row counter, not part of the entry
        "Số ĐK": "so",
        "Quyển": "quyenSo",
        "Ngày ĐK": "ngayDangKy",
        "Loại ĐK": "loaiDangKy",
        "Họ tên": "nksHoTen",
        "Giới tính": "nksGioiTinh",
        "Ngày sinh": "nksNgaySinh",
        "Nơi sinh": "nksNoiSinh",
        "Dân tộc": "nksDanToc",
        "Họ tên mẹ": "meHoTen",
        "Họ tên cha": "chaHoTen",
        "Cán bộ tư pháp": "nguoiThucHien",
    }
    # The required columns the file lacks get a fixed value each (none given yet).
    assert {k for k in form if k.startswith("fixed-")} == {
        "fixed-noiDangKy",
        "fixed-nksLoaiKhaiSinh",
    }
    # Each distinct value of the code columns, with its suggested code.
    assert form[map_index(form, "nksGioiTinh", "Nam")] == "1"
    assert form[map_index(form, "nksGioiTinh", "Nữ")] == "2"  # "nữ" is the same value
    assert form[map_index(form, "nksGioiTinh", "Trai")] == ""
    assert form[map_index(form, "loaiDangKy", "Quá hạn")] == "4"
    # Commonest first: "Nữ" and "nữ" are one value, in two rows.
    sexes = page.context["code_columns"][1].values
    assert [(v.text, v.count) for v in sexes] == [("Nữ", 2), ("Nam", 1), ("Trai", 1)]


def test_a_legacy_file_is_mapped_once_and_the_next_is_imported_with_no_hand_edit(
    login, personas, book, tmp_path
):
    path = tmp_path / "khai-sinh-2008-thang-3.xlsx"
    legacy_file(path, PEOPLE)
    client = login(personas["helper"])
    url = upload(client, path).url
    form = shown_form(client.get(url).content.decode())
    form.update(
        {
            "fixed-noiDangKy": "UBND xã Đông Văn",
            "fixed-nksLoaiKhaiSinh": "1",
            map_index(form, "nksGioiTinh", "Trai"): "1",
            "name": "Phần mềm cũ xã Đông Văn",
            "save": "1",
        }
    )

    response = client.post(url, form)

    assert response.status_code == 302
    call_command("worker", batch=True, verbosity=0)
    first = ImportRun.objects.get()
    assert (first.imported, first.rejected) == (4, 0), first.errors
    mapping = ColumnMapping.objects.get()
    assert mapping.fixed == {"noiDangKy": "UBND xã Đông Văn", "nksLoaiKhaiSinh": "1"}
    assert mapping.value_maps["nksGioiTinh"] == {"nam": "1", "nu": "2", "trai": "1"}
    assert mapping.value_maps["loaiDangKy"] == {"dung han": "1", "qua han": "4"}
    entry = Entry.objects.get(number=3)
    assert (entry.values["nksGioiTinh"], entry.values["loaiDangKy"]) == ("1", "4")
    assert entry.values["noiDangKy"] == "UBND xã Đông Văn"
    assert entry.registration_date.isoformat() == "2008-03-04"

    # Next month's file from the same software: other people, same headers.
    later = [("Vũ Văn Em", "Trai", "Quá hạn"), ("Hồ Thị Gấm", "Nữ", "Đúng hạn")] * 3
    legacy_file(path, later, start=5)
    response = upload(client, path)

    assert "ghep-cot" not in response.url
    call_command("worker", batch=True, verbosity=0)
    second = ImportRun.objects.latest("id")
    assert (second.kind, second.mapping, second.imported, second.rejected) == (
        "mapped",
        mapping,
        6,
        0,
    )
    assert second.mapping_version == 1  # read with the saved mapping, found by its header row
    assert Entry.objects.count() == 10
    entries = Entry.objects.all()
    assert {e.values["nksGioiTinh"] for e in entries if e.number >= 5} == {"1", "2"}
    assert {e.values["noiDangKy"] for e in entries} == {"UBND xã Đông Văn"}
    assert AuditEvent.objects.filter(object_type="columnmapping", action="create").count() == 1


def test_a_fixed_value_is_checked_like_a_cell_and_nothing_is_saved_while_it_is_wrong(
    login, personas, book, tmp_path
):
    path = tmp_path / "cu.xlsx"
    legacy_file(path, PEOPLE, drop=("Ngày ĐK",))
    client = login(personas["helper"])
    url = upload(client, path).url
    form = shown_form(client.get(url).content.decode())
    assert "fixed-ngayDangKy" in form
    form.update(
        {
            "fixed-ngayDangKy": "31/02/2008",
            "fixed-noiDangKy": "UBND xã Đông Văn",
            "fixed-nksLoaiKhaiSinh": "1",
            map_index(form, "nksGioiTinh", "Trai"): "1",
            "save": "1",
        }
    )

    response = client.post(url, form)

    assert response.status_code == 400
    page = response.content.decode()
    assert "Giá trị chung chưa đúng" in page
    problems = {x["field"].name: x["problems"] for x in response.context["fixed"]}
    assert problems["ngayDangKy"][0][0] == "error"
    assert "ngày" in problems["ngayDangKy"][0][1].lower()
    assert not ColumnMapping.objects.exists()
    assert ImportRun.objects.get().status == ImportRun.Status.NEEDS_MAPPING
    # The value typed stays in the form, to be corrected.
    assert shown_form(page)["fixed-ngayDangKy"] == "31/02/2008"

    form["fixed-ngayDangKy"] = "01/03/2008"
    assert client.post(url, form).status_code == 302
    call_command("worker", batch=True, verbosity=0)
    assert ImportRun.objects.get().imported == 4
    assert {e.registration_date.isoformat() for e in Entry.objects.all()} == {"2008-03-01"}


def test_the_preview_shows_the_first_rows_as_they_will_be_imported_with_each_problem(
    login, personas, book, tmp_path
):
    path = tmp_path / "cu.xlsx"

    def break_row_3(n, row):
        if n == 2:
            row[7] = "31/02/2008"  # no such day
        return row

    legacy_file(path, PEOPLE * 4, change=break_row_3)
    client = login(personas["helper"])
    url = upload(client, path).url
    form = shown_form(client.get(url).content.decode())
    form.update(
        {"fixed-noiDangKy": "UBND xã Đông Văn", "fixed-nksLoaiKhaiSinh": "1", "preview": "1"}
    )

    response = client.post(url, form)

    assert response.status_code == 200
    preview = response.context["preview"]
    fields = [f.name for f in response.context["preview_fields"]]
    assert len(preview) == 10 and [r.row for r in preview[:2]] == [2, 3]
    first = dict(zip(fields, (c.value for c in preview[0].cells), strict=True))
    assert first["nksHoTen"] == "Trần Văn An"
    assert first["nksGioiTinh"] == "1 – Nam"
    assert first["loaiDangKy"] == "1 – Đăng kí đúng hạn"
    assert first["noiDangKy"] == "UBND xã Đông Văn"
    assert first["nksLoaiKhaiSinh"].startswith("1 – ")
    assert preview[0].ok and preview[0].book == str(book)
    # Row 4 of the file ("Trai", not mapped yet) and row 3 (a day that does not exist).
    by_row = {r.row: dict(zip(fields, r.cells, strict=True)) for r in preview}
    assert not preview[2].ok and by_row[4]["nksGioiTinh"].error
    assert "Trai" in by_row[4]["nksGioiTinh"].problems[0]
    assert "danh mục" in by_row[4]["nksGioiTinh"].problems[0]
    assert by_row[3]["nksNgaySinh"].error and by_row[3]["nksNgaySinh"].problems
    page = response.content.decode()
    assert "Sẽ bị từ chối" in page and "Sẽ nhập vào" in page
    assert not ColumnMapping.objects.exists()  # a preview saves nothing

    form[map_index(form, "nksGioiTinh", "Trai")] = "1"
    preview = client.post(url, form).context["preview"]
    assert preview[2].ok and preview[2].cells[fields.index("nksGioiTinh")].value == "1 – Nam"


def test_rejected_rows_download_with_reasons_and_every_cell_as_text(
    login, personas, book, tmp_path
):
    path = tmp_path / "cu.xlsx"
    formula = '=HYPERLINK("http://x.example","Xem")'

    def poison(n, row):
        if n == 2:
            row[5] = formula
            row[7] = "31/02/2008"
        if n == 4:
            row[9] = "+84 912"
            row[12] = "@cán bộ"
            row[11] = "-Trần Văn Hùng"
            row[6] = "Gái"
        return row

    legacy_file(path, PEOPLE, change=poison)
    client = login(personas["helper"])
    url = upload(client, path).url
    form = shown_form(client.get(url).content.decode())
    form.update({"fixed-noiDangKy": "UBND xã Đông Văn", "fixed-nksLoaiKhaiSinh": "1", "save": "1"})
    form[map_index(form, "nksGioiTinh", "Trai")] = "1"
    client.post(url, form)
    call_command("worker", batch=True, verbosity=0)
    run = ImportRun.objects.get()
    assert (run.imported, run.rejected) == (2, 2)

    response = client.get(reverse("import_report", args=[run.pk]))

    data = b"".join(response.streaming_content)
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook["Dòng lỗi"]
    header = [c.value for c in sheet[1]]
    assert header[:2] == ["Dòng trong tệp gốc", "Lý do"] and header[2:] == HEADERS
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=2)}
    assert set(rows) == {3, 5}
    reason = rows[3][1].value
    assert reason.startswith("Dòng 3, cột “Ngày sinh”: ")
    assert "Dòng 5, cột “Giới tính”: “Gái” không có trong danh mục" in rows[5][1].value
    cells = {h: c for h, c in zip(header, rows[3], strict=True)}
    assert cells["Họ tên"].value == formula and cells["Họ tên"].data_type == "s"
    assert cells["Ngày ĐK"].value == "03/03/2008"  # a date cell, written as text
    assert cells["STT"].value == "2"
    for row in rows.values():
        assert all(c.data_type == "s" for c in row[1:] if c.value is not None)
    later = {h: c.value for h, c in zip(header, rows[5], strict=True)}
    assert (later["Dân tộc"], later["Cán bộ tư pháp"], later["Họ tên cha"]) == (
        "+84 912",
        "@cán bộ",
        "-Trần Văn Hùng",
    )
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml
    assert AuditEvent.objects.filter(action="export", object_type="importrun").exists()


def client_for(user):
    """A browser of its own for USER (two people at work at once)."""
    client = Client()
    client.force_login(user)
    return client


def test_another_communes_user_cannot_see_or_save_the_mapping_nor_reuse_it(
    personas, book, other_book, tmp_path
):
    path = tmp_path / "cu.xlsx"
    legacy_file(path, PEOPLE)
    helper = client_for(personas["helper"])
    url = upload(helper, path).url
    form = shown_form(helper.get(url).content.decode())
    form.update({"fixed-noiDangKy": "UBND xã Đông Văn", "fixed-nksLoaiKhaiSinh": "1", "save": "1"})
    outsider = client_for(personas["outsider"])

    assert outsider.get(url).status_code in (403, 404)
    assert outsider.post(url, form).status_code in (403, 404)
    assert not ColumnMapping.objects.exists()
    assert ImportRun.objects.get().status == ImportRun.Status.NEEDS_MAPPING

    assert helper.post(url, form).status_code == 302
    # The same software in another commune: its own mapping, not the first commune's.
    response = upload(outsider, path)
    assert "ghep-cot" in response.url
    outsider_form = shown_form(outsider.get(response.url).content.decode())
    assert outsider_form["version"] == "0" and outsider_form["fixed-noiDangKy"] == ""


def test_two_saves_of_one_mapping_never_lose_one_another(personas, book, tmp_path):
    path = tmp_path / "cu.xlsx"
    legacy_file(path, PEOPLE)
    helper = client_for(personas["helper"])
    officer = client_for(personas["justice_officer"])
    helper_url = upload(helper, path).url
    officer_url = upload(officer, path).url
    # Both open the screen before either saves (each sees version 0: no mapping yet).
    helper_form = shown_form(helper.get(helper_url).content.decode())
    officer_form = shown_form(officer.get(officer_url).content.decode())
    assert helper_form["version"] == officer_form["version"] == "0"
    helper_form.update(
        {"fixed-noiDangKy": "UBND xã Đông Văn", "fixed-nksLoaiKhaiSinh": "1", "save": "1"}
    )
    officer_form.update(
        {"fixed-noiDangKy": "UBND xã Đông Văn (cũ)", "fixed-nksLoaiKhaiSinh": "1", "save": "1"}
    )

    assert helper.post(helper_url, helper_form).status_code == 302
    response = officer.post(officer_url, officer_form)

    # The later save did not overwrite the earlier one: it is shown, to be saved knowingly.
    assert response.status_code == 409
    assert "vừa được người khác lưu" in response.content.decode()
    mapping = ColumnMapping.objects.get()
    assert (mapping.version, mapping.fixed["noiDangKy"]) == (1, "UBND xã Đông Văn")
    shown = shown_form(response.content.decode())
    assert (shown["version"], shown["fixed-noiDangKy"]) == ("1", "UBND xã Đông Văn")
    shown.update({"fixed-noiDangKy": "UBND xã Đông Văn (cũ)", "save": "1"})
    assert officer.post(officer_url, shown).status_code == 302
    mapping.refresh_from_db()
    assert (mapping.version, mapping.fixed["noiDangKy"]) == (2, "UBND xã Đông Văn (cũ)")
    assert ColumnMapping.objects.count() == 1
    assert ImportRun.objects.filter(status=ImportRun.Status.QUEUED).count() == 2


def test_the_mapping_service_refuses_a_stale_version_and_a_second_first_save(personas):
    helper = personas["helper"]
    common = {
        "user": helper,
        "name": "x",
        "register_type": "KS",
        "headers": ["Số ĐK"],
        "columns": {"Số ĐK": "so"},
        "signature": "s" * 32,
    }
    first = column_mapping_save(**common, fixed={"noiDangKy": "A"})
    with pytest.raises(MappingConflictError) as refused:
        column_mapping_save(**common, fixed={"noiDangKy": "B"})
    assert refused.value.current.pk == first.pk
    column_mapping_save(**common, fixed={"noiDangKy": "C"}, expected_version=1)
    with pytest.raises(MappingConflictError):
        column_mapping_save(**common, fixed={"noiDangKy": "D"}, expected_version=1)
    assert ColumnMapping.objects.get().fixed == {"noiDangKy": "C"}
    assert ColumnMapping.objects.get().version == 2


def test_value_keys_ignore_tones_case_spacing_and_punctuation():
    assert value_key(" Đúng  hạn. ") == value_key("dung han") == "dung han"
    assert value_key(1.0) == "1" and value_key(None) == value_key(True) == ""


def test_two_first_saves_at_the_same_moment_keep_one_mapping_and_refuse_the_other(personas):
    """Both start from "no mapping yet"; on PostgreSQL they really race (the unique
    constraint or the version decides), SQLite's shared test connection takes turns."""
    results: list = []
    barrier = threading.Barrier(2)
    turns = threading.Lock() if connection.vendor == "sqlite" else None

    def save(place: str) -> None:
        try:
            barrier.wait(timeout=30)
            call = lambda: column_mapping_save(  # noqa: E731
                user=personas["helper"],
                name=place,
                register_type="KS",
                headers=["Số ĐK"],
                columns={"Số ĐK": "so"},
                signature="r" * 32,
                fixed={"noiDangKy": place},
            )
            if turns is not None:
                with turns:
                    results.append(call())
            else:
                results.append(call())
        except MappingConflictError as refused:
            results.append(refused)
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(p,)) for p in ("UBND xã A", "UBND xã B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    saved = [r for r in results if isinstance(r, ColumnMapping)]
    refused = [r for r in results if isinstance(r, MappingConflictError)]
    assert (len(saved), len(refused)) == (1, 1)
    assert ColumnMapping.objects.get().fixed == saved[0].fixed


def test_the_migration_keeps_the_newest_of_mappings_saved_twice_for_one_header(units):
    """Before one mapping per header row and commune was enforced, a race could leave two:
    migration 0006 keeps the newest (the one imports used), then adds the constraints."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate([("exchange", "0005_importrun_reading")])
    old = executor.loader.project_state([("exchange", "0005_importrun_reading")]).apps
    Old = old.get_model("exchange", "ColumnMapping")
    commune = units["commune"].pk
    older, _newer = (
        Old.objects.create(name=name, register_type="KS", signature="d" * 32, commune_id=commune)
        for name in ("first", "second")
    )
    run = old.get_model("exchange", "ImportRun").objects.create(
        original_name="cu.xlsx", sha256="0" * 64, file="imports/cu.xlsx", mapping=older
    )
    Old.objects.create(name="other commune", register_type="KS", signature="d" * 32)

    executor = MigrationExecutor(connection)
    executor.migrate([("exchange", "0006_columnmapping_fixed_values_value_maps")])

    fixed = [(m.name, m.fixed) for m in ColumnMapping.objects.order_by("name")]
    # Back to the latest schema, whatever migrations come after this one.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes("exchange"))
    kept = ColumnMapping.objects.order_by("name")
    assert fixed == [("other commune", {}), ("second", {})]
    assert [(m.name, m.version) for m in kept] == [("other commune", 1), ("second", 1)]
    assert ImportRun.objects.get(pk=run.pk).mapping is None  # its mapping was the older one
