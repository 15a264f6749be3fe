"""The batch path on Splink's Spark backend (local mode) gives DuckDB's answers.

Run by `make test-spark` (installs PySpark; Java 17 must be present), not by `make test`.
"""

import pytest

from hotich.demo.benchdata import make_bench_data, synth_people
from hotich.matching.engine.batch import features_frame, reconcile
from hotich.matching.engine.features import PersonInput, person_features
from hotich.matching.engine.modelfile import DEFAULT_MODEL, load_model_file

pytestmark = pytest.mark.spark


def frame(rows, id_key):
    people = [PersonInput.from_row(r) for r in rows]
    return features_frame([person_features(p) for p in people], [r[id_key] for r in rows])


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("hotich-test")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    yield session
    session.stop()


def test_spark_and_duckdb_give_the_same_answers(spark, tmp_path):
    people = synth_people(3_000, seed=5)
    data = make_bench_data(people, records=300, seed=5)
    registry = frame(data.registry, "personal_id")
    records = frame(data.records, "record_id")
    model = load_model_file(DEFAULT_MODEL)
    duck = reconcile(model, records, registry)
    sparked = reconcile(model, records, registry, backend="spark", spark=spark)
    assert sparked.pairs == duck.pairs > 0
    for record_id, decision in duck.decisions.items():
        other = sparked.decisions[record_id]
        assert (other.outcome, other.personal_id, other.fields) == (
            decision.outcome,
            decision.personal_id,
            decision.fields,
        )
        if decision.score is not None:
            assert other.score == pytest.approx(decision.score, abs=1e-9)
    assert {d.outcome for d in duck.decisions.values()} >= {"match", "not_found"}
