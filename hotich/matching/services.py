"""The matching engine inside the application: active model, lookup, book reconciliation.

Candidates always come from the registry's indexed blocking-key columns (bk1…bk6): the
interactive lookup asks for one record's keys, the batch path for many records' keys in
chunks. Both then score with the same model and call the same ``decide``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from hotich.audit.models import AuditEvent
from hotich.audit.services import audit_record
from hotich.matching.batch import REPORT_FLOOR, Backend, features_frame, reconcile
from hotich.matching.decide import Candidate, Decision, Thresholds, decide
from hotich.matching.features import BLOCKING_KEYS, PersonInput, person_features
from hotich.matching.model import MatchModel, Score
from hotich.matching.modelfile import active_model_path, load_model_file
from hotich.matching.models import MatchResult
from hotich.registry.models import Citizen

_lock = threading.Lock()
_cache: dict[str, Any] = {}

CITIZEN_FIELDS = (
    "id",
    "personal_id",
    "full_name",
    "birth_date",
    "sex",
    "birthplace",
    "hometown",
    "ethnicity",
    "father_name",
    "mother_name",
)


def thresholds() -> Thresholds:
    return Thresholds(
        match=settings.HOTICH_MATCH_THRESHOLD,
        floor=settings.HOTICH_MATCH_FLOOR,
        margin=settings.HOTICH_MATCH_MARGIN,
    )


def models_dir() -> Path:
    return Path(settings.HOTICH_MODELS_DIR)


def active_model() -> MatchModel:
    """Return the active model, reloaded when a newer version file appears."""
    path = active_model_path(models_dir())
    stamp = (str(path), path.stat().st_mtime_ns)
    with _lock:
        if _cache.get("stamp") != stamp:
            _cache["model"] = load_model_file(path)
            _cache["stamp"] = stamp
        return _cache["model"]


def _blocking_q(rows: Iterable[dict[str, Any]]) -> list[Q]:
    """Return OR-able filters on the indexed keys, at most 500 values per IN list."""
    values: dict[str, set[str]] = {key: set() for key in BLOCKING_KEYS}
    for row in rows:
        for key in BLOCKING_KEYS:
            if row.get(key):
                values[key].add(row[key])
    filters = []
    for key, found in values.items():
        ordered = sorted(found)
        for start in range(0, len(ordered), 500):
            chunk = ordered[start : start + 500]
            filters.append(Q(**{key: chunk[0]}) if len(chunk) == 1 else Q(**{f"{key}__in": chunk}))
    return filters


def candidate_citizens(rows: Sequence[dict[str, Any]]) -> list[Citizen]:
    """Return the registry citizens sharing a blocking key with any of ``rows``.

    One indexed query per chunk of keys; never a scan of the registry.
    """
    filters = _blocking_q(rows)
    if not filters:
        return []
    found: dict[int, Citizen] = {}
    # Few filters (one record): one query with OR; many: one query per filter.
    groups = [filters] if len(filters) <= len(BLOCKING_KEYS) else [[f] for f in filters]
    for group in groups:
        query = group[0]
        for extra in group[1:]:
            query |= extra
        for citizen in Citizen.objects.filter(query).only(*CITIZEN_FIELDS):
            found[citizen.pk] = citizen
    return list(found.values())


def citizen_features(citizen: Citizen) -> dict[str, Any]:
    return person_features(PersonInput.from_citizen(citizen))


@dataclass(frozen=True)
class LookupCandidate:
    citizen: Citizen
    score: Score


@dataclass(frozen=True)
class LookupResult:
    decision: Decision
    candidates: tuple[LookupCandidate, ...]  # best first, above REPORT_FLOOR
    features: dict[str, Any]
    model_version: int


def lookup(person: PersonInput, *, limit: int = 5, model: MatchModel | None = None) -> LookupResult:
    """The interactive path: the registry's best candidates for one person, and the outcome."""
    model = model or active_model()
    record = person_features(person)
    scored = []
    for citizen in candidate_citizens([record]):
        features = citizen_features(citizen)
        score = model.score(record, features)
        if score.probability >= REPORT_FLOOR:
            scored.append((citizen, features, score))
    scored.sort(key=lambda item: (-item[2].weight, item[0].personal_id))
    decision = decide(
        record,
        [Candidate(c.personal_id, s.probability, s.weight, f, explanation=s) for c, f, s in scored],
        thresholds(),
    )
    return LookupResult(
        decision,
        tuple(LookupCandidate(c, s) for c, _, s in scored[:limit]),
        record,
        model.version,
    )


