"""Two imports of one file at the same moment, and two reconciliations of one book, as real
processes on one database (SQLite file, or PostgreSQL with DATABASE_URL)."""

import json
import subprocess

from tests.faults.conftest import HOTICH
from tests.faults.processes import make_book, state, write_file

ROWS = 3000


def test_two_imports_of_one_file_at_once_leave_each_entry_once(process_env, tmp_path):
    book = make_book(process_env)
    path = tmp_path / "ks.xlsx"
    write_file(path, ROWS)
    command = [*HOTICH, "import", str(path), "--book", book, "--json", "--no-reconcile"]

    both = [
        subprocess.Popen(
            command, env=process_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    results = [p.communicate(timeout=600) + (p.returncode,) for p in both]

    after = state(process_env)
    assert after["entries"] == ROWS and after["repeated_numbers"] == 0
    assert after["with_people"] == ROWS and after["audited"] == ROWS
    assert {r["status"] for r in after["runs"]} <= {"done", "failed"}
    done = [json.loads(out) for out, _, code in results if code == 0]
    refused = [err for _, err, code in results if code != 0]
    assert sum(d["imported"] for d in done) == ROWS
    # The second importer is told, in Vietnamese, why nothing of its file was written.
    for err in refused:
        assert "đang được nhập từ một tệp khác" in err
    for run in after["runs"]:
        if run["status"] == "failed":
            assert "đang được nhập từ một tệp khác" in run["message"] and run["imported"] == 0


def test_two_reconciliations_of_one_book_at_once_both_finish(process_env, tmp_path):
    book = make_book(process_env)
    path = tmp_path / "ks.xlsx"
    write_file(path, 200)
    subprocess.run(
        [*HOTICH, "import", str(path), "--book", book, "--json", "--no-reconcile"],
        env=process_env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    code = (
        "from hotich.reconciliation.services import book_reconcile_apply;"
        "from hotich.registers.models import RegisterBook as B;"
        f"print(book_reconcile_apply(book=B.objects.get(pk={book}), user=None)['reconciled'])"
    )
    both = [
        subprocess.Popen(
            [*HOTICH, "shell", "--no-imports", "-c", code],
            env=process_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = [p.communicate(timeout=600) + (p.returncode,) for p in both]

    assert [code for _, _, code in results] == [0, 0], [err[-2000:] for _, err, _ in results]
    moved = sorted(int(out.strip().splitlines()[-1]) for out, _, _ in results)
    # One after the other: no entry is reconciled twice. (The file repeats its names, so
    # people whose namesake was just given a personal ID wait for an officer instead of a
    # second ID: not every entry is reconciled by the first run.)
    assert 0 < sum(moved) <= 200 and moved[0] < moved[1]
