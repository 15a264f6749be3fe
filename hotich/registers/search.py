"""What a search of keyed entries looks for, read from what the officer typed (no Django).

One box takes a name, a personal ID, an entry number or a date; :func:`entry_query_parse`
says which, by the text's shape alone:

- 9 or 12 digits: an ID number (CMND, số định danh cá nhân), compared as written;
- ``7`` or ``07/2008``: an entry number, with its year when given (the book's notation,
  so ``08/2008`` is entry 8 of 2008, never August 2008);
- ``27/08/2008`` (any form :func:`hotich.lib.dates.parse_partial_date` reads with a day,
  a month and a year): the registration date or a person's birth date;
- a date that does not exist (``31/02/2008``): BAD_DATE, with the reason;
- anything else: a name, compared tone-insensitively as whole words
  (:func:`hotich.lib.text.comparison_key`), so "nguyen thi phuong" finds "Nguyễn Thị Phượng".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from hotich.lib.dates import DateParseError, PartialDate, parse_partial_date
from hotich.lib.text import comparison_key, normalise_name

_ID = re.compile(r"\d{9}|\d{12}")
_NUMBER = re.compile(r"(\d{1,6})(?:/(\d{4}))?")
_DATE = re.compile(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{4}")

#: The longest query read; the rest is ignored (a name is never longer).
MAX_LENGTH = 100


class QueryKind(StrEnum):
    NONE = "none"
    ID_NUMBER = "id_number"
    ENTRY_NUMBER = "entry_number"
    DATE = "date"
    BAD_DATE = "bad_date"
    """Shaped like a date but no such day: ``text`` says why (in Vietnamese)."""
    NAME = "name"


@dataclass(frozen=True)
class EntryQuery:
    """What to look for: ``kind`` and its value (``text``: the ID number or the name's
    comparison key; ``number``/``year`` for an entry number; ``date`` for a date)."""

    kind: QueryKind
    text: str = ""
    number: int | None = None
    year: int | None = None
    date: PartialDate | None = None


def entry_query_parse(typed: str) -> EntryQuery:
    """Return what TYPED asks for (see the module docstring); NONE for an empty query."""
    text = " ".join(typed.split())[:MAX_LENGTH]
    if not text:
        return EntryQuery(QueryKind.NONE)
    if _ID.fullmatch(text):
        return EntryQuery(QueryKind.ID_NUMBER, text=text)
    if number := _NUMBER.fullmatch(text):
        year = int(number.group(2)) if number.group(2) else None
        return EntryQuery(QueryKind.ENTRY_NUMBER, number=int(number.group(1)), year=year)
    if _DATE.fullmatch(text):
        try:
            return EntryQuery(QueryKind.DATE, date=parse_partial_date(text, allow_future=True))
        except DateParseError as error:
            return EntryQuery(QueryKind.BAD_DATE, text=str(error))
    key = comparison_key(normalise_name(text))
    return EntryQuery(QueryKind.NAME, text=key) if key else EntryQuery(QueryKind.NONE)
