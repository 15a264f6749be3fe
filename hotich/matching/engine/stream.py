"""The batch path for a province: streamed to disk, decided chunk by chunk, on both cores.

The citizens and the records go, as feature rows, into an on-disk DuckDB database (never a
pandas frame of the whole registry): ``workers`` processes derive the features of batches of
rows while the main process reads the file and appends the rows. The loose blocks over the
cap are counted there, over the whole registry. Then the records are taken in chunks of
``Resources.chunk``, in the file's order: Splink scores a chunk against the whole registry
table (the same call as :func:`hotich.matching.engine.batch.scored_pairs`), and
:func:`hotich.matching.engine.decide.decide` decides the chunk's records. Every registry
citizen is on the other side of every chunk, so a record's candidates are all scored in its
chunk and its decision is the one :func:`hotich.matching.engine.batch.reconcile` gives on the
same data. DuckDB runs with ``threads`` and ``memory_limit``, spilling to the run's directory.
"""

from __future__ import annotations

import csv
import io
import logging
import multiprocessing
import os
import tempfile
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pyarrow as pa

from hotich.lib.orphans import exit_with_parent
from hotich.matching.engine.batch import (
    RECORDS_TABLE,
    REGISTRY_TABLE,
    splink_predictions,
    tf_frames,
)
from hotich.matching.engine.contract import (
    ContractError,
    RowProblem,
    check_row,
    duplicate_problem,
    people_header,
    row_values,
)
from hotich.matching.engine.decide import Candidate, Decision, Thresholds, decide
from hotich.matching.engine.features import (
    BLOCK_CAP,
    FEATURE_COLUMNS,
    LOOSE_KEYS,
    blocking_values,
    person_compared,
)
from hotich.matching.engine.model import MatchModel, tf_floor

_INTEGER_COLUMNS = frozenset({"byr", "bmon", "bday", "bprec"})
_COLUMNS_SQL = ", ".join(
    f"{c} {'BIGINT' if c in _INTEGER_COLUMNS else 'VARCHAR'}" for c in FEATURE_COLUMNS
)
log = logging.getLogger(__name__)

#: Rows appended to the database at a time.
_APPEND_ROWS = 50_000


@dataclass(frozen=True)
class Resources:
    """What a streamed run may use: DuckDB's ``threads`` and ``memory_limit`` (DuckDB
    syntax: "3GB"), records per ``chunk``, feature processes (``workers``; 1 derives them in
    this process) and the bytes of the file handed to one at a time; ``work_dir`` holds the run's database
    (the system's temporary directory by default), removed at the end."""

    threads: int = 2
    memory_limit: str = "3GB"
    chunk: int = 100_000
    workers: int = 2
    block: int = 1 << 20
    work_dir: Path | None = None


class BatchFailed(RuntimeError):
    """A chunk of the run failed; nothing was written (message in Vietnamese)."""


# --- features, in worker processes --------------------------------------------------------

#: The feature rows of a block as an Arrow table (FEATURE_COLUMNS), built in the worker:
#: it crosses to the main process as buffers and goes into DuckDB without a Python object
#: per value (the main process, alone to append, was the slower side of the reading).
_SCHEMA = pa.schema(
    [(c, pa.int64() if c in _INTEGER_COLUMNS else pa.string()) for c in FEATURE_COLUMNS]
)

#: What a worker returns for a block: per row (index in the block, ID, whether it has
#: features, problems numbered from 0 in the block); the features of the rows that have
#: them, in order; and the block's error (undecodable text, broken CSV) with the index of
#: the row where it stopped.
BlockResult = tuple[list[tuple[int, str, bool, list[RowProblem]]], pa.Table, tuple[int, str] | None]


def _table(rows: list[tuple[Any, ...]]) -> pa.Table:
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(FEATURE_COLUMNS)
    arrays = [pa.array(values, type=f.type) for values, f in zip(columns, _SCHEMA, strict=True)]
    return pa.Table.from_arrays(arrays, schema=_SCHEMA)


