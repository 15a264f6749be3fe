"""Campaigns (đợt nhập liệu), teams and shifts, progress snapshots and weekly reports.

The book inventory itself is :class:`hotich.registers.models.RegisterBook` (type, years,
volume, expected cases, condition with reason, already-electronic flag); this app plans the
work on those books and measures it.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hotich.registers.models import REGISTER_TYPE_CHOICES

#: The shifts of the province campaign (docs/sources.md; ca 1 6–12 giờ, ca 2 12–17 giờ, ca 3 17–22 giờ).
DEFAULT_SHIFTS = (
    ("Ca 1", datetime.time(6), datetime.time(12)),
    ("Ca 2", datetime.time(12), datetime.time(17)),
    ("Ca 3", datetime.time(17), datetime.time(22)),
)


class Campaign(models.Model):
    """Đợt nhập liệu (kế hoạch, chiến dịch): dates, communes in scope, targets, teams.

    ``unit`` is the body that issues the plan: a province, a historical district or a commune.
    """

    name = models.CharField(_("tên kế hoạch"), max_length=200)
    unit = models.ForeignKey(
        "places.AdministrativeUnit",
        verbose_name=_("đơn vị ban hành"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    start_date = models.DateField(_("ngày bắt đầu"))
    end_date = models.DateField(_("hạn hoàn thành"))
    communes = models.ManyToManyField(
        "places.AdministrativeUnit", verbose_name=_("xã/phường thực hiện"), related_name="+"
    )
    notes = models.TextField(_("ghi chú"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("kế hoạch nhập liệu")
        verbose_name_plural = _("kế hoạch nhập liệu")
        ordering = ["-start_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="campaign_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def is_active_on(self, day: datetime.date) -> bool:
        return self.start_date <= day <= self.end_date


class CampaignTarget(models.Model):
    """Chỉ tiêu: the number of cases a commune must key in one register type, by a deadline."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets")
    commune = models.ForeignKey(
        "places.AdministrativeUnit", verbose_name=_("xã/phường"), on_delete=models.PROTECT
    )
    register_type = models.CharField(_("loại sổ"), max_length=4, choices=REGISTER_TYPE_CHOICES)
    target_cases = models.PositiveIntegerField(_("chỉ tiêu (số trường hợp)"))
    deadline = models.DateField(_("hạn"), null=True, blank=True)

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["commune__name", "register_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "commune", "register_type"], name="one_target_per_type"
            )
        ]

    def __str__(self) -> str:
        return f"{self.commune} {self.register_type}: {self.target_cases}"


class Shift(models.Model):
    """Ca làm việc of a campaign (default 6–12, 12–17, 17–22; configurable)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="shifts")
    name = models.CharField(_("tên ca"), max_length=40)
    start = models.TimeField(_("từ giờ"))
    end = models.TimeField(_("đến giờ"))

    class Meta:
        verbose_name = _("ca làm việc")
        verbose_name_plural = _("ca làm việc")
        ordering = ["start"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "name"], name="shift_unique_name"),
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="shift_times_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.start:%H:%M}–{self.end:%H:%M})"

    def covers(self, moment: datetime.time) -> bool:
        return self.start <= moment < self.end


class Team(models.Model):
    """Tổ nhập liệu of one commune in a campaign."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="teams")
    commune = models.ForeignKey(
        "places.AdministrativeUnit", verbose_name=_("xã/phường"), on_delete=models.PROTECT
    )
    name = models.CharField(_("tên tổ"), max_length=100)

    class Meta:
        verbose_name = _("tổ nhập liệu")
        verbose_name_plural = _("tổ nhập liệu")
        ordering = ["commune__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "commune", "name"], name="team_unique")
        ]

    def __str__(self) -> str:
        return self.name


class TeamMember(models.Model):
    """Thành viên tổ: a person and the part they play (docs/sources.md: 1 justice, 1 police, 2 others)."""

    class Part(models.TextChoices):
        LEADER = "leader", _("Tổ trưởng")
        JUSTICE = "justice", _("Công chức tư pháp – hộ tịch")
        POLICE = "police", _("Công an")
        HELPER = "helper", _("Lực lượng hỗ trợ")

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người"), on_delete=models.PROTECT
    )
    part = models.CharField(_("vai trò trong tổ"), max_length=10, choices=Part.choices)
    shifts = models.ManyToManyField(Shift, verbose_name=_("ca"), blank=True, related_name="members")

    class Meta:
        verbose_name = _("thành viên tổ")
        verbose_name_plural = _("thành viên tổ")
        ordering = ["part", "user__first_name"]
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="member_once")]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_part_display()})"


