"""Normalisation, folding and comparison keys of Vietnamese text (hotich.lib.text)."""

from __future__ import annotations

import dataclasses
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotich.lib.names import NAME_SYLLABLES
from hotich.lib.text import (
    NormalisedText,
    analyse,
    comparison_key,
    fold,
    is_vietnamese_syllable,
    normalise,
    normalise_name,
    place_tones,
)

NFD = unicodedata.normalize("NFD", "Nguyễn Thị Phượng")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("NGUYỄN THỊ PHƯỢNG", "Nguyễn Thị Phượng"),
        ("ĐẶNG VĂN ĐỨC", "Đặng Văn Đức"),
        ("ĐỖ ĐÌNH ĐẠT", "Đỗ Đình Đạt"),
        ("  Nguyễn   Văn\tAn  ", "Nguyễn Văn An"),
        (NFD, "Nguyễn Thị Phượng"),
        ("Nguyễn\u200b Văn An", "Nguyễn Văn An"),
        ("nguyễn văn an", "nguyễn văn an"),
        ("McDonald Nguyễn", "McDonald Nguyễn"),
        ("KSOR H'HEN", "Ksor H'Hen"),
        ("TRẦN THỊ THUỶ", "Trần Thị Thủy"),
        ("", ""),
    ],
)
def test_it_titlecases_names_written_in_capitals_and_nothing_else(raw: str, expected: str) -> None:
    assert normalise_name(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # Open syllables: one style, the tone on the first vowel of oa/oe/uy.
        ("hoà", "hòa"),
        ("thuỷ", "thủy"),
        ("hoá", "hóa"),
        ("khoẻ", "khỏe"),
        ("Thanh Hoá", "Thanh Hóa"),
        ("Nguyễn Thị Hoà", "Nguyễn Thị Hòa"),
        ("HOÀ", "HÒA"),
        ("luỹ", "lũy"),
        ("hoạ", "họa"),
        # Already in the chosen style.
        ("hòa", "hòa"),
        ("thủy", "thủy"),
        # Closed syllables and three-vowel clusters have one correct placement: untouched.
        ("hoàn", "hoàn"),
        ("huỳnh", "huỳnh"),
        ("thuyết", "thuyết"),
        ("quyền", "quyền"),
        ("khoảng", "khoảng"),
        ("ngoài", "ngoài"),
        ("khuỵu", "khuỵu"),
        ("Nguyễn", "Nguyễn"),
        # qu and gi are onsets: the tone stays on the vowel after them.
        ("quý", "quý"),
        ("quỳnh", "quỳnh"),
        ("quà", "quà"),
        ("gìn", "gìn"),
        ("giữa", "giữa"),
        ("già", "già"),
        ("giếng", "giếng"),
        # Falling diphthongs keep the tone on the first vowel.
        ("mùa", "mùa"),
        ("tài", "tài"),
        ("kìa", "kìa"),
        # Not Vietnamese: left alone.
        ("Zoé", "Zoé"),
        ("Hélène", "Hélène"),
    ],
)
def test_it_places_tones_of_open_syllables_in_one_style(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("hòa", "hoà"),
        ("Thủy", "Thuỷ"),
        ("khỏe", "khoẻ"),
        ("hoàn", "hoàn"),
        ("quý", "quý"),
        ("Thanh  Hóa", "Thanh  Hoá"),
    ],
)
def test_it_can_write_the_other_tone_style(raw: str, expected: str) -> None:
    assert place_tones(raw, "nucleus") == expected


