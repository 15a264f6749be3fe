"""The interconnection layout (liên thông): JSON birth and death records in and out.

Real components throughout: the files are written as the layout's clients write them, read
by the one reader behind ``hotich import`` and the upload page, and the unit codes are the
official list's (:mod:`hotich.lib.places`).
"""

import io
import json

import openpyxl
import pytest
from django.core.management.base import CommandError
from django.urls import reverse

from hotich.audit.models import AuditEvent
from hotich.exchange import interconnection
from hotich.exchange.exports import interconnection_export_create, ministry_workbook
from hotich.exchange.layout import export_header
from hotich.exchange.models import BookExport, ImportRun
from hotich.keying.forms import form_groups
from hotich.registers.models import Entry, EntryStatus, RegisterBook
from hotich.registers.services import entry_create
from hotich.registers.spec import REGISTER_TYPES
from tests.exchange.factories import sample_values
from tests.exchange.test_import import run_import, snapshot

KS = REGISTER_TYPES["KS"]
KT = REGISTER_TYPES["KT"]

#: Xã Đông Văn (16417), of district 380 (Thành phố Thanh Hóa), Tỉnh Thanh Hóa (38): the
#: official pre-2025 list.
DONG_VAN = {"maTinh": "38", "maHuyen": "380", "maXa": "16417"}


def birth(number: int, **extra):
    """Return a birth record as an interconnection client sends it (codes, objects)."""
    return {
        "so": f"{number:02d}/2008",
        "quyenSo": "01/2008",
        "ngayDangKy": "27/08/2008",
        "maGCS": f"GCS-38-{number:05d}",
        "ngayCapGCS": "16/08/2008",
        "loaiDangKy": "1",
        "noiDangKy": "UBND xã Đông Văn",
        "soLuongBanSao": "2",
        "nksHoTen": "Nguyễn Thị Phượng",
        "nksGioiTinh": "2",
        "nksNgaySinh": "15/08/2008",
        "nksNoiSinh": {**DONG_VAN, "dcChiTiet": "Trạm y tế xã"},
        "nksQueQuan": {"maTinh": "38", "maHuyen": "", "maXa": "", "dcChiTiet": ""},
        "nksDanToc": "Khác",
        "nksDanTocKhac": "Ơ Đu",
        "nksQuocTich": "Việt Nam",
        "nksLoaiKhaiSinh": "1",
        "meHoTen": "Lê Thị Hoà",
        "meSoDDCN": "038188001234",
        "meDanTocKhac": "Ơ Đu",
        "meNoiCuTru": {**DONG_VAN, "dcChiTiet": "Thôn 3"},
        "chaHoTen": "Nguyễn Văn Hùng",
        "chaSoDDCN": "038085001234",
        "nycHoTen": "Nguyễn Văn Hùng",
        "nycQuanHe": "Cha",
        "nycSoDienThoai": "0912345678",
        "nycEmail": "hung@example.vn",
        **extra,
    }


def write(tmp_path, document, name="lienthong.json"):
    path = tmp_path / name
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


# --- the register definitions --------------------------------------------------------------


def test_the_template_columns_are_the_templates_alone_and_the_new_fields_are_marked():
    assert len(KS.column_names) == 70 and len(KT.column_names) == 48
    new = {f.name for f in KS.interconnection_fields}
    assert {"maGCS", "ngayCapGCS", "nksDanTocKhac", "meDanTocKhac", "chaDanTocKhac"} <= new
    assert {"nksSoGiayToTuyThan", "nycSoDienThoai", "nycEmail", "nksNoiSinhMaTinh"} <= new
    assert not new & set(KS.column_names)
    assert {"maGBT", "ngayCapGBT", "nktDanTocKhac", "nktNoiChetMaXa"} <= {
        f.name for f in KT.interconnection_fields
    }
    # The parents' personal IDs are the template's own columns, under the layout's name.
    assert interconnection.field_for_key(KS, "meSoDDCN") == "meSoDinhDanhCaNhan"
    assert interconnection.field_for_key(KS, "chaSoDDCN") == "chaSoDinhDanhCaNhan"
    assert interconnection.export_key("nycSoDinhDanhCaNhan") == "nycSoDDCN"


