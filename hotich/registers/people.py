"""The people an entry names, read once from its values through the fields' fact tags.

Every reader of a person's facts goes through here: the save that keeps
:class:`~hotich.registers.models.EntryPerson` rows in line with an entry
(:mod:`hotich.registers.services`), the matching input built from them
(:func:`hotich.matching.services.entry_person_input`), the lookups of the keying form and
the checks of an ID against the person's sex and birth year (:mod:`hotich.registers.checks`).
Which column holds which fact is said by :attr:`Field.fact <hotich.registers.spec.Field>`
in the register definitions, never by a column name. No Django import.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from hotich.lib.dates import DateParseError, PartialDate, parse_partial_date
from hotich.lib.text import comparison_key, normalise_name
from hotich.registers.spec import Fact, Field, PersonRole, RegisterType

#: For the subject of a birth (and an adoptee, a child), the parents' names are compared too:
#: role → (father's role, mother's role); "" when the register has no such person.
PARENT_ROLES: dict[str, tuple[str, str]] = {
    "subject": ("father", "mother"),
    "adoptee": ("birth_father", "birth_mother"),
    "child": ("parent", ""),
}

#: The roles an entry is about (its subject: người được khai sinh, the two spouses, the
#: deceased, the adoptee, the parent and child acknowledged, the ward …), as opposed to the
#: people it also names (parents of the subject, requester, guardians, adoptive parents).
#: One rule for every register type: an entry's subjects are its people of these roles, in
#: the register's order (see :func:`entry_subjects`).
SUBJECT_ROLES = frozenset(
    {
        PersonRole.SUBJECT,
        PersonRole.HUSBAND,
        PersonRole.WIFE,
        PersonRole.DECEASED,
        PersonRole.ADOPTED_CHILD,
        PersonRole.PARENT,
        PersonRole.CHILD,
        PersonRole.WARD,
    }
)

#: The facts of a person the matching engine compares, besides the parents' names. A save
#: that changes one of them takes the person's registry link away (see
#: :func:`hotich.registers.services.entry_people_sync`).
COMPARED_FACTS = frozenset(
    {
        Fact.FULL_NAME,
        Fact.BIRTH_DATE,
        Fact.SEX,
        Fact.BIRTHPLACE,
        Fact.HOMETOWN,
        Fact.ETHNICITY,
        Fact.PERSONAL_ID,
        Fact.ID_DOCUMENT,
    }
)

#: The facts that identify a person by number: the personal ID, else the identity document.
ID_FACTS = (Fact.PERSONAL_ID, Fact.ID_DOCUMENT)

#: Sex codes of the ``gioiTinh`` list an EntryPerson keeps (1 Nam, 2 Nữ, 3 other).
_SEX_CODES = ("1", "2", "3")


@dataclass(frozen=True)
class Person:
    """One person an entry names (by a non-empty full name), with the facts as written.

    ``facts`` maps each fact the register records for the person to the value of the first
    field carrying it, in template order ("" when the entry leaves it empty).
    ``identity_number`` is the first ID-number field (personal ID or identity document)
    holding a value; ``father_name`` and ``mother_name`` are the names of the person's
    parents in the entry (:data:`PARENT_ROLES`), "" when it has none.
    """

    role: PersonRole
    facts: Mapping[Fact, str]
    identity_number: str
    father_name: str = ""
    mother_name: str = ""

    def fact(self, fact: Fact) -> str:
        """Return the value of FACT as written, "" when the person has none."""
        return self.facts.get(fact, "")

    @property
    def full_name(self) -> str:
        return self.fact(Fact.FULL_NAME)

    def row(self) -> dict[str, Any]:
        """Return the person as EntryPerson field values (role, name, keys, birth date …)."""
        birth = self.fact(Fact.BIRTH_DATE)
        sex = self.fact(Fact.SEX)
        return {
            "role": self.role.value,
            "full_name": self.full_name,
            "name_key": _name_key(self.full_name),
            "birth_date": _birth_date(birth) if birth else None,
            "sex": sex[:1] if sex in _SEX_CODES else "",
            "personal_id": self.identity_number[:20],
        }


def _text(values: Mapping[str, Any], name: str) -> str:
    return str(values.get(name) or "")


@dataclass(frozen=True)
class _RoleColumns:
    """Where ROLE's facts are in a register: read once per register, used for every entry."""

    facts: tuple[tuple[Fact, str], ...]  # each fact with its first column, in template order
    ids: tuple[str, ...]  # the ID-number columns (personal ID, identity document), in order
    name: str  # the full-name column ("" when the role has none)
    father_name: str  # the full-name columns of the role's parents (PARENT_ROLES), or ""
    mother_name: str


# Register types are module-level constants; each keeps its columns for the process's life.
_COLUMNS: dict[int, tuple[RegisterType, dict[str, _RoleColumns]]] = {}


