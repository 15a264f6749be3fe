"""The register definitions against the Ministry template's shape and their own invariants.

Pure tests: no database. The birth template is built by ``tests/exchange/ministry_files.py``
with the real file's quirks; ``tests/exchange/test_ministry_files.py`` proves it is the real
file cell for cell.
"""

from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from hotich.registers.definitions import REGISTER_TYPES, code_lists
from hotich.registers.docs import render_markdown
from hotich.registers.spec import (
    CodeList,
    Field,
    FieldType,
    PersonRole,
    RegisterType,
    get_register_type,
    header_key,
    role_for_column,
)
from tests.exchange.ministry_files import ministry_file

REPO = Path(__file__).resolve().parents[2]

ALL_TYPES = list(REGISTER_TYPES.values())
by_code = pytest.mark.parametrize("register", ALL_TYPES, ids=lambda t: t.code)


@pytest.fixture(scope="module")
def ks_workbook(tmp_path_factory: pytest.TempPathFactory) -> Iterator[openpyxl.Workbook]:
    path = ministry_file(tmp_path_factory.mktemp("template") / "ks.xlsx")
    workbook = openpyxl.load_workbook(path, read_only=True)
    yield workbook
    workbook.close()


def header_cells(workbook: openpyxl.Workbook) -> list[str]:
    row = next(workbook["DL Import"].iter_rows(min_row=1, max_row=1, values_only=True))
    return [cell for cell in row if cell is not None]


# --- header_key -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("so ", "so"),
        ("quyenSo ", "quyenSo"),
        ("loaiDangKy \ni=[1,2,3,4,5,6]", "loaiDangKy"),
        ("nksLoaiKhaiSinh\ni=[1,2,3,4,5]", "nksLoaiKhaiSinh"),
        ("meLoaiGiayToTuyThan\ni=[1,2,3,4,5,6,7,8]", "meLoaiGiayToTuyThan"),
        ("loaiDangKy\r\ni=[1,2]", "loaiDangKy"),
        ("  nksHoTen\t", "nksHoTen"),
        ("nksHoTen\u00a0", "nksHoTen"),
        ("STT", "STT"),
        ("", ""),
        ("   ", ""),
        (None, ""),
    ],
)
def test_header_key_strips_template_header_noise(cell: str | None, expected: str) -> None:
    assert header_key(cell) == expected


# --- KS against the template's shape ----------------------------------------------------------


def test_ks_covers_every_template_column_in_order(ks_workbook: openpyxl.Workbook) -> None:
    template_columns = [header_key(cell) for cell in header_cells(ks_workbook)]

    assert len(template_columns) == 70
    assert list(get_register_type("KS").column_names) == template_columns


def test_the_template_header_really_has_the_quirks_header_key_handles(
    ks_workbook: openpyxl.Workbook,
) -> None:
    cells = header_cells(ks_workbook)

    assert any(cell.endswith(" ") for cell in cells)
    assert any("\ni=[" in cell for cell in cells)


def ghi_chu_lists(workbook: openpyxl.Workbook) -> dict[str, list[tuple[str, str]]]:
    """Return the sheet's code lists: title -> [(code, label)].

    The sheet lays lists out in column pairs (B/C, E/F): a title cell, then rows with an
    integer code and its label beneath it.
    """
    lists: dict[str, list[tuple[str, str]]] = {}
    current: dict[int, str] = {}
    for row in workbook["Ghi chu"].iter_rows(values_only=True):
        for col, value in enumerate(row):
            left = row[col - 1] if col else None
            label = row[col + 1] if col + 1 < len(row) else None
            if isinstance(value, int) and col in current and label is not None:
                lists[current[col]].append((str(value), str(label).strip()))
            elif isinstance(value, str) and value.strip() and not isinstance(left, int):
                # A text cell not right of a code starts a new list in this column.
                current[col] = value.strip()
                lists[value.strip()] = []
    return lists


