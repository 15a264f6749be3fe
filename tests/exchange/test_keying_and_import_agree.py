"""A value keyed in the form and the same value imported from Excel are read alike.

Each case goes through both paths: the keying form (checked as the page checks it, saved
with a POST, confirmed when it has an error) and an import of an .xlsx built here with the
Ministry template's header. Both must store the same number, year, page and values, and
report the same problems at the same level: an error asks the officer to confirm and
rejects the file's row; a warning lets both through.
"""

import io
import json

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from hotich.exchange.layout import export_header
from hotich.keying.values import entry_problems, typed_values
from hotich.registers.models import Entry, RegisterBook
from hotich.registers.spec import REGISTER_TYPES, header_key
from tests.keying.conftest import NOT_FOUND

KS = REGISTER_TYPES["KS"]

BASE = {
    "so": "07",
    "quyenSo": "01/2008",
    "ngayDangKy": "20/11/2008",
    "loaiDangKy": "1",
    "noiDangKy": "UBND xã Đông Văn",
    "nksLoaiKhaiSinh": "1",
    **NOT_FOUND,
}

E, W = "error", "warning"

# (changes to BASE, stored (number, year, page) or None when the row is rejected,
#  expected problems: (field, level, words of the message)).
CASES = [
    pytest.param({"so": "07"}, (7, 2008, None), [], id="number"),
    pytest.param({"so": "07/2008"}, (7, 2008, None), [], id="number-year"),
    pytest.param({"so": "7 / 2009"}, (7, 2009, None), [], id="number-year-spaced"),
    pytest.param({"so": "07/08"}, (7, 2008, None), [], id="two-digit-year"),
    pytest.param(
        {"so": "07/2008/1"}, (7, 2008, None), [("so", W, "phần “/1”")], id="trailing-part"
    ),
    pytest.param({"so": "1234567"}, (1234567, 2008, None), [], id="seven-digits"),
    pytest.param({"so": "99999999999"}, None, [("so", E, "quá lớn")], id="too-large"),
    pytest.param({"so": "7a"}, None, [("so", E, "không đọc được")], id="not-a-number"),
    pytest.param({"so": "07/200"}, None, [("so", E, "không đọc được")], id="three-digit-year"),
    pytest.param({"trangSo": "4"}, (7, 2008, 4), [], id="page"),
    pytest.param({"trangSo": "4a"}, None, [("trangSo", E, "không phải số nguyên")], id="bad-page"),
    pytest.param({"nksNgaySinh": "09112008"}, (7, 2008, None), [], id="digit-date"),
    pytest.param({"nksNgaySinh": "31/02/2008"}, None, [("nksNgaySinh", E, "")], id="bad-date"),
    pytest.param({"nksGioiTinh": "Nam"}, (7, 2008, None), [], id="code-label"),
    pytest.param(
        {"nksGioiTinh": "Trai"}, None, [("nksGioiTinh", E, "không có trong danh mục")], id="code"
    ),
    pytest.param(
        {"ngayDangKy": "01/01/2008"},
        (7, 2008, None),
        [("ngayDangKy", W, "trước ngày sinh")],
        id="registered-before-birth",
    ),
    pytest.param(
        {"nksSoDinhDanh": "038308001234"},
        (7, 2008, None),
        [("nksSoDinhDanh", W, "giới tính khác")],
        id="id-against-sex",
    ),
    pytest.param(
        {"nksSoDinhDanh": "0383.0800.1234"},
        (7, 2008, None),
        [("nksSoDinhDanh", W, "giới tính khác")],
        id="id-with-separators",
    ),
    pytest.param(
        {"nksSoDinhDanh": "038208001234", "nksNgaySinh": "09/11/2007"},
        (7, 2008, None),
        [("nksSoDinhDanh", W, "năm sinh 2008, sổ ghi năm 2007")],
        id="id-against-birth-year",
    ),
    pytest.param({"nksSoDinhDanh": "172345678"}, (7, 2008, None), [], id="old-cmnd-kept"),
    pytest.param({"nksSoDinhDanh": "12345"}, None, [("nksSoDinhDanh", E, "12 chữ số")], id="short"),
    pytest.param(
        {"nksSoDinhDanh": "999308001234"}, None, [("nksSoDinhDanh", E, "")], id="bad-province"
    ),
    pytest.param({"meSoGiayToTuyThan": "B1234567"}, (7, 2008, None), [], id="passport"),
    pytest.param(
        {"meSoGiayToTuyThan": "B123/45"},
        None,
        [("meSoGiayToTuyThan", E, "chỉ được gồm chữ và số")],
        id="bad-document",
    ),
]


@pytest.fixture
def books(units):
    def make(commune) -> RegisterBook:
        return RegisterBook.objects.create(
            commune=commune,
            register_type="KS",
            year_from=2008,
            year_to=2009,
            volume="01/2008",
        )

    return make(units["commune"]), make(units["other_commune"])


def _keyed(book, client, row):
    """Key ROW in the form; return (problems as the page shows them, the entry or None)."""
    problems = entry_problems(KS, typed_values(KS, row), {})
    url = reverse("keying_new", args=[book.pk])
    data = dict(row)
    first = client.post(url, data)
    if first.status_code == 422:
        # The page asks to confirm that the book says so; then it saves as written.
        second = client.post(url, {**data, "_confirm": "1"})
        assert second.status_code == 302
    else:
        assert first.status_code == 302, first.content.decode()[:2000]
    keyed = Entry.objects.get(book=book)
    return problems, first.status_code == 422, keyed


def _imported(book, tmp_path, row):
    """Import ROW from an .xlsx with the Ministry header; return (result, entry or None)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = KS.template_sheet
    header = export_header(KS)
    sheet.append(header)
    sheet.append([row.get(header_key(h)) for h in header])
    path = tmp_path / "ks.xlsx"
    workbook.save(path)
    out = io.StringIO()
    call_command(
        "import", str(path), "--json", "--no-reconcile", "--book", str(book.pk), stdout=out
    )
    return json.loads(out.getvalue()), Entry.objects.filter(book=book).first()


def _found(problems):
    return sorted((field, level, message) for field, level, message in problems)


@pytest.mark.parametrize(("changes", "stored", "expected"), CASES)
def test_keying_and_import_store_and_check_a_value_alike(
    changes, stored, expected, books, personas, login, tmp_path
):
    row = {**BASE, **changes}
    keying_book, import_book = books

    problems, asked_to_confirm, keyed = _keyed(keying_book, login(personas["helper"]), row)
    result, imported = _imported(import_book, tmp_path, row)

    keying_found = _found((p.field, p.level, p.message) for p in problems)
    import_found = _found(
        [(header_key(e["column"]), E, e["message"]) for e in result["errors"]]
        + [(header_key(w["column"]), W, w["message"]) for w in result["warnings"]]
    )
    assert keying_found == import_found
    assert len(keying_found) == len(expected)
    for (field, level, words), (got_field, got_level, message) in zip(
        sorted(expected), keying_found, strict=True
    ):
        assert (got_field, got_level) == (field, level) and words in message
    # An error: keying needed a confirmation, the import rejected the row.
    has_error = any(level == E for _, level, _ in expected)
    assert asked_to_confirm is has_error
    assert (result["rejected"], imported is None) == (int(has_error), has_error)
    if stored is None:
        return
    assert (keyed.number, keyed.year, keyed.page) == stored
    assert (imported.number, imported.year, imported.page) == stored
    assert keyed.values == imported.values
