"""The matching engine inside the application: active model, lookup, batch scoring of people
against the registry (recording the outcomes is hotich.reconciliation's).

Candidates always come from the registry's indexed blocking-key columns (bk1…bk16): the
interactive lookup asks for one record's keys, the batch path for many records' keys in
chunks. Both then score with the same model and call the same ``decide``.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

import orjson
from django.conf import settings
from django.core import signing
from django.db import connection
from django.db.models import Count, Q

from hotich.matching.engine.batch import REPORT_FLOOR, Backend, features_frame, reconcile
from hotich.matching.engine.decide import (
    REASONS,
    Candidate,
    Decision,
    Outcome,
    Thresholds,
    decide,
)
from hotich.matching.engine.features import (
    BLOCK_CAP,
    BLOCKING_KEYS,
    CITIZEN_INPUT_FIELDS,
    FEATURES_VERSION,
    LOOSE_KEYS,
    PersonInput,
    decode_features,
    features_row,
    person_compared,
    person_features,
)
from hotich.matching.engine.model import MatchModel, Score, as_vector, probability_from_weight
from hotich.matching.engine.modelfile import active_model_path, load_model_file
from hotich.registers.people import Person, entry_person
from hotich.registers.spec import Fact
from hotich.registry.models import Citizen

_lock = threading.Lock()
_cache: dict[str, Any] = {}

CITIZEN_FIELDS = ("id", "personal_id", *CITIZEN_INPUT_FIELDS, "match_features")


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


#: The keys read without a cap (the first six), and the loose ones whose blocks are capped.
BASE_KEYS: tuple[str, ...] = tuple(k for k in BLOCKING_KEYS if k not in LOOSE_KEYS)


def _key_values(rows: Iterable[dict[str, Any]], keys: Sequence[str]) -> dict[str, list[str]]:
    values: dict[str, set[str]] = {key: set() for key in keys}
    for row in rows:
        for key in keys:
            if row.get(key):
                values[key].add(row[key])
    return {key: sorted(found) for key, found in values.items() if found}


def _blocking_q(rows: Iterable[dict[str, Any]], keys: Sequence[str] = BASE_KEYS) -> list[Q]:
    """Return OR-able filters on the indexed keys, at most 500 values per IN list."""
    filters = []
    for key, ordered in _key_values(rows, keys).items():
        for start in range(0, len(ordered), 500):
            chunk = ordered[start : start + 500]
            filters.append(Q(**{key: chunk[0]}) if len(chunk) == 1 else Q(**{f"{key}__in": chunk}))
    return filters


def _or_all(filters: Sequence[Q]) -> Q:
    query = filters[0]
    for extra in filters[1:]:
        query |= extra
    return query


def _candidate_filters(rows: Sequence[dict[str, Any]]) -> list[Q]:
    """Return the filters of the uncapped candidates of ``rows``, OR-ed in as few queries as
    sensible."""
    filters = _blocking_q(rows)
    if not filters:
        return []  # no blocking key (a name and a sex only): nobody shares one
    # Few filters (one record): one query with OR; many: one query per filter.
    if len(filters) <= len(BASE_KEYS):
        return [_or_all(filters)]
    return filters


@dataclass
class Candidates:
    """The registry citizens sharing a blocking key with some records: primary key →
    (personal ID, compared features); and per loose key, the values whose block is over the
    cap (not read)."""

    found: dict[int, tuple[str, list[Any]]]
    capped: dict[str, set[str]]
    #: One record with ``columns``: primary key → stored features and the COLUMNS' values.
    values: dict[int, tuple] = field(default_factory=dict)


def one_record_sql(
    base: Sequence[str], loose: Sequence[str], cap: int, columns: Sequence[str] = ()
) -> str:
    """Return the one statement of a lookup's candidates: the citizens sharing one of the
    keys BASE (parameters, in order) or, for each of the keys LOOSE (parameters, in order,
    each given twice: its count, then its value), sharing the key's value if at most ``cap``
    citizens do; and a last row (id NULL) holding the block counts of LOOSE, comma-separated.
    Each row: id, personal_id, match_features and the Citizen COLUMNS.

    Each loose block is counted first (the CTE: bounded index-only counts, a 1,001st citizen
    at most); a key over the cap is compared with NULL, so its index scan finds nothing and
    the block is never read. Everything is OR-ed into one indexed query (PostgreSQL: one
    BitmapOr, each citizen read once however many keys it shares).
    """
    quote = connection.ops.quote_name
    table = quote(Citizen._meta.db_table)
    arms = [f"{quote(key)} = %s" for key in base]
    arms += [
        f"{quote(key)} = (SELECT CASE WHEN n{n} <= {cap:d} THEN %s END FROM counted)"  # noqa: S608
        for n, key in enumerate(loose)
    ]
    read = ", ".join(quote(c) for c in ("id", "personal_id", "match_features", *columns))
    select = f"SELECT {read} FROM {table} WHERE {' OR '.join(arms)}"  # noqa: S608 - identifiers
    if not loose:
        return select
    counts = ", ".join(
        f"(SELECT COUNT(*) FROM (SELECT 1 FROM {table} WHERE {quote(key)} = %s "  # noqa: S608
        f"LIMIT {cap + 1:d}) AS b{n}) AS n{n}"
        for n, key in enumerate(loose)
    )
    listed = " || ',' || ".join(f"CAST(n{n} AS TEXT)" for n in range(len(loose)))
    return (
        f"WITH counted AS (SELECT {counts}) {select} "  # noqa: S608 - identifiers
        f"UNION ALL SELECT NULL, NULL, {listed}{', NULL' * len(columns)} FROM counted"
    )


def _one_record(
    record: dict[str, Any], loose: dict[str, list[str]], cap: int, columns: Sequence[str] = ()
) -> tuple[list[tuple], dict[str, set[str]]]:
    """Return the candidate rows (pk, personal ID, stored features, COLUMNS) of one record
    and its loose values over the cap, in one round trip (:func:`one_record_sql`)."""
    base = [key for key in BASE_KEYS if record.get(key)]
    keys = list(loose)
    if not base and not keys:
        return [], {}
    params = [record[key] for key in base]
    params = [loose[key][0] for key in keys] + params + [loose[key][0] for key in keys]
    with connection.cursor() as cursor:
        cursor.execute(one_record_sql(base, keys, cap, columns), params)
        rows = cursor.fetchall()
    capped: dict[str, set[str]] = {}
    if keys:
        counts = next(row[2] for row in rows if row[0] is None).split(",")
        rows = [row for row in rows if row[0] is not None]
        capped = {key: {loose[key][0]} for key, n in zip(keys, counts, strict=True) if int(n) > cap}
    return rows, capped


def _loose_many(values: dict[str, list[str]], cap: int) -> tuple[list[tuple], dict[str, set[str]]]:
    """Return the rows of the loose blocks of many records and the capped values: per key
    and chunk of values, an indexed count, then the blocks under the cap."""
    rows: list[tuple] = []
    capped: dict[str, set[str]] = {}
    for key, ordered in values.items():
        for start in range(0, len(ordered), 500):
            chunk = ordered[start : start + 500]
            counts = (
                Citizen.objects.filter(**{f"{key}__in": chunk})
                .values_list(key)
                .annotate(n=Count("id"))
                .order_by()
            )
            over = {value for value, n in counts if n > cap}
            if over:
                capped.setdefault(key, set()).update(over)
            wanted = [v for v in chunk if v not in over]
            if wanted:
                rows += Citizen.objects.filter(**{f"{key}__in": wanted}).values_list(
                    "pk", "personal_id", "match_features"
                )
    return rows, capped


def candidate_search(
    rows: Sequence[dict[str, Any]],
    *,
    cap: int = BLOCK_CAP,
    loose: bool = True,
    columns: Sequence[str] = (),
) -> Candidates:
    """Return the registry citizens sharing a blocking key with any of ``rows``.

    Indexed queries only, never a scan of the registry: the first six keys as they are, the
    loose keys (LOOSE_KEYS) only for blocks of at most ``cap`` citizens (the batch path drops
    the same blocks, :func:`hotich.matching.engine.batch.without_capped`). The features are
    the stored ones (Citizen.match_features); a citizen stored without them, or with
    another version, has them derived from its values, so the answer is the same either way.
    ``loose`` False reads the first six keys only (the benchmarks' reference). ``columns``
    (one record only): Citizen columns read with the candidates, in the same statement
    (Candidates.values), so the lookup needs no second query for the citizens it shows.
    """
    found: dict[int, tuple[str, list[Any]]] = {}
    stale: list[int] = []

    def take(pk: int, personal_id: str, stored: Any) -> None:
        if pk in found:
            return
        vector = decode_features(stored)
        if vector is None:
            stale.append(pk)
        else:
            found[pk] = (personal_id, vector)

    values = _key_values(rows, LOOSE_KEYS) if loose else {}
    capped: dict[str, set[str]] = {}
    queries: list[Q] = []
    read: dict[int, tuple] = {}
    if len(rows) == 1:
        # One record (the lookup): one statement, the loose blocks' sizes and the candidates.
        found_rows, capped = _one_record(rows[0], values, cap, columns)
        for pk, personal_id, stored, *extra in found_rows:
            take(pk, personal_id, stored)
            if columns:
                read[pk] = (stored, *extra)
    elif columns:
        raise ValueError("columns: one record only")
    else:
        queries = _candidate_filters(rows)
    for query in queries:
        for pk, personal_id, stored in Citizen.objects.filter(query).values_list(
            "pk", "personal_id", "match_features"
        ):
            take(pk, personal_id, stored)
    if len(rows) > 1 and values:
        extra, capped = _loose_many(values, cap)
        for row in extra:
            take(row[0], row[1], row[2])
    stale = sorted(set(stale))
    for start in range(0, len(stale), 500):
        for citizen in Citizen.objects.filter(pk__in=stale[start : start + 500]).only(
            *CITIZEN_FIELDS
        ):
            found[citizen.pk] = (citizen.personal_id, citizen_compared(citizen))
    return Candidates(found, capped, read)


def candidate_vectors(rows: Sequence[dict[str, Any]]) -> dict[int, tuple[str, list[Any]]]:
    """Return primary key → (personal ID, compared features) of :func:`candidate_search`."""
    return candidate_search(rows).found


def citizen_compared(citizen: Citizen) -> list[Any]:
    """Return the compared features of ``citizen``: those stored, or derived when stale."""
    vector = decode_features(getattr(citizen, "match_features", None))
    if vector is None:
        return list(person_compared(PersonInput.from_citizen(citizen)))
    return vector


def citizen_features(citizen: Citizen) -> dict[str, Any]:
    """Return the feature row of ``citizen`` (keys: FEATURE_COLUMNS)."""
    return features_row(citizen_compared(citizen))


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


def lookup(
    person: PersonInput, *, limit: int = 5, model: MatchModel | None = None, loose: bool = True
) -> LookupResult:
    """The interactive path: the registry's best candidates for one person, and the outcome.

    Every candidate is weighed with the model's fast path; those above REPORT_FLOOR (as the
    batch path keeps them) go to :func:`decide`. Only the ``limit`` shown get their per-field
    score (the Score of their Candidate, and of the LookupCandidate), and a candidate's
    feature row is made when read (:class:`_FeatureRow`: decide reads the best one's): a
    common name keeps a thousand candidates, and both cost more than weighing them.
    ``loose`` False: the first six keys only (:func:`candidate_search`).
    """
    model = model or active_model()
    record = person_features(person)
    left = as_vector(record)
    kept = []
    weigh = model.weigh
    search = candidate_search([record], loose=loose, columns=_SHOWN_READ)
    for pk, (personal_id, vector) in search.found.items():
        weighed = weigh(left, vector)
        probability = probability_from_weight(weighed.weight)
        if probability >= REPORT_FLOOR:
            kept.append((weighed.weight, personal_id, pk, probability, vector, weighed))
    kept.sort(key=lambda item: (-item[0], item[1]))
    scores = [model.explain(item[5]) for item in kept[:limit]]
    decision = decide(
        record,
        [
            Candidate(
                pid,
                probability,
                weight,
                _FeatureRow(vector),
                explanation=scores[n] if n < limit else None,
            )
            for n, (weight, pid, _pk, probability, vector, _w) in enumerate(kept)
        ],
        thresholds(),
        model.known_given_names,
    )
    shown = [
        LookupCandidate(_shown_citizen(item[2], item[1], search.values[item[2]]), score)
        for item, score in zip(kept[:limit], scores, strict=True)
    ]
    return LookupResult(decision, tuple(shown), record, model.version)


#: The Citizen fields a lookup's shown candidates have (CITIZEN_FIELDS, in the model's order),
#: and those of them read with the candidates besides the key, personal ID and features.
_SHOWN_FIELDS = tuple(
    f.attname for f in Citizen._meta.concrete_fields if f.attname in CITIZEN_FIELDS
)
_SHOWN_READ = tuple(f for f in _SHOWN_FIELDS if f not in ("id", "personal_id", "match_features"))


def _shown_citizen(pk: int, personal_id: str, values: tuple) -> Citizen:
    """Return the Citizen (fields CITIZEN_FIELDS, the others deferred) of a lookup's shown
    candidate from its candidate row's values (stored features, :data:`_SHOWN_READ`), as the ORM
    would read it (each field's conversion from the database)."""
    by_name = dict(zip(("match_features", *_SHOWN_READ), values, strict=True))
    by_name.update(id=pk, personal_id=personal_id)
    converted = []
    for name in _SHOWN_FIELDS:
        value = by_name[name]
        convert = getattr(Citizen._meta.get_field(name), "from_db_value", None)
        converted.append(
            convert(value, None, connection) if convert and value is not None else value
        )
    return Citizen.from_db(connection.alias, _SHOWN_FIELDS, converted)


class _FeatureRow(Mapping[str, Any]):
    """The feature row (FEATURE_COLUMNS) of a candidate's compared features, made when first
    read: :func:`decide` reads only the best candidate's."""

    __slots__ = ("_row", "_vector")

    def __init__(self, vector: list[Any]) -> None:
        self._vector = vector
        self._row: dict[str, Any] | None = None

    def _made(self) -> dict[str, Any]:
        if self._row is None:
            self._row = features_row(self._vector)
        return self._row

    def __getitem__(self, key: str) -> Any:
        return self._made()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._made())

    def __len__(self) -> int:
        return len(self._made())


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
    search = candidate_search(rows)
    candidates = search.found.values()
    registry = features_frame(
        [features_row(vector) for _, vector in candidates], [pid for pid, _ in candidates]
    )
    result = reconcile(
        model,
        records,
        registry,
        thresholds=thresholds(),
        backend=backend,
        spark=spark,
        capped=search.capped,
    )
    return result.decisions


# --- people of entries -----------------------------------------------------------------------

# Roles whose people are looked up: everyone named with identifying facts, not the requester.
SKIPPED_ROLES = {"requester"}


def entry_person_input(entry: Any, role: str) -> PersonInput | None:
    """Return the matching input of ``role`` in ``entry`` from its values as written.

    ``entry`` is anything with ``register_type`` and ``values`` (an Entry, or the form's
    values before a save); its people are read by :func:`hotich.registers.people.entry_person`.
    """
    person = entry_person(entry.register_type, entry.values, role)
    return person_input(person) if person is not None else None


def person_input(person: Person) -> PersonInput:
    """Return the matching input of an entry's PERSON: the facts the engine compares."""
    return PersonInput(
        full_name=person.full_name,
        birth_date=person.fact(Fact.BIRTH_DATE) or None,
        sex=person.fact(Fact.SEX),
        birth_place=person.fact(Fact.BIRTHPLACE),
        hometown=person.fact(Fact.HOMETOWN),
        ethnicity=person.fact(Fact.ETHNICITY),
        father_name=person.father_name,
        mother_name=person.mother_name,
    )


# --- the last resort: a new personal ID --------------------------------------------------------

#: How many citizens one loose pass of :func:`new_id_search` may read. Each pass is an indexed
#: range; the cap bounds the commonest names (a given name and a birth year in a province).
WIDE_PASS_LIMIT = 3000


def _prefix(column: str, prefix: str) -> Q:
    """Return the filter "COLUMN starts with PREFIX" in the form the database's index serves:
    ``LIKE 'prefix%'`` on PostgreSQL (the key indexes use ``varchar_pattern_ops``), a range on
    SQLite (whose ``LIKE`` ignores case and so cannot use a plain index)."""
    if connection.vendor == "postgresql":
        return Q(**{f"{column}__startswith": prefix})
    return Q(**{f"{column}__gte": prefix, f"{column}__lt": prefix + "\U0010ffff"})


def _wide_filters(record: dict[str, Any]) -> list[Q]:
    """Return the loose passes of the search before a new personal ID, all indexed.

    Each pass is a prefix of an indexed blocking key (:func:`_prefix`), an index range, never
    a scan of the registry:

    - bk1 ``whole name|`` and bk2 ``family variant|given|``: the same name born any year
      (a year misread, or only an age in the book);
    - bk3 ``given|year``: the same given name and birth year, any family name (Võ/Vũ and
      worse: a family name miskeyed beyond its variants);
    - bk4 ``family|year-month``: the same family name and month of birth, any given name
      (a given name miskeyed);
    - bk3 and bk4 with day and month swapped;
    - bk6 ``whole name|``: the same whole name whatever the mother (the date unknown).
    """
    full_f, fam_v, giv_f = record.get("full_f"), record.get("fam_v"), record.get("giv_f")
    year, month, day = record.get("byr"), record.get("bmon"), record.get("bday")
    passes: list[Q] = []
    if full_f:
        passes += [_prefix("bk1", f"{full_f}|"), _prefix("bk6", f"{full_f}|")]
    if fam_v and giv_f:
        passes.append(_prefix("bk2", f"{fam_v}|{giv_f}|"))
    if giv_f and year:
        passes.append(_prefix("bk3", f"{giv_f}|{year}"))
    if fam_v and year and month:
        passes.append(_prefix("bk4", f"{fam_v}|{year}-{month:02d}"))
    if year and month and day and day <= 12 and day != month:
        swapped = f"{year}-{day:02d}-{month:02d}"
        if giv_f:
            passes.append(Q(bk3=f"{giv_f}|{swapped}"))
        if fam_v:
            passes.append(Q(bk4=f"{fam_v}|{swapped}"))
    return passes


@dataclass(frozen=True)
class NewIdSearch:
    """What the search before a new personal ID found: registry citizens close enough to be
    the person (best first), and how many citizens it weighed."""

    candidates: tuple[LookupCandidate, ...]
    weighed: int

    @property
    def clear(self) -> bool:
        """Return True when nobody in the registry could be the person."""
        return not self.candidates


def new_id_search(
    person: PersonInput, *, limit: int = 5, model: MatchModel | None = None
) -> NewIdSearch:
    """Search the registry once more, wider, before PERSON is given a new personal ID.

    A new ID is the last resort: the interactive and batch paths found nobody above the
    decision floor, but a registered person whose book record is damaged (a family name
    miskeyed, a year misread, day and month swapped) may still be there. The loose passes
    of :func:`_wide_filters` and the usual blocks are weighed with the model; anyone at or
    above ``HOTICH_MATCH_NEAR`` is close enough that an officer must decide. Citizens the
    application itself issued an ID to are in the registry too, so a second book record of
    a person issued an ID an hour ago is found here.
    """
    model = model or active_model()
    record = person_features(person)
    left = as_vector(record)
    near = settings.HOTICH_MATCH_NEAR
    seen: dict[int, tuple[str, list[Any]]] = dict(candidate_vectors([record]))
    for query in _wide_filters(record):
        rows = Citizen.objects.filter(query).values_list("pk", "personal_id", "match_features")
        for pk, personal_id, stored in rows[:WIDE_PASS_LIMIT]:
            if pk in seen:
                continue
            vector = decode_features(stored)
            if vector is None:
                citizen = Citizen.objects.only(*CITIZEN_FIELDS).get(pk=pk)
                vector = citizen_compared(citizen)
            seen[pk] = (personal_id, vector)
    kept = []
    for pk, (personal_id, vector) in seen.items():
        weighed = model.weigh(left, vector)
        if probability_from_weight(weighed.weight) >= near:
            kept.append((pk, personal_id, model.explain(weighed)))
    kept.sort(key=lambda item: (-item[2].weight, item[1]))
    shown = kept[:limit]
    citizens = Citizen.objects.only(*CITIZEN_FIELDS).in_bulk([pk for pk, *_ in shown])
    return NewIdSearch(
        tuple(LookupCandidate(citizens[pk], score) for pk, _pid, score in shown), len(seen)
    )


def lookup_before_new_id(
    person: PersonInput, *, limit: int = 5, model: MatchModel | None = None
) -> LookupResult:
    """Return :func:`lookup` of PERSON, except that "not found" stands only after
    :func:`new_id_search` found nobody: otherwise the outcome is "review", with the near
    citizens as the candidates an officer chooses from."""
    result = lookup(person, limit=limit, model=model)
    if result.decision.outcome != "not_found":
        return result
    search = new_id_search(person, limit=limit, model=model)
    if search.clear:
        return result
    candidates = tuple(
        Candidate(
            c.citizen.personal_id,
            c.score.probability,
            c.score.weight,
            citizen_features(c.citizen),
            explanation=c.score,
        )
        for c in search.candidates
    )
    decision = Decision("review", None, candidates[0].probability, (), candidates, REASONS["near"])
    return LookupResult(decision, search.candidates, result.features, result.model_version)


# --- what the form showed, reused by the save ------------------------------------------------

LOOKUP_TOKEN_SALT = "hotich.matching.lookup"  # noqa: S105 - a signing namespace, not a secret
#: How long the lookup a form showed stands for its save: past this, it is done again.
LOOKUP_TOKEN_MAX_AGE = 3600


def facts_digest(person: PersonInput) -> str:
    """Return a digest of the folded facts the engine compares for PERSON (its feature
    record): two people with the same digest get the same lookup."""
    record = person_features(person)
    return hashlib.sha256(orjson.dumps(record, option=orjson.OPT_SORT_KEYS)).hexdigest()[:32]


def _scored(items: Iterable[tuple[str, float, float]]) -> list[list[Any]]:
    return [[pid, round(p, 9), round(w, 6)] for pid, p, w in items]


def lookup_token(person: PersonInput, result: LookupResult) -> str:
    """Return a signed token of RESULT, the lookup of PERSON the form shows: its outcome
    and candidates, the digest of the facts it was computed on, the model's version and the
    registry features' version. :func:`lookup_from_token` gives the lookup back to the save
    while none of those changed (docs/keying.md, "One lookup per person per save")."""
    decision = result.decision
    payload = {
        "f": facts_digest(person),
        "m": result.model_version,
        "v": FEATURES_VERSION,
        "o": decision.outcome,
        "p": decision.personal_id,
        "s": decision.score,
        "d": list(decision.fields),
        "c": _scored((c.personal_id, c.probability, c.weight) for c in decision.candidates[:5]),
        "k": _scored(
            (c.citizen.personal_id, c.score.probability, c.score.weight) for c in result.candidates
        ),
    }
    return signing.dumps(payload, salt=LOOKUP_TOKEN_SALT, compress=True)


def lookup_from_token(token: str, person: PersonInput) -> LookupResult | None:
    """Return the lookup of PERSON a form showed, from its TOKEN (:func:`lookup_token`), or
    None when it cannot stand: not signed by this server, older than
    LOOKUP_TOKEN_MAX_AGE, computed on other facts, with another model or features version,
    or naming a citizen the registry no longer has. The caller then looks up again.

    Only the candidates' identity and scores come back (what recording an outcome needs:
    :func:`hotich.reconciliation.services.outcome_apply`); the citizens are read by
    personal ID, one query, no blocking or scoring.
    """
    if not token:
        return None
    try:
        payload = signing.loads(token, salt=LOOKUP_TOKEN_SALT, max_age=LOOKUP_TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("v") != FEATURES_VERSION:
        return None
    if payload.get("m") != active_model().version or payload.get("f") != facts_digest(person):
        return None
    outcome = next((o for o in get_args(Outcome) if o == payload.get("o")), None)
    if outcome is None:
        return None
    try:
        shown = [(str(pid), float(p), float(w)) for pid, p, w in payload["k"]]
        ranked = [(str(pid), float(p), float(w)) for pid, p, w in payload["c"]]
        decision_pid = None if payload["p"] is None else str(payload["p"])
        score = None if payload["s"] is None else float(payload["s"])
        fields = tuple(str(f) for f in payload["d"])
    except (KeyError, TypeError, ValueError):
        return None
    wanted = [pid for pid, _p, _w in shown]
    citizens = (
        {
            c.personal_id: c
            for c in Citizen.objects.only(*CITIZEN_FIELDS).filter(personal_id__in=wanted)
        }
        if wanted
        else {}
    )
    if len(citizens) != len(shown):
        return None
    decision = Decision(
        outcome,
        decision_pid,
        score,
        fields,
        tuple(Candidate(pid, p, w, {}) for pid, p, w in ranked),
    )
    return LookupResult(
        decision,
        tuple(LookupCandidate(citizens[pid], Score(w, p, ())) for pid, p, w in shown),
        person_features(person),
        payload["m"],
    )


def issue_lock(person: PersonInput) -> None:
    """Hold, until the transaction ends, the right to issue a new ID to people with
    PERSON's family and given name and birth year.

    Two saves or imports of one person at the same moment would each search, find nobody
    and issue: two identities. Holding this lock around the search and the issue makes the
    second wait for the first to commit, and its search then finds the first's new citizen.
    PostgreSQL: a transaction-scoped advisory lock on the key. SQLite: transactions are
    IMMEDIATE (settings), so writers are already one at a time; nothing to take.
    """
    if connection.vendor != "postgresql":
        return
    record = person_features(person)
    key = f"{record.get('fam_v')}|{record.get('giv_f')}|{record.get('byr')}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [key])
