"""TDCC: the change and correction register (sổ đăng ký thay đổi, cải chính, bổ sung hộ
tịch, xác định lại dân tộc) — our layout.

No Ministry import template was found, so this layout is ours, in the style of the
published ones: the usual registration block, whose ``loaiDangKy`` says which of the four
procedures of Luật Hộ tịch 2014 (Điều 26–29) the entry is; the person whose civil status
is amended (``ncc``: identity as the book writes it, with the personal ID); the
registration that was amended (which event, its number, date and place); what was changed,
from what (``thongTinCu``) to what (``thongTinMoi``), on what grounds; and the requester.

The old and new values are kept exactly as written: this book records what changed, and
the person's other facts are those the book gives.

``required`` is our reading: the entry's place in the book, when, how and where it was
registered, the person's name and what was changed.
"""

from hotich.registers.definitions import code_lists
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
    "loaiViecHoTich": Attr("Việc hộ tịch đã đăng ký", T.CODE, code_lists.CIVIL_EVENT),
    "soDangKyGoc": Attr("Số đăng ký của việc hộ tịch", T.TEXT),
    "quyenSoGoc": Attr("Quyển số của việc hộ tịch", T.TEXT),
    "ngayDangKyGoc": Attr("Ngày đăng ký việc hộ tịch", T.PARTIAL_DATE),
    "noiDangKyGoc": Attr("Nơi đăng ký việc hộ tịch", T.PLACE),
    "noiDungThayDoi": Attr(
        "Nội dung thay đổi, cải chính",
        T.TEXT,
        help="Thông tin nào được thay đổi, ví dụ 'Họ, chữ đệm, tên' hoặc 'Ngày sinh'.",
    ),
    "thongTinCu": Attr("Từ (thông tin cũ)", T.TEXT, help="Ghi nguyên văn như trong sổ."),
    "thongTinMoi": Attr("Thành (thông tin mới)", T.TEXT, help="Ghi nguyên văn như trong sổ."),
    "canCuThayDoi": Attr(
        "Căn cứ", T.TEXT, help="Giấy tờ, lý do làm căn cứ thay đổi, cải chính, bổ sung."
    ),
}

CHANGE_CORRECTION = RegisterType(
    code="TDCC",
    label="Thay đổi, cải chính, bổ sung hộ tịch",
    book_label="Sổ đăng ký thay đổi, cải chính, bổ sung hộ tịch, xác định lại dân tộc",
    groups=(
        ("registration", "Thông tin đăng ký"),
        ("subject", "Người được thay đổi, cải chính hộ tịch"),
        ("original", "Việc hộ tịch được thay đổi, cải chính"),
        ("change", "Nội dung thay đổi, cải chính, bổ sung"),
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
                "loaiDangKy",
                "noiDangKy",
                "nguoiKy",
                "chucVuNguoiKy",
                "nguoiThucHien",
                "ghiChu",
            ),
            required=REGISTRATION_REQUIRED,
            code_lists_by_name={"loaiDangKy": code_lists.CHANGE_KIND},
        ),
        *person_fields(
            "ncc",
            PersonRole.SUBJECT,
            "subject",
            (
                "SoDinhDanh",
                "HoTen",
                "GioiTinh",
                "NgaySinh",
                "NoiSinh",
                "QueQuan",
                "DanToc",
                "QuocTich",
                "LoaiCuTru",
                "NoiCuTru",
                *ID_DOCUMENT,
            ),
            required=("HoTen",),
        ),
        *plain_fields(
            "original",
            ("loaiViecHoTich", "soDangKyGoc", "quyenSoGoc", "ngayDangKyGoc", "noiDangKyGoc"),
            attrs=_COLUMNS,
        ),
        *plain_fields(
            "change",
            ("noiDungThayDoi", "thongTinCu", "thongTinMoi", "canCuThayDoi"),
            required=("noiDungThayDoi",),
            attrs=_COLUMNS,
        ),
        *person_fields("nyc", PersonRole.REQUESTER, "requester", REQUESTER),
    ),
    has_public_template=False,
    priority=9,
)
