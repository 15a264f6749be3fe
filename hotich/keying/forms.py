"""The keying form, generated from a register's definition (no Django Form class: the
fields are the register's columns, laid out as the book's page is)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import QueryDict

from hotich.keying.values import Problem
from hotich.registers.models import FieldMark
from hotich.registers.spec import Field, FieldType, RegisterType

#: Columns not keyed from the book: STT is the spreadsheet's row counter.
NOT_KEYED = frozenset({"STT"})
#: Sections a typical entry leaves empty: shown folded unless they hold a value.
RARE_GROUPS = frozenset({"missing_person", "restricted_capacity", "foreign"})
MARK_PREFIX = "mark:"
CHOICE_PREFIX = "_choice:"
ENGINE_PREFIX = "_engine:"

INPUT_MODE = {
    FieldType.PARTIAL_DATE: "numeric",
    FieldType.INTEGER: "numeric",
    FieldType.ENTRY_NUMBER: "numeric",
    FieldType.ID_NUMBER: "numeric",
}


@dataclass
class FormField:
    field: Field
    value: str
    mark: str
    problems: list[Problem]

    @property
    def choices_hint(self) -> str:
        if self.field.code_list is None:
            return ""
        return " · ".join(f"{c} {label}" for c, label in self.field.code_list.choices)

    @property
    def code_label(self) -> str:
        if self.field.code_list is None or not self.value:
            return ""
        return self.field.code_list.label_for(self.value) or ""

    @property
    def input_mode(self) -> str:
        return INPUT_MODE.get(self.field.type, "text")

    @property
    def level(self) -> str:
        levels = {p.level for p in self.problems}
        return "error" if "error" in levels else "warning" if levels else ""


@dataclass
class FormGroup:
    key: str
    label: str
    fields: list[FormField]
    open: bool


def form_groups(
    register: RegisterType,
    values: dict[str, str],
    marks: dict[str, str],
    problems: list[Problem] = (),  # type: ignore[assignment]
) -> list[FormGroup]:
    """Return the form's sections in the book's order, with values, marks and problems."""
    by_field: dict[str, list[Problem]] = {}
    for problem in problems:
        by_field.setdefault(problem.field, []).append(problem)
    groups = []
    for key, label in register.groups:
        fields = [
            FormField(f, values.get(f.name, ""), marks.get(f.name, ""), by_field.get(f.name, []))
            for f in register.fields_in(key)
            if f.name not in NOT_KEYED
        ]
        if fields:
            used = any(f.value or f.mark for f in fields)
            groups.append(FormGroup(key, label, fields, key not in RARE_GROUPS or used))
    return groups


def posted_values(register: RegisterType, data: QueryDict) -> dict[str, str]:
    """Return the typed text of every column of REGISTER in the posted form."""
    return {
        f.name: data.get(f.name, "")
        for f in register.fields
        if f.name not in NOT_KEYED and data.get(f.name, "").strip()
    }


def posted_marks(register: RegisterType, data: QueryDict) -> dict[str, str]:
    """Return the fields marked illegible / blank in the posted form."""
    marks = {}
    for f in register.fields:
        mark = data.get(MARK_PREFIX + f.name, "")
        if mark in FieldMark.values:
            marks[f.name] = mark
    return marks


def posted_choices(data: QueryDict) -> dict[str, str]:
    """Return role → the officer's lookup choice, from the posted form."""
    return {
        key[len(CHOICE_PREFIX) :]: value
        for key, value in data.items()
        if key.startswith(CHOICE_PREFIX) and value
    }


def kept_choice(
    data: QueryDict | dict[str, Any], role: str, proposal: str, options: list[str]
) -> str:
    """Return the choice to show for ROLE: the officer's own if they changed the engine's
    proposal (and it is still offered), else the engine's new proposal."""
    chosen = data.get(CHOICE_PREFIX + role, "")
    engine_before = data.get(ENGINE_PREFIX + role, "")
    if chosen and chosen != engine_before and chosen in options:
        return chosen
    return proposal
