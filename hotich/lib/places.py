"""Administrative units (đơn vị hành chính) before and after 1 July 2025, and place resolution.

Pure helpers: no Django, no database. The data comes from the ``vietnam-provinces`` package
(GPL-3.0), which ships the pre-2025 units (63 provinces, 696 districts, 10,051 communes), the
current units (34 provinces, 3,321 communes, no districts) and the official old → new mapping.

Two facts shape the API (docs/sources.md, "Administrative units"):

- A book names a place as it was at the event date (xã, huyện, tỉnh), while reports roll up to
  today's units. :func:`resolve_place` therefore returns both the unit *as written* and the
  current unit(s) it maps to.
- A new ward often reuses an old ward's code, so a code means nothing without its period:
  every lookup by code takes ``period``.

The pre-2025 list is the state just before the 2025 reform, i.e. *after* the 2023–2025 district
and commune mergers. A book from 2010 may name a district that no longer exists in that list
(``huyện Đông Sơn`` was merged into ``thành phố Thanh Hóa`` in 2024); the resolver treats such a
district as unknown context rather than a contradiction and says so in the message.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Literal

from hotich.lib.text import fold

__all__ = [
    "REFORM_DATE",
    "AdminUnit",
    "Level",
    "Period",
    "PlaceResolution",
    "get_unit",
    "iter_units",
    "predecessors",
    "province_by_code",
    "resolve_place",
    "successors",
]

Period = Literal["pre2025", "current"]
Level = Literal["province", "district", "commune"]

#: First day of the two-level structure (34 provinces, no districts).
REFORM_DATE = date(2025, 7, 1)
_LAST_PRE2025_DAY = date(2025, 6, 30)
_CODE_WIDTH: dict[str, int] = {"province": 2, "district": 3, "commune": 5}


@dataclass(frozen=True, slots=True)
class AdminUnit:
    """One administrative unit in one period.

    ``name`` is the bare name without its type ("Đông Văn", "3" for "Phường 3");
    ``type_name`` is the type as written in Vietnamese ("Xã", "Phường", "Thị trấn", "Đặc khu",
    "Huyện", "Quận", "Thị xã", "Thành phố", "Tỉnh"). Codes are the official statistical codes
    as zero-padded strings (province 2 digits, district 3, commune 5).
    """

    code: str
    name: str
    level: Level
    period: Period
    parent_code: str | None
    province_code: str
    type_name: str
    valid_from: date | None
    valid_to: date | None

    @property
    def full_name(self) -> str:
        """Return the name with its type, e.g. "Xã Đông Văn", "Phường 3"."""
        return f"{self.type_name} {self.name}"

    def __str__(self) -> str:
        return self.full_name


@dataclass(frozen=True, slots=True)
class PlaceResolution:
    """The outcome of :func:`resolve_place`.

    - ``status`` "resolved": ``unit`` is the most specific unit written (historical if the text
      names pre-2025 units) and ``current`` its current successor(s); more than one successor
      means the old unit was split between several new ones (partial merge) and
      ``successor_ambiguous`` is True.
    - ``status`` "ambiguous": ``candidates`` lists the units the text could mean.
    - ``status`` "not_found": nothing matched.

    ``message`` explains in Vietnamese anything the officer should know (empty when there is
    nothing to add). ``current_province`` is the current province the place rolls up to, when
    it is known even if the commune is not (e.g. ambiguous within one province).
    """

    status: Literal["resolved", "ambiguous", "not_found"]
    unit: AdminUnit | None = None
    candidates: list[AdminUnit] = field(default_factory=list)
    current: list[AdminUnit] = field(default_factory=list)
    successor_ambiguous: bool = False
    current_province: AdminUnit | None = None
    message: str = ""


# --------------------------------------------------------------------------------------------
# Text folding
# --------------------------------------------------------------------------------------------


def _fold(text: str) -> str:
    """Return ``text`` without diacritics, đ → d, lower case (one character per character)."""
    return fold(text)


_NON_WORD = re.compile(r"[^a-z0-9 ]+")
_SPACES = re.compile(r"\s+")
_LEADING_ZEROS = re.compile(r"\b0+(\d)")


def _name_key(text: str) -> str:
    """Return the lookup key of a bare name: folded, apostrophes dropped, digits unpadded."""
    folded = _fold(text).replace("'", "").replace("’", "").replace("`", "")
    folded = _NON_WORD.sub(" ", folded.replace("-", " "))
    # "Phường 03" and "Phường 3" are the same ward.
    folded = _LEADING_ZEROS.sub(r"\1", folded)
    return _SPACES.sub(" ", folded).strip()


def _variant_keys(key: str) -> tuple[str, ...]:
    """Return looser forms of a key: without spaces ("daklak") and with y → i ("qui")."""
    return (key.replace(" ", ""), key.replace("y", "i").replace(" ", ""))


# --------------------------------------------------------------------------------------------
# Loading the package data into AdminUnit
# --------------------------------------------------------------------------------------------

# Types as the package writes them at the start of a name, longest first so "Thành phố" wins
# over a hypothetical "Thành".
_TYPE_PREFIXES = (
    "Thành phố",
    "Thị trấn",
    "Thị xã",
    "Đặc khu",
    "Phường",
    "Huyện",
    "Quận",
    "Tỉnh",
    "Xã",
)


def _split_type(full_name: str) -> tuple[str, str]:
    # The package is not consistent about case ("Thành Phố Bắc Kạn").
    lowered = full_name.lower()
    for prefix in _TYPE_PREFIXES:
        if lowered.startswith(prefix.lower() + " "):
            return prefix, full_name[len(prefix) + 1 :].strip()
    raise ValueError(f"Unknown administrative type in {full_name!r}")


@dataclass(slots=True)
class _Registry:
    units: dict[tuple[Period, Level, str], AdminUnit] = field(default_factory=dict)
    # old commune code -> new commune codes; old province -> new provinces
    commune_successors: dict[str, list[str]] = field(default_factory=dict)
    commune_predecessors: dict[str, list[str]] = field(default_factory=dict)
    province_successors: dict[str, list[str]] = field(default_factory=dict)
    province_predecessors: dict[str, list[str]] = field(default_factory=dict)
    communes_by_district: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    # name key -> units, per (period, level)
    by_key: dict[tuple[Period, Level], dict[str, list[AdminUnit]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )
    # current commune code -> pre-2025 province codes of its predecessors
    legacy_provinces_of_current: dict[str, frozenset[str]] = field(default_factory=dict)
    # current commune code -> pre-2025 district codes of its predecessors
    legacy_districts_of_current: dict[str, frozenset[str]] = field(default_factory=dict)


def _add(reg: _Registry, unit: AdminUnit) -> None:
    reg.units[(unit.period, unit.level, unit.code)] = unit
    key = _name_key(unit.name)
    index = reg.by_key[(unit.period, unit.level)]
    for k in {key, *_variant_keys(key)}:
        index[k].append(unit)


@cache
def _registry() -> _Registry:
    """Build every unit, the mappings and the name index once (≈ 0.5 s), then reuse them."""
    from vietnam_provinces import Province, Ward, legacy
    from vietnam_provinces._province_conversion_2025 import OLD_TO_NEW as PROVINCE_OLD_TO_NEW
    from vietnam_provinces._ward_conversion_2025 import OLD_TO_NEW as WARD_OLD_TO_NEW

    reg = _Registry()
    for p in legacy.Province.iter_all():
        type_name, name = _split_type(p.name)
        _add(
            reg,
            AdminUnit(
                f"{p.code.value:02d}",
                name,
                "province",
                "pre2025",
                None,
                f"{p.code.value:02d}",
                type_name,
                None,
                _LAST_PRE2025_DAY,
            ),
        )
    district_province: dict[int, str] = {}
    for d in legacy.District.iter_all():
        type_name, name = _split_type(d.name)
        province_code = f"{d.province_code.value:02d}"
        district_province[d.code.value] = province_code
        _add(
            reg,
            AdminUnit(
                f"{d.code.value:03d}",
                name,
                "district",
                "pre2025",
                province_code,
                province_code,
                type_name,
                None,
                _LAST_PRE2025_DAY,
            ),
        )
    for w in legacy.Ward.iter_all():
        type_name, name = _split_type(w.name)
        district_code = f"{w.district_code.value:03d}"
        code = f"{w.code.value:05d}"
        reg.communes_by_district[district_code].append(code)
        _add(
            reg,
            AdminUnit(
                code,
                name,
                "commune",
                "pre2025",
                district_code,
                district_province[w.district_code.value],
                type_name,
                None,
                _LAST_PRE2025_DAY,
            ),
        )
    for new_province in Province.iter_all():
        type_name, name = _split_type(new_province.name)
        code = f"{new_province.code.value:02d}"
        _add(
            reg,
            AdminUnit(code, name, "province", "current", None, code, type_name, REFORM_DATE, None),
        )
    for new_ward in Ward.iter_all():
        type_name, name = _split_type(new_ward.name)
        province_code = f"{new_ward.province_code.value:02d}"
        _add(
            reg,
            AdminUnit(
                f"{new_ward.code.value:05d}",
                name,
                "commune",
                "current",
                province_code,
                province_code,
                type_name,
                REFORM_DATE,
                None,
            ),
        )

    predecessors: dict[str, list[str]] = defaultdict(list)
    for old_code, entry in WARD_OLD_TO_NEW.items():
        old = f"{old_code:05d}"
        # The mapping knows ten old codes that the pre-2025 list does not (renamed or merged
        # early in 2025); keep only the ones we can show as units.
        if ("pre2025", "commune", old) not in reg.units:
            continue
        news = [f"{n.code:05d}" for n in entry.new_wards]
        reg.commune_successors[old] = news
        for new in news:
            predecessors[new].append(old)
    reg.commune_predecessors = dict(predecessors)
    for new, olds in predecessors.items():
        reg.legacy_provinces_of_current[new] = frozenset(
            reg.units[("pre2025", "commune", o)].province_code for o in olds
        )
        reg.legacy_districts_of_current[new] = frozenset(
            reg.units[("pre2025", "commune", o)].parent_code or "" for o in olds
        )

    # Informal names ("Sài Gòn", "TT Huế") are indexed like official ones.
    for alias, (alias_period, alias_code) in _PROVINCE_ALIASES.items():
        reg.by_key[(alias_period, "province")][alias].append(
            reg.units[(alias_period, "province", alias_code)]
        )

    province_predecessors: dict[str, list[str]] = defaultdict(list)
    for old_code, p_entry in PROVINCE_OLD_TO_NEW.items():
        old = f"{old_code:02d}"
        news = [f"{n.code:02d}" for n in p_entry.new_provinces]
        reg.province_successors[old] = news
        for new in news:
            province_predecessors[new].append(old)
    reg.province_predecessors = dict(province_predecessors)
    return reg


# --------------------------------------------------------------------------------------------
# Lookups
# --------------------------------------------------------------------------------------------


def iter_units(
    period: Period | None = None,
    province_code: str | None = None,
    *,
    level: Level | None = None,
) -> Iterator[AdminUnit]:
    """Yield units, optionally only of one period, one province (code of that period), one level.

    Order: pre-2025 before current; within a period provinces, districts, communes by code.
    """
    reg = _registry()
    if province_code is not None:
        province_code = province_code.strip().zfill(2)[-2:]
    for (p, lv, _code), unit in sorted(
        reg.units.items(),
        key=lambda item: (
            item[0][0] != "pre2025",
            ("province", "district", "commune").index(item[0][1]),
            item[0][2],
        ),
    ):
        if period is not None and p != period:
            continue
        if level is not None and lv != level:
            continue
        if province_code is not None and unit.province_code != province_code:
            continue
        yield unit


def get_unit(code: str, period: Period, level: Level) -> AdminUnit | None:
    """Return the unit with this official code in this period and level, or None.

    ``code`` may be given without its leading zeros ("16417" / "4" / "38").
    """
    code = code.strip()
    if not code.isdigit():
        return None
    return _registry().units.get((period, level, code.zfill(_CODE_WIDTH[level])))


def province_by_code(code: str, *, period: Period = "pre2025") -> AdminUnit | None:
    """Return the province for a statistical code ("38") or an ID-number code ("038").

    ID numbers carry the pre-2025 code with a leading 0 (Circular 07/2016), hence the default
    period. A three-digit code must start with 0; anything else returns None.
    """
    code = code.strip()
    if not code.isdigit() or not 1 <= len(code) <= 3:
        return None
    if len(code) == 3:
        if code[0] != "0":
            return None
        code = code[1:]
    return get_unit(code, period, "province")


def successors(unit: AdminUnit) -> list[AdminUnit]:
    """Return the current unit(s) that ``unit`` maps to.

    - pre-2025 commune: the new commune(s); more than one when it was split (partial merge).
    - pre-2025 district: every current commune that received part of it (districts were
      abolished, so this is usually several).
    - pre-2025 province: the current province.
    - a current unit: itself.

    Returns [] for the 28 pre-2025 communes the official mapping does not cover (they were
    merged into a neighbour early in 2025).
    """
    reg = _registry()
    if unit.period == "current":
        return [unit]
    if unit.level == "province":
        codes = reg.province_successors.get(unit.code, [])
        return [reg.units[("current", "province", c)] for c in codes]
    if unit.level == "commune":
        codes = reg.commune_successors.get(unit.code, [])
    else:
        seen: dict[str, None] = {}
        for commune in reg.communes_by_district.get(unit.code, []):
            for new in reg.commune_successors.get(commune, []):
                seen.setdefault(new, None)
        codes = sorted(seen)
    return [reg.units[("current", "commune", c)] for c in codes]


def predecessors(current_unit: AdminUnit) -> list[AdminUnit]:
    """Return the pre-2025 units that (wholly or partly) became ``current_unit``.

    For a current commune: the old communes; for a current province: the old provinces.
    Raises ValueError for a pre-2025 unit.
    """
    if current_unit.period != "current":
        raise ValueError("predecessors() takes a current unit; use successors() for old ones")
    reg = _registry()
    if current_unit.level == "province":
        codes = reg.province_predecessors.get(current_unit.code, [])
        return [reg.units[("pre2025", "province", c)] for c in codes]
    codes = reg.commune_predecessors.get(current_unit.code, [])
    return [reg.units[("pre2025", "commune", c)] for c in codes]


def _current_province_of(unit: AdminUnit) -> AdminUnit | None:
    reg = _registry()
    if unit.period == "current":
        return reg.units.get(("current", "province", unit.province_code))
    news = reg.province_successors.get(unit.province_code, [])
    return reg.units.get(("current", "province", news[0])) if len(news) == 1 else None


# --------------------------------------------------------------------------------------------
# Free-text parsing
# --------------------------------------------------------------------------------------------

_COMMUNE_TYPES = frozenset({"Xã", "Phường", "Thị trấn", "Đặc khu"})
_DISTRICT_TYPES = frozenset({"Huyện", "Quận", "Thị xã", "Thành phố"})
_PROVINCE_TYPES = frozenset({"Tỉnh", "Thành phố"})

# Folded type words and abbreviations → canonical type. Longest first in the regex.
_TYPE_WORDS: dict[str, str] = {
    "thi tran": "Thị trấn",
    "thi xa": "Thị xã",
    "thanh pho": "Thành phố",
    "dac khu": "Đặc khu",
    "phuong": "Phường",
    "huyen": "Huyện",
    "quan": "Quận",
    "tinh": "Tỉnh",
    "xa": "Xã",
    "tt": "Thị trấn",
    "tx": "Thị xã",
    "tp": "Thành phố",
    "p": "Phường",
    "x": "Xã",
    "h": "Huyện",
    "q": "Quận",
    "t": "Tỉnh",
}
_TYPE_ALTERNATION = "|".join(sorted(_TYPE_WORDS, key=len, reverse=True))
# A type word followed by a dot, or by a space, or glued to a number ("p3", "q.10").
_PREFIX = re.compile(rf"^(?P<type>{_TYPE_ALTERNATION})(?:\s*\.\s*|\s+|(?=\d))(?P<rest>.*)$")
# Type words written in full with diacritics are safe split points inside a segment
# ("xã Đông Văn huyện Đông Sơn tỉnh Thanh Hóa"); folded forms are not ("huyện Quan Hóa").
_INNER_TYPE = re.compile(
    r"(?<=\S)\s+(?=(?:xã|phường|thị trấn|huyện|quận|thị xã|thành phố|tỉnh|"
    r"x\.|p\.|tt\.|h\.|q\.|tx\.|tp\.|t\.)\s*\S)"
)
_SEPARATORS = re.compile(r"\s*(?:[,;|/\n]|\s[-–—]\s|[–—])\s*")
# Segments naming something below the commune (village, hamlet, street, group): skipped.
_SUB_COMMUNE = re.compile(
    r"^(thon|xom|ap|ban|buon|lang|khom|khu pho|kp|to dan pho|tdp|to|khu|so nha|so|duong|ngo|hem)\b"
)

# Informal province names books use. Keys are name keys (see _name_key), values
# (period, province code).
_PROVINCE_ALIASES: dict[str, tuple[Period, str]] = {
    "hcm": ("pre2025", "79"),
    "tphcm": ("pre2025", "79"),
    "tp hcm": ("pre2025", "79"),
    "sai gon": ("pre2025", "79"),
    "saigon": ("pre2025", "79"),
    "tp ho chi minh": ("pre2025", "79"),
    "thanh pho ho chi minh": ("pre2025", "79"),
    "sai gon gia dinh": ("pre2025", "79"),
    "hn": ("pre2025", "01"),
    "tphn": ("pre2025", "01"),
    "thua thien hue": ("pre2025", "46"),
    "thua thien": ("pre2025", "46"),
    "tt hue": ("pre2025", "46"),
    "tthue": ("pre2025", "46"),
    "br vt": ("pre2025", "77"),
    "brvt": ("pre2025", "77"),
    "dac lac": ("pre2025", "66"),
    "daclac": ("pre2025", "66"),
    "dac nong": ("pre2025", "67"),
    "kontum": ("pre2025", "62"),
    "dong nai": ("pre2025", "75"),
}
# Abbreviations that look like type prefixes but are province names: check them before
# stripping the prefix ("TT Huế" is Thừa Thiên Huế, not "thị trấn Huế").
_FOLDED_REWRITES = (
    (re.compile(r"\btt\s*[-.]?\s*hue\b"), "thua thien hue"),
    (re.compile(r"\btp\s*\.?\s*hcm\b"), "tp ho chi minh"),
)
_DASHED_NAMES = re.compile(r"\b(?:ba ria\s*-\s*vung tau|phan rang\s*-\s*thap cham)\b")


@dataclass(frozen=True, slots=True)
class _Segment:
    """One comma- or dash-separated part of a place string, parsed into readings."""

    raw: str
    # (type written, name key) readings, best first. Type None when none was written.
    readings: tuple[tuple[str | None, str], ...]
    # The name as written with its diacritics (type word removed), to prefer "Vĩnh Hùng"
    # over "Vĩnh Hưng" when both fold to "vinh hung". None when not known.
    accented: str | None = None
    # True when a dash (not a comma) separated this segment from the previous one.
    after_dash: bool = False

    @property
    def type_hint(self) -> str | None:
        return self.readings[0][0]


def _parse_segment(folded: str, raw: str, *, after_dash: bool = False) -> _Segment | None:
    folded, raw = folded.strip(" .-"), raw.strip(" .-")
    if not folded:
        return None
    readings: list[tuple[str | None, str]] = []
    accented = _accent_key(raw) if len(raw) == len(folded) else None
    match = _PREFIX.match(folded)
    if match and _name_key(match["rest"]):
        readings.append((_TYPE_WORDS[match["type"]], _name_key(match["rest"])))
        if accented is not None:
            accented = _accent_key(raw[match.start("rest") :])
    whole = _name_key(folded)
    if whole:
        # Without diacritics "xa" may be a name syllable (Xà Phìn): keep the unstripped reading.
        readings.append((None, whole))
    if not readings:
        return None
    return _Segment(raw, tuple(readings), accented, after_dash)


# Old-style tone placement (hoá, thuỷ) → new style (hóa, thủy) in open syllables, so the
# accented comparison does not depend on the typist's habit.
_OLD_TONES = dict(
    zip(
        ["oá", "oà", "oả", "oã", "oạ", "oé", "oè", "oẻ", "oẽ", "oẹ", "uý", "uỳ", "uỷ", "uỹ", "uỵ"],
        ["óa", "òa", "ỏa", "õa", "ọa", "óe", "òe", "ỏe", "õe", "ọe", "úy", "ùy", "ủy", "ũy", "ụy"],
        strict=True,
    )
)
_OLD_TONES_RE = re.compile("(" + "|".join(_OLD_TONES) + r")(?![a-zà-ỹđ])")


@cache
def _accent_key(text: str) -> str:
    """Return ``text`` lower-cased with diacritics kept, new-style tones, no punctuation."""
    lowered = unicodedata.normalize("NFC", text).lower()
    lowered = _OLD_TONES_RE.sub(lambda m: _OLD_TONES[m.group(1)], lowered)
    lowered = re.sub(r"[^\w ]+", " ", lowered.replace("'", "").replace("’", ""))
    lowered = _LEADING_ZEROS.sub(r"\1", lowered)
    return _SPACES.sub(" ", lowered).strip()


def _segments(text: str) -> list[_Segment]:
    """Split a place string into segments, most specific first as written.

    Splitting is done on the folded text; when folding kept the length (always for NFC
    Vietnamese) the same spans are cut from the original so messages quote what was written.
    """
    original = _INNER_TYPE.sub(", ", unicodedata.normalize("NFC", text).strip())
    folded = _fold(original)
    if len(folded) != len(original):
        original = folded
    # "Bà Rịa - Vũng Tàu" and "Phan Rang - Tháp Chàm" contain the " - " separator.
    for match in _DASHED_NAMES.finditer(folded):
        dash = match.start() + match.group(0).index("-")
        folded = folded[:dash] + " " + folded[dash + 1 :]
        original = original[:dash] + " " + original[dash + 1 :]
    spans: list[tuple[str, str, bool]] = []
    start, dash = 0, False
    for sep in _SEPARATORS.finditer(folded):
        spans.append((folded[start : sep.start()], original[start : sep.start()], dash))
        start, dash = sep.end(), bool(re.search(r"[-–—]", sep.group(0)))
    spans.append((folded[start:], original[start:], dash))
    spans = [(f, o, d) for f, o, d in spans if f.strip(" .-")]
    if len(spans) == 1 and len(pieces := _split_folded_keywords(spans[0][0])) > 1:
        spans = [(piece, piece, False) for piece in pieces]
    segments = []
    for folded_part, original_part, after_dash in spans:
        rewritten = folded_part
        for pattern, replacement in _FOLDED_REWRITES:
            rewritten = pattern.sub(replacement, rewritten)
        # A rewrite changes the length: the original can no longer be sliced alongside.
        raw = original_part if rewritten == folded_part else folded_part
        if (seg := _parse_segment(rewritten, raw, after_dash=after_dash)) is not None:
            segments.append(seg)
    segments = _merge_split_names(segments)
    # Drop village/street segments ("Thôn 2"), but not communes that look like one
    # ("Bản Nguyên", "Láng Tròn").
    kept = [
        s
        for s in segments
        if not _SUB_COMMUNE.match(s.readings[-1][1])
        or any(_lookup(s.readings[-1][1], p, "commune") for p in _BOTH)
    ]
    return kept or segments


def _merge_split_names(segments: list[_Segment]) -> list[_Segment]:
    """Re-join names that contain the " - " separator ("Văn Miếu - Quốc Tử Giám")."""
    merged: list[_Segment] = []
    for seg in segments:
        if merged and seg.after_dash and seg.type_hint is None:
            prev = merged[-1]
            hint, key = prev.readings[0]
            joined = f"{key} {seg.readings[-1][1]}"
            if any(_lookup(joined, p, lv) for p in _BOTH for lv in ("commune", "province")) or (
                _lookup(joined, "pre2025", "district")
            ):
                readings = ((hint, joined),) if hint else ((None, joined),)
                accented = (
                    f"{prev.accented} {seg.accented}" if prev.accented and seg.accented else None
                )
                merged[-1] = _Segment(f"{prev.raw} - {seg.raw}", readings, accented)
                continue
        merged.append(seg)
    return merged


_FOLDED_INNER_TYPE = re.compile(
    r"\s(?=(?:huyen|quan|thi xa|thanh pho|tinh|tx|tp|h|q|t)(?:\s*\.\s*|\s+)\S)"
)


def _split_folded_keywords(part: str) -> list[str]:
    """Split "xa dong van huyen dong son tinh thanh hoa" before each district/province word.

    Folded type words can also be name syllables ("huyen Quan Hoa", "huyen Van Quan",
    "tinh Ha Tinh"), so a split is kept only when the piece before it still has a name after
    its own type word, and the piece after it does not continue with another type word.
    """
    pieces: list[str] = []
    start = 0
    for match in _FOLDED_INNER_TYPE.finditer(part):
        head = part[start : match.start()]
        head_prefix = _PREFIX.match(head.strip())
        if (
            head_prefix is not None
            and not _name_key(head_prefix["rest"])
            or (_name_key(head) in _TYPE_WORDS)
        ):
            continue
        tail_prefix = _PREFIX.match(part[match.end() :])
        if tail_prefix is None or _PREFIX.match(tail_prefix["rest"]):
            continue
        pieces.append(head)
        start = match.end()
    pieces.append(part[start:])
    return pieces


# --------------------------------------------------------------------------------------------
# Matching
# --------------------------------------------------------------------------------------------


def _type_score(hint: str | None, unit: AdminUnit) -> int:
    """3: type written and equal; 2: no type written; 1: same level, other type; 0: clash."""
    if hint is None:
        return 2
    if hint == unit.type_name:
        return 3
    allowed = {
        "commune": _COMMUNE_TYPES,
        "district": _DISTRICT_TYPES,
        "province": _PROVINCE_TYPES,
    }[unit.level]
    if hint in allowed:
        return 1
    # "Thành phố Thanh Hóa" written as "TP Thanh Hóa" vs the district-level city is handled
    # above; a commune type on a district (or the reverse) is a clash.
    return 0


def _lookup(key: str, period: Period, level: Level) -> list[AdminUnit]:
    index = _registry().by_key[(period, level)]
    found = index.get(key)
    if found:
        return found
    for variant in _variant_keys(key):
        if found := index.get(variant):
            return found
    return []


def _segment_units(seg: _Segment, level: Level, periods: Iterable[Period]) -> list[AdminUnit]:
    """Return units of ``level`` the segment can name, best reading first, no type clash."""
    for hint, key in seg.readings:
        units = [
            u for period in periods for u in _lookup(key, period, level) if _type_score(hint, u) > 0
        ]
        if level == "province" and not units and key in _PROVINCE_ALIASES:
            alias_period, alias_code = _PROVINCE_ALIASES[key]
            units = [_registry().units[(alias_period, "province", alias_code)]]
        if units:
            return units
    return []


_BOTH: tuple[Period, Period] = ("pre2025", "current")


@cache
def _province_keys(unit: AdminUnit) -> frozenset[tuple[Period, str]]:
    """Return every (period, province code) a text may use for the province of ``unit``."""
    reg = _registry()
    keys: set[tuple[Period, str]] = set()
    if unit.period == "pre2025":
        keys.add(("pre2025", unit.province_code))
        keys.update(("current", c) for c in reg.province_successors.get(unit.province_code, []))
    else:
        keys.add(("current", unit.province_code))
        if unit.level == "province":
            olds = reg.province_predecessors.get(unit.code, [])
        else:
            olds = sorted(reg.legacy_provinces_of_current.get(unit.code, frozenset()))
        keys.update(("pre2025", c) for c in olds)
    return frozenset(keys)


@dataclass(slots=True)
class _Scored:
    unit: AdminUnit
    score: int = 0
    contradicted: bool = False
    unknown_context: list[str] = field(default_factory=list)


def _score_district_context(cand: _Scored, seg: _Segment) -> None:
    """Adjust a commune candidate's score with a context segment naming a district."""
    reg = _registry()
    unit = cand.unit
    districts = _segment_units(seg, "district", ("pre2025",))
    if not districts:
        # Not a district we know: maybe merged before 2025, maybe a village. Soft penalty.
        cand.score -= 1
        cand.unknown_context.append(seg.raw)
        return
    if unit.period == "pre2025":
        own = {unit.parent_code}
    else:
        own = set(reg.legacy_districts_of_current.get(unit.code, frozenset()))
    if any(d.code in own for d in districts):
        # A district is pre-2025 structure: it confirms an old commune more than a current
        # one that merely covers part of that district.
        cand.score += 10 if unit.period == "pre2025" else 5
    elif any(
        d.province_code == unit.province_code or _province_keys(d) & _province_keys(unit)
        for d in districts
    ):
        # A real district of the same province that is not this commune's: contradiction.
        cand.contradicted = True
    else:
        cand.score -= 1
        cand.unknown_context.append(seg.raw)


