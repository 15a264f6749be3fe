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


def person_facts(
    register: RegisterType, values: Mapping[str, Any], role: PersonRole
) -> dict[Fact, str]:
    """Return ROLE's facts in VALUES: fact → the value of its first field, in template order."""
    facts: dict[Fact, str] = {}
    for f in register.fields_for(role):
        if f.fact is not None and f.fact not in facts:
            facts[f.fact] = _text(values, f.name)
    return facts


def _role(register: RegisterType, value: str) -> PersonRole | None:
    return next((r for r in register.persons if r.value == value), None)


def _name_of(register: RegisterType, values: Mapping[str, Any], role: str) -> str:
    found = _role(register, role) if role else None
    return person_facts(register, values, found).get(Fact.FULL_NAME, "") if found else ""


def entry_person(
    register: RegisterType, values: Mapping[str, Any], role: PersonRole | str
) -> Person | None:
    """Return the person of ROLE an entry of REGISTER with VALUES names, or None.

    A person is named when the entry gives their full name; the register's fields of ROLE
    say which of VALUES are theirs.
    """
    found = _role(register, str(role))
    if found is None:
        return None
    facts = person_facts(register, values, found)
    if not facts.get(Fact.FULL_NAME):
        return None
    identity = next(
        (
            _text(values, f.name)
            for f in register.fields_for(found)
            if f.fact in ID_FACTS and _text(values, f.name)
        ),
        "",
    )
    father, mother = PARENT_ROLES.get(found.value, ("", ""))
    return Person(
        role=found,
        facts=facts,
        identity_number=identity,
        father_name=_name_of(register, values, father),
        mother_name=_name_of(register, values, mother),
    )


def entry_people(register: RegisterType, values: Mapping[str, Any]) -> list[Person]:
    """Return the people an entry of REGISTER with VALUES names, in the register's order."""
    people = [entry_person(register, values, role) for role in register.persons]
    return [p for p in people if p is not None]


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