def _features_block(header: list[str], data: bytes, kind: str, file: str) -> BlockResult:
    """Parse, check and derive the features of a block of whole CSV rows (in a worker)."""
    out: list[tuple[int, str, bool, list[RowProblem]]] = []
    rows: list[tuple[Any, ...]] = []
    index = 0
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # Name the row of the first undecodable byte: the rows before it are whole.
        before = data[: exc.start].decode("utf-8")
        whole = [r for r in csv.reader(io.StringIO(before, newline="")) if r]
        partial = bool(whole) and not before.endswith(("\n", "\r"))
        return out, _table(rows), (len(whole) - partial, str(exc))
    try:
        for fields in csv.reader(io.StringIO(text, newline="")):
            if not fields:  # a blank line is no row, as for csv.DictReader
                continue
            row = row_values(header, fields)
            identifier, person, problems = check_row(index, row, kind=kind, file=file)
            if person is not None:
                # person_features' values, in FEATURE_COLUMNS' order, without its dict.
                compared = person_compared(person)
                rows.append((*compared, *blocking_values(compared)))
            out.append((index, identifier, person is not None, problems))
            index += 1
    except csv.Error as exc:
        return out, _table(rows), (index, str(exc))
    return out, _table(rows), None


def _blocks(path: Path, offset: int, size: int) -> Iterator[bytes]:
    """Yield the file from ``offset`` in blocks of about ``size`` bytes of whole CSV rows: a
    block ends at a newline after an even number of quote characters (outside a quoted
    value, since a quote inside one is written twice)."""
    with path.open("rb") as handle:
        handle.seek(offset)
        while data := handle.read(size):
            data += handle.readline()
            while data.count(b'"') % 2 and (line := handle.readline()):
                data += line
            yield data


class _Workers:
    """``Resources.workers`` processes deriving features, results in the order submitted.

    A worker that dies (killed, out of memory) breaks the pool, and the run fails with
    :class:`BatchFailed` instead of waiting for it for ever.
    """

    def __init__(self, workers: int) -> None:
        # spawn: the parent holds a DuckDB connection and threads, which fork would copy.
        self.pool = (
            ProcessPoolExecutor(
                workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=exit_with_parent,
                initargs=(os.getpid(),),
            )
            if workers > 1
            else None
        )
        self.depth = 2 * workers

    def map(
        self, header: list[str], blocks: Iterable[bytes], kind: str, file: str
    ) -> Iterator[BlockResult]:
        if self.pool is None:
            for block in blocks:
                yield _features_block(header, block, kind, file)
            return
        pending: deque[Future[BlockResult]] = deque()
        try:
            for block in blocks:
                pending.append(self.pool.submit(_features_block, header, block, kind, file))
                if len(pending) > self.depth:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        except BrokenProcessPool as exc:
            raise BatchFailed(
                f"Một tiến trình tính đặc trưng đã dừng đột ngột khi đọc tệp {file} (có thể do "
                "hết bộ nhớ). Chưa ghi tệp kết quả nào; hãy chạy lại, với ít tiến trình hơn "
                "(--workers)."
            ) from exc

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


# --- the run's database -------------------------------------------------------------------


