"""KS: the birth register (sổ đăng ký khai sinh).

All 70 columns of the real Ministry template ``moj-dl-import-khai-sinh.xlsx`` (sheet
``DL Import``), in its order and with its exact names; a test re-reads the header row.

``required`` is our reading, since the template marks no column: the entry's place in the
book (``so``, ``quyenSo``), when, how and where it was registered, and who was born
(name, sex, date of birth) and whether the parents are known (``nksLoaiKhaiSinh``, which
decides whether the mother and father blocks may be empty).

Beside the template's columns, the fields the newer interconnection layout (liên thông)
carries and the template lacks, marked ``not_in_template`` (``in_template=False``): the
birth-certificate code and date, the number of extracts, other ethnicity, the subject's
identity document, the unit codes of each place sent as an object (``nksNoiSinhDVHC`` is
the template's own commune code of the birthplace), the parents' other identity document
and the requester's personal ID, residence, telephone and e-mail. The template's export
and import leave them out (docs/exchange.md, "Interconnection layout").
"""

from hotich.registers.definitions import code_lists
from hotich.registers.definitions._blocks import (
    FOREIGN_REGISTRATION,
    REGISTRATION_REQUIRED,
    REQUESTER,
    REQUESTER_INTERCONNECTION,
    RESIDENCE_UNITS,
    address,
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
    "DanTocKhac",
    "QuocTich",
    "QuocTichStr",
    "QuocTichKhac",
    "QuocTichKhacStr",
    "LoaiCuTru",
    "NoiCuTru",
    *RESIDENCE_UNITS,
    "LoaiGiayToTuyThan",
    "GiayToKhac",
    "SoGiayToTuyThan",
)
#: What the interconnection layout adds to a parent (its ``meSoDDCN`` is our
#: ``meSoDinhDanhCaNhan``, a template column).
_PARENT_INTERCONNECTION = ("DanTocKhac", *RESIDENCE_UNITS, "GiayToKhac")
_SUBJECT_INTERCONNECTION = (
    "NoiSinhMaTinh",
    "NoiSinhMaHuyen",
    "NoiSinhNuocNgoai",
    "QueQuanMaTinh",
    "QueQuanMaHuyen",
    "QueQuanMaXa",
    "DanTocKhac",
    "LoaiGiayToTuyThan",
    "SoGiayToTuyThan",
    "NgayCapGiayToTuyThan",
    "NoiCapGiayToTuyThan",
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
                "maGCS",
                "ngayCapGCS",
                "soLuongBanSao",
            ),
            required=REGISTRATION_REQUIRED,
            code_lists_by_name={"loaiDangKy": code_lists.BIRTH_REGISTRATION_TYPE},
            not_in_template=("maGCS", "ngayCapGCS", "soLuongBanSao"),
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
                "NoiSinhMaTinh",
                "NoiSinhMaHuyen",
                "NoiSinhNuocNgoai",
                "QueQuan",
                "QueQuanMaTinh",
                "QueQuanMaHuyen",
                "QueQuanMaXa",
                "DanToc",
                "DanTocKhac",
                "QuocTich",
                "QuocTichStr",
                "QuocTichKhac",
                "QuocTichKhacStr",
                "LoaiKhaiSinh",
                "LoaiGiayToTuyThan",
                "SoGiayToTuyThan",
                "NgayCapGiayToTuyThan",
                "NoiCapGiayToTuyThan",
            ),
            required=("HoTen", "GioiTinh", "NgaySinh", "LoaiKhaiSinh"),
            not_in_template=_SUBJECT_INTERCONNECTION,
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
        *person_fields(
            "me", PersonRole.MOTHER, "mother", _PARENT, not_in_template=_PARENT_INTERCONNECTION
        ),
        *person_fields(
            "cha", PersonRole.FATHER, "father", _PARENT, not_in_template=_PARENT_INTERCONNECTION
        ),
        *person_fields(
            "nyc",
            PersonRole.REQUESTER,
            "requester",
            (*REQUESTER, *REQUESTER_INTERCONNECTION),
            not_in_template=REQUESTER_INTERCONNECTION,
        ),
        *plain_fields("foreign", FOREIGN_REGISTRATION),
    ),
    addresses=(
        address("nks", "NoiSinh", commune="nksNoiSinhDVHC"),
        address("nks", "QueQuan"),
        address("me", "NoiCuTru"),
        address("cha", "NoiCuTru"),
        address("nyc", "NoiCuTru"),
    ),
    has_public_template=True,
    priority=1,
)