def _period_score(unit: AdminUnit, when: date | None) -> int:
    if when is None:
        return 0
    if unit.period == "current":
        return 4 if when >= REFORM_DATE else -8
    # Old units are still cited after the reform (old papers), so only a mild penalty.
    return 4 if when < REFORM_DATE else -2


def _pick(scored: list[_Scored]) -> list[_Scored]:
    """Return the best-scored candidates after dropping contradicted ones (if any survive)."""
    alive = [c for c in scored if not c.contradicted] or scored
    best = max(c.score for c in alive)
    return [c for c in alive if c.score == best]


def _same_place(top: list[_Scored]) -> _Scored | None:
    """Return the old candidate when the tie is one old unit and the current unit it became.

    "xã Đông Sơn, tỉnh Thanh Hóa" with no date matches an old and a new commune of that name;
    if the old one maps exactly to the new one, both readings give the same current unit.
    """
    old = [c for c in top if c.unit.period == "pre2025"]
    new = [c for c in top if c.unit.period == "current"]
    if len(old) != 1 or len(new) > 1:
        return None
    if not new:
        return old[0]
    return old[0] if successors(old[0].unit) == [new[0].unit] else None


def _resolved(unit: AdminUnit, note: str = "") -> PlaceResolution:
    current = successors(unit)
    ambiguous_successor = len(current) > 1 and unit.level == "commune"
    messages = [note] if note else []
    if ambiguous_successor:
        names = ", ".join(c.full_name for c in current)
        messages.append(
            f"{unit.full_name} đã được chia cho nhiều đơn vị mới ({names}); "
            "cần chọn đơn vị hiện tại theo địa chỉ cụ thể."
        )
    elif unit.period == "pre2025" and unit.level == "district":
        messages.append(
            f"{unit.full_name} không còn từ 01/07/2025; địa bàn nay thuộc {len(current)} xã/phường."
        )
    elif unit.period == "pre2025" and not current:
        messages.append(
            f"{unit.full_name} không có trong bảng chuyển đổi chính thức (đã sáp nhập trước "
            "01/07/2025); cần xác định đơn vị hiện tại thủ công."
        )
    return PlaceResolution(
        status="resolved",
        unit=unit,
        current=current,
        successor_ambiguous=len(current) > 1,
        current_province=_current_province_of(unit),
        message=" ".join(messages),
    )


