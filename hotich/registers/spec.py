"""The vocabulary for describing register types (loại sổ hộ tịch) declaratively.

A register type is a list of fields in the Ministry template's column order. Forms,
validation, import, export and review diffs are all generated from these definitions, so
this module only *describes*: it has no Django import and no I/O.

The Ministry template's column names (``nksHoTen``, ``meLoaiCuTru`` …) appear here as data
only; code elsewhere should refer to fields through a :class:`RegisterType`.

Public API: :class:`FieldType`, :class:`PersonRole`, :class:`Fact`, :class:`CodeList`, :class:`Field`,
:class:`Address`, :class:`RegisterType`, :func:`header_key`, :func:`role_for_column`, ``REGISTER_TYPES``
(code → register type, in work order) and :func:`get_register_type`. The registers
themselves are defined in :mod:`hotich.registers.definitions`, one module each.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

from hotich.lib.text import fold


class FieldType(StrEnum):
    """What kind of value a column holds, which decides how it is parsed and compared."""

    TEXT = "text"
    NAME = "name"
    """A person's name (họ, chữ đệm và tên), kept as written; compared with name rules."""
    PARTIAL_DATE = "partial_date"
    """A date that may be known only to the year or month (books often give only a year)."""
    DATE_IN_WORDS = "date_in_words"
    """A date written out in words (ngày sinh bằng chữ), e.g. ``nksNgaySinhBangChu``."""
    TIME = "time"
    """Hour and minute (giờ phút), e.g. ``nktGioPhutChet``."""
    CODE = "code"
    """A value from a :class:`CodeList`; the field must name its list."""
    PLACE = "place"
    """A place as written in the book (nơi sinh, nơi cư trú, quê quán): free text."""
    ADMIN_UNIT = "admin_unit"
    """The code of an administrative unit (đơn vị hành chính), e.g. ``nksNoiSinhDVHC``."""
    ID_NUMBER = "id_number"
    """A personal ID (số định danh cá nhân), CMND/CCCD or passport number."""
    ETHNICITY = "ethnicity"
    """An ethnic group (dân tộc) by name as written, e.g. ``Kinh``, ``Mông (Mèo)``."""
    NATIONALITY = "nationality"
    """A nationality or country (quốc tịch / quốc gia) by name, e.g. ``Việt Nam``."""
    ENTRY_NUMBER = "entry_number"
    """The entry number in the book (``so``), restarting each year, e.g. ``01/2018``."""
    BOOK_NUMBER = "book_number"
    """The volume number (``quyenSo``), e.g. ``01/2018``."""
    INTEGER = "integer"
    """A plain whole number (``trangSo``, ``STT``)."""
    BOOLEAN = "boolean"


class PersonRole(StrEnum):
    """The part a person plays in a civil-status event; each has a Vietnamese label."""

    SUBJECT = "subject"
    MOTHER = "mother"
    FATHER = "father"
    HUSBAND = "husband"
    WIFE = "wife"
    DECEASED = "deceased"
    REQUESTER = "requester"
    PARENT = "parent"
    CHILD = "child"
    # Values are storage keys: short (at most 12 characters) and never renamed.
    ADOPTIVE_FATHER = "adopt_father"
    ADOPTIVE_MOTHER = "adopt_mother"
    ADOPTED_CHILD = "adoptee"
    BIRTH_FATHER = "birth_father"
    BIRTH_MOTHER = "birth_mother"
    GUARDIAN = "guardian"
    GUARDIAN_2 = "guardian2"
    WARD = "ward"

    @property
    def label(self) -> str:
        """Return the Vietnamese label of the role."""
        return _ROLE_LABELS[self]


