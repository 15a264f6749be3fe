"""The database-backed task queue, end to end: enqueue from a page, run the worker, download."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from hotich.audit.models import AuditEvent
from hotich.jobs.models import Job, WorkerBeat

# The worker closes database connections between tasks, as a long-running process should;
# so these tests commit for real instead of running inside one rolled-back transaction.
pytestmark = pytest.mark.django_db(transaction=True)


def test_an_audit_export_is_queued_run_by_the_worker_and_downloaded(personas, login, entry):
    client = login(personas["inspector"])
    response = client.post(reverse("audit_export"), {"commune": "15943"})
    assert response.status_code == 302
    job = Job.objects.get(user=personas["inspector"])
    page = client.get(reverse("job_list")).content.decode()
    assert "Xuất nhật ký truy cập ra Excel" in page
    assert "Đang chờ" in page

    call_command("worker", batch=True, verbosity=0)

    page = client.get(reverse("job_list")).content.decode()
    assert "Hoàn thành" in page
    assert reverse("job_download", args=[job.pk]) in page
    download = client.get(reverse("job_download", args=[job.pk]))
    assert download.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Thời điểm"
    assert {r[2] for r in rows[1:]} == {"Tạo"}  # the entry's creation, in commune 15943
    assert AuditEvent.objects.filter(
        action="export", object_type="job", object_id=str(job.pk)
    ).exists()


def test_someone_elses_job_result_is_refused(personas, login, entry):
    login(personas["inspector"]).post(reverse("audit_export"), {})
    call_command("worker", batch=True, verbosity=0)
    job = Job.objects.get()
    assert (
        login(personas["administrator"]).get(reverse("job_download", args=[job.pk])).status_code
        == 403
    )


# --- workers: heartbeat, orphaned tasks, the banner when none runs ---------------------------


def _running_task(worker_id: str, task_path: str, attempts: int = 1):
    from django.tasks import TaskResultStatus
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now(),
        args_kwargs={"args": [], "kwargs": {}},
        task_path=task_path,
        worker_ids=[*(f"earlier-{i}" for i in range(attempts - 1)), worker_id],
        backend_name="default",
        run_after=timezone.now(),
    )


def _dead_worker(worker_id: str):
    """A beat left by a worker process that no longer exists on this machine."""
    import subprocess
    import sys

    from hotich.jobs.workers import worker_beat

    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    worker_beat(worker_id=worker_id)
    WorkerBeat.objects.filter(worker_id=worker_id).update(pid=gone.pid)


def test_an_orphaned_task_that_may_not_run_again_is_failed_with_a_vietnamese_message(
    personas, login
):
    from django_tasks_db.models import DBTaskResult

    from hotich.jobs.workers import MAX_ATTEMPTS, RESUMABLE_TASKS, tasks_orphaned_recover

    _dead_worker("killed")
    # Out of attempts: it killed its worker every time, it is not started a fourth time.
    task = _running_task("killed", "hotich.oversight.tasks.audit_export", MAX_ATTEMPTS)
    other = _running_task("killed", "hotich.jobs.services.not_a_resumable_task")
    assert other.task_path not in RESUMABLE_TASKS
    Job.objects.create(id=task.pk, user=personas["inspector"], label="Xuất nhật ký")

    assert tasks_orphaned_recover() == {"resumed": 0, "failed": 2}
    task.refresh_from_db()
    assert task.status == "FAILED"
    page = login(personas["inspector"]).get(reverse("job_list")).content.decode()
    assert "đã dừng đột ngột" in page and "Lỗi" in page
    assert tasks_orphaned_recover() == {"resumed": 0, "failed": 0}  # once only
    assert DBTaskResult.objects.get(pk=other.pk).status == "FAILED"


def test_an_orphaned_import_is_resumed_until_its_third_attempt_then_failed():
    from hotich.jobs.workers import MAX_ATTEMPTS, tasks_orphaned_recover

    _dead_worker("killed")
    again = _running_task("killed", "hotich.exchange.tasks.import_run_task")
    last = _running_task("killed", "hotich.exchange.tasks.import_run_task", MAX_ATTEMPTS)
    assert tasks_orphaned_recover() == {"resumed": 1, "failed": 1}
    again.refresh_from_db()
    last.refresh_from_db()
    assert (again.status, again.started_at) == ("READY", None)
    assert last.status == "FAILED"


def test_a_task_of_a_worker_that_still_beats_is_left_alone():
    from hotich.jobs.workers import tasks_orphaned_recover, worker_beat

    worker_beat(worker_id="alive")  # this very process
    task = _running_task("alive", "hotich.reports.tasks.something_not_idempotent")
    assert tasks_orphaned_recover() == {"resumed": 0, "failed": 0}
    task.refresh_from_db()
    assert task.status == "RUNNING"


def test_the_pages_say_when_no_worker_answers(personas, login, entry):
    from hotich.jobs.workers import worker_beat

    client = login(personas["inspector"])
    client.post(reverse("audit_export"), {})
    for name in ("job_list", "home"):  # a job waits: every page says so
        page = client.get(reverse(name)).content.decode()
        assert 'data-testid="worker-down"' in page and "hotich worker" in page
    worker_beat(worker_id="alive")
    assert 'data-testid="worker-down"' not in client.get(reverse("job_list")).content.decode()
    WorkerBeat.objects.update(pid=999_999_999)  # its process is gone
    assert 'data-testid="worker-down"' in client.get(reverse("job_list")).content.decode()


def test_serve_with_worker_runs_the_worker_and_stops_it_on_ctrl_c(tmp_path, migrated_sqlite):
    import os
    import signal
    import socket
    import sqlite3
    import subprocess
    import sys
    import time
    import urllib.request
    from pathlib import Path

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"HOTICH_DATA_DIR": str(tmp_path), "PYTHONPATH": str(Path(__file__).parents[2])}
    from tests.migrated import sqlite_data_dir

    sqlite_data_dir(tmp_path, migrated_sqlite)  # what `hotich migrate` leaves (not tested here)
    server = subprocess.Popen(
        [sys.executable, "-m", "hotich.cli", "serve", "--with-worker", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        beats, deadline = 0, time.monotonic() + 180
        while time.monotonic() < deadline and not beats and server.poll() is None:
            time.sleep(0.5)
            if (tmp_path / "hotich.sqlite3").exists():
                with sqlite3.connect(tmp_path / "hotich.sqlite3", timeout=20) as db:
                    try:
                        beats = db.execute("select count(*) from jobs_workerbeat").fetchone()[0]
                    except sqlite3.OperationalError:
                        beats = 0  # not migrated yet
        assert beats == 1, server.stdout.read() if server.poll() is not None else "no beat"
        for _ in range(60):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=5)  # noqa: S310
                break
            except OSError:
                time.sleep(0.5)
        server.send_signal(signal.SIGINT)  # Ctrl+C
        out, _ = server.communicate(timeout=60)
    finally:
        if server.poll() is None:
            server.kill()
    assert "Đã dừng tiến trình xử lý tác vụ nền" in out
    with sqlite3.connect(tmp_path / "hotich.sqlite3") as db:
        assert db.execute("select count(*) from jobs_workerbeat").fetchone()[0] == 0


def test_every_task_said_to_be_resumable_exists():
    from django.tasks import Task
    from django.utils.module_loading import import_string

    from hotich.jobs.workers import RESUMABLE_TASKS

    assert all(isinstance(import_string(path), Task) for path in RESUMABLE_TASKS)


@pytest.mark.browser
def test_the_banner_in_a_browser_says_the_worker_is_down(personas, login, entry, live_server):
    from playwright.sync_api import sync_playwright

    from tests.web.test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, log_in

    login(personas["inspector"]).post(reverse("audit_export"), {})
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 700}, locale="en-US")
        log_in(page, live_server, "thanhtra")
        page.goto(f"{live_server.url}{reverse('job_list')}")
        banner = page.get_by_test_id("worker-down")
        assert banner.is_visible()
        assert "không chạy" in banner.inner_text() and "1 tác vụ đang chờ" in banner.inner_text()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "worker-banner.png"))
        browser.close()


def test_a_moved_task_keeps_the_jobs_queued_under_its_old_path(db):
    # An export queued before the upgrade (under the audit app's old path) still runs, and
    # a finished one still shows its result: the migration moves their stored path.
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django_tasks_db.models import DBTaskResult

    from hotich.jobs.workers import RESUMABLE_TASKS
    from hotich.oversight.tasks import audit_export

    assert audit_export.module_path == "hotich.oversight.tasks.audit_export"
    assert audit_export.module_path in RESUMABLE_TASKS
    target = ("oversight", "0001_audit_export_task_moved")
    executor = MigrationExecutor(connection)
    executor.migrate([("oversight", None)])
    queued = _running_task("alive", "hotich.audit.tasks.audit_export")
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    queued.refresh_from_db()
    assert queued.task_path == audit_export.module_path
    assert queued.task.func is audit_export.func
    assert DBTaskResult.objects.filter(task_path__startswith="hotich.audit.").count() == 0
