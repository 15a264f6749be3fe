"""Importing a handover file (DL_GOC) back over the book: the book's text and marks stay as
written; what the registry side added (personal IDs, names in CAPITALS) changes nothing."""

import io

import openpyxl

from hotich.audit.models import AuditEvent
from hotich.exchange.exports import handover_workbook
from hotich.registers.models import Entry, EntryStatus
from hotich.registry.models import Citizen
from tests.exchange.test_import import run_import


def handed_over(book, entry, tmp_path, change=None):
    """Write the handover file of BOOK (ENTRY reconciled with a registry person) to a path."""
    Entry.objects.filter(pk=entry.pk).update(values={**entry.values, "nksLoaiKhaiSinh": "1"})
    citizen = Citizen.objects.create(personal_id="038308001234", full_name="Nguyễn Thị Phượng")
    entry.people.filter(role="subject").update(citizen=citizen)
    Entry.objects.update(status=EntryStatus.RECONCILED)
    content = handover_workbook(book=book, entries=list(Entry.objects.all()))
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook["DL_GOC"]
    header = [c.value for c in sheet[1]]
    assert sheet.cell(row=2, column=header.index("NKSSODINHDANH") + 1).value == "038308001234"
    for column, value in (change or {}).items():
        sheet.cell(row=2, column=header.index(column) + 1).value = value
    path = tmp_path / "DL_GOC.xlsx"
    workbook.save(path)
    return path


def test_reimporting_a_handover_file_keeps_the_books_text_and_marks(book, entry, tmp_path):
    path = handed_over(book, entry, tmp_path)
    before = Entry.objects.get()
    assert before.marks == {"nksNoiSinh": "illegible"} and "nksSoDinhDanh" not in before.values
    events = AuditEvent.objects.filter(action="update").count()

    result = run_import(path)

    assert (result["imported"], result["updated"], result["unchanged"]) == (0, 0, 1)
    after = Entry.objects.get()
    assert after.values == before.values and after.marks == before.marks
    assert after.version == before.version
    assert AuditEvent.objects.filter(action="update").count() == events


def test_a_handover_row_that_says_otherwise_is_reported_and_the_book_kept(book, entry, tmp_path):
    path = handed_over(book, entry, tmp_path, change={"CHAHOTEN": "NGUYỄN VĂN HƯNG"})
    before = Entry.objects.get()

    result = run_import(path)

    assert (result["updated"], result["rejected"]) == (0, 1)
    assert [(e["row"], e["column"]) for e in result["errors"]] == [(2, "CHAHOTEN")]
    assert "Nguyễn Văn Hùng" in result["errors"][0]["message"]
    after = Entry.objects.get()
    assert (after.values, after.marks, after.version) == (
        before.values,
        before.marks,
        before.version,
    )
