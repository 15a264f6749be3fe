"""The model's conditions mean the same in SQL (DuckDB, what Splink runs) and in Python."""

import math

import duckdb
import pandas as pd
import pytest

from hotich.matching.engine.batch import features_frame
from hotich.matching.engine.features import FEATURE_COLUMNS, PersonInput, person_features
from hotich.matching.engine.model import COMPARISON_BY_KEY, COMPARISONS, splink_settings
from hotich.matching.engine.modelfile import DEFAULT_MODEL, load_model_file

PLACE = "Xã Đông Văn, Huyện Đông Sơn, Tỉnh Thanh Hóa"
BASE = PersonInput(
    "Nguyễn Văn Hùng", "15/08/1985", "Nam", PLACE, "", "Kinh", "Nguyễn Văn Bình", "Lê Thị Hoa"
)


def variant(**changes) -> PersonInput:
    values = {f: getattr(BASE, f) for f in BASE.__dataclass_fields__}
    values.update(changes)
    return PersonInput(**values)


PAIRS = [
    # (comparison, other person, expected level)
    ("fam", variant(full_name="NGUYỄN VĂN HÙNG"), "exact"),
    ("fam", variant(full_name="Nguyen Van Hung"), "folded"),
    ("giv", variant(full_name="Nguyễn Văn Húng"), "untoned"),  # only the tone differs
    ("giv", variant(full_name="Nguyễn Văn Hung"), "untoned"),
    ("giv", variant(full_name="Nguyễn Văn Hưng"), "folded"),  # ư is another vowel
    ("fam", variant(full_name="Nguyễm Văn Hùng"), "fuzzy"),
    ("fam", variant(full_name="Trần Văn Hùng"), "else"),
    # Family and given name written in the other order: the same letters (FEBRL's swaps).
    ("fam", variant(full_name="Hùng Văn Nguyễn"), "folded"),
    ("giv", variant(full_name="Hùng Văn Nguyễn"), "folded"),
    ("giv", variant(full_name="Hùng Văn Trần"), "else"),
    # A lone word that is the other side's family name: the given name is unknown.
    ("giv", variant(full_name="Nguyễn"), "null"),
    ("giv", variant(full_name="Hùng"), "exact"),
    ("fam", variant(full_name=""), "null"),
    ("mid", variant(full_name="Nguyễn Hùng"), "markers"),
    ("mid", variant(full_name="Nguyễn Văn Hùng"), "exact"),
    ("bd", variant(birth_date="1985-08-15"), "exact"),
    ("bd", variant(birth_date="15/08/1895"), "else"),
    ("bd", variant(birth_date="31/02/1985"), "null"),  # impossible date: unknown, not a guess
    ("bd", variant(birth_date="1985"), "partial"),
    ("bd", variant(birth_date="08/1985"), "partial"),
    ("bd", variant(birth_date="07/1985"), "year"),
    ("bd", variant(birth_date="16/08/1985"), "year"),
    ("bd", variant(birth_date="15/08/1986"), "year1"),
    ("bd", variant(birth_date="15/08/1990"), "else"),
    ("bd", variant(birth_date=None), "null"),
    ("sex", variant(sex="Nữ"), "else"),
    ("sex", variant(sex=""), "null"),
    ("bp", variant(birth_place="Đông Văn, Đông Sơn, Thanh Hóa"), "unit"),
    ("bp", variant(birth_place="Tỉnh Thanh Hóa"), "province"),
    ("bp", variant(birth_place=""), "null"),
    ("fa", variant(father_name="NGUYEN VAN BINH"), "exact"),
    ("fa", variant(father_name="Nguyễn Văn Bính"), "exact"),
    ("fa", variant(father_name="Nguyễn Văn Bìng"), "fuzzy"),
    ("fa", variant(father_name="Nguyễn Bình"), "given"),
    ("fa", variant(father_name="Trần Hữu Bình"), "given"),
    ("mo", variant(mother_name=""), "null"),
    ("eth", variant(ethnicity="Mường"), "else"),
]


def test_swapped_day_and_month_level():
    left = person_features(variant(birth_date="05/08/1985"))
    right = person_features(variant(birth_date="08/05/1985"))
    assert (
        COMPARISON_BY_KEY["bd"].levels[COMPARISON_BY_KEY["bd"].level_index(left, right)].key
        == "swapped"
    )


def test_regional_family_variants_level():
    left = person_features(variant(full_name="Huỳnh Văn Hùng"))
    right = person_features(variant(full_name="Hoàng Văn Hùng"))
    fam = COMPARISON_BY_KEY["fam"]
    assert fam.levels[fam.level_index(left, right)].key == "variant"


@pytest.mark.parametrize(("key", "other", "expected"), PAIRS)
def test_python_levels(key, other, expected):
    comparison = COMPARISON_BY_KEY[key]
    index = comparison.level_index(person_features(BASE), person_features(other))
    assert comparison.levels[index].key == expected