@pytest.mark.django_db
def test_the_ministry_export_of_an_entry_with_new_fields_is_the_template_unchanged(book):
    values = sample_values(KS, 1, 2008)
    entry_create(book=book, user=None, year=2008, number=1, values=values)
    data = ministry_workbook(book=book, entries=Entry.objects.filter(book=book))
    sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True)["DL Import"]
    header, row = list(sheet.iter_rows(min_row=1, max_row=2, values_only=True))
    assert list(header) == export_header(KS) and len(header) == 70
    assert "Ơ Đu" not in row and values["maGCS"] not in row


def test_the_keying_form_folds_the_new_fields_until_they_hold_a_value():
    (subject,) = [g for g in form_groups(KS, {}, {}) if g.key == "subject"]
    folded = {f.field.name for f in subject.more}
    assert {"nksDanTocKhac", "nksSoGiayToTuyThan", "nksNoiSinhMaTinh"} <= folded
    assert "nksHoTen" in {f.field.name for f in subject.basic}
    (subject,) = [g for g in form_groups(KS, {"nksDanTocKhac": "Ơ Đu"}, {}) if g.key == "subject"]
    assert "nksDanTocKhac" in {f.field.name for f in subject.basic}


# --- import --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_birth_record_imports_with_its_places_written_out_and_its_codes_kept(book, tmp_path):
    path = write(tmp_path, [birth(7)])

    result = run_import(path, "--book", str(book.pk))

    assert (result["imported"], result["rejected"]) == (1, 0), result["errors"]
    assert result["reading"].startswith("Hồ sơ liên thông (JSON), khai sinh, 1 bản ghi")
    values = Entry.objects.get().values
    assert values["nksNoiSinh"] == (
        "Trạm y tế xã, Xã Đông Văn, Thành phố Thanh Hóa, Tỉnh Thanh Hóa"
    )
    assert (values["nksNoiSinhDVHC"], values["nksNoiSinhMaHuyen"], values["nksNoiSinhMaTinh"]) == (
        "16417",
        "380",
        "38",
    )
    assert values["nksQueQuan"] == "Tỉnh Thanh Hóa" and values["nksQueQuanMaTinh"] == "38"
    assert values["meNoiCuTru"].startswith("Thôn 3, Xã Đông Văn")
    assert values["meNoiCuTruMaXa"] == "16417"
    assert values["meSoDinhDanhCaNhan"] == "038188001234"
    assert (values["maGCS"], values["nksDanTocKhac"], values["nycEmail"]) == (
        "GCS-38-00007",
        "Ơ Đu",
        "hung@example.vn",
    )
    assert ImportRun.objects.get().kind == "lienthong"


@pytest.mark.parametrize(
    "shape",
    [
        pytest.param(lambda records: records, id="a list of hoTich objects"),
        pytest.param(lambda records: [{"hoTich": r} for r in records], id="a list of wrappers"),
        pytest.param(lambda records: {"data": [{"hoTich": r} for r in records]}, id="data"),
        pytest.param(lambda records: {"data": records}, id="data of hoTich objects"),
        pytest.param(
            lambda records: {"data": [json.dumps({"hoTich": r}) for r in records]},
            id="records as JSON text",
        ),
    ],
)
@pytest.mark.django_db
def test_every_shape_of_the_layout_is_read(shape, book, tmp_path):
    path = write(tmp_path, shape([birth(1), birth(2)]))
    result = run_import(path, "--book", str(book.pk))
    assert (result["imported"], result["rejected"]) == (2, 0), result["errors"]


@pytest.mark.django_db
def test_one_wrapped_record_and_the_result_objects_entry_number_are_read(book, tmp_path):
    record = birth(3)
    record["soDangKy"] = record.pop("so")
    result = run_import(write(tmp_path, {"hoTich": record}), "--book", str(book.pk))
    assert result["imported"] == 1 and Entry.objects.get().number == 3


@pytest.mark.django_db
def test_bad_records_are_reported_by_number_and_field_in_vietnamese_and_good_ones_kept(
    book, tmp_path
):
    records = [
        birth(1),
        birth(2, nksNgaySinh="31/04/2008"),
        birth(3, meNoiCuTru=["Thôn 3"]),
        "không phải bản ghi",
        birth(5, nksNoiSinh={"maTinh": "38", "tenXa": "Đông Văn"}),
        birth(6, nksNoiSinh={**DONG_VAN, "maXa": "1641x", "dcChiTiet": ""}),
        birth(7, nksHoTen={"ho": "Nguyễn"}),
        birth(8),
    ]

    result = run_import(write(tmp_path, records), "--book", str(book.pk))

    assert (result["imported"], result["rejected"]) == (2, 6)
    errors = {e["row"]: e["column"] for e in result["errors"]}
    assert errors == {
        2: "Người được khai sinh – Ngày, tháng, năm sinh (nksNgaySinh)",
        3: "Mẹ – Nơi cư trú (meNoiCuTru)",
        4: "Bản ghi (hoTich)",
        5: "Người được khai sinh – Nơi sinh (nksNoiSinh)",
        6: "Người được khai sinh – Nơi sinh (đơn vị hành chính) (nksNoiSinh.maXa)",
        7: "Người được khai sinh – Họ, chữ đệm, tên (nksHoTen)",
    }
    assert sorted(Entry.objects.values_list("number", flat=True)) == [1, 8]
    run = ImportRun.objects.get()
    assert run.report  # the rejected records, downloadable with their reasons