class Fact(StrEnum):
    """Which fact about a person a person field carries (họ tên, ngày sinh …).

    Every field that describes a person is tagged with one; code that needs a person's name,
    birth date or ID reads the tag (see :mod:`hotich.registers.people`), never the column
    name. Several fields may carry one fact (``QuocTich`` and ``QuocTichStr``): the first in
    template order is the person's.
    """

    FULL_NAME = "full_name"
    BIRTH_DATE = "birth_date"
    BIRTH_DATE_IN_WORDS = "birth_date_words"
    SEX = "sex"
    BIRTHPLACE = "birthplace"
    BIRTHPLACE_UNIT = "birthplace_unit"
    """The administrative-unit code of the birthplace (``NoiSinhDVHC``, ``NoiSinhMaTinh``)."""
    BIRTHPLACE_ABROAD = "birthplace_abroad"
    """The birthplace abroad, as the interconnection layout sends it (``NoiSinhNuocNgoai``)."""
    HOMETOWN = "hometown"
    HOMETOWN_UNIT = "hometown_unit"
    """The administrative-unit codes of the hometown (``QueQuanMaXa`` …)."""
    ETHNICITY = "ethnicity"
    OTHER_ETHNICITY = "other_ethnicity"
    """The ethnic group written out when the list's code is "other" (``DanTocKhac``)."""
    NATIONALITY = "nationality"
    OTHER_NATIONALITY = "other_nationality"
    BIRTH_KIND = "birth_kind"
    RESIDENCE_TYPE = "residence_type"
    RESIDENCE = "residence"
    RESIDENCE_UNIT = "residence_unit"
    """The administrative-unit codes of the place of residence (``NoiCuTruMaXa`` …)."""
    PERSONAL_ID = "personal_id"
    """Số định danh cá nhân (12 digits; older books may hold a 9-digit CMND here)."""
    ID_DOCUMENT_TYPE = "id_doc_type"
    ID_DOCUMENT_OTHER = "id_doc_other"
    ID_DOCUMENT = "id_doc"
    """The number of the identity document (số giấy tờ tùy thân)."""
    ID_DOCUMENT_DATE = "id_doc_date"
    ID_DOCUMENT_PLACE = "id_doc_place"
    RELATIONSHIP = "relationship"
    """How the person is related to another person of the entry (quan hệ)."""
    CONTACT = "contact"
    """How to reach the person: telephone number, e-mail (the requester's, liên thông)."""
    DEATH = "death"
    """When, where, how the person died (ngày, giờ, nơi, nguyên nhân chết)."""
    DECLARATION = "declaration"
    """A court declaration noted in the entry (mất tích, hạn chế năng lực, tuyên bố chết)."""
    MARITAL_STATUS = "marital_status"
    """What a marital-status confirmation confirms: residence period, status, purpose."""


#: The order a person's facts are written on the book's page (and on the certificate the
#: page mirrors): name, birth, sex, ethnicity and nationality, places, documents, then the
#: event. The template's column order differs; the keying form follows the page. Facts not
#: listed, and several fields of one fact, keep their template order after the listed ones.
PAGE_FACT_ORDER: tuple[Fact, ...] = (
    Fact.FULL_NAME,
    Fact.BIRTH_DATE,
    Fact.BIRTH_DATE_IN_WORDS,
    Fact.SEX,
    Fact.ETHNICITY,
    Fact.NATIONALITY,
    Fact.OTHER_NATIONALITY,
    Fact.OTHER_ETHNICITY,
    Fact.BIRTHPLACE,
    Fact.BIRTHPLACE_UNIT,
    Fact.BIRTHPLACE_ABROAD,
    Fact.HOMETOWN,
    Fact.HOMETOWN_UNIT,
    Fact.RESIDENCE_TYPE,
    Fact.RESIDENCE,
    Fact.RESIDENCE_UNIT,
    Fact.PERSONAL_ID,
    Fact.ID_DOCUMENT_TYPE,
    Fact.ID_DOCUMENT_OTHER,
    Fact.ID_DOCUMENT,
    Fact.ID_DOCUMENT_DATE,
    Fact.ID_DOCUMENT_PLACE,
    Fact.RELATIONSHIP,
    Fact.CONTACT,
    Fact.BIRTH_KIND,
)

_ROLE_LABELS: dict[PersonRole, str] = {
    # The subject is "người được khai sinh" in a birth, "người được xác nhận" in a
    # marital-status confirmation: the register's own group label says which.
    PersonRole.SUBJECT: "Người được đăng ký",
    PersonRole.MOTHER: "Mẹ",
    PersonRole.FATHER: "Cha",
    PersonRole.HUSBAND: "Chồng",
    PersonRole.WIFE: "Vợ",
    PersonRole.DECEASED: "Người chết",
    PersonRole.REQUESTER: "Người yêu cầu",
    PersonRole.PARENT: "Cha, mẹ (bên nhận hoặc được nhận)",
    PersonRole.CHILD: "Con (bên nhận hoặc được nhận)",
    PersonRole.ADOPTIVE_FATHER: "Cha nuôi",
    PersonRole.ADOPTIVE_MOTHER: "Mẹ nuôi",
    PersonRole.ADOPTED_CHILD: "Con nuôi",
    PersonRole.BIRTH_FATHER: "Cha đẻ",
    PersonRole.BIRTH_MOTHER: "Mẹ đẻ",
    PersonRole.GUARDIAN: "Người giám hộ",
    PersonRole.GUARDIAN_2: "Người giám hộ thứ hai",
    PersonRole.WARD: "Người được giám hộ",
}