def test_sql_and_python_levels_agree_on_duckdb():
    """Every level of every comparison, on tricky pairs with NULLs, in DuckDB and Python."""
    people = [BASE] + [other for _, other, _ in PAIRS] + [PersonInput()]
    rows = [person_features(p) for p in people]
    frame = features_frame(rows, [str(i) for i in range(len(rows))])
    con = duckdb.connect()
    con.register("f", frame)
    cases = ", ".join(
        "CASE "
        + " ".join(
            f"WHEN {lv.cond.sql()} THEN {i}" for i, lv in enumerate(c.levels) if lv.cond is not None
        )
        + f" ELSE {len(c.levels) - 1} END AS g_{c.key}"
        for c in COMPARISONS
    )
    columns = ", ".join(
        f'{side}."{col}" AS "{col}_{side}"' for side in "lr" for col in ("uid", *FEATURE_COLUMNS)
    )
    sql = (
        f"WITH p AS (SELECT {columns} FROM f l CROSS JOIN f r) SELECT uid_l, uid_r, {cases} FROM p"
    )
    result = con.execute(sql).df()
    assert len(result) == len(rows) ** 2
    for row in result.itertuples(index=False):
        left, right = rows[int(row.uid_l)], rows[int(row.uid_r)]
        for comparison in COMPARISONS:
            assert getattr(row, f"g_{comparison.key}") == comparison.level_index(left, right), (
                comparison.key,
                row.uid_l,
                row.uid_r,
            )


def test_splink_settings_carry_the_trained_parameters():
    model = load_model_file(DEFAULT_MODEL)
    settings = splink_settings(model.parameters)
    assert settings["probability_two_random_records_match"] == model.parameters.lam
    given = next(c for c in settings["comparisons"] if c["output_column_name"] == "giv")
    exact = given["comparison_levels"][1]
    assert exact["tf_adjustment_column"] == "giv_n"
    assert exact["m_probability"] == model.parameters.mu["giv"][1][0]
    assert [b["blocking_rule"] for b in settings["blocking_rules_to_generate_predictions"]] == [
        f"l.bk{i} = r.bk{i}" for i in range(1, 17)
    ]


def test_score_explains_every_field_and_rare_names_weigh_more():
    model = load_model_file(DEFAULT_MODEL)
    common = person_features(variant(full_name="Nguyễn Văn Hùng"))
    rare = person_features(variant(full_name="Nguyễn Văn Khuê"))
    score_common = model.score(common, common)
    score_rare = model.score(rare, rare)
    assert [f.key for f in score_common.fields] == [c.key for c in COMPARISONS]
    given = {f.key: f for f in score_common.fields}["giv"]
    assert given.level == "exact" and given.agrees and given.weight > 0
    assert score_rare.weight > score_common.weight  # term-frequency adjustment
    assert score_common.probability > 0.99
    other = person_features(PersonInput("Trần Thị Mai", "1990", "Nữ", "", "", "Kinh", "", ""))
    assert model.score(common, other).probability < 0.001


def test_features_keep_nothing_of_damaged_text():
    tcvn3 = person_features(variant(full_name="NguyÔn V¨n Hïng"))
    assert tcvn3["fam_n"] == "nguyễn" and tcvn3["giv_n"] == "hùng"
    assert pd.isna(person_features(PersonInput())["bk1"])


def test_names_the_training_registry_never_had_weigh_alike_in_splink_and_python():
    """A name absent from the model's frequencies is at least as rare as its rarest one, in
    both paths (Splink gets the same frequency through batch.tf_lookup)."""
    from hotich.matching.engine.batch import scored_pairs
    from hotich.matching.engine.model import tf_floor

    model = load_model_file(DEFAULT_MODEL)
    people = [
        PersonInput("zilm brianna", "1947-10-01", "", "deer park"),
        PersonInput("pringle samara", "1956-04-29", "", "campbelltown"),
        PersonInput("graue william", "1930-11-27", "", "kurri kurri"),
        PersonInput("Nguyễn Văn Hùng", "15/08/1985", "Nam", PLACE),
    ]
    written = [
        PersonInput("zilm brianna", "1947-10-01", "", "deer park"),
        PersonInput("samara pringle", "1956-04-29", "", "campbelltown"),
        PersonInput("graue", "1930-11-27", "", "kurri kurri"),
        PersonInput("NGUYEN VAN HUNG", "15/08/1985", "Nam", PLACE),
    ]
    registry = features_frame([person_features(p) for p in people], ["a", "b", "c", "d"])
    records = features_frame([person_features(p) for p in written], ["1", "2", "3", "4"])
    pairs = scored_pairs(model, records, registry)
    by_pair = {(r, c): w for r, c, w, _p in pairs.itertuples(index=False)}
    for rid, cid in (("1", "a"), ("2", "b"), ("3", "c"), ("4", "d")):
        left = person_features(written[int(rid) - 1])
        right = person_features(people[ord(cid) - ord("a")])
        assert by_pair[(rid, cid)] == pytest.approx(model.weight(left, right), abs=1e-6)
    assert "zilm" not in model.parameters.tf["fam_n"]
    table = model.parameters.tf["fam_n"]
    exact = model.parameters.mu["fam"][1]
    assert exact is not None
    fam = model.score(person_features(written[0]), person_features(people[0])).fields[0]
    assert fam.weight == pytest.approx(
        math.log2(exact[0]) - math.log2(tf_floor(table) or 1.0), abs=1e-9
    )