def _ambiguous(candidates: list[AdminUnit], what: str, hint: str) -> PlaceResolution:
    provinces = {p for c in candidates if (p := _current_province_of(c)) is not None}
    names = "; ".join(_describe(c) for c in candidates[:8])
    more = f" và {len(candidates) - 8} đơn vị khác" if len(candidates) > 8 else ""
    return PlaceResolution(
        status="ambiguous",
        candidates=candidates,
        current_province=provinces.pop() if len(provinces) == 1 else None,
        message=f"“{what}” khớp với {len(candidates)} đơn vị ({names}{more}); {hint}",
    )


def _describe(unit: AdminUnit) -> str:
    reg = _registry()
    parts = [unit.full_name]
    if unit.level == "commune" and unit.period == "pre2025" and unit.parent_code:
        parts.append(reg.units[("pre2025", "district", unit.parent_code)].full_name)
    if unit.level != "province":
        parts.append(reg.units[(unit.period, "province", unit.province_code)].full_name)
    suffix = " (trước 07/2025)" if unit.period == "pre2025" else " (hiện nay)"
    return ", ".join(parts) + suffix


def _not_found(text: str, detail: str = "") -> PlaceResolution:
    message = f"Không tìm thấy đơn vị hành chính khớp với “{text.strip()}”."
    return PlaceResolution(status="not_found", message=f"{message} {detail}".strip())