GHI_CHU_TITLES = {
    "Loại đăng ký": code_lists.BIRTH_REGISTRATION_TYPE,
    "Loại giấy tờ tùy thân": code_lists.ID_DOCUMENT_TYPE,
    "Giới tính": code_lists.SEX,
    "nksMatTich & nksHanCheNangLucHanhVi": code_lists.DECLARATION,
}


def test_code_lists_match_the_template_ghi_chu_sheet(ks_workbook: openpyxl.Workbook) -> None:
    lists = ghi_chu_lists(ks_workbook)

    # A new list in the sheet must be mapped here, not silently ignored.
    assert set(lists) == set(GHI_CHU_TITLES)
    for title, code_list in GHI_CHU_TITLES.items():
        assert list(code_list.choices) == lists[title], title
        assert code_list.source == code_lists.GHI_CHU


def test_ks_code_columns_use_the_ghi_chu_lists() -> None:
    ks = get_register_type("KS")

    assert ks.field("loaiDangKy").code_list is code_lists.BIRTH_REGISTRATION_TYPE
    assert ks.field("nksGioiTinh").code_list is code_lists.SEX
    assert ks.field("meLoaiGiayToTuyThan").code_list is code_lists.ID_DOCUMENT_TYPE
    assert ks.field("nksMatTich").code_list is code_lists.DECLARATION
    assert ks.field("nksHanCheNangLucHanhVi").code_list is code_lists.DECLARATION


# --- invariants of every register type ---------------------------------------------------------


def test_there_is_one_register_type_per_book_kind_in_work_order() -> None:
    assert list(REGISTER_TYPES) == [
        "KS",
        "KH",
        "NCN",
        "KT",
        "CMC",
        "HN",
        "GH",
        "CDGH",
        "TDCC",
        "GCLH",
    ]
    assert [t.priority for t in ALL_TYPES] == sorted(t.priority for t in ALL_TYPES)


@by_code
def test_field_names_are_unique(register: RegisterType) -> None:
    assert len(set(register.field_names)) == len(register.fields)


@by_code
def test_each_field_describes_the_person_its_prefix_names(register: RegisterType) -> None:
    mismatched = [
        (f.name, f.person, role_for_column(f.name))
        for f in register.fields
        if f.person is not role_for_column(f.name)
    ]
    assert mismatched == []


@by_code
def test_every_code_field_has_a_code_list(register: RegisterType) -> None:
    for f in register.fields:
        assert (f.type is FieldType.CODE) == (f.code_list is not None), f.name


@by_code
def test_every_group_used_is_declared_and_every_declared_group_is_used(
    register: RegisterType,
) -> None:
    declared = [key for key, _ in register.groups]

    assert {f.group for f in register.fields} == set(declared)


@by_code
def test_groups_follow_the_page_layout_order(register: RegisterType) -> None:
    order = {key: i for i, (key, _) in enumerate(register.groups)}
    sequence = [order[f.group] for f in register.fields]

    assert sequence == sorted(sequence)


@by_code
def test_required_fields_exist_and_include_the_entry_place_in_the_book(
    register: RegisterType,
) -> None:
    required = {f.name for f in register.required_fields}

    assert required <= set(register.column_names)
    assert {"so", "quyenSo", "ngayDangKy"} <= required
    assert any(f.type is FieldType.NAME for f in register.required_fields)


@by_code
def test_every_field_has_a_vietnamese_label(register: RegisterType) -> None:
    assert all(f.label.strip() for f in register.fields)


@by_code
def test_persons_are_the_roles_of_the_fields_in_order_of_appearance(
    register: RegisterType,
) -> None:
    roles = [f.person for f in register.fields if f.person is not None]

    assert list(register.persons) == list(dict.fromkeys(roles))
    for role in register.persons:
        assert all(f.person is role for f in register.fields_for(role))


