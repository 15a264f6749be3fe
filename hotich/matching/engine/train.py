"""Unsupervised training of the model (Fellegi–Sunter expectation maximisation, no labels).

The comparison levels are computed by DuckDB from the same SQL the batch path gives Splink
(``Cond.sql``), on the pairs each training rule selects; EM then runs in NumPy on the
counts of distinct agreement patterns, which is exact and takes milliseconds.

- u (how often two different people agree by chance): random pairs registry × records;
- λ (prior that a random pair is the same person): the pairs of a near-certain rule
  (``DETERMINISTIC_RULES``), divided by all pairs, adjusted by the rule's assumed recall;
- m (how often the same person agrees): EM in several sessions (``EM_SESSIONS``); a session
  leaves alone the comparisons its own rule constrains, and each m is the mean over the
  sessions that estimated it;
- term frequencies of family, middle and given names: counted in the registry.

A pseudo-count on every level keeps every m and u above zero, so a level that training
never sees gets a small, finite weight instead of minus infinity. (Splink's own EM refuses
to continue when an m underflows to zero, which happens on clean data.)
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from hotich.matching.engine.model import (
    COMPARISONS,
    DETERMINISTIC_RULES,
    EM_SESSIONS,
    MatchModel,
    Parameters,
)

TF_COLUMNS = ("fam_n", "mid_n", "giv_n")

# Records must be numerous enough for EM to see the levels.
MIN_RECORDS = 200


class TrainingError(ValueError):
    """Training is impossible with this data (message in Vietnamese)."""


@dataclass(frozen=True)
class TrainingOptions:
    seed: int = 2026
    u_sample_pairs: int = 2_000_000
    deterministic_recall: float = 0.7
    em_max_pairs: int = 3_000_000
    em_iterations: int = 60
    pseudo_count: float = 0.5


@dataclass
class TrainingReport:
    lam: float = 0.0
    u_pairs: int = 0
    sessions: list[dict] = field(default_factory=list)


def term_frequencies(registry: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Return, per name column, each value's share of the registry's non-empty values."""
    tables = {}
    for column in TF_COLUMNS:
        counts = registry[column].dropna().value_counts(normalize=True)
        tables[column] = {str(k): float(v) for k, v in counts.items()}
    return tables


def _gamma_sql() -> str:
    parts = []
    for comparison in COMPARISONS:
        cases = " ".join(
            f"WHEN {level.cond.sql()} THEN {index}"
            for index, level in enumerate(comparison.levels)
            if level.cond is not None
        )
        parts.append(f"CASE {cases} ELSE {len(comparison.levels) - 1} END AS g_{comparison.key}")
    return ", ".join(parts)


def _side_columns(prefix: str) -> str:
    from hotich.matching.engine.features import FEATURE_COLUMNS

    return ", ".join(f'{prefix}."{c}" AS "{c}_{prefix}"' for c in ("uid", *FEATURE_COLUMNS))


def _count(con, sql: str) -> int:
    """Return the single number a ``SELECT count(*)`` gives."""
    row = con.execute(sql).fetchone()
    assert row is not None  # count(*) always gives one row
    return row[0]


def _patterns(con, pair_sql: str) -> pd.DataFrame:
    """Return the distinct level patterns of the pairs ``pair_sql`` selects, with counts."""
    keys = ", ".join(f"g_{c.key}" for c in COMPARISONS)
    sql = (
        f"WITH pairs AS ({pair_sql}), g AS (SELECT {_gamma_sql()} FROM pairs) "
        f"SELECT {keys}, count(*) AS n FROM g GROUP BY ALL"
    )
    return con.execute(sql).df()


def _fixed_comparisons(rule: str) -> set[str]:
    """Return the comparisons a training rule constrains (EM must not estimate them)."""
    fixed = set()
    for column in re.findall(r"[lr]\.(\w+)", rule):
        if column == "full_f":
            fixed |= {"fam", "mid", "giv"}
        elif column in ("bd", "byr", "bmon", "bday", "bprec"):
            fixed.add("bd")
        else:
            fixed.add(column.split("_")[0])
    return fixed


