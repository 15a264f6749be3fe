"""GCLH: the divorce-note register (sổ ghi chú ly hôn) — our layout.

A Vietnamese citizen divorced abroad has the divorce (a foreign court's judgment, or a
foreign authority's decision) noted in the civil-status book (Luật Hộ tịch 2014, Điều 50;
Nghị định 123/2015/NĐ-CP, Điều 37–39). No Ministry import template was found, so this
layout is ours, in the style of the published ones: the registration block; the spouses
(``chong``, ``vo``: the KH spouse block, with the personal ID); the marriage that was
dissolved (number, date, place of its registration); the judgment or decision (number,
date, the authority and its country, the date it took effect); and the requester.

``required`` is our reading: the entry's place in the book, when and where it was noted,
both spouses' names and the judgment's number.
"""

from hotich.registers.definitions._blocks import (
    COLUMN_ATTRS,
    ID_DOCUMENT,
    REGISTRATION_REQUIRED,
    REQUESTER,
    Attr,
    person_fields,
    plain_fields,
)
from hotich.registers.spec import FieldType, PersonRole, RegisterType

T = FieldType

_COLUMNS = {
    **COLUMN_ATTRS,
    "soDangKyKetHon": Attr("Số đăng ký kết hôn", T.TEXT),
    "ngayDangKyKetHon": Attr("Ngày đăng ký kết hôn", T.PARTIAL_DATE),
    "noiDangKyKetHon": Attr("Nơi đăng ký kết hôn", T.PLACE),
    "banAnSo": Attr("Số bản án, quyết định ly hôn", T.TEXT),
    "ngayBanAn": Attr("Ngày bản án, quyết định", T.PARTIAL_DATE),
    "coQuanGiaiQuyet": Attr(
        "Cơ quan giải quyết ly hôn", T.TEXT, help="Tòa án, cơ quan nước ngoài."
    ),
    "qgGiaiQuyet": Attr("Quốc gia giải quyết ly hôn", T.NATIONALITY, help="Tên quốc gia."),
    "ngayCoHieuLuc": Attr("Ngày có hiệu lực", T.PARTIAL_DATE),
}

_SPOUSE = (
    "SoDinhDanh",
    "HoTen",
    "NgaySinh",
    "DanToc",
    "QuocTich",
    "QuocTichKhac",
    "LoaiCuTru",
    "NoiCuTru",
    *ID_DOCUMENT,
)

DIVORCE_NOTE = RegisterType(
    code="GCLH",
    label="Ghi chú ly hôn",
    book_label="Sổ ghi chú ly hôn",
    groups=(
        ("registration", "Thông tin ghi chú"),
        ("husband", "Chồng"),
        ("wife", "Vợ"),
        ("marriage", "Việc kết hôn đã đăng ký"),
        ("divorce", "Bản án, quyết định ly hôn"),
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
                "noiDangKy",
                "nguoiKy",
                "chucVuNguoiKy",
                "nguoiThucHien",
                "ghiChu",
            ),
            required=REGISTRATION_REQUIRED,
        ),
        *person_fields("chong", PersonRole.HUSBAND, "husband", _SPOUSE, required=("HoTen",)),
        *person_fields("vo", PersonRole.WIFE, "wife", _SPOUSE, required=("HoTen",)),
        *plain_fields(
            "marriage", ("soDangKyKetHon", "ngayDangKyKetHon", "noiDangKyKetHon"), attrs=_COLUMNS
        ),
        *plain_fields(
            "divorce",
            ("banAnSo", "ngayBanAn", "coQuanGiaiQuyet", "qgGiaiQuyet", "ngayCoHieuLuc"),
            required=("banAnSo",),
            attrs=_COLUMNS,
        ),
        *person_fields("nyc", PersonRole.REQUESTER, "requester", REQUESTER),
    ),
    has_public_template=False,
    priority=10,
)
