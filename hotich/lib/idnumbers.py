"""Personal ID numbers (số định danh cá nhân) and old ID cards (CMND).

Pure helpers: no Django, no database. Uniqueness of a generated number is the caller's job.

The 12-digit personal ID (Decree 137/2015, Circular 07/2016/TT-BCA; see docs/sources.md, "Personal ID")::

    PPP  C  YY  NNNNNN
    |    |  |   '-- 6 random digits (no checksum)
    |    |  '------ last two digits of the birth year
    |    '--------- century and sex: 1900s male 0 / female 1, 2000s 2 / 3, 2100s 4 / 5,
    |               2200s 6 / 7, 2300s 8 / 9
    '-------------- province (or country) code of the birth registration

The old CMND card has 9 digits and cannot be derived from the 12-digit number. From 2012 to
2016 some provinces issued 12-digit CMND cards with the personal-ID layout; they classify as
personal IDs here.
"""

from __future__ import annotations

import random
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Literal

from hotich.lib.text import fold

__all__ = [
    "PROVINCE_CODES",
    "Cmnd",
    "IdKind",
    "InvalidIdNumber",
    "InvalidPersonalId",
    "PersonalId",
    "Sex",
    "classify_id_number",
    "generate_personal_id",
    "is_cmnd",
    "normalise_id_number",
    "normalise_province_code",
    "normalise_sex",
    "parse_cmnd",
    "parse_personal_id",
    "validate_personal_id",
]

Sex = Literal["male", "female"]
IdKind = Literal["personal_id", "cmnd", "unknown"]

# The 63 provinces before the 1 July 2025 merger (Circular 07/2016/TT-BCA: the statistical
# 2-digit code with a leading 0). Personal IDs keep the code of the province where the birth
# was registered, so historical books always need this list, not the 34 current provinces.
PROVINCE_CODES: dict[str, str] = {
    "001": "Hà Nội",
    "002": "Hà Giang",
    "004": "Cao Bằng",
    "006": "Bắc Kạn",
    "008": "Tuyên Quang",
    "010": "Lào Cai",
    "011": "Điện Biên",
    "012": "Lai Châu",
    "014": "Sơn La",
    "015": "Yên Bái",
    "017": "Hòa Bình",
    "019": "Thái Nguyên",
    "020": "Lạng Sơn",
    "022": "Quảng Ninh",
    "024": "Bắc Giang",
    "025": "Phú Thọ",
    "026": "Vĩnh Phúc",
    "027": "Bắc Ninh",
    "030": "Hải Dương",
    "031": "Hải Phòng",
    "033": "Hưng Yên",
    "034": "Thái Bình",
    "035": "Hà Nam",
    "036": "Nam Định",
    "037": "Ninh Bình",
    "038": "Thanh Hóa",
    "040": "Nghệ An",
    "042": "Hà Tĩnh",
    "044": "Quảng Bình",
    "045": "Quảng Trị",
    "046": "Thừa Thiên Huế",
    "048": "Đà Nẵng",
    "049": "Quảng Nam",
    "051": "Quảng Ngãi",
    "052": "Bình Định",
    "054": "Phú Yên",
    "056": "Khánh Hòa",
    "058": "Ninh Thuận",
    "060": "Bình Thuận",
    "062": "Kon Tum",
    "064": "Gia Lai",
    "066": "Đắk Lắk",
    "067": "Đắk Nông",
    "068": "Lâm Đồng",
    "070": "Bình Phước",
    "072": "Tây Ninh",
    "074": "Bình Dương",
    "075": "Đồng Nai",
    "077": "Bà Rịa–Vũng Tàu",
    "079": "TP Hồ Chí Minh",
    "080": "Long An",
    "082": "Tiền Giang",
    "083": "Bến Tre",
    "084": "Trà Vinh",
    "086": "Vĩnh Long",
    "087": "Đồng Tháp",
    "089": "An Giang",
    "091": "Kiên Giang",
    "092": "Cần Thơ",
    "093": "Hậu Giang",
    "094": "Sóc Trăng",
    "095": "Bạc Liêu",
    "096": "Cà Mau",
}

