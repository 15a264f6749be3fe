"""Both paths give the same answers; the lookup uses indexes; book reconciliation stores them."""

import pytest
from django.db import connection

from hotich.matching.features import person_features
from hotich.matching.services import (
    _blocking_q,
    candidate_citizens,
    lookup,
    reconcile_people,
)
from hotich.registry.models import Citizen

from .conftest import person_input


def test_interactive_and_batch_give_the_same_outcome_and_id(registry):
    records = registry.records[:1000]
    assert len(records) == 1000
    people = [(r["record_id"], person_input(r)) for r in records]
    batch = reconcile_people(people)
    outcomes = {}
    for record_id, person in people:
        interactive = lookup(person).decision
        assert (interactive.outcome, interactive.personal_id) == (
            batch[record_id].outcome,
            batch[record_id].personal_id,
        ), record_id
        assert interactive.fields == batch[record_id].fields
        assert interactive.score == pytest.approx(batch[record_id].score, abs=1e-9)
        outcomes[interactive.outcome] = outcomes.get(interactive.outcome, 0) + 1
    # The data set exercises every outcome.
    assert set(outcomes) == {"match", "discrepancy", "not_found", "review"}, outcomes
    # And the engine is right far more often than not.
    attached = [(rid, batch[rid].personal_id) for rid, _ in people if batch[rid].personal_id]
    wrong = [rid for rid, pid in attached if registry.truth[rid] != pid]
    assert len(attached) > 600
    assert len(wrong) / len(people) < 0.01


def test_lookup_explains_candidates(registry):
    record = next(
        r for r in registry.records if registry.truth[r["record_id"]] and r["father_name"]
    )
    result = lookup(person_input(record))
    best = result.candidates[0]
    assert best.citizen.personal_id == registry.truth[record["record_id"]]
    fields = {f.key: f for f in best.score.fields}
    assert fields["fa"].level == "exact" and fields["fa"].weight > 0
    assert result.model_version == 0  # the shipped default model


def test_candidates_come_from_indexes_never_a_scan(registry):
    record = person_features(person_input(registry.records[0]))
    query = Citizen.objects.filter(_or(_blocking_q([record]))).only("id")
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " ".join(str(row) for row in cursor.fetchall())
            assert "USING INDEX" in plan and "SCAN" not in plan.replace("USING INDEX", ""), plan
        else:
            cursor.execute("SET enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = " ".join(row[0] for row in cursor.fetchall())
            assert "Index" in plan and "Seq Scan" not in plan, plan
    assert (
        registry.truth[registry.records[0]["record_id"]]
        in {c.personal_id for c in candidate_citizens([record])}
        or registry.truth[registry.records[0]["record_id"]] is None
    )


def _or(filters):
    query = filters[0]
    for extra in filters[1:]:
        query |= extra
    return query
