"""KH: the marriage register (sổ đăng ký kết hôn).

Columns as public data-entry tools for the Ministry template list them (docs/sources.md;
we hold no KH template file): the registration block with the date the marriage was
established, the later status of the marriage (divorce, annulment, recognition), the
husband and wife blocks and the four foreign-registration columns.

``required`` is our reading: the entry's place in the book, when, how and where it was
registered, and both spouses' names and dates of birth.
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

# chong{…} and vo{…}: a spouse, with the full identity-document block.
_SPOUSE = ("HoTen", "NgaySinh", "DanToc", "QuocTich", "QuocTichKhac", "LoaiCuTru", "NoiCuTru")
_SPOUSE_REQUIRED = ("HoTen", "NgaySinh")

MARRIAGE = RegisterType(
    code="KH",
    label="Kết hôn",
    book_label="Sổ đăng ký kết hôn",
    groups=(
        ("registration", "Thông tin đăng ký"),
        ("marriage_status", "Tình trạng hôn nhân sau đăng ký"),
        ("husband", "Chồng"),
        ("wife", "Vợ"),
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
                "ngayXacLapQuanHeHonNhan",
                "nguoiThucHien",
                "ghiChu",
            ),
            required=REGISTRATION_REQUIRED,
            code_lists_by_name={"loaiDangKy": code_lists.MARRIAGE_REGISTRATION_TYPE},
        ),
        *plain_fields(
            "marriage_status",
            (
                "tinhTrangKetHon",
                "huyKetHonNgayGhiChu",
                "huyKetHonCanCu",
                "congNhanKetHonNgayGhiChu",
                "congNhanKetHonCanCu",
            ),
        ),
        *person_fields(
            "chong",
            PersonRole.HUSBAND,
            "husband",
            (*_SPOUSE, *ID_DOCUMENT),
            required=_SPOUSE_REQUIRED,
        ),
        *person_fields(
            "vo", PersonRole.WIFE, "wife", (*_SPOUSE, *ID_DOCUMENT), required=_SPOUSE_REQUIRED
        ),
        *plain_fields("foreign", FOREIGN_REGISTRATION),
    ),
    has_public_template=True,
    priority=2,
)
