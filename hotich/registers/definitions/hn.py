"""HN: the marital-status confirmation register (sổ cấp giấy xác nhận tình trạng hôn nhân).

Columns as public data-entry tools for the Ministry template list them (docs/sources.md;
we hold no HN template file). Unlike the others, the register has no ``loaiDangKy`` and
names the issuing authority ``noiCap`` instead of ``noiDangKy``; it has no foreign block.

``required`` is our reading: the entry's place in the book, the date and issuing
authority, the person confirmed (name, sex, date of birth) and the status confirmed.
"""

from hotich.registers.definitions._blocks import (
    ID_DOCUMENT,
    REGISTRATION_REQUIRED,
    REQUESTER,
    person_fields,
    plain_fields,
)
from hotich.registers.spec import PersonRole, RegisterType

MARITAL_STATUS_CONFIRMATION = RegisterType(
    code="HN",
    label="Xác nhận tình trạng hôn nhân",
    book_label="Sổ cấp Giấy xác nhận tình trạng hôn nhân",
    groups=(
        ("registration", "Thông tin cấp giấy"),
        ("subject", "Người được xác nhận"),
        ("residence_period", "Thời gian cư trú được xác nhận"),
        ("marital_status", "Tình trạng hôn nhân và mục đích sử dụng"),
        ("requester", "Người yêu cầu"),
    ),
    fields=(
        *plain_fields(
            "registration",
            (
                "so",
                "quyenSo",
                "trangSo",
                "ngayDangKy",
                "noiCap",
                "nguoiKy",
                "chucVuNguoiKy",
                "nguoiThucHien",
                "ghiChu",
            ),
            required=REGISTRATION_REQUIRED,
        ),
        *person_fields(
            "nxn",
            PersonRole.SUBJECT,
            "subject",
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
            required=("HoTen", "GioiTinh", "NgaySinh"),
        ),
        *person_fields(
            "nxn",
            PersonRole.SUBJECT,
            "residence_period",
            ("ThoiGianCuTruTai", "ThoiGianCuTruTu", "ThoiGianCuTruDen"),
        ),
        *person_fields(
            "nxn",
            PersonRole.SUBJECT,
            "marital_status",
            ("TinhTrangHonNhan", "LoaiMucDichSuDung", "MucDichSuDung"),
            required=("TinhTrangHonNhan",),
        ),
        *person_fields("nyc", PersonRole.REQUESTER, "requester", REQUESTER),
    ),
    has_public_template=True,
    priority=6,
)
