"""Comparison features of one person, from the values as written (pure, no Django).

Both sides of a comparison (a person named in a book, a citizen of the registry) go through
:func:`person_features`, so the model compares like with like. The values as written are
never changed: features are derived forms (normalised, untoned, folded keys) and blocking
keys. Damaged text (TCVN3/VNI/VISCII mojibake) is repaired first.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from functools import lru_cache
from typing import Any

import orjson

from hotich.lib.dates import DateParseError, PartialDate, parse_partial_date
from hotich.lib.ethnicity import normalise_ethnicity
from hotich.lib.legacy import repair
from hotich.lib.names import family_name_key, parse_name
from hotich.lib.places import resolve_place
from hotich.lib.text import comparison_key, normalise, normalise_name

# The columns every feature row has, in order (Splink tables, Parquet files, tests).
FEATURE_COLUMNS: tuple[str, ...] = (
    "fam_n",  # family name, normalised, lower case (tones kept)
    "fam_t",  # … without tone marks (ă, â, ê, ô, ơ, ư, đ kept)
    "fam_f",  # … folded comparison key (no diacritics, i/y unified)
    "fam_v",  # … folded with regional variants merged (Huỳnh = Hoàng, Võ = Vũ)
    "mid_n",
    "mid_t",
    "mid_f",
    "mid_c",  # middle name key without the markers Văn/Thị ("" when nothing else)
    "giv_n",
    "giv_t",
    "giv_f",
    "full_f",  # folded key of the whole name, without spaces
    "bd",  # birth date, ISO partial: 1985 / 1985-08 / 1985-08-15
    "byr",  # birth year
    "bmon",  # birth month
    "bday",  # birth day
    "bprec",  # 1 year only, 2 month and year, 3 full date
    "sex",  # "1" Nam, "2" Nữ
    "bp_u",  # birthplace: the unit written (period:level:code), or its text key
    "bp_c",  # … its current commune after the official mapping
    "bp_p",  # … its current province
    "ht_u",  # hometown (quê quán), as the birthplace: compared for discrepancies only
    "ht_c",
    "ht_p",
    "fa_f",  # father's full name, folded key without spaces
    "fa_g",  # father's given name key
    "mo_f",
    "mo_g",
    "eth",  # ethnic group (canonical name)
    "bk1",  # blocking keys: see BLOCKING_KEYS
    "bk2",
    "bk3",
    "bk4",
    "bk5",
    "bk6",
    "bk7",
    "bk8",
    "bk9",
    "bk10",
    "bk11",
    "bk12",
    "bk13",
    "bk14",
    "bk15",
    "bk16",
)

# What each blocking key joins on; a pair of records is a candidate when any key is equal.
BLOCKING_KEYS: dict[str, str] = {
    "bk1": "whole name and birth year",
    "bk2": "family and given name (middle name ignored) and birth year",
    "bk3": "given name and full birth date",
    "bk4": "family name and full birth date",
    "bk5": "whole name and day and month of birth (year differs)",
    "bk6": "whole name and mother's given name",
    # The loose passes (LOOSE_KEYS): each survives a kind of damage the six above do not.
    "bk7": "consonant skeletons of family (variants merged) and given name, and birth year",
    "bk8": "mother's whole name and birth year (the child's name damaged)",
    "bk9": "given name, birth year, day and month in either order (day and month swapped)",
    "bk10": "birthplace (current commune), given name and birth year (family name damaged)",
    "bk11": "birthplace (current commune), family name and birth year (given name damaged)",
    "bk12": "whole name and birth year halved, even pairing (the year one off)",
    "bk13": "whole name and birth year halved, odd pairing (the year one off)",
    "bk14": "family and given name and birthplace, any year (the date missing or unreadable)",
    "bk15": "family and given name in either order and birth year (given name written first)",
    "bk16": "birthplace and full birth date (both names damaged)",
}
#: The keys whose blocks are capped: a value shared by more than BLOCK_CAP registry citizens
#: finds nobody through that key (both paths), so that a common value (a big commune's
#: "Nguyễn" born in 1990) never makes a lookup read thousands of citizens. The first six keys
#: are not capped: they carry the whole name or a full date, and their blocks are the
#: commonest names' (docs/matching.md).
LOOSE_KEYS: tuple[str, ...] = tuple(f"bk{n}" for n in range(7, 17))
BLOCK_CAP = 1000

_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_MARKERS = {"van", "thi"}


@dataclass(frozen=True, slots=True)
class PersonInput:
    """A person as written: any field may be empty. ``sex`` "1"/"2"/"Nam"/"Nữ"/""."""

    full_name: str = ""
    birth_date: str | PartialDate | None = None
    sex: str = ""
    birth_place: str = ""
    hometown: str = ""
    ethnicity: str = ""
    father_name: str = ""
    mother_name: str = ""

    @classmethod
    def from_row(cls, row: Mapping[str, object]) -> PersonInput:
        """Return the input of a row of the file contract (missing columns are empty)."""
        return cls(
            full_name=str(row.get("full_name") or ""),
            birth_date=str(row.get("birth_date") or "") or None,
            sex=str(row.get("sex") or ""),
            birth_place=str(row.get("birth_place") or ""),
            hometown=str(row.get("hometown") or ""),
            ethnicity=str(row.get("ethnicity") or ""),
            father_name=str(row.get("father_name") or ""),
            mother_name=str(row.get("mother_name") or ""),
        )

    @classmethod
    def from_citizen(cls, citizen: object) -> PersonInput:
        """Return the input of a registry citizen (any object with Citizen's attributes)."""
        return cls(
            full_name=getattr(citizen, "full_name", "") or "",
            birth_date=getattr(citizen, "birth_date", None),
            sex=getattr(citizen, "sex", "") or "",
            birth_place=getattr(citizen, "birthplace", "") or "",
            hometown=getattr(citizen, "hometown", "") or "",
            ethnicity=getattr(citizen, "ethnicity", "") or "",
            father_name=getattr(citizen, "father_name", "") or "",
            mother_name=getattr(citizen, "mother_name", "") or "",
        )


# A person's columns in the file contract and the lookup form: PersonInput's fields.
PERSON_COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(PersonInput))
# The Citizen attributes PersonInput.from_citizen reads.
CITIZEN_INPUT_FIELDS: tuple[str, ...] = tuple(
    "birthplace" if name == "birth_place" else name for name in PERSON_COLUMNS
)


