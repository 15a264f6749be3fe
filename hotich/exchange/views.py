"""Upload page with progress, the column-mapping screen, and book exports."""

from datetime import datetime

from django.contrib import messages
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
from hotich.exchange.exports import (
    book_export_create,
    handover_export_create,
    interconnection_export_create,
)
from hotich.exchange.importer import (
    ImportFileError,
    find_layout,
    import_run_interrupted_end,
    open_sheet,
)
from hotich.exchange.interconnection import REGISTERS as INTERCONNECTION_REGISTERS
from hotich.exchange.layout import header_signature, suggest_mapping
from hotich.exchange.models import BookExport, ImportRun
from hotich.exchange.services import column_mapping_save, import_run_create, import_run_fail
from hotich.exchange.tasks import import_run_task
from hotich.jobs.services import job_enqueue
from hotich.registers.selectors import books_for_user, get_book_for_user
from hotich.registers.spec import REGISTER_TYPES
from hotich.review.services import book_completeness

MAX_UPLOAD = 200 * 1024 * 1024
ACCEPTED = (".xlsx", ".xls", ".ods", ".csv", ".json")
#: The exports a book offers, by the form's ``kind``; the Ministry's by default.
EXPORTS = {
    "handover": handover_export_create,
    "lienthong": interconnection_export_create,
}


def _get_run(request: UserRequest, pk: int) -> ImportRun:
    """Return import run PK if it is the user's own (administrators see every run); another's
    run is refused like a missing one (audited)."""
    runs = ImportRun.objects.select_related("book", "mapping")
    if not can(request.user, Capability.SEE_ALL_IMPORTS):
        runs = runs.filter(user=request.user)
    run = runs.filter(pk=pk).first()
    if run is None:
        refuse(request, REFUSED, object_type="importrun", object_id=pk)
    return run


def _enqueue(request: HttpRequest, run: ImportRun) -> None:
    job_enqueue(
        task=import_run_task,
        user=request.user,
        label=_("Nhập tệp %(name)s") % {"name": run.original_name},
        run_id=run.pk,
    )


@require_http_methods(["GET", "POST"])
def import_upload(request: UserRequest) -> HttpResponse:
    """Choose a file (and optionally its book); known layouts are queued, others go to mapping."""
    require(request, Capability.IMPORT)
    books = books_for_user(request.user).order_by("register_type", "year_from", "volume")
    runs = ImportRun.objects.filter(user=request.user)[:20]
    context: dict[str, object] = {"books": books, "runs": runs}
    if request.method == "GET":
        return render(request, "exchange/import_upload.html", context)
    upload = request.FILES.get("file")
    book = None
    if request.POST.get("book", "").isdigit():
        book = get_book_for_user(request, int(request.POST["book"]), write=Capability.IMPORT)
    # The kinds the reader takes; which one a file is, its content decides (reader.py).
    if upload is None or upload.name is None or not upload.name.lower().endswith(ACCEPTED):
        context["error"] = _(
            "Hãy chọn một tệp bảng tính dạng .xlsx, .xls, .ods hoặc .csv, hoặc tệp hồ sơ "
            "liên thông .json."
        )
        return render(request, "exchange/import_upload.html", context, status=400)
    assert upload.size is not None and upload.file is not None  # Django's parser sets both
    if upload.size > MAX_UPLOAD:
        context["error"] = _("Tệp lớn hơn 200 MB; hãy chia nhỏ hoặc dùng lệnh hotich import.")
        return render(request, "exchange/import_upload.html", context, status=400)
    # Only the header row is read here (bounded by the file's size); the worker reads the rest.
    try:
        sheet = open_sheet(upload.file)
    except ImportFileError as error:
        context["error"] = str(error)
        return render(request, "exchange/import_upload.html", context, status=400)
    upload.file.seek(0)
    layout = find_layout(sheet, mapping=None, user=request.user)
    status = ImportRun.Status.QUEUED if layout else ImportRun.Status.NEEDS_MAPPING
    run = import_run_create(
        handle=upload.file, name=upload.name, user=request.user, book=book, status=status
    )
    if layout is None:
        return redirect("import_mapping", pk=run.pk)
    _enqueue(request, run)
    return redirect("import_detail", pk=run.pk)


@require_GET
def import_detail(request: UserRequest, pk: int) -> HttpResponse:
    """One import: progress bar (htmx refreshes it while it runs), counts, problems."""
    run = _get_run(request, pk)
    if import_run_interrupted_end(run=run):
        run.refresh_from_db()
    template = "exchange/_import_progress.html" if request.htmx else "exchange/import_detail.html"
    return render(request, template, {"run": run})