# Column-name prefix -> the person the column describes. ``None`` marks a prefix that is
# not a person (gbt = giấy báo tử, the death notice; csnd = cơ sở nuôi dưỡng, the
# institution that gives a child for adoption). The NCN prefixes are ours.
PERSON_PREFIXES: dict[str, PersonRole | None] = {
    "nks": PersonRole.SUBJECT,
    "nxn": PersonRole.SUBJECT,
    "me": PersonRole.MOTHER,
    "cha": PersonRole.FATHER,
    "nyc": PersonRole.REQUESTER,
    "nkt": PersonRole.DECEASED,
    "chong": PersonRole.HUSBAND,
    "vo": PersonRole.WIFE,
    "cm": PersonRole.PARENT,
    "nc": PersonRole.CHILD,
    "chaNuoi": PersonRole.ADOPTIVE_FATHER,
    "meNuoi": PersonRole.ADOPTIVE_MOTHER,
    "cn": PersonRole.ADOPTED_CHILD,
    "chaDe": PersonRole.BIRTH_FATHER,
    "meDe": PersonRole.BIRTH_MOTHER,
    "ngh": PersonRole.GUARDIAN,
    # Guardianship books (GH, CDGH; our layout): a second guardian and the ward. The person
    # whose civil status a change/correction entry (TDCC) amends is its subject.
    "ngh2": PersonRole.GUARDIAN_2,
    "ndgh": PersonRole.WARD,
    "ncc": PersonRole.SUBJECT,
    "gbt": None,
    "csnd": None,
}

# Longest first, so ``chaNuoiHoTen`` is read as chaNuoi + HoTen, not cha + NuoiHoTen.
_PREFIXES_LONGEST_FIRST = sorted(PERSON_PREFIXES, key=len, reverse=True)


def column_prefix(name: str) -> str | None:
    """Return the known prefix of a column name, or ``None`` for an unprefixed column.

    A prefix counts only when a capital letter follows it (``meHoTen`` has prefix ``me``;
    ``ngayDangKy`` has none), and the longest matching prefix wins.
    """
    for prefix in _PREFIXES_LONGEST_FIRST:
        rest = name[len(prefix) :]
        if name.startswith(prefix) and rest[:1].isupper():
            return prefix
    return None


def role_for_column(name: str) -> PersonRole | None:
    """Return the person a column describes, judged by its name's prefix alone."""
    prefix = column_prefix(name)
    return PERSON_PREFIXES[prefix] if prefix is not None else None


def _fold(text: str) -> str:
    """Return ``text`` folded for loose comparison of code-list labels, spaces collapsed."""
    return " ".join(fold(text).split())


@dataclass(frozen=True, kw_only=True)
class CodeList:
    """A closed list of coded values (danh mục), e.g. ``gioiTinh``: 1 Nam, 2 Nữ, 3 …

    ``choices`` are ``(code, label)`` pairs in the official order, with the label exactly
    as the source writes it. ``aliases`` are other spellings met in books and legacy files
    (``(code, text)``), accepted by :meth:`code_for` but never produced. ``source`` says
    where the list comes from, so nobody mistakes our reading for the Ministry's.
    """

    name: str
    label: str
    choices: tuple[tuple[str, str], ...]
    aliases: tuple[tuple[str, str], ...] = ()
    source: str = ""

    def __post_init__(self) -> None:
        codes = [code for code, _ in self.choices]
        if len(set(codes)) != len(codes):
            raise ValueError(f"code list {self.name}: duplicate codes")
        unknown = {code for code, _ in self.aliases} - set(codes)
        if unknown:
            raise ValueError(f"code list {self.name}: aliases for unknown codes {unknown}")
        seen: dict[str, str] = {}
        for code, text in (*self.choices, *self.aliases, *((c, c) for c in codes)):
            key = _fold(text)
            if seen.setdefault(key, code) != code:
                raise ValueError(f"code list {self.name}: {text!r} names two codes")

    @property
    def codes(self) -> tuple[str, ...]:
        """Return the codes in official order."""
        return tuple(code for code, _ in self.choices)

    @cached_property
    def _lookup(self) -> dict[str, str]:
        table = {_fold(code): code for code in self.codes}
        for code, text in (*self.choices, *self.aliases):
            table[_fold(text)] = code
        return table

    def label_for(self, code: str | int) -> str | None:
        """Return the label of ``code``, or ``None`` when the code is not in the list."""
        found = self.code_for(code)
        return dict(self.choices)[found] if found is not None else None

    def code_for(self, value: str | int | float | None) -> str | None:
        """Return the code that ``value`` stands for, or ``None`` when nothing matches.

        ``value`` may be the code (``"2"``, ``2``, ``2.0`` as Excel gives it, ``"02"``), the
        label or an alias, in any case, with or without diacritics (``"nu"`` → ``"2"``).
        """
        if value is None or isinstance(value, bool):
            return None
        if isinstance(value, float):
            if not value.is_integer():
                return None
            value = int(value)
        text = _fold(str(value))
        if text.isdigit():
            # Leading zeros come from cells formatted as text: "01" is code 1.
            text = str(int(text))
        return self._lookup.get(text)


