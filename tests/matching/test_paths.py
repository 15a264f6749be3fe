"""Both paths give the same answers; the lookup uses indexes; book reconciliation stores them."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from hotich.matching.engine.features import person_features
from hotich.matching.services import (
    _blocking_q,
    active_model,
    candidate_vectors,
    lookup,
    reconcile_people,
)
from hotich.registry.models import Citizen
from hotich.registry.services import citizens_refeature

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
        in {pid for pid, _ in candidate_vectors([record]).values()}
        or registry.truth[registry.records[0]["record_id"]] is None
    )


def _or(filters):
    query = filters[0]
    for extra in filters[1:]:
        query |= extra
    return query


def test_stored_and_derived_features_give_the_same_answers(registry):
    """The lookup reads stored features; without them it derives the same ones itself."""
    people = [person_input(r) for r in registry.records[::8]]  # every kind of record

    def answers():
        out = []
        for person in people:
            result = lookup(person)
            out.append(
                (
                    result.decision.outcome,
                    result.decision.personal_id,
                    result.decision.score,
                    result.decision.fields,
                    [(c.citizen.personal_id, c.score.weight) for c in result.candidates],
                )
            )
        return out

    stored = answers()
    assert sum(1 for a in stored if a[1]) > 50
    total = Citizen.objects.count()
    # Features missing (written by other means) or of an older version: derived at lookup.
    Citizen.objects.filter(pk__lte=total // 2).update(match_features=None)
    Citizen.objects.filter(pk__gt=total // 2).update(match_features='[0, "old"]')
    assert answers() == stored

    out = StringIO()
    call_command("registry_features", stdout=out, verbosity=0)
    assert f"{total:,} công dân" in out.getvalue()
    assert not Citizen.objects.filter(match_features=None).exists()
    assert not Citizen.objects.filter(match_features__startswith="[0,").exists()
    assert answers() == stored
    # Nothing is stale any more; --all redoes everyone.
    assert citizens_refeature() == 0
    assert citizens_refeature(everyone=True) == total


def test_fast_weight_equals_the_explained_score(registry):
    model = active_model()
    records = [person_features(person_input(r)) for r in registry.records[::3]]
    pairs = 0
    for record in records:
        for _pid, vector in candidate_vectors([record]).values():
            assert model.weight(record, vector) == model.score(record, vector).weight
            pairs += 1
    assert pairs > 300
