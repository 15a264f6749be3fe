"""What the engine (or an officer overriding it) decided for one person of an entry."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MatchResult(models.Model):
    """Kết quả đối chiếu: the outcome for one person of an entry, with its explanation."""

    class Outcome(models.TextChoices):
        MATCH = "match", _("Tìm thấy, thông tin thống nhất")
        DISCREPANCY = "discrepancy", _("Tìm thấy, thông tin chưa thống nhất")
        NOT_FOUND = "not_found", _("Không tìm thấy")
        REVIEW = "review", _("Cần cán bộ quyết định")

    class Path(models.TextChoices):
        INTERACTIVE = "interactive", _("Tra cứu khi nhập")
        BATCH = "batch", _("Đối chiếu hàng loạt")
        OFFICER = "officer", _("Cán bộ quyết định")

    person = models.OneToOneField(
        "registers.EntryPerson", on_delete=models.CASCADE, related_name="match"
    )
    outcome = models.CharField(_("kết quả"), max_length=12, choices=Outcome.choices)
    personal_id = models.CharField(_("số định danh"), max_length=12, blank=True)
    citizen = models.ForeignKey(
        "registry.Citizen", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    score = models.FloatField(_("xác suất trùng khớp"), null=True, blank=True)
    fields = models.JSONField(_("trường khác nhau"), default=list, blank=True)
    candidates = models.JSONField(_("ứng viên"), default=list, blank=True)
    model_version = models.PositiveIntegerField(_("phiên bản mô hình"), default=0)
    path = models.CharField(_("cách đối chiếu"), max_length=12, choices=Path.choices)
    decided_at = models.DateTimeField(_("thời điểm"), auto_now=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người quyết định"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("kết quả đối chiếu")
        verbose_name_plural = _("kết quả đối chiếu")
        indexes = [models.Index(fields=["outcome"])]

    def __str__(self) -> str:
        return f"{self.person}: {self.get_outcome_display()}"