@pytest.mark.parametrize(
    ("code", "count"),
    [
        ("KS", 102),
        ("KH", 44),
        ("KT", 66),
        ("HN", 35),
        ("CMC", 52),
        ("NCN", 83),
        ("GH", 63),
        ("CDGH", 64),
        ("TDCC", 41),
        ("GCLH", 50),
    ],
)
def test_each_register_has_the_expected_number_of_columns(code: str, count: int) -> None:
    assert len(get_register_type(code).fields) == count


def test_our_own_layouts_are_marked_as_having_no_public_template() -> None:
    ours = [t.code for t in ALL_TYPES if not t.has_public_template]

    assert ours == ["NCN", "GH", "CDGH", "TDCC", "GCLH"]


@pytest.mark.parametrize(
    ("name", "role"),
    [
        ("nksHoTen", PersonRole.SUBJECT),
        ("nxnHoTen", PersonRole.SUBJECT),
        ("meHoTen", PersonRole.MOTHER),
        ("chaHoTen", PersonRole.FATHER),
        ("chaNuoiHoTen", PersonRole.ADOPTIVE_FATHER),
        ("meDeHoTen", PersonRole.BIRTH_MOTHER),
        ("chongNgaySinh", PersonRole.HUSBAND),
        ("ncHoTen", PersonRole.CHILD),
        ("nccHoTen", PersonRole.SUBJECT),
        ("ndghNgaySinh", PersonRole.WARD),
        ("nghHoTen", PersonRole.GUARDIAN),
        ("ngh2HoTen", PersonRole.GUARDIAN_2),
        ("ngayChamDutGiamHo", None),
        ("gbtLoai", None),
        ("chucVuNguoiKy", None),
        ("ngayDangKy", None),
        ("congNhanKetHonCanCu", None),
    ],
)
def test_role_for_column_reads_the_longest_prefix_followed_by_a_capital(
    name: str, role: PersonRole | None
) -> None:
    assert role_for_column(name) is role


def test_person_role_values_are_short_storage_keys() -> None:
    # Entries store the role in a 12-character column (registers.models.EntryPerson).
    assert all(len(role.value) <= 12 and role.value.isascii() for role in PersonRole)
    assert all(role.label for role in PersonRole)


def test_get_register_type_accepts_any_case_and_rejects_unknown_codes() -> None:
    assert get_register_type(" ks ") is REGISTER_TYPES["KS"]
    with pytest.raises(KeyError):
        get_register_type("XX")


def test_field_lookup_is_exact_and_names_the_register_when_missing() -> None:
    ks = get_register_type("KS")

    assert ks.field("nksHoTen").person is PersonRole.SUBJECT
    with pytest.raises(KeyError, match="KS"):
        ks.field("nksHoTen ")


def test_a_register_with_a_duplicate_or_an_undeclared_group_cannot_be_built() -> None:
    name = Field(name="so", label="Số", type=FieldType.ENTRY_NUMBER, group="registration")
    other = Field(name="ghiChu", label="Ghi chú", type=FieldType.TEXT, group="notes")

    def build(*fields: Field) -> RegisterType:
        return RegisterType(
            code="X",
            label="X",
            book_label="X",
            fields=fields,
            groups=(("registration", "Đăng ký"),),
            has_public_template=False,
            priority=9,
        )

    with pytest.raises(ValueError, match="duplicate"):
        build(name, name)
    with pytest.raises(ValueError, match="undeclared"):
        build(name, other)


def test_a_code_field_without_a_code_list_is_refused() -> None:
    with pytest.raises(ValueError, match="code list"):
        Field(name="loaiDangKy", label="Loại", type=FieldType.CODE, group="registration")


