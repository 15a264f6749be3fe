"""The keying form, generated from a register's definition (no Django Form class: the
fields are the register's columns, laid out as the book's page is)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _

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
        # items() gives a key's last value, or [] when it has none.
        if key.startswith(CHOICE_PREFIX) and isinstance(value, str) and value
    }


#: The new-entry form's token: one entry is created per form, however often it is sent.
TOKEN = "_token"  # noqa: S105 - the name of a form field, not a secret


def posted_token(data: QueryDict | dict[str, Any]) -> uuid.UUID | None:
    """Return the token of the posted new-entry form (None: a form without one).

    Raise ValueError (Vietnamese) for a value that is not a token.
    """
    value = (data.get(TOKEN) or "").strip()
    if not value:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        raise ValueError(
            _("Mã biểu mẫu không hợp lệ; tải lại trang rồi lưu lại (các ô đã nhập vẫn giữ).")
        ) from None


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
