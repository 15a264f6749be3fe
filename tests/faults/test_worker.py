"""A worker killed with SIGKILL in the middle of an import: the next worker finds the task it
left "running", puts it back in the queue (imports are idempotent in whole batches) and
finishes it; nothing is imported twice, nothing is lost.

Real `hotich worker` processes on their own SQLite database (pytest-django's test database
lives in this process's memory).
"""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from openpyxl import Workbook

from hotich.exchange.layout import export_header
from hotich.registers.spec import REGISTER_TYPES
from tests.exchange.factories import sample_values
from tests.migrated import sqlite_data_dir

ROWS = 500
BATCH = 100  # rows per transaction: the worker is killed after the first batch
HOTICH = [sys.executable, "-m", "hotich.cli"]


def write_file(path: Path) -> None:
    register = REGISTER_TYPES["KS"]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("DL Import")
    sheet.append(export_header(register))
    for i in range(ROWS):
        values = sample_values(register, i, 2008)
        sheet.append([values.get(name) for name in register.column_names])
    workbook.save(path)


SETUP = """
from hotich.exchange.services import import_run_create
from hotich.exchange.tasks import import_run_task
from hotich.jobs.services import job_enqueue
from hotich.places.models import AdministrativeUnit as U
from hotich.registers.models import RegisterBook as B
c = U.objects.create(code='15943', name='Đông Sơn', type_name='Xã', level='commune',
                     period='current', province_code='38')
book = B.objects.create(commune=c, register_type='KS', year_from=2008, year_to=2008,
                        volume='01/2008')
with open({path!r}, 'rb') as handle:
    run = import_run_create(handle=handle, name='ks.xlsx', user=None, book=book)
job_enqueue(task=import_run_task, user=None, label='Nhập ks.xlsx', run_id=run.pk,
            batch_size={batch})
"""


def test_a_task_left_running_by_a_killed_worker_is_resumed_and_finished(tmp_path, migrated_sqlite):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"HOTICH_DATA_DIR": str(tmp_path), "PYTHONPATH": str(Path(__file__).parents[2])}
    sqlite_data_dir(tmp_path, migrated_sqlite)
    path = tmp_path / "ks.xlsx"
    write_file(path)
    subprocess.run(
        [*HOTICH, "shell", "--no-imports", "-c", SETUP.format(path=str(path), batch=BATCH)],
        env=env,
        check=True,
        timeout=120,
    )
    worker = subprocess.Popen(
        [*HOTICH, "worker", "-v", "0"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    db = sqlite3.connect(tmp_path / "hotich.sqlite3", timeout=20)
    deadline = time.monotonic() + 180
    done = 0
    while time.monotonic() < deadline and done < BATCH and worker.poll() is None:
        done = db.execute("select max(rows_done) from exchange_importrun").fetchone()[0] or 0
        time.sleep(0.02)
    assert worker.poll() is None, worker.communicate()
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)

    (status,) = db.execute("select status from django_tasks_database_dbtaskresult").fetchone()
    entries = db.execute("select count(*) from registers_entry").fetchone()[0]
    assert status == "RUNNING"  # what the queue says of an orphan: nobody will finish it
    assert 0 < entries < ROWS and entries % BATCH == 0

    again = subprocess.run(
        [*HOTICH, "worker", "--batch"], env=env, capture_output=True, text=True, timeout=600
    )
    assert again.returncode == 0, again.stderr
    assert "chạy lại 1" in again.stdout  # the orphan was found at start and put back

    status, workers = db.execute(
        "select status, worker_ids from django_tasks_database_dbtaskresult"
    ).fetchone()
    assert status == "SUCCESSFUL"
    assert len(eval(workers)) == 2  # noqa: S307 (a JSON list of two ids, from our own table)
    run_status, rows_done = db.execute(
        "select status, rows_done from exchange_importrun"
    ).fetchone()
    assert run_status == "done" and rows_done == ROWS
    assert db.execute("select count(*) from registers_entry").fetchone()[0] == ROWS
    numbers = db.execute("select count(distinct year || '/' || number) from registers_entry")
    assert numbers.fetchone()[0] == ROWS  # nothing imported twice
    # The worker that finished said goodbye; only the killed one's last beat is left.
    assert db.execute("select count(*) from jobs_workerbeat").fetchone()[0] == 1
    db.close()
