"""Enqueueing long jobs on the database-backed queue and reading their state."""

import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.tasks import Task, TaskResult, TaskResultStatus, default_task_backend
from django.tasks.exceptions import TaskResultDoesNotExist
from django.utils.translation import gettext_lazy as _

from hotich.jobs.models import Job
from hotich.jobs.workers import WORKER_LOST, WorkerLost


@transaction.atomic
def job_enqueue(*, task: Task, user: Any, label: str, **kwargs: Any) -> Job:
    """Enqueue TASK with KWARGS for USER and return the Job that tracks it.

    With the database backend the queued row is written in the caller's transaction, so a
    job exists exactly when the work that asked for it was committed.
    """
    result = task.enqueue(**kwargs)
    return Job.objects.create(id=uuid.UUID(str(result.id)), user=user, label=label)


def job_result(job: Job) -> TaskResult | None:
    """Return the backend's current result for JOB, or None if the backend lost it."""
    try:
        return default_task_backend.get_result(str(job.id))
    except TaskResultDoesNotExist:
        return None


STATUS_LABELS = {
    TaskResultStatus.READY: _("Đang chờ"),
    TaskResultStatus.RUNNING: _("Đang chạy"),
    TaskResultStatus.FAILED: _("Lỗi"),
    TaskResultStatus.SUCCESSFUL: _("Hoàn thành"),
}


def job_state(job: Job) -> dict[str, Any]:
    """Return what a page shows of JOB: status code and label, result file, error, times."""
    result = job_result(job)
    if result is None:
        return {
            "job": job,
            "status": "LOST",
            "status_label": _("Không còn thông tin"),
            "file": None,
        }
    state: dict[str, Any] = {
        "job": job,
        "status": result.status,
        "status_label": STATUS_LABELS[TaskResultStatus(result.status)],
        "started_at": result.started_at,
        "finished_at": result.finished_at,
        "file": None,
        "summary": "",
        "error": "",
    }
    if result.status == TaskResultStatus.SUCCESSFUL and isinstance(result.return_value, dict):
        state["file"] = result.return_value.get("file")
        state["summary"] = result.return_value.get("summary", "")
    elif result.status == TaskResultStatus.FAILED and result.errors:
        path = result.errors[-1].exception_class_path
        state["error"] = WorkerLost.message if path == WORKER_LOST else path.rsplit(".", 1)[-1]
    return state


def exports_dir() -> Path:
    """Return (creating it) the directory where jobs write files for download."""
    path = settings.MEDIA_ROOT / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path