def test_it_keeps_the_case_of_general_text() -> None:
    assert normalise("HOÀ BÌNH  ward") == "HÒA BÌNH ward"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Nguyễn Thị Phượng", "nguyen thi phuong"),
        ("ĐẶNG VĂN ĐỨC", "dang van duc"),
        (NFD, "nguyen thi phuong"),
        ("Ðặng", "dang"),
        ("Hà  Nội", "ha  noi"),
        ("plain ASCII", "plain ascii"),
    ],
)
def test_it_folds_diacritics_and_d_bar(raw: str, expected: str) -> None:
    assert fold(raw) == expected


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Lý", "Lí", True),
        ("Kỳ", "Kì", True),
        ("Mỹ", "Mĩ", True),
        ("Quý", "Quí", True),
        ("Vy", "Vi", True),
        ("Y", "I", True),
        ("Thùy", "Thùi", False),
        ("Huy", "Hui", False),
        ("Hoà", "Hòa", True),
        ("NGUYỄN  THỊ LÝ", "Nguyen Thi Li", True),
        ("Nguyễn Thị Lan", "Nguyễn Thị Lam", False),
    ],
)
def test_comparison_keys_unify_only_spelling_variants(a: str, b: str, same: bool) -> None:
    assert (comparison_key(a) == comparison_key(b)) is same


@pytest.mark.parametrize(
    ("word", "valid"),
    [
        ("Nguyễn", True),
        ("Hoà", True),
        ("hòa", True),
        ("QUỲNH", True),
        ("gì", True),
        ("Đắk", True),
        ("nhất", True),
        ("nhêt", False),  # closed by t: only sắc or nặng
        ("nhầt", False),
        ("hóà", False),  # two tones
        ("ghá", False),  # gh only before e, ê, i
        ("cê", False),  # c never before e, ê, i
        ("Caù", False),  # tone on the wrong vowel of au
        ("nGUYỄN", True),  # casing is the caller's business
        ("Smith", False),
        ("V¨n", False),
    ],
)
def test_it_recognises_well_formed_syllables(word: str, valid: bool) -> None:
    assert is_vietnamese_syllable(word) is valid


def test_analyse_keeps_the_original_next_to_the_normal_forms() -> None:
    result = analyse("  NGUYỄN THỊ  LÝ ")
    assert result == NormalisedText(
        original="  NGUYỄN THỊ  LÝ ",
        normalised="Nguyễn Thị Lý",
        folded="nguyen thi ly",
        key="nguyen thi li",
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.original = "x"  # type: ignore[misc]


def test_analyse_of_general_text_keeps_capitals() -> None:
    assert analyse("XÃ HOÀ AN", name=False).normalised == "XÃ HÒA AN"


# --- properties ---------------------------------------------------------------------------

SYLLABLES = sorted(NAME_SYLLABLES)
names = st.lists(st.sampled_from(SYLLABLES), min_size=1, max_size=4).map(
    lambda words: " ".join(word.title() for word in words)
)


@st.composite
def messy_names(draw: st.DrawFn) -> tuple[str, str]:
    """Return (clean name, the same name as data entry might have written it)."""
    name = draw(names)
    messy = name
    if draw(st.booleans()):
        messy = place_tones(messy, "nucleus")
    if draw(st.booleans()):
        messy = messy.upper()
    if draw(st.booleans()):
        messy = unicodedata.normalize("NFD", messy)
    if draw(st.booleans()):
        messy = "  " + messy.replace(" ", "   ") + "\t"
    return name, messy


@given(messy_names())
def test_messy_spellings_of_a_name_share_its_comparison_key(pair: tuple[str, str]) -> None:
    name, messy = pair
    assert comparison_key(messy) == comparison_key(name)


@given(messy_names())
def test_normalising_a_name_twice_changes_nothing(pair: tuple[str, str]) -> None:
    once = normalise_name(pair[1])
    assert normalise_name(once) == once


@given(names)
def test_tone_styles_round_trip(name: str) -> None:
    glide = place_tones(name, "glide")
    assert place_tones(place_tones(glide, "nucleus"), "glide") == glide


@given(messy_names())
def test_capitals_come_back_as_the_clean_name(pair: tuple[str, str]) -> None:
    name, _ = pair
    assert normalise_name(name.upper()) == normalise_name(name)


@given(names)
def test_folded_vietnamese_is_ascii(name: str) -> None:
    assert fold(name).isascii()