@lru_cache(maxsize=200_000)
def clean_text(value: str) -> str:
    """Return ``value`` repaired from legacy encodings and NFC-normalised, spaces tidied."""
    if not value:
        return ""
    repaired, _encoding = repair(value)
    return normalise(repaired)


@lru_cache(maxsize=65_536)
def untone(word: str) -> str:
    """Return ``word`` in lower case without its tone mark: "Hưởng" → "hương"."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))


_NOT_KEY = re.compile(r"[^a-z0-9]")


def folded_key(text: str) -> str | None:
    """Folded key without spaces, ASCII letters and digits only (what Levenshtein compares:
    DuckDB counts bytes, so a stray non-ASCII character would count twice there)."""
    return _NOT_KEY.sub("", comparison_key(text)) or None


def family_variant_key(family: str) -> str | None:
    """The family name's key with regional variants merged (Huỳnh = Hoàng), as folded_key."""
    return (_NOT_KEY.sub("", family_name_key(family)) or None) if family else None


_key = folded_key


@lru_cache(maxsize=200_000)
def _name_parts(full_name: str) -> tuple[str, str, str]:
    parsed = parse_name(normalise_name(clean_text(full_name)))
    return parsed.family, parsed.middle, parsed.given


@lru_cache(maxsize=100_000)
def place_features(text: str) -> tuple[str | None, str | None, str | None]:
    """Return (unit written, its current commune, its current province) of a place."""
    text = clean_text(text)
    if not text:
        return None, None, None
    result = resolve_place(text)
    if result.status == "resolved" and result.unit is not None:
        unit = result.unit
        current = [u for u in result.current if u.level == "commune"]
        province = result.current_province.code if result.current_province else None
        return (
            f"{unit.period}:{unit.level}:{unit.code}",
            current[0].code if len(current) == 1 else None,
            province,
        )
    province = result.current_province.code if result.current_province else None
    return f"t:{_key(text)}", None, province


@lru_cache(maxsize=100_000)
def _date(value: str) -> PartialDate | None:
    try:
        return parse_partial_date(value, allow_future=True)
    except DateParseError:
        return None


def parse_birth_date(value: str | PartialDate | None) -> PartialDate | None:
    """Return the partial date in ``value`` (any form books use), or None if unreadable."""
    if value is None or isinstance(value, PartialDate):
        return value
    value = value.strip()
    return _date(value) if value else None


