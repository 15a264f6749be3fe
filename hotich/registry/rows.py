"""One row of a registry extract → the values of one Citizen row (pure: no Django, no ORM).

This is the per-row work of ``hotich registry load`` and ``hotich registry synth``; it runs in
worker processes, so it imports only the pure library and the matching features. Problems
are returned as codes with the details the library gave (already Vietnamese); the caller
turns them into translated messages.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache

from hotich.lib.dates import DateParseError, PartialDate, parse_partial_date, today_in_vietnam
from hotich.lib.idnumbers import PROVINCE_CODES, normalise_id_number, validate_personal_id
from hotich.lib.names import parse_name
from hotich.lib.places import resolve_place
from hotich.lib.text import comparison_key, normalise_name
from hotich.matching.engine.features import (
    BLOCKING_KEYS,
    PERSON_COLUMNS,
    NameFeatures,
    blocking_values,
    clean_text,
    compared_features,
    encode_features,
    ethnicity_feature,
    name_features,
    parent_features,
    parse_sex,
    place_features,
)

#: The load contract (docs/registry.md): required first four, the others may be missing or empty.
CONTRACT_COLUMNS: tuple[str, ...] = ("personal_id", *PERSON_COLUMNS)
REQUIRED_COLUMNS: tuple[str, ...] = CONTRACT_COLUMNS[:4]
OPTIONAL_COLUMNS: tuple[str, ...] = (
    "residence",
    "nationality",
    "spouse_id",
    "father_id",
    "mother_id",
    "death_date",
)
#: Not part of the contract: the synthesiser knows the birth commune's code exactly.
BIRTHPLACE_CODE = "birthplace_code"
KNOWN_COLUMNS: tuple[str, ...] = (*CONTRACT_COLUMNS, *OPTIONAL_COLUMNS, BIRTHPLACE_CODE)
# Header spellings seen in hand-made extracts.
COLUMN_ALIASES = {"birthplace": "birth_place", "place_of_birth": "birth_place", "id": "personal_id"}
LINK_COLUMNS: tuple[str, ...] = ("father_id", "mother_id", "spouse_id")

#: Citizen columns written by the loader, in this order (created_at is added by the writer).
DB_COLUMNS: tuple[str, ...] = (
    "personal_id",
    "full_name",
    "family_name",
    "middle_name",
    "given_name",
    "name_key",
    "family_key",
    "given_key",
    "birth_date",
    "birth_year",
    "sex",
    "birthplace",
    "birthplace_unit_id",
    "hometown",
    "ethnicity",
    "nationality",
    "residence",
    "father_name",
    "mother_name",
    "alive",
    "death_date",
    "source",
    *BLOCKING_KEYS,
    "match_features",
)
#: What the loader writes for the matching engine (hotich.matching.engine.features.match_columns).
MATCH_COLUMNS: tuple[str, ...] = (*BLOCKING_KEYS, "match_features")
DEFAULT_NATIONALITY = "Việt Nam"

# Problem codes; ``fatal`` problems reject the row, the others are warnings.
MISSING_NAME = "missing_name"
BAD_ID = "bad_id"
ID_MISMATCH = "id_mismatch"
BAD_DATE = "bad_date"
BAD_SEX = "bad_sex"
BAD_LINK = "bad_link"
BAD_SHAPE = "bad_shape"


@dataclass(frozen=True, slots=True)
class RowProblem:
    """What is wrong with one cell: ``row`` is the row number the user sees (header = 1)."""

    row: int
    column: str
    code: str
    detail: str
    fatal: bool


@dataclass(slots=True)
class PreparedChunk:
    """The output of :func:`prepare_chunk`: Citizen values, links and problems.

    ``linked[i]`` is the position in ``values`` of the row ``links[i]`` belongs to.
    """

    values: list[tuple[object, ...]]
    links: list[tuple[str, str | None, str | None, str | None]]
    problems: list[RowProblem]
    rows: int
    linked: list[int] = field(default_factory=list)
    # For PostgreSQL the values of each row come as one line of COPY text instead (see
    # copy_line): formatted in the workers, so the writing process only adds the keys.
    lines: list[str] = field(default_factory=list)

    @property
    def loaded(self) -> int:
        """How many rows are good (in ``values`` or in ``lines``)."""
        return len(self.lines) or len(self.values)


def _copy_text(value: str) -> str:
    # Most values need no escape: four scans in C instead of a translation per character.
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        value = value.replace("\\", "\\\\").replace("\t", "\\t")
        return value.replace("\n", "\\n").replace("\r", "\\r")
    return value


def copy_line(values: Sequence[object]) -> str:
    """Return VALUES as one row of PostgreSQL's COPY text format (no end of line)."""
    return "\t".join(
        [
            "\\N"
            if v is None
            else _copy_text(v)
            if v.__class__ is str
            else ("t" if v else "f")
            if v.__class__ is bool
            else str(v)
            for v in values
        ]
    )


