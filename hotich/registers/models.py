"""Register books (sổ hộ tịch), their entries as written, the people named, and scans."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hotich.db.fields import PartialDateField
from hotich.registers.spec import REGISTER_TYPES, PersonRole

REGISTER_TYPE_CHOICES = [(code, rt.label) for code, rt in REGISTER_TYPES.items()]
PERSON_ROLE_CHOICES = [(role.value, role.label) for role in PersonRole]


class RegisterBook(models.Model):
    """Sổ hộ tịch: one paper volume kept by a commune."""

    class Condition(models.TextChoices):
        USABLE = "usable", _("Sử dụng được")
        DAMAGED = "damaged", _("Hư hỏng, rách nát")
        LOST = "lost", _("Bị mất")

    commune = models.ForeignKey(
        "places.AdministrativeUnit",
        verbose_name=_("xã/phường quản lý"),
        on_delete=models.PROTECT,
        related_name="books",
        help_text=_("Đơn vị hành chính hiện hành đang lưu giữ sổ."),
    )
    historical_unit = models.ForeignKey(
        "places.AdministrativeUnit",
        verbose_name=_("nơi đăng ký (thời điểm lập sổ)"),
        on_delete=models.PROTECT,
        related_name="historical_books",
        null=True,
        blank=True,
    )
    register_type = models.CharField(_("loại sổ"), max_length=4, choices=REGISTER_TYPE_CHOICES)
    year_from = models.PositiveSmallIntegerField(_("từ năm"))
    year_to = models.PositiveSmallIntegerField(_("đến năm"))
    volume = models.CharField(_("quyển số"), max_length=20)
    pages = models.PositiveIntegerField(_("số trang"), null=True, blank=True)
    expected_cases = models.PositiveIntegerField(_("số trường hợp dự kiến"), null=True, blank=True)
    condition = models.CharField(
        _("tình trạng"), max_length=10, choices=Condition.choices, default=Condition.USABLE
    )
    condition_reason = models.TextField(_("lý do"), blank=True)
    already_electronic = models.BooleanField(
        _("đã có trong CSDL hộ tịch điện tử"),
        default=False,
        help_text=_("Sổ đã số hóa (từ 2016/2019) không phải nhập lại."),
    )
    notes = models.TextField(_("ghi chú"), blank=True)
    #: The book's own usual values, set by its team leader: what a new entry's form carries
    #: first (hotich.keying.carry, docs/keying.md "Carried over"). Keys: registration
    #: columns (noiDangKy, nguoiKy, chucVuNguoiKy, loaiDangKy) and the facts "nationality",
    #: "ethnicity"; values as the book writes them.
    usual_values = models.JSONField(_("giá trị thường dùng khi nhập"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sổ hộ tịch")
        verbose_name_plural = _("sổ hộ tịch")
        ordering = ["register_type", "year_from", "volume"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "register_type", "year_from", "volume"],
                name="book_unique_volume",
            ),
            models.CheckConstraint(
                condition=models.Q(year_to__gte=models.F("year_from")), name="book_years_ordered"
            ),
            models.CheckConstraint(
                condition=~models.Q(condition="lost") | ~models.Q(condition_reason=""),
                name="lost_book_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["commune", "register_type"])]

    def __str__(self) -> str:
        return f"{self.register_type_label} – quyển {self.volume} ({self.years_label})"

    @property
    def register_type_spec(self):
        return REGISTER_TYPES[self.register_type]

    @property
    def register_type_label(self) -> str:
        return REGISTER_TYPES[self.register_type].book_label

    @property
    def years_label(self) -> str:
        if self.year_from == self.year_to:
            return str(self.year_from)
        return f"{self.year_from}–{self.year_to}"


class EntryStatus(models.TextChoices):
    """Trạng thái: where an entry is in Quy trình 1292 and Công văn 1437."""

    DRAFT = "draft", _("Đang nhập")
    KEYED = "keyed", _("Đã nhập")
    VERIFIED = "verified", _("Đã nhập kiểm tra")
    RECONCILED = "reconciled", _("Đã đối chiếu CSDL dân cư")
    REVIEWED = "reviewed", _("Đã rà soát")
    APPROVED = "approved", _("Đã phê duyệt")
    EXPORTED = "exported", _("Đã xuất")


class FieldMark(models.TextChoices):
    """Instead of a value, the book may say nothing, or say it illegibly."""

    ILLEGIBLE = "illegible", _("Không đọc được")
    BLANK = "blank", _("Sổ để trống")


class Entry(models.Model):
    """Trường hợp đăng ký: one case in a book, with its values exactly as written.

    ``values`` maps Ministry template column names to the text as written in the book;
    ``marks`` maps a column name to a :class:`FieldMark` when the book has no readable value.
    ``version`` increases on every save; writers update conditionally on it.
    """

    book = models.ForeignKey(RegisterBook, on_delete=models.PROTECT, related_name="entries")
    year = models.PositiveSmallIntegerField(_("năm đăng ký"))
    number = models.PositiveIntegerField(_("số"))
    page = models.PositiveIntegerField(_("trang số"), null=True, blank=True)
    registration_date = PartialDateField(_("ngày đăng ký"), null=True, blank=True)
    values = models.JSONField(_("nội dung như trong sổ"), default=dict, blank=True)
    marks = models.JSONField(_("trường không đọc được / để trống"), default=dict, blank=True)
    summary = models.CharField(_("tóm tắt"), max_length=300, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=EntryStatus.choices, default=EntryStatus.DRAFT
    )
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("trường hợp đăng ký")
        verbose_name_plural = _("trường hợp đăng ký")
        ordering = ["book", "year", "number", "id"]
        # Repeated numbers are not forbidden: books do contain them, and they must be keyed
        # as written and then listed as "double capture" for a person to look at.
        indexes = [
            models.Index(fields=["book", "year", "number"]),
            models.Index(fields=["book", "status"]),
        ]

    def __str__(self) -> str:
        return f"Số {self.number:02d}/{self.year}"

    @property
    def register_type(self):
        return REGISTER_TYPES[self.book.register_type]

    def mark_of(self, name: str) -> str | None:
        """Return the field's mark ("illegible" / "blank") or None when it holds a value."""
        return self.marks.get(name)


