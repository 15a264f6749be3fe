"""Building blocks shared by the register definitions.

The Ministry templates repeat the same column shapes: a registration block (``so``,
``quyenSo`` …), person blocks (``<prefix>HoTen``, ``<prefix>NgaySinh`` …), an identity
document block and the four foreign-registration columns. Each attribute's label, type
and code list is written once here; a register module lists the column names in template
order and these builders turn them into :class:`~hotich.registers.spec.Field` values.
The builders never reorder: the order of ``include`` is the template's column order.
"""

from collections.abc import Iterable, Mapping
from typing import NamedTuple

from hotich.registers.definitions import code_lists
from hotich.registers.spec import Address, CodeList, Fact, Field, FieldType, PersonRole

T = FieldType
F = Fact


class Attr(NamedTuple):
    """How one column reads: Vietnamese label, value type, code list, help text, and for a
    person's column the fact about the person it carries."""

    label: str
    type: FieldType
    code_list: CodeList | None = None
    help: str = ""
    fact: Fact | None = None
    synonyms: tuple[str, ...] = ()


def _code(label: str, code_list: CodeList, help: str = "", fact: Fact | None = None) -> Attr:
    return Attr(label, T.CODE, code_list, help, fact)


_UNIT_LEVELS = (("MaTinh", "tỉnh", 2), ("MaHuyen", "huyện", 3), ("MaXa", "xã", 5))


def _unit_codes(place: str, what: str, fact: Fact, *, commune: bool = True) -> dict[str, Attr]:
    """Return the unit-code attributes of PLACE (``NoiCuTruMaTinh`` …): province, district
    and, unless the template already has its own column (``NoiSinhDVHC``), commune."""
    return {
        f"{place}{suffix}": Attr(
            f"Mã {level} của {what}",
            T.ADMIN_UNIT,
            help=f"Mã {level} ({digits} chữ số) theo danh mục đơn vị hành chính (liên thông).",
            fact=fact,
        )
        for suffix, level, digits in _UNIT_LEVELS
        if commune or suffix != "MaXa"
    }


