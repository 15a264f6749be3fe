"""Searching the audit log (administrators and inspectors, each within their area) and
exporting it. Reading the log is itself recorded: it holds citizens' values."""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from hotich.accounts.capabilities import Capability, require
from hotich.accounts.requests import UserRequest
from hotich.audit.models import AuditEvent
from hotich.audit.services import audit_record
from hotich.jobs.services import job_enqueue
from hotich.oversight.selectors import audit_events_filtered, day_invalid, object_type_label
from hotich.oversight.tasks import audit_export

FILTERS = ("user", "commune", "entry", "citizen", "action", "date_from", "date_to")


def _filters(request: HttpRequest) -> dict[str, Any]:
    source = request.POST if request.method == "POST" else request.GET
    return {key: source.get(key, "") for key in FILTERS}


@require_GET
def audit_search(request: UserRequest) -> HttpResponse:
    require(request, Capability.READ_AUDIT)
    filters = _filters(request)
    events = audit_events_filtered(user=request.user, filters=filters)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    for event in page.object_list:
        setattr(event, "object_label", object_type_label(event.object_type))  # noqa: B010
    audit_record(
        request=request,
        action=AuditEvent.Action.VIEW,
        object_type="auditevent",
        object_repr=f"tra cứu nhật ký: {len(page.object_list)} sự kiện",
        changes={
            "filters": [None, {k: v for k, v in filters.items() if v}],
            "events": [None, [e.pk for e in page.object_list]],
        },
    )
    context = {
        "page": page,
        "filters": filters,
        "actions": AuditEvent.Action.choices,
        "bad_days": [k for k in ("date_from", "date_to") if day_invalid(filters[k])],
    }
    template = "audit/_event_rows.html" if request.htmx else "audit/search.html"
    return render(request, template, context)


@require_POST
def audit_export_start(request: HttpRequest) -> HttpResponse:
    """Queue an Excel export of the filtered log (within the user's area); audited."""
    require(request, Capability.READ_AUDIT)
    filters = _filters(request)
    job_enqueue(
        task=audit_export,
        user=request.user,
        label="Xuất nhật ký truy cập ra Excel",
        filters=filters,
        user_id=request.user.pk,
    )
    audit_record(
        request=request,
        action=AuditEvent.Action.EXPORT,
        object_type="auditevent",
        object_repr="xuất nhật ký truy cập",
        changes={"filters": [None, {k: v for k, v in filters.items() if v}]},
    )
    messages.success(request, "Đã đưa vào hàng đợi. Tệp sẽ có ở trang Tác vụ nền khi xong.")
    return redirect("job_list")
