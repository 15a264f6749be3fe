"""NCN: the adoption register (sổ đăng ký nuôi con nuôi) — our own layout.

No Ministry import template for adoption was found, so this layout is ours, written in
the same style as the published ones so that an importer, a form and an export treat it
alike: the usual registration block, the decision (quyết định) behind the adoption and
its later termination (chấm dứt, by a court), the adoptive father (``chaNuoi``) and
mother (``meNuoi``), the adopted child (``cn``), who gave the child (``benGiaoConNuoi``)
— birth father (``chaDe``), birth mother (``meDe``), a guardian (``ngh``, người giám hộ)
or an institution (``csnd``, cơ sở nuôi dưỡng) — and the four foreign-registration
columns. Blocks mirror the KH spouse block (adoptive parents), the CMC party block plus
birth place and personal ID (child) and the KS parent block (birth parents).

When the Ministry publishes an adoption template, replace the names here with its names.

``required`` is our reading: the entry's place in the book, when, how and where it was
registered, and the child's name, sex and date of birth. Either adoptive parent may be
absent (a single adopter), so neither block is required.
"""

from hotich.registers.definitions import code_lists
from hotich.registers.definitions._blocks import (
    COLUMN_ATTRS,
    FOREIGN_REGISTRATION,
    ID_DOCUMENT,
    PERSON_ATTRS,
    REGISTRATION_REQUIRED,
    Attr,
    person_fields,
    plain_fields,
)
from hotich.registers.spec import FieldType, PersonRole, RegisterType

_COLUMNS = {
    **COLUMN_ATTRS,
    "ngayQuyetDinh": Attr("Ngày quyết định", FieldType.PARTIAL_DATE),
    "coQuanQuyetDinh": Attr("Cơ quan ra quyết định", FieldType.TEXT),
    "chamDutNuoiConNuoiNgayGhiChu": Attr(
        "Ngày ghi chú chấm dứt việc nuôi con nuôi", FieldType.PARTIAL_DATE
    ),
    "chamDutNuoiConNuoiCanCu": Attr(
        "Căn cứ chấm dứt việc nuôi con nuôi", FieldType.TEXT, help="Quyết định của Tòa án."
    ),
    "benGiaoConNuoi": Attr("Bên giao con nuôi", FieldType.CODE, code_lists.CHILD_GIVER),
}

_PERSON = {
    **PERSON_ATTRS,
    "Ten": Attr("Tên cơ sở nuôi dưỡng", FieldType.TEXT),
    "DiaChi": Attr("Địa chỉ cơ sở nuôi dưỡng", FieldType.PLACE),
}

# chaNuoi{…} and meNuoi{…}: like the KH spouse block.
_ADOPTER = (
    "HoTen",
    "NgaySinh",
    "DanToc",
    "QuocTich",
    "QuocTichKhac",
    "LoaiCuTru",
    "NoiCuTru",
    *ID_DOCUMENT,
)

# chaDe{…} and meDe{…}: like the KS parent block, without the "Str" twins.
_BIRTH_PARENT = (
    "HoTen",
    "NgaySinh",
    "DanToc",
    "QuocTich",
    "LoaiCuTru",
    "NoiCuTru",
    "LoaiGiayToTuyThan",
    "SoGiayToTuyThan",
)

ADOPTION = RegisterType(
    code="NCN",
    label="Nuôi con nuôi",
    book_label="Sổ đăng ký nuôi con nuôi",
    groups=(
        ("registration", "Thông tin đăng ký"),
        ("decision", "Quyết định"),
        ("termination", "Chấm dứt việc nuôi con nuôi"),
        ("adoptive_father", "Cha nuôi"),
        ("adoptive_mother", "Mẹ nuôi"),
        ("adopted_child", "Con nuôi"),
        ("giver", "Bên giao con nuôi"),
        ("birth_father", "Cha đẻ"),
        ("birth_mother", "Mẹ đẻ"),
        ("guardian", "Người giám hộ"),
        ("institution", "Cơ sở nuôi dưỡng"),
        ("foreign", "Đăng ký tại cơ quan có thẩm quyền nước ngoài"),
    ),
    fields=(
        *plain_fields(
            "registration",
            (
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
            ),
            required=REGISTRATION_REQUIRED,
            code_lists_by_name={"loaiDangKy": code_lists.ADOPTION_REGISTRATION_TYPE},
        ),
        *plain_fields(
            "decision", ("quyetDinhSo", "ngayQuyetDinh", "coQuanQuyetDinh"), attrs=_COLUMNS
        ),
        *plain_fields(
            "termination",
            ("chamDutNuoiConNuoiNgayGhiChu", "chamDutNuoiConNuoiCanCu"),
            attrs=_COLUMNS,
        ),
        *person_fields("chaNuoi", PersonRole.ADOPTIVE_FATHER, "adoptive_father", _ADOPTER),
        *person_fields("meNuoi", PersonRole.ADOPTIVE_MOTHER, "adoptive_mother", _ADOPTER),
        *person_fields(
            "cn",
            PersonRole.ADOPTED_CHILD,
            "adopted_child",
            (
                "SoDinhDanhCaNhan",
                "HoTen",
                "GioiTinh",
                "NgaySinh",
                "NoiSinh",
                "DanToc",
                "QuocTich",
                "QuocTichKhac",
                "QueQuan",
                "LoaiCuTru",
                "NoiCuTru",
                *ID_DOCUMENT,
            ),
            required=("HoTen", "GioiTinh", "NgaySinh"),
        ),
        *plain_fields("giver", ("benGiaoConNuoi",), attrs=_COLUMNS),
        *person_fields("chaDe", PersonRole.BIRTH_FATHER, "birth_father", _BIRTH_PARENT),
        *person_fields("meDe", PersonRole.BIRTH_MOTHER, "birth_mother", _BIRTH_PARENT),
        *person_fields(
            "ngh",
            PersonRole.GUARDIAN,
            "guardian",
            ("HoTen", "NgaySinh", "NoiCuTru", "LoaiGiayToTuyThan", "SoGiayToTuyThan"),
        ),
        *person_fields("csnd", None, "institution", ("Ten", "DiaChi"), attrs=_PERSON),
        *plain_fields("foreign", FOREIGN_REGISTRATION),
    ),
    has_public_template=False,
    priority=3,
)