class FeatureStore:
    """The run's on-disk DuckDB database: ``registry`` (uid + features), ``records`` (seq,
    uid + features, in the file's order), ``registry_blocking`` (the registry with its
    capped loose blocks set to NULL, what Splink blocks on) and the term frequencies."""

    def __init__(self, directory: Path, resources: Resources) -> None:
        import duckdb

        self.con = duckdb.connect(
            str(directory / "batch.duckdb"),
            config={
                "threads": resources.threads,
                "memory_limit": resources.memory_limit,
                "temp_directory": str(directory / "spill"),
                "preserve_insertion_order": False,
            },
        )
        self.con.execute(f"CREATE TABLE registry (uid VARCHAR, {_COLUMNS_SQL})")
        self.con.execute(f"CREATE TABLE records (seq BIGINT, uid VARCHAR, {_COLUMNS_SQL})")
        self.counts = {"registry": 0, "records": 0}

    def setting(self, name: str) -> Any:
        return self.con.execute("SELECT current_setting(?)", [name]).fetchone()[0]  # type: ignore[index]

    def append(self, table: str, ids: list[str], rows: list[pa.Table]) -> None:
        """Append feature rows (Arrow tables of FEATURE_COLUMNS, ``ids`` their IDs) to
        ``table`` ("registry" or "records", numbered in order)."""
        frame = pa.concat_tables(rows).add_column(0, "uid", pa.array(ids, type=pa.string()))
        if table == "records":
            start = self.counts["records"]
            seq = pa.array(range(start, start + len(ids)), type=pa.int64())
            frame = frame.add_column(0, "seq", seq)
        self.con.register("hotich_append", frame)
        try:
            self.con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM hotich_append")  # noqa: S608 - table is ours
        finally:
            self.con.unregister("hotich_append")
        self.counts[table] += len(ids)

    def prepare(self, model: MatchModel, cap: int = BLOCK_CAP) -> dict[str, set[str]]:
        """Count the loose blocks over ``cap`` (as :func:`batch.capped_blocks` does on a
        frame), write ``registry_blocking`` and the term-frequency tables; return the capped
        values per key."""
        # Every name put in the SQL below is one of ours (LOOSE_KEYS, the model's columns).
        capped: dict[str, set[str]] = {}
        replaced = []
        for key in LOOSE_KEYS:
            count_sql = f"SELECT {key} FROM registry WHERE {key} IS NOT NULL GROUP BY {key}"  # noqa: S608
            rows = self.con.execute(f"{count_sql} HAVING count(*) > ?", [cap]).fetchall()
            capped[key] = {value for (value,) in rows}
            if not capped[key]:
                continue
            self.con.execute(f"CREATE TABLE capped_{key} (value VARCHAR)")
            self.con.executemany(
                f"INSERT INTO capped_{key} VALUES (?)",  # noqa: S608
                [[v] for v in sorted(capped[key])],
            )
            subquery = f"SELECT value FROM capped_{key}"  # noqa: S608
            replaced.append(f"CASE WHEN {key} IN ({subquery}) THEN NULL ELSE {key} END AS {key}")
        select = f"* REPLACE ({', '.join(replaced)})" if replaced else "*"
        self.con.execute(f"CREATE TABLE registry_blocking AS SELECT {select} FROM registry")  # noqa: S608
        for column, frame in tf_frames(model).items():
            self.con.register("hotich_append", frame)
            self.con.execute(f"CREATE TABLE tf_{column} AS SELECT * FROM hotich_append")  # noqa: S608
            self.con.unregister("hotich_append")
            self._tf_unseen(column, tf_floor(model.parameters.tf[column]))
        return capped

    def _tf_unseen(self, column: str, floor: float | None) -> None:
        """Add to ``tf_<column>`` the values of the registry and the records the model's
        table lacks, at its smallest frequency, as :func:`batch.tf_lookup` does on frames."""
        if floor is None:
            return
        for table in ("registry", "records"):
            names = {row[1] for row in self.con.execute(f"PRAGMA table_info('{table}')").fetchall()}
            if column not in names:
                continue
            value = f"CAST({column} AS VARCHAR)"
            self.con.execute(
                f"INSERT INTO tf_{column} SELECT DISTINCT {value}, ? FROM {table} "  # noqa: S608
                f"WHERE {column} IS NOT NULL AND {value} NOT IN (SELECT {column} FROM tf_{column})",
                [floor],
            )

    def close(self) -> None:
        self.con.close()


def load_people(
    store: FeatureStore, workers: _Workers, path: Path, *, kind: str, block: int
) -> list[RowProblem]:
    """Read a citizens or records file into ``store`` ("registry" or "records"), as
    :func:`contract.read_people` reads it (the same rows kept, the same problems, the same
    row numbers: the header is row 1)."""
    table = "registry" if kind == "citizens" else "records"
    header, offset = people_header(path, kind=kind)
    problems: list[RowProblem] = []
    seen: set[str] = set()
    ids: list[str] = []
    rows: list[pa.Table] = []
    base = 2  # the number of the block's first row
    blocks = _blocks(path, offset, block)
    for result, features, error in workers.map(header, blocks, kind, path.name):
        kept = []  # the rows of ``features`` kept (not those of a duplicate ID)
        position = 0
        for index, identifier, has_features, row_problems in result:
            at, position = position, position + has_features
            if identifier and identifier in seen:
                problems.append(duplicate_problem(path.name, base + index, kind, identifier))
                continue
            problems.extend(replace(p, row=base + p.row) for p in row_problems)
            if not has_features:
                continue
            seen.add(identifier)
            ids.append(identifier)
            kept.append(at)
        if kept:
            rows.append(features if len(kept) == len(features) else features.take(kept))
        if error is not None:
            raise ContractError(
                f"Tệp {path.name} hỏng từ khoảng dòng {base + error[0]}: {error[1]}."
            )
        base += len(result)
        if len(ids) >= _APPEND_ROWS:
            store.append(table, ids, rows)
            ids, rows = [], []
    if ids:
        store.append(table, ids, rows)
    log.debug("Đã đọc %s: %s dòng dùng được.", path.name, f"{store.counts[table]:,}")
    return problems


# --- scoring and deciding, chunk by chunk ---------------------------------------------------


#: Per record, the candidates above the floor kept for :func:`decide`: it reads the best
#: (its features) and the runner-up (its weight, for the margin) and nothing else; a record
#: without any also keeps its best-weighted pairs (the score written for a not_found).
KEPT_ABOVE_FLOOR = 2