@dataclass(frozen=True, kw_only=True)
class Field:
    """One column of a register: what the Ministry template calls it and what it holds.

    ``name`` is the exact template column name (``nksHoTen``); ``required`` means the
    Ministry template (or, where it is silent, our documented reading) needs a value;
    ``group`` is the form section the field belongs to; ``person`` is whom it describes
    and ``fact`` what it says about them (set on every person field, and only there).
    ``synonyms`` are headers old commune software gives the column ("Số ĐK", "Quyển"); a
    person's field lists bare words ("Họ tên") that stand for it alone for the register's
    first person and, with the person's group label before or after ("Họ tên mẹ"), for any.
    The import's mapping screen proposes them (compared folded: tones, case, spaces and
    punctuation do not count).
    ``in_template`` is false for a field the Ministry template lacks and only the newer
    interconnection layout (liên thông) carries (``maGCS``, ``nksDanTocKhac`` …): it is
    keyed, stored, imported and exported in that layout, and the template's files leave
    it out (docs/exchange.md, "Interconnection layout").
    """

    name: str
    label: str
    type: FieldType
    code_list: CodeList | None = None
    required: bool = False
    person: PersonRole | None = None
    fact: Fact | None = None
    group: str
    help: str = ""
    synonyms: tuple[str, ...] = ()
    in_template: bool = True

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", self.name):
            raise ValueError(f"field name {self.name!r} is not a template column name")
        if (self.type is FieldType.CODE) != (self.code_list is not None):
            raise ValueError(f"field {self.name}: a code list goes with type CODE, and only it")
        if (self.person is not None) != (self.fact is not None):
            raise ValueError(f"field {self.name}: a person field carries a fact, and only it")


@dataclass(frozen=True, kw_only=True)
class Address:
    """A place the interconnection layout sends as an object (địa chỉ: tỉnh, huyện, xã, chi
    tiết) and the book writes as one text: ``text`` names the field holding the text as the
    book writes it, ``province``, ``district`` and ``commune`` the fields keeping the codes
    of the administrative-unit list (ADMIN_UNIT fields of the same person)."""

    text: str
    province: str
    district: str
    commune: str

    @property
    def code_fields(self) -> tuple[str, str, str]:
        """Return the code fields, province first."""
        return (self.province, self.district, self.commune)


