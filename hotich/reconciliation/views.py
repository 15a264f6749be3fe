"""Pages of the reconciliation: the Danh sách theo dõi riêng (the page per commune, a case,
assign, close, Excel export) and starting a book's reconciliation."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_POST

from hotich.accounts.capabilities import Capability, can, require
from hotich.accounts.models import COMMUNE_ROLES, User
from hotich.accounts.requests import UserRequest
from hotich.audit.actor import Actor
from hotich.audit.downloads import pdf_download
from hotich.audit.models import AuditEvent
from hotich.audit.services import audit_record
from hotich.jobs.services import job_enqueue
from hotich.matching.engine.decide import BASIC_FIELDS
from hotich.reconciliation import services
from hotich.reconciliation.models import TrackingCase
from hotich.reconciliation.notice import notice_filename, tracking_notice_pdf
from hotich.reconciliation.selectors import cases_for_user, get_case_for_user
from hotich.reconciliation.tasks import book_reconcile_task
from hotich.reconciliation.workbook import tracking_workbook
from hotich.registers.selectors import get_book_for_user
from hotich.registers.spec import REGISTER_TYPES

AGES = {"7": 7, "30": 30, "90": 90}
#: What the citizen is guided to, by verification result (the officer may edit it).
PROCEDURES: dict[str, Promise] = {
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


def _filtered(request: UserRequest) -> tuple[QuerySet[TrackingCase], dict[str, str]]:
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
def case_list(request: UserRequest) -> HttpResponse:
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
    template = "reconciliation/_case_rows.html" if request.htmx else "reconciliation/case_list.html"
    return render(request, template, context)


@require_GET
def case_detail(request: UserRequest, pk: int) -> HttpResponse:
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
    return render(request, "reconciliation/case_detail.html", context)


@require_GET
def case_notice(request: UserRequest, pk: int) -> HttpResponse:
    """The printable notice for the citizen of one case (PDF), for whoever may see the case;
    audited."""
    case = get_case_for_user(request, pk)
    return pdf_download(
        request=request,
        render=lambda: tracking_notice_pdf(case, officer=request.user, issued=timezone.localdate()),
        filename=notice_filename(case),
        obj=case,
        commune=case.commune,
        changes={"giấy hướng dẫn": [None, case.field_keys]},
        on_error=lambda: redirect("tracking_case", pk=case.pk),
    )


@require_POST
def case_assign(request: UserRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request, pk, write=True)
    require(request, Capability.ASSIGN_CASE, case)
    assignee_id = request.POST.get("assignee", "")
    assignee = _officers(request.user).filter(pk=assignee_id).first() if assignee_id else None
    if assignee_id and assignee is None:
        messages.error(request, _("Chỉ giao được cho cán bộ của xã."))
    elif services.tracking_case_assign(
        case=case, assignee=assignee, user=request.user, actor=Actor.of(request)
    ):
        messages.success(request, _("Đã giao trường hợp cho %(who)s.") % {"who": assignee or "—"})
    else:
        messages.error(request, _("Trường hợp đã đóng, không giao được."))
    return redirect("tracking_case", pk=case.pk)


@require_POST
def case_close(request: UserRequest, pk: int) -> HttpResponse:
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
            actor=Actor.of(request),
        )
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("tracking_case", pk=case.pk)
    if closed:
        messages.success(request, _("Đã ghi kết quả xác minh và đóng trường hợp."))
    else:
        messages.error(request, _("Trường hợp đã được đóng trước đó."))
    return redirect("tracking_list")


@require_GET
def case_export(request: UserRequest) -> HttpResponse:
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


@require_POST
def book_reconcile_start(request: UserRequest, pk: int) -> HttpResponse:
    """Queue the batch reconciliation of every person in the book."""
    book = get_book_for_user(request, pk, write=True)
    job_enqueue(
        task=book_reconcile_task,
        user=request.user,
        label=f"Đối chiếu với CSDL dân cư: {book}",
        book_id=book.pk,
        user_id=request.user.pk,
    )
    messages.success(request, "Đã đưa vào hàng đợi đối chiếu. Kết quả có ở trang Tác vụ nền.")
    return redirect("job_list")
