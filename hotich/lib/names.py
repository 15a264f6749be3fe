"""Vietnamese personal names: parsing, family-name keys, sex markers and frequency data.

A Vietnamese name is written family name, middle name(s), given name: "Nguyễn Thị Minh Khai"
is family Nguyễn, middle Thị Minh, given Khai. The frequency lists (``COMMON_*``) come from
``data/names_vi.json`` and are meant for synthetic-population generators and for scoring.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from importlib import resources
from itertools import accumulate
from typing import Literal

from hotich.lib.text import comparison_key, fold, normalise_name

__all__ = [
    "COMMON_FAMILY_NAMES",
    "COMMON_GIVEN_NAMES_FEMALE",
    "COMMON_GIVEN_NAMES_MALE",
    "COMMON_MIDDLE_NAMES_FEMALE",
    "COMMON_MIDDLE_NAMES_MALE",
    "NAME_SYLLABLES",
    "ParsedName",
    "Sex",
    "family_name_key",
    "is_common_family_name",
    "parse_name",
    "random_full_name",
    "sex_marker",
]

Sex = Literal["male", "female"]


def _load() -> dict[str, list[tuple[str, float]]]:
    raw = json.loads(
        resources.files("hotich.lib").joinpath("data/names_vi.json").read_text("utf-8")
    )
    return {
        key: [(normalise_name(name), float(weight)) for name, weight in rows]
        for key, rows in raw.items()
        if not key.startswith("_")
    }


def _shares(rows: list[tuple[str, float]]) -> list[tuple[str, float]]:
    total = sum(weight for _, weight in rows)
    return [(name, weight / total) for name, weight in rows]


_DATA = _load()

#: (family name, approximate share of the population), most common first-ish; sums to ≈ 1.
COMMON_FAMILY_NAMES: list[tuple[str, float]] = _DATA["family"]
#: (middle name, share among men / women); "Văn" and "Thị" dominate older generations.
COMMON_MIDDLE_NAMES_MALE: list[tuple[str, float]] = _shares(_DATA["middle_male"])
COMMON_MIDDLE_NAMES_FEMALE: list[tuple[str, float]] = _shares(_DATA["middle_female"])
#: (given name, share among men / women).
COMMON_GIVEN_NAMES_MALE: list[tuple[str, float]] = _shares(_DATA["given_male"])
COMMON_GIVEN_NAMES_FEMALE: list[tuple[str, float]] = _shares(_DATA["given_female"])

#: Lower-case syllables that occur in the lists: evidence that a decoding is a real name.
NAME_SYLLABLES: frozenset[str] = frozenset(
    syllable.lower() for rows in _DATA.values() for name, _ in rows for syllable in name.split()
)

# Family names of more than one word, as comparison keys, longest first. Tôn Thất and Tôn Nữ
# (male and female branches of the Nguyễn royal clan), Công Tằng Tôn Nữ (its later female
# generations), Hoàng Phủ and Âu Dương (old Sino-Vietnamese double names).
_COMPOUND_FAMILIES = ("cong tang ton nu", "hoang phu", "au duong", "ton that", "ton nu")
# "Nguyễn Phúc"/"Nguyễn Phước" is the royal family name, but Phúc/Phước is also a common middle
# name for any Nguyễn. Take it as the family name only when a generation name of Minh Mạng's
# poem follows (Nguyễn Phúc Vĩnh San, Nguyễn Phước Bửu Lộc).
_ROYAL_FAMILIES = ("nguyen phuc", "nguyen phuoc")
_ROYAL_GENERATIONS = frozenset(["mien", "huong", "ung", "buu", "vinh"])

_COMMON_FAMILY_KEYS = frozenset(comparison_key(name) for name, _ in COMMON_FAMILY_NAMES)
# Regional variants of one name (north/south pronunciation): one key for matching.
_FAMILY_VARIANTS = {"huynh": "hoang", "vo": "vu", "nguyen phuoc": "nguyen phuc"}


@dataclass(frozen=True, slots=True)
class ParsedName:
    """A full name split into family name (họ), middle name (tên đệm) and given name (tên).

    Parts are normalised (``normalise_name``); empty strings for absent parts.
    """

    family: str
    middle: str
    given: str
    original: str


def _family_length(keys: list[str]) -> int:
    """Return how many leading words of the name (as comparison keys) form the family name."""
    for compound in _COMPOUND_FAMILIES:
        size = compound.count(" ") + 1
        if len(keys) > size and " ".join(keys[:size]) == compound:
            return size
    if len(keys) > 3 and " ".join(keys[:2]) in _ROYAL_FAMILIES and keys[2] in _ROYAL_GENERATIONS:
        return 2
    return 1


def parse_name(full: str) -> ParsedName:
    """Return `full` split into family, middle and given name.

    The first word is the family name (or the first two to four for a known compound family
    name such as Tôn Thất), the last word the given name, anything between the middle name.
    A two-word name has no middle name ("Lê Lợi", and "Lê Văn" is family Lê, given Văn). A
    single word is taken as the given name. Capitals and missing diacritics are fine: the
    parts come back normalised, and compound family names are recognised by comparison key.
    """
    normalised = normalise_name(full)
    words = normalised.split()
    if not words:
        return ParsedName("", "", "", full)
    if len(words) == 1:
        return ParsedName("", "", words[0], full)
    size = _family_length([comparison_key(word) for word in words])
    return ParsedName(
        family=" ".join(words[:size]),
        middle=" ".join(words[size:-1]),
        given=words[-1],
        original=full,
    )


def family_name_key(family: str) -> str:
    """Return the matching key of a family name; regional variants share one key.

    Huỳnh and Hoàng give "hoang", Võ and Vũ give "vu", Nguyễn Phước and Nguyễn Phúc give
    "nguyen phuc". Otherwise the plain ``comparison_key``.
    """
    key = comparison_key(family)
    return _FAMILY_VARIANTS.get(key, key)


def is_common_family_name(family: str) -> bool:
    """Return True if `family` (any case, with or without diacritics) is in the common list."""
    return comparison_key(family) in _COMMON_FAMILY_KEYS


def sex_marker(parsed: ParsedName) -> Sex | None:
    """Return the sex that the traditional marker of the name suggests, or None.

    "Thị" as the first middle word suggests female, "Văn" male; the family names Tôn Nữ and
    Công Tằng Tôn Nữ are given to women, Tôn Thất to men. When the name carries diacritics the
    marker must be spelled exactly (Vân, Thi are ordinary names); a name written without any
    diacritics accepts "Thi" and "Van". A marker is only a hint: it is often dropped or added.
    """
    family = comparison_key(parsed.family)
    if family in ("ton nu", "cong tang ton nu"):
        return "female"
    if family == "ton that":
        return "male"
    if not parsed.middle:
        return None
    first = parsed.middle.split()[0]
    if parsed.original.isascii():
        first = fold(first)
        return "female" if first == "thi" else "male" if first == "van" else None
    first = first.lower()
    return "female" if first == "thị" else "male" if first == "văn" else None


def _sampler(rows: list[tuple[str, float]]) -> tuple[list[str], list[float]]:
    names = [name for name, _ in rows]
    cumulative = list(accumulate(weight for _, weight in rows))
    return names, cumulative


_SAMPLERS: dict[tuple[str, str], tuple[list[str], list[float]]] = {
    ("any", "family"): _sampler(COMMON_FAMILY_NAMES),
    ("male", "middle"): _sampler(COMMON_MIDDLE_NAMES_MALE),
    ("male", "given"): _sampler(COMMON_GIVEN_NAMES_MALE),
    ("female", "middle"): _sampler(COMMON_MIDDLE_NAMES_FEMALE),
    ("female", "given"): _sampler(COMMON_GIVEN_NAMES_FEMALE),
}


def _draw(rng: random.Random, key: tuple[str, str]) -> str:
    names, cumulative = _SAMPLERS[key]
    return rng.choices(names, cum_weights=cumulative)[0]


def random_full_name(rng: random.Random, sex: Sex) -> str:
    """Return a realistic full name for `sex`, drawn from the frequency lists with `rng`.

    About one name in twelve has no middle name, as in younger registers.
    """
    family = _draw(rng, ("any", "family"))
    given = _draw(rng, (sex, "given"))
    if rng.random() < 1 / 12:
        return f"{family} {given}"
    return f"{family} {_draw(rng, (sex, 'middle'))} {given}"