@dataclass
class ScoredChunk:
    """What deciding a chunk needs, fetched from the database (rows as tuples: a dict is
    made per record while it is decided): the records in order, per record its kept pairs
    (:data:`KEPT_ABOVE_FLOOR`, :func:`chunk_pairs`), and the kept citizens' features."""

    columns: list[str]
    records: list[tuple[Any, ...]]
    pairs: dict[str, list[tuple[str, float, float]]]
    citizens: dict[str, tuple[Any, ...]]
    scored: int  # pairs Splink scored above REPORT_FLOOR, before the reduction


_KEPT_SQL = """
WITH pairs AS (
    SELECT
        CASE WHEN source_dataset_l = $records THEN uid_l ELSE uid_r END AS record_uid,
        CASE WHEN source_dataset_l = $records THEN uid_r ELSE uid_l END AS citizen_uid,
        CAST(match_weight AS DOUBLE) AS match_weight,
        CAST(match_probability AS DOUBLE) AS match_probability
    FROM {predictions}
), ranked AS (
    SELECT *,
        row_number() OVER (
            PARTITION BY record_uid
            ORDER BY match_probability >= $floor DESC, match_weight DESC, citizen_uid
        ) AS rank,
        max(match_weight) OVER (PARTITION BY record_uid) AS top
    FROM pairs
)
SELECT record_uid, citizen_uid, match_weight, match_probability FROM ranked
WHERE (rank <= $kept AND match_probability >= $floor) OR match_weight = top
"""


def chunk_pairs(
    model: MatchModel, store: FeatureStore, start: int, stop: int, thresholds: Thresholds
) -> ScoredChunk:
    """Score the records numbered ``start`` to ``stop`` - 1 against the whole registry and
    return what deciding them needs, on a cursor of its own (it runs beside the deciding of
    another chunk).

    Splink's pairs stay in DuckDB: per record only the pairs :func:`decide` reads come to
    Python (the best :data:`KEPT_ABOVE_FLOOR` above ``thresholds.floor`` in its order,
    weight then personal ID, and the best-weighted ones), so a record with thousands of
    candidates costs no more memory here than one with two."""
    from splink import DuckDBAPI

    con = store.con.cursor()
    table = f"chunk_{start}"
    try:
        con.execute(
            f"CREATE TABLE {table} AS SELECT * EXCLUDE (seq) FROM records "  # noqa: S608
            "WHERE seq >= ? AND seq < ?",
            [start, stop],
        )
        kept: list[tuple[str, str, float, float]] = []
        scored = 0
        if store.counts["registry"]:
            db_api = DuckDBAPI(connection=con)
            left = db_api.register(table, table_name=RECORDS_TABLE)
            right = db_api.register("registry_blocking", table_name=REGISTRY_TABLE)
            tf_tables = {
                column: db_api.register(f"tf_{column}", table_name=f"hotich_tf_{column}")
                for column in model.parameters.tf
            }
            predictions = splink_predictions(model, left, right, tf_tables)
            try:
                name = predictions.physical_name
                scored = con.execute(f"SELECT count(*) FROM {name}").fetchone()[0]  # type: ignore[index]  # noqa: S608
                con.execute(
                    f"CREATE TEMP TABLE kept_{start} AS {_KEPT_SQL.format(predictions=name)}",
                    {"records": RECORDS_TABLE, "floor": thresholds.floor, "kept": KEPT_ABOVE_FLOOR},
                )
            finally:
                predictions.drop_table_from_database_and_remove_from_cache()
            try:
                kept = con.execute(
                    f"SELECT * FROM kept_{start} ORDER BY record_uid, match_weight DESC, citizen_uid"  # noqa: S608
                ).fetchall()
                cursor = con.execute(
                    f"SELECT * FROM registry WHERE uid IN (SELECT citizen_uid FROM kept_{start})"  # noqa: S608
                )
                citizens = {row[0]: row[1:] for row in cursor.fetchall()}
            finally:
                con.execute(f"DROP TABLE IF EXISTS kept_{start}")
        else:
            citizens = {}
        cursor = con.execute(
            "SELECT * EXCLUDE (seq) FROM records WHERE seq >= ? AND seq < ? ORDER BY seq",
            [start, stop],
        )
        columns = [d[0] for d in cursor.description]
        records = cursor.fetchall()
    finally:
        con.execute(f"DROP TABLE IF EXISTS {table}")
        con.close()
    pairs: dict[str, list[tuple[str, float, float]]] = {}
    for rid, cid, weight, prob in kept:
        pairs.setdefault(rid, []).append((cid, weight, prob))
    return ScoredChunk(columns, records, pairs, citizens, scored)


