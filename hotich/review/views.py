"""Scans of a book, the review page (scan beside the keyed data), approval, completeness."""

from django.contrib import messages
from django.core.exceptions import BadRequest
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hotich.accounts.capabilities import Capability, can, refuse, require
from hotich.accounts.requests import UserRequest
from hotich.accounts.scope import REFUSED
from hotich.audit.actor import Actor
from hotich.audit.models import AuditEvent
from hotich.audit.services import audit_record
from hotich.registers.models import EntryStatus, RegisterBook
from hotich.registers.selectors import (
    entries_for_user,
    get_book_for_user,
    get_entry_for_user,
    get_scan_for_user,
)
from hotich.registers.services import EntryConflict
from hotich.review import scans as scan_services
from hotich.review import services
from hotich.review.models import BookScanSource


def _upload_name(upload: UploadedFile) -> str:
    """Return an upload's file name: Django's multipart parser keeps only named files."""
    assert upload.name is not None
    return upload.name


@require_http_methods(["GET", "POST"])
def book_scans(request: UserRequest, pk: int) -> HttpResponse:
    """Upload scans (files or zips) named by the convention; list entries with thumbnails."""
    change = Capability.UPLOAD_SCANS if request.method == "POST" else False
    book = get_book_for_user(request, pk, write=change)
    report = None
    if request.method == "POST":
        files = [(_upload_name(f), f.read()) for f in request.FILES.getlist("files")]
        if not files:
            messages.error(request, _("Hãy chọn ít nhất một tệp."))
        else:
            report = scan_services.scans_upload(
                book=book, files=files, user=request.user, actor=Actor.of(request)
            )
    entries = book.entries.order_by("year", "number", "id").prefetch_related("scans")
    audit_record(
        request=request,
        action=AuditEvent.Action.VIEW,
        obj=book,
        changes={"entries": [None, [e.pk for e in entries]]},
    )
    context = {
        "book": book,
        "entries": entries,
        "report": report,
        "sources": BookScanSource.objects.filter(book=book),
    }
    return render(request, "review/book_scans.html", context)


@require_POST
def book_scan_upload(request: UserRequest, pk: int) -> HttpResponse:
    """Keep a whole-book PDF, then go to the page-range screen to split it."""
    book = get_book_for_user(request, pk, write=Capability.UPLOAD_SCANS)
    upload = request.FILES.get("book_pdf")
    if upload is None:
        messages.error(request, _("Hãy chọn tệp PDF của cả quyển."))
        return redirect("book_scans", pk=book.pk)
    try:
        source = scan_services.book_scan_upload(
            book=book,
            name=_upload_name(upload),
            data=upload.read(),
            user=request.user,
            actor=Actor.of(request),
        )
    except scan_services.ScanRejected as error:
        messages.error(request, str(error))
        return redirect("book_scans", pk=book.pk)
    return redirect("book_scan_split", pk=book.pk, source=source.pk)


def _source(request: HttpRequest, book: RegisterBook, source: int) -> BookScanSource:
    """Return whole-book PDF SOURCE of BOOK; one of another book is refused like a missing
    one, with the answer every object gets (audited)."""
    found = BookScanSource.objects.filter(pk=source, book=book).first()
    if found is None:
        refuse(request, REFUSED, object_type="bookscansource", object_id=source)
    return found


@require_http_methods(["GET", "POST"])
def book_scan_split(request: UserRequest, pk: int, source: int) -> HttpResponse:
    """Page ranges per entry ("07/2008: 3-4"); the whole-book PDF is cut accordingly."""
    change = Capability.UPLOAD_SCANS if request.method == "POST" else False
    book = get_book_for_user(request, pk, write=change)
    found = _source(request, book, source)
    text = request.POST.get("ranges") if request.method == "POST" else None
    problems: list[str] = []
    if text is not None:
        ranges, problems = scan_services.parse_ranges(text, book=book, pages=found.pages)
        if not problems and ranges:
            try:
                made = scan_services.book_scan_split(
                    source=found, ranges=ranges, user=request.user, actor=Actor.of(request)
                )
            except scan_services.ScanRejected as error:
                problems = [str(error)]
            else:
                messages.success(
                    request, _("Đã tách %(n)s tệp PDF cho từng trường hợp.") % {"n": len(made)}
                )
                return redirect("book_scans", pk=book.pk)
        elif not ranges and not problems:
            problems = [_("Chưa có dòng nào.")]
    context = {
        "book": book,
        "source": found,
        "pages": range(1, found.pages + 1),
        "ranges": text if text is not None else scan_services.suggested_ranges(book, found.pages),
        "problems": problems,
    }
    return render(request, "review/book_scan_split.html", context)


