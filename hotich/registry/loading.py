"""Bulk loading of registry extracts: features in worker processes, COPY or executemany.

The pipeline: the main process reads chunks (extracts.py), worker processes turn each chunk
into Citizen values with blocking keys (rows.py, about 80 µs a row, so two processes on two
cores), and the main process writes them in order — PostgreSQL: COPY into a temporary table,
then one INSERT … ON CONFLICT per chunk; SQLite: executemany of INSERT … ON CONFLICT. A
personal ID already in the registry updates its row, so running a file again is safe.
Parent and spouse links are resolved after every row is in.

A big load (auto: at least REBUILD_MIN_ROWS rows and at least half the registry) drops the
secondary indexes of the citizen table first and rebuilds them at the end, which is several
times faster than maintaining a dozen indexes row by row. Such a load runs in one transaction,
so a crash leaves the registry as it was (indexes included); smaller loads on SQLite commit
every COMMIT_EVERY rows so the web server is not locked out for long.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from array import array
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hotich.places.models import AdministrativeUnit
from hotich.registry import rows as R
from hotich.registry.extracts import Chunk, Extract
from hotich.registry.models import Citizen

CHUNK_SIZE = 10_000
REBUILD_MIN_ROWS = 100_000
COMMIT_EVERY = 100_000
KEEP_PROBLEMS = 1_000  # problems kept in memory for the report; all go to the sink

TABLE = Citizen._meta.db_table
Progress = Callable[[int, int | None], None]


@dataclass
class LoadReport:
    """What a load did. ``problems`` holds the first KEEP_PROBLEMS messages."""

    rows: int = 0
    loaded: int = 0
    inserted: int = 0
    updated: int = 0
    rejected: int = 0
    warnings: int = 0
    links: int = 0
    links_missing: int = 0
    rebuilt_indexes: bool = False
    ignored_columns: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # per phase, for benchmarks


_MESSAGES = {
    R.MISSING_NAME: lambda p: _("thiếu họ và tên"),
    R.BAD_ID: lambda p: p.detail,
    R.ID_MISMATCH: lambda p: _("%(detail)s (vẫn nạp dòng này)") % {"detail": p.detail},
    R.BAD_DATE: lambda p: p.detail,
    R.BAD_SEX: lambda p: (
        _("giới tính “%(value)s” không đọc được (Nam, Nữ, 1 hoặc 2); ghi là chưa xác định")
        % {"value": p.detail}
    ),
    R.BAD_LINK: lambda p: _("%(detail)s (bỏ qua liên kết này)") % {"detail": p.detail},
    R.BAD_SHAPE: lambda p: _("dòng có nhiều ô hơn dòng tiêu đề (có dấu phân cách thừa?)"),
}


def problem_message(problem: R.RowProblem) -> str:
    """Return the Vietnamese message for one row problem, naming its row and column."""
    text = _MESSAGES[problem.code](problem)
    if problem.column:
        message = _("Dòng %(row)s, cột %(column)s: %(text)s") % {
            "row": problem.row,
            "column": problem.column,
            "text": text,
        }
    else:
        message = _("Dòng %(row)s: %(text)s") % {"row": problem.row, "text": text}
    if problem.fatal:
        message += " " + _("— dòng không được nạp.")
    return message


# --- worker processes -------------------------------------------------------------------

_UNIT_IDS: dict[tuple[str, str, str], int] = {}
_TODAY: date | None = None


def _text_rows() -> bool:
    """PostgreSQL takes COPY text lines formatted by the workers (see PreparedChunk.lines)."""
    return connection.vendor == "postgresql"


def _prepared_chunks(
    chunks: Iterator[Chunk], columns: list[str], workers: int
) -> Iterator[R.PreparedChunk]:
    """Yield prepared chunks in file order; at most 2 × WORKERS chunks are in flight."""
    first = next(chunks, None)
    if first is None:
        return
    second = next(chunks, None)
    if second is None or workers <= 0:
        # One chunk (or no workers wanted): not worth starting processes.
        R.init_worker(_UNIT_IDS, _TODAY, _text_rows())
        for rows, numbers in [first, *([second] if second else []), *chunks]:
            yield R.prepare_in_worker((rows, numbers, columns))
        return
    # "spawn" everywhere (Windows has nothing else): workers import only the pure modules,
    # and a fork of a process with threads (tqdm's monitor, the server) risks deadlocks.
    with multiprocessing.get_context("spawn").Pool(
        workers, initializer=R.init_worker, initargs=(_UNIT_IDS, _TODAY, _text_rows())
    ) as pool:
        pending: deque[Any] = deque()
        for rows, numbers in (first, second):
            pending.append(pool.apply_async(R.prepare_in_worker, ((rows, numbers, columns),)))
        for rows, numbers in chunks:
            while len(pending) >= 2 * workers:
                yield pending.popleft().get()
            pending.append(pool.apply_async(R.prepare_in_worker, ((rows, numbers, columns),)))
        while pending:
            yield pending.popleft().get()


# --- writers -----------------------------------------------------------------------------

_UPDATED = [c for c in R.DB_COLUMNS if c != "personal_id"]
_LINKS = "_registry_load_links"
# The bulk path writes the primary key and the links too.
_BULK_COLUMNS = ("id", *R.DB_COLUMNS, "created_at", "father_id", "mother_id", "spouse_id")
_SET_LINKS = (
    "father_id = COALESCE(t.father_id, c.father_id), "
    "mother_id = COALESCE(t.mother_id, c.mother_id), "
    "spouse_id = COALESCE(t.spouse_id, c.spouse_id)"
)


class _Writer:
    """Writes prepared values; one subclass per database vendor."""

    def __init__(self, cursor: Any) -> None:
        self.cursor = cursor
        self.created_at = timezone.now()
        self.dropped: list[tuple[str, str]] = []
        self.bulk = False
        self.inserted = 0

    # The bulk path (a big load, its table locked and without secondary indexes): new rows get
    # their primary keys here and go in with plain COPY/INSERT, their parent and spouse links
    # already resolved from the personal ID → key map of every row seen (and of the rows the
    # registry had); links to rows further down the file wait in three compact arrays and are
    # set by primary key at the end. A personal ID seen before (in the registry or earlier in
    # the file) goes through the safe upsert path instead, so the result is the same.

    def start_bulk(self, existing: int) -> None:
        self.bulk = True
        self.ids: dict[int, int] = {}
        for pid, pk in self.existing_ids(existing):
            self.ids[int(pid)] = pk
        self.next_id = self.first_id()
        self.deferred = (array("q"), array("b"), array("q"))  # row key, link kind, personal ID
        self.link_rows = 0

    def existing_ids(self, existing: int) -> Iterator[tuple[str, int]]:
        if not existing:
            return
        self.cursor.execute(f'SELECT personal_id, id FROM "{TABLE}"')  # noqa: S608 - constant identifiers
        while batch := self.cursor.fetchmany(100_000):
            yield from batch

    def first_id(self) -> int:
        raise NotImplementedError

    def write(self, prepared: R.PreparedChunk) -> None:
        if not self.bulk:
            self.upsert(prepared)
            return
        ids = self.ids
        pks, kinds, targets = self.deferred
        links_of = dict(zip(prepared.linked, prepared.links, strict=True))
        self.link_rows += len(prepared.links)
        again = R.PreparedChunk(values=[], links=[], problems=[], rows=0)
        pk = self.next_id
        # Keys first, for the whole chunk: a link to a row further down the same chunk (a
        # spouse on the next line, children after their parents) is then set on insert.
        fresh: list[tuple[int, Any, tuple[str, str | None, str | None, str | None] | None]] = []
        text = bool(prepared.lines)
        for i, row in enumerate(prepared.lines or prepared.values):
            # The personal ID comes first: 12 digits (a COPY line starts with them).
            pid = int(row[:12] if text else row[0])  # type: ignore[call-overload]
            link = links_of.get(i)
            if pid in ids:
                (again.lines if text else again.values).append(row)  # type: ignore[arg-type]
                if link:
                    again.linked.append(again.loaded - 1)
                    again.links.append(link)
                continue
            ids[pid] = pk
            fresh.append((pk, row, link))
            pk += 1
        new: list[tuple[int, Any, tuple[int | None, ...]]] = []
        for row_pk, row, link in fresh:
            refs: list[int | None] = [None, None, None]
            if link:
                for kind in range(3):
                    other = link[kind + 1]
                    if other:
                        target = ids.get(int(other))
                        if target is None:
                            pks.append(row_pk)
                            kinds.append(kind)
                            targets.append(int(other))
                        else:
                            refs[kind] = target
            new.append((row_pk, row, tuple(refs)))
        self.next_id = pk
        self.inserted += len(new)
        if new:
            self.insert_new(new)
        if again.loaded:
            self.upsert(again)

    def finish_bulk(self) -> tuple[int, int]:
        """Set the links that waited for rows further down; return (links, links missing)."""
        ids = self.ids
        pending: dict[int, list[int | None]] = {}
        missing = 0
        for pk, kind, pid in zip(*self.deferred, strict=True):
            target = ids.get(pid)
            if target is None:
                missing += 1
            else:
                pending.setdefault(pk, [None, None, None])[kind] = target
        del self.ids, self.deferred
        if pending:
            self.update_links([(pk, refs[0], refs[1], refs[2]) for pk, refs in pending.items()])
        self.after_bulk()
        return self.link_rows, missing + self.link()[1]

    def insert_new(self, rows: list[tuple[int, Any, tuple[int | None, ...]]]) -> None:
        """Insert new rows: (primary key, values or COPY line, father/mother/spouse keys)."""
        raise NotImplementedError

    def link(self) -> tuple[int, int]:
        """Resolve the links of the upsert path; return (links, links missing)."""
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def update_links(self, rows: list[tuple[int, int | None, int | None, int | None]]) -> None:
        raise NotImplementedError

    def after_bulk(self) -> None:
        pass

    def upsert(self, prepared: R.PreparedChunk) -> None:
        raise NotImplementedError

    def secondary_indexes(self) -> list[tuple[str, str]]:
        raise NotImplementedError

    def drop_indexes(self) -> None:
        self.dropped = self.secondary_indexes()
        for name, _sql in self.dropped:
            self.cursor.execute(f'DROP INDEX "{name}"')

    def rebuild_indexes(self) -> None:
        for _name, sql in self.dropped:
            self.cursor.execute(sql)
        self.dropped = []

    def count(self) -> int:
        self.cursor.execute(f'SELECT count(*) FROM "{TABLE}"')  # noqa: S608 - constant identifiers
        return int(self.cursor.fetchone()[0])

    def links_missing(self) -> int:
        """Return how many links name a personal ID that is not in the registry."""
        missing = " + ".join(
            f"SUM(CASE WHEN l.{pid} IS NOT NULL AND {alias}.id IS NULL THEN 1 ELSE 0 END)"
            for alias, pid in (("f", "father_pid"), ("m", "mother_pid"), ("s", "spouse_pid"))
        )
        self.cursor.execute(
            f'SELECT {missing} FROM "{_LINKS}" l '  # noqa: S608 - constant identifiers
            f'LEFT JOIN "{TABLE}" f ON f.personal_id = l.father_pid '
            f'LEFT JOIN "{TABLE}" m ON m.personal_id = l.mother_pid '
            f'LEFT JOIN "{TABLE}" s ON s.personal_id = l.spouse_pid'
        )
        return int(self.cursor.fetchone()[0] or 0)


class _SQLiteWriter(_Writer):
    def __init__(self, cursor: Any) -> None:
        super().__init__(cursor)
        self.raw = cursor.connection.cursor()  # the sqlite3 cursor: no per-row wrappers
        self.created = connection.ops.adapt_datetimefield_value(self.created_at)
        columns = ", ".join(f'"{c}"' for c in (*R.DB_COLUMNS, "created_at"))
        marks = ", ".join("?" * (len(R.DB_COLUMNS) + 1))
        updates = ", ".join(f'"{c}" = excluded."{c}"' for c in _UPDATED)
        self.insert = (
            f'INSERT INTO "{TABLE}" ({columns}) VALUES ({marks}) '  # noqa: S608 - constant identifiers
            f'ON CONFLICT ("personal_id") DO UPDATE SET {updates}'
        )
        # A bigger page cache makes index maintenance and rebuilds much faster.
        self.raw.execute("PRAGMA cache_size = -262144")
        if not connection.in_atomic_block:
            self.raw.execute("PRAGMA temp_store = MEMORY")
        self.raw.execute(
            f'CREATE TEMP TABLE IF NOT EXISTS "{_LINKS}" (personal_id TEXT, father_pid TEXT, '
            "mother_pid TEXT, spouse_pid TEXT)"
        )
        self.raw.execute(f'DELETE FROM "{_LINKS}"')  # noqa: S608 - constant identifiers

    def secondary_indexes(self) -> list[tuple[str, str]]:
        self.raw.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
            "AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'",
            [TABLE],
        )
        return list(self.raw.fetchall())

    def first_id(self) -> int:
        self.raw.execute(
            f'SELECT max(coalesce((SELECT max(id) FROM "{TABLE}"), 0), '  # noqa: S608 - constant identifiers
            "coalesce((SELECT seq FROM sqlite_sequence WHERE name = ?), 0))",
            [TABLE],
        )
        return int(self.raw.fetchone()[0]) + 1

    def insert_new(self, rows: list[tuple[int, Any, tuple[int | None, ...]]]) -> None:
        created = self.created
        columns = ", ".join(f'"{c}"' for c in _BULK_COLUMNS)
        marks = ", ".join("?" * len(_BULK_COLUMNS))
        self.raw.executemany(
            f'INSERT INTO "{TABLE}" ({columns}) VALUES ({marks})',  # noqa: S608 - constant identifiers
            [(pk, *values, created, *refs) for pk, values, refs in rows],
        )

    def update_links(self, rows: list[tuple[int, int | None, int | None, int | None]]) -> None:
        self.raw.executemany(
            f'UPDATE "{TABLE}" SET father_id = COALESCE(?, father_id), '  # noqa: S608 - constant identifiers
            "mother_id = COALESCE(?, mother_id), spouse_id = COALESCE(?, spouse_id) WHERE id = ?",
            [(f, m, s, pk) for pk, f, m, s in rows],
        )

    def upsert(self, prepared: R.PreparedChunk) -> None:
        created = self.created
        self.raw.executemany(self.insert, [(*v, created) for v in prepared.values])
        if prepared.links:
            self.raw.executemany(f'INSERT INTO "{_LINKS}" VALUES (?, ?, ?, ?)', prepared.links)  # noqa: S608 - constant identifiers

    def link(self) -> tuple[int, int]:
        self.raw.execute(f'SELECT count(*) FROM "{_LINKS}"')  # noqa: S608 - constant identifiers
        links = int(self.raw.fetchone()[0])
        if not links:
            return 0, 0
        self.raw.execute(f'CREATE INDEX IF NOT EXISTS "{_LINKS}_pid" ON "{_LINKS}" (personal_id)')
        sets = ", ".join(
            f'"{column}" = COALESCE((SELECT p.id FROM "{TABLE}" p WHERE p.personal_id = '  # noqa: S608 - constant identifiers
            f'l.{pid}), "{TABLE}"."{column}")'
            for column, pid in (
                ("father_id", "father_pid"),
                ("mother_id", "mother_pid"),
                ("spouse_id", "spouse_pid"),
            )
        )
        # A personal ID given twice: the last row's links win (SQLite takes the bare columns
        # of the max() row).
        self.raw.execute(
            f'UPDATE "{TABLE}" SET {sets} FROM (SELECT personal_id, father_pid, mother_pid, '  # noqa: S608 - constant identifiers
            f'spouse_pid, max(rowid) FROM "{_LINKS}" GROUP BY personal_id) l '
            f'WHERE "{TABLE}".personal_id = l.personal_id'
        )
        return links, self.links_missing()

    def close(self) -> None:
        self.raw.execute(f'DROP TABLE IF EXISTS temp."{_LINKS}"')
        self.raw.close()


class _PostgresWriter(_Writer):
    STAGE = "_registry_load_rows"

    def __init__(self, cursor: Any) -> None:
        super().__init__(cursor)
        self.pg = cursor.cursor  # the psycopg cursor, for COPY
        columns = ", ".join(f'"{c}"' for c in (*R.DB_COLUMNS, "created_at"))
        self.columns = columns
        cursor.execute(f'DROP TABLE IF EXISTS "{self.STAGE}", "{_LINKS}"')
        # Same column types as the registry table, no constraints: COPY lands here first so
        # duplicates within a chunk and existing personal IDs are resolved in one statement.
        cursor.execute(
            f'CREATE TEMP TABLE "{self.STAGE}" AS SELECT 0::bigint AS row_no, {columns} '  # noqa: S608 - constant identifiers
            f'FROM "{TABLE}" WITH NO DATA'
        )
        cursor.execute(
            f'CREATE TEMP TABLE "{_LINKS}" (personal_id varchar(12), father_pid varchar(12), '
            "mother_pid varchar(12), spouse_pid varchar(12), row_no bigserial)"
        )
        updates = ", ".join(f'"{c}" = EXCLUDED."{c}"' for c in _UPDATED)
        self.upsert_sql = (
            f'INSERT INTO "{TABLE}" ({columns}) SELECT DISTINCT ON (personal_id) {columns} '  # noqa: S608 - constant identifiers
            f'FROM "{self.STAGE}" ORDER BY personal_id, row_no DESC '
            f'ON CONFLICT ("personal_id") DO UPDATE SET {updates}'
        )
        self.row_no = 0

    def secondary_indexes(self) -> list[tuple[str, str]]:
        self.cursor.execute(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid "
            "WHERE x.indrelid = %s::regclass AND NOT x.indisunique AND NOT x.indisprimary",
            [TABLE],
        )
        return list(self.cursor.fetchall())

    def start_bulk(self, existing: int) -> None:
        # Foreign keys are checked row by row by triggers; adding them back at the end checks
        # the whole table in one join each (what pg_restore does).
        self.cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f'",
            [TABLE],
        )
        self.foreign_keys = list(self.cursor.fetchall())
        for name, _definition in self.foreign_keys:
            self.cursor.execute(f'ALTER TABLE "{TABLE}" DROP CONSTRAINT "{name}"')
        super().start_bulk(existing)

    def first_id(self) -> int:
        self.cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [TABLE])
        self.sequence = self.cursor.fetchone()[0]
        self.cursor.execute(
            f'SELECT greatest(nextval(%s), (SELECT coalesce(max(id), 0) + 1 FROM "{TABLE}"))',  # noqa: S608 - constant identifiers
            [self.sequence],
        )
        return int(self.cursor.fetchone()[0])

    def insert_new(self, rows: list[tuple[int, Any, tuple[int | None, ...]]]) -> None:
        columns = ", ".join(f'"{c}"' for c in _BULK_COLUMNS)
        created = self.created_at.isoformat()
        # The rows are COPY lines (see _text_rows): add the key, the time and the links.
        with self.pg.copy(f'COPY "{TABLE}" ({columns}) FROM STDIN') as copy:
            copy.write(
                "".join(
                    f"{pk}\t{line}\t{created}\t{_ref(refs[0])}\t{_ref(refs[1])}\t{_ref(refs[2])}\n"
                    for pk, line, refs in rows
                )
            )

    def update_links(self, rows: list[tuple[int, int | None, int | None, int | None]]) -> None:
        ids = "_registry_load_ids"
        self.cursor.execute(
            f'CREATE TEMP TABLE "{ids}" (id bigint, father_id bigint, mother_id bigint, '
            "spouse_id bigint) ON COMMIT DROP"
        )
        with self.pg.copy(f'COPY "{ids}" FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)
        self.cursor.execute("SET LOCAL work_mem = '256MB'")
        self.cursor.execute(
            f'UPDATE "{TABLE}" c SET {_SET_LINKS} FROM "{ids}" t WHERE c.id = t.id'  # noqa: S608 - constant identifiers
        )
        self.cursor.execute(f'DROP TABLE "{ids}"')

    def after_bulk(self) -> None:
        self.cursor.execute("SELECT setval(%s, %s)", [self.sequence, max(self.next_id - 1, 1)])

    def rebuild_indexes(self) -> None:
        # Memory for the sorts, and PostgreSQL's parallel index build on the second core.
        self.cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        self.cursor.execute("SET LOCAL max_parallel_maintenance_workers = 2")
        super().rebuild_indexes()
        for name, definition in getattr(self, "foreign_keys", []):
            definition = definition.removesuffix(" NOT VALID")
            if f"REFERENCES {TABLE}(" in definition:
                # Father, mother, spouse: the loader set every such key itself, from the keys
                # it gave out or read from the table, inside this locked transaction; checking
                # them again costs a join of the whole table per key (15 s per 10 million
                # rows). NOT VALID: still enforced on every later write; VALIDATE CONSTRAINT
                # checks the rows at any time (docs/registry.md).
                definition += " NOT VALID"
            self.cursor.execute(f'ALTER TABLE "{TABLE}" ADD CONSTRAINT "{name}" {definition}')
        self.foreign_keys = []

    def upsert(self, prepared: R.PreparedChunk) -> None:
        stamp = self.created_at.isoformat()
        first = self.row_no + 1
        # The rows are COPY lines (see _text_rows): add the row number and the time.
        with self.pg.copy(f'COPY "{self.STAGE}" (row_no, {self.columns}) FROM STDIN') as copy:
            copy.write(
                "".join(
                    f"{n}\t{line}\t{stamp}\n" for n, line in enumerate(prepared.lines, start=first)
                )
            )
        self.row_no += len(prepared.lines)
        self.pg.execute(self.upsert_sql)
        self.pg.execute(f'TRUNCATE "{self.STAGE}"')
        if prepared.links:
            with self.pg.copy(
                f'COPY "{_LINKS}" (personal_id, father_pid, mother_pid, spouse_pid) FROM STDIN'
            ) as copy:
                for link in prepared.links:
                    copy.write_row(link)

    def link(self) -> tuple[int, int]:
        self.cursor.execute(f'SELECT count(*) FROM "{_LINKS}"')  # noqa: S608 - constant identifiers
        links = int(self.cursor.fetchone()[0])
        if not links:
            return 0, 0
        missing = self.links_missing()
        self.cursor.execute("SET LOCAL work_mem = '256MB'")
        self.cursor.execute(
            f'UPDATE "{TABLE}" c SET father_id = COALESCE(f.id, c.father_id), '  # noqa: S608 - constant identifiers
            "mother_id = COALESCE(m.id, c.mother_id), spouse_id = COALESCE(s.id, c.spouse_id) "
            # A personal ID given twice: the last row's links win.
            f'FROM (SELECT DISTINCT ON (personal_id) * FROM "{_LINKS}" '
            "ORDER BY personal_id, row_no DESC) l "
            f'LEFT JOIN "{TABLE}" f ON f.personal_id = l.father_pid '
            f'LEFT JOIN "{TABLE}" m ON m.personal_id = l.mother_pid '
            f'LEFT JOIN "{TABLE}" s ON s.personal_id = l.spouse_pid '
            "WHERE c.personal_id = l.personal_id AND (c.father_id IS DISTINCT FROM "
            "COALESCE(f.id, c.father_id) OR c.mother_id IS DISTINCT FROM COALESCE(m.id, c.mother_id) "
            "OR c.spouse_id IS DISTINCT FROM COALESCE(s.id, c.spouse_id))"
        )
        return links, missing

    def close(self) -> None:
        self.cursor.execute(f'DROP TABLE IF EXISTS "{self.STAGE}", "{_LINKS}"')


def _ref(key: int | None) -> str:
    return "\\N" if key is None else str(key)


def _writer(cursor: Any) -> _Writer:
    if connection.vendor == "postgresql":
        return _PostgresWriter(cursor)
    if connection.vendor == "sqlite":
        return _SQLiteWriter(cursor)
    raise NotImplementedError(connection.vendor)


# --- the load ----------------------------------------------------------------------------


def default_workers() -> int:
    """Return how many feature processes to use: the cores, at most 2 (the target machine)."""
    return max(1, min(2, os.cpu_count() or 1))


def unit_ids() -> dict[tuple[str, str, str], int]:
    """Return (period, level, code) → primary key of every administrative unit loaded."""
    return {
        (period, level, code): pk
        for pk, period, level, code in AdministrativeUnit.objects.values_list(
            "pk", "period", "level", "code"
        )
    }


def extract_load(
    extract: Extract,
    *,
    workers: int | None = None,
    rebuild_indexes: bool | None = None,
    progress: Progress | None = None,
    on_problem: Callable[[R.RowProblem, str], None] | None = None,
    chunk_size: int = CHUNK_SIZE,
    today: date | None = None,
) -> LoadReport:
    """Load every good row of EXTRACT into the registry and return the report.

    ``rebuild_indexes``: drop and rebuild the secondary indexes around the load (None: only
    for a big load, see the module docstring). ``on_problem`` receives every row problem and
    its message (the report keeps only the first KEEP_PROBLEMS).
    """
    global _UNIT_IDS, _TODAY
    _UNIT_IDS, _TODAY = unit_ids(), today
    workers = default_workers() if workers is None else workers
    report = LoadReport(ignored_columns=list(extract.ignored_columns))
    with connection.cursor() as cursor:
        before = Citizen.objects.count()
        if rebuild_indexes is None:
            estimate = extract.estimated_rows or 0
            rebuild_indexes = estimate >= REBUILD_MIN_ROWS and estimate >= before // 2
        report.rebuilt_indexes = rebuild_indexes
        # One transaction for PostgreSQL and for any load that drops indexes (a crash must not
        # leave the registry without them); SQLite commits in steps otherwise.
        one_transaction = rebuild_indexes or connection.vendor != "sqlite"
        writer = _writer(cursor)
        # SQLite checks foreign keys row by row, and a citizen row is the parent of others
        # (father, mother, spouse): on the bulk path that costs more than the writing. They
        # are switched off (possible only outside a transaction) and the whole table is
        # checked once at the end, inside the transaction. PostgreSQL: see start_bulk.
        sqlite_bulk = rebuild_indexes and connection.vendor == "sqlite"
        checks = connection.constraint_checks_disabled() if sqlite_bulk else nullcontext()
        with checks, transaction.atomic() if one_transaction else nullcontext():
            clock = time.perf_counter()
            if connection.vendor == "postgresql":
                # Foreign-key checks are deferred by Django; pending ones forbid CREATE INDEX
                # and millions would wait in memory: check each statement's rows at once.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            if rebuild_indexes:
                writer.drop_indexes()
                writer.start_bulk(before)
            writing = 0.0
            step: Any = None
            written = 0
            try:
                chunks = _prepared_chunks(extract.chunks(chunk_size), extract.columns, workers)
                for prepared in chunks:
                    if not one_transaction and step is None:
                        step = transaction.atomic()
                        step.__enter__()
                    started = time.perf_counter()
                    writer.write(prepared)
                    writing += time.perf_counter() - started
                    _count(report, prepared, on_problem)
                    written += prepared.loaded
                    if step is not None and written >= COMMIT_EVERY:
                        step.__exit__(None, None, None)
                        step, written = None, 0
                    if progress:
                        progress(report.rows, extract.estimated_rows)
                if step is not None:
                    step.__exit__(None, None, None)
                    step = None
            except BaseException as exc:
                if step is not None:
                    step.__exit__(type(exc), exc, exc.__traceback__)
                raise
            report.seconds["rows"] = time.perf_counter() - clock
            report.seconds["rows_writing"] = writing
            clock = time.perf_counter()
            with transaction.atomic():
                finish = writer.finish_bulk if writer.bulk else writer.link
                report.links, report.links_missing = finish()
            report.seconds["links"] = time.perf_counter() - clock
            clock = time.perf_counter()
            if rebuild_indexes:
                writer.rebuild_indexes()
                if sqlite_bulk:
                    connection.check_constraints(table_names=[TABLE])
                if connection.vendor == "postgresql":
                    cursor.execute(f'ANALYZE "{TABLE}"')
            writer.close()
            report.seconds["indexes"] = time.perf_counter() - clock
        # The bulk path counts what it inserted (a count of ten million rows takes a while).
        after = before + writer.inserted if writer.bulk else Citizen.objects.count()
    report.inserted = after - before
    report.updated = report.loaded - report.inserted
    return report


def _count(
    report: LoadReport,
    prepared: R.PreparedChunk,
    on_problem: Callable[[R.RowProblem, str], None] | None,
) -> None:
    report.rows += prepared.rows
    report.loaded += prepared.loaded
    report.rejected += prepared.rows - prepared.loaded
    for problem in prepared.problems:
        if not problem.fatal:
            report.warnings += 1
        if len(report.problems) < KEEP_PROBLEMS or on_problem:
            message = problem_message(problem)
            if len(report.problems) < KEEP_PROBLEMS:
                report.problems.append(message)
            if on_problem:
                on_problem(problem, message)
