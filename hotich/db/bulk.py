"""Inserting many new rows of one model at once, without the ORM's per-object compilation.

``QuerySet.bulk_create`` compiles every value of every object through the SQL compiler; for
the 100,000 entries and audit events of a file import that is a large share of its time.
:func:`objects_insert` writes the same rows: each value prepared by its own field
(``get_db_prep_save``, as the compiler does), in multi-row ``INSERT … RETURNING`` statements,
the new primary keys set on the objects in order (as ``bulk_create`` does on PostgreSQL and
SQLite). No signals are sent (``bulk_create`` sends none either) and no ``save()`` runs.
"""

from typing import Any

from django.db import connections, router
from django.db.models import Model
from django.utils import timezone

#: Parameters per statement: under SQLite's 32,766 and PostgreSQL's 65,535.
MAX_PARAMETERS = 30_000


def objects_insert(objs: list[Any]) -> None:
    """Insert OBJS (unsaved instances of one model, in order) and set their primary keys."""
    if not objs:
        return
    model: type[Model] = type(objs[0])
    meta = model._meta
    alias = router.db_for_write(model)
    connection = connections[alias]
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    for f in fields:
        # auto_now / auto_now_add: one instant for the whole insert.
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            for obj in objs:
                setattr(obj, f.attname, now)
    quote = connection.ops.quote_name
    pk = meta.pk
    assert pk is not None
    columns = ", ".join(quote(f.column or f.attname) for f in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    per_statement = max(1, MAX_PARAMETERS // len(fields))
    if connection.vendor == "postgresql":
        # One array a column (unnest): a short statement whatever the rows, which psycopg
        # converts once, where a VALUES list of thousands of placeholders is parsed each time.
        per_statement = 5000
        casts = ", ".join(f"%s::{f.db_type(connection)}[]" for f in fields)
        sql = (
            f"INSERT INTO {quote(meta.db_table)} ({columns}) "  # noqa: S608 (model names)
            f"SELECT * FROM unnest({casts}) RETURNING {quote(pk.column or pk.attname)}"
        )
        with connection.cursor() as cursor:
            for start in range(0, len(objs), per_statement):
                chunk = objs[start : start + per_statement]
                arrays = [
                    [f.get_db_prep_save(getattr(obj, f.attname), connection) for obj in chunk]
                    for f in fields
                ]
                cursor.execute(sql, arrays)
                _keys_set(chunk, [new_id for (new_id,) in cursor.fetchall()], pk.attname, alias)
        return
    with connection.cursor() as cursor:
        for start in range(0, len(objs), per_statement):
            chunk = objs[start : start + per_statement]
            params = [
                f.get_db_prep_save(getattr(obj, f.attname), connection)
                for obj in chunk
                for f in fields
            ]
            sql = (
                f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES "  # noqa: S608 (model names)
                + ", ".join([row] * len(chunk))
                + f" RETURNING {quote(pk.column or pk.attname)}"
            )
            cursor.execute(sql, params)
            # One statement's new keys ascend in the order of its rows (a sequence or rowid
            # drawn row by row); RETURNING's own order is not promised, so sort them.
            _keys_set(chunk, [new_id for (new_id,) in cursor.fetchall()], pk.attname, alias)


def _keys_set(chunk: list[Any], ids: list[Any], attname: str, alias: str) -> None:
    """Give CHUNK's objects, in order, the keys one statement returned for them."""
    ids = sorted(ids)
    if len(ids) != len(chunk):
        raise RuntimeError("insert returned another number of rows than it was given")
    for obj, new_id in zip(chunk, ids, strict=True):
        setattr(obj, attname, new_id)
        obj._state.adding = False
        obj._state.db = alias