def _split_glued(seg: _Segment) -> list[_Segment]:
    """Split one segment written without separators ("Dong Van Dong Son Thanh Hoa").

    Peel the longest province name off the end; of what is left, the longest leading words
    naming a commune of that province are the commune and the rest the district. Returns
    [seg] unchanged when the whole text is a name or no province name ends it.
    """
    key = seg.readings[-1][1]
    if any(_lookup(key, p, lv) for p in _BOTH for lv in ("province", "commune")) or _lookup(
        key, "pre2025", "district"
    ):
        return [seg]
    words = key.split()
    for i in range(1, len(words)):
        tail = " ".join(words[i:])
        provinces = [u for p in _BOTH for u in _lookup(tail, p, "province")]
        if tail in _PROVINCE_ALIASES:
            alias_period, alias_code = _PROVINCE_ALIASES[tail]
            provinces.append(_registry().units[(alias_period, "province", alias_code)])
        if not provinces:
            continue
        head = words[:i]
        codes = {k for u in provinces for k in _province_keys(u)}
        for j in range(len(head), 0, -1):
            commune = " ".join(head[:j])
            if any(
                _province_keys(u) & codes for p in _BOTH for u in _lookup(commune, p, "commune")
            ):
                rest = [_seg(" ".join(head[j:]))] if j < len(head) else []
                return [_seg(commune), *rest, _seg(tail)]
        return [_seg(" ".join(head)), _seg(tail)]
    return [seg]