@pytest.mark.django_db
def test_unknown_codes_and_fields_are_kept_or_reported_never_dropped_silently(book, tmp_path):
    record = birth(1, nksNoiSinh={"maTinh": "99", "maXa": "99999", "dcChiTiet": "Bệnh viện"})
    record["nksXacThucThongTin"] = "1"

    result = run_import(write(tmp_path, [record]), "--book", str(book.pk))

    assert result["imported"] == 1
    values = Entry.objects.get().values
    assert (values["nksNoiSinh"], values["nksNoiSinhDVHC"], values["nksNoiSinhMaTinh"]) == (
        "Bệnh viện",
        "99999",
        "99",
    )
    warnings = " ".join(w["message"] for w in result["warnings"])
    assert "nksXacThucThongTin" in warnings and "99/99999" in warnings


@pytest.mark.django_db
def test_running_the_same_file_again_changes_nothing(book, tmp_path):
    path = write(tmp_path, [birth(1), birth(2)])
    run_import(path, "--book", str(book.pk))
    before = snapshot(book)

    again = run_import(path, "--book", str(book.pk))

    assert (again["imported"], again["updated"], again["unchanged"]) == (0, 0, 2)
    assert snapshot(book) == before


@pytest.mark.django_db
def test_a_death_record_imports_into_a_death_book(units, tmp_path):
    book = RegisterBook.objects.create(
        commune=units["commune"], register_type="KT", year_from=2010, year_to=2010, volume="01/2010"
    )
    record = {
        "so": "03/2010",
        "quyenSo": "01/2010",
        "ngayDangKy": "05/03/2010",
        "loaiDangKy": "1",
        "noiDangKy": "UBND xã Đông Văn",
        "maGBT": "GBT-0001",
        "ngayCapGBT": "02/03/2010",
        "nktHoTen": "Trần Văn Bình",
        "nktGioiTinh": "1",
        "nktNgayChet": "01/03/2010",
        "nktNoiChet": {**DONG_VAN, "dcChiTiet": "Tại nhà"},
        "nktNoiCuTru": {**DONG_VAN, "dcChiTiet": "Thôn 1"},
        "gbtLoai": "1",
        "nycHoTen": "Trần Thị Hoa",
        "nycSoDDCN": "038190001234",
    }

    result = run_import(write(tmp_path, {"data": [{"hoTich": record}]}))

    assert (result["imported"], result["rejected"]) == (1, 0), result["errors"]
    values = Entry.objects.get(book=book).values
    assert values["nktNoiChet"].startswith("Tại nhà, Xã Đông Văn")
    assert (values["nktNoiChetMaXa"], values["maGBT"], values["nycSoDinhDanhCaNhan"]) == (
        "16417",
        "GBT-0001",
        "038190001234",
    )


HOSTILE = [
    pytest.param(b"[" * 100_000 + b"]" * 100_000, "lồng quá", id="nested 100,000 deep"),
    pytest.param(b'[[[[[[[{"a": 1}]]]]]]]', "lồng quá", id="nested past the limit"),
    pytest.param(b'[{"hoTich": {"nksHoTen": "A"', "không phải JSON hợp lệ", id="truncated"),
    pytest.param(b'{"a": 1' + b"9" * 5000 + b"}", "không phải JSON hợp lệ", id="huge number"),
    pytest.param(b'[{"nksHoTen": "Nguy\xe1\xbb"}]', "UTF-8", id="not UTF-8"),
    pytest.param(b'{"x": 1}', "không phải hồ sơ liên thông", id="not records"),
    pytest.param(b'[{"foo": "bar"}]', "Không nhận ra loại hồ sơ", id="no register fields"),
]