# Attributes of a person, keyed by the column-name suffix after the person prefix.
PERSON_ATTRS: dict[str, Attr] = {
    "SoDinhDanh": Attr("Số định danh cá nhân", T.ID_NUMBER, fact=F.PERSONAL_ID),
    "SoDinhDanhCaNhan": Attr("Số định danh cá nhân", T.ID_NUMBER, fact=F.PERSONAL_ID),
    "HoTen": Attr("Họ, chữ đệm, tên", T.NAME, fact=F.FULL_NAME),
    "GioiTinh": _code("Giới tính", code_lists.SEX, fact=F.SEX),
    "NgaySinh": Attr("Ngày, tháng, năm sinh", T.PARTIAL_DATE, fact=F.BIRTH_DATE),
    "NgaySinhBangChu": Attr("Ngày sinh bằng chữ", T.DATE_IN_WORDS, fact=F.BIRTH_DATE_IN_WORDS),
    "NoiSinh": Attr("Nơi sinh", T.PLACE, fact=F.BIRTHPLACE),
    "NoiSinhDVHC": Attr(
        "Nơi sinh (đơn vị hành chính)",
        T.ADMIN_UNIT,
        help="Mã đơn vị hành chính của nơi sinh, theo danh mục tại thời điểm sự kiện.",
        fact=F.BIRTHPLACE_UNIT,
    ),
    "QueQuan": Attr("Quê quán", T.PLACE, fact=F.HOMETOWN),
    "DanToc": Attr("Dân tộc", T.ETHNICITY, fact=F.ETHNICITY),
    "DanTocKhac": Attr(
        "Dân tộc khác",
        T.TEXT,
        help="Tên dân tộc ghi bằng chữ khi không có trong danh mục (liên thông).",
        fact=F.OTHER_ETHNICITY,
    ),
    "QuocTich": Attr("Quốc tịch", T.NATIONALITY, fact=F.NATIONALITY),
    "QuocTichStr": Attr(
        "Quốc tịch (dạng chữ)",
        T.NATIONALITY,
        help="Tên quốc tịch ghi bằng chữ, đi kèm cột Quốc tịch trong mẫu.",
        fact=F.NATIONALITY,
    ),
    "QuocTichKhac": Attr(
        "Quốc tịch khác", T.NATIONALITY, help="Quốc tịch thứ hai, nếu có.", fact=F.OTHER_NATIONALITY
    ),
    "QuocTichKhacStr": Attr("Quốc tịch khác (dạng chữ)", T.NATIONALITY, fact=F.OTHER_NATIONALITY),
    "LoaiKhaiSinh": _code("Loại khai sinh", code_lists.BIRTH_KIND, fact=F.BIRTH_KIND),
    "LoaiCuTru": _code("Loại cư trú", code_lists.RESIDENCE_TYPE, fact=F.RESIDENCE_TYPE),
    "NoiCuTru": Attr("Nơi cư trú", T.PLACE, fact=F.RESIDENCE),
    "LoaiGiayToTuyThan": _code(
        "Loại giấy tờ tùy thân", code_lists.ID_DOCUMENT_TYPE, fact=F.ID_DOCUMENT_TYPE
    ),
    "GiayToKhac": Attr(
        "Giấy tờ khác",
        T.TEXT,
        help="Tên giấy tờ khi loại giấy tờ tùy thân là 'Giấy tờ khác'.",
        fact=F.ID_DOCUMENT_OTHER,
    ),
    "SoGiayToTuyThan": Attr("Số giấy tờ tùy thân", T.ID_NUMBER, fact=F.ID_DOCUMENT),
    "NgayCapGiayToTuyThan": Attr(
        "Ngày cấp giấy tờ tùy thân", T.PARTIAL_DATE, fact=F.ID_DOCUMENT_DATE
    ),
    "NoiCapGiayToTuyThan": Attr("Nơi cấp giấy tờ tùy thân", T.PLACE, fact=F.ID_DOCUMENT_PLACE),
    # The interconnection layout (liên thông) sends places as objects (tỉnh, huyện, xã, chi
    # tiết): the book's text keeps the place as written, these keep its unit codes.
    **_unit_codes("NoiSinh", "nơi sinh", F.BIRTHPLACE_UNIT, commune=False),
    **_unit_codes("QueQuan", "quê quán", F.HOMETOWN_UNIT),
    **_unit_codes("NoiCuTru", "nơi cư trú", F.RESIDENCE_UNIT),
    **_unit_codes("NoiChet", "nơi chết", F.DEATH),
    "NoiSinhNuocNgoai": Attr(
        "Nơi sinh ở nước ngoài",
        T.PLACE,
        help="Nơi sinh khi sinh ra ở nước ngoài, ghi như hồ sơ liên thông.",
        fact=F.BIRTHPLACE_ABROAD,
    ),
    "SoDienThoai": Attr("Số điện thoại", T.TEXT, fact=F.CONTACT),
    "Email": Attr("Thư điện tử", T.TEXT, fact=F.CONTACT),
    # Requester (nyc): relationship to the person registered.
    "QuanHe": Attr("Quan hệ với người được đăng ký", T.TEXT, fact=F.RELATIONSHIP),
    "QHNguoiDuocNhan": Attr("Quan hệ với người được nhận", T.TEXT, fact=F.RELATIONSHIP),
    "QHNguoiNhan": Attr("Quan hệ với người nhận", T.TEXT, fact=F.RELATIONSHIP),
    # Court declarations noted in a birth entry: missing person (mất tích) and restricted
    # capacity (hạn chế năng lực hành vi); each is a status plus date and basis of the
    # declaration and of its cancellation.
    "MatTich": _code("Mất tích", code_lists.DECLARATION, fact=F.DECLARATION),
    "MatTichNgayGhiChuTuyenBo": Attr(
        "Ngày ghi chú tuyên bố mất tích", T.PARTIAL_DATE, fact=F.DECLARATION
    ),
    "MatTichCanCuTuyenBo": Attr("Căn cứ tuyên bố mất tích", T.TEXT, fact=F.DECLARATION),
    "MatTichNgayGhiChuHuyTuyenBo": Attr(
        "Ngày ghi chú hủy tuyên bố mất tích", T.PARTIAL_DATE, fact=F.DECLARATION
    ),
    "MatTichCanCuHuyTuyenBo": Attr("Căn cứ hủy tuyên bố mất tích", T.TEXT, fact=F.DECLARATION),
    "HanCheNangLucHanhVi": _code(
        "Hạn chế năng lực hành vi dân sự", code_lists.DECLARATION, fact=F.DECLARATION
    ),
    "HanCheNangLucHanhViNgayGhiChuTuyenBo": Attr(
        "Ngày ghi chú tuyên bố hạn chế năng lực hành vi", T.PARTIAL_DATE, fact=F.DECLARATION
    ),
    "HanCheNangLucHanhViCanCuTuyenBo": Attr(
        "Căn cứ tuyên bố hạn chế năng lực hành vi", T.TEXT, fact=F.DECLARATION
    ),
    "HanCheNangLucHanhViNgayGhiChuHuyTuyenBo": Attr(
        "Ngày ghi chú hủy tuyên bố hạn chế năng lực hành vi", T.PARTIAL_DATE, fact=F.DECLARATION
    ),
    # Sic: the template spells this column "...NgayCanCuHuy...", though it holds the basis
    # (căn cứ) like its MatTich twin; keep the Ministry's name.
    "HanCheNangLucHanhViNgayCanCuHuyTuyenBo": Attr(
        "Căn cứ hủy tuyên bố hạn chế năng lực hành vi", T.TEXT, fact=F.DECLARATION
    ),
    # Death (nkt).
    "NgayChet": Attr("Ngày chết", T.PARTIAL_DATE, fact=F.DEATH),
    "NgayChetGhiBangChu": Attr("Ngày chết ghi bằng chữ", T.DATE_IN_WORDS, fact=F.DEATH),
    "GioPhutChet": Attr("Giờ, phút chết", T.TIME, fact=F.DEATH),
    "NoiChet": Attr("Nơi chết", T.PLACE, fact=F.DEATH),
    "NguyenNhanChet": Attr("Nguyên nhân chết", T.TEXT, fact=F.DEATH),
    "TinhTrangTuyenBoViecChet": _code(
        "Tình trạng tuyên bố chết",
        code_lists.DECLARATION,
        "Tòa án tuyên bố một người là đã chết.",
        fact=F.DECLARATION,
    ),
    "NgayGhiChuTuyenBoViecChet": Attr(
        "Ngày ghi chú tuyên bố chết", T.PARTIAL_DATE, fact=F.DECLARATION
    ),
    "CanCuTuyenBoViecChet": Attr("Căn cứ tuyên bố chết", T.TEXT, fact=F.DECLARATION),
    "NgayGhiChuHuyTuyenBoViecChet": Attr(
        "Ngày ghi chú hủy tuyên bố chết", T.PARTIAL_DATE, fact=F.DECLARATION
    ),
    "CanCuHuyTuyenBoViecChet": Attr("Căn cứ hủy tuyên bố chết", T.TEXT, fact=F.DECLARATION),
    # Marital-status confirmation (nxn): residence period and the status confirmed.
    "ThoiGianCuTruTai": Attr("Nơi cư trú trong thời gian xác nhận", T.PLACE, fact=F.MARITAL_STATUS),
    "ThoiGianCuTruTu": Attr("Cư trú từ ngày", T.PARTIAL_DATE, fact=F.MARITAL_STATUS),
    "ThoiGianCuTruDen": Attr("Cư trú đến ngày", T.PARTIAL_DATE, fact=F.MARITAL_STATUS),
    "TinhTrangHonNhan": Attr(
        "Tình trạng hôn nhân",
        T.TEXT,
        help="Ghi nguyên văn, ví dụ 'Chưa đăng ký kết hôn với ai' hoặc quá trình hôn nhân.",
        fact=F.MARITAL_STATUS,
    ),
    "LoaiMucDichSuDung": _code(
        "Loại mục đích sử dụng", code_lists.CONFIRMATION_PURPOSE, fact=F.MARITAL_STATUS
    ),
    "MucDichSuDung": Attr("Mục đích sử dụng", T.TEXT, fact=F.MARITAL_STATUS),
}

