"""The loader's blocking keys and stored features are exactly the matching engine's."""

from hotich.demo.population import synth_people
from hotich.lib.legacy import from_unicode
from hotich.matching.engine.features import (
    PersonInput,
    decode_features,
    match_columns,
    person_features,
)
from hotich.registry.rows import CONTRACT_COLUMNS, DB_COLUMNS, MATCH_COLUMNS, prepare_chunk

COLUMNS = [*CONTRACT_COLUMNS, "death_date"]


def noisy(person: dict[str, str], i: int) -> dict[str, str]:
    """Return PERSON with some of the damage real extracts carry (the loader repairs it)."""
    person = dict(person)
    if i % 7 == 1:
        person["full_name"] = person["full_name"].upper()
    if i % 11 == 2:
        person["full_name"] = from_unicode(person["full_name"], "tcvn3")
    if i % 5 == 3 and len(person["birth_date"]) == 10:
        year, month, day = person["birth_date"].split("-")
        person["birth_date"] = f"{day}/{month}/{year}" if i % 2 else f"{year}-{month}"
    if i % 13 == 4:
        person["mother_name"] = person["mother_name"].lower()
    if i % 19 == 6:
        person["mother_name"] = from_unicode(person["mother_name"], "vni")
    if i % 23 == 7:
        try:
            person["full_name"] = from_unicode(person["full_name"], "viscii")
        except ValueError:  # a letter VISCII cannot write
            pass
    if i % 17 == 5:
        person["full_name"] = "  " + person["full_name"].replace(" ", "  ") + " "
    return person


def test_loader_keys_and_features_equal_the_engines_on_synthetic_people():
    people = [
        noisy(p, i) for i, p in enumerate(synth_people(count=4_000, province_code="38", seed=7))
    ]
    rows = [tuple(p.get(c, "") for c in COLUMNS) for p in people]
    prepared = prepare_chunk(rows, list(range(2, len(rows) + 2)), COLUMNS, {})

    assert len(prepared.values) == len(rows) >= 4_000
    position = {name: DB_COLUMNS.index(name) for name in DB_COLUMNS}
    compared = with_keys = 0
    for values, raw in zip(prepared.values, people, strict=True):
        stored = {name: values[position[name]] for name in DB_COLUMNS}
        # What the lookup derives for a record written like the extract's row, and what it
        # derives from the stored citizen when its stored features are missing.
        from_row = match_columns(PersonInput.from_row(raw))
        from_citizen = match_columns(
            PersonInput(
                full_name=stored["full_name"],
                birth_date=stored["birth_date"],
                sex=stored["sex"] if stored["sex"] != "3" else "",
                birth_place=stored["birthplace"],
                hometown=stored["hometown"],
                ethnicity=stored["ethnicity"],
                father_name=stored["father_name"],
                mother_name=stored["mother_name"],
            )
        )
        loaded = tuple(stored[k] for k in MATCH_COLUMNS)
        assert loaded == tuple(from_row[k] for k in MATCH_COLUMNS), stored["personal_id"]
        assert loaded == tuple(from_citizen[k] for k in MATCH_COLUMNS), stored["personal_id"]
        compared += 1
        with_keys += all(stored[k] for k in ("bk1", "bk3", "bk6"))
    assert compared == len(rows)
    assert with_keys > 1_000  # full dates and mothers' names: every key is exercised


def test_stored_features_decode_to_the_feature_row():
    person = PersonInput(
        full_name="Nguyễn Văn Hùng",
        birth_date="12/03/1985",
        sex="Nam",
        birth_place="Xã Đông Văn, Huyện Đông Sơn, Tỉnh Thanh Hóa",
        mother_name="Lê Thị Cúc",
        ethnicity="Kinh",
    )
    row = person_features(person)
    decoded = decode_features(match_columns(person)["match_features"])

    assert decoded is not None
    assert dict(zip(row, decoded, strict=False)) == {k: row[k] for k in list(row)[: len(decoded)]}
    assert decoded[list(row).index("byr")] == 1985
    assert decoded[list(row).index("giv_n")] == "hùng"
    # Another version of the features, or none, is not used.
    assert decode_features(None) is None
    assert decode_features('[0, "x"]') is None