def _level_counts(patterns: pd.DataFrame, weights: np.ndarray) -> dict[str, np.ndarray]:
    counts = {}
    for comparison in COMPARISONS:
        g = patterns[f"g_{comparison.key}"].to_numpy()
        counts[comparison.key] = np.bincount(
            g, weights=weights, minlength=len(comparison.levels)
        ).astype(float)
    return counts


def _normalise(counts: np.ndarray, comparison, pseudo: float) -> np.ndarray:
    """Return probabilities over the non-null levels (null levels get NaN)."""
    mask = np.array([not lv.null for lv in comparison.levels])
    values = np.where(mask, counts + pseudo, 0.0)
    total = values.sum()
    probabilities = values / total
    probabilities[~mask] = np.nan
    return probabilities


def _em(
    patterns: pd.DataFrame,
    m: dict[str, np.ndarray],
    u: dict[str, np.ndarray],
    fixed: set[str],
    options: TrainingOptions,
) -> tuple[dict[str, np.ndarray], float]:
    counts = patterns["n"].to_numpy(dtype=float)
    free = [c for c in COMPARISONS if c.key not in fixed]
    m = {k: v.copy() for k, v in m.items()}
    lam = 0.5
    for _ in range(options.em_iterations):
        log_m = np.zeros(len(patterns))
        log_u = np.zeros(len(patterns))
        for comparison in free:
            g = patterns[f"g_{comparison.key}"].to_numpy()
            mk, uk = (
                np.nan_to_num(m[comparison.key], nan=1.0),
                np.nan_to_num(u[comparison.key], nan=1.0),
            )
            log_m += np.log(mk[g])
            log_u += np.log(uk[g])
        log_odds = np.log(lam) - np.log1p(-lam) + log_m - log_u
        posterior = 1.0 / (1.0 + np.exp(-np.clip(log_odds, -700, 700)))
        weights = counts * posterior
        new_lam = float(np.clip(weights.sum() / counts.sum(), 1e-6, 1 - 1e-6))
        level_counts = _level_counts(patterns, weights)
        change = abs(new_lam - lam)
        for comparison in free:
            new = _normalise(level_counts[comparison.key], comparison, options.pseudo_count)
            change = max(change, float(np.nanmax(np.abs(new - m[comparison.key]))))
            m[comparison.key] = new
        lam = new_lam
        if change < 1e-5:
            break
    return m, lam


def _initial_m() -> dict[str, np.ndarray]:
    """A starting point for EM: matches mostly agree at the best level."""
    m = {}
    for comparison in COMPARISONS:
        values = np.array(
            [
                np.nan if lv.null else (0.9 if i == 1 else 0.1)
                for i, lv in enumerate(comparison.levels)
            ]
        )
        values[1:] = values[1:] / np.nansum(values[1:])
        m[comparison.key] = values
    return m


