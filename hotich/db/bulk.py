"""Inserting many new rows of one model at once, without the ORM's per-object compilation.

``QuerySet.bulk_create`` compiles every value of every object through the SQL compiler; for
the 100,000 entries and audit events of a file import that is a large share of its time.
:func:`objects_insert` writes the same rows: each value prepared by its own field
(``get_db_prep_save``, as the compiler does), in multi-row ``INSERT … RETURNING`` statements,
the new primary keys set on the objects in order (as ``bulk_create`` does on PostgreSQL and
SQLite). No signals are sent (``bulk_create`` sends none either) and no ``save()`` runs.
"""

import json
from typing import Any

from django.db import connections, models, router
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


def _preparer(field: Any, connection: Any) -> Any:
    """Return a function turning a value of FIELD into what the driver is given: JSON as its
    text (the form SQLite and PostgreSQL's COPY both read), an aware datetime as the backend
    stores it, anything else as it is (text and numbers already as stored)."""
    if isinstance(field, models.JSONField):
        return lambda value: json.dumps(value, cls=field.encoder)
    if isinstance(field, models.DateTimeField) and connection.vendor != "postgresql":
        adapt = connection.ops.adapt_datetimefield_value
        last: list[Any] = [None, None]

        def adapted(value: Any) -> Any:
            # A batch's rows mostly share one instant (created_at, updated_at): once each.
            if value is not last[0] or value is None:
                last[:] = [value, adapt(value)]
            return last[1]

        return adapted
    return None


def json_text(value: Any) -> str:
    """Return VALUE as the text :func:`rows_insert` stores in a JSON column (of a JSONField
    without an encoder), for a column named in its ``encoded``: computed beforehand (an
    import's checking helper process does it for its entries)."""
    return json.dumps(value)


def rows_insert(
    model: type[Model],
    columns: list[str],
    rows: list[tuple],
    *,
    returning: bool = False,
    encoded: tuple[str, ...] = (),
) -> list[int]:
    """Insert ROWS (tuples of values for COLUMNS, attnames of MODEL) in order.

    Each value is given as the column stores it (text, a number, a foreign key's id, a
    partial date's ISO text), except JSON (any JSON-able value; for the columns named in
    ENCODED, its :func:`json_text` already) and datetimes (aware).

    Return the new primary keys in the rows' order when RETURNING, else ``[]``. No model
    instance is built: for the entries, people and audit events of a file import. On
    PostgreSQL the rows go through ``COPY … FROM STDIN`` (psycopg escapes every value; the
    keys, when wanted, are drawn from the table's sequence first); on SQLite through
    ``executemany`` or, for the keys, multi-row ``INSERT … RETURNING``.
    """
    if not rows:
        return []
    meta = model._meta
    connection = connections[router.db_for_write(model)]
    fields: list[Any] = [meta.get_field(name) for name in columns]
    for name in encoded:
        if getattr(meta.get_field(name), "encoder", None) is not None:
            raise ValueError(f"{name}: json_text does not use the field's encoder")
    preparers = [
        (i, p)
        for i, (name, f) in enumerate(zip(columns, fields, strict=True))
        if name not in encoded and (p := _preparer(f, connection)) is not None
    ]
    if preparers:
        # Only the columns that need it, by position: most of a row is stored as given.
        converted = []
        for row in rows:
            values = list(row)
            for i, prepare in preparers:
                values[i] = prepare(values[i])
            converted.append(values)
        rows = converted  # type: ignore[assignment]
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    names = [quote(f.column) for f in fields]
    pk = meta.pk
    assert pk is not None
    pk_column: str = pk.column or pk.attname
    ids: list[int] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            if returning:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [meta.db_table, pk_column, len(rows)],
                )
                ids = sorted(new_id for (new_id,) in cursor.fetchall())
                names = [quote(pk_column), *names]
            sql = f"COPY {table} ({', '.join(names)}) FROM STDIN"
            with cursor.cursor.copy(sql) as copy:
                if returning:
                    for new_id, row in zip(ids, rows, strict=True):
                        copy.write_row((new_id, *row))
                else:
                    for row in rows:
                        copy.write_row(row)
            return ids
        if not returning:
            placeholders = ", ".join(["%s"] * len(names))
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(names)}) VALUES ({placeholders})",  # noqa: S608
                rows,
            )
            return ids
        per_statement = max(1, MAX_PARAMETERS // len(names))
        one = "(" + ", ".join(["%s"] * len(names)) + ")"
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(names)}) VALUES "  # noqa: S608 (model names)
                + ", ".join([one] * len(chunk))
                + f" RETURNING {quote(pk_column)}",
                [v for row in chunk for v in row],
            )
            # One statement's keys ascend in its rows' order (rowid drawn row by row).
            new = sorted(new_id for (new_id,) in cursor.fetchall())
            if len(new) != len(chunk):
                raise RuntimeError("insert returned another number of rows than it was given")
            ids.extend(new)
    return ids