def _first_columns(register: RegisterType, role: PersonRole) -> dict[Fact, str]:
    found: dict[Fact, str] = {}
    for f in register.fields_for(role):
        if f.fact is not None:
            found.setdefault(f.fact, f.name)
    return found


def _columns(register: RegisterType) -> dict[str, _RoleColumns]:
    """Return role value → where that person's facts are in REGISTER."""
    cached = _COLUMNS.get(id(register))
    if cached is not None and cached[0] is register:
        return cached[1]
    first = {role.value: _first_columns(register, role) for role in register.persons}

    def name_of(role: str) -> str:
        return first.get(role, {}).get(Fact.FULL_NAME, "") if role else ""

    columns = {}
    for role in register.persons:
        father, mother = PARENT_ROLES.get(role.value, ("", ""))
        columns[role.value] = _RoleColumns(
            facts=tuple(first[role.value].items()),
            ids=tuple(f.name for f in register.fields_for(role) if f.fact in ID_FACTS),
            name=name_of(role.value),
            father_name=name_of(father),
            mother_name=name_of(mother),
        )
    _COLUMNS[id(register)] = (register, columns)
    return columns


def person_facts(
    register: RegisterType, values: Mapping[str, Any], role: PersonRole
) -> dict[Fact, str]:
    """Return ROLE's facts in VALUES: fact → the value of its first field, in template order."""
    where = _columns(register).get(role.value)
    return {fact: _text(values, name) for fact, name in where.facts} if where else {}


def entry_person(
    register: RegisterType, values: Mapping[str, Any], role: PersonRole | str
) -> Person | None:
    """Return the person of ROLE an entry of REGISTER with VALUES names, or None.

    A person is named when the entry gives their full name; the register's fields of ROLE
    say which of VALUES are theirs.
    """
    where = _columns(register).get(str(role))
    if where is None or not where.name or not values.get(where.name):
        return None
    return Person(
        role=PersonRole(str(role)),
        facts={fact: _text(values, name) for fact, name in where.facts},
        identity_number=next((_text(values, n) for n in where.ids if values.get(n)), ""),
        father_name=_text(values, where.father_name) if where.father_name else "",
        mother_name=_text(values, where.mother_name) if where.mother_name else "",
    )


def entry_people(register: RegisterType, values: Mapping[str, Any]) -> list[Person]:
    """Return the people an entry of REGISTER with VALUES names, in the register's order."""
    people = [entry_person(register, values, role) for role in _columns(register)]
    return [p for p in people if p is not None]


def entry_subjects(register: RegisterType, values: Mapping[str, Any]) -> list[Person]:
    """Return the people the entry is about (:data:`SUBJECT_ROLES`), in the register's order.

    A birth gives its child, a marriage its two spouses, a death its deceased; the signer
    and the keyer (fields of no person) are never subjects.
    """
    return [p for p in entry_people(register, values) if p.role in SUBJECT_ROLES]


def entry_summary(register: RegisterType, values: Mapping[str, Any]) -> str:
    """Return the one-line summary of an entry shown in lists: its subjects' names as
    written, joined by " – " (at most 300 characters, the column's width)."""
    return people_summary(entry_people(register, values))


def people_summary(people: list[Person]) -> str:
    """Return the summary of an entry naming PEOPLE (:func:`entry_people`'s list)."""
    return " – ".join(p.full_name for p in people if p.role in SUBJECT_ROLES)[:300]


def compared_fields(register: RegisterType, role: str) -> tuple[Field, ...]:
    """Return the fields whose values the registry comparison of ROLE reads, in order: the
    person's own compared facts (:data:`COMPARED_FACTS`), then their parents' names."""
    own = [
        f
        for f in register.fields
        if f.person is not None and f.person.value == role and f.fact in COMPARED_FACTS
    ]
    parents = [
        f
        for f in register.fields
        if f.person is not None
        and f.person.value in PARENT_ROLES.get(role, ())
        and f.fact is Fact.FULL_NAME
    ]
    return tuple(own + parents)


def compared_facts(register: RegisterType, values: Mapping[str, Any], role: str) -> tuple[str, ...]:
    """Return what the registry comparison of ROLE reads in VALUES (see
    :func:`compared_fields`); two values give the same tuple when nothing compared changed."""
    return tuple(str(values.get(f.name, "")) for f in compared_fields(register, role))


@lru_cache(maxsize=50_000)
def _birth_date(text: str) -> PartialDate | None:
    try:
        return parse_partial_date(text, allow_future=True)
    except DateParseError:
        return None  # kept as written in values; validation reports it


@lru_cache(maxsize=50_000)
def _name_key(name: str) -> str:
    return comparison_key(normalise_name(name))
