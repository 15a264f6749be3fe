"""Batch reconciliation on Splink: DuckDB by default, Spark for national scale.

The records and the registry are tables of feature rows (``uid`` plus FEATURE_COLUMNS). Splink
generates the candidate pairs with the model's blocking rules and scores them with the
model's parameters (term frequencies from the model file, not recomputed), then
:func:`hotich.matching.engine.decide.decide` gives each record its outcome, exactly as the
interactive path does.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from hotich.matching.engine.decide import Candidate, Decision, Thresholds, decide
from hotich.matching.engine.features import (
    BLOCK_CAP,
    BLOCKING_KEYS,
    FEATURE_COLUMNS,
    LOOSE_KEYS,
)
from hotich.matching.engine.model import MatchModel, splink_settings, tf_floor

Backend = Literal["duckdb", "spark"]

# Pairs scored below this probability are dropped by both paths (not even reported as the
# "best" score of a not_found record).
REPORT_FLOOR = 0.001
#: The names the two sides are registered under (Splink's ``source_dataset``).
RECORDS_TABLE = "hotich_records"
REGISTRY_TABLE = "hotich_registry"
PAIR_COLUMNS = ("record_uid", "citizen_uid", "match_weight", "match_probability")

log = logging.getLogger(__name__)


def features_frame(rows: Iterable[Mapping[str, Any]], ids: Iterable[str]) -> pd.DataFrame:
    """Return a DataFrame of feature rows with their ``uid`` column first."""
    frame = pd.DataFrame.from_records(list(rows), columns=list(FEATURE_COLUMNS))
    frame.insert(0, "uid", list(ids))
    for column in ("byr", "bmon", "bday", "bprec"):
        frame[column] = frame[column].astype("Int64")
    return frame


#: Per loose key, the values whose block is over the cap (they find nobody through that key).
Capped = Mapping[str, set[str]]


def capped_blocks(registry: pd.DataFrame, cap: int = BLOCK_CAP) -> dict[str, set[str]]:
    """Return, per loose key (LOOSE_KEYS), the values more than ``cap`` citizens of
    ``registry`` share: the blocks the interactive lookup does not read."""
    out = {}
    for key in LOOSE_KEYS:
        counts = registry[key].value_counts()
        out[key] = {str(value) for value in counts.index[counts > cap]}
    return out


def without_capped(registry: pd.DataFrame, capped: Capped) -> pd.DataFrame:
    """Return ``registry`` with the values of its capped blocks set to None."""
    if not any(capped.values()):
        return registry
    registry = registry.copy()
    for key, values in capped.items():
        if values:
            registry[key] = registry[key].where(~registry[key].isin(values), None)
    return registry


def _db_api(backend: Backend, spark: Any = None) -> Any:
    if backend == "duckdb":
        from splink import DuckDBAPI

        return DuckDBAPI()
    if backend == "spark":
        from splink import SparkAPI

        if spark is None:
            from pyspark.sql import SparkSession

            spark = SparkSession.builder.getOrCreate()
        # Splink breaks long query lineages with checkpoints when a checkpoint directory
        # is set (clusters should set one on shared storage); otherwise it persists.
        method = "checkpoint" if spark.sparkContext.getCheckpointDir() else "persist"
        return SparkAPI(
            spark_session=spark, break_lineage_method=method, register_udfs_automatically=False
        )
    raise ValueError(f"Không có máy xử lý '{backend}' (duckdb hoặc spark).")


def _register(db_api: Any, frame: pd.DataFrame, name: str, backend: Backend, spark: Any) -> Any:
    if backend == "spark":
        session = db_api.spark
        return db_api.register(session.createDataFrame(frame), table_name=name)
    return db_api.register(frame, table_name=name)


def scored_pairs(
    model: MatchModel,
    records: pd.DataFrame,
    registry: pd.DataFrame,
    *,
    backend: Backend = "duckdb",
    spark: Any = None,
    capped: Capped | None = None,
) -> pd.DataFrame:
    """Return the candidate pairs above REPORT_FLOOR: record_uid, citizen_uid, weight, prob.

    ``capped``: the blocks over the cap (:func:`capped_blocks`); by default those of
    ``registry``, which is right when it is the whole registry (the caller that passes only
    candidates passes the blocks the database counted over the cap).
    """
    if records.empty or registry.empty:
        return pd.DataFrame(columns=list(PAIR_COLUMNS))
    registry = without_capped(registry, capped_blocks(registry) if capped is None else capped)
    db_api = _db_api(backend, spark)
    left = _register(db_api, records, RECORDS_TABLE, backend, spark)
    right = _register(db_api, registry, REGISTRY_TABLE, backend, spark)
    tf_tables = {
        column: _register(db_api, frame, f"hotich_tf_{column}", backend, spark)
        for column, frame in tf_frames(model, records, registry).items()
    }
    return splink_pairs(model, left, right, tf_tables, drop=backend == "duckdb")


def tf_frames(model: MatchModel, *frames: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Return the model's term-frequency lookups, one frame per column (``tf_<column>``),
    with the values of ``frames`` the model lacks (:func:`tf_lookup`)."""
    return {
        column: tf_lookup(table, column, *frames) for column, table in model.parameters.tf.items()
    }