# Years the century/sex digit can express: 0/1 -> 1900s ... 8/9 -> 2300s.
FIRST_ENCODABLE_YEAR = 1900
LAST_ENCODABLE_YEAR = 2399

_SEX_VI: dict[Sex, str] = {"male": "nam", "female": "nữ"}

# Folded (lower case, no diacritics) spellings of each sex, plus the Ministry code list
# (gioiTinh 1 Nam, 2 Nữ; 3 "unknown" deliberately maps to None).
_SEX_WORDS: dict[str, Sex] = {
    "nam": "male",
    "male": "male",
    "m": "male",
    "1": "male",
    "nu": "female",
    "female": "female",
    "f": "female",
    "2": "female",
}

# Characters people and spreadsheets put inside ID numbers: spaces (also no-break), dots,
# hyphens, and the apostrophe Excel users type to keep the leading zero.
_ID_SEPARATORS = str.maketrans("", "", " \u00a0\t.-_'’")

_VIETNAM_TZ = timezone(timedelta(hours=7))  # no daylight saving in Vietnam


class InvalidIdNumber(ValueError):
    """An identity-document number that cannot be read; the message is in Vietnamese."""


class InvalidPersonalId(InvalidIdNumber):
    """A string that is not a valid 12-digit personal ID; the message is in Vietnamese."""


@dataclass(frozen=True, slots=True)
class PersonalId:
    """Số định danh cá nhân, decoded into its parts."""

    province_code: str  # 3 digits, e.g. "035"
    province_name: str
    sex: Sex
    birth_year: int
    serial: str  # the 6 random digits, kept as text because of leading zeros

    @property
    def century_sex_digit(self) -> int:
        """Return the 4th digit, which encodes the century of birth and the sex."""
        return _century_sex_digit(self.birth_year, self.sex)

    @property
    def number(self) -> str:
        """Return the 12-digit number."""
        return (
            f"{self.province_code}{self.century_sex_digit}{self.birth_year % 100:02d}{self.serial}"
        )

    def __str__(self) -> str:
        return self.number


@dataclass(frozen=True, slots=True)
class Cmnd:
    """Chứng minh nhân dân: the old 9-digit identity card.

    ``issue_prefix`` is the 2-digit prefix of the province police that issued the card. The
    CMND prefixes are a different list from the personal-ID province codes (e.g. Hồ Chí Minh
    City is 02x on a CMND but 079 in a personal ID) and no authoritative copy of that list was
    available, so the prefix is kept as written and not mapped to a province name.
    """

    number: str
    issue_prefix: str