def _seg(key: str) -> _Segment:
    parsed = _parse_segment(key, key)
    assert parsed is not None
    return parsed


def resolve_place(
    text: str,
    *,
    when: date | None = None,
    province_hint: str | None = None,
) -> PlaceResolution:
    """Resolve a place as books write it to an administrative unit and its current successor.

    ``text``: "xã Đông Văn, huyện Đông Sơn, tỉnh Thanh Hóa", "X. Đông Văn - H. Đông Sơn -
    T. Thanh Hoá", "Dong Van, Dong Son, Thanh Hoa", "P.3, Q.10, TP.HCM", … The first segment
    is taken as the most specific unit (a leading village or street segment is skipped); the
    others narrow it down. A district that no longer exists in the 2025 list is tolerated.

    ``when``: the event date; it decides between an old and a new unit with the same name
    (before 1 July 2025 → old units preferred, from then on → current units).

    ``province_hint``: a province name or code (pre-2025 or current; "038" accepted) to use
    when the text does not name one, e.g. the province of the registering commune.

    Never raises on bad input: returns status "not_found" or "ambiguous" with a Vietnamese
    message instead.
    """
    segments = _segments(text or "")
    if not segments:
        return _not_found(text or "")
    if len(segments) == 1 and not segments[0].type_hint:
        segments = _split_glued(segments[0])

    # Books write most-specific first; a few registers write the province first.
    if len(segments) > 1 and _segment_units(segments[0], "province", _BOTH):
        if not _segment_units(segments[-1], "province", _BOTH):
            segments = segments[::-1]

    # 1. Province: the last segment naming one, else the hint.
    province_keys: set[tuple[Period, str]] = set()
    context = list(segments)
    if len(segments) > 1:
        for idx in range(len(segments) - 1, 0, -1):
            if provinces := _segment_units(segments[idx], "province", _BOTH):
                province_keys = {k for p in provinces for k in _province_keys(p)}
                del context[idx]
                break
    else:
        # A lone segment that names a province is the province ("Thanh Hóa"), not the
        # district-level city of the same name, unless its written type says otherwise
        # ("TP Thanh Hóa" is the city: the province is a "Tỉnh").
        hint = segments[0].type_hint
        provinces = [
            u
            for u in _segment_units(segments[0], "province", _BOTH)
            if hint is None or _type_score(hint, u) == 3
        ]
        if provinces:
            return _pick_unit(provinces, when, text)
    if not province_keys and province_hint:
        hinted = province_by_code(province_hint) or province_by_code(
            province_hint, period="current"
        )
        hint_units = (
            [hinted] if hinted else _segment_units(_seg(_fold(province_hint)), "province", _BOTH)
        )
        province_keys = {k for p in hint_units for k in _province_keys(p)}

    # 2. The target: the first segment naming a commune or district in that province.
    while context:
        target, rest = context[0], context[1:]
        result = _resolve_target(target, rest, province_keys, when, text)
        if result.status != "not_found" or not rest:
            return result
        context = rest  # leading segment was a village/street we do not know: skip it
    # Only a province was written.
    provinces = [_registry().units[(p, "province", c)] for p, c in sorted(province_keys)]
    if provinces:
        return _pick_unit(provinces, when, text)
    return _not_found(text)


