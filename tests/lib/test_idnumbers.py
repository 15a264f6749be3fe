"""Tests for hotich.lib.idnumbers: personal IDs (số định danh cá nhân) and CMND."""

from __future__ import annotations

import random
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotich.lib.idnumbers import (
    PROVINCE_CODES,
    Cmnd,
    InvalidIdNumber,
    InvalidPersonalId,
    PersonalId,
    classify_id_number,
    generate_personal_id,
    is_cmnd,
    normalise_id_number,
    normalise_province_code,
    normalise_sex,
    parse_cmnd,
    parse_personal_id,
    validate_personal_id,
)

TODAY = date(2025, 6, 1)


def test_the_province_list_has_the_63_pre_2025_provinces() -> None:
    assert len(PROVINCE_CODES) == 63
    assert all(len(code) == 3 and code.isdigit() for code in PROVINCE_CODES)
    assert PROVINCE_CODES["035"] == "Hà Nam"
    assert PROVINCE_CODES["079"] == "TP Hồ Chí Minh"
    assert PROVINCE_CODES["096"] == "Cà Mau"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("nam", "male"),
        ("Nam", "male"),
        ("NAM", "male"),
        (" nam ", "male"),
        ("male", "male"),
        ("M", "male"),
        (1, "male"),
        ("1", "male"),
        (1.0, "male"),
        ("nữ", "female"),
        ("Nữ", "female"),
        ("NỮ", "female"),
        ("nu\u0303", "female"),  # NFD: u + combining tilde
        ("nu", "female"),
        ("female", "female"),
        ("F", "female"),
        (2, "female"),
        ("2", "female"),
        (3, None),  # Ministry code 3: không xác định
        ("", None),
        (None, None),
        ("khác", None),
        (True, None),
        (float("nan"), None),
    ],
)
def test_it_normalises_every_spelling_of_sex(value: object, expected: str | None) -> None:
    assert normalise_sex(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("035199000123", "035199000123"),
        ("035 199 000 123", "035199000123"),
        ("035.199.000.123", "035199000123"),
        ("035-199-000123", "035199000123"),
        ("'035199000123", "035199000123"),
        ("\u00a0035199000123\t", "035199000123"),
        ("０３５１９９０００１２３", "035199000123"),  # full-width digits from some IMEs
        (35199000123, "035199000123"),  # an Excel number cell lost the leading zero
        (35199000123.0, "035199000123"),
        (1199000123, "001199000123"),
        (123456789, "123456789"),  # 9 digits: a CMND, not padded
        ("35199000123", "35199000123"),  # strings are never padded
        (None, ""),
    ],
)
def test_it_normalises_id_numbers_from_books_and_spreadsheets(value: object, expected: str) -> None:
    assert normalise_id_number(value) == expected


@pytest.mark.parametrize(
    ("value", "sex", "birth_year", "expected_problems"),
    [
        ("035199000123", None, None, []),
        ("035199000123", "nữ", 1999, []),
        ("035199000123", 2, 1999, []),
        ("001085012345", "nam", 1985, []),
        ("079308000001", "female", 2008, []),
        ("001225000001", "male", 2025, []),
        ("035199000123", "nam", None, ["giới tính"]),
        ("035199000123", None, 1998, ["năm sinh 1999"]),
        ("035199000123", None, 2099, ["thế kỷ 1900–1999"]),
        ("035199000123", None, 1850, ["1900–2399"]),
        ("035199000123", "nam", 1985, ["giới tính", "năm sinh 1999"]),
        ("003199000123", None, None, ["Mã tỉnh 003"]),
        ("035499000123", None, None, ["sau năm hiện tại"]),  # 2199: not born yet
        ("035226000123", None, None, ["sau năm hiện tại"]),  # 2026 > TODAY
        ("35199000123", None, None, ["12 chữ số, số đã nhập có 11 chữ số (có thể bị mất số 0"]),
        ("123456789", None, None, ["có 9 chữ số (đây có thể là số CMND"]),
        ("03519900012A", None, None, ["chỉ được gồm chữ số"]),
        ("", None, None, ["Chưa nhập"]),
    ],
)
def test_it_validates_personal_ids(
    value: str, sex: object, birth_year: int | None, expected_problems: list[str]
) -> None:
    problems = validate_personal_id(value, sex=sex, birth_year=birth_year, today=TODAY)
    assert len(problems) == len(expected_problems), problems
    for problem, fragment in zip(problems, expected_problems, strict=True):
        assert fragment in problem


def test_it_ignores_a_sex_it_cannot_read_rather_than_reporting_it() -> None:
    # Sex "3" (không xác định) is not a mismatch: nothing to compare against.
    assert validate_personal_id("035199000123", sex=3, today=TODAY) == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("035199000123", PersonalId("035", "Hà Nam", "female", 1999, "000123")),
        ("001 0 85 012345", PersonalId("001", "Hà Nội", "male", 1985, "012345")),
        ("096200999999", PersonalId("096", "Cà Mau", "male", 2000, "999999")),
        ("038301000000", PersonalId("038", "Thanh Hóa", "female", 2001, "000000")),
    ],
)
def test_it_parses_personal_ids_into_their_parts(value: str, expected: PersonalId) -> None:
    parsed = parse_personal_id(value, today=TODAY)
    assert parsed == expected
    assert parsed.number == normalise_id_number(value)


