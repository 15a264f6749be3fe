"""Malformed files: each run ends in a final state, broken files write nothing, bad rows are
reported by row and column with the good rows kept, and the upload page never answers 500."""

import io
import random

import pytest
from django.urls import reverse

from hotich.exchange.importer import ImportFileError, import_run_execute
from hotich.exchange.models import ImportRun
from hotich.exchange.services import import_run_create
from hotich.registers.models import Entry
from tests.faults.mutations import MUTATIONS, template_file

ROWS = 12
FINAL = {ImportRun.Status.DONE, ImportRun.Status.FAILED}


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR = tmp_path


def execute(content: bytes, *, book, user=None) -> ImportRun:
    run = import_run_create(handle=io.BytesIO(content), name="f.xlsx", user=user, book=book)
    try:
        import_run_execute(run=run)
    except ImportFileError:
        pass
    run.refresh_from_db()
    return run


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_a_malformed_file_ends_in_a_final_state_and_writes_only_whole_good_rows(name, seed, book):
    content, expected = MUTATIONS[name](template_file(ROWS), random.Random(seed))

    run = execute(content, book=book)

    entries = Entry.objects.filter(book=book).count()
    assert run.status in FINAL, run.message
    if run.status == ImportRun.Status.FAILED:
        assert expected in ("file", "any"), run.message
        assert entries == 0, "a broken file writes nothing"
        assert run.message and ("Tệp" in run.message or "tệp" in run.message)
        return
    assert expected in ("row", "ok", "any"), f"{name} should have been refused"
    # Every row is counted once: imported or rejected (with its row and column).
    assert run.imported + run.rejected == ROWS and entries == run.imported
    assert all(e["row"] >= 2 and e["column"] and e["message"] for e in run.errors)
    if expected == "row":
        assert run.rejected >= 1 and run.imported >= ROWS - 2
    if expected == "ok":
        assert run.rejected == 0


def test_a_number_cell_of_ten_to_the_twenty_rejects_its_row_by_row_and_column(book):
    from tests.faults.mutations import SHEET, _column_letter, _set_cell, _with_sheet

    ref = f"{_column_letter('so')}5"
    content = _with_sheet(
        template_file(ROWS),
        lambda xml: _set_cell(xml, ref, f'<c r="{ref}" t="n"><v>1E+20</v></c>'.encode()),
    )
    assert SHEET

    run = execute(content, book=book)

    assert (run.status, run.imported, run.rejected) == (ImportRun.Status.DONE, ROWS - 1, 1)
    assert [(e["row"], e["column"]) for e in run.errors] == [(5, "so")]
    assert "quá lớn" in run.errors[0]["message"]


def test_a_sheet_cut_in_the_middle_writes_nothing_and_says_so(book):
    from tests.faults.mutations import _with_sheet

    content = _with_sheet(template_file(300), lambda xml: xml[: len(xml) * 2 // 3])

    run = execute(content, book=book)

    assert run.status == ImportRun.Status.FAILED and Entry.objects.count() == 0
    assert "bị hỏng" in run.message and "Không dòng nào được nhập" in run.message


def test_a_row_numbered_a_million_costs_nothing(book):
    from tests.faults.mutations import sparse_far_row

    content, _ = sparse_far_row(template_file(ROWS), random.Random(1))

    run = execute(content, book=book)

    assert (run.status, run.imported, run.rows_total) == (ImportRun.Status.DONE, ROWS, ROWS)


def test_a_shared_strings_bomb_is_refused_with_its_limit(book):
    from tests.faults.mutations import shared_strings_bomb

    content, _ = shared_strings_bomb(template_file(ROWS), random.Random(1))
    assert len(content) < 1_000_000  # a small upload …

    run = execute(content, book=book)

    assert run.status == ImportRun.Status.FAILED and Entry.objects.count() == 0
    assert "giải nén" in run.message and "MB" in run.message  # … refused with the limit


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_the_upload_page_never_answers_500(name, client, personas, book):
    content, _ = MUTATIONS[name](template_file(ROWS), random.Random(3))
    client.raise_request_exception = False
    client.force_login(personas["justice_officer"])
    upload = io.BytesIO(content)
    upload.name = "tep.xlsx"

    response = client.post(reverse("import_upload"), {"file": upload, "book": book.pk})

    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert ImportRun.objects.count() == 0 and "error" in response.content.decode()
    else:
        run = ImportRun.objects.get()
        page = client.get(response.url)
        assert page.status_code == 200
        if run.status == ImportRun.Status.NEEDS_MAPPING:
            return
        # What the worker does with it next ends in a final state too.
        try:
            import_run_execute(run=run)
        except ImportFileError:
            pass
        run.refresh_from_db()
        assert run.status in FINAL
        assert client.get(reverse("import_detail", args=[run.pk])).status_code == 200


def test_a_run_left_running_by_a_dead_process_is_ended_when_its_page_is_seen(
    client, personas, book
):
    user = personas["justice_officer"]
    run = import_run_create(
        handle=io.BytesIO(template_file(2)), name="f.xlsx", user=user, book=book
    )
    # What a killed worker leaves: "running", a book written, nobody holding its lock.
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportRun.Status.RUNNING, book_ids=[book.pk], rows_done=1000
    )
    client.force_login(user)

    page = client.get(reverse("import_detail", args=[run.pk])).content.decode()

    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED and "gián đoạn" in run.message
    assert "sau dòng 1001" in page