@pytest.mark.parametrize(("content", "message"), HOSTILE)
@pytest.mark.django_db
def test_a_hostile_or_broken_file_is_refused_as_a_whole_in_vietnamese(
    content, message, book, tmp_path
):
    path = tmp_path / "x.json"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        run_import(path, "--book", str(book.pk))
    assert not Entry.objects.exists()


@pytest.mark.django_db
def test_a_file_past_the_size_limit_is_refused(book, tmp_path, monkeypatch):
    monkeypatch.setattr(interconnection, "MAX_BYTES", 2000)
    path = write(tmp_path, [birth(i) for i in range(1, 5)])
    with pytest.raises(CommandError, match="lớn hơn"):
        run_import(path, "--book", str(book.pk))


@pytest.mark.django_db(transaction=True)
def test_the_upload_page_takes_a_json_file_and_refuses_a_hostile_one_without_a_500(
    login, personas, book, tmp_path
):
    client = login(personas["helper"])
    good = write(tmp_path, [birth(1)])
    with open(good, "rb") as handle:
        response = client.post(reverse("import_upload"), {"file": handle, "book": book.pk})
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response.url == reverse("import_detail", args=[run.pk])
    deep = tmp_path / "deep.json"
    deep.write_bytes(b"[" * 50_000 + b"]" * 50_000)
    with open(deep, "rb") as handle:
        refused = client.post(reverse("import_upload"), {"file": handle})
    assert refused.status_code == 400 and "lồng quá" in refused.content.decode()


# --- export and the round trip ------------------------------------------------------------


def _approved_book(units, code):
    register = REGISTER_TYPES[code]
    book = RegisterBook.objects.create(
        commune=units["commune"], register_type=code, year_from=2008, year_to=2009, volume="01/2008"
    )
    place = next(a.text for a in register.addresses)
    for i in range(5):
        year = 2008 + i % 2
        values = sample_values(register, i, year)
        marks = {place: "illegible"} if i == 2 else {}
        if marks:
            for name in (
                place,
                *next(a for a in register.addresses if a.text == place).code_fields,
            ):
                values.pop(name)
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
    entry_create(book=book, user=None, year=2008, number=1, values=sample_values(register, 9, 2008))
    Entry.objects.filter(book=book).update(status=EntryStatus.APPROVED)
    return book


@pytest.mark.parametrize("code", ["KS", "KT"])
@pytest.mark.django_db
def test_export_then_import_into_an_empty_book_gives_identical_entries(code, units, personas):
    book = _approved_book(units, code)
    before = snapshot(book)

    export = interconnection_export_create(book=book, user=personas["justice_officer"])

    assert export.kind == BookExport.Kind.INTERCONNECTION and export.entries == 6
    assert export.workbook.name.endswith(".json")
    document = json.loads(export.workbook.read())
    first = document["data"][0]["hoTich"]
    register = REGISTER_TYPES[code]
    place = register.addresses[0]
    assert set(first[interconnection.export_key(place.text)]) == set(interconnection.ADDRESS_KEYS)
    assert not {n for a in register.addresses for n in a.code_fields} & set(first)
    Entry.objects.all().delete()

    result = run_import(export.workbook.path, "--book", str(book.pk))

    assert (result["imported"], result["rejected"], result["errors"]) == (6, 0, [])
    assert snapshot(book) == before


@pytest.mark.django_db
def test_an_imported_file_exported_again_imports_to_the_same_entries(units, personas, tmp_path):
    book = RegisterBook.objects.create(
        commune=units["commune"], register_type="KS", year_from=2008, year_to=2008, volume="01/2008"
    )
    run_import(write(tmp_path, [birth(1), birth(2)]), "--book", str(book.pk))
    Entry.objects.update(status=EntryStatus.APPROVED)
    before = snapshot(book)
    export = interconnection_export_create(book=book, user=personas["justice_officer"])
    place = json.loads(export.workbook.read())["data"][0]["hoTich"]["nksNoiSinh"]
    assert place == {
        **DONG_VAN,
        "dcChiTiet": "Trạm y tế xã, Xã Đông Văn, Thành phố Thanh Hóa, Tỉnh Thanh Hóa",
    }
    Entry.objects.all().delete()

    run_import(export.workbook.path, "--book", str(book.pk))

    assert snapshot(book) == before


