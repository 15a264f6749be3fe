"""Starting imports: store the uploaded file and record the run (views and the command call these)."""

import hashlib
from typing import IO, Any

from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
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


class MappingConflictError(Exception):
    """The mapping was saved by someone else since it was read; nothing was written."""

    def __init__(self, current: ColumnMapping | None) -> None:
        super().__init__("column mapping changed since it was read")
        self.current = current


def column_mappings_for(user: User | None) -> QuerySet[ColumnMapping]:
    """Return the mappings USER's imports use and USER's saves replace: those of the user's
    unit (the commune), or the shared ones (no commune) for a user without a unit."""
    commune_id = user.unit_id if user is not None and user.unit_id else None
    if commune_id is None:
        return ColumnMapping.objects.filter(commune__isnull=True)
    return ColumnMapping.objects.filter(commune_id=commune_id)


def column_mapping_for(*, user: User | None, signature: str) -> ColumnMapping | None:
    """Return the mapping saved for this header row by the user's commune (the one a save
    replaces), or ``None``."""
    return column_mappings_for(user).filter(signature=signature).first()


def column_mapping_save(
    *,
    user: User | None,
    name: str,
    register_type: str,
    headers: list[str],
    columns: dict[str, Any],
    signature: str,
    fixed: dict[str, str] | None = None,
    value_maps: dict[str, dict[str, str]] | None = None,
    expected_version: int = 0,
) -> ColumnMapping:
    """Save the column mapping of a header row for the user's commune and return it.

    ``expected_version`` is the version of the mapping the user started from (0: there was
    none). The save is conditional: when someone saved the same header row's mapping since
    (a new one, or a newer version), nothing is written and :class:`MappingConflictError`
    carries the mapping as it is now, so the user can look at it and save again.
    """
    commune = user.unit if user is not None and user.unit_id else None
    values = {
        "name": name,
        "register_type": register_type,
        "headers": headers,
        "columns": {k: v for k, v in columns.items() if v},
        "fixed": {k: v for k, v in (fixed or {}).items() if v != ""},
        "value_maps": {k: v for k, v in (value_maps or {}).items() if v},
    }
    current = ColumnMapping.objects.filter(signature=signature, commune=commune).first()
    if current is None:
        if expected_version:
            raise MappingConflictError(None)
        try:
            with transaction.atomic():
                return ColumnMapping.objects.create(
                    **values, signature=signature, commune=commune, created_by=user, version=1
                )
        except IntegrityError:
            # Another save of the same header row won the race (the unique constraint).
            raise MappingConflictError(
                ColumnMapping.objects.filter(signature=signature, commune=commune).first()
            ) from None
    saved = ColumnMapping.objects.filter(pk=current.pk, version=expected_version).update(
        **values, version=F("version") + 1, updated_at=timezone.now()
    )
    current.refresh_from_db()
    if not saved:
        raise MappingConflictError(current)
    return current


def column_mapping_delete(*, mapping: ColumnMapping, expected_version: int) -> None:
    """Delete MAPPING if it is still at EXPECTED_VERSION (the version the user looked at).

    Runs that used it keep their rows and lose only the link (``SET_NULL``); the next file
    with its header row goes to the mapping screen again. When someone saved the mapping
    since, nothing is deleted and :class:`MappingConflictError` carries it as it is now (or
    ``None`` when it was deleted meanwhile).
    """
    deleted, _ = ColumnMapping.objects.filter(pk=mapping.pk, version=expected_version).delete()
    if not deleted:
        raise MappingConflictError(ColumnMapping.objects.filter(pk=mapping.pk).first())