def _pick_unit(units: list[AdminUnit], when: date | None, text: str) -> PlaceResolution:
    """Choose among same-name units of one level (used for provinces)."""
    scored = [_Scored(u, _period_score(u, when)) for u in units]
    top = _pick(scored)
    if len(top) == 1:
        return _resolved(top[0].unit)
    if (same := _same_place(top)) is not None:
        return _resolved(same.unit)
    # Old province and the current province it became share a name ("Thanh Hóa"): when both
    # tie, the old one is the unit as written and maps to the same current province.
    olds = [c for c in top if c.unit.period == "pre2025"]
    if (
        len(olds) == 1
        and successors(olds[0].unit)
        and all(c.unit in successors(olds[0].unit) for c in top if c.unit.period == "current")
    ):
        return _resolved(olds[0].unit)
    return _ambiguous([c.unit for c in top], text, "cần ghi rõ đơn vị cấp trên.")


def _resolve_target(
    target: _Segment,
    rest: list[_Segment],
    province_keys: set[tuple[Period, str]],
    when: date | None,
    text: str,
) -> PlaceResolution:
    hint, candidates = _target_candidates(target, province_keys)
    if not candidates:
        return _not_found(text)

    scored = []
    for unit in candidates:
        cand = _Scored(unit, _type_score(hint, unit) + _period_score(unit, when))
        if target.accented and _accent_key(unit.name) == target.accented:
            cand.score += 1
        for seg in rest:
            if unit.level == "commune":
                _score_district_context(cand, seg)
            else:
                cand.score -= 1
                cand.unknown_context.append(seg.raw)
        scored.append(cand)
    if all(c.contradicted for c in scored):
        return _gone_from_district(target, rest)
    top = _pick(scored)
    chosen = top[0] if len(top) == 1 else _same_place(top)
    if chosen is None:
        what = target.raw.strip()
        advice = (
            "cần ghi rõ huyện/tỉnh."
            if not province_keys
            else "cần ghi rõ huyện hoặc ngày đăng ký để phân biệt đơn vị cũ và mới."
        )
        return _ambiguous([c.unit for c in top], what, advice)
    note = ""
    if chosen.unknown_context:
        listed = ", ".join(f"“{s.strip()}”" for s in chosen.unknown_context)
        note = (
            f"Không tìm thấy {listed} trong danh mục trước 07/2025 "
            "(có thể đã sáp nhập trước đó); đã xác định theo tên xã và tỉnh."
        )
    return _resolved(chosen.unit, note)


