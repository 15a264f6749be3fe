"""What the matching engine (or an officer) decided for the people of an entry, and the
cases of the *Danh sách theo dõi riêng* a discrepancy opens.

Both tables keep the names they had in the apps these models came from (``matching`` and
``keying``): moving the models changed no data.
"""

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
        db_table = "matching_matchresult"
        indexes = [models.Index(fields=["outcome"])]

    def __str__(self) -> str:
        return f"{self.person}: {self.get_outcome_display()}"


class TrackingCase(models.Model):
    """Trường hợp trong Danh sách theo dõi riêng: the book and the registry disagree.

    ``fields`` lists ``{"field", "label", "book", "registry"}`` for each differing basic
    field. The justice officer and the commune police verify which is right and record it.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Đang theo dõi")
        CLOSED = "closed", _("Đã xử lý")

    class Result(models.TextChoices):
        BOOK_RIGHT = "book_right", _("Sổ hộ tịch đúng")
        REGISTRY_RIGHT = "registry_right", _("CSDL dân cư đúng")
        BOTH_WRONG = "both_wrong", _("Cả hai cần điều chỉnh")

    entry = models.ForeignKey(
        "registers.Entry", on_delete=models.CASCADE, related_name="tracking_cases"
    )
    # The entry's people are rebuilt on every save, so the case is keyed by role; ``person``
    # points at the current row and is emptied (not deleted) when the row is rebuilt.
    role = models.CharField(_("vai trò"), max_length=20)
    person = models.ForeignKey(
        "registers.EntryPerson",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tracking_cases",
    )
    full_name = models.CharField(_("họ tên như trong sổ"), max_length=200, blank=True)
    commune = models.ForeignKey(
        "places.AdministrativeUnit", on_delete=models.PROTECT, related_name="+"
    )
    citizen = models.ForeignKey(
        "registry.Citizen", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    personal_id = models.CharField(_("số định danh"), max_length=12, blank=True)
    fields = models.JSONField(_("trường khác nhau"), default=list)
    status = models.CharField(
        _("trạng thái"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xử lý"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    result = models.CharField(
        _("kết quả xác minh"), max_length=16, choices=Result.choices, blank=True
    )
    procedure = models.TextField(_("thủ tục hướng dẫn công dân"), blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    opened_at = models.DateTimeField(_("ngày mở"), auto_now_add=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("ngày đóng"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("trường hợp theo dõi riêng")
        verbose_name_plural = _("danh sách theo dõi riêng")
        db_table = "keying_trackingcase"
        ordering = ["opened_at", "id"]
        indexes = [models.Index(fields=["commune", "status"])]
        constraints = [
            models.UniqueConstraint(fields=["entry", "role"], name="one_case_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.entry} – {self.full_name}"

    @property
    def field_keys(self) -> list[str]:
        return [f["field"] for f in self.fields]