@pytest.mark.django_db
def test_an_export_sends_the_province_and_district_of_a_keyed_commune_code(book, personas):
    entry_create(
        book=book,
        user=None,
        year=2008,
        number=1,
        registration_date="27/08/2008",
        values={
            "so": "01",
            "nksHoTen": "A",
            "nksNoiSinh": "Xã Đông Văn",
            "nksNoiSinhDVHC": "16417",
        },
        status=EntryStatus.APPROVED,
    )
    export = interconnection_export_create(book=book, user=personas["justice_officer"])
    place = json.loads(export.workbook.read())["data"][0]["hoTich"]["nksNoiSinh"]
    assert place == {**DONG_VAN, "dcChiTiet": "Xã Đông Văn"}


@pytest.mark.django_db
def test_the_interconnection_export_is_made_from_the_exports_page_and_audited(
    login, personas, book, entry
):
    Entry.objects.update(status=EntryStatus.APPROVED)
    client = login(personas["justice_officer"])
    page = client.get(reverse("book_exports", args=[book.pk])).content.decode()
    assert 'value="lienthong"' in page

    client.post(reverse("book_export_start", args=[book.pk]), {"kind": "lienthong"})

    export = BookExport.objects.get(kind="lienthong")
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.EXPORT, changes__kind=[None, "lienthong"]
    ).exists()
    download = client.get(reverse("export_download", args=[export.pk, "xlsx"]))
    records = json.loads(b"".join(download.streaming_content))["data"]
    assert [r["hoTich"]["nksHoTen"] for r in records] == ["Nguyễn Thị Phượng"]
    # Marked fields travel in our own metadata; the entry's status is left as it is.
    assert records[0]["_hotich"]["danhDau"] == {"nksNoiSinh": "illegible"}
    assert Entry.objects.get().status == EntryStatus.APPROVED
    outsider = login(personas["outsider"])
    assert outsider.get(reverse("export_download", args=[export.pk, "xlsx"])).status_code == 403


@pytest.mark.django_db
def test_a_book_of_another_register_has_no_interconnection_export(units, personas):
    book = RegisterBook.objects.create(
        commune=units["commune"], register_type="KH", year_from=2008, year_to=2008, volume="01"
    )
    with pytest.raises(ValueError, match="chỉ có cho sổ khai sinh và sổ khai tử"):
        interconnection_export_create(book=book, user=personas["justice_officer"])


@pytest.mark.parametrize(
    ("codes", "when", "text"),
    [
        # A code means a unit of one period: 16417 was Xã Đông Văn, it is Phường Đông Quang.
        ({"province": "38", "district": "380", "commune": "16417"}, None, "Xã Đông Văn"),
        ({"province": "38", "commune": "16417"}, "2008-08-27", "Xã Đông Văn"),
        ({"province": "38", "commune": "16417"}, "2026-01-05", "Phường Đông Quang"),
        ({"province": "38", "commune": "16417"}, None, "Phường Đông Quang"),
    ],
)
def test_unit_codes_are_read_in_the_list_of_the_registration_date(codes, when, text):
    from datetime import date

    day = date.fromisoformat(when) if when else None
    written, known = interconnection.address_text("Thôn 3", codes, day)
    assert known and written.startswith(f"Thôn 3, {text}")


@pytest.mark.parametrize(
    ("detail", "expected"),
    [
        ("Thôn 3", "Thôn 3, Xã Đông Văn, Thành phố Thanh Hóa, Tỉnh Thanh Hóa"),
        ("Thôn 3, Đông Văn, TP Thanh Hóa", "Thôn 3, Đông Văn, TP Thanh Hóa"),
        ("Thôn 3, xa Dong Van, tinh Thanh Hoa", "Thôn 3, xa Dong Van, tinh Thanh Hoa"),
        ("", "Xã Đông Văn, Thành phố Thanh Hóa, Tỉnh Thanh Hóa"),
    ],
)
def test_a_detail_that_names_its_units_already_is_not_repeated(detail, expected):
    codes = {"province": "38", "district": "380", "commune": "16417"}
    assert interconnection.address_text(detail, codes, None) == (expected, True)


@pytest.mark.django_db
def test_the_command_names_a_bad_record_by_its_number(book, tmp_path):
    from django.core.management import call_command

    out = io.StringIO()
    path = write(tmp_path, [birth(1), birth(2, nksGioiTinh="Gái")])
    call_command("import", str(path), "--book", str(book.pk), "--no-reconcile", stdout=out)
    assert "Bản ghi 2, cột Người được khai sinh – Giới tính (nksGioiTinh)" in out.getvalue()