# Columns without a person prefix: registration, marriage status, the death notice (gbt)
# and registration abroad. Keyed by the full column name.
COLUMN_ATTRS: dict[str, Attr] = {
    "STT": Attr("Số thứ tự", T.INTEGER, help="Số thứ tự dòng trong tệp, không phải số trong sổ."),
    "so": Attr("Số", T.ENTRY_NUMBER, help="Số đăng ký trong sổ, đánh lại từ 01 mỗi năm."),
    "quyenSo": Attr("Quyển số", T.BOOK_NUMBER, help="Ví dụ 01/2018."),
    "trangSo": Attr("Trang số", T.INTEGER),
    "quyetDinhSo": Attr("Quyết định số", T.TEXT),
    "ngayDangKy": Attr(
        "Ngày đăng ký",
        T.PARTIAL_DATE,
        help="Ghi theo sổ; năm sai hiển nhiên (5005) sửa theo sổ (2005).",
    ),
    "loaiDangKy": Attr("Loại đăng ký", T.CODE),  # code list set per register
    "loaiXacNhan": _code("Loại xác nhận", code_lists.RECOGNITION_KIND),
    "noiDangKy": Attr("Nơi đăng ký", T.PLACE, help="Cơ quan đăng ký, ví dụ UBND xã …, như sổ ghi."),
    "noiCap": Attr("Nơi cấp", T.PLACE, help="Cơ quan cấp giấy xác nhận, như sổ ghi."),
    "nguoiKy": Attr("Người ký", T.NAME),
    "chucVuNguoiKy": Attr("Chức vụ người ký", T.TEXT),
    "ngayXacLapQuanHeHonNhan": Attr(
        "Ngày xác lập quan hệ hôn nhân",
        T.PARTIAL_DATE,
        help="Khi khác ngày đăng ký, ví dụ hôn nhân thực tế được công nhận.",
    ),
    "nguoiThucHien": Attr("Người thực hiện", T.NAME, help="Công chức tư pháp – hộ tịch."),
    "ghiChu": Attr("Ghi chú", T.TEXT),
    "tinhTrangKetHon": _code("Tình trạng kết hôn", code_lists.MARRIAGE_STATUS),
    "huyKetHonNgayGhiChu": Attr("Ngày ghi chú hủy kết hôn", T.PARTIAL_DATE),
    "huyKetHonCanCu": Attr("Căn cứ hủy kết hôn", T.TEXT),
    "congNhanKetHonNgayGhiChu": Attr("Ngày ghi chú công nhận kết hôn", T.PARTIAL_DATE),
    "congNhanKetHonCanCu": Attr("Căn cứ công nhận kết hôn", T.TEXT),
    "gbtLoai": _code("Loại giấy báo tử", code_lists.DEATH_NOTICE_TYPE),
    "gbtSo": Attr("Số giấy báo tử", T.TEXT),
    "gbtNgay": Attr("Ngày cấp giấy báo tử", T.PARTIAL_DATE),
    "gbtCoQuanCap": Attr("Cơ quan cấp giấy báo tử", T.TEXT),
    # Interconnection layout (liên thông) only: the medical certificates behind the entry
    # and the number of extracts asked for.
    "maGCS": Attr("Mã giấy chứng sinh", T.TEXT, help="Mã giấy chứng sinh điện tử (liên thông)."),
    "ngayCapGCS": Attr("Ngày cấp giấy chứng sinh", T.PARTIAL_DATE),
    "maGBT": Attr("Mã giấy báo tử", T.TEXT, help="Mã giấy báo tử điện tử (liên thông)."),
    "ngayCapGBT": Attr("Ngày cấp giấy báo tử (liên thông)", T.PARTIAL_DATE),
    "soLuongBanSao": Attr("Số lượng bản sao", T.INTEGER, help="Số bản sao trích lục yêu cầu."),
    "soDangKyNuocNgoai": Attr("Số đăng ký ở nước ngoài", T.TEXT),
    "ngayDangKyNuocNgoai": Attr("Ngày đăng ký ở nước ngoài", T.PARTIAL_DATE),
    "cqNuocNgoaiDaDangKy": Attr("Cơ quan nước ngoài đã đăng ký", T.TEXT),
    "qgNuocNgoaiDaDangKy": Attr("Quốc gia đã đăng ký", T.NATIONALITY, help="Tên quốc gia."),
}

