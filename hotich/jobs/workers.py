"""Worker heartbeats and orphaned tasks (tác vụ bị bỏ dở).

A running ``hotich worker`` writes its beat every :data:`BEAT_SECONDS`. A task the queue
shows as running whose worker stopped beating for :data:`LEASE_SECONDS` (or, on the same
machine, whose process is gone) was orphaned by a killed worker: it is put back in the
queue when running it again is safe (:data:`RESUMABLE_TASKS`), else marked failed with a
Vietnamese message. Every worker checks at start and at every beat.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import datetime, timedelta

from django.db import DatabaseError, close_old_connections, connection
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from hotich.jobs.models import WorkerBeat

logger = logging.getLogger(__name__)

BEAT_SECONDS = 5.0
#: A worker that has not beaten for this long is taken as gone (a busy database may delay a
#: beat by its lock timeout, 20 s on SQLite: the lease is well above that).
LEASE_SECONDS = 60.0
#: How many times a task is started before an orphaned one is failed instead of resumed
#: (a task that kills its worker every time must not loop for ever).
MAX_ATTEMPTS = 3
#: Tasks that are safe to run again from the start after a worker died under them: imports
#: skip the rows already imported (whole batches), reconciliation records each outcome
#: again, the audit export writes a new file.
RESUMABLE_TASKS = frozenset(
    {
        "hotich.exchange.tasks.import_run_task",
        "hotich.reconciliation.tasks.book_reconcile_task",
        "hotich.oversight.tasks.audit_export",
    }
)
WORKER_LOST = "hotich.jobs.workers.WorkerLost"


class WorkerLost(Exception):
    """The worker running a task stopped (killed, machine restarted) before it finished."""

    message = (
        "Tiến trình xử lý (hotich worker) đã dừng đột ngột khi đang chạy tác vụ này, và tác vụ "
        "không thể chạy lại an toàn. Hãy thực hiện lại thao tác (ví dụ: xuất hoặc tải tệp lên lại)."
    )


def _host() -> str:
    return socket.gethostname()[:255]


def _process_alive(pid: int) -> bool:
    """True if process PID runs on this machine (a zombie, killed but not reaped, does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return True


def worker_beat(*, worker_id: str) -> None:
    """Record that worker WORKER_ID (this process) is alive now."""
    now = timezone.now()
    if not WorkerBeat.objects.filter(worker_id=worker_id).update(seen_at=now):
        WorkerBeat.objects.create(
            worker_id=worker_id, hostname=_host(), pid=os.getpid(), seen_at=now
        )


def worker_beat_end(*, worker_id: str) -> None:
    """Forget worker WORKER_ID: it stopped cleanly."""
    WorkerBeat.objects.filter(worker_id=worker_id).delete()


def _alive(beat: WorkerBeat | None, now: datetime) -> bool:
    if beat is None or beat.seen_at < now - timedelta(seconds=LEASE_SECONDS):
        return False
    return beat.hostname != _host() or _process_alive(beat.pid)


def workers_alive(*, now: datetime | None = None) -> int:
    """Return how many workers have answered within the lease."""
    now = now or timezone.now()
    recent = WorkerBeat.objects.filter(seen_at__gte=now - timedelta(seconds=LEASE_SECONDS))
    return sum(_alive(beat, now) for beat in recent)


def tasks_orphaned_recover(*, now: datetime | None = None) -> dict[str, int]:
    """Put orphaned tasks back in the queue or mark them failed; return the counts.

    Each change is a conditional update on the task's status and start time, so two workers
    recovering at once never both act on one task.
    """
    now = now or timezone.now()
    counts = {"resumed": 0, "failed": 0}
    running = list(
        DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).only(
            "id", "task_path", "worker_ids", "started_at"
        )
    )
    if not running:
        return counts
    owners = {w for task in running for w in task.worker_ids[-1:]}
    beats = {b.worker_id: b for b in WorkerBeat.objects.filter(worker_id__in=owners)}
    for task in running:
        owner = task.worker_ids[-1] if task.worker_ids else ""
        beat = beats.get(owner)
        if _alive(beat, now):
            continue
        if (
            beat is None
            and task.started_at
            and task.started_at > now - timedelta(seconds=LEASE_SECONDS)
        ):
            continue  # a worker that does not beat (db_worker run by hand): give it the lease
        same = DBTaskResult.objects.filter(
            pk=task.pk, status=TaskResultStatus.RUNNING, started_at=task.started_at
        )
        if task.task_path in RESUMABLE_TASKS and len(task.worker_ids) < MAX_ATTEMPTS:
            moved = same.update(status=TaskResultStatus.READY, started_at=None)
            key = "resumed"
        else:
            moved = same.update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path=WORKER_LOST,
                traceback=WorkerLost.message,
                return_value=None,
            )
            key = "failed"
        if moved:
            counts[key] += 1
            logger.warning("Tác vụ %s bị bỏ dở (worker %s): %s", task.pk, owner, key)
    # Beats of workers gone for a day are of no use to anyone.
    WorkerBeat.objects.filter(seen_at__lt=now - timedelta(days=1)).delete()
    return counts


class Heartbeat(threading.Thread):
    """Beat for WORKER_ID and recover orphaned tasks every BEAT_SECONDS until stopped."""

    def __init__(self, worker_id: str) -> None:
        super().__init__(name=f"heartbeat-{worker_id[:8]}", daemon=True)
        self.worker_id = worker_id
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(BEAT_SECONDS):
                close_old_connections()
                try:
                    worker_beat(worker_id=self.worker_id)
                    tasks_orphaned_recover()
                except DatabaseError as error:  # a locked or restarting database: next beat
                    logger.warning("Không ghi được nhịp của tiến trình xử lý: %s", error)
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=BEAT_SECONDS * 2)
