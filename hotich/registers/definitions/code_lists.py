"""Code lists (danh mục) used by the register templates.

Each list says where it comes from in ``source``:

- ``Ghi chu``: sheet ``Ghi chu`` of the real Ministry birth template; labels are copied
  exactly, including its spelling ("Đăng kí" with i). A test re-reads the sheet.
- ``documented``: the code lists of docs/sources.md ("Code lists"), from public tools; the
  labels are the wording those tools use.
- ``public tools``: seen in public data-entry tools for the Ministry templates but not in
  docs/sources.md: verify against a Ministry template of that register before relying on codes.
- ``ours``: adoption (NCN) has no public template; the list is our own layout.

Ethnicity and nationality are not code lists: the template stores them by name.
"""

from hotich.registers.spec import CodeList

GHI_CHU = "Ghi chu"
DOMAIN_GUIDE = "documented"
PUBLIC_TOOLS = "public tools"
OURS = "ours"

# --- Shared by several registers ---------------------------------------------------------

SEX = CodeList(
    name="gioiTinh",
    label="Giới tính",
    choices=(("1", "Nam"), ("2", "Nữ"), ("3", "Không xác định")),
    aliases=(("3", "Chưa xác định"), ("3", "Chưa xác định được giới tính")),
    source=GHI_CHU,
)

ID_DOCUMENT_TYPE = CodeList(
    name="loaiGiayToTuyThan",
    label="Loại giấy tờ tùy thân",
    choices=(
        ("1", "Giấy CMND"),
        ("2", "Hộ chiếu"),
        ("3", "Thẻ thường trú"),
        ("4", "Thẻ căn cước công dân"),
        ("5", "Giấy chứng minh quân đội nhân dân"),
        ("6", "Giấy chứng minh sĩ quan quân đội"),
        ("7", "Giấy chứng minh công an nhân dân"),
        ("8", "Giấy tờ khác"),
    ),
    aliases=(
        ("1", "CMND"),
        ("1", "Chứng minh nhân dân"),
        ("1", "Giấy chứng minh nhân dân"),
        ("4", "CCCD"),
        ("4", "Căn cước công dân"),
        # Since the 2023 Identity Law (in force 1 Jul 2024) new cards say "Thẻ căn cước".
        ("4", "Thẻ căn cước"),
    ),
    source=GHI_CHU,
)

RESIDENCE_TYPE = CodeList(
    name="loaiCuTru",
    label="Loại cư trú",
    choices=(("1", "Thường trú"), ("2", "Tạm trú")),
    source=DOMAIN_GUIDE,
)

# nksMatTich, nksHanCheNangLucHanhVi (and, by the same pattern, nktTinhTrangTuyenBoViecChet):
# a court declared the person missing / of restricted capacity / dead, or cancelled it.
DECLARATION = CodeList(
    name="tuyenBo",
    label="Tình trạng tuyên bố",
    choices=(("1", "Tuyên bố"), ("2", "Hủy tuyên bố")),
    source=GHI_CHU,
)

# --- KS: birth ---------------------------------------------------------------------------

BIRTH_REGISTRATION_TYPE = CodeList(
    name="loaiDangKyKhaiSinh",
    label="Loại đăng ký khai sinh",
    choices=(
        ("1", "Đăng kí đúng hạn"),
        ("2", "Đăng kí lại"),
        ("3", "Ghi vào sổ việc khai sinh đã đăng ký ở CQ có thẩm quyền nước ngoài"),
        ("4", "Đăng kí quá hạn"),
        ("5", "Cấp bản chính giấy khai sinh"),
        ("6", "Không xác định"),
    ),
    # The template writes "kí"; books and officers mostly write "ký".
    aliases=(
        ("1", "Đăng ký đúng hạn"),
        ("2", "Đăng ký lại"),
        ("4", "Đăng ký quá hạn"),
    ),
    source=GHI_CHU,
)

BIRTH_KIND = CodeList(
    name="loaiKhaiSinh",
    label="Loại khai sinh",
    choices=(
        ("1", "Đã xác định được cả cha lẫn mẹ"),
        ("2", "Chưa xác định được mẹ"),
        ("3", "Chưa xác định được cha"),
        ("4", "Chưa xác định được cả cha lẫn mẹ"),
        ("5", "Trẻ bị bỏ rơi"),
    ),
    source=DOMAIN_GUIDE,
)

# --- KH: marriage ------------------------------------------------------------------------