def train(
    records: pd.DataFrame,
    registry: pd.DataFrame,
    options: TrainingOptions | None = None,
) -> MatchModel:
    """Return a model trained on feature frames of book records and registry citizens."""
    import duckdb

    options = options or TrainingOptions()
    if len(records) < MIN_RECORDS:
        raise TrainingError(
            f"Cần ít nhất {MIN_RECORDS} bản ghi để huấn luyện mô hình, mới có {len(records)}."
        )
    if len(registry) < MIN_RECORDS:
        raise TrainingError(
            f"Cơ sở dữ liệu dân cư cần ít nhất {MIN_RECORDS} công dân, mới có {len(registry)}."
        )
    con = duckdb.connect()
    con.execute(f"SELECT setseed({(options.seed % 1000) / 1000})").fetchall()
    con.register("records_df", records)
    con.register("registry_df", registry)
    con.execute("CREATE TABLE l AS SELECT * FROM records_df")
    con.execute("CREATE TABLE r AS SELECT * FROM registry_df")
    report = TrainingReport()

    # u: random pairs.
    side = int(np.ceil(np.sqrt(options.u_sample_pairs)))
    u_pairs = (
        f"SELECT {_side_columns('l')}, {_side_columns('r')} FROM "
        f"(SELECT * FROM l USING SAMPLE reservoir({min(side, len(records))} ROWS) "
        f"REPEATABLE ({options.seed})) l CROSS JOIN "
        f"(SELECT * FROM r USING SAMPLE reservoir({min(side, len(registry))} ROWS) "
        f"REPEATABLE ({options.seed})) r"
    )
    u_patterns = _patterns(con, u_pairs)
    report.u_pairs = int(u_patterns["n"].sum())
    u_counts = _level_counts(u_patterns, u_patterns["n"].to_numpy(dtype=float))
    u = {c.key: _normalise(u_counts[c.key], c, options.pseudo_count) for c in COMPARISONS}

    # λ: near-certain pairs over all pairs.
    certain = 0
    for rule in DETERMINISTIC_RULES:
        certain += _count(con, f"SELECT count(*) FROM l JOIN r ON {rule}")
    lam = (certain / options.deterministic_recall) / (len(records) * len(registry))
    report.lam = float(np.clip(lam, 1e-12, 0.5))

    # m: EM per session.
    estimates: dict[str, list[np.ndarray]] = {c.key: [] for c in COMPARISONS}
    start = _initial_m()
    for rule in EM_SESSIONS:
        pairs = f"SELECT {_side_columns('l')}, {_side_columns('r')} FROM l JOIN r ON {rule}"
        total = _count(con, f"SELECT count(*) FROM l JOIN r ON {rule}")
        if total > options.em_max_pairs:
            pairs += f" USING SAMPLE {options.em_max_pairs} ROWS"
        patterns = _patterns(con, pairs)
        if patterns.empty:
            report.sessions.append({"rule": rule, "pairs": 0})
            continue
        fixed = _fixed_comparisons(rule)
        m, session_lam = _em(patterns, start, u, fixed, options)
        for comparison in COMPARISONS:
            if comparison.key not in fixed:
                estimates[comparison.key].append(m[comparison.key])
        report.sessions.append(
            {
                "rule": rule,
                "pairs": int(patterns["n"].sum()),
                "estimated": sorted(set(estimates) - fixed),
                "matches_share": round(session_lam, 4),
            }
        )
    final_m = {}
    for comparison in COMPARISONS:
        found = estimates[comparison.key]
        final_m[comparison.key] = (
            np.mean(np.stack(found), axis=0) if found else start[comparison.key]
        )
    # A level random pairs never reach says nothing about chance agreement: it gets the
    # weight of the level before it, if that is negative, else none (levels run from most to
    # least alike, so a later level never counts more than an earlier one).
    for comparison in COMPARISONS:
        m_k, u_k = final_m[comparison.key], u[comparison.key].copy()
        unseen = u_counts[comparison.key] == 0
        previous = 0.0
        for i, level in enumerate(comparison.levels):
            if level.null:
                continue
            if unseen[i]:
                u_k[i] = m_k[i] / 2.0 ** min(0.0, previous)
            previous = float(np.log2(m_k[i] / u_k[i]))
        u[comparison.key] = u_k
    mu: dict[str, list[tuple[float, float] | None]] = {}
    for comparison in COMPARISONS:
        mu[comparison.key] = [
            None if level.null else (float(final_m[comparison.key][i]), float(u[comparison.key][i]))
            for i, level in enumerate(comparison.levels)
        ]
    parameters = Parameters(lam=report.lam, mu=mu, tf=term_frequencies(registry))
    meta = {
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "records": len(records),
        "registry": len(registry),
        "options": asdict(options),
        "report": asdict(report),
    }
    return MatchModel(parameters, meta=meta)
