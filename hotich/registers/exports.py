"""Excel lists of a book's entries (not yet the Ministry template export, which comes later)."""

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font

from hotich.lib.sheets import sheet_row
from hotich.registers.models import RegisterBook


def book_entries_workbook(*, book: RegisterBook) -> bytes:
    """Return an .xlsx listing BOOK's entries: number, year, page, status, then every column.

    Columns are the register's template columns (as defined once in the definitions); a
    marked field shows "[không đọc được]" or "[sổ để trống]".
    """
    register = book.register_type_spec
    marks_text = {"illegible": "[không đọc được]", "blank": "[sổ để trống]"}
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = register.code
    sheet.append([f"{book.register_type_label} – quyển {book.volume} – {book.commune.full_name}"])
    sheet["A1"].font = Font(bold=True)
    header = ["Số", "Năm", "Trang", "Trạng thái", *[f.label for f in register.fields]]
    sheet.append(header)
    sheet.append(["", "", "", "", *[f.name for f in register.fields]])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for entry in book.entries.order_by("year", "number", "id").iterator(chunk_size=1000):
        row = [entry.number, entry.year, entry.page, entry.get_status_display()]
        for field in register.fields:
            mark = entry.marks.get(field.name)
            row.append(marks_text[mark] if mark else entry.values.get(field.name, ""))
        sheet.append(sheet_row(sheet, row))
    sheet.freeze_panes = "E4"
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()