@require_GET
def scan_file(request: UserRequest, pk: int, part: str) -> FileResponse:
    """Show a scan's PDF (inline), its original photo or its thumbnail; viewing is audited."""
    scan = get_scan_for_user(request, pk)
    file = {"pdf": scan.file, "goc": scan.original, "anh": scan.thumbnail}.get(part)
    if not file or not file.name:
        raise Http404
    if part != "anh":
        audit_record(
            request=request,
            action=AuditEvent.Action.VIEW,
            obj=scan,
            commune=scan.entry.book.commune,
        )
    return FileResponse(file.open("rb"), filename=file.name.rsplit("/", 1)[-1])


PAGE_WIDTH = 1100


def _png(pdf_file, index: int, width: int) -> HttpResponse:
    with pdf_file.open("rb") as handle:
        data = handle.read()
    try:
        png = scan_services.page_png(data, index, width)
    except (IndexError, scan_services.ScanRejected):
        raise Http404 from None
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_GET
def scan_page(request: HttpRequest, pk: int, page: int) -> HttpResponse:
    """Page PAGE (1-based) of a scan as an image, for the review page."""
    scan = get_scan_for_user(request, pk)
    response = _png(scan.file, page - 1, PAGE_WIDTH)
    audit_record(
        request=request,
        action=AuditEvent.Action.VIEW,
        obj=scan,
        commune=scan.entry.book.commune,
        changes={"page": [None, page]},
    )
    return response


@require_GET
def book_scan_page(request: HttpRequest, pk: int, source: int, page: int) -> HttpResponse:
    """Page PAGE of a whole-book PDF, small, for the page-range screen."""
    book = get_book_for_user(request, pk)
    found = _source(request, book, source)
    response = _png(found.file, page - 1, 300)
    audit_record(
        request=request,
        action=AuditEvent.Action.VIEW,
        obj=found,
        commune=book.commune,
        changes={"page": [None, page]},
    )
    return response


def _field_rows(entry) -> list[dict]:
    register = entry.register_type
    rows = []
    for key, label in register.groups:
        for field in register.fields_in(key):
            value = entry.values.get(field.name, "")
            rows.append(
                {
                    "group": label,
                    "field": field,
                    "value": value,
                    "label_for": field.code_list.label_for(value)
                    if field.code_list and value
                    else "",
                    "mark": entry.marks.get(field.name),
                }
            )
    return rows


@require_GET
def entry_review(request: UserRequest, pk: int) -> HttpResponse:
    """The scan beside the keyed data, field by field, with accept / correct / return / approve."""
    entry = get_entry_for_user(request, pk)
    audit_record(request=request, action=AuditEvent.Action.VIEW, obj=entry)
    scans = list(entry.scans.order_by("uploaded_at", "id"))
    for scan in scans:
        scan.page_numbers = range(1, (scan.pages or 1) + 1)  # type: ignore[attr-defined]
    show_all = request.GET.get("all") == "1"
    rows = [
        r for r in _field_rows(entry) if show_all or r["value"] or r["mark"] or r["field"].required
    ]
    context = {
        "entry": entry,
        "book": entry.book,
        "rows": rows,
        "show_all": show_all,
        "scans": scans,
        "returns": entry.returns.select_related("returned_by")[:5],
        "is_officer": can(request.user, Capability.REVIEW, entry),
        "can_upload_scans": can(request.user, Capability.UPLOAD_SCANS, entry),
        "can_accept": entry.status in services.REVIEWABLE,
        "can_approve": entry.status == EntryStatus.REVIEWED,
        "is_open": entry.status in services.OPEN,
    }
    return render(request, "review/entry_review.html", context)


@require_POST
def entry_review_field(request: UserRequest, pk: int) -> HttpResponse:
    """Correct one field from the scan (htmx swaps that row); audited through entry_update."""
    entry = get_entry_for_user(request, pk, write=True)
    name = request.POST.get("field", "")
    if not request.POST.get("version", "0").isdigit():
        raise BadRequest("version")
    error = ""
    try:
        entry = services.entry_correct(
            entry=entry,
            user=request.user,
            field=name,
            value=request.POST.get("value", ""),
            expected_version=int(request.POST.get("version", "0")),
            actor=Actor.of(request),
        )
    except KeyError:
        raise Http404 from None
    except (EntryConflict, services.ReviewRefused) as exc:
        error = str(exc)
        entry.refresh_from_db()
    row = next(r for r in _field_rows(entry) if r["field"].name == name)
    context = {
        "entry": entry,
        "r": row,
        "error": error,
        "changed": not error,
        "is_officer": True,
        "is_open": entry.status in services.OPEN,
    }
    return render(request, "review/_field_row.html", context)