class EntryPerson(models.Model):
    """Người trong trường hợp đăng ký: one person named in an entry, in one role.

    Derived from the entry's values by the service that saves the entry; this is what the
    matching engine reads. ``citizen`` is the registry person the entry was reconciled with.
    """

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="people")
    role = models.CharField(_("vai trò"), max_length=20, choices=PERSON_ROLE_CHOICES)
    full_name = models.CharField(_("họ tên như trong sổ"), max_length=200, blank=True)
    name_key = models.CharField(max_length=200, blank=True, db_index=True)
    birth_date = PartialDateField(_("ngày sinh"), null=True, blank=True)
    sex = models.CharField(_("giới tính"), max_length=1, blank=True)
    personal_id = models.CharField(_("số định danh / giấy tờ"), max_length=20, blank=True)
    citizen = models.ForeignKey(
        "registry.Citizen", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("người trong trường hợp đăng ký")
        verbose_name_plural = _("người trong trường hợp đăng ký")
        constraints = [
            models.UniqueConstraint(fields=["entry", "role"], name="one_person_per_role"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.full_name}"


def scan_upload_path(scan: "Scan", filename: str) -> str:
    """Return the storage path: scans/<commune>/<book>/<entry>/<file name>."""
    book = scan.entry.book
    return f"scans/{book.commune.code}/{book.pk}/{scan.entry.pk}/{filename}"


class Scan(models.Model):
    """Bản chụp: the PDF (or photo) of one case."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="scans")
    file = models.FileField(_("tệp"), upload_to=scan_upload_path)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(max_length=64)
    pages = models.PositiveIntegerField(_("số trang"), null=True, blank=True)
    # The photo as taken, when ``file`` is the PDF made from it; empty for PDFs uploaded.
    original = models.FileField(
        _("tệp gốc"), upload_to=scan_upload_path, blank=True, max_length=300
    )
    thumbnail = models.FileField(
        _("ảnh thu nhỏ"), upload_to=scan_upload_path, blank=True, max_length=300
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bản chụp")
        verbose_name_plural = _("bản chụp")

    def __str__(self) -> str:
        return self.original_name
