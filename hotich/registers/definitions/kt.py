"""KT: the death register (sổ đăng ký khai tử).

Columns as public data-entry tools for the Ministry template list them (docs/sources.md;
we hold no KT template file): registration, the deceased (identity, then the death, then
a court's declaration of death), the death notice (giấy báo tử, ``gbt``: a document, not a
person), the requester and the four foreign-registration columns.

``required`` is our reading: the entry's place in the book, when, how and where it was
registered, and the deceased's name, sex and date of death. The date of birth is not
required: old death books often give only an age.

Beside them, marked ``not_in_template``, the fields of the newer interconnection layout
(liên thông) that the template lacks: the death-notice code and date (``maGBT``,
``ngayCapGBT``), the number of extracts, other ethnicity, the unit codes of the residence
and of the place of death, and the requester's personal ID, residence and contacts.
"""

from hotich.registers.definitions import code_lists
from hotich.registers.definitions._blocks import (
    FOREIGN_REGISTRATION,
    ID_DOCUMENT,
    REGISTRATION_REQUIRED,
    REQUESTER,
    REQUESTER_INTERCONNECTION,
    RESIDENCE_UNITS,
    address,
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
                "soLuongBanSao",
            ),
            required=REGISTRATION_REQUIRED,
            code_lists_by_name={"loaiDangKy": code_lists.DEATH_REGISTRATION_TYPE},
            not_in_template=("soLuongBanSao",),
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
                "DanTocKhac",
                "QuocTich",
                "QuocTichKhac",
                "LoaiCuTru",
                "NoiCuTru",
                *RESIDENCE_UNITS,
                *ID_DOCUMENT,
            ),
            required=("HoTen", "GioiTinh"),
            not_in_template=("DanTocKhac", *RESIDENCE_UNITS),
        ),
        *person_fields(
            "nkt",
            PersonRole.DECEASED,
            "death",
            (
                "NgayChet",
                "NgayChetGhiBangChu",
                "GioPhutChet",
                "NoiChet",
                "NoiChetMaTinh",
                "NoiChetMaHuyen",
                "NoiChetMaXa",
                "NguyenNhanChet",
            ),
            required=("NgayChet",),
            not_in_template=("NoiChetMaTinh", "NoiChetMaHuyen", "NoiChetMaXa"),
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
        *plain_fields(
            "death_notice",
            ("gbtLoai", "gbtSo", "gbtNgay", "gbtCoQuanCap", "maGBT", "ngayCapGBT"),
            not_in_template=("maGBT", "ngayCapGBT"),
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
        address("nkt", "NoiCuTru"),
        address("nkt", "NoiChet"),
        address("nyc", "NoiCuTru"),
    ),
    has_public_template=True,
    priority=4,
)
