"""Comparison features of one person, from the values as written (pure, no Django).

Both sides of a comparison (a person named in a book, a citizen of the registry) go through
:func:`person_features`, so the model compares like with like. The values as written are
never changed: features are derived forms (normalised, untoned, folded keys) and blocking
keys. Damaged text (TCVN3/VNI/VISCII mojibake) is repaired first.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

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
)

# What each blocking key joins on; a pair of records is a candidate when any key is equal.
BLOCKING_KEYS: dict[str, str] = {
    "bk1": "whole name and birth year",
    "bk2": "family and given name (middle name ignored) and birth year",
    "bk3": "given name and full birth date",
    "bk4": "family name and full birth date",
    "bk5": "whole name and day and month of birth (year differs)",
    "bk6": "whole name and mother's given name",
}

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
def _place(text: str) -> tuple[str | None, str | None, str | None]:
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


def _join(*parts: object) -> str | None:
    if any(p is None or p == "" for p in parts):
        return None
    return "|".join(str(p) for p in parts)


def person_features(person: PersonInput) -> dict[str, object]:
    """Return the feature row of ``person`` (keys: FEATURE_COLUMNS; None when unknown)."""
    family, middle, given = _name_parts(person.full_name or "")
    mid_words = [_key(w) or "" for w in middle.split()]
    fam_f = _key(family)
    giv_f = _key(given)
    fam_v = family_variant_key(family)
    full_f = _key(" ".join(p for p in (family, middle, given) if p))
    date = parse_birth_date(person.birth_date)
    year = date.year if date else None
    month = date.month if date else None
    day = date.day if date else None
    prec = (3 if day else 2 if month else 1) if date else None
    full_date = date.isoformat() if date and day else None
    bp_u, bp_c, bp_p = _place(person.birth_place or "")
    ht_u, ht_c, ht_p = _place(person.hometown or "")
    fa_family, fa_middle, fa_given = _name_parts(person.father_name or "")
    mo_family, mo_middle, mo_given = _name_parts(person.mother_name or "")
    mo_g = _key(mo_given)
    group = normalise_ethnicity(clean_text(person.ethnicity or "")) if person.ethnicity else None
    return {
        "fam_n": family.lower() or None,
        "fam_t": " ".join(untone(w) for w in family.split()) or None,
        "fam_f": fam_f,
        "fam_v": fam_v,
        "mid_n": middle.lower() if given else None,
        "mid_t": " ".join(untone(w) for w in middle.split()) if given else None,
        "mid_f": "".join(mid_words) if given else None,
        "mid_c": "".join(w for w in mid_words if w not in _MARKERS) if given else None,
        "giv_n": given.lower() or None,
        "giv_t": untone(given) or None,
        "giv_f": giv_f,
        "full_f": full_f,
        "bd": date.isoformat() if date else None,
        "byr": year,
        "bmon": month,
        "bday": day,
        "bprec": prec,
        "sex": parse_sex(person.sex),
        "bp_u": bp_u,
        "bp_c": bp_c,
        "bp_p": bp_p,
        "ht_u": ht_u,
        "ht_c": ht_c,
        "ht_p": ht_p,
        "fa_f": _key(" ".join((fa_family, fa_middle, fa_given))),
        "fa_g": _key(fa_given),
        "mo_f": _key(" ".join((mo_family, mo_middle, mo_given))),
        "mo_g": mo_g,
        "eth": group.name if group else None,
        "bk1": _join(full_f, year),
        "bk2": _join(fam_v, giv_f, year),
        "bk3": _join(giv_f, full_date),
        "bk4": _join(fam_v, full_date),
        "bk5": _join(full_f, f"{month:02d}-{day:02d}" if day and month else None),
        "bk6": _join(full_f, mo_g),
    }


def block_keys(person: PersonInput) -> dict[str, str | None]:
    """Return the blocking keys bk1…bk6 of ``person`` (for the registry's indexed columns)."""
    features = person_features(person)
    return {key: features[key] for key in BLOCKING_KEYS}  # type: ignore[misc]
