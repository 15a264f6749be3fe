"""Imports of Excel files, saved column mappings, and the exports handed to the Ministry."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hotich.registers.models import REGISTER_TYPE_CHOICES


class ColumnMapping(models.Model):
    """Bảng ghép cột: which register column each column of a legacy export feeds.

    Found again by ``signature`` (the fingerprint of the header row) within the commune, so
    the next file exported by the same software is imported without asking. ``fixed`` gives
    one value for all rows to register columns the file lacks (field name → text, checked as
    a cell); ``value_maps`` turns a column's own values into codes (field name → folded
    value → code, e.g. ``"dung han"`` → ``"1"``). One mapping per header row and commune (a
    constraint); ``version`` makes every save conditional, so two saves never lose one another.
    """

    name = models.CharField(_("tên"), max_length=100)
    register_type = models.CharField(_("loại sổ"), max_length=4, choices=REGISTER_TYPE_CHOICES)
    signature = models.CharField(max_length=32, db_index=True)
    headers = models.JSONField(_("tiêu đề cột của tệp"), default=list)
    columns = models.JSONField(_("cột nguồn → cột của sổ"), default=dict)
    fixed = models.JSONField(_("giá trị chung cho cột tệp không có"), default=dict, blank=True)
    value_maps = models.JSONField(_("giá trị trong tệp → mã danh mục"), default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)
    commune = models.ForeignKey(
        "places.AdministrativeUnit", on_delete=models.PROTECT, null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("bảng ghép cột")
        verbose_name_plural = _("bảng ghép cột")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["signature", "commune"],
                condition=models.Q(commune__isnull=False),
                name="columnmapping_one_per_header_and_commune",
            ),
            models.UniqueConstraint(
                fields=["signature"],
                condition=models.Q(commune__isnull=True),
                name="columnmapping_one_shared_per_header",
            ),
        ]

    def __str__(self) -> str:
        return self.name


def import_upload_path(run: "ImportRun", filename: str) -> str:
    return f"imports/{timezone.now():%Y/%m}/{filename}"


class ImportRun(models.Model):
    """Lần nhập: one Excel file imported, its progress, counts and problems.

    Rows are written in batches, each in its own transaction together with the counts, so a
    killed import leaves whole batches only; running the file again skips what is there.
    """

    class Status(models.TextChoices):
        NEEDS_MAPPING = "mapping", _("Chờ ghép cột")
        QUEUED = "queued", _("Đang chờ")
        RUNNING = "running", _("Đang nhập")
        DONE = "done", _("Hoàn thành")
        FAILED = "failed", _("Lỗi")

    file = models.FileField(_("tệp"), upload_to=import_upload_path, max_length=300)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(default=0)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    book = models.ForeignKey(
        "registers.RegisterBook", on_delete=models.PROTECT, null=True, blank=True
    )
    # The saved mapping the rows were read with, and which version of it; the name and the
    # version stay when the mapping is deleted (the link is then lost).
    mapping = models.ForeignKey(ColumnMapping, on_delete=models.SET_NULL, null=True, blank=True)
    mapping_version = models.PositiveIntegerField(
        _("phiên bản bảng ghép cột"), null=True, blank=True
    )
    mapping_name = models.CharField(_("tên bảng ghép cột"), max_length=100, blank=True)
    kind = models.CharField(_("dạng tệp"), max_length=10, blank=True)
    register_type = models.CharField(_("loại sổ"), max_length=4, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    rows_total = models.PositiveIntegerField(_("số dòng (ước tính)"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(_("số dòng đã xử lý"), default=0)
    imported = models.PositiveIntegerField(_("thêm mới"), default=0)
    updated = models.PositiveIntegerField(_("cập nhật"), default=0)
    unchanged = models.PositiveIntegerField(_("không đổi"), default=0)
    rejected = models.PositiveIntegerField(_("bị từ chối"), default=0)
    repaired = models.PositiveIntegerField(_("dòng đã sửa mã chữ cũ"), default=0)
    errors = models.JSONField(_("lỗi (500 đầu tiên)"), default=list, blank=True)
    warnings = models.JSONField(
        _("cảnh báo ở dòng đã nhập (500 đầu tiên)"), default=list, blank=True
    )
    repairs = models.JSONField(_("dòng đã sửa mã chữ (500 đầu tiên)"), default=list, blank=True)
    report = models.FileField(_("báo cáo lỗi"), blank=True, max_length=300)
    message = models.TextField(_("thông báo"), blank=True)
    # What the reader found: format, and for a .csv its encoding and separator (shown as is).
    reading = models.CharField(_("cách đọc tệp"), max_length=200, blank=True)
    # The books this run holds (or held) the write lock of: how a dead run is recognised.
    book_ids = models.JSONField(_("sổ đang ghi"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lần nhập tệp")
        verbose_name_plural = _("lần nhập tệp")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name

    @staticmethod
    def mapping_link(mapping: ColumnMapping | None) -> dict[str, object]:
        """Return the fields that record MAPPING as the one a run was read with (none: {})."""
        if mapping is None:
            return {}
        return {
            "mapping": mapping,
            "mapping_version": mapping.version,
            "mapping_name": mapping.name,
        }

    @property
    def mapping_record(self) -> tuple[str, int | None]:
        """Return the mapping's name and version as the run's page shows them: what the run
        recorded, or for a run not started yet, its linked mapping as it is now."""
        if self.mapping_name:
            return self.mapping_name, self.mapping_version
        if self.mapping is not None:
            return self.mapping.name, self.mapping.version
        return "", None

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, self.rows_done * 100 // self.rows_total)

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def looks_interrupted(self) -> bool:
        """True when a run says it is running but has not written progress for 10 minutes."""
        return self.status == self.Status.RUNNING and self.updated_at < timezone.now() - timedelta(
            minutes=10
        )


def export_upload_path(export: "BookExport", filename: str) -> str:
    return f"exports/{export.book.commune.code}/{export.book_id}/{filename}"


class BookExport(models.Model):
    """Một lần xuất: the files made for one book, kept so they can be downloaded again."""

    class Kind(models.TextChoices):
        MINISTRY = "ministry", _("Mẫu Excel của Bộ + tệp PDF")
        HANDOVER = "handover", _("Tệp bàn giao (có số định danh)")
        INTERCONNECTION = "lienthong", _("Hồ sơ liên thông (JSON)")

    book = models.ForeignKey("registers.RegisterBook", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    entries = models.PositiveIntegerField(_("số trường hợp"), default=0)
    scans = models.PositiveIntegerField(_("số tệp PDF"), default=0)
    without_scan = models.JSONField(_("trường hợp chưa có bản chụp"), default=list, blank=True)
    workbook = models.FileField(_("tệp Excel"), upload_to=export_upload_path, max_length=300)
    archive = models.FileField(
        _("tệp nén PDF"), upload_to=export_upload_path, blank=True, max_length=300
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lần xuất dữ liệu")
        verbose_name_plural = _("lần xuất dữ liệu")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.book} – {self.get_kind_display()}"