# --- code lists ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code_list", "value", "expected"),
    [
        (code_lists.SEX, "2", "2"),
        (code_lists.SEX, 2, "2"),
        (code_lists.SEX, 2.0, "2"),
        (code_lists.SEX, "02", "2"),
        (code_lists.SEX, "Nữ", "2"),
        (code_lists.SEX, "nu", "2"),
        (code_lists.SEX, "NỮ", "2"),
        (code_lists.SEX, "NU", "2"),
        (code_lists.SEX, "khong xac dinh", "3"),
        (code_lists.SEX, "Chưa xác định", "3"),
        (code_lists.ID_DOCUMENT_TYPE, "Thẻ căn cước công dân", "4"),
        (code_lists.ID_DOCUMENT_TYPE, "the can cuoc cong dan", "4"),
        (code_lists.ID_DOCUMENT_TYPE, "CCCD", "4"),
        (code_lists.ID_DOCUMENT_TYPE, "giay  cmnd", "1"),
        (code_lists.BIRTH_REGISTRATION_TYPE, "Đăng kí quá hạn", "4"),
        (code_lists.BIRTH_REGISTRATION_TYPE, "dang ky qua han", "4"),
        (code_lists.BIRTH_KIND, "Trẻ bị bỏ rơi", "5"),
        (code_lists.RESIDENCE_TYPE, "tam tru", "2"),
        (code_lists.RECOGNITION_KIND, "con nhan me", "4"),
        (code_lists.MARRIAGE_STATUS, "Đã ly hôn", "1"),
        (code_lists.DECLARATION, "huy tuyen bo", "2"),
    ],
)
def test_code_for_accepts_codes_and_labels_with_or_without_diacritics(
    code_list: CodeList, value: str | int | float, expected: str
) -> None:
    assert code_list.code_for(value) == expected


@pytest.mark.parametrize("value", ["9", 9, 1.5, "", None, True, "Nam giới", "Nam, nữ"])
def test_code_for_returns_none_for_values_outside_the_list(
    value: str | int | float | None,
) -> None:
    assert code_lists.SEX.code_for(value) is None


def test_label_for_gives_the_official_label_for_a_code_or_a_spelling() -> None:
    assert code_lists.SEX.label_for("1") == "Nam"
    assert code_lists.SEX.label_for(2) == "Nữ"
    assert code_lists.ID_DOCUMENT_TYPE.label_for("cccd") == "Thẻ căn cước công dân"
    assert code_lists.SEX.label_for("7") is None


def test_a_code_list_whose_spellings_name_two_codes_is_refused() -> None:
    with pytest.raises(ValueError, match="two codes"):
        CodeList(name="x", label="x", choices=(("1", "Nữ"), ("2", "Nu")))


@pytest.mark.parametrize("code_list", code_lists.ALL, ids=lambda c: c.name)
def test_every_code_list_says_where_it_comes_from(code_list: CodeList) -> None:
    assert code_list.source in {
        code_lists.GHI_CHU,
        code_lists.DOMAIN_GUIDE,
        code_lists.PUBLIC_TOOLS,
        code_lists.OURS,
    }


def test_every_code_list_used_by_a_field_is_documented() -> None:
    used = {f.code_list for t in ALL_TYPES for f in t.fields if f.code_list is not None}

    assert used <= set(code_lists.ALL)


# --- docs ----------------------------------------------------------------------------------------


def test_docs_registers_md_is_rendered_from_the_definitions() -> None:
    committed = (REPO / "docs" / "registers.md").read_text(encoding="utf-8")

    assert committed == render_markdown(), (
        "docs/registers.md is stale: run "
        "`.venv/bin/python -m hotich.registers.docs > docs/registers.md`"
    )


def test_docs_say_which_layouts_are_ours() -> None:
    text = render_markdown()

    assert "no public Ministry template was found" in text
    assert "Not defined yet" not in text
    for book in ("giám hộ", "chấm dứt giám hộ", "cải chính", "ghi chú ly hôn"):
        assert book in text
    for code in ("GH", "CDGH", "TDCC", "GCLH"):
        assert f"**{code}" in text or f", {code} (" in text or f"{code} (" in text