def splink_pairs(
    model: MatchModel, left: Any, right: Any, tf_tables: Mapping[str, Any], *, drop: bool
) -> pd.DataFrame:
    """Return the scored pairs of two Splink tables (``left`` registered as RECORDS_TABLE,
    ``right`` as REGISTRY_TABLE, capped blocks already None) above REPORT_FLOOR; the one
    Splink call of both batch paths (:func:`scored_pairs`, :mod:`.stream`)."""
    predictions = splink_predictions(model, left, right, tf_tables)
    frame = predictions.as_pandas_dataframe()
    if drop:
        predictions.drop_table_from_database_and_remove_from_cache()
    swap = frame["source_dataset_l"] != RECORDS_TABLE
    return pd.DataFrame(
        {
            "record_uid": frame["uid_l"].where(~swap, frame["uid_r"]).astype(str),
            "citizen_uid": frame["uid_r"].where(~swap, frame["uid_l"]).astype(str),
            "match_weight": frame["match_weight"].astype(float),
            "match_probability": frame["match_probability"].astype(float),
        }
    )


def splink_predictions(
    model: MatchModel, left: Any, right: Any, tf_tables: Mapping[str, Any]
) -> Any:
    """Return Splink's table of the scored pairs above REPORT_FLOOR (a SplinkDataFrame, left
    in the database: :func:`splink_pairs` reads it into a frame, :mod:`.stream` reduces it
    in SQL first)."""
    from splink import Linker

    linker = Linker([left, right], splink_settings(model.parameters), log_level=logging.WARNING)
    for column, table in tf_tables.items():
        linker.table_management.register_term_frequency_lookup(table, column)
    return linker.inference.predict(threshold_match_probability=REPORT_FLOOR)


def tf_lookup(table: Mapping[str, float], column: str, *frames: pd.DataFrame) -> pd.DataFrame:
    """Return the term-frequency lookup of ``column`` for Splink: the model's table, and the
    values of ``frames`` it lacks at its smallest frequency (``model.tf_floor``), as the
    Python scorer weighs them (Splink would give an unknown value no adjustment)."""
    values = dict(table)
    floor = tf_floor(table)
    if floor is not None:
        for frame in frames:
            if column in frame:
                for value in frame[column].dropna().unique():
                    values.setdefault(str(value), floor)
    return pd.DataFrame({column: list(values), f"tf_{column}": list(values.values())})


@dataclass
class BatchResult:
    decisions: dict[str, Decision]
    pairs: int


def reconcile(
    model: MatchModel,
    records: pd.DataFrame,
    registry: pd.DataFrame,
    *,
    thresholds: Thresholds | None = None,
    backend: Backend = "duckdb",
    spark: Any = None,
    capped: Capped | None = None,
) -> BatchResult:
    """Decide every record of ``records`` against ``registry`` (feature frames; ``capped``
    as in :func:`scored_pairs`)."""
    thresholds = thresholds or Thresholds()
    pairs = scored_pairs(model, records, registry, backend=backend, spark=spark, capped=capped)
    by_record: dict[str, list[tuple[str, float, float]]] = defaultdict(list)
    for rid, cid, weight, prob in pairs.itertuples(index=False):
        by_record[rid].append((cid, weight, prob))
    wanted = {cid for items in by_record.values() for cid, _, _ in items}
    registry_rows = feature_rows(registry[registry["uid"].astype(str).isin(wanted)])
    decisions = {}
    for record_uid, record in feature_rows(records).items():
        candidates = [
            Candidate(cid, prob, weight, registry_rows[cid])
            for cid, weight, prob in by_record.get(record_uid, ())
        ]
        decisions[record_uid] = decide(record, candidates, thresholds, model.known_given_names)
    return BatchResult(decisions, len(pairs))


def feature_rows(frame: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """Return feature rows by uid, with pandas' missing values turned back into None."""
    clean = frame.astype(object).where(frame.notna(), None)
    out = {}
    for row in clean.to_dict("records"):
        out[str(row.pop("uid"))] = row
    return out


def candidate_recall(
    records: pd.DataFrame,
    registry: pd.DataFrame,
    pairs: Iterable[tuple[str, str]],
    *,
    keys: Iterable[str] | None = None,
    capped: Capped | None = None,
) -> tuple[int, int, dict[str, int]]:
    """Return how many of the true ``pairs`` (record uid, citizen uid) share a blocking key
    (of ``keys``, all by default; capped blocks excluded), out of how many, and per key how
    many only that key finds: the recall of the candidate set, before any decision."""
    keys = list(keys or BLOCKING_KEYS)
    registry = without_capped(registry, capped_blocks(registry) if capped is None else capped)
    left = records.set_index(records["uid"].astype(str))[keys]
    right = registry.set_index(registry["uid"].astype(str))[keys]
    wanted = [(r, c) for r, c in pairs if r in left.index and c in right.index]
    if not wanted:
        return 0, 0, {}
    a = left.loc[[r for r, _ in wanted]].to_numpy(dtype=object)
    b = right.loc[[c for _, c in wanted]].to_numpy(dtype=object)
    shared = (a == b) & pd.notna(a) & pd.notna(b)
    found = shared.any(axis=1)
    alone = shared & (shared.sum(axis=1) == 1)[:, None]
    return int(found.sum()), len(wanted), {k: int(alone[:, i].sum()) for i, k in enumerate(keys)}
