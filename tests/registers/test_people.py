"""An entry's people are read once, through the fields' fact tags (hotich.registers.people).

The readers this module replaced took a person's facts by column-name suffix, three ways.
They are kept below, frozen, as the reference: the people derived through the tags must be
what they derived, for every register type, on full, sparse and demo values.
"""

import random
from typing import Any

import pytest

from hotich.demo.load import _entry_values
from hotich.lib.dates import DateParseError, PartialDate, parse_partial_date
from hotich.matching.engine.features import PersonInput
from hotich.matching.services import entry_person_input
from hotich.registers.definitions import REGISTER_TYPES
from hotich.registers.people import compared_facts, entry_people
from hotich.registers.services import _people_values
from hotich.registers.spec import Fact, FieldType, PersonRole, RegisterType
from hotich.registry.models import Citizen

ALL_TYPES = list(REGISTER_TYPES.values())
by_code = pytest.mark.parametrize("register", ALL_TYPES, ids=lambda t: t.code)

# --- the suffix readers as they were (reference only) -------------------------------------

_PARENTS = {
    "subject": ("father", "mother"),
    "adoptee": ("birth_father", "birth_mother"),
    "child": ("parent", ""),
}
_COMPARED = ("HoTen", "NgaySinh", "GioiTinh", "NoiSinh", "QueQuan", "DanToc")


def _old_birth_date(text: str) -> PartialDate | None:
    try:
        return parse_partial_date(text, allow_future=True)
    except DateParseError:
        return None


def _old_people_values(values: dict[str, str], register: RegisterType) -> list[dict[str, Any]]:
    people = []
    for role in register.persons:
        fields = register.fields_for(role)
        name = next((values.get(f.name) for f in fields if f.type == FieldType.NAME), None)
        if not name:
            continue
        birth = next(
            (
                values.get(f.name)
                for f in fields
                if f.type == FieldType.PARTIAL_DATE and f.name.endswith("NgaySinh")
            ),
            None,
        )
        sex = next((values.get(f.name, "") for f in fields if f.name.endswith("GioiTinh")), "")
        pid = next(
            (
                values[f.name]
                for f in fields
                if f.type == FieldType.ID_NUMBER and values.get(f.name)
            ),
            "",
        )
        born = _old_birth_date(birth) if birth else None
        people.append((role.value, name, born, sex[:1] if sex in ("1", "2", "3") else "", pid[:20]))
    return people


def _old_compared(register: RegisterType, values: dict[str, str], role: str) -> tuple[str, ...]:
    own = [
        f.name
        for f in register.fields
        if f.person is not None
        and f.person.value == role
        and (f.type == FieldType.ID_NUMBER or f.name.endswith(_COMPARED))
    ]
    parents = [
        f.name
        for f in register.fields
        if f.person is not None
        and f.person.value in _PARENTS.get(role, ())
        and f.name.endswith("HoTen")
    ]
    return tuple(values.get(name, "") for name in own + parents)


def _old_person_input(register: RegisterType, values: dict[str, str], role: str):
    def value(role_: str, suffix: str) -> str:
        for spec_role in register.persons:
            if spec_role.value != role_:
                continue
            for field in register.fields_for(spec_role):
                if field.name.endswith(suffix) and not field.name.endswith(suffix + "BangChu"):
                    return str(values.get(field.name) or "")
        return ""

    name = value(role, "HoTen")
    if not name:
        return None
    father_role, mother_role = _PARENTS.get(role, ("", ""))
    return PersonInput(
        full_name=name,
        birth_date=value(role, "NgaySinh") or None,
        sex=value(role, "GioiTinh"),
        birth_place=value(role, "NoiSinh"),
        hometown=value(role, "QueQuan"),
        ethnicity=value(role, "DanToc"),
        father_name=value(father_role, "HoTen") if father_role else "",
        mother_name=value(mother_role, "HoTen") if mother_role else "",
    )


# --- sample values ----------------------------------------------------------------------


def _sample(field, rng: random.Random) -> str:
    if field.type is FieldType.PARTIAL_DATE:
        return rng.choice(["15/08/1985", "1985", "08/1985", "31/02/1985", "ngày 15"])
    if field.type is FieldType.CODE:
        assert field.code_list is not None
        return rng.choice([*field.code_list.codes, "9"])
    if field.type is FieldType.ID_NUMBER:
        return rng.choice(["038308001234", "172345678", "B1234567", "0383 0800 1234"])
    return f"{field.name} {rng.randint(1, 9)}"


def _samples(register: RegisterType) -> list[dict[str, str]]:
    rng = random.Random(register.code)  # noqa: S311 (test data, not secrets)
    full = {f.name: _sample(f, rng) for f in register.fields}
    sparse = [
        {f.name: _sample(f, rng) for f in register.fields if rng.random() < share}
        for share in (0.1, 0.3, 0.5, 0.7, 0.9)
        for _ in range(6)
    ]
    people = {
        role: Citizen(
            full_name=f"Nguyễn Văn {role.label}",
            birth_date=PartialDate(1980 + i, 1 + i % 12, 1 + i),
            sex=("1", "2")[i % 2],
            ethnicity="Kinh" if i % 3 else "",
            birthplace=f"Xã {i}",
            death_date=PartialDate(2010, 3, 4) if role is PersonRole.DECEASED else None,
        )
        for i, role in enumerate(register.persons)
    }
    demo = [
        _entry_values(register.code, 2008, n, "UBND xã Đông Văn", people, rng) for n in (1, 7, 40)
    ]
    return [{}, full, *sparse, *demo]


# --- the tests --------------------------------------------------------------------------


@by_code
def test_every_person_field_carries_a_fact_and_no_other_field_does(register):
    for f in register.fields:
        assert (f.person is not None) == (f.fact is not None), f.name
    for role in register.persons:
        facts = {f.fact for f in register.fields_for(role)}
        assert Fact.FULL_NAME in facts, role


@by_code
def test_the_people_derived_through_the_tags_are_those_the_suffix_readers_found(register):
    for values in _samples(register):
        derived = [
            (p["role"], p["full_name"], p["birth_date"], p["sex"], p["personal_id"])
            for p in _people_values(values, register)
        ]
        expected = _old_people_values(values, register)
        assert derived == expected
        assert [p.role.value for p in entry_people(register, values)] == [e[0] for e in expected]


@by_code
def test_the_compared_facts_and_the_matching_input_are_what_the_suffix_readers_read(register):
    shell = type("Shell", (), {"register_type": register})
    for values in _samples(register):
        shell.values = values
        for role in register.persons:
            assert compared_facts(register, values, role.value) == _old_compared(
                register, values, role.value
            )
            assert entry_person_input(shell, role.value) == _old_person_input(
                register, values, role.value
            ), (role, values)
