"""Nhật ký truy cập: who saw or changed which citizen data, when and from where."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Raised when code tries to change or remove an audit event."""


class AuditEventQuerySet(models.QuerySet):
    """Refuses bulk updates and deletes: the log only grows."""

    def update(self, **kwargs):
        raise AppendOnlyError("Nhật ký truy cập chỉ được ghi thêm, không được sửa.")

    def delete(self):
        raise AppendOnlyError("Nhật ký truy cập chỉ được ghi thêm, không được xóa.")

    def bulk_create(self, objs, *args, **kwargs):  # noqa: ANN001, ANN201
        """Append OBJS to the hash chain in order (one lock for the batch); return them."""
        from hotich.audit.chain import chain_append

        events = list(objs)
        chain_append(events)
        return events


class AuditEvent(models.Model):
    """One access to personal data. Append-only: the database refuses updates and deletes."""

    class Action(models.TextChoices):
        VIEW = "view", _("Xem")
        CREATE = "create", _("Tạo")
        UPDATE = "update", _("Sửa")
        DELETE = "delete", _("Xóa")
        EXPORT = "export", _("Xuất dữ liệu")
        DENIED = "denied", _("Bị từ chối")
        LOGIN = "login", _("Đăng nhập")
        LOGOUT = "logout", _("Đăng xuất")
        LOGIN_FAILED = "login_failed", _("Đăng nhập sai")

    # Set when the event is built (not on save): the hash seals this exact value.
    at = models.DateTimeField(_("thời điểm"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người dùng"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    username = models.CharField(_("tên đăng nhập"), max_length=150, blank=True)
    action = models.CharField(_("thao tác"), max_length=12, choices=Action.choices)
    object_type = models.CharField(_("loại đối tượng"), max_length=30, blank=True)
    object_id = models.CharField(_("mã đối tượng"), max_length=64, blank=True)
    object_repr = models.CharField(_("đối tượng"), max_length=200, blank=True)
    commune = models.ForeignKey(
        "places.AdministrativeUnit",
        verbose_name=_("xã/phường"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    changes = models.JSONField(_("thay đổi"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    path = models.CharField(_("đường dẫn"), max_length=300, blank=True)
    # The hash chain (see chain.py): place in the chain, the previous event's hash, this one's.
    seq = models.PositiveBigIntegerField(_("số thứ tự"), null=True, unique=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("nhật ký")
        verbose_name_plural = _("nhật ký")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["user", "at"]),
            models.Index(fields=["commune", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.object_type}#{self.object_id}"

    def save(self, *args, **kwargs) -> None:
        # The one invariant of this model: a stored event is never rewritten.
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("Nhật ký truy cập chỉ được ghi thêm, không được sửa.")
        # Every event enters through the hash chain, whoever creates it.
        from hotich.audit.chain import chain_append

        chain_append([self])

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Nhật ký truy cập chỉ được ghi thêm, không được xóa.")


class AuditChainHead(models.Model):
    """The end of the audit chain: the last event's number and hash (one row, pk 1).

    Appenders lock this row before reading it, which serialises them (see chain.py).
    """

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("đầu chuỗi nhật ký")

    def __str__(self) -> str:
        return f"{self.seq}:{self.hash}"
