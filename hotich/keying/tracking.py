"""Danh sách theo dõi riêng: the page per commune, a case, assign, close, Excel export."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_POST
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.page import PageMargins

from hotich.accounts.capabilities import Capability, can, require
from hotich.accounts.models import COMMUNE_ROLES, User
from hotich.audit.models import AuditEvent
from hotich.audit.services import audit_record
from hotich.keying import services
from hotich.keying.models import TrackingCase
from hotich.keying.selectors import cases_for_user, get_case_for_user
from hotich.lib.sheets import sheet_row
from hotich.matching.decide import BASIC_FIELDS
from hotich.registers.spec import REGISTER_TYPES

AGES = {"7": 7, "30": 30, "90": 90}
#: What the citizen is guided to, by verification result (the officer may edit it).
PROCEDURES = {
    TrackingCase.Result.BOOK_RIGHT: _lazy(
        "Hướng dẫn công dân điều chỉnh thông tin trong CSDL quốc gia về dân cư theo sổ hộ tịch "
        "(công an xã cập nhật theo Luật Cư trú, Luật Căn cước)."
    ),
    TrackingCase.Result.REGISTRY_RIGHT: _lazy(
        "Hướng dẫn công dân làm thủ tục cải chính hộ tịch (Luật Hộ tịch, Điều 26–28) để sổ "
        "hộ tịch khớp với thông tin đúng."
    ),
    TrackingCase.Result.BOTH_WRONG: _lazy(
        "Hướng dẫn công dân làm thủ tục cải chính hộ tịch, sau đó công an xã điều chỉnh CSDL "
        "quốc gia về dân cư theo quyết định cải chính."
    ),
}


def _filtered(request: HttpRequest) -> tuple[QuerySet[TrackingCase], dict[str, str]]:
    """Return the user's cases filtered by the request's query and the filters applied."""
    cases = cases_for_user(request.user)
    f = {
        k: request.GET.get(k, "").strip()
        for k in ("status", "type", "book", "field", "age", "assignee")
    }
    f["status"] = f["status"] or TrackingCase.Status.OPEN
    if f["status"] in TrackingCase.Status.values:
        cases = cases.filter(status=f["status"])
    if f["type"] in REGISTER_TYPES:
        cases = cases.filter(entry__book__register_type=f["type"])
    if f["book"].isdigit():
        cases = cases.filter(entry__book_id=int(f["book"]))
    if f["field"] in BASIC_FIELDS:
        # JSON containment differs by backend; the list of a commune is small, filter here.
        ids = [
            pk
            for pk, fields in cases.values_list("pk", "fields")
            if any(x["field"] == f["field"] for x in fields)
        ]
        cases = cases.filter(pk__in=ids)
    if f["age"] in AGES:
        cases = cases.filter(opened_at__lte=timezone.now() - timedelta(days=AGES[f["age"]]))
    if f["assignee"] == "none":
        cases = cases.filter(assignee__isnull=True)
    elif f["assignee"].isdigit():
        cases = cases.filter(assignee_id=int(f["assignee"]))
    return cases.order_by("opened_at", "id"), f


def _officers(user: User) -> QuerySet[User]:
    """Officers a case may be given to: the commune roles of the user's commune."""
    if user.unit_id is None:
        return User.objects.none()
    return User.objects.filter(unit_id=user.unit_id, role__in=COMMUNE_ROLES, is_active=True)


@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    """Danh sách theo dõi riêng of the user's commune (or province, for a supervisor)."""
    cases, filters = _filtered(request)
    audit_record(
        request=request,
        action=AuditEvent.Action.VIEW,
        object_type="trackingcase",
        object_repr=f"danh sách theo dõi riêng: {cases.count()} trường hợp",
        commune=request.user.unit if request.user.is_commune_user else None,
    )
    context = {
        "cases": cases.prefetch_related("entry__scans"),
        "filters": filters,
        "register_types": REGISTER_TYPES.values(),
        "fields": BASIC_FIELDS,
        "officers": _officers(request.user),
        "books": {c.entry.book for c in cases},
        "query": request.GET.urlencode(),
    }
    template = "keying/_case_rows.html" if request.htmx else "keying/case_list.html"
    return render(request, template, context)


@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One case: the book's value beside the registry's, the scan, assign and close."""
    case = get_case_for_user(request, pk)
    audit_record(request=request, action=AuditEvent.Action.VIEW, obj=case, commune=case.commune)
    context = {
        "case": case,
        "scans": case.entry.scans.all(),
        "officers": _officers(request.user),
        "results": TrackingCase.Result.choices,
        "procedures": {str(k): v for k, v in PROCEDURES.items()},
        "can_close": can(request.user, Capability.CLOSE_CASE, case),
        "can_assign": can(request.user, Capability.ASSIGN_CASE, case),
    }
    return render(request, "keying/case_detail.html", context)


@require_POST
def case_assign(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request, pk, write=True)
    require(request, Capability.ASSIGN_CASE, case)
    assignee_id = request.POST.get("assignee", "")
    assignee = _officers(request.user).filter(pk=assignee_id).first() if assignee_id else None
    if assignee_id and assignee is None:
        messages.error(request, _("Chỉ giao được cho cán bộ của xã."))
    elif services.tracking_case_assign(
        case=case, assignee=assignee, user=request.user, request=request
    ):
        messages.success(request, _("Đã giao trường hợp cho %(who)s.") % {"who": assignee or "—"})
    else:
        messages.error(request, _("Trường hợp đã đóng, không giao được."))
    return redirect("tracking_case", pk=case.pk)


@require_POST
def case_close(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the verification result and the procedure the citizen is guided to; close."""
    case = get_case_for_user(request, pk, write=True)
    require(request, Capability.CLOSE_CASE, case)
    result = request.POST.get("result", "")
    procedure = request.POST.get("procedure", "").strip() or str(PROCEDURES.get(result, ""))
    try:
        closed = services.tracking_case_close(
            case=case,
            result=result,
            procedure=procedure,
            note=request.POST.get("note", ""),
            user=request.user,
            request=request,
        )
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("tracking_case", pk=case.pk)
    if closed:
        messages.success(request, _("Đã ghi kết quả xác minh và đóng trường hợp."))
    else:
        messages.error(request, _("Trường hợp đã được đóng trước đó."))
    return redirect("tracking_list")


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


@require_GET
def case_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as a printable, signable Excel file; audited."""
    cases, _filters = _filtered(request)
    rows: list[Any] = list(cases.select_related("entry__book"))
    unit = request.user.unit
    title = unit.full_name if unit is not None else _("toàn quốc")
    content = tracking_workbook(rows, title=title, user=request.user)
    audit_record(
        request=request,
        action=AuditEvent.Action.EXPORT,
        object_type="trackingcase",
        object_repr=f"danh sách theo dõi riêng: {len(rows)} trường hợp",
        changes={"cases": [None, len(rows)]},
        commune=unit if request.user.is_commune_user else None,
    )
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="danh-sach-theo-doi-rieng.xlsx"'
    return response
