"""KS: the birth register (sổ đăng ký khai sinh).

All 70 columns of the real Ministry template ``moj-dl-import-khai-sinh.xlsx`` (sheet
``DL Import``), in its order and with its exact names; a test re-reads the header row.

``required`` is our reading, since the template marks no column: the entry's place in the
book (``so``, ``quyenSo``), when, how and where it was registered, and who was born
(name, sex, date of birth) and whether the parents are known (``nksLoaiKhaiSinh``, which
decides whether the mother and father blocks may be empty).
"""

from hotich.registers.definitions import code_lists
from hotich.registers.definitions._blocks import (
    FOREIGN_REGISTRATION,
    REGISTRATION_REQUIRED,
    REQUESTER,
    person_fields,
    plain_fields,
)
from hotich.registers.spec import PersonRole, RegisterType

# me{…} and cha{…}: the KS parent block. Unlike other registers it carries the personal
# ID and the nationality twice (value and "Str"), and only the type and number of the
# identity document.
_PARENT = (
    "SoDinhDanhCaNhan",
    "HoTen",
    "NgaySinh",
    "DanToc",
    "QuocTich",
    "QuocTichStr",
    "QuocTichKhac",
    "QuocTichKhacStr",
    "LoaiCuTru",
    "NoiCuTru",
    "LoaiGiayToTuyThan",
    "SoGiayToTuyThan",
)

BIRTH = RegisterType(
    code="KS",
    label="Khai sinh",
    book_label="Sổ đăng ký khai sinh",
    groups=(
        ("registration", "Thông tin đăng ký"),
        ("subject", "Người được khai sinh"),
        ("missing_person", "Tuyên bố mất tích"),
        ("restricted_capacity", "Tuyên bố hạn chế năng lực hành vi dân sự"),
        ("mother", "Mẹ"),
        ("father", "Cha"),
        ("requester", "Người đi khai sinh"),
        ("foreign", "Đăng ký tại cơ quan có thẩm quyền nước ngoài"),
    ),
    fields=(
        *plain_fields(
            "registration",
            (
                "STT",
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
            code_lists_by_name={"loaiDangKy": code_lists.BIRTH_REGISTRATION_TYPE},
        ),
        *person_fields(
            "nks",
            PersonRole.SUBJECT,
            "subject",
            (
                "SoDinhDanh",
                "HoTen",
                "GioiTinh",
                "NgaySinh",
                "NgaySinhBangChu",
                "NoiSinh",
                "NoiSinhDVHC",
                "QueQuan",
                "DanToc",
                "QuocTich",
                "QuocTichStr",
                "QuocTichKhac",
                "QuocTichKhacStr",
                "LoaiKhaiSinh",
            ),
            required=("HoTen", "GioiTinh", "NgaySinh", "LoaiKhaiSinh"),
        ),
        *person_fields(
            "nks",
            PersonRole.SUBJECT,
            "missing_person",
            (
                "MatTich",
                "MatTichNgayGhiChuTuyenBo",
                "MatTichCanCuTuyenBo",
                "MatTichNgayGhiChuHuyTuyenBo",
                "MatTichCanCuHuyTuyenBo",
            ),
        ),
        *person_fields(
            "nks",
            PersonRole.SUBJECT,
            "restricted_capacity",
            (
                "HanCheNangLucHanhVi",
                "HanCheNangLucHanhViNgayGhiChuTuyenBo",
                "HanCheNangLucHanhViCanCuTuyenBo",
                "HanCheNangLucHanhViNgayGhiChuHuyTuyenBo",
                # Sic: the template's name for the cancellation basis (see _blocks).
                "HanCheNangLucHanhViNgayCanCuHuyTuyenBo",
            ),
        ),
        *person_fields("me", PersonRole.MOTHER, "mother", _PARENT),
        *person_fields("cha", PersonRole.FATHER, "father", _PARENT),
        *person_fields("nyc", PersonRole.REQUESTER, "requester", REQUESTER),
        *plain_fields("foreign", FOREIGN_REGISTRATION),
    ),
    has_public_template=True,
    priority=1,
)