# Headers that old commune software (and hand-made spreadsheets) give the columns, as met in
# legacy exports: keyed by the column name, or for a person's column by its suffix (the
# words then stand for the register's first person alone, or combine with the person's
# group label: "Họ tên mẹ", "Họ và tên người được khai sinh"). The mapping screen of an
# import proposes them; matching folds tones, case, spaces and punctuation.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "STT": ("TT", "Số TT"),
    "so": ("Số ĐK", "Số đăng ký", "Số đăng kí", "Số khai sinh", "Số hiệu"),
    "quyenSo": ("Quyển", "Quyển số", "Số quyển", "Quyển sổ"),
    "trangSo": ("Trang", "Tờ số", "Số trang"),
    "ngayDangKy": ("Ngày ĐK", "Ngày đăng ký", "Ngày đăng kí", "Ngày ghi sổ"),
    "loaiDangKy": ("Loại ĐK", "Hình thức đăng ký", "Loại việc", "Hình thức ĐK"),
    "noiDangKy": ("Nơi ĐK", "Nơi đăng ký", "Cơ quan đăng ký", "Đơn vị đăng ký"),
    "nguoiKy": ("Người ký", "Người ký giấy", "Lãnh đạo ký"),
    "chucVuNguoiKy": ("Chức vụ", "Chức vụ người ký"),
    "nguoiThucHien": (
        "Cán bộ tư pháp",
        "Cán bộ hộ tịch",
        "Công chức tư pháp",
        "Cán bộ tư pháp hộ tịch",
        "Người thực hiện",
    ),
    "ghiChu": ("Ghi chú", "Chú thích"),
    "SoDinhDanh": ("Số định danh", "Mã định danh", "Số ĐDCN"),
    "SoDinhDanhCaNhan": ("Số định danh", "Mã định danh", "Số ĐDCN"),
    "HoTen": ("Họ tên", "Họ và tên", "Tên"),
    "GioiTinh": ("Giới tính", "Phái", "Giới"),
    "NgaySinh": ("Ngày sinh", "Năm sinh", "Ngày tháng năm sinh"),
    "NoiSinh": ("Nơi sinh",),
    "QueQuan": ("Quê quán", "Nguyên quán"),
    "DanToc": ("Dân tộc",),
    "QuocTich": ("Quốc tịch",),
    "NoiCuTru": ("Nơi cư trú", "Địa chỉ", "Nơi thường trú", "Trú quán", "Thường trú"),
    "SoGiayToTuyThan": ("Số CMND", "Số CCCD", "Số giấy tờ", "CMND", "CCCD"),
    "LoaiKhaiSinh": ("Loại khai sinh",),
    "NgayChet": ("Ngày chết", "Ngày mất", "Ngày tử"),
    "NoiChet": ("Nơi chết", "Nơi mất"),
    "NguyenNhanChet": ("Nguyên nhân chết", "Nguyên nhân"),
}

