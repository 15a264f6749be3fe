"""Candidate retrieval survives the book's damage: each loose key finds the registered person
when the first six keys cannot, common blocks are capped alike in both paths."""

import orjson
import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from hotich.lib.dates import PartialDate
from hotich.matching.engine.batch import capped_blocks, features_frame, reconcile
from hotich.matching.engine.features import (
    BLOCK_CAP,
    BLOCKING_KEYS,
    FEATURES_VERSION,
    LOOSE_KEYS,
    PersonInput,
    match_columns,
    person_compared,
    person_features,
)
from hotich.matching.services import (
    BASE_KEYS,
    CITIZEN_FIELDS,
    active_model,
    candidate_search,
    lookup,
    lookup_before_new_id,
    one_record_sql,
    reconcile_people,
)
from hotich.registry.models import Citizen
from hotich.registry.services import citizens_refeature

PLACE = "Xã Đông Văn, Huyện Đông Sơn, Tỉnh Thanh Hóa"
REGISTERED = PersonInput(
    full_name="Vũ Bảo Khánh",
    birth_date="2009-10-05",
    sex="2",
    birth_place=PLACE,
    ethnicity="Kinh",
    father_name="Vũ Văn Bình",
    mother_name="Lê Thị Cúc",
)
PID = "038309000123"


def citizen_of(person: PersonInput, personal_id: str) -> Citizen:
    date = person_features(person)
    return Citizen(
        personal_id=personal_id,
        full_name=person.full_name,
        name_key=person.full_name.lower(),
        birth_date=PartialDate.from_iso(date["bd"]) if date["bd"] else None,
        birth_year=date["byr"],
        sex=person.sex or "3",
        birthplace=person.birth_place,
        ethnicity=person.ethnicity,
        father_name=person.father_name,
        mother_name=person.mother_name,
        **match_columns(person),
    )


@pytest.fixture
def registered(db):
    # A few neighbours, so that the person is not alone in the registry.
    others = [
        PersonInput(full_name="Vũ Bảo Ngọc", birth_date="2011-03-02", sex="2", birth_place=PLACE),
        PersonInput(full_name="Lê Văn Khánh", birth_date="1980-10-05", sex="1"),
    ]
    Citizen.objects.bulk_create(
        [citizen_of(REGISTERED, PID)]
        + [citizen_of(p, f"03830900{n:04d}") for n, p in enumerate(others)]
    )
    return PID


# Each key, the damage it survives: a book record that shares that key with the registered
# person and none of the first six (so without it the person would get a second ID).
DAMAGE = {
    "bk7": PersonInput(full_name="Vũ Bảo Khính", birth_date="10/2009", sex="Nữ"),  # a vowel
    "bk8": PersonInput(
        full_name="Vũ Bảo Hạnh", birth_date="2009", mother_name="Lê Thị Cúc"
    ),  # the given name miskeyed, the date year only, the mother written
    "bk9": PersonInput(full_name="Bũ Bảo Khánh", birth_date="10/05/2009"),  # day ⇄ month
    "bk10": PersonInput(full_name="Bũ Bảo Khánh", birth_date="2009", birth_place=PLACE),
    "bk11": PersonInput(full_name="Vũ Bảo Hạnh", birth_date="2009", birth_place=PLACE),
    # The date missing; the names written given name first; both names damaged.
    "bk14": PersonInput(full_name="Vũ Bảo Khánh", sex="Nữ", birth_place=PLACE),
    "bk15": PersonInput(
        full_name="Khánh Bảo Vũ",
        birth_date="2009",
        sex="Nữ",
        birth_place=PLACE,
        father_name="Vũ Văn Bình",
    ),
    "bk16": PersonInput(
        full_name="Bũ Bảo Hạnh",
        birth_date="05/10/2009",
        sex="Nữ",
        birth_place=PLACE,
        father_name="Vũ Văn Bình",
    ),
    # A year one off (the other facts agree, none of them a key).
    "bk12": PersonInput(
        full_name="Vũ Bảo Khánh", birth_date="2008", sex="Nữ", father_name="Vũ Văn Bình"
    ),
    "bk13": PersonInput(
        full_name="Vũ Bảo Khánh", birth_date="2010", sex="Nữ", father_name="Vũ Văn Bình"
    ),
}


