"""GH and CDGH: the guardianship registers (sổ đăng ký giám hộ, chấm dứt giám hộ) — our layout.

No Ministry import template for guardianship was found, so these layouts are ours, in the
style of the published ones: the usual registration block; for GH, the basis of the
guardianship (a decision appointing the guardian, quyết định cử, or the relationship that
makes one a guardian by law, giám hộ đương nhiên); the ward (``ndgh``, người được giám hộ);
up to two guardians (``ngh`` and ``ngh2``, Bộ luật Dân sự 2015, Điều 47: one person may
have several guardians when they are the parents or grandparents); and the requester
(``nyc``). CDGH refers to the guardianship registered before and says why and when it
ended (Bộ luật Dân sự 2015, Điều 62). Fields follow the Ministry's online forms: name,
sex, birth date, ethnicity, nationality, residence and identity document of each person.

When the Ministry publishes a guardianship template, replace the names here with its names.

``required`` is our reading: the entry's place in the book, when and where it was
registered, the ward's name and the (first) guardian's name.
"""

from hotich.registers.definitions import code_lists
from hotich.registers.definitions._blocks import (
    COLUMN_ATTRS,
    ID_DOCUMENT,
    PERSON_ATTRS,
    REGISTRATION_REQUIRED,
    REQUESTER,
    Attr,
    person_fields,
    plain_fields,
)
from hotich.registers.spec import Fact, Field, FieldType, PersonRole, RegisterType

T = FieldType

_COLUMNS = {
    **COLUMN_ATTRS,
    "ngayQuyetDinh": Attr("Ngày quyết định cử người giám hộ", T.PARTIAL_DATE),
    "coQuanQuyetDinh": Attr(
        "Cơ quan, người ra quyết định",
        T.TEXT,
        help="UBND xã, Tòa án … đã cử người giám hộ, như sổ ghi.",
    ),
    "canCuGiamHo": Attr(
        "Căn cứ giám hộ",
        T.TEXT,
        help="Lý do, giấy tờ làm căn cứ (quyết định cử, quan hệ giám hộ đương nhiên …).",
    ),
    "soDangKyGiamHo": Attr("Số đăng ký giám hộ", T.TEXT, help="Số của việc giám hộ đã đăng ký."),
    "ngayDangKyGiamHo": Attr("Ngày đăng ký giám hộ", T.PARTIAL_DATE),
    "noiDangKyGiamHo": Attr("Nơi đăng ký giám hộ", T.PLACE),
    "ngayChamDutGiamHo": Attr("Ngày chấm dứt giám hộ", T.PARTIAL_DATE),
    "lyDoChamDutGiamHo": Attr("Lý do chấm dứt giám hộ", T.CODE, code_lists.GUARDIANSHIP_END_REASON),
    "canCuChamDutGiamHo": Attr("Căn cứ chấm dứt giám hộ", T.TEXT),
}

_PERSON = {
    **PERSON_ATTRS,
    "QHNguoiDuocGiamHo": Attr("Quan hệ với người được giám hộ", T.TEXT, fact=Fact.RELATIONSHIP),
}

# ndgh{…}: the ward, with what identifies them in the registry.
_WARD = (
    "SoDinhDanh",
    "HoTen",
    "GioiTinh",
    "NgaySinh",
    "NoiSinh",
    "DanToc",
    "QuocTich",
    "LoaiCuTru",
    "NoiCuTru",
    *ID_DOCUMENT,
)

# ngh{…}, ngh2{…}: a guardian.
_GUARDIAN = (
    "SoDinhDanh",
    "HoTen",
    "GioiTinh",
    "NgaySinh",
    "DanToc",
    "QuocTich",
    "LoaiCuTru",
    "NoiCuTru",
    *ID_DOCUMENT,
    "QHNguoiDuocGiamHo",
)

_REGISTRATION = (
    "so",
    "quyenSo",
    "trangSo",
    "ngayDangKy",
    "loaiDangKy",
    "noiDangKy",
    "nguoiKy",
    "chucVuNguoiKy",
    "nguoiThucHien",
    "ghiChu",
)


def _people() -> tuple[Field, ...]:
    return (
        *person_fields("ndgh", PersonRole.WARD, "ward", _WARD, required=("HoTen",), attrs=_PERSON),
        *person_fields(
            "ngh", PersonRole.GUARDIAN, "guardian", _GUARDIAN, required=("HoTen",), attrs=_PERSON
        ),
        *person_fields("ngh2", PersonRole.GUARDIAN_2, "guardian2", _GUARDIAN, attrs=_PERSON),
        *person_fields("nyc", PersonRole.REQUESTER, "requester", REQUESTER),
    )


_PEOPLE_GROUPS = (
    ("ward", "Người được giám hộ"),
    ("guardian", "Người giám hộ"),
    ("guardian2", "Người giám hộ thứ hai"),
    ("requester", "Người yêu cầu"),
)

GUARDIANSHIP = RegisterType(
    code="GH",
    label="Giám hộ",
    book_label="Sổ đăng ký giám hộ",
    groups=(
        ("registration", "Thông tin đăng ký"),
        ("basis", "Căn cứ giám hộ"),
        *_PEOPLE_GROUPS,
    ),
    fields=(
        *plain_fields(
            "registration",
            _REGISTRATION,
            required=REGISTRATION_REQUIRED,
            code_lists_by_name={"loaiDangKy": code_lists.GUARDIANSHIP_REGISTRATION_TYPE},
        ),
        *plain_fields(
            "basis",
            ("quyetDinhSo", "ngayQuyetDinh", "coQuanQuyetDinh", "canCuGiamHo"),
            attrs=_COLUMNS,
        ),
        *_people(),
    ),
    has_public_template=False,
    priority=7,
)

GUARDIANSHIP_END = RegisterType(
    code="CDGH",
    label="Chấm dứt giám hộ",
    book_label="Sổ đăng ký chấm dứt giám hộ",
    groups=(
        ("registration", "Thông tin đăng ký"),
        ("guardianship", "Việc giám hộ đã đăng ký"),
        ("end", "Chấm dứt giám hộ"),
        *_PEOPLE_GROUPS,
    ),
    fields=(
        *plain_fields(
            "registration",
            tuple(c for c in _REGISTRATION if c != "loaiDangKy"),
            required=REGISTRATION_REQUIRED,
        ),
        *plain_fields(
            "guardianship",
            ("soDangKyGiamHo", "ngayDangKyGiamHo", "noiDangKyGiamHo"),
            attrs=_COLUMNS,
        ),
        *plain_fields(
            "end",
            ("ngayChamDutGiamHo", "lyDoChamDutGiamHo", "canCuChamDutGiamHo"),
            attrs=_COLUMNS,
        ),
        *_people(),
    ),
    has_public_template=False,
    priority=8,
)
