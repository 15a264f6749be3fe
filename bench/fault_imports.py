"""The long fault run of imports: many malformed files through the upload page and the worker.

Each file is a mutation (tests/faults/mutations.py: truncations, bit flips, wrong cell types,
huge numbers, formulas, missing parts, XML garbage, bombs …) of a birth-register file shaped
like the Ministry template, with 5 to 60 rows. In a throw-away database (SQLite, or
``--database-url``), each file is:

1. uploaded on the page **Nhập tệp** as a justice officer (a 500 is a server error);
2. imported as the worker imports it (``import_run_execute``; reconciliation is left out);
3. imported a second time (it must add nothing).

Prints: files tried, runs ended in a final state, server errors, rows lost (rows of a run
that ended "done" neither imported nor reported), half-written files (a failed run that
wrote entries), duplicated entries (entries the second import added), and the outcomes.

    .venv/bin/python bench/fault_imports.py [--files 1000] [--seed 1] [--database-url URL]
    make test-faults
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="hotich-faults-"))
    os.environ["HOTICH_DATA_DIR"] = str(tmp)
    os.environ.pop("DATABASE_URL", None)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hotich.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from hotich.accounts.models import Role, User
    from hotich.exchange.importer import ImportFileError, import_run_execute
    from hotich.exchange.models import ImportRun
    from hotich.exchange.services import import_run_create
    from hotich.places.models import AdministrativeUnit
    from hotich.registers.models import Entry, RegisterBook
    from tests.faults.mutations import MUTATIONS, template_file

    setup_test_environment()
    # Refused uploads (400) are what many of these files should get: not worth a line each.
    logging.getLogger("django.request").setLevel(logging.ERROR)
    call_command("migrate", verbosity=0)
    commune = AdministrativeUnit.objects.create(
        code="15943",
        name="Đông Văn",
        type_name="Xã",
        level="commune",
        period="current",
        province_code="38",
    )
    officer = User.objects.create(username="tuphap", role=Role.JUSTICE_OFFICER, unit=commune)
    client = Client(raise_request_exception=False)
    client.force_login(officer)
    rng = random.Random(args.seed)
    bases = {rows: template_file(rows) for rows in (5, 12, 30, 60)}
    names = sorted(MUTATIONS)
    tally: Counter[str] = Counter()
    server_errors = rows_lost = half_written = duplicated = final = 0
    started = time.perf_counter()

    def execute(run: ImportRun) -> bool:
        """Run RUN as the worker does; return False if it escaped as a crash."""
        try:
            import_run_execute(run=run)
        except ImportFileError:
            pass
        except Exception as error:  # noqa: BLE001 (a crash is what is counted here)
            print(f"  worker crash on file {i}: {type(error).__name__}: {error}")
            return False
        return True

    for i in range(args.files):
        if i and i % 100 == 0:
            print(f"  {i} files, {time.perf_counter() - started:.0f} s", flush=True)
        mutation = names[i % len(names)]
        rows = rng.choice(list(bases))
        content, _ = MUTATIONS[mutation](bases[rows], random.Random(rng.random()))
        book = RegisterBook.objects.create(
            commune=commune, register_type="KS", year_from=2008, year_to=2008, volume=f"F{i}"
        )
        upload = io.BytesIO(content)
        upload.name = f"tep-{i}.xlsx"
        response = client.post(reverse("import_upload"), {"file": upload, "book": book.pk})
        if response.status_code >= 500:
            server_errors += 1
            tally["server error"] += 1
            continue
        run = ImportRun.objects.filter(book=book).first()
        if run is None:
            final += 1
            tally["refused on the page"] += 1
            continue
        if run.status == ImportRun.Status.NEEDS_MAPPING:
            final += 1
            tally["waiting for a column mapping"] += 1
            continue
        if not execute(run):
            server_errors += 1
        run.refresh_from_db()
        entries = Entry.objects.filter(book=book).count()
        if run.status in (ImportRun.Status.DONE, ImportRun.Status.FAILED):
            final += 1
        tally[f"run {run.status}"] += 1
        if run.status == ImportRun.Status.FAILED and entries:
            half_written += 1
        if run.status == ImportRun.Status.DONE:
            accounted = run.imported + run.updated + run.unchanged + run.rejected
            rows_lost += max(0, rows - accounted) + abs(entries - run.imported)
            with io.BytesIO(content) as handle:
                again = import_run_create(handle=handle, name=upload.name, user=officer, book=book)
            execute(again)
            duplicated += Entry.objects.filter(book=book).count() - entries

    elapsed = time.perf_counter() - started
    print(f"files tried: {args.files}")
    print(f"runs ended in a final state: {final} of {args.files}")
    print(f"server errors: {server_errors}")
    print(f"rows lost: {rows_lost}")
    print(f"half-written files: {half_written}")
    print(f"duplicated entries: {duplicated}")
    print("outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(tally.items())))
    print(f"time: {elapsed:.0f} s ({elapsed / max(args.files, 1) * 1000:.0f} ms a file)")
    bad = server_errors or rows_lost or half_written or duplicated or final != args.files
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