@dataclass(frozen=True, kw_only=True)
class RegisterType:
    """A kind of civil-status book (loại sổ hộ tịch) and the columns of its template.

    ``fields`` are in template column order; ``groups`` are ``(key, Vietnamese label)`` in
    the order a book page is laid out; ``priority`` is the work order of the campaign
    (births 1, marriages 2, adoptions 3, deaths 4, then the rest). ``addresses`` are the
    places the interconnection layout sends as objects. Construction fails on duplicate
    names, an undeclared group or an address naming a missing field, so a bad definition
    cannot be imported.
    """

    code: str
    label: str
    book_label: str
    fields: tuple[Field, ...]
    groups: tuple[tuple[str, str], ...]
    template_sheet: str = "DL Import"
    has_public_template: bool
    priority: int
    addresses: tuple[Address, ...] = ()

    def __post_init__(self) -> None:
        names = [f.name for f in self.fields]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"register {self.code}: duplicate fields {duplicates}")
        declared = [key for key, _ in self.groups]
        if len(set(declared)) != len(declared):
            raise ValueError(f"register {self.code}: a group is declared twice")
        undeclared = sorted({f.group for f in self.fields} - set(declared))
        if undeclared:
            raise ValueError(f"register {self.code}: undeclared groups {undeclared}")
        by_name = {f.name: f for f in self.fields}
        for address in self.addresses:
            for name in address.code_fields:
                if name not in by_name or by_name[name].type is not FieldType.ADMIN_UNIT:
                    raise ValueError(f"register {self.code}: {name} is not a unit-code field")
            if address.text not in by_name:
                raise ValueError(f"register {self.code}: address {address.text} has no field")

    @cached_property
    def _by_name(self) -> dict[str, Field]:
        return {f.name: f for f in self.fields}

    def field(self, name: str) -> Field:
        """Return the field with the exact template column ``name``; raise ``KeyError``."""
        try:
            return self._by_name[name]
        except KeyError:
            raise KeyError(f"register {self.code} has no field {name!r}") from None

    # A definition does not change once built: what is derived from its fields is worked
    # out once (a keying form asks for it on every request).
    @cached_property
    def _by_person(self) -> dict[PersonRole, tuple[Field, ...]]:
        return {p: tuple(f for f in self.fields if f.person is p) for p in self.persons}

    @cached_property
    def _by_group(self) -> dict[str, tuple[Field, ...]]:
        return {
            g: tuple(f for f in self.fields if f.group == g) for g in {f.group for f in self.fields}
        }

    @cached_property
    def _page_by_group(self) -> dict[str, tuple[Field, ...]]:
        rank = {fact: i for i, fact in enumerate(PAGE_FACT_ORDER)}
        last = len(PAGE_FACT_ORDER)
        return {
            group: tuple(
                sorted(fields, key=lambda f: rank.get(f.fact, last) if f.fact is not None else last)
            )
            for group, fields in self._by_group.items()
        }

    def fields_for(self, person: PersonRole) -> tuple[Field, ...]:
        """Return the fields describing ``person``, in template order."""
        return self._by_person.get(person, ())

    def fields_in(self, group: str) -> tuple[Field, ...]:
        """Return the fields of form section ``group``, in template order."""
        return self._by_group.get(group, ())

    def page_fields(self, group: str) -> tuple[Field, ...]:
        """Return the fields of form section ``group`` in the order of the book's page.

        A person's fields follow :data:`PAGE_FACT_ORDER`; other fields (and fields of one
        fact among themselves) keep template order.
        """
        return self._page_by_group.get(group, ())

    def group_label(self, group: str) -> str:
        """Return the Vietnamese label of form section ``group``; raise ``KeyError``."""
        return dict(self.groups)[group]

    @cached_property
    def required_fields(self) -> tuple[Field, ...]:
        """Return the fields that must have a value, in template order."""
        return tuple(f for f in self.fields if f.required)

    @cached_property
    def field_order(self) -> dict[str, int]:
        """Return each field's place in template order, by name."""
        return {f.name: i for i, f in enumerate(self.fields)}

    @cached_property
    def persons(self) -> tuple[PersonRole, ...]:
        """Return the roles that appear in this register, in order of first appearance."""
        return tuple(dict.fromkeys(f.person for f in self.fields if f.person is not None))

    @cached_property
    def column_names(self) -> tuple[str, ...]:
        """Return the template column names in template order (the Ministry file's header:
        fields only the interconnection layout carries are not among them)."""
        return tuple(f.name for f in self.fields if f.in_template)

    @cached_property
    def field_names(self) -> tuple[str, ...]:
        """Return every field's name, the interconnection-only fields included, in order."""
        return tuple(f.name for f in self.fields)

    @cached_property
    def interconnection_fields(self) -> tuple[Field, ...]:
        """Return the fields the Ministry template lacks (interconnection layout only)."""
        return tuple(f for f in self.fields if not f.in_template)


def header_key(cell: str | None) -> str:
    """Return the column name a template header cell stands for.

    Header cells carry noise: trailing spaces (``"so "``) and allowed values after a line
    break (``"loaiDangKy \\ni=[1,2,3,4,5,6]"``). Keep what precedes the first line break,
    without surrounding whitespace. An empty cell gives ``""``.
    """
    text = (cell or "").strip()
    return text.splitlines()[0].rstrip() if text else ""


def __getattr__(name: str) -> dict[str, RegisterType]:
    # REGISTER_TYPES lives with the definitions, which import this module; importing them
    # lazily keeps ``spec`` the single entry point without an import cycle.
    if name == "REGISTER_TYPES":
        from hotich.registers.definitions import REGISTER_TYPES

        return REGISTER_TYPES
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def get_register_type(code: str) -> RegisterType:
    """Return the register type with ``code`` (``"KS"``, ``"kh"`` …); raise ``KeyError``."""
    from hotich.registers.definitions import REGISTER_TYPES

    try:
        return REGISTER_TYPES[code.strip().upper()]
    except KeyError:
        raise KeyError(f"unknown register type {code!r}") from None