@pytest.mark.parametrize("value", ["", "12345", "003199000123", "035499000123", "abc"])
def test_it_refuses_to_parse_a_malformed_personal_id(value: str) -> None:
    with pytest.raises(InvalidPersonalId):
        parse_personal_id(value, today=TODAY)


def test_invalid_personal_id_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="Mã tỉnh 003"):
        parse_personal_id("003199000123", today=TODAY)


@pytest.mark.parametrize(
    ("province_code", "sex", "birth_year", "prefix"),
    [
        ("38", "nam", 1985, "0380" + "85"),
        ("038", "nữ", 1985, "0381" + "85"),
        (38, 1, 2008, "0382" + "08"),
        ("1", 2, 2000, "0013" + "00"),
        ("079", "female", 1900, "0791" + "00"),
        ("079", "male", 2399, "0798" + "99"),
    ],
)
def test_it_generates_the_fixed_part_of_a_personal_id(
    province_code: str | int, sex: object, birth_year: int, prefix: str
) -> None:
    number = generate_personal_id(
        province_code=province_code, sex=sex, birth_year=birth_year, rng=random.Random(7)
    )
    assert len(number) == 12 and number.isdigit()
    assert number.startswith(prefix)


def test_it_generates_reproducible_serials_from_a_seeded_rng() -> None:
    first = generate_personal_id(
        province_code="35", sex="nam", birth_year=1990, rng=random.Random(42)
    )
    second = generate_personal_id(
        province_code="35", sex="nam", birth_year=1990, rng=random.Random(42)
    )
    assert first == second


def test_it_generates_different_serials_without_an_rng() -> None:
    numbers = {
        generate_personal_id(province_code="35", sex="nam", birth_year=1990) for _ in range(50)
    }
    assert len(numbers) > 45  # 1 in a million per pair: collisions are vanishingly rare


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"province_code": "003", "sex": "nam", "birth_year": 1990}, "Mã tỉnh 003"),
        ({"province_code": "1234", "sex": "nam", "birth_year": 1990}, "2 hoặc 3 chữ số"),
        ({"province_code": "ab", "sex": "nam", "birth_year": 1990}, "2 hoặc 3 chữ số"),
        ({"province_code": "035", "sex": "khác", "birth_year": 1990}, "Giới tính"),
        ({"province_code": "035", "sex": 3, "birth_year": 1990}, "Giới tính"),
        ({"province_code": "035", "sex": "nam", "birth_year": 1899}, "Năm sinh 1899"),
        ({"province_code": "035", "sex": "nam", "birth_year": 2400}, "Năm sinh 2400"),
    ],
)
def test_it_refuses_to_generate_from_bad_inputs(kwargs: dict[str, object], fragment: str) -> None:
    with pytest.raises(InvalidPersonalId, match=fragment):
        generate_personal_id(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(("code", "expected"), [("1", "001"), ("38", "038"), (79, "079")])
def test_it_pads_province_codes_to_three_digits(code: str | int, expected: str) -> None:
    assert normalise_province_code(code) == expected


@given(
    province_code=st.sampled_from(sorted(PROVINCE_CODES)),
    sex=st.sampled_from(["male", "female"]),
    birth_year=st.integers(min_value=1900, max_value=2399),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_a_generated_id_parses_back_to_the_same_fields(
    province_code: str, sex: str, birth_year: int, seed: int
) -> None:
    number = generate_personal_id(
        province_code=province_code, sex=sex, birth_year=birth_year, rng=random.Random(seed)
    )
    parsed = parse_personal_id(number, today=date(2400, 1, 1))
    assert (parsed.province_code, parsed.sex, parsed.birth_year) == (
        province_code,
        sex,
        birth_year,
    )
    assert parsed.province_name == PROVINCE_CODES[province_code]
    assert parsed.number == number
    assert (
        validate_personal_id(number, sex=sex, birth_year=birth_year, today=date(2400, 1, 1)) == []
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("012345678", True),
        ("012 345 678", True),
        ("012.345.678", True),
        (123456789, True),
        ("01234567", False),
        ("0123456789", False),
        ("01234567A", False),
        ("035199000123", False),
        (None, False),
    ],
)
def test_it_recognises_the_shape_of_a_cmnd(value: object, expected: bool) -> None:
    assert is_cmnd(value) is expected


def test_it_parses_a_cmnd_keeping_its_issuing_prefix() -> None:
    assert parse_cmnd("024 123 456") == Cmnd(number="024123456", issue_prefix="02")


@pytest.mark.parametrize("value", ["", "12345", "035199000123", "02412345X"])
def test_it_refuses_to_parse_a_malformed_cmnd(value: str) -> None:
    with pytest.raises(InvalidIdNumber, match="9 chữ số"):
        parse_cmnd(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("035199000123", "personal_id"),
        ("035 199 000 123", "personal_id"),
        ("035.199.000.123", "personal_id"),
        (35199000123, "personal_id"),
        ("035499000123", "personal_id"),  # shape only: the year is not checked here
        ("003199000123", "unknown"),  # no such province
        ("024123456", "cmnd"),
        ("024 123 456", "cmnd"),
        ("35199000123", "unknown"),
        ("B1234567", "unknown"),  # a passport number
        ("", "unknown"),
        (None, "unknown"),
    ],
)
def test_it_classifies_id_numbers(value: object, expected: str) -> None:
    assert classify_id_number(value) == expected
