"""Review against the scan: numbers missing from a book, entries returned, whole-book PDFs."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MissingEntry(models.Model):
    """Số không có trong sổ: an entry number the book skips, lost or torn out, with why.

    A book is complete when every number of each of its years is keyed or listed here.
    """

    book = models.ForeignKey(
        "registers.RegisterBook", on_delete=models.PROTECT, related_name="missing_entries"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    number = models.PositiveIntegerField(_("số"))
    reason = models.TextField(_("lý do"))
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("số bị thiếu trong sổ")
        verbose_name_plural = _("số bị thiếu trong sổ")
        ordering = ["book", "year", "number"]
        constraints = [
            models.UniqueConstraint(fields=["book", "year", "number"], name="missing_once"),
            models.CheckConstraint(condition=~models.Q(reason=""), name="missing_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.number:02d}/{self.year}"


class EntryReturn(models.Model):
    """Trả lại: the justice officer sends an entry back to its keyer, saying why."""

    entry = models.ForeignKey("registers.Entry", on_delete=models.CASCADE, related_name="returns")
    reason = models.TextField(_("lý do"))
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    keyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="returned_entries",
    )
    from_status = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("trả lại người nhập")
        verbose_name_plural = _("trả lại người nhập")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.reason[:50]


def book_scan_path(source: "BookScanSource", filename: str) -> str:
    return f"scans/{source.book.commune.code}/{source.book_id}/sach/{filename}"


class BookScanSource(models.Model):
    """Bản chụp cả quyển: one PDF of a whole book, kept as the original, split per case."""

    book = models.ForeignKey(
        "registers.RegisterBook", on_delete=models.PROTECT, related_name="scan_sources"
    )
    file = models.FileField(_("tệp"), upload_to=book_scan_path, max_length=300)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    pages = models.PositiveIntegerField(_("số trang"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    split_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("bản chụp cả quyển")
        verbose_name_plural = _("bản chụp cả quyển")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.original_name