def test_every_loose_key_has_its_damage_case():
    assert set(DAMAGE) == set(LOOSE_KEYS)


@pytest.mark.parametrize("key", LOOSE_KEYS)
def test_a_loose_key_finds_the_person_despite_its_damage(registered, key):
    damaged = DAMAGE[key]
    record, citizen = person_features(damaged), person_features(REGISTERED)
    shared = {k for k in BLOCKING_KEYS if record[k] and record[k] == citizen[k]}
    assert key in shared and not shared & set(BASE_KEYS), shared
    found = candidate_search([record]).found
    assert registered in {pid for pid, _ in found.values()}
    # Both paths see the person and decide alike.
    interactive = lookup(damaged)
    assert registered in {c.citizen.personal_id for c in interactive.candidates}
    batch = reconcile_people([("r", damaged)])["r"]
    assert (batch.outcome, batch.personal_id) == (
        interactive.decision.outcome,
        interactive.decision.personal_id,
    )
    # And nobody would issue a second personal ID: the person is found, or shown to an officer.
    assert lookup_before_new_id(damaged).decision.outcome != "not_found"


def _crowd(n: int) -> list[Citizen]:
    """N other children of "Lê Thị Cúc" born in 2009 (one bk8 block), each another name."""
    given = ["An", "Bình", "Chi", "Dung", "Giang", "Hà", "Lan", "Mai", "Nga", "Oanh"]
    out = []
    for i in range(n):
        person = PersonInput(
            full_name=f"Trần Thị {given[i % 10]} {given[(i // 10) % 10]} {given[(i // 100) % 10]}",
            birth_date="2009",
            mother_name="Lê Thị Cúc",
        )
        out.append(citizen_of(person, f"0383090{i + 10_000:05d}"))
    return out


@pytest.mark.parametrize(("others", "found"), [(BLOCK_CAP - 1, True), (BLOCK_CAP, False)])
def test_a_common_block_is_capped_in_both_paths(registered, others, found):
    # The registered person plus OTHERS in the bk8 block: at the cap it is read, above not.
    Citizen.objects.bulk_create(_crowd(others), batch_size=500)
    damaged = DAMAGE["bk8"]
    value = person_features(damaged)["bk8"]
    assert Citizen.objects.filter(bk8=value).count() == others + 1
    search = candidate_search([person_features(damaged)])
    assert (PID in {pid for pid, _ in search.found.values()}) is found
    assert (search.capped.get("bk8") == {value}) is not found
    interactive = lookup(damaged)
    assert (PID in {c.citizen.personal_id for c in interactive.candidates}) is found
    # The batch path against the application's registry, and against the whole registry as
    # a file (``hotich match``: blocks counted in the frame), give the same outcome.
    batch = reconcile_people([("r", damaged)])["r"]
    everyone = list(Citizen.objects.all())
    frame = features_frame(
        [person_features(PersonInput.from_citizen(c)) for c in everyone],
        [c.personal_id for c in everyone],
    )
    assert capped_blocks(frame)["bk8"] == (set() if found else {value})
    records = features_frame([person_features(damaged)], ["r"])
    as_file = reconcile(active_model(), records, frame).decisions["r"]
    expected = (interactive.decision.outcome, interactive.decision.personal_id)
    assert (batch.outcome, batch.personal_id) == expected
    assert (as_file.outcome, as_file.personal_id) == expected