@lru_cache(maxsize=200_000)
def name_columns(full_name: str) -> dict[str, str]:
    """Return full_name (normalised), its parts and comparison keys as Citizen stores them.

    The result is cached: do not change it.
    """
    normalised = normalise_name(clean_text(full_name))
    parsed = parse_name(normalised)
    return {
        "full_name": normalised,
        "family_name": parsed.family,
        "middle_name": parsed.middle,
        "given_name": parsed.given,
        "name_key": comparison_key(normalised),
        "family_key": comparison_key(parsed.family),
        "given_key": comparison_key(parsed.given),
    }


@lru_cache(maxsize=400_000)
def _name_row(full_name: str) -> tuple[tuple[str, ...], NameFeatures]:
    """Return name_columns of FULL_NAME as a tuple, and the matching engine's name features.

    The features come from the parts already parsed (person_features would repair, normalise
    and parse the name a second time); tests/registry/test_keys.py checks they are identical.
    """
    names = name_columns(full_name)
    return tuple(names.values()), name_features(
        names["family_name"], names["middle_name"], names["given_name"]
    )


def cell_text(value: object) -> str:
    """Return a cell of any reader (csv, Parquet, openpyxl) as text; dates in ISO form."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        if value != value:  # NaN from pandas/pyarrow
            return ""
        if value.is_integer():
            return str(int(value))
    return str(value)


@lru_cache(maxsize=100_000)
def _date(text: str) -> PartialDate | str:
    """Return the PartialDate in ``text`` or the Vietnamese reason it is unreadable."""
    try:
        return parse_partial_date(text)
    except DateParseError as exc:
        return str(exc)


@lru_cache(maxsize=50_000)
def _place_key(text: str) -> tuple[str, str, str] | None:
    result = resolve_place(text)
    if result.status == "resolved" and result.unit is not None:
        return (result.unit.period, result.unit.level, result.unit.code)
    return None


@lru_cache(maxsize=1_000)
def _sex(text: str) -> str:
    """Return the Citizen sex code of TEXT ("3" when unreadable); a file has few spellings."""
    return parse_sex(text) or "3"


@lru_cache(maxsize=300_000)
def _person_name(text: str) -> str:
    return normalise_name(clean_text(text))


def _id_number(value: object) -> str:
    if isinstance(value, str) and (value == "" or (len(value) == 12 and value.isdigit())):
        return value  # the usual cases, without the separators' translation
    return normalise_id_number(value)


def _id_problems(number: str, today: date | None) -> list[str]:
    if len(number) == 12 and number.isdigit() and number[:3] in PROVINCE_CODES:
        digit = int(number[3])
        if 1900 + (digit // 2) * 100 + int(number[4:6]) <= (today or _this_year()).year:
            return []
    return validate_personal_id(number, today=today)


@lru_cache(maxsize=1)
def _today_at(minute: int) -> date:
    return today_in_vietnam()


def _this_year() -> date:
    # today_in_vietnam() costs a time-zone conversion; once a minute is plenty.
    return _today_at(int(time.time() // 60))


def _consistent(number: str, sex: str, year: int | None) -> bool:
    """Return whether the ID's sex/century digit and year digits agree with SEX and YEAR."""
    digit = int(number[3])
    if sex in ("1", "2") and digit % 2 != (sex == "2"):
        return False
    return year is None or 1900 + (digit // 2) * 100 + int(number[4:6]) == year


def prepare_chunk(
    rows: Sequence[Sequence[object]],
    row_numbers: Sequence[int],
    columns: Sequence[str],
    unit_ids: dict[tuple[str, str, str], int],
    today: date | None = None,
    text: bool = False,
) -> PreparedChunk:
    """Return the Citizen values of ROWS (cells in the order of COLUMNS), their links, problems.

    ``unit_ids`` maps (period, level, code) of administrative units to their primary keys; a
    birthplace that resolves to one of them sets ``birthplace_unit_id``. With ``text`` the
    values of each row are returned as a COPY line in ``lines`` (the personal ID first).
    """
    index = {name: i for i, name in enumerate(columns)}
    width = len(columns)
    out = PreparedChunk(values=[], links=[], problems=[], rows=len(rows))
    for row, number in zip(rows, row_numbers, strict=True):
        if len(row) != width:
            out.problems.append(RowProblem(number, "", BAD_SHAPE, "", fatal=True))
            continue
        prepared = prepare_row(row, number, index, unit_ids, out.problems, today)
        if prepared is not None:
            values, links = prepared
            if text:
                out.lines.append(copy_line(values))
            else:
                out.values.append(values)
            if links is not None:
                out.links.append(links)
                out.linked.append(out.loaded - 1)
    return out


def prepare_row(
    row: Sequence[object],
    number: int,
    index: dict[str, int],
    unit_ids: dict[tuple[str, str, str], int],
    problems: list[RowProblem],
    today: date | None = None,
) -> tuple[tuple[object, ...], tuple[str, str | None, str | None, str | None] | None] | None:
    """Return (Citizen values, (personal_id, father, mother, spouse IDs) or None) or None.

    None means the row is rejected; its problems are appended to PROBLEMS.
    """

    # The per-row cost matters (10 million rows): a text cell is only stripped.
    def get(column: str) -> object:
        i = index.get(column)
        return row[i] if i is not None else None

    def cell(column: str) -> str:
        i = index.get(column)
        if i is None:
            return ""
        value = row[i]
        return value.strip() if isinstance(value, str) else cell_text(value)

    fatal = False
    personal_id = _id_number(get("personal_id"))
    id_problems = _id_problems(personal_id, today)
    if id_problems:
        problems.append(
            RowProblem(number, "personal_id", BAD_ID, " ".join(id_problems), fatal=True)
        )
        fatal = True

    names, name_feats = _name_row(cell("full_name"))
    if not names[3]:
        problems.append(RowProblem(number, "full_name", MISSING_NAME, "", fatal=True))
        fatal = True

    def date_cell(column: str) -> PartialDate | None:
        nonlocal fatal
        text = cell(column)
        if not text:
            return None
        parsed = _date(text)
        if isinstance(parsed, str):
            problems.append(RowProblem(number, column, BAD_DATE, parsed, fatal=True))
            fatal = True
            return None
        return parsed

    birth_date = date_cell("birth_date")
    death_date = date_cell("death_date")
    if fatal:
        return None

    sex_text = clean_text(cell("sex"))
    sex = _sex(sex_text)
    if sex == "3" and sex_text and sex_text != "3":
        problems.append(RowProblem(number, "sex", BAD_SEX, sex_text, fatal=False))
    year = birth_date.year if birth_date else None
    if not _consistent(personal_id, sex, year):
        mismatch = validate_personal_id(
            personal_id, sex=sex if sex != "3" else None, birth_year=year, today=today
        )
        problems.append(
            RowProblem(number, "personal_id", ID_MISMATCH, " ".join(mismatch), fatal=False)
        )

    birthplace = clean_text(cell("birth_place"))
    hometown = clean_text(cell("hometown"))
    ethnicity = clean_text(cell("ethnicity"))
    father_name = _person_name(cell("father_name"))
    mother_name = _person_name(cell("mother_name"))
    unit_id = None
    code = cell(BIRTHPLACE_CODE)
    if code:
        unit_id = unit_ids.get(("pre2025", "commune", code))
    elif birthplace:
        key = _place_key(birthplace)
        unit_id = unit_ids.get(key) if key else None

    # The matching engine's features, from the parts parsed above (see _name_row).
    compared = compared_features(
        name_feats,
        birth_date,
        sex if sex != "3" else None,
        place_features(birthplace),
        place_features(hometown),
        parent_features(father_name),
        parent_features(mother_name),
        ethnicity_feature(ethnicity),
    )
    values = (
        personal_id,
        *names,
        birth_date.isoformat() if birth_date else None,
        birth_date.year if birth_date else None,
        sex,
        birthplace,
        unit_id,
        hometown,
        ethnicity,
        clean_text(cell("nationality")) or DEFAULT_NATIONALITY,
        clean_text(cell("residence")),
        father_name,
        mother_name,
        death_date is None,
        death_date.isoformat() if death_date else None,
        "registry",
        *blocking_values(compared),
        encode_features(compared),
    )

    links: list[str | None] = []
    for column in LINK_COLUMNS:
        link = _id_number(get(column))
        if link:
            link_problems = _id_problems(link, today)
            if link_problems:
                problems.append(
                    RowProblem(number, column, BAD_LINK, " ".join(link_problems), fatal=False)
                )
                link = ""
        links.append(link or None)
    father_id, mother_id, spouse_id = links
    has_links = father_id or mother_id or spouse_id
    return values, (personal_id, father_id, mother_id, spouse_id) if has_links else None


def warm_up() -> None:
    """Build the libraries' lazy tables (places, names) in a process before its first chunk."""
    prepare_chunk(
        [
            (
                "038090000001",
                "Nguyễn Văn An",
                "01/02/1990",
                "Nam",
                "Xã Đông Văn, Huyện Đông Sơn, Tỉnh Thanh Hóa",
                "",
                "Kinh",
                "Nguyễn Văn Bình",
                "Lê Thị Cúc",
            )
        ],
        [2],
        CONTRACT_COLUMNS,
        {},
    )


_UNIT_IDS: dict[tuple[str, str, str], int] = {}
_TODAY: date | None = None
_TEXT = False


def init_worker(
    unit_ids: dict[tuple[str, str, str], int], today: date | None, text: bool = False
) -> None:
    """Set up a worker process of the loader (see hotich.registry.loading)."""
    global _UNIT_IDS, _TODAY, _TEXT
    _UNIT_IDS, _TODAY, _TEXT = unit_ids, today, text
    warm_up()


def prepare_in_worker(args: tuple[list[tuple[object, ...]], list[int], list[str]]) -> PreparedChunk:
    """Return prepare_chunk of (rows, row numbers, columns) with the worker's unit table."""
    rows, numbers, columns = args
    return prepare_chunk(rows, numbers, columns, _UNIT_IDS, _TODAY, text=_TEXT)


def canonical_columns(header: Iterable[object]) -> list[str]:
    """Return the header cells as contract column names (case, spaces and BOM ignored)."""
    names = []
    for cell in header:
        name = cell_text(cell).lstrip("\ufeff").strip().lower().replace(" ", "_")
        names.append(COLUMN_ALIASES.get(name, name))
    return names