@require_POST
def entry_review_action(request: UserRequest, pk: int) -> HttpResponse:
    """Accept, approve, or return the entry to its keyer with a reason."""
    entry = get_entry_for_user(request, pk, write=True)
    action = request.POST.get("action")
    actor = Actor.of(request)
    try:
        if action == "accept":
            services.entry_accept(entry=entry, user=request.user, actor=actor)
            messages.success(request, _("Đã xác nhận khớp với bản chụp."))
        elif action == "approve":
            services.entry_approve(entry=entry, user=request.user, actor=actor)
            messages.success(request, _("Đã phê duyệt: trường hợp sẵn sàng chuyển đổi."))
        elif action == "return":
            services.entry_return(
                entry=entry,
                user=request.user,
                reason=request.POST.get("reason", ""),
                actor=actor,
            )
            messages.success(request, _("Đã trả lại cho người nhập."))
        else:
            raise Http404
    except services.ReviewRefused as error:
        messages.error(request, str(error))
    return redirect("entry_review", pk=entry.pk)


@require_GET
def book_review(request: UserRequest, pk: int) -> HttpResponse:
    """A book's review queue and completeness: gaps per year, numbers marked missing."""
    book = get_book_for_user(request, pk)
    waiting = (
        entries_for_user(request.user)
        .filter(book=book, status__in=[EntryStatus.RECONCILED, EntryStatus.REVIEWED])
        .order_by("status", "year", "number")
    )
    shown = list(waiting[:200])
    audit_record(
        request=request,
        action=AuditEvent.Action.VIEW,
        obj=book,
        changes={"entries": [None, [e.pk for e in shown]]},
    )
    context = {
        "book": book,
        "years": services.book_completeness(book),
        "missing": book.missing_entries.select_related("marked_by"),
        "waiting": shown,
        "reviewed": waiting.filter(status=EntryStatus.REVIEWED).count(),
        "is_officer": can(request.user, Capability.APPROVE, book),
        "can_mark_missing": can(request.user, Capability.MARK_MISSING, book),
    }
    return render(request, "review/book_review.html", context)


@require_POST
def book_review_action(request: UserRequest, pk: int) -> HttpResponse:
    """Mark a number missing (with its reason) or approve every reviewed entry of the book."""
    book = get_book_for_user(request, pk, write=True)
    actor = Actor.of(request)
    if request.POST.get("action") == "approve_all":
        done = services.book_approve_reviewed(book=book, user=request.user, actor=actor)
        messages.success(request, _("Đã phê duyệt %(n)s trường hợp.") % {"n": done.approved})
        for refused in done.refused:
            messages.error(request, _("Chưa phê duyệt: %s") % refused)
        return redirect("book_review", pk=book.pk)
    require(actor, Capability.MARK_MISSING, book)
    try:
        year = int(request.POST.get("year", ""))
        number = int(request.POST.get("number", ""))
    except ValueError:
        messages.error(request, _("Năm và số phải là số."))
        return redirect("book_review", pk=book.pk)
    try:
        services.missing_mark(
            book=book,
            year=year,
            number=number,
            reason=request.POST.get("reason", ""),
            user=request.user,
            actor=actor,
        )
    except services.ReviewRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Đã ghi số %(n)s/%(y)s là không có trong sổ.") % {"n": f"{number:02d}", "y": year},
        )
    return redirect("book_review", pk=book.pk)


@require_POST
def entry_scan_upload(request: UserRequest, pk: int) -> HttpResponse:
    """Add a scan (PDF or photo) to one entry from its review page."""
    entry = get_entry_for_user(request, pk, write=Capability.UPLOAD_SCANS)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Hãy chọn tệp."))
    else:
        try:
            scan_services.scan_attach(
                entry=entry,
                name=_upload_name(upload),
                data=upload.read(),
                user=request.user,
                actor=Actor.of(request),
            )
        except scan_services.ScanRejected as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Đã thêm bản chụp."))
    return redirect("entry_review", pk=entry.pk)