# --- Column lists that recur, in template order ------------------------------------------

ID_DOCUMENT: tuple[str, ...] = (
    "LoaiGiayToTuyThan",
    "GiayToKhac",
    "SoGiayToTuyThan",
    "NgayCapGiayToTuyThan",
    "NoiCapGiayToTuyThan",
)
"""The identity-document block (giấy tờ tùy thân) of a person."""

REQUESTER: tuple[str, ...] = ("HoTen", "QuanHe", *ID_DOCUMENT)
"""``nyc{7 fields}``: the requester (người yêu cầu) in KS, KT and HN."""

REQUESTER_INTERCONNECTION: tuple[str, ...] = (
    "SoDinhDanhCaNhan",
    "SoDienThoai",
    "Email",
    "LoaiCuTru",
    "NoiCuTru",
    "NoiCuTruMaTinh",
    "NoiCuTruMaHuyen",
    "NoiCuTruMaXa",
)
"""What the interconnection layout adds to the requester of a birth or a death (its
``nycSoDDCN`` is our ``nycSoDinhDanhCaNhan``)."""

RESIDENCE_UNITS: tuple[str, ...] = ("NoiCuTruMaTinh", "NoiCuTruMaHuyen", "NoiCuTruMaXa")
"""The unit codes of a residence, interconnection layout only."""

FOREIGN_REGISTRATION: tuple[str, ...] = (
    "soDangKyNuocNgoai",
    "ngayDangKyNuocNgoai",
    "cqNuocNgoaiDaDangKy",
    "qgNuocNgoaiDaDangKy",
)
"""The four columns for an event first registered abroad (ghi vào sổ)."""