def _gone_from_district(target: _Segment, rest: list[_Segment]) -> PlaceResolution:
    """The commune name exists, but not in the district written: merged before 2025.

    "Phường 3, Quận 10" — Quận 10's numbered wards were merged in 2024, so the pre-2025 list
    has no such ward. Offer the current communes covering that district.
    """
    districts = [d for seg in rest for d in _segment_units(seg, "district", ("pre2025",))]
    covering = [c for d in districts for c in successors(d)]
    provinces = {p for d in districts if (p := _current_province_of(d)) is not None}
    names = ", ".join(d.full_name for d in districts)
    return PlaceResolution(
        status="ambiguous",
        candidates=covering,
        current_province=provinces.pop() if len(provinces) == 1 else None,
        message=(
            f"{names} không có “{target.raw}” trong danh mục trước 07/2025 (có thể đã sáp nhập "
            f"trước đó); địa bàn nay thuộc {len(covering)} xã/phường, cần chọn đơn vị hiện tại."
        ),
    )


def _target_candidates(
    target: _Segment, province_keys: set[tuple[Period, str]]
) -> tuple[str | None, list[AdminUnit]]:
    """Return (type written, units) for the first reading of ``target`` that names a unit.

    The written type decides the level (a "Quận" is a district); a reading without type tries
    communes, then districts. "Quan Hồ Thẩn" first reads as "Quận Hồ Thẩn", finds nothing,
    then reads as the commune "Quan Hồ Thẩn".
    """
    for hint, key in target.readings:
        levels: list[Level]
        if hint in _COMMUNE_TYPES:
            levels = ["commune"]
        elif hint in _DISTRICT_TYPES:
            levels = ["district"]
        else:
            levels = ["commune", "district"]
        for level in levels:
            periods: tuple[Period, ...] = _BOTH if level == "commune" else ("pre2025",)
            found = [
                u
                for period in periods
                for u in _lookup(key, period, level)
                if _type_score(hint, u) > 0
            ]
            if province_keys:
                found = [u for u in found if _within(u, province_keys)]
            if found:
                return hint, found
    return None, []


def _within(unit: AdminUnit, province_keys: set[tuple[Period, str]]) -> bool:
    """Return whether ``unit`` lies in the province(s) the text names.

    ``province_keys`` holds the named province in both periods (an old province with the
    current one it became, or a current province with the old ones it absorbed). An old unit
    must be in one of the old provinces; a current unit in one of the current provinces *and*
    cover part of a named old province — "xã Bạch Đằng, tỉnh Hải Dương" must not match the
    Bạch Đằng of old Hải Phòng although both are in today's Hải Phòng.
    """
    old = {code for period, code in province_keys if period == "pre2025"}
    if unit.period == "pre2025":
        return unit.province_code in old
    if ("current", unit.province_code) not in province_keys:
        return False
    legacy = _registry().legacy_provinces_of_current.get(unit.code)
    return not legacy or bool(legacy & old)
