"""From what the officer typed to what is stored, and the checks made as they type.

What is stored and how values are checked is :mod:`hotich.registers.checks`, shared with
the Excel import so that a value keyed and the same value imported agree. This module adds
what only keying has: a missing value is a warning (F3 marks what the book leaves blank or
illegible), and the entry number is checked against the numbers already keyed in the book.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from hotich.registers.checks import (
    Level,
    Problem,
    clean_text,
    entry_number_parse,
    stored_value,
    whole_number,
)
from hotich.registers.checks import entry_problems as value_problems
from hotich.registers.spec import Field, RegisterType

__all__ = [
    "Level",
    "Problem",
    "clean_text",
    "entry_number",
    "entry_problems",
    "page_number",
    "typed_value",
    "typed_values",
]


def typed_value(field: Field, raw: Any) -> str:
    """Return the value to store for what was typed in ``field`` (see registers.checks)."""
    return stored_value(field, raw)


def typed_values(register: RegisterType, raw: dict[str, Any]) -> dict[str, str]:
    """Return the stored form of every non-empty typed value of ``register``'s columns."""
    out = {}
    for field in register.fields:
        value = typed_value(field, raw.get(field.name, ""))
        if value:
            out[field.name] = value
    return out


def entry_number(text: str) -> tuple[int | None, int | None]:
    """Return (number, year) read from the ``so`` column: "07" → (7, None), "7/2008" →
    (7, 2008), "07/08" → (7, 2008); (None, None) when it cannot be read."""
    read = entry_number_parse(text)
    return read.number, read.year


def page_number(text: str) -> int | None:
    """Return the page (trangSo) as a number, or None when it is not a whole number."""
    return whole_number(text)


def entry_problems(
    register: RegisterType,
    values: dict[str, str],
    marks: dict[str, str],
    *,
    numbers_used: dict[int, int] | None = None,
    last_number: int | None = None,
) -> list[Problem]:
    """Return the problems of an entry as typed: missing values, then the value checks
    (:func:`hotich.registers.checks.entry_problems`), then the number's place in the book.

    ``numbers_used`` maps entry numbers already in the book for this year to how often they
    occur (without the entry being keyed); ``last_number`` is the highest of them.
    """
    problems: list[Problem] = [
        Problem(
            field.name,
            "warning",
            _("Chưa nhập %(label)s (F3 nếu sổ để trống hoặc không đọc được).")
            % {"label": field.label},
        )
        for field in register.required_fields
        if not values.get(field.name) and field.name not in marks
    ]
    problems.extend(value_problems(register, values))
    number, _year = entry_number(values.get("so", ""))
    if number is not None and numbers_used is not None:
        if numbers_used.get(number):
            problems.append(
                Problem("so", "warning", _("Số %(n)s đã có trong sổ năm này.") % {"n": number})
            )
        elif last_number is not None and number > last_number + 1:
            problems.append(
                Problem(
                    "so",
                    "warning",
                    _("Số không liền mạch: số lớn nhất đã nhập là %(last)s.")
                    % {"last": last_number},
                )
            )
        elif last_number is not None and number < last_number:
            problems.append(
                Problem(
                    "so",
                    "warning",
                    _("Số nhỏ hơn số đã nhập gần nhất (%(last)s): kiểm tra lại thứ tự.")
                    % {"last": last_number},
                )
            )
    return problems
