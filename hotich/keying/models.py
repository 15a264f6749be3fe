"""Keying the books: drafts, the work queue and double keying.

The entry itself (values as written) lives in :mod:`hotich.registers`; what this app adds is
the work around it: who keyed it and whether it needs a second keying. What the officer
decided for the registry lookup and the cases of the *Danh sách theo dõi riêng* are
:mod:`hotich.reconciliation`'s.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DoubleKeyingPolicy(models.Model):
    """Nhập hai lần: how many entries are keyed a second time, blind, by another officer.

    A policy names one book, one commune (all its books), or one campaign (the books of
    every commune in its scope). The most specific wins: the book's, then the commune's,
    then the campaign's (the one active today, else the latest). Without any policy an entry
    is keyed once. Policies set before campaigns existed named a commune and keep working.
    """

    class Mode(models.TextChoices):
        NONE = "none", _("Không nhập hai lần")
        SAMPLE = "sample", _("Nhập lại một tỉ lệ ngẫu nhiên")
        ALL = "all", _("Nhập lại tất cả")

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="double_keying_policies",
    )
    # Set for a commune's policy and (for scoping and audit) for a book's; empty for a campaign.
    commune = models.ForeignKey(
        "places.AdministrativeUnit",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    book = models.OneToOneField(
        "registers.RegisterBook",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="double_keying",
    )
    mode = models.CharField(_("chế độ"), max_length=8, choices=Mode.choices, default=Mode.NONE)
    sample_percent = models.PositiveSmallIntegerField(_("tỉ lệ nhập lại (%)"), default=10)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("chế độ nhập hai lần")
        verbose_name_plural = _("chế độ nhập hai lần")
        constraints = [
            models.UniqueConstraint(
                fields=["commune"],
                condition=models.Q(book=None, campaign=None),
                name="one_commune_policy",
            ),
            models.UniqueConstraint(
                fields=["campaign"], condition=models.Q(book=None), name="one_campaign_policy"
            ),
            models.CheckConstraint(
                condition=models.Q(book__isnull=False, commune__isnull=False, campaign=None)
                | models.Q(book=None, commune__isnull=False, campaign=None)
                | models.Q(book=None, commune=None, campaign__isnull=False),
                name="policy_names_one_scope",
            ),
            models.CheckConstraint(
                condition=models.Q(sample_percent__lte=100), name="sample_percent_le_100"
            ),
        ]

    def __str__(self) -> str:
        return self.get_mode_display()

    @property
    def scope(self) -> str:
        """Return "book", "commune" or "campaign": what the policy was set for."""
        if self.book_id:
            return "book"
        return "campaign" if self.campaign_id else "commune"


class EntryDraft(models.Model):
    """Bản nháp: what an officer has typed in a form so far, saved as they type.

    ``key`` is ``"new"`` for a new entry of the book or the entry's id; one draft per officer,
    book and key. Deleted when the entry is saved.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    book = models.ForeignKey("registers.RegisterBook", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=20)
    data = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "book", "key"], name="one_draft_per_form")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.book_id}/{self.key}"


class EntryWork(models.Model):
    """The keying state of one entry: first keyer, second keying, set aside as hard."""

    class Verification(models.TextChoices):
        NOT_NEEDED = "not_needed", _("Không cần nhập lần hai")
        WAITING = "waiting", _("Chờ nhập lần hai")
        ARBITRATION = "arbitration", _("Chờ công chức tư pháp phân xử")
        DONE = "done", _("Đã kiểm tra")

    entry = models.OneToOneField("registers.Entry", on_delete=models.CASCADE, related_name="work")
    first_keyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    verification = models.CharField(
        _("kiểm tra"),
        max_length=12,
        choices=Verification.choices,
        default=Verification.NOT_NEEDED,
    )
    hard = models.BooleanField(_("để sau (khó)"), default=False)
    hard_reason = models.CharField(_("lý do để sau"), max_length=200, blank=True)
    # Roles whose new personal ID waits for verification (not found + double keying).
    pending_issue = models.JSONField(default=list, blank=True)
    # The token of the new-entry form that created the entry (empty for entries created
    # otherwise). A second save of the same form — its first answer lost on the way back —
    # finds the entry by it instead of creating the entry again; the unique index decides
    # between two saves of the same form at the same moment.
    creation_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["verification"]), models.Index(fields=["hard"])]

    def __str__(self) -> str:
        return f"{self.entry}: {self.get_verification_display()}"


class SecondKeying(models.Model):
    """Nhập lần hai: the blind second keying of an entry, and its field-by-field outcome."""

    entry = models.OneToOneField(
        "registers.Entry", on_delete=models.CASCADE, related_name="second_keying"
    )
    keyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    values = models.JSONField(default=dict)
    marks = models.JSONField(default=dict)
    fields_compared = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.entry} – {self.keyer}"


class KeyingDifference(models.Model):
    """One field the two keyings disagree on; the justice officer decides with the scan."""

    class Fault(models.TextChoices):
        FIRST = "first", _("Lần nhập thứ nhất sai")
        SECOND = "second", _("Lần nhập thứ hai sai")
        BOTH = "both", _("Cả hai lần đều sai")

    entry = models.ForeignKey(
        "registers.Entry", on_delete=models.CASCADE, related_name="keying_differences"
    )
    field = models.CharField(max_length=80)
    first_value = models.CharField(max_length=500, blank=True)
    second_value = models.CharField(max_length=500, blank=True)
    first_keyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    second_keyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    resolved_value = models.CharField(max_length=500, blank=True)
    fault = models.CharField(max_length=8, choices=Fault.choices, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "field"], name="one_difference_per_field")
        ]

    def __str__(self) -> str:
        return f"{self.entry}: {self.field}"
