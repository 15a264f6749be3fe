"""Ethnicity (dân tộc) and nationality (quốc tịch) as registers write them.

Pure helpers: no Django, no database.

The Ministry template stores names, not codes ("Kinh", "Mông (Mèo)", "Việt Nam"), and two
official code lists disagree (docs/sources.md, "Ethnicity and nationality"): the 1979 list (Quyết định 121-TCTK/PPCĐ,
02/3/1979: 04 Hoa, 06 Mường) and the 2008 list (Quyết định 1019/QĐ-TCTK, 12/11/2008:
04 Mường, 06 Hoa). Store the name as written plus the normalised group; a code is only
meaningful with the name of its list, so :func:`ethnicity_from_code` requires one.

The data and its sources are in ``data/ethnic_groups.csv``.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from hotich.lib.text import fold

__all__ = [
    "NATIONALITIES",
    "CodeList",
    "EthnicGroup",
    "ethnic_groups",
    "ethnicity_from_code",
    "nationality_iso_code",
    "normalise_ethnicity",
    "normalise_nationality",
]

CodeList = Literal["2008", "1979"]

_DATA = Path(__file__).parent / "data" / "ethnic_groups.csv"


@dataclass(frozen=True, slots=True)
class EthnicGroup:
    """One of the 54 ethnic groups.

    ``name`` is the canonical name (2008 list spelling, e.g. "Mông", "Ê Đê", "Khmer");
    ``code_2008`` / ``code_1979`` the two-digit codes in each official list; ``aliases`` other
    names and spellings that map to this group only.
    """

    name: str
    code_2008: str
    code_1979: str
    aliases: tuple[str, ...]

    def code(self, code_list: CodeList) -> str:
        """Return this group's code in the named list."""
        return self.code_2008 if code_list == "2008" else self.code_1979


def _fold(text: str) -> str:
    """Return ``text`` without diacritics, đ → d, lower case (one character per character)."""
    return fold(text)


def _key(text: str) -> str:
    """Return the lookup key: folded, no spaces, hyphens or apostrophes ("Ê-đê" → "ede")."""
    return re.sub(r"[^a-z0-9]", "", _fold(text))


@cache
def ethnic_groups() -> tuple[EthnicGroup, ...]:
    """Return the 54 groups in 2008-list order."""
    with _DATA.open(encoding="utf-8") as f:
        rows = csv.DictReader(line for line in f if not line.startswith("#"))
        groups = tuple(
            EthnicGroup(
                name=row["name"],
                code_2008=row["code_2008"],
                code_1979=row["code_1979"],
                aliases=tuple(a for a in row["aliases"].split("|") if a),
            )
            for row in rows
        )
    return tuple(sorted(groups, key=lambda g: g.code_2008))


@cache
def _by_key() -> dict[str, EthnicGroup]:
    index: dict[str, EthnicGroup] = {}
    for group in ethnic_groups():
        for form in (group.name, *group.aliases):
            key = _key(form)
            other = index.setdefault(key, group)
            # A form shared by two groups would silently pick one: the data must not have it.
            if other is not group:
                raise ValueError(f"{form!r} names both {other.name} and {group.name}")
    return index


_PREFIX = re.compile(r"^\s*(?:dan toc|dt|nguoi)[\s.:]+")
_PARENTHESES = re.compile(r"\(([^)]*)\)")


def normalise_ethnicity(text: str | None) -> EthnicGroup | None:
    """Return the group a written ethnicity names, or None when it names none or several.

    Accepts the official names, common alternative names and spellings, with or without
    diacritics, hyphens, apostrophes or a "dân tộc" prefix: "Mông (Mèo)", "H'Mông", "Mèo",
    "Ê-đê", "Êđê", "Rađê", "Khơ-me", "Hoa (Hán)", "KINH". A bare number is refused (it means
    nothing without its list: use :func:`ethnicity_from_code`).
    """
    if not text or not text.strip():
        return None
    folded = _PREFIX.sub("", _fold(unicodedata.normalize("NFC", text)))
    if re.fullmatch(r"[\s\d.]*", folded):
        return None
    index = _by_key()
    if (group := index.get(_key(folded))) is not None:
        return group
    # "Mông (Mèo)" not listed as a whole: both parts must agree on one group.
    parts = [_PARENTHESES.sub("", folded), *_PARENTHESES.findall(folded)]
    found = {g for p in parts if (g := index.get(_key(p))) is not None}
    return found.pop() if len(found) == 1 else None


def ethnicity_from_code(code: str | int, *, code_list: CodeList) -> EthnicGroup | None:
    """Return the group with ``code`` in the named list ("2008" or "1979"), or None.

    ``code_list`` is required on purpose: "04" is Mường in the 2008 list and Hoa in 1979.
    """
    if code_list not in ("2008", "1979"):
        raise ValueError(f"Unknown ethnicity code list {code_list!r}: use '2008' or '1979'")
    text = str(code).strip()
    if not text.isdigit():
        return None
    text = text.zfill(2)
    for group in ethnic_groups():
        if group.code(code_list) == text:
            return group
    return None


# --------------------------------------------------------------------------------------------
# Nationality
# --------------------------------------------------------------------------------------------