class BookAssignment(models.Model):
    """Sổ giao cho tổ: each book is worked on by one team within a campaign."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="assignments")
    book = models.ForeignKey("registers.RegisterBook", on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="books")

    class Meta:
        verbose_name = _("sổ giao cho tổ")
        verbose_name_plural = _("sổ giao cho tổ")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "book"], name="book_assigned_once")
        ]

    def __str__(self) -> str:
        return f"{self.book} → {self.team}"


class ProgressSnapshot(models.Model):
    """Số liệu tiến độ of one commune × historical unit × register type as of one day.

    Counts are cumulative along the workflow: ``keyed`` counts every entry past the draft
    stage, ``verified`` every entry verified or further, and so on. ``match`` …
    ``review`` count the people of the entries by reconciliation outcome; ``backlog_*`` the
    open tracking-list cases by age (under 7 days, 7–30, 30–90, over 90). Recomputed by
    ``hotich campaigns snapshot``; dashboards read these rows, never the entries.
    """

    day = models.DateField(_("ngày"))
    commune = models.ForeignKey(
        "places.AdministrativeUnit", on_delete=models.CASCADE, related_name="+"
    )
    historical_unit = models.ForeignKey(
        "places.AdministrativeUnit", on_delete=models.CASCADE, related_name="+", null=True
    )
    register_type = models.CharField(max_length=4, choices=REGISTER_TYPE_CHOICES)
    books = models.PositiveIntegerField(default=0)
    expected = models.PositiveIntegerField(default=0)
    entries = models.PositiveIntegerField(default=0)
    keyed = models.PositiveIntegerField(default=0)
    verified = models.PositiveIntegerField(default=0)
    reconciled = models.PositiveIntegerField(default=0)
    reviewed = models.PositiveIntegerField(default=0)
    approved = models.PositiveIntegerField(default=0)
    exported = models.PositiveIntegerField(default=0)
    scanned = models.PositiveIntegerField(default=0)
    with_personal_id = models.PositiveIntegerField(default=0)
    # Reconciliation outcomes, counted per person of the entries (hotich.reconciliation.MatchResult):
    # an outcome belongs to a person, and a birth entry names the child and both parents.
    match = models.PositiveIntegerField(default=0)
    discrepancy = models.PositiveIntegerField(default=0)
    not_found = models.PositiveIntegerField(default=0)
    review = models.PositiveIntegerField(default=0)
    # Open cases of the tracking list (hotich.reconciliation.TrackingCase) by age on the snapshot day.
    backlog_lt7 = models.PositiveIntegerField(default=0)
    backlog_7_30 = models.PositiveIntegerField(default=0)
    backlog_30_90 = models.PositiveIntegerField(default=0)
    backlog_gt90 = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["commune", "day"]),
            models.Index(fields=["historical_unit", "day"]),
            models.Index(fields=["day"]),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.commune_id} {self.register_type}: {self.entries}"


class DailyOutput(models.Model):
    """Sản lượng: entries created on one day by one person in one shift (local time).

    Derived from ``Entry.created_by`` / ``Entry.created_at``; ``shift`` is the name of the
    campaign shift the creation time fell in ("" outside every shift).
    """

    day = models.DateField()
    commune = models.ForeignKey(
        "places.AdministrativeUnit", on_delete=models.CASCADE, related_name="+"
    )
    historical_unit = models.ForeignKey(
        "places.AdministrativeUnit", on_delete=models.CASCADE, related_name="+", null=True
    )
    register_type = models.CharField(max_length=4, choices=REGISTER_TYPE_CHOICES)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", null=True
    )
    shift = models.CharField(max_length=40, blank=True)
    entries = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["commune", "day"]),
            models.Index(fields=["historical_unit", "day"]),
            models.Index(fields=["day"]),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.user_id} {self.shift}: {self.entries}"


class DailyOutputByPerson(models.Model):
    """:class:`DailyOutput` summed over historical unit and register type.

    Entries created per day × commune × person × shift: what the province and commune
    dashboards need for productivity, in about a tenth of the rows (a province of 100
    communes over 60 days: 36,000 rows instead of 460,000). Written with DailyOutput.
    """

    day = models.DateField()
    commune = models.ForeignKey(
        "places.AdministrativeUnit", on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", null=True
    )
    shift = models.CharField(max_length=40, blank=True)
    entries = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["commune", "day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.user_id} {self.shift}: {self.entries}"


class DailyOutputByType(models.Model):
    """:class:`DailyOutput` summed over historical unit, person and shift.

    Entries created per day × commune × register type: the cumulative curves of the province
    and commune dashboards and the weekly report's figures per register type.
    """

    day = models.DateField()
    commune = models.ForeignKey(
        "places.AdministrativeUnit", on_delete=models.CASCADE, related_name="+"
    )
    register_type = models.CharField(max_length=4, choices=REGISTER_TYPE_CHOICES)
    entries = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["commune", "day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.commune_id} {self.register_type}: {self.entries}"


class WeeklyReport(models.Model):
    """Báo cáo tuần of a commune or a province, due before 11:00 on Friday.

    Figures are computed when the document is built; what is stored here is what a person
    writes: the document's number, signer, recipients and the narrative sections.
    """

    unit = models.ForeignKey(
        "places.AdministrativeUnit", verbose_name=_("đơn vị báo cáo"), on_delete=models.PROTECT
    )
    week_start = models.DateField(_("tuần bắt đầu (thứ Hai)"))
    number = models.CharField(_("số văn bản"), max_length=40, blank=True)
    place = models.CharField(_("địa danh"), max_length=80)
    signer_name = models.CharField(_("người ký"), max_length=120, blank=True)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=120, blank=True)
    recipients = models.TextField(_("nơi nhận"), blank=True)
    direction = models.TextField(_("công tác chỉ đạo, triển khai"), blank=True)
    staffing = models.TextField(_("bố trí nhân lực"), blank=True)
    budget = models.TextField(_("kinh phí"), blank=True)
    problems = models.TextField(_("khó khăn, vướng mắc, đề xuất"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(_("đã gửi lúc"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        verbose_name = _("báo cáo tuần")
        verbose_name_plural = _("báo cáo tuần")
        ordering = ["-week_start"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "week_start"], name="one_report_a_week")
        ]

    def __str__(self) -> str:
        return f"{self.unit} – tuần {self.week_start:%d/%m/%Y}"

    @property
    def week_end(self) -> datetime.date:
        return self.week_start + datetime.timedelta(days=6)
