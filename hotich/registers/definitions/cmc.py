"""CMC: the parent–child recognition register (sổ đăng ký nhận cha, mẹ, con).

Columns as public data-entry tools for the Ministry template list them (docs/sources.md;
we hold no CMC template file): registration (with the decision number and the kind of
recognition), the parent (``cm``) and the child (``nc``), whichever recognises the
other, the requester with two relationships, and the four foreign-registration columns.
Some public tools omit ``cmGioiTinh``/``ncGioiTinh``; the documented list (docs/sources.md)
has them, so do we.

``required`` is our reading: the entry's place in the book, when, how and where it was
registered, the kind of recognition, and both persons' names and dates of birth.
"""

from hotich.registers.definitions import code_lists
from hotich.registers.definitions._blocks import (
    FOREIGN_REGISTRATION,
    ID_DOCUMENT,
    REGISTRATION_REQUIRED,
    person_fields,
    plain_fields,
)
from hotich.registers.spec import PersonRole, RegisterType

# cm{…} and nc{…}: a party to the recognition, with home town and identity document.
_PARTY = (
    "HoTen",
    "GioiTinh",
    "NgaySinh",
    "DanToc",
    "QuocTich",
    "QuocTichKhac",
    "QueQuan",
    "LoaiCuTru",
    "NoiCuTru",
    *ID_DOCUMENT,
)
_PARTY_REQUIRED = ("HoTen", "NgaySinh")

PARENT_CHILD_RECOGNITION = RegisterType(
    code="CMC",
    label="Nhận cha, mẹ, con",
    book_label="Sổ đăng ký nhận cha, mẹ, con",
    groups=(
        ("registration", "Thông tin đăng ký"),
        ("parent", "Cha, mẹ"),
        ("child", "Con"),
        ("requester", "Người yêu cầu"),
        ("foreign", "Đăng ký tại cơ quan có thẩm quyền nước ngoài"),
    ),
    fields=(
        *plain_fields(
            "registration",
            (
                "so",
                "quyenSo",
                "trangSo",
                "quyetDinhSo",
                "ngayDangKy",
                "loaiDangKy",
                "loaiXacNhan",
                "noiDangKy",
                "nguoiKy",
                "chucVuNguoiKy",
                "nguoiThucHien",
                "ghiChu",
            ),
            required={*REGISTRATION_REQUIRED, "loaiXacNhan"},
            code_lists_by_name={"loaiDangKy": code_lists.RECOGNITION_REGISTRATION_TYPE},
        ),
        *person_fields("cm", PersonRole.PARENT, "parent", _PARTY, required=_PARTY_REQUIRED),
        *person_fields("nc", PersonRole.CHILD, "child", _PARTY, required=_PARTY_REQUIRED),
        *person_fields(
            "nyc",
            PersonRole.REQUESTER,
            "requester",
            ("HoTen", "QHNguoiDuocNhan", "QHNguoiNhan", *ID_DOCUMENT),
        ),
        *plain_fields("foreign", FOREIGN_REGISTRATION),
    ),
    has_public_template=True,
    priority=5,
)