def normalise_sex(value: object) -> Sex | None:
    """Return "male" or "female" for any spelling found in books and files, else None.

    Accepts "nam"/"Nam"/"NAM", "nữ"/"nu"/"NỮ" (NFC or NFD), "male"/"female", "m"/"f", and the
    Ministry code list values 1 (Nam) and 2 (Nữ) as int or text. Blank, None, 3 ("không xác
    định") and anything unrecognised return None: the caller decides whether that is an error.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float):
        if not value.is_integer():  # also rejects NaN from an empty pandas/openpyxl cell
            return None
        value = int(value)
    if isinstance(value, int):
        value = str(value)
    if not isinstance(value, str):
        return None
    return _SEX_WORDS.get(fold(value.strip()))


def normalise_id_number(value: object) -> str:
    """Return ``value`` as the bare string of characters people meant to type.

    Removes spaces, dots, hyphens and Excel's leading apostrophe. A number read from an Excel
    cell (int, or a whole float) loses its leading zeros; every personal-ID province code starts
    with 0, so an int of 10 or 11 digits is padded back to 12. Strings are never padded: an
    11-digit string is more likely a digit missed on the keyboard.
    """
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        text = str(value)
        if 10 <= len(text) <= 11:
            text = text.zfill(12)
        return text
    return unicodedata.normalize("NFKC", str(value)).translate(_ID_SEPARATORS)


def normalise_province_code(code: str | int) -> str:
    """Return the 3-digit province code for "38", "038" or 38.

    Raise InvalidPersonalId (a ValueError) if it is not one of the 63 codes.
    """
    text = str(code).strip()
    if not text.isdigit() or len(text) > 3:
        raise InvalidPersonalId(f"Mã tỉnh “{code}” không hợp lệ: phải là 2 hoặc 3 chữ số.")
    text = text.zfill(3)
    if text not in PROVINCE_CODES:
        raise InvalidPersonalId(f"Mã tỉnh {text} không có trong danh mục 63 tỉnh, thành phố.")
    return text


def _century_sex_digit(birth_year: int, sex: Sex) -> int:
    return (birth_year // 100 - 19) * 2 + (1 if sex == "female" else 0)


def _today_in_vietnam() -> date:
    return datetime.now(UTC).astimezone(_VIETNAM_TZ).date()


def validate_personal_id(
    value: object,
    *,
    sex: object = None,
    birth_year: int | None = None,
    today: date | None = None,
) -> list[str]:
    """Return the problems with a personal ID as Vietnamese messages; empty means valid.

    Checks: 12 digits; a known province code; a birth year not after ``today`` (default: today
    in Vietnam); and, when given, agreement with ``sex`` (any spelling normalise_sex accepts)
    and ``birth_year``. Separators are ignored (see normalise_id_number). There is no checksum,
    so a valid result only means the number is well-formed and consistent.
    """
    number = normalise_id_number(value)
    if not number:
        return ["Chưa nhập số định danh cá nhân."]
    if not number.isdigit():
        return [f"Số định danh cá nhân “{number}” chỉ được gồm chữ số."]
    if len(number) != 12:
        hint = ""
        if len(number) == 11:
            hint = " (có thể bị mất số 0 ở đầu khi mở bằng Excel?)"
        elif len(number) == 9:
            hint = " (đây có thể là số CMND 9 số)"
        return [
            f"Số định danh cá nhân phải có 12 chữ số, số đã nhập có {len(number)} chữ số{hint}."
        ]

    problems: list[str] = []
    code = number[:3]
    if code not in PROVINCE_CODES:
        problems.append(f"Mã tỉnh {code} (3 số đầu) không có trong danh mục 63 tỉnh, thành phố.")

    digit = int(number[3])
    encoded_sex: Sex = "female" if digit % 2 else "male"
    encoded_year = 1900 + (digit // 2) * 100 + int(number[4:6])
    today = today or _today_in_vietnam()
    if encoded_year > today.year:
        problems.append(
            f"Số thứ 4 và 5–6 cho năm sinh {encoded_year}, sau năm hiện tại ({today.year})."
        )

    wanted_sex = normalise_sex(sex)
    if wanted_sex is not None and wanted_sex != encoded_sex:
        problems.append(
            f"Số thứ 4 là {digit} (giới tính {_SEX_VI[encoded_sex]}) "
            f"nhưng giới tính đã nhập là {_SEX_VI[wanted_sex]}."
        )
    if birth_year is not None and birth_year != encoded_year:
        if not FIRST_ENCODABLE_YEAR <= birth_year <= LAST_ENCODABLE_YEAR:
            problems.append(
                f"Năm sinh {birth_year} không thể có số định danh cá nhân "
                f"(chỉ mã hóa được các năm {FIRST_ENCODABLE_YEAR}–{LAST_ENCODABLE_YEAR})."
            )
        elif birth_year // 100 != encoded_year // 100:
            problems.append(
                f"Số thứ 4 là {digit} (sinh trong thế kỷ {encoded_year // 100 * 100}–"
                f"{encoded_year // 100 * 100 + 99}) nhưng năm sinh đã nhập là {birth_year}."
            )
        else:
            problems.append(
                f"Số thứ 5–6 là {number[4:6]} (năm sinh {encoded_year}) "
                f"nhưng năm sinh đã nhập là {birth_year}."
            )
    return problems


def parse_personal_id(value: object, *, today: date | None = None) -> PersonalId:
    """Return the parts of a personal ID.

    Raise InvalidPersonalId (a ValueError, message in Vietnamese) exactly when
    ``validate_personal_id(value, today=today)`` reports a problem.
    """
    problems = validate_personal_id(value, today=today)
    if problems:
        raise InvalidPersonalId(" ".join(problems))
    number = normalise_id_number(value)
    digit = int(number[3])
    return PersonalId(
        province_code=number[:3],
        province_name=PROVINCE_CODES[number[:3]],
        sex="female" if digit % 2 else "male",
        birth_year=1900 + (digit // 2) * 100 + int(number[4:6]),
        serial=number[6:],
    )


def generate_personal_id(
    *,
    province_code: str | int,
    sex: object,
    birth_year: int,
    rng: random.Random | None = None,
) -> str:
    """Return a new well-formed 12-digit personal ID for the given province, sex and year.

    ``province_code`` may be "38", "038" or 38; ``sex`` any spelling normalise_sex accepts.
    The 6 serial digits come from ``rng`` when given (reproducible demo data) and from
    ``secrets`` otherwise. The number is not guaranteed unused: the caller checks uniqueness
    against the database. Raise InvalidPersonalId for an unknown province, an unknown sex or a
    birth year outside 1900–2399.
    """
    code = normalise_province_code(province_code)
    normalised_sex = normalise_sex(sex)
    if normalised_sex is None:
        raise InvalidPersonalId(f"Giới tính “{sex}” không hợp lệ: phải là nam hoặc nữ.")
    if not FIRST_ENCODABLE_YEAR <= birth_year <= LAST_ENCODABLE_YEAR:
        raise InvalidPersonalId(
            f"Năm sinh {birth_year} không thể mã hóa trong số định danh cá nhân "
            f"(chỉ các năm {FIRST_ENCODABLE_YEAR}–{LAST_ENCODABLE_YEAR})."
        )
    serial = rng.randrange(1_000_000) if rng is not None else secrets.randbelow(1_000_000)
    digit = _century_sex_digit(birth_year, normalised_sex)
    return f"{code}{digit}{birth_year % 100:02d}{serial:06d}"


def is_cmnd(value: object) -> bool:
    """Return True if ``value`` has the shape of a 9-digit CMND (separators ignored).

    Only the shape is checked: see Cmnd for why the issuing prefix is not validated.
    """
    number = normalise_id_number(value)
    return len(number) == 9 and number.isdigit()


def parse_cmnd(value: object) -> Cmnd:
    """Return the 9-digit CMND in ``value``; raise InvalidIdNumber if it has another shape."""
    number = normalise_id_number(value)
    if not (len(number) == 9 and number.isdigit()):
        raise InvalidIdNumber(f"Số CMND “{number}” phải gồm đúng 9 chữ số.")
    return Cmnd(number=number, issue_prefix=number[:2])


def classify_id_number(value: object) -> IdKind:
    """Return which kind of number ``value`` looks like, ignoring spaces, dots and hyphens.

    "personal_id": 12 digits with a known province code (this includes 12-digit CMND and CCCD
    cards, which use the same number); "cmnd": 9 digits; "unknown": anything else. Only the
    shape is checked, not the sex or year against a person.
    """
    number = normalise_id_number(value)
    if not number.isdigit():
        return "unknown"
    if len(number) == 12 and number[:3] in PROVINCE_CODES:
        return "personal_id"
    if len(number) == 9:
        return "cmnd"
    return "unknown"