@lru_cache(maxsize=1_000)
def parse_sex(value: str | None) -> str | None:
    """Return "1" (Nam), "2" (Nữ) or None for anything else."""
    if not value:
        return None
    folded = comparison_key(clean_text(value))
    if folded in ("1", "nam", "m", "male"):
        return "1"
    if folded in ("2", "nu", "f", "female"):
        return "2"
    return None


# The comparison features (FEATURE_COLUMNS without the blocking keys): what the model reads,
# and what the registry stores per citizen (Citizen.match_features) so that the lookup only
# decodes them. Bump FEATURES_VERSION whenever a feature is derived differently: stored
# features of another version are ignored (derived again from the citizen's values) until
# ``hotich registry features`` stores them anew.
COMPARED_COLUMNS: tuple[str, ...] = FEATURE_COLUMNS[: -len(BLOCKING_KEYS)]
FEATURES_VERSION = 2  # 2: the loose blocking keys bk7…bk16 (registry migration 0006)

NameFeatures = tuple[
    str | None, str | None, str | None, str | None,  # fam_n fam_t fam_f fam_v
    str | None, str | None, str | None, str | None,  # mid_n mid_t mid_f mid_c
    str | None, str | None, str | None, str | None,  # giv_n giv_t giv_f full_f
]  # fmt: skip
Place = tuple[str | None, str | None, str | None]


@lru_cache(maxsize=400_000)
def name_features(family: str, middle: str, given: str) -> NameFeatures:
    """Return the twelve name features (fam_n … full_f) of a name already parsed."""
    mid_words = [_key(w) or "" for w in middle.split()]
    return (
        family.lower() or None,
        " ".join(untone(w) for w in family.split()) or None,
        _key(family),
        family_variant_key(family),
        middle.lower() if given else None,
        " ".join(untone(w) for w in middle.split()) if given else None,
        "".join(mid_words) if given else None,
        "".join(w for w in mid_words if w not in _MARKERS) if given else None,
        given.lower() or None,
        untone(given) or None,
        _key(given),
        _key(" ".join(p for p in (family, middle, given) if p)),
    )


@lru_cache(maxsize=400_000)
def parent_features(name: str) -> tuple[str | None, str | None]:
    """Return a parent's folded full name and folded given name (fa_f, fa_g or mo_f, mo_g)."""
    family, middle, given = _name_parts(name)
    return _key(" ".join((family, middle, given))), _key(given)


@lru_cache(maxsize=1_000)
def ethnicity_feature(text: str) -> str | None:
    """Return the canonical name of the ethnic group written in ``text``, or None."""
    group = normalise_ethnicity(clean_text(text)) if text else None
    return group.name if group else None


def compared_features(
    names: NameFeatures,
    date: PartialDate | None,
    sex: str | None,
    birthplace: Place,
    hometown: Place,
    father: tuple[str | None, str | None],
    mother: tuple[str | None, str | None],
    ethnicity: str | None,
) -> tuple[object, ...]:
    """Return the values of COMPARED_COLUMNS from the parts of a person, in that order.

    :func:`person_features` derives the parts from the values as written; the registry loader
    passes the parts it has already parsed (tests/registry/test_keys.py checks both agree).
    """
    if date:
        day = date.day
        dates: tuple[object, ...] = (
            date.isoformat(),
            date.year,
            date.month,
            day,
            3 if day else 2 if date.month else 1,
        )
    else:
        dates = (None, None, None, None, None)
    return (*names, *dates, sex, *birthplace, *hometown, *father, *mother, ethnicity)


# Positions in a feature vector (COMPARED_COLUMNS, then the blocking keys).
_AT = {column: index for index, column in enumerate(FEATURE_COLUMNS)}


_FULL_F, _FAM_V, _GIV_F = _AT["full_f"], _AT["fam_v"], _AT["giv_f"]
_BD, _BYR, _BMON, _BDAY, _MO_G = _AT["bd"], _AT["byr"], _AT["bmon"], _AT["bday"], _AT["mo_g"]
_MO_F, _BP_U, _BP_C, _FAM_F = _AT["mo_f"], _AT["bp_u"], _AT["bp_c"], _AT["fam_f"]

_VOWELS = re.compile(r"[aeiouy]")


def consonant_skeleton(key: str) -> str:
    """Return a folded key without its vowels: "nguyen" → "ngn", "khanh" → "khnh".

    A Vietnamese syllable's vowels are what keying damages most (ă/â/a, ơ/o, ư/u once the
    diacritics are lost or misread, a vowel dropped or doubled); its consonants survive.
    """
    return _VOWELS.sub("", key)


