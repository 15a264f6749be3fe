"""The Danh sách theo dõi riêng as an Excel workbook an officer prints and signs."""

from __future__ import annotations

from io import BytesIO

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.page import PageMargins

from hotich.accounts.models import User
from hotich.lib.sheets import sheet_row
from hotich.reconciliation.models import TrackingCase


def tracking_workbook(cases: list[TrackingCase], *, title: str, user: User) -> bytes:
    """Return the list as an .xlsx an officer can print on A4 landscape and sign."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Theo doi rieng"
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    header = [
        "STT",
        "Sổ, số, năm",
        "Họ tên trong sổ",
        "Số định danh",
        "Trường khác nhau",
        "Sổ hộ tịch ghi",
        "CSDL dân cư ghi",
        "Ngày mở",
        "Người xử lý",
        "Kết quả xác minh",
        "Hướng xử lý",
    ]
    widths = [5, 22, 24, 15, 18, 26, 26, 11, 18, 18, 36]
    ws.append(["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"])
    ws.append(["Độc lập – Tự do – Hạnh phúc"])
    ws.append([])
    ws.append(sheet_row(ws, [f"DANH SÁCH THEO DÕI RIÊNG – {title}".upper()]))
    ws.append(
        [
            f"(Thông tin trong sổ hộ tịch chưa thống nhất với CSDL quốc gia về dân cư; lập ngày {timezone.localdate():%d/%m/%Y})"
        ]
    )
    ws.append([])
    for row in (1, 2, 4, 5):
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(header))
        ws.cell(row, 1).alignment = Alignment(horizontal="center")
        ws.cell(row, 1).font = Font(bold=row != 5, italic=row == 5, size=13 if row == 4 else 11)
    ws.append(header)
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.border = border
    for n, case in enumerate(cases, start=1):
        book = case.entry.book
        ws.append(
            sheet_row(
                ws,
                [
                    n,
                    f"{book.register_type_label}, quyển {book.volume}, số {case.entry.number:02d}/{case.entry.year}",
                    case.full_name,
                    case.personal_id,
                    "\n".join(f["label"] for f in case.fields),
                    "\n".join(f"{f['label']}: {f['book']}" for f in case.fields),
                    "\n".join(f"{f['label']}: {f['registry']}" for f in case.fields),
                    timezone.localtime(case.opened_at).strftime("%d/%m/%Y"),
                    str(case.assignee or ""),
                    case.get_result_display() if case.result else "",
                    case.procedure,
                ],
            )
        )
        for cell in ws[ws.max_row]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.border = border
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[ws.cell(header_row, index).column_letter].width = width
    ws.append([])
    ws.append(
        ["", "NGƯỜI LẬP DANH SÁCH", "", "", "CÔNG AN XÃ", "", "", "", "CÔNG CHỨC TƯ PHÁP – HỘ TỊCH"]
    )
    ws.append(
        [
            "",
            "(Ký, ghi rõ họ tên)",
            "",
            "",
            "(Ký, ghi rõ họ tên)",
            "",
            "",
            "",
            "(Ký, ghi rõ họ tên)",
        ]
    )
    for cell in ws[ws.max_row - 1]:
        cell.font = Font(bold=True)
    ws.append([])
    ws.append([])
    ws.append(sheet_row(ws, ["", str(user)]))
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.oddFooter.center.text = "Trang &P / &N"
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
