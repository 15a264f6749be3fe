"""Legacy Vietnamese encodings: decoding, detection and repair (hotich.lib.legacy)."""

from __future__ import annotations

import random
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotich.lib.legacy import Encoding, detect, from_unicode, repair, to_unicode
from hotich.lib.names import (
    COMMON_GIVEN_NAMES_FEMALE,
    COMMON_GIVEN_NAMES_MALE,
    NAME_SYLLABLES,
    random_full_name,
)
from hotich.lib.text import fold

ENCODINGS: tuple[Encoding, ...] = ("tcvn3", "vni", "viscii")


@pytest.mark.parametrize(
    ("mojibake", "encoding", "expected"),
    [
        ("NguyÔn V¨n H¶i", "tcvn3", "Nguyễn Văn Hải"),
        ("§Æng ThÞ Ph­îng", "tcvn3", "Đặng Thị Phượng"),
        ("Nguyeãn Vaên Haûi", "vni", "Nguyễn Văn Hải"),
        ("ÑAËNG THÒ PHÖÔÏNG", "vni", "ĐẶNG THỊ PHƯỢNG"),
        ("Nguy\xadn Vån Häi", "viscii", "Nguyễn Văn Hải"),
        ("ÐƒNG", "viscii", "ĐẶNG"),
    ],
)
def test_it_decodes_each_encoding(mojibake: str, encoding: Encoding, expected: str) -> None:
    assert to_unicode(mojibake, encoding) == expected
    assert repair(mojibake) == (expected, encoding)


@pytest.mark.parametrize(
    ("mojibake", "expected"),
    [
        # ABC fonts have no capital letters with a tone: context decides.
        ("NGUYÔN THÞ ¸NH", "NGUYỄN THỊ ÁNH"),
        ("NguyÔn ThÞ ¸nh", "Nguyễn Thị Ánh"),
        ("x· T©n Phó, huyÖn øng Hßa", "xã Tân Phú, huyện Ứng Hòa"),
        ("Êp B×nh Lîi", "ấp Bình Lợi"),
        ("§ÆNG V¡N æN", "ĐẶNG VĂN ỔN"),
    ],
)
def test_it_restores_capitals_lost_in_tcvn3(mojibake: str, expected: str) -> None:
    assert repair(mojibake) == (expected, "tcvn3")


@pytest.mark.parametrize(
    "clean",
    [
        "Nguyễn Văn Hải",
        "NGUYỄN THỊ PHƯỢNG",
        "Hà Nội",
        "Lê Thị Tú",
        "Hoà Bình",
        "Thò",  # valid syllable, and VNI for "Thị": a lone word is never touched
        "ÂN",
        "José Müller",
        "Hélène",
        "Đắk Lắk",
        "Nguyễn Văn A – Hà Nội",
        "",
        "Tran Van An",
        "12/3 Le Loi, P.5",
    ],
)
def test_it_never_alters_clean_text(clean: str) -> None:
    assert repair(clean) == (clean, None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tran Van An", "ascii"),
        ("Trần Văn An", "unicode"),
        ("TrÇn V¨n An", "tcvn3"),
        ("Traàn Vaên An", "vni"),
        ("Tr§n Vån An", "viscii"),
        ("José", "unicode"),
    ],
)
def test_it_detects_the_encoding(text: str, expected: str) -> None:
    assert detect(text) == expected


def test_it_refuses_to_encode_what_the_encoding_cannot_write() -> None:
    with pytest.raises(ValueError, match="cannot be written"):
        from_unicode("Nguyễn 日", "tcvn3")


# --- corpus -------------------------------------------------------------------------------

PROVINCES = ["Hà Nội", "Thanh Hóa", "Nghệ An", "Thừa Thiên Huế", "Quảng Ngãi", "Đắk Lắk"]
PROVINCES += ["Khánh Hòa", "Bình Dương", "Đồng Tháp", "Cà Mau", "Hải Dương", "Lạng Sơn"]
PLACE = [name for name, _ in COMMON_GIVEN_NAMES_MALE + COMMON_GIVEN_NAMES_FEMALE]


def _corpus(size: int) -> list[str]:
    """Return names and "xã …, huyện …, tỉnh …" addresses, some in CAPITALS."""
    rng = random.Random(7)
    texts = []
    for i in range(size):
        if i % 2:
            text = random_full_name(rng, rng.choice(("male", "female")))
        else:
            text = (
                f"{rng.choice(('xã', 'phường', 'thị trấn'))} {rng.choice(PLACE)} {rng.choice(PLACE)}, "
                f"{rng.choice(('huyện', 'quận'))} {rng.choice(PLACE)} {rng.choice(PLACE)}, "
                f"tỉnh {rng.choice(PROVINCES)}"
            )
        texts.append(text.upper() if rng.random() < 0.2 else text)
    return texts


CORPUS = _corpus(2000)


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_it_recovers_at_least_99_5_percent_of_a_legacy_corpus(encoding: Encoding) -> None:
    recovered = sum(repair(from_unicode(text, encoding))[0] == text for text in CORPUS)
    assert recovered / len(CORPUS) >= 0.995


def test_it_converts_none_of_the_clean_corpus() -> None:
    assert [text for text in CORPUS if repair(text) != (text, None)] == []
    folded = [fold(text) for text in CORPUS]
    assert [text for text in folded if repair(text) != (text, None)] == []


# --- properties ---------------------------------------------------------------------------

VIETNAMESE_LOWER = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ"
vietnamese_text = st.text(
    alphabet=VIETNAMESE_LOWER + VIETNAMESE_LOWER.upper() + " ,.-0123456789bcn"
)


@pytest.mark.parametrize("encoding", ["vni", "viscii"])
@given(text=vietnamese_text)
def test_vni_and_viscii_round_trip_every_letter(encoding: Encoding, text: str) -> None:
    assert to_unicode(from_unicode(text, encoding), encoding) == text


@given(text=vietnamese_text)
def test_tcvn3_round_trips_every_letter_up_to_case(text: str) -> None:
    assert to_unicode(from_unicode(text, "tcvn3"), "tcvn3").lower() == text.lower()


@given(text=st.text(alphabet=string.printable))
def test_ascii_is_never_converted(text: str) -> None:
    assert repair(text) == (text, None)


names = st.lists(st.sampled_from(sorted(NAME_SYLLABLES)), min_size=2, max_size=4).map(
    lambda words: " ".join(word.title() for word in words)
)


@given(name=names, encoding=st.sampled_from(ENCODINGS))
def test_clean_names_stay_and_their_mojibake_gets_a_legacy_reading(
    name: str, encoding: Encoding
) -> None:
    assert repair(name) == (name, None)
    mojibake = from_unicode(name, encoding)
    fixed, found = repair(mojibake)
    # Exact recovery is measured on the corpus above. Some texts are genuinely ambiguous
    # (VNI "Hoà" is also Unicode "Hoà"; "Tiªn" is TCVN3 "Tiên" and VISCII "Tiến"): then repair
    # leaves the input or picks another legacy reading, but never invents text.
    if found is None:
        assert fixed == mojibake
    else:
        assert fixed == to_unicode(mojibake, found)