MARRIAGE_REGISTRATION_TYPE = CodeList(
    name="loaiDangKyKetHon",
    label="Loại đăng ký kết hôn",
    choices=(
        ("1", "Đăng ký mới"),
        ("2", "Đăng ký lại"),
        # By analogy with KS/KT/CMC: the KH template has the four foreign-registration
        # columns, which only make sense for this kind.
        ("3", "Ghi vào sổ việc kết hôn đã đăng ký ở CQ có thẩm quyền nước ngoài"),
    ),
    aliases=(("1", "Đăng ký lần đầu"),),
    source=PUBLIC_TOOLS,
)

MARRIAGE_STATUS = CodeList(
    name="tinhTrangKetHon",
    label="Tình trạng kết hôn",
    choices=(
        ("1", "Đã ly hôn"),
        ("2", "Đã hủy việc kết hôn"),
        ("3", "Đã được công nhận việc kết hôn"),
        ("4", "Không có thông tin"),
    ),
    aliases=(("1", "Ly hôn"), ("2", "Hủy kết hôn"), ("3", "Công nhận kết hôn")),
    source=DOMAIN_GUIDE,
)

# --- KT: death ---------------------------------------------------------------------------

DEATH_REGISTRATION_TYPE = CodeList(
    name="loaiDangKyKhaiTu",
    label="Loại đăng ký khai tử",
    choices=(
        ("1", "Đăng ký đúng hạn"),
        ("2", "Đăng ký lại"),
        ("3", "Ghi vào sổ việc khai tử đã đăng ký ở CQ có thẩm quyền nước ngoài"),
        ("4", "Đăng ký quá hạn"),
    ),
    source=PUBLIC_TOOLS,
)

DEATH_NOTICE_TYPE = CodeList(
    name="loaiGiayBaoTu",
    label="Loại giấy báo tử",
    choices=(
        ("1", "Giấy báo tử"),
        ("2", "Giấy xác nhận việc thi hành án tử hình"),
        ("3", "Bản án, quyết định có hiệu lực của Tòa án về việc tuyên bố một người là đã chết"),
        (
            "4",
            "Văn bản xác nhận của cơ quan công an hoặc kết quả giám định của Cơ quan giám định"
            " pháp y",
        ),
        ("5", "Văn bản xác định nguyên nhân chết của cơ quan y tế cấp huyện"),
        ("6", "Biên bản xác nhận việc chết"),
        ("7", "Văn bản xác nhận việc chết của người làm chứng"),
    ),
    source=PUBLIC_TOOLS,
)

# --- HN: marital-status confirmation -----------------------------------------------------

CONFIRMATION_PURPOSE = CodeList(
    name="loaiMucDichSuDung",
    label="Mục đích sử dụng giấy xác nhận",
    choices=(
        ("1", "Để đăng ký kết hôn trong nước (với người Việt Nam)"),
        ("2", "Để đăng ký kết hôn trong nước (với người nước ngoài)"),
        ("3", "Để đăng ký kết hôn ở nước ngoài (với người Việt Nam)"),
        ("4", "Để đăng ký kết hôn ở nước ngoài (với người nước ngoài)"),
        ("5", "Mục đích khác"),
    ),
    source=PUBLIC_TOOLS,
)

# --- CMC: parent-child recognition -------------------------------------------------------

RECOGNITION_REGISTRATION_TYPE = CodeList(
    name="loaiDangKyNhanChaMeCon",
    label="Loại đăng ký nhận cha, mẹ, con",
    choices=(
        ("1", "Đăng ký mới"),
        ("2", "Ghi vào sổ việc nhận cha, mẹ, con đã đăng ký ở CQ có thẩm quyền nước ngoài"),
    ),
    source=PUBLIC_TOOLS,
)

RECOGNITION_KIND = CodeList(
    name="loaiXacNhan",
    label="Loại xác nhận",
    choices=(
        ("1", "Cha nhận con"),
        ("2", "Mẹ nhận con"),
        ("3", "Con nhận cha"),
        ("4", "Con nhận mẹ"),
    ),
    source=DOMAIN_GUIDE,
)

# --- NCN: adoption (our layout) ----------------------------------------------------------

