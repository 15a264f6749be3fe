"""Trích lục: an entry's fields as recorded in the book, for its page and its printed extract.

:func:`entry_groups` is the one reading of an entry as a book page lays it out (the entry's
page and the extract both show it): each group of the register's definition with the fields
that hold a value or a mark, values as written. :func:`entry_extract_pdf` prints it as an
extract (docs/keying.md, "Printing"): the heading of an administrative paper, the title
("TRÍCH LỤC KHAI SINH" …), the entry's place in the book, the fields, the signer and the
place and date of issue. It adds no wording of its own to what the book says.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from hotich.lib.dates import PartialDate
from hotich.lib.official_pdf import Fields, OfficialDocument, Row, Signature, document_pdf
from hotich.registers.models import Entry, FieldMark
from hotich.registers.spec import Field

#: How a mark prints in place of the value (the entry's page shows the same words).
MARK_TEXT: dict[str, str] = {
    FieldMark.ILLEGIBLE: "[không đọc được]",
    FieldMark.BLANK: "[sổ để trống]",
}
LEGEND = (
    "Các thông tin được ghi nguyên văn như trong sổ. [không đọc được]: chữ trong sổ không "
    "đọc được; [sổ để trống]: sổ không ghi thông tin này."
)

#: The entry's place in the book: printed under the title, not again among the fields.
#: ``STT`` is a row number of the Ministry's spreadsheet, not something the book says.
PLACE_FIELDS = frozenset({"STT", "so", "quyenSo", "trangSo", "ngayDangKy"})
REGISTRATION_GROUP = "registration"


@dataclass(frozen=True)
class FieldShown:
    """One field of an entry as the book records it: the value as written, or its mark."""

    field: Field
    value: str
    mark: str | None

    @property
    def label_value(self) -> str:
        """Return a coded value as its label ("Nữ" for "2"), any other value as written."""
        if self.field.code_list is not None and self.value:
            return self.field.code_list.label_for(self.value) or self.value
        return self.value

    @property
    def printed(self) -> str:
        """Return what the extract prints: the mark's words, else the value's label."""
        return MARK_TEXT.get(self.mark, self.mark) if self.mark else self.label_value


def entry_groups(entry: Entry) -> list[tuple[str, str, list[FieldShown]]]:
    """Return (group key, label, fields) for each group of ENTRY's register holding a value
    or a mark, in the book's order, with only the fields that hold one."""
    register = entry.register_type
    groups = []
    for key, label in register.groups:
        shown = [
            FieldShown(
                field=f,
                value=str(entry.values.get(f.name, "") or ""),
                mark=entry.marks.get(f.name),
            )
            for f in register.fields_in(key)
        ]
        shown = [s for s in shown if s.value or s.mark]
        if shown:
            groups.append((key, label, shown))
    return groups


def extract_title(entry: Entry) -> str:
    """Return the extract's title: "TRÍCH LỤC" and the register's name ("KHAI SINH" …)."""
    return f"TRÍCH LỤC {entry.register_type.label.upper()}"


def _as_written(entry: Entry, name: str, fallback: str) -> str:
    mark = entry.marks.get(name)
    if mark:
        return MARK_TEXT.get(mark, mark)
    return str(entry.values.get(name, "") or "") or fallback


def entry_place_line(entry: Entry) -> str:
    """Return "Số: 07 · Trang số: 4 · Ngày đăng ký: 27/08/2008", each as the book writes it
    (a partial date stays partial; the stored number, page and date when the book's own
    text was not keyed)."""
    stored = entry.registration_date
    date = stored.display() if isinstance(stored, PartialDate) else str(stored or "")
    parts = [
        f"Số: {_as_written(entry, 'so', f'{entry.number:02d}/{entry.year}')}",
        f"Trang số: {_as_written(entry, 'trangSo', str(entry.page or '')) or '–'}",
        f"Ngày đăng ký: {_as_written(entry, 'ngayDangKy', date) or '–'}",
    ]
    return " · ".join(parts)


def place_date(place: str, day: datetime.date) -> str:
    """Return the line under the motto: "Đông Sơn, ngày 03 tháng 12 năm 2026"."""
    return f"{place}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def entry_extract(
    entry: Entry, *, signer_name: str, signer_title: str, place: str, issued: datetime.date
) -> OfficialDocument:
    """Return the extract of ENTRY issued on ISSUED at PLACE by the commune keeping its book.

    The subject's groups come first and the registration's last (where, by whom), as an
    extract reads; fields print verbatim, marks as their words, coded values as labels.
    """
    book = entry.book
    volume = _as_written(entry, "quyenSo", book.volume)
    groups = entry_groups(entry)
    ordered = [g for g in groups if g[0] != REGISTRATION_GROUP] + [
        g for g in groups if g[0] == REGISTRATION_GROUP
    ]
    blocks = []
    for _key, label, shown in ordered:
        rows = tuple(
            Row(s.field.label, s.printed, marked=bool(s.mark))
            for s in shown
            if s.field.name not in PLACE_FIELDS
        )
        if rows:
            blocks.append(Fields(label, rows))
    return OfficialDocument(
        authority=("ỦY BAN NHÂN DÂN", book.commune.full_name.upper()),
        place_date=place_date(place or book.commune.name, issued),
        title=extract_title(entry),
        subtitles=(f"{book.register_type_label}, quyển số {volume}", entry_place_line(entry)),
        blocks=tuple(blocks),
        signature=Signature(
            caption=signer_title.upper() if signer_title else "NGƯỜI KÝ TRÍCH LỤC",
            hint="(Ký, ghi rõ họ tên)",
            name=signer_name,
        ),
        footnote=LEGEND,
        subject=f"{extract_title(entry)} – {entry}",
    )


def entry_extract_pdf(
    entry: Entry, *, signer_name: str, signer_title: str, place: str, issued: datetime.date
) -> bytes:
    """Return the extract of ENTRY (:func:`entry_extract`) as a PDF file."""
    return document_pdf(
        entry_extract(
            entry, signer_name=signer_name, signer_title=signer_title, place=place, issued=issued
        )
    )


def extract_filename(entry: Entry) -> str:
    """Return the download's name: ``trich-luc-ks-07-2008.pdf``."""
    code = entry.book.register_type.lower()
    return f"trich-luc-{code}-{entry.number:02d}-{entry.year}.pdf"
