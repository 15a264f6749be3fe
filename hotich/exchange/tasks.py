"""Background imports: the upload page queues one, the worker runs it."""

from typing import Any

from django.tasks import task

from hotich.exchange.importer import ImportFileError, import_run_execute
from hotich.exchange.models import ImportRun


@task(queue_name="imports")
def import_run_task(*, run_id: int) -> dict[str, Any]:
    """Run import RUN_ID; return a one-line summary (a file-level problem is a summary too)."""
    run = ImportRun.objects.get(pk=run_id)
    try:
        outcome = import_run_execute(run=run)
    except ImportFileError as error:
        return {"summary": str(error)}
    # Imported entries are left "keyed": they are ready for batch reconciliation with the
    # population registry like any keyed entry.
    return {
        "summary": f"Thêm {outcome.imported}, cập nhật {outcome.updated}, "
        f"không đổi {outcome.unchanged}, lỗi {outcome.rejected}"
    }