def blocking_values(compared: Sequence[Any]) -> tuple[str | None, ...]:
    """Return bk1…bk16 (BLOCKING_KEYS) of a vector of compared features.

    A key is None when a part is unknown. Written out (no helper per key): the registry
    loader calls this for every row of a 10-million-row extract.
    """
    full_f, fam_v, giv_f = compared[_FULL_F], compared[_FAM_V], compared[_GIV_F]
    year, day, mother = compared[_BYR], compared[_BDAY], compared[_MO_G]
    full_date = compared[_BD] if day else None
    month = compared[_BMON]
    fam_f = compared[_FAM_F]
    mother_f = compared[_MO_F]
    place = compared[_BP_C] or compared[_BP_U]
    if place:
        place = str(place)[:60]  # a place not resolved is its text key: keep the column short
    swappable = day and month and day <= 12 and day != month
    return (
        f"{full_f}|{year}" if full_f and year else None,
        f"{fam_v}|{giv_f}|{year}" if fam_v and giv_f and year else None,
        f"{giv_f}|{full_date}" if giv_f and full_date else None,
        f"{fam_v}|{full_date}" if fam_v and full_date else None,
        f"{full_f}|{month:02d}-{day:02d}" if full_f and day and month else None,
        f"{full_f}|{mother}" if full_f and mother else None,
        (
            f"{consonant_skeleton(fam_v)}|{consonant_skeleton(giv_f)}|{year}"
            if fam_v and giv_f and year
            else None
        ),
        f"{mother_f}|{year}" if mother_f and year else None,
        (
            f"{giv_f}|{year}|{min(day, month):02d}{max(day, month):02d}"
            if giv_f and year and swappable
            else None
        ),
        f"{place}|{giv_f}|{year}" if place and giv_f and year else None,
        f"{place}|{fam_v}|{year}" if place and fam_v and year else None,
        f"{full_f}|{year // 2}" if full_f and year else None,
        f"{full_f}|{(year + 1) // 2}" if full_f and year else None,
        f"{place}|{fam_v}|{giv_f}" if place and fam_v and giv_f else None,
        (f"{min(fam_f, giv_f)}|{max(fam_f, giv_f)}|{year}" if fam_f and giv_f and year else None),
        f"{place}|{full_date}" if place and full_date else None,
    )


def person_compared(person: PersonInput) -> tuple[object, ...]:
    """Return the compared features of ``person`` (COMPARED_COLUMNS, in order)."""
    return compared_features(
        name_features(*_name_parts(person.full_name or "")),
        parse_birth_date(person.birth_date),
        parse_sex(person.sex),
        place_features(person.birth_place or ""),
        place_features(person.hometown or ""),
        parent_features(person.father_name or ""),
        parent_features(person.mother_name or ""),
        ethnicity_feature(person.ethnicity or ""),
    )


def person_features(person: PersonInput) -> dict[str, object]:
    """Return the feature row of ``person`` (keys: FEATURE_COLUMNS; None when unknown)."""
    compared = person_compared(person)
    return dict(zip(FEATURE_COLUMNS, (*compared, *blocking_values(compared)), strict=True))


# --- stored features --------------------------------------------------------------------------


def encode_features(compared: tuple[object, ...]) -> str:
    """Return compared features as stored in the registry: JSON ``[version, values…]``."""
    return orjson.dumps((FEATURES_VERSION, *compared)).decode()


def decode_features(stored: str | bytes | None) -> list[object] | None:
    """Return the compared features stored by :func:`encode_features`, or None when absent
    or of another FEATURES_VERSION (the caller then derives them from the citizen)."""
    if not stored:
        return None
    values = orjson.loads(stored)
    if values[0] != FEATURES_VERSION or len(values) != len(COMPARED_COLUMNS) + 1:
        return None
    del values[0]
    return values


def features_row(compared: tuple[object, ...] | list[object]) -> dict[str, object]:
    """Return the feature row (FEATURE_COLUMNS) of compared features."""
    compared = tuple(compared)
    return dict(zip(FEATURE_COLUMNS, (*compared, *blocking_values(compared)), strict=True))


def match_columns(person: PersonInput) -> dict[str, str | None]:
    """Return the Citizen columns the matching engine reads: the blocking keys and match_features."""
    compared = person_compared(person)
    return {
        **dict(zip(BLOCKING_KEYS, blocking_values(compared), strict=True)),
        "match_features": encode_features(compared),
    }