REGISTRATION_REQUIRED: frozenset[str] = frozenset(
    {"so", "quyenSo", "ngayDangKy", "loaiDangKy", "noiDangKy", "noiCap"}
)
"""Registration columns every entry needs (our reading: the template marks none)."""


def address(prefix: str, place: str, *, commune: str = "") -> Address:
    """Return the address ``<prefix><place>`` (its text field) with its unit-code fields
    ``…MaTinh``, ``…MaHuyen``, ``…MaXa``; COMMUNE names the template's own commune-code
    column where it has one (``nksNoiSinhDVHC``)."""
    text = prefix + place
    return Address(
        text=text,
        province=f"{text}MaTinh",
        district=f"{text}MaHuyen",
        commune=commune or f"{text}MaXa",
    )


def person_fields(
    prefix: str,
    role: PersonRole | None,
    group: str,
    include: Iterable[str],
    *,
    required: Iterable[str] = (),
    attrs: Mapping[str, Attr] = PERSON_ATTRS,
    not_in_template: Iterable[str] = (),
) -> tuple[Field, ...]:
    """Return the fields ``<prefix><suffix>`` for each suffix in ``include``, in that order.

    ``role`` is the person they describe (``None`` for a document such as gbt); ``required``
    names the suffixes that must have a value and must be among ``include``. ``attrs``
    lets a register add suffixes of its own. A person's field carries its attribute's fact
    (:class:`~hotich.registers.spec.Fact`); a document's or an institution's carries none.
    ``not_in_template`` names the suffixes (among ``include``) the Ministry template lacks:
    the interconnection layout's own fields (:attr:`Field.in_template`).
    """
    include = tuple(include)
    required = frozenset(required)
    extra = frozenset(not_in_template)
    if not (required | extra) <= set(include):
        raise ValueError(f"{prefix}: {sorted((required | extra) - set(include))} not included")
    return tuple(
        _field(prefix + suffix, attrs[suffix], group, role, suffix in required, suffix in extra)
        for suffix in include
    )


def plain_fields(
    group: str,
    include: Iterable[str],
    *,
    required: Iterable[str] = (),
    code_lists_by_name: Mapping[str, CodeList] | None = None,
    attrs: Mapping[str, Attr] = COLUMN_ATTRS,
    not_in_template: Iterable[str] = (),
) -> tuple[Field, ...]:
    """Return fields for unprefixed columns ``include``, in that order.

    ``required`` columns not in ``include`` are ignored, so one set (such as
    :data:`REGISTRATION_REQUIRED`) serves registers whose blocks differ.
    ``code_lists_by_name`` supplies lists that differ per register (``loaiDangKy``);
    ``not_in_template`` names the columns the Ministry template lacks (see
    :func:`person_fields`).
    """
    required = frozenset(required)
    extra = frozenset(not_in_template)
    if not extra <= set(include):
        raise ValueError(f"{sorted(extra - set(include))} not included")
    overrides = code_lists_by_name or {}
    fields = []
    for name in include:
        attr = attrs[name]
        if name in overrides:
            attr = attr._replace(code_list=overrides[name])
        fields.append(_field(name, attr, group, None, name in required, name in extra))
    return tuple(fields)


def _field(
    name: str,
    attr: Attr,
    group: str,
    role: PersonRole | None,
    required: bool,
    not_in_template: bool = False,
) -> Field:
    if role is not None and attr.fact is None:
        raise ValueError(f"{name}: a person's column needs the fact it carries")
    return Field(
        name=name,
        label=attr.label,
        type=attr.type,
        code_list=attr.code_list,
        required=required,
        person=role,
        fact=attr.fact if role is not None else None,
        group=group,
        help=attr.help,
        synonyms=attr.synonyms or SYNONYMS.get(name, SYNONYMS.get(_suffix(name, role), ())),
        in_template=not not_in_template,
    )


def _suffix(name: str, role: PersonRole | None) -> str:
    """Return the attribute part of a person's column name (``meHoTen`` → ``HoTen``)."""
    if role is None:
        return name
    for suffix in sorted(PERSON_ATTRS, key=len, reverse=True):
        if name.endswith(suffix):
            return suffix
    return name
