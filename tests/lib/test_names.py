"""Vietnamese personal names: parsing, keys, sex markers and frequency data."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotich.lib.names import (
    COMMON_FAMILY_NAMES,
    COMMON_GIVEN_NAMES_FEMALE,
    COMMON_GIVEN_NAMES_MALE,
    COMMON_MIDDLE_NAMES_FEMALE,
    COMMON_MIDDLE_NAMES_MALE,
    ParsedName,
    family_name_key,
    is_common_family_name,
    parse_name,
    random_full_name,
    sex_marker,
)
from hotich.lib.text import is_vietnamese_syllable


@pytest.mark.parametrize(
    ("full", "family", "middle", "given"),
    [
        ("Nguyễn Văn An", "Nguyễn", "Văn", "An"),
        ("Nguyễn Thị Minh Khai", "Nguyễn", "Thị Minh", "Khai"),
        ("Lê Lợi", "Lê", "", "Lợi"),
        ("Lê Văn", "Lê", "", "Văn"),
        ("NGUYỄN THỊ PHƯỢNG", "Nguyễn", "Thị", "Phượng"),
        ("  nguyen   van  an ", "nguyen", "van", "an"),
        ("Tôn Thất Thuyết", "Tôn Thất", "", "Thuyết"),
        ("TON THAT THUYET", "Ton That", "", "Thuyet"),
        ("Tôn Nữ Thị Hà", "Tôn Nữ", "Thị", "Hà"),
        ("Công Tằng Tôn Nữ Thị Xuân", "Công Tằng Tôn Nữ", "Thị", "Xuân"),
        ("Âu Dương Lân", "Âu Dương", "", "Lân"),
        ("Hoàng Phủ Ngọc Tường", "Hoàng Phủ", "Ngọc", "Tường"),
        ("Nguyễn Phúc Vĩnh San", "Nguyễn Phúc", "Vĩnh", "San"),
        ("Nguyễn Phúc Thịnh", "Nguyễn", "Phúc", "Thịnh"),
        ("Tôn Thất", "Tôn", "", "Thất"),
        ("Tôn Đức Thắng", "Tôn", "Đức", "Thắng"),
        ("Mai", "", "", "Mai"),
        ("", "", "", ""),
    ],
)
def test_it_splits_family_middle_and_given_name(
    full: str, family: str, middle: str, given: str
) -> None:
    assert parse_name(full) == ParsedName(family, middle, given, full)


@pytest.mark.parametrize(
    ("full", "expected"),
    [
        ("Nguyễn Thị Mai", "female"),
        ("NGUYỄN THỊ MAI", "female"),
        ("Nguyen Thi Mai", "female"),
        ("Trần Văn Nam", "male"),
        ("tran van nam", "male"),
        ("Nguyễn Vân Anh", None),  # Vân is a name, not the marker Văn
        ("Nguyễn Thi Hương", None),  # written with diacritics, so Thi is not Thị
        ("Lê Văn", None),  # Văn as a given name
        ("Lê Thị", None),
        ("Nguyễn Ngọc Thị", None),
        ("Nguyễn Thị Ngọc Anh", "female"),
        ("Tôn Nữ Minh Châu", "female"),
        ("Tôn Thất Tùng", "male"),
        ("Lê Lợi", None),
    ],
)
def test_it_reads_the_traditional_sex_marker(full: str, expected: str | None) -> None:
    assert sex_marker(parse_name(full)) == expected


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Huỳnh", "Hoàng", True),
        ("HUYNH", "hoàng", True),
        ("Võ", "Vũ", True),
        ("Vo", "VŨ", True),
        ("Nguyễn Phước", "Nguyễn Phúc", True),
        ("Lý", "Lí", True),
        ("Trần", "Trương", False),
        ("Phan", "Phạm", False),
    ],
)
def test_regional_variants_of_a_family_name_share_a_key(a: str, b: str, same: bool) -> None:
    assert (family_name_key(a) == family_name_key(b)) is same


@pytest.mark.parametrize(
    ("family", "common"), [("Nguyễn", True), ("NGUYEN", True), ("Đặng", True), ("Smith", False)]
)
def test_it_knows_the_common_family_names(family: str, common: bool) -> None:
    assert is_common_family_name(family) is common


def test_family_name_shares_follow_the_national_figures() -> None:
    shares = dict(COMMON_FAMILY_NAMES)
    assert len(shares) >= 100
    assert 0.95 <= sum(shares.values()) <= 1.0
    assert max(shares, key=shares.__getitem__) == "Nguyễn"
    assert 0.35 < shares["Nguyễn"] < 0.40
    top14 = sorted(shares.values(), reverse=True)[:14]
    assert 0.85 < sum(top14) < 0.92


@pytest.mark.parametrize(
    "rows",
    [
        COMMON_MIDDLE_NAMES_MALE,
        COMMON_MIDDLE_NAMES_FEMALE,
        COMMON_GIVEN_NAMES_MALE,
        COMMON_GIVEN_NAMES_FEMALE,
    ],
)
def test_name_lists_are_long_weighted_and_well_formed(rows: list[tuple[str, float]]) -> None:
    names = [name for name, _ in rows]
    assert len(names) >= 80
    assert len(set(names)) == len(names)
    assert sum(weight for _, weight in rows) == pytest.approx(1.0)
    assert all(is_vietnamese_syllable(w) for name in names for w in name.split())


def test_the_markers_dominate_the_middle_names() -> None:
    assert COMMON_MIDDLE_NAMES_MALE[0][0] == "Văn"
    assert COMMON_MIDDLE_NAMES_FEMALE[0][0] == "Thị"


@given(seed=st.integers(min_value=0), sex=st.sampled_from(["male", "female"]))
def test_generated_names_parse_back_to_a_known_family_name(seed: int, sex: str) -> None:
    name = random_full_name(random.Random(seed), sex)  # type: ignore[arg-type]
    parsed = parse_name(name)
    assert parsed.given
    assert is_common_family_name(parsed.family) or is_common_family_name(
        f"{parsed.family} {parsed.middle}".split()[0]
    )