#: Canonical Vietnamese name → (ISO 3166-1 alpha-2, other forms seen in registers).
#: The most frequent nationalities in Vietnamese civil records (marriages and births with a
#: foreign parent), plus the former socialist countries common in older books.
NATIONALITIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "Việt Nam": ("VN", ("VN", "Viet Nam", "Vietnam", "Việt", "Cộng hòa xã hội chủ nghĩa Việt Nam")),
    "Trung Quốc": ("CN", ("China", "Trung Hoa", "TQ", "Cộng hòa nhân dân Trung Hoa")),
    "Đài Loan (Trung Quốc)": ("TW", ("Đài Loan", "Taiwan", "Đài Loan Trung Quốc")),
    "Hồng Kông (Trung Quốc)": ("HK", ("Hồng Kông", "Hong Kong", "Hongkong")),
    "Hàn Quốc": ("KR", ("Korea", "South Korea", "Đại Hàn", "Đại Hàn Dân Quốc", "Nam Hàn")),
    "Triều Tiên": ("KP", ("Bắc Triều Tiên", "North Korea", "CHDCND Triều Tiên")),
    "Nhật Bản": ("JP", ("Nhật", "Japan")),
    "Hoa Kỳ": ("US", ("Mỹ", "USA", "United States", "America", "Hợp chủng quốc Hoa Kỳ")),
    "Lào": ("LA", ("Laos", "Lao", "CHDCND Lào", "Cộng hòa dân chủ nhân dân Lào")),
    "Campuchia": ("KH", ("Cambodia", "Căm-pu-chia", "Cam Pu Chia", "Kampuchea")),
    "Thái Lan": ("TH", ("Thailand",)),
    "Malaysia": ("MY", ("Ma-lai-xi-a", "Ma Lai Xi A", "Mã Lai")),
    "Singapore": ("SG", ("Xin-ga-po", "Xingapo", "Singapo")),
    "Philippines": ("PH", ("Phi-líp-pin", "Philippin", "Phi Luật Tân")),
    "Indonesia": ("ID", ("In-đô-nê-xi-a", "Inđônêxia")),
    "Myanmar": ("MM", ("Mi-an-ma", "Myanma", "Miến Điện")),
    "Ấn Độ": ("IN", ("India",)),
    "Pháp": ("FR", ("France", "Cộng hòa Pháp")),
    "Đức": ("DE", ("Germany", "CHLB Đức", "Cộng hòa Liên bang Đức")),
    "Anh": ("GB", ("Vương quốc Anh", "United Kingdom", "UK", "England", "Liên hiệp Anh")),
    "Nga": ("RU", ("Liên bang Nga", "Russia", "Liên Xô")),
    "Úc": ("AU", ("Australia", "Ô-xtrây-li-a", "Ôxtrâylia", "Ốt-xtrây-li-a")),
    "Canada": ("CA", ("Ca-na-đa", "Canađa", "Gia Nã Đại")),
    "New Zealand": ("NZ", ("Niu Di-lân", "Niu Dilân", "Tân Tây Lan")),
    "Hà Lan": ("NL", ("Netherlands", "Holland")),
    "Bỉ": ("BE", ("Belgium",)),
    "Thụy Sĩ": ("CH", ("Switzerland", "Thụy Sỹ")),
    "Thụy Điển": ("SE", ("Sweden",)),
    "Na Uy": ("NO", ("Norway",)),
    "Đan Mạch": ("DK", ("Denmark",)),
    "Italia": ("IT", ("Ý", "Italy", "I-ta-li-a")),
    "Tây Ban Nha": ("ES", ("Spain",)),
    "Ba Lan": ("PL", ("Poland",)),
    "Séc": ("CZ", ("Cộng hòa Séc", "Czech", "Tiệp Khắc")),
    "Hungary": ("HU", ("Hung-ga-ri", "Hunggari")),
    "Bulgaria": ("BG", ("Bun-ga-ri", "Bungari")),
    "Ukraina": ("UA", ("Ukraine", "U-crai-na", "Ucraina")),
    "Cuba": ("CU", ("Cu Ba", "Cu-ba")),
}


@cache
def _nationality_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for name, (_iso, forms) in NATIONALITIES.items():
        for form in (name, *forms):
            key = _key(form)
            if index.setdefault(key, name) != name:
                raise ValueError(f"{form!r} names both {index[key]} and {name}")
    return index


_NATIONALITY_PREFIX = re.compile(r"^\s*(?:quoc tich|nuoc|nguoi)[\s.:]+")


def normalise_nationality(text: str | None) -> str | None:
    """Return the canonical Vietnamese name of a written nationality, or None if unknown.

    "Việt Nam", "VN", "Viet Nam", "Vietnam", "Việt nam", "VIỆT NAM" → "Việt Nam";
    "Mỹ", "USA" → "Hoa Kỳ"; "Đài Loan" → "Đài Loan (Trung Quốc)". ISO codes are not accepted
    as input except "VN" (and "UK"/"USA"/"TQ", which are how registers write those names):
    "MY" in capitals without diacritics is "Mỹ" to a Vietnamese typist, not Malaysia.
    """
    if not text or not text.strip():
        return None
    folded = _NATIONALITY_PREFIX.sub("", _fold(unicodedata.normalize("NFC", text)))
    return _nationality_index().get(_key(folded))


def nationality_iso_code(text: str | None) -> str | None:
    """Return the ISO 3166-1 alpha-2 code of a written nationality, or None if unknown."""
    name = normalise_nationality(text)
    return NATIONALITIES[name][0] if name is not None else None
