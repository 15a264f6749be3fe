"""A killed import leaves whole batches only, and running it again completes it.

The import runs as a real `hotich import` process on its own SQLite database (the test
database of pytest-django lives in this process's memory), and is killed with SIGKILL.
"""

import json
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

ROWS = 1500
BATCH = 100
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


def test_a_killed_import_leaves_whole_batches_and_can_be_run_again(tmp_path, migrated_sqlite):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"HOTICH_DATA_DIR": str(tmp_path), "PYTHONPATH": str(Path(__file__).parents[2])}
    sqlite_data_dir(tmp_path, migrated_sqlite)
    setup = (
        "from hotich.places.models import AdministrativeUnit as U;"
        "from hotich.registers.models import RegisterBook as B;"
        "c=U.objects.create(code='15943',name='Đông Sơn',type_name='Xã',level='commune',"
        "period='current',province_code='38');"
        "print(B.objects.create(commune=c,register_type='KS',year_from=2008,year_to=2008,volume='01/2008').pk)"
    )
    book = subprocess.run(
        [*HOTICH, "shell", "--no-imports", "-c", setup],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    path = tmp_path / "ks.xlsx"
    write_file(path)
    command = [*HOTICH, "import", str(path), "--book", book, "--json", "--batch-size", str(BATCH)]

    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    db = sqlite3.connect(tmp_path / "hotich.sqlite3", timeout=20)
    deadline = time.monotonic() + 120
    done = 0
    while time.monotonic() < deadline and done < 3 * BATCH and process.poll() is None:
        row = db.execute("select max(rows_done) from exchange_importrun").fetchone()
        done = row[0] or 0
        time.sleep(0.02)
    assert process.poll() is None, process.communicate()
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)

    entries = db.execute("select count(*) from registers_entry").fetchone()[0]
    people = db.execute("select count(distinct entry_id) from registers_entryperson").fetchone()[0]
    audited = db.execute(
        "select count(*) from audit_auditevent where action='create' and object_type='entry'"
    ).fetchone()[0]
    committed = db.execute("select max(rows_done) from exchange_importrun").fetchone()[0]
    assert 0 < entries < ROWS
    assert entries % BATCH == 0 and entries == committed  # whole batches, counted with them
    assert people == entries and audited == entries  # no entry without its people or audit

    # Again, without the reconciliation that follows an import (for 1,500 new people most of
    # the time, and not what is tested here).
    again = subprocess.run(
        [*command, "--no-reconcile"], env=env, capture_output=True, text=True, timeout=300
    )
    result = json.loads(again.stdout)
    assert (result["imported"], result["unchanged"], result["rejected"]) == (
        ROWS - entries,
        entries,
        0,
    )
    assert db.execute("select count(*) from registers_entry").fetchone()[0] == ROWS
    db.close()
