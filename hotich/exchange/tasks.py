"""Background imports: the upload page queues one, the worker runs it."""

from typing import Any

from django.conf import settings
from django.tasks import task
from django.utils import translation

from hotich.exchange.importer import BATCH_SIZE, ImportFileError, import_run_execute
from hotich.exchange.models import ImportRun
from hotich.registers.locks import BookBusy


@task(queue_name="imports")
def import_run_task(*, run_id: int, language: str = "", batch_size: int = 0) -> dict[str, Any]:
    """Run import RUN_ID; return a one-line summary (a file-level problem is a summary too).

    BATCH_SIZE: rows written per transaction (0: the importer's default, 1,000); a killed
    worker leaves whole batches, which the next run finds unchanged.

    The run's problems and its rejected-rows file are written in LANGUAGE, the interface
    language of whoever started the import (Vietnamese when not given); what reconciliation
    records for everyone stays in the project's language.
    """
    run = ImportRun.objects.get(pk=run_id)
    try:
        with translation.override(language or settings.LANGUAGE_CODE):
            outcome = import_run_execute(run=run, batch_size=batch_size or BATCH_SIZE)
    except ImportFileError as error:
        return {"summary": str(error)}
    # Imported entries then go through batch reconciliation with the population registry,
    # into the same states and tracking list as keyed entries.
    try:
        reconciled = reconcile_imported(outcome, user=run.user)
    except BookBusy as error:
        return {"summary": f"Nhập xong ({outcome.imported} thêm mới); chưa đối chiếu: {error}"}
    return {
        "summary": f"Thêm {outcome.imported}, cập nhật {outcome.updated}, "
        f"không đổi {outcome.unchanged}, lỗi {outcome.rejected}; "
        f"đối chiếu CSDL dân cư xong {reconciled} trường hợp"
    }


def reconcile_imported(outcome: Any, *, user: Any) -> int:
    """Reconcile the books an import changed; return how many entries became reconciled."""
    from hotich.reconciliation.services import book_reconcile_apply
    from hotich.registers.models import RegisterBook

    moved = 0
    for book in RegisterBook.objects.filter(pk__in=sorted(outcome.books)):
        moved += book_reconcile_apply(book=book, user=user)["reconciled"]
    return moved
