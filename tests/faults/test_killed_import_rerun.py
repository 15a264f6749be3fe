"""kill -9 of a `hotich worker` in the middle of an import, then the same file again: nothing
lost, nothing duplicated, nothing half-written, every run in a final state (the killed one is
ended as interrupted by the rerun, which finds nobody holding the book's lock)."""

import signal
import subprocess
import time

from tests.faults.conftest import HOTICH, hotich_python
from tests.faults.processes import make_book, state, write_file

ROWS = 3000

ENQUEUE = """
from pathlib import Path
from django.db import transaction
from hotich.exchange.models import ImportRun
from hotich.exchange.services import import_run_create
from hotich.exchange.tasks import import_run_task
from hotich.jobs.services import job_enqueue
from hotich.registers.models import RegisterBook
with transaction.atomic(), Path({path!r}).open('rb') as handle:
    run = import_run_create(handle=handle, name='ks.xlsx', user=None,
                            book=RegisterBook.objects.get(pk={book}))
    job_enqueue(task=import_run_task, user=None, label='nhập', run_id=run.pk)
print(run.pk)
"""

PROGRESS = (
    "from hotich.exchange.models import ImportRun as R; print(R.objects.get(pk={run}).rows_done)"
)


def test_a_worker_killed_mid_import_then_a_rerun_leaves_every_row_once(process_env, tmp_path):
    book = make_book(process_env)
    path = tmp_path / "ks.xlsx"
    write_file(path, ROWS)
    first = hotich_python(process_env, ENQUEUE.format(path=str(path), book=book))
    worker = subprocess.Popen(
        [*HOTICH, "worker", "--queue", "imports", "--interval", "0.1"],
        env=process_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 300
    done = 0
    while time.monotonic() < deadline and done < 1000 and worker.poll() is None:
        done = int(hotich_python(process_env, PROGRESS.format(run=first)) or 0)
        time.sleep(0.2)
    assert worker.poll() is None, worker.communicate()[1][-2000:]
    assert 0 < done < ROWS, "the import was under way when the worker was killed"
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)

    killed = state(process_env)
    assert 0 < killed["entries"] < ROWS and killed["entries"] % 1000 == 0  # whole batches
    assert killed["with_people"] == killed["audited"] == killed["entries"]

    # The rerun: the same file again (without the reconciliation that follows an import in
    # the worker, which for 3,000 new people is most of the time and not what is tested).
    subprocess.run(
        [*HOTICH, "import", str(path), "--book", book, "--json", "--no-reconcile"],
        env=process_env,
        check=True,
        capture_output=True,
        timeout=600,
    )

    after = state(process_env)
    assert after["entries"] == ROWS and after["repeated_numbers"] == 0
    assert after["with_people"] == after["audited"] == ROWS
    statuses = [r["status"] for r in after["runs"]]
    assert statuses == ["failed", "done"], after["runs"]
    assert "gián đoạn" in after["runs"][0]["message"]
    rerun = after["runs"][1]
    assert (rerun["imported"], rerun["unchanged"]) == (ROWS - killed["entries"], killed["entries"])
