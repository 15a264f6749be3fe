"""Starting imports: store the uploaded file and record the run (views and the command call these)."""

import hashlib
from typing import IO, Any

from django.core.files import File
from django.utils import timezone

from hotich.accounts.models import User
from hotich.exchange.models import ColumnMapping, ImportRun
from hotich.registers.models import RegisterBook


def import_run_create(
    *,
    handle: IO[bytes],
    name: str,
    user: User | None,
    book: RegisterBook | None = None,
    mapping: ColumnMapping | None = None,
    status: str = ImportRun.Status.QUEUED,
) -> ImportRun:
    """Store the file HANDLE under NAME and return a new import run for it (not started)."""
    digest = hashlib.sha256()
    size = 0
    for chunk in iter(lambda: handle.read(1 << 20), b""):
        digest.update(chunk)
        size += len(chunk)
    handle.seek(0)
    run = ImportRun(
        original_name=name[:255],
        sha256=digest.hexdigest(),
        size=size,
        user=user,
        book=book,
        mapping=mapping,
        status=status,
    )
    run.file.save(f"{digest.hexdigest()[:16]}.xlsx", File(handle), save=False)
    run.save()
    return run


def import_run_fail(*, run: ImportRun, message: str) -> bool:
    """End RUN as failed with MESSAGE unless it already ended; return True if it was ended now."""
    ended = ImportRun.objects.filter(
        pk=run.pk,
        status__in=[
            ImportRun.Status.NEEDS_MAPPING,
            ImportRun.Status.QUEUED,
            ImportRun.Status.RUNNING,
        ],
    ).update(status=ImportRun.Status.FAILED, message=message, finished_at=timezone.now())
    return bool(ended)


def column_mapping_save(
    *,
    user: User | None,
    name: str,
    register_type: str,
    headers: list[str],
    columns: dict[str, Any],
    signature: str,
) -> ColumnMapping:
    """Save a column mapping for the user's commune (replacing one for the same header row)."""
    commune = user.unit if user is not None and user.unit_id else None
    ColumnMapping.objects.filter(signature=signature, commune=commune).delete()
    return ColumnMapping.objects.create(
        name=name,
        register_type=register_type,
        signature=signature,
        headers=headers,
        columns={k: v for k, v in columns.items() if v},
        commune=commune,
        created_by=user,
    )