def test_a_lookup_reads_at_most_the_cap_of_a_common_block(
    registered, django_assert_max_num_queries
):
    Citizen.objects.bulk_create(_crowd(BLOCK_CAP + 50), batch_size=500)
    record = person_features(DAMAGE["bk8"])
    # One statement: the loose blocks' sizes and the candidates, never the capped block.
    with django_assert_max_num_queries(1):
        search = candidate_search([record])
    assert len(search.found) <= BLOCK_CAP
    assert search.capped == {"bk8": {record["bk8"]}}


def test_the_one_statement_of_a_lookup_reads_indexes_never_the_table(registered):
    record = person_features(DAMAGE["bk8"])
    base = [k for k in BASE_KEYS if record[k]]
    loose = [k for k in LOOSE_KEYS if record[k]]
    assert base and loose
    sql = one_record_sql(base, loose, BLOCK_CAP)
    params = [record[k] for k in (*loose, *base, *loose)]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " ".join(str(row) for row in cursor.fetchall())
            # The counts from the key indexes alone, the candidates through the key indexes.
            assert plan.count("COVERING INDEX") >= len(loose), plan
            assert "SCAN registry_citizen" not in plan.replace("USING COVERING INDEX", ""), plan
        else:
            cursor.execute("SET enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = " ".join(row[0] for row in cursor.fetchall())
            assert "Index" in plan and "Seq Scan" not in plan, plan
            # One bitmap of every key: each citizen read once, however many keys it shares.
            assert plan.count("BitmapOr") == 1, plan
            assert plan.count("Bitmap Index Scan") == len(base) + len(loose), plan


def test_a_lookup_is_one_statement_and_shows_the_citizens_as_stored(
    registered, django_assert_num_queries
):
    # The citizens shown come from the candidates' statement, not from a second query.
    with django_assert_num_queries(1):
        result = lookup(REGISTERED)
    shown = result.candidates[0].citizen
    assert shown.personal_id == registered
    stored = Citizen.objects.only(*CITIZEN_FIELDS).get(pk=shown.pk)
    assert {f: getattr(shown, f) for f in CITIZEN_FIELDS} == {
        f: getattr(stored, f) for f in CITIZEN_FIELDS
    }
    assert isinstance(shown.birth_date, PartialDate)
    assert shown.get_deferred_fields() == stored.get_deferred_fields()


BEFORE = [("registry", "0005_key_indexes_byte_order")]


@pytest.mark.django_db(transaction=True)
def test_migration_0006_recomputes_the_stored_features_and_keys():
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("registry", "Citizen")
    compared = person_compared(REGISTERED)
    columns = match_columns(REGISTERED)
    old.objects.create(
        personal_id=PID,
        full_name=REGISTERED.full_name,
        name_key="vu bao khanh",
        sex="2",
        **{k: columns[k] for k in BLOCKING_KEYS if k not in LOOSE_KEYS},
        match_features=orjson.dumps((1, *compared)).decode(),  # as version 1 stored them
    )
    old.objects.create(
        personal_id="038309000999",
        full_name="Vũ Bảo Ngọc",
        name_key="x",
        sex="2",
        birth_date=PartialDate.from_iso("2011-03-02"),
        birth_year=2011,
    )

    executor = MigrationExecutor(connection)
    executor.migrate(leaves)

    moved = Citizen.objects.get(personal_id=PID)
    assert {k: getattr(moved, k) for k in BLOCKING_KEYS} == {k: columns[k] for k in BLOCKING_KEYS}
    assert moved.match_features == columns["match_features"]
    assert moved.match_features.startswith(f"[{FEATURES_VERSION},")
    # The citizen stored without features is left to the command, which fills its keys.
    assert Citizen.objects.get(personal_id="038309000999").bk7 is None
    assert citizens_refeature() == 1
    assert Citizen.objects.get(personal_id="038309000999").bk7 is not None
    assert lookup(DAMAGE["bk7"]).candidates[0].citizen.personal_id == PID