ADOPTION_REGISTRATION_TYPE = CodeList(
    name="loaiDangKyNuoiConNuoi",
    label="Loại đăng ký nuôi con nuôi",
    choices=(
        ("1", "Đăng ký mới"),
        ("2", "Đăng ký lại"),
        # Luật Nuôi con nuôi 2010, Điều 50: adoptions that happened before 2011 without
        # registration are registered afterwards ("nuôi con nuôi thực tế").
        ("3", "Đăng ký việc nuôi con nuôi thực tế"),
        ("4", "Ghi vào sổ việc nuôi con nuôi đã đăng ký ở CQ có thẩm quyền nước ngoài"),
    ),
    source=OURS,
)

CHILD_GIVER = CodeList(
    name="benGiaoConNuoi",
    label="Bên giao con nuôi",
    choices=(("1", "Cha, mẹ đẻ"), ("2", "Người giám hộ"), ("3", "Cơ sở nuôi dưỡng")),
    source=OURS,
)

# --- GH, CDGH: guardianship and its end (our layout) -------------------------------------

# Luật Hộ tịch 2014, Điều 20 and 21: a guardian appointed (giám hộ cử) or a guardian by law
# (giám hộ đương nhiên, Bộ luật Dân sự 2015, Điều 52–54).
GUARDIANSHIP_REGISTRATION_TYPE = CodeList(
    name="loaiDangKyGiamHo",
    label="Loại đăng ký giám hộ",
    choices=(("1", "Đăng ký giám hộ cử"), ("2", "Đăng ký giám hộ đương nhiên")),
    aliases=(("1", "Giám hộ cử"), ("1", "Cử người giám hộ"), ("2", "Giám hộ đương nhiên")),
    source=OURS,
)

# Bộ luật Dân sự 2015, Điều 62: the four ways a guardianship ends.
GUARDIANSHIP_END_REASON = CodeList(
    name="lyDoChamDutGiamHo",
    label="Lý do chấm dứt giám hộ",
    choices=(
        ("1", "Người được giám hộ đã có năng lực hành vi dân sự đầy đủ"),
        ("2", "Người được giám hộ chết"),
        (
            "3",
            "Cha, mẹ của người được giám hộ đã có đủ điều kiện để thực hiện quyền, nghĩa vụ"
            " của mình",
        ),
        ("4", "Người được giám hộ được nhận làm con nuôi"),
    ),
    aliases=(("1", "Đủ 18 tuổi"), ("1", "Đã thành niên"), ("4", "Được nhận làm con nuôi")),
    source=OURS,
)

# --- TDCC: change, correction, supplement (our layout) -----------------------------------

# Luật Hộ tịch 2014, Điều 26–29: the four procedures kept in one book.
CHANGE_KIND = CodeList(
    name="loaiDangKyThayDoi",
    label="Loại việc thay đổi, cải chính",
    choices=(
        ("1", "Thay đổi hộ tịch"),
        ("2", "Cải chính hộ tịch"),
        ("3", "Bổ sung thông tin hộ tịch"),
        ("4", "Xác định lại dân tộc"),
    ),
    aliases=(("1", "Thay đổi"), ("2", "Cải chính"), ("3", "Bổ sung"), ("3", "Bổ sung hộ tịch")),
    source=OURS,
)

CIVIL_EVENT = CodeList(
    name="loaiViecHoTich",
    label="Việc hộ tịch đã đăng ký",
    choices=(
        ("1", "Khai sinh"),
        ("2", "Kết hôn"),
        ("3", "Khai tử"),
        ("4", "Nhận cha, mẹ, con"),
        ("5", "Nuôi con nuôi"),
        ("6", "Giám hộ"),
        ("7", "Việc hộ tịch khác"),
    ),
    aliases=(("4", "Nhận cha mẹ con"), ("7", "Khác")),
    source=OURS,
)

ALL: tuple[CodeList, ...] = (
    SEX,
    ID_DOCUMENT_TYPE,
    RESIDENCE_TYPE,
    DECLARATION,
    BIRTH_REGISTRATION_TYPE,
    BIRTH_KIND,
    MARRIAGE_REGISTRATION_TYPE,
    MARRIAGE_STATUS,
    DEATH_REGISTRATION_TYPE,
    DEATH_NOTICE_TYPE,
    CONFIRMATION_PURPOSE,
    RECOGNITION_REGISTRATION_TYPE,
    RECOGNITION_KIND,
    ADOPTION_REGISTRATION_TYPE,
    CHILD_GIVER,
    GUARDIANSHIP_REGISTRATION_TYPE,
    GUARDIANSHIP_END_REASON,
    CHANGE_KIND,
    CIVIL_EVENT,
)