def reconcile_people(
    people: Sequence[tuple[str, PersonInput]],
    *,
    backend: Backend = "duckdb",
    model: MatchModel | None = None,
    spark: Any = None,
) -> dict[str, Decision]:
    """The batch path against the application's registry: outcome per uid of ``people``."""
    model = model or active_model()
    rows = [person_features(p) for _, p in people]
    records = features_frame(rows, [uid for uid, _ in people])
    citizens = candidate_citizens(rows)
    registry = features_frame(
        [citizen_features(c) for c in citizens], [c.personal_id for c in citizens]
    )
    result = reconcile(
        model, records, registry, thresholds=thresholds(), backend=backend, spark=spark
    )
    return result.decisions


# --- people of entries -----------------------------------------------------------------------

# Roles whose people are looked up: everyone named with identifying facts, not the requester.
SKIPPED_ROLES = {"requester"}
# For the subject of a birth (and an adoptee), the parents' names are compared too.
PARENT_ROLES = {
    "subject": ("father", "mother"),
    "adoptee": ("birth_father", "birth_mother"),
    "child": ("parent", ""),
}


def entry_person_input(entry: Any, role: str) -> PersonInput | None:
    """Return the matching input of ``role`` in ``entry`` from its values as written."""
    register = entry.register_type
    values = entry.values

    def value(role_: str, suffix: str) -> str:
        for spec_role in register.persons:
            if spec_role.value != role_:
                continue
            for field in register.fields_for(spec_role):
                if field.name.endswith(suffix) and not field.name.endswith(suffix + "BangChu"):
                    return str(values.get(field.name) or "")
        return ""

    name = value(role, "HoTen")
    if not name:
        return None
    father_role, mother_role = PARENT_ROLES.get(role, ("", ""))
    return PersonInput(
        full_name=name,
        birth_date=value(role, "NgaySinh") or None,
        sex=value(role, "GioiTinh"),
        birth_place=value(role, "NoiSinh"),
        hometown=value(role, "QueQuan"),
        ethnicity=value(role, "DanToc"),
        father_name=value(father_role, "HoTen") if father_role else "",
        mother_name=value(mother_role, "HoTen") if mother_role else "",
    )


def _candidates_json(decision: Decision, limit: int = 5) -> list[dict[str, Any]]:
    return [
        {
            "personal_id": c.personal_id,
            "probability": round(c.probability, 6),
            "weight": round(c.weight, 3),
        }
        for c in decision.candidates[:limit]
    ]


@transaction.atomic
def match_result_record(
    *, person: Any, decision: Decision, path: str, model_version: int, user: Any = None
) -> MatchResult:
    """Store the outcome for an entry's person; link the citizen when one was identified."""
    citizen = (
        Citizen.objects.filter(personal_id=decision.personal_id).first()
        if decision.personal_id
        else None
    )
    result, _ = MatchResult.objects.update_or_create(
        person=person,
        defaults={
            "outcome": decision.outcome,
            "personal_id": decision.personal_id or "",
            "citizen": citizen,
            "score": decision.score,
            "fields": list(decision.fields),
            "candidates": _candidates_json(decision),
            "model_version": model_version,
            "path": path,
            "decided_by": user,
        },
    )
    if person.citizen_id != (citizen.pk if citizen else None):
        person.citizen = citizen
        person.save(update_fields=["citizen"])
    return result


def book_reconcile(*, book: Any, user: Any = None, backend: Backend = "duckdb") -> dict[str, int]:
    """Reconcile every person of every entry of ``book`` in batch; return counts per outcome.

    Results an officer decided (path "officer") are kept.
    """
    from hotich.registers.models import EntryPerson

    model = active_model()
    people = []
    by_uid = {}
    persons = (
        EntryPerson.objects.filter(entry__book=book)
        .exclude(role__in=SKIPPED_ROLES)
        .exclude(match__path=MatchResult.Path.OFFICER)
        .select_related("entry__book")
    )
    for person in persons:
        person_input = entry_person_input(person.entry, person.role)
        if person_input is None:
            continue
        uid = str(person.pk)
        people.append((uid, person_input))
        by_uid[uid] = person
    decisions = reconcile_people(people, backend=backend, model=model)
    counts = dict.fromkeys(MatchResult.Outcome.values, 0)
    for uid, decision in decisions.items():
        match_result_record(
            person=by_uid[uid],
            decision=decision,
            path=MatchResult.Path.BATCH,
            model_version=model.version,
            user=user,
        )
        counts[decision.outcome] += 1
    audit_record(
        user=user,
        action=AuditEvent.Action.UPDATE,
        obj=book,
        changes={"đối chiếu CSDL dân cư": [None, counts]},
    )
    return counts
