"""Tác vụ nền: long jobs a user started, and where their results are."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    """A task a user enqueued; its state lives in the task backend under the same id."""

    id = models.UUIDField(primary_key=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="jobs", null=True
    )
    label = models.CharField(_("tác vụ"), max_length=200)
    created_at = models.DateTimeField(_("lúc tạo"), auto_now_add=True)

    class Meta:
        verbose_name = _("tác vụ nền")
        verbose_name_plural = _("tác vụ nền")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.label


class WorkerBeat(models.Model):
    """Nhịp của tiến trình xử lý: a running ``hotich worker`` says it is alive every few
    seconds; a task claimed by a worker whose beat stopped is orphaned (see services)."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField(auto_now_add=True)
    seen_at = models.DateTimeField(_("lần cuối báo còn chạy"))

    class Meta:
        verbose_name = _("tiến trình xử lý tác vụ nền")
        verbose_name_plural = _("tiến trình xử lý tác vụ nền")

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid}"