def chunk_decisions(
    model: MatchModel, chunk: ScoredChunk, thresholds: Thresholds
) -> Iterator[tuple[str, Decision]]:
    """Yield the decisions of a scored chunk's records (:func:`chunk_pairs`), in order."""
    names = chunk.columns[1:]
    citizens: dict[str, dict[str, Any]] = {}
    known = model.known_given_names
    for row in chunk.records:
        uid = row[0]
        candidates = []
        for cid, weight, prob in chunk.pairs.get(uid, ()):
            features = citizens.get(cid)
            if features is None:
                features = citizens[cid] = dict(zip(names, chunk.citizens[cid], strict=True))
            candidates.append(Candidate(cid, prob, weight, features))
        yield uid, decide(dict(zip(names, row[1:], strict=True)), candidates, thresholds, known)


def decisions(
    model: MatchModel, store: FeatureStore, *, thresholds: Thresholds, chunk: int
) -> Iterator[tuple[str, Decision]]:
    """Yield (record uid, decision) for every record of ``store``, in the file's order.

    While this thread decides a chunk (Python), DuckDB scores the next one (its threads),
    so both cores stay busy. Raises BatchFailed when a chunk fails, naming the chunk.
    """
    total = store.counts["records"]
    bounds = [(start, min(start + chunk, total)) for start in range(0, total, chunk)]

    def failed(index: int, exc: Exception) -> BatchFailed:
        start, stop = bounds[index]
        return BatchFailed(
            f"Đối chiếu bị lỗi ở phần {index + 1}/{len(bounds)} (bản ghi {start + 1}–{stop}): "
            f"{exc}. Chưa ghi tệp kết quả nào."
        )

    with ThreadPoolExecutor(1, thread_name_prefix="hotich-score") as scorer:
        scored = (
            scorer.submit(chunk_pairs, model, store, *bounds[0], thresholds) if bounds else None
        )
        for index in range(len(bounds)):
            assert scored is not None
            try:
                current = scored.result()
            except Exception as exc:
                raise failed(index, exc) from exc
            if index + 1 < len(bounds):
                scored = scorer.submit(chunk_pairs, model, store, *bounds[index + 1], thresholds)
            try:
                yield from chunk_decisions(model, current, thresholds)
            except Exception as exc:
                raise failed(index, exc) from exc
            log.debug(
                "Phần %d/%d: %s bản ghi, %s cặp được chấm, %s cặp được xét.",
                index + 1,
                len(bounds),
                f"{len(current.records):,}",
                f"{current.scored:,}",
                f"{sum(len(p) for p in current.pairs.values()):,}",
            )
            del current


class StreamedRun:
    """A streamed run's resources: its directory, database and feature processes."""

    def __init__(self, resources: Resources) -> None:
        self.resources = resources
        self.directory = tempfile.TemporaryDirectory(prefix="hotich-match-", dir=resources.work_dir)
        try:
            self.store = FeatureStore(Path(self.directory.name), resources)
        except BaseException:
            self.directory.cleanup()
            raise
        self.workers = _Workers(resources.workers)

    def __enter__(self) -> StreamedRun:
        return self

    def __exit__(self, *exc: object) -> None:
        self.workers.close()
        self.store.close()
        self.directory.cleanup()

    def load(self, path: Path, *, kind: str) -> list[RowProblem]:
        """Read a citizens or records file into the run's database; return its problems."""
        with self._failing_as_batch():
            return load_people(
                self.store, self.workers, path, kind=kind, block=self.resources.block
            )

    def prepare(self, model: MatchModel) -> None:
        """Count the capped blocks and write the tables the chunks are scored on."""
        self.workers.close()  # the files are read: their memory is DuckDB's now
        with self._failing_as_batch():
            capped = self.store.prepare(model)
        log.debug("Khối quá lớn không dùng: %s giá trị.", sum(len(v) for v in capped.values()))

    @contextmanager
    def _failing_as_batch(self) -> Iterator[None]:
        import duckdb

        try:
            yield
        except duckdb.Error as exc:
            raise BatchFailed(
                f"Không ghi được dữ liệu vào CSDL đối chiếu tạm ({self.directory.name}): "
                f"{exc}. Chưa ghi tệp kết quả nào."
            ) from exc
