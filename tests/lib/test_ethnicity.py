"""Ethnicity and nationality normalisation (hotich.lib.ethnicity)."""

from __future__ import annotations

import pytest

from hotich.lib.ethnicity import (
    NATIONALITIES,
    ethnic_groups,
    ethnicity_from_code,
    nationality_iso_code,
    normalise_ethnicity,
    normalise_nationality,
)


def test_it_lists_54_groups_with_complete_and_unique_codes_in_both_lists():
    groups = ethnic_groups()
    assert len(groups) == 54
    expected = {f"{n:02d}" for n in range(1, 55)}
    assert {g.code_2008 for g in groups} == expected
    assert {g.code_1979 for g in groups} == expected


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Kinh", "Kinh"),
        ("KINH", "Kinh"),
        ("dân tộc Kinh", "Kinh"),
        ("Việt", "Kinh"),
        ("Mông (Mèo)", "Mông"),
        ("H'Mông", "Mông"),
        ("H’Mông", "Mông"),
        ("Hmông", "Mông"),
        ("Mèo", "Mông"),
        ("Ba Na (Bơ-nâm)", "Ba Na"),
        ("Bana", "Ba Na"),
        ("Ê Đê", "Ê Đê"),
        ("Ê-đê", "Ê Đê"),
        ("Êđê", "Ê Đê"),
        ("Rađê", "Ê Đê"),
        ("E De", "Ê Đê"),
        ("Thái", "Thái"),
        ("Tày", "Tày"),
        ("Hoa (Hán)", "Hoa"),
        ("Khmer", "Khmer"),
        ("Khơ-me", "Khmer"),
        ("Khơ Me", "Khmer"),
        ("Mnông", "Mnông"),
        ("M'Nông", "Mnông"),
        ("Xtiêng", "Xtiêng"),
        ("X'Tiêng", "Xtiêng"),
        ("Giẻ-Triêng", "Giẻ Triêng"),
        ("Bru - Vân Kiều", "Bru Vân Kiều"),
        ("Sán Chay (Cao Lan-Sán Chỉ)", "Sán Chay"),
        ("Cơ Lao", "Cờ Lao"),
        ("Ơ-đu", "Ơ Đu"),
    ],
)
def test_it_normalises_official_and_alternative_ethnicity_names(text, name):
    group = normalise_ethnicity(text)
    assert group is not None and group.name == name


@pytest.mark.parametrize("text", ["", None, "04", "6", "Thổ Mán", "Người nước ngoài", "xyz"])
def test_it_refuses_bare_codes_and_unknown_names(text):
    assert normalise_ethnicity(text) is None


@pytest.mark.parametrize(
    ("code", "code_list", "name"),
    [
        ("04", "2008", "Mường"),
        ("06", "2008", "Hoa"),
        ("04", "1979", "Hoa"),
        ("06", "1979", "Mường"),
        (4, "1979", "Hoa"),
        ("43", "2008", "Ngái"),
        ("11", "1979", "Ngái"),
        ("54", "2008", "Ơ Đu"),
        ("01", "1979", "Kinh"),
        ("55", "2008", None),
        ("x", "2008", None),
    ],
)
def test_it_reads_a_code_only_in_the_list_it_names(code, code_list, name):
    group = ethnicity_from_code(code, code_list=code_list)
    assert (group.name if group else None) == name


def test_it_rejects_an_unknown_code_list():
    with pytest.raises(ValueError):
        ethnicity_from_code("04", code_list="2019")  # type: ignore[arg-type]


def test_it_gives_each_group_its_codes_in_both_lists():
    hoa = normalise_ethnicity("Hoa")
    assert hoa is not None and (hoa.code("2008"), hoa.code("1979")) == ("06", "04")


@pytest.mark.parametrize(
    ("text", "name", "iso"),
    [
        ("Việt Nam", "Việt Nam", "VN"),
        ("VN", "Việt Nam", "VN"),
        ("Viet Nam", "Việt Nam", "VN"),
        ("Vietnam", "Việt Nam", "VN"),
        ("Việt nam", "Việt Nam", "VN"),
        ("VIỆT NAM", "Việt Nam", "VN"),
        ("quốc tịch: Việt Nam", "Việt Nam", "VN"),
        ("Trung Quốc", "Trung Quốc", "CN"),
        ("Hàn Quốc", "Hàn Quốc", "KR"),
        ("Đài Loan", "Đài Loan (Trung Quốc)", "TW"),
        ("Đài Loan (Trung Quốc)", "Đài Loan (Trung Quốc)", "TW"),
        ("Nhật Bản", "Nhật Bản", "JP"),
        ("Mỹ", "Hoa Kỳ", "US"),
        ("MY", "Hoa Kỳ", "US"),  # Mỹ typed without diacritics, not Malaysia
        ("Hoa Kỳ", "Hoa Kỳ", "US"),
        ("Lào", "Lào", "LA"),
        ("Campuchia", "Campuchia", "KH"),
        ("Căm-pu-chia", "Campuchia", "KH"),
        ("Thái Lan", "Thái Lan", "TH"),
        ("Pháp", "Pháp", "FR"),
        ("Úc", "Úc", "AU"),
        ("Ô-xtrây-li-a", "Úc", "AU"),
        ("Canada", "Canada", "CA"),
        ("Đức", "Đức", "DE"),
        ("Anh", "Anh", "GB"),
        ("Nga", "Nga", "RU"),
    ],
)
def test_it_normalises_nationalities_to_one_vietnamese_name_with_iso_code(text, name, iso):
    assert normalise_nationality(text) == name
    assert nationality_iso_code(text) == iso


@pytest.mark.parametrize("text", ["", None, "Atlantis", "XX"])
def test_it_returns_none_for_an_unknown_nationality(text):
    assert normalise_nationality(text) is None
    assert nationality_iso_code(text) is None


def test_it_has_about_thirty_nationalities_with_distinct_iso_codes():
    codes = [iso for iso, _forms in NATIONALITIES.values()]
    assert len(codes) >= 30
    assert len(set(codes)) == len(codes)