@require_GET
def import_report(request: UserRequest, pk: int) -> FileResponse:
    """Download the rejected rows with the bad cells highlighted; audited."""
    run = _get_run(request, pk)
    if not run.report:
        raise Http404(_("Lần nhập này không có dòng lỗi."))
    audit_record(request=request, action=AuditEvent.Action.EXPORT, obj=run)
    return FileResponse(
        run.report.open("rb"), as_attachment=True, filename=f"loi-nhap-{run.pk}.xlsx"
    )


@require_http_methods(["GET", "POST"])
def import_mapping(request: UserRequest, pk: int) -> HttpResponse:
    """Say which register column each column of a legacy export feeds; saved for next time."""
    run = _get_run(request, pk)
    if run.status != ImportRun.Status.NEEDS_MAPPING:
        return redirect("import_detail", pk=run.pk)
    try:
        with run.file.open("rb") as handle:
            sheet = open_sheet(handle)
            headers = sheet.headers
            example = list(next(sheet.rows, (0, ()))[1])
    except ImportFileError as error:
        import_run_fail(run=run, message=str(error))
        return redirect("import_detail", pk=run.pk)
    code = (
        request.POST.get("register_type")
        or request.GET.get("register_type")
        or (run.book.register_type if run.book else "KS")
    )
    register = REGISTER_TYPES.get(code, REGISTER_TYPES["KS"])
    if request.method == "POST" and "save" in request.POST:
        columns = {h: request.POST.get(f"col{i}", "") for i, h in enumerate(headers) if h}
        chosen = [v for v in columns.values() if v]
        missing = [
            f.label for f in register.required_fields if f.name not in chosen and f.name != "STT"
        ]
        name = request.POST.get("name", "").strip() or run.original_name
        if len(chosen) != len(set(chosen)):
            messages.error(request, _("Một cột của sổ chỉ được ghép với một cột của tệp."))
        else:
            if missing:
                messages.warning(
                    request,
                    _("Chưa ghép các cột bắt buộc: %(cols)s. Các dòng thiếu chúng sẽ bị từ chối.")
                    % {"cols": ", ".join(missing)},
                )
            run.mapping = column_mapping_save(
                user=request.user,
                name=name,
                register_type=register.code,
                headers=headers,
                columns=columns,
                signature=header_signature(headers),
            )
            run.status = ImportRun.Status.QUEUED
            run.save(update_fields=["mapping", "status", "updated_at"])
            _enqueue(request, run)
            return redirect("import_detail", pk=run.pk)
    suggestion = suggest_mapping(headers, register)
    rows = [
        {
            "index": i,
            "header": h,
            "example": example[i]
            if i < len(example) and isinstance(example[i], str | int | float | datetime)
            else "",
            "chosen": suggestion.get(h, ""),
        }
        for i, h in enumerate(headers)
        if h
    ]
    context = {
        "run": run,
        "rows": rows,
        "register": register,
        "register_types": REGISTER_TYPES.values(),
        "groups": [
            (label, [f for f in register.fields_in(key) if f.name != "STT"])
            for key, label in register.groups
        ],
    }
    return render(request, "exchange/import_mapping.html", context)


@require_GET
def book_exports(request: UserRequest, pk: int) -> HttpResponse:
    """A book's exports: make a new one (justice officer), download earlier ones."""
    book = get_book_for_user(request, pk)
    context = {
        "book": book,
        "exports": BookExport.objects.filter(book=book).select_related("user"),
        "approved": book.entries.filter(status__in=["approved", "exported"]).count(),
        "years": book_completeness(book),
        "can_export": can(request.user, Capability.EXPORT, book),
        "interconnection": book.register_type in INTERCONNECTION_REGISTERS,
    }
    return render(request, "exchange/book_exports.html", context)


@require_POST
def book_export_start(request: UserRequest, pk: int) -> HttpResponse:
    """Make the Ministry export (Excel + PDFs), the handover file or the interconnection
    file (JSON) of a book now."""
    book = get_book_for_user(request, pk, write=True)
    require(request, Capability.EXPORT, book)
    create = EXPORTS.get(request.POST.get("kind", ""), book_export_create)
    try:
        export = create(book=book, user=request.user, actor=Actor.of(request))
    except ValueError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Đã xuất %(n)s trường hợp.") % {"n": export.entries})
    return redirect("book_exports", pk=book.pk)


@require_GET
def export_download(request: UserRequest, pk: int, part: str) -> FileResponse:
    """Download a kept export file again (Excel or zip of PDFs); audited."""
    export = BookExport.objects.filter(pk=pk).select_related("book").first()
    # A missing export is refused like one of another unit's book (book 0 does not exist).
    get_book_for_user(request, export.book_id if export else 0)
    assert export is not None  # refused above
    file = export.archive if part == "pdf" else export.workbook
    if not file or not file.name:
        raise Http404
    audit_record(
        request=request, action=AuditEvent.Action.EXPORT, obj=export, commune=export.book.commune
    )
    return FileResponse(file.open("rb"), as_attachment=True, filename=file.name.rsplit("/", 1)[-1])
