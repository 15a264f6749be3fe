"""KT: the death register (sổ đăng ký khai tử).

Columns as public data-entry tools for the Ministry template list them (docs/sources.md;
we hold no KT template file): registration, the deceased (identity, then the death, then
a court's declaration of death), the death notice (giấy báo tử, ``gbt``: a document, not a
person), the requester and the four foreign-registration columns.

``required`` is our reading: the entry's place in the book, when, how and where it was
registered, and the deceased's name, sex and date of death. The date of birth is not
required: old death books often give only an age.
"""

from hotich.registers.definitions import code_lists
from hotich.registers.definitions._blocks import (
    FOREIGN_REGISTRATION,
    ID_DOCUMENT,
    REGISTRATION_REQUIRED,
    REQUESTER,
    person_fields,
    plain_fields,
)
from hotich.registers.spec import PersonRole, RegisterType

DEATH = RegisterType(
    code="KT",
    label="Khai tử",
    book_label="Sổ đăng ký khai tử",
    groups=(
        ("registration", "Thông tin đăng ký"),
        ("deceased", "Người chết"),
        ("death", "Thông tin về việc chết"),
        ("death_declaration", "Tuyên bố chết"),
        ("death_notice", "Giấy báo tử"),
        ("requester", "Người đi khai tử"),
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
            code_lists_by_name={"loaiDangKy": code_lists.DEATH_REGISTRATION_TYPE},
        ),
        *person_fields(
            "nkt",
            PersonRole.DECEASED,
            "deceased",
            (
                "HoTen",
                "GioiTinh",
                "NgaySinh",
                "DanToc",
                "QuocTich",
                "QuocTichKhac",
                "LoaiCuTru",
                "NoiCuTru",
                *ID_DOCUMENT,
            ),
            required=("HoTen", "GioiTinh"),
        ),
        *person_fields(
            "nkt",
            PersonRole.DECEASED,
            "death",
            ("NgayChet", "NgayChetGhiBangChu", "GioPhutChet", "NoiChet", "NguyenNhanChet"),
            required=("NgayChet",),
        ),
        *person_fields(
            "nkt",
            PersonRole.DECEASED,
            "death_declaration",
            (
                "TinhTrangTuyenBoViecChet",
                "NgayGhiChuTuyenBoViecChet",
                "CanCuTuyenBoViecChet",
                "NgayGhiChuHuyTuyenBoViecChet",
                "CanCuHuyTuyenBoViecChet",
            ),
        ),
        *plain_fields("death_notice", ("gbtLoai", "gbtSo", "gbtNgay", "gbtCoQuanCap")),
        *person_fields("nyc", PersonRole.REQUESTER, "requester", REQUESTER),
        *plain_fields("foreign", FOREIGN_REGISTRATION),
    ),
    has_public_template=True,
    priority=4,
)
