"""The keying form, generated from a register's definition (no Django Form class: the
fields are the register's columns, laid out as the book's page is)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _

from hotich.keying.carry import Carry, is_rare, lone_carries
from hotich.keying.values import Problem, typed_value
from hotich.registers.models import FieldMark
from hotich.registers.spec import Fact, Field, FieldType, PersonRole, RegisterType

#: Columns not keyed from the book: STT is the spreadsheet's row counter.
NOT_KEYED = frozenset({"STT"})
#: Sections a typical entry leaves empty: shown folded unless they hold a value.
RARE_GROUPS = frozenset(
    {"missing_person", "restricted_capacity", "foreign", "marriage_status", "death_declaration"}
)
MARK_PREFIX = "mark:"
MARKS = frozenset(FieldMark.values)
CHOICE_PREFIX = "_choice:"
#: The signed lookup the form showed for a person (``_lookup:<role>``), reused by the save.
LOOKUP_PREFIX = "_lookup:"
ENGINE_PREFIX = "_engine:"
#: The form's columns still holding the value carried from the book (comma-separated).
CARRIED_FIELD = "_carried"

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
    #: "carried" (skipped by Enter) or "proposed" (Enter accepts), with where it comes
    #: from, when the value is the one the book's habit brought into this new form.
    carry: str = ""
    carried_value: str = ""
    carry_source: str = ""
    folded: bool = False

    @property
    def codes(self) -> str:
        """Return the codes of a code field typed with one key (digits), comma-separated."""
        if self.field.code_list is None:
            return ""
        codes = self.field.code_list.codes
        return ",".join(codes) if all(len(c) == 1 for c in codes) else ""

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

    @property
    def basic(self) -> list[FormField]:
        """Return the fields shown: those the book usually fills, or that hold a value."""
        return [f for f in self.fields if not f.folded]

    @property
    def more(self) -> list[FormField]:
        """Return the fields folded away until asked for (F8)."""
        return [f for f in self.fields if f.folded]


def form_groups(
    register: RegisterType,
    values: dict[str, str],
    marks: dict[str, str],
    problems: list[Problem] = (),  # type: ignore[assignment]
    carry: Carry | None = None,
) -> list[FormGroup]:
    """Return the form's sections in the book's order, their fields in the order of the
    book's page, with values, marks, problems and what CARRY brought into a new form."""
    by_field: dict[str, list[Problem]] = {}
    for problem in problems:
        by_field.setdefault(problem.field, []).append(problem)
    carry = carry or Carry()
    groups = []
    for key, label in register.groups:
        fields = []
        for f in register.page_fields(key):
            if f.name in NOT_KEYED:
                continue
            value, mark = values.get(f.name, ""), marks.get(f.name, "")
            kind = carry.kinds.get(f.name, "")
            folded = (is_rare(register, f) or f.name in carry.folded) and not (value or mark)
            fields.append(
                FormField(
                    f,
                    value,
                    mark,
                    by_field.get(f.name, []),
                    carry=kind,
                    carried_value=carry.values.get(f.name, ""),
                    carry_source=carry.sources.get(f.name, ""),
                    folded=folded,
                )
            )
        if fields:
            used = any(f.value or f.mark for f in fields)
            shown = any(not f.folded for f in fields)
            groups.append(FormGroup(key, label, fields, (key not in RARE_GROUPS and shown) or used))
    return groups


def posted_values(register: RegisterType, data: QueryDict) -> dict[str, str]:
    """Return the typed text of every column of REGISTER in the posted form.

    A person's values carried from the book are left out when nothing else of that person
    was typed (:func:`hotich.keying.carry.lone_carries`).
    """
    values = {
        f.name: data.get(f.name, "")
        for f in register.fields
        if f.name not in NOT_KEYED and data.get(f.name, "").strip()
    }
    carried = {n for n in (data.get(CARRIED_FIELD) or "").split(",") if n}
    for name in lone_carries(register, values, carried):
        del values[name]
    return values


def posted_marks(register: RegisterType, data: QueryDict) -> dict[str, str]:
    """Return the fields marked illegible / blank in the posted form."""
    marks = {}
    for f in register.fields:
        mark = data.get(MARK_PREFIX + f.name, "")
        if mark and mark in MARKS:
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


def posted_lookups(data: QueryDict) -> dict[str, str]:
    """Return role → the token of the lookup the form showed, from the posted form (checked
    by the save: :func:`hotich.matching.services.lookup_from_token`)."""
    return {
        key[len(LOOKUP_PREFIX) :]: value
        for key, value in data.items()
        if key.startswith(LOOKUP_PREFIX) and isinstance(value, str) and value
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


#: The registry's basic fields (``side_by_side`` rows) as facts of the person looked up;
#: the parents' names are the subject's parents' own name fields.
OFFERED_FACTS: dict[str, Fact] = {
    "full_name": Fact.FULL_NAME,
    "birth_date": Fact.BIRTH_DATE,
    "sex": Fact.SEX,
    "birth_place": Fact.BIRTHPLACE,
    "hometown": Fact.HOMETOWN,
    "ethnicity": Fact.ETHNICITY,
}
OFFERED_PARENTS = {"father_name": PersonRole.FATHER, "mother_name": PersonRole.MOTHER}


def registry_offers(
    register: RegisterType,
    role: str,
    values: dict[str, str],
    data: QueryDict | dict[str, Any],
    rows: list[dict[str, str]],
    found: bool,
) -> list[dict[str, str]]:
    """Return the registry's values for the fields of ROLE the form still leaves blank
    (no value, no mark), each taken with F4 in its field; none unless FOUND (the officer's
    choice is the registry's citizen of ROWS). What the book says is never offered over."""
    if not found:
        return []
    person = PersonRole(role)
    offers = []
    for row in rows:
        target: Field | None = None
        if row["field"] in OFFERED_FACTS:
            fact = OFFERED_FACTS[row["field"]]
            target = next((f for f in register.fields_for(person) if f.fact is fact), None)
        elif row["field"] in OFFERED_PARENTS and person is PersonRole.SUBJECT:
            parent = OFFERED_PARENTS[row["field"]]
            target = next(
                (f for f in register.fields_for(parent) if f.fact is Fact.FULL_NAME), None
            )
        if target is None or not row["registry"] or values.get(target.name):
            continue
        if data.get(MARK_PREFIX + target.name):
            continue
        value = typed_value(target, row["registry"])
        offers.append(
            {"field": target.name, "label": target.label, "value": value, "text": row["registry"]}
        )
    return offers
