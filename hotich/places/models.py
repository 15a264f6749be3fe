"""Administrative units (đơn vị hành chính), before and after the 1 July 2025 reform."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AdministrativeUnit(models.Model):
    """Đơn vị hành chính: a province, district or commune as it existed in one period.

    A code alone is ambiguous (a new ward often reuses an old ward's code), so a unit is
    identified by (period, level, code).
    """

    class Level(models.TextChoices):
        PROVINCE = "province", _("Tỉnh/Thành phố")
        DISTRICT = "district", _("Quận/Huyện")
        COMMUNE = "commune", _("Xã/Phường/Thị trấn")

    class Period(models.TextChoices):
        PRE2025 = "pre2025", _("Trước 01/7/2025")
        CURRENT = "current", _("Hiện hành")

    code = models.CharField(_("mã"), max_length=10)
    name = models.CharField(_("tên"), max_length=120)
    type_name = models.CharField(_("loại"), max_length=40, blank=True)
    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices)
    period = models.CharField(_("thời kỳ"), max_length=10, choices=Period.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    province_code = models.CharField(_("mã tỉnh"), max_length=3, db_index=True)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    successors = models.ManyToManyField(
        "self", symmetrical=False, related_name="predecessors", blank=True
    )

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        constraints = [
            models.UniqueConstraint(fields=["period", "level", "code"], name="unit_unique_code")
        ]
        ordering = ["period", "level", "code"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        """Return the unit's name with its type, e.g. "Xã Đông Văn"."""
        if self.type_name and not self.name.lower().startswith(self.type_name.lower()):
            return f"{self.type_name} {self.name}"
        return self.name

    @property
    def is_current(self) -> bool:
        return self.period == self.Period.CURRENT
