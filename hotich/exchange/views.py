"""Upload page with progress, the column-mapping screen, and book exports."""

from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
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
    Sheet,
    find_layout,
    import_run_interrupted_end,
    open_sheet,
    report_text,
)
from hotich.exchange.interconnection import REGISTERS as INTERCONNECTION_REGISTERS
from hotich.exchange.layout import header_signature, mapped_layout, suggest_mapping, value_key
from hotich.exchange.mapping import (
    PREVIEW_ROWS,
    SCANNED_ROWS,
    code_columns,
    fixed_value_problems,
    mapping_preview,
    preview_fields,
)
from hotich.exchange.models import BookExport, ColumnMapping, ImportRun
from hotich.exchange.services import (
    MappingConflictError,
    column_mapping_for,
    column_mapping_save,
    import_run_create,
    import_run_fail,
)
from hotich.exchange.tasks import import_run_task
from hotich.jobs.services import job_enqueue
from hotich.registers.selectors import books_for_user, get_book_for_user
from hotich.registers.spec import REGISTER_TYPES, RegisterType
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


@dataclass
class MappingState:
    """What the mapping screen holds: columns (header → field), fixed values, value maps
    (field → value key → code, ``""`` for "as written") and the version it started from."""

    columns: dict[str, str]
    fixed: dict[str, str]
    value_maps: dict[str, dict[str, str]]
    version: int
    name: str


def _posted_state(request: UserRequest, headers: list[str], register: RegisterType) -> MappingState:
    known = set(register.column_names)
    columns = {h: request.POST.get(f"col{i}", "") for i, h in enumerate(headers) if h}
    columns = {h: v if v in known else "" for h, v in columns.items()}
    fixed = {
        name: request.POST.get(f"fixed-{name}", "").strip()
        for name in register.column_names
        if request.POST.get(f"fixed-{name}", "").strip()
    }
    maps: dict[str, dict[str, str]] = {}
    for key in request.POST:
        if not key.startswith("mapv-"):
            continue
        _prefix, name, index = key.split("-", 2)
        code = request.POST.get(f"map-{name}-{index}", "")
        if name in known:
            maps.setdefault(name, {})[value_key(request.POST[key])] = code
    version = request.POST.get("version", "0")
    return MappingState(
        columns,
        fixed,
        maps,
        int(version) if version.isdigit() else 0,
        request.POST.get("name", "").strip(),
    )


def _first_state(
    run: ImportRun, headers: list[str], register: RegisterType, saved: ColumnMapping | None
) -> MappingState:
    """The screen's first proposal: the commune's saved mapping of this header row, else
    suggestions (synonyms; the chosen book's volume for a missing volume column)."""
    if saved is not None and saved.register_type == register.code:
        return MappingState(
            dict(saved.columns),
            dict(saved.fixed),
            dict(saved.value_maps),
            saved.version,
            saved.name,
        )
    columns = suggest_mapping(headers, register)
    fixed = {}
    if run.book is not None and "quyenSo" not in columns.values():
        fixed["quyenSo"] = run.book.volume
    return MappingState(columns, fixed, {}, saved.version if saved else 0, run.original_name)


def _read_rows(run: ImportRun) -> tuple[Sheet, list[tuple[int, tuple[Any, ...]]]]:
    """Return the run's sheet and its first rows (what the screen shows and lists)."""
    with run.file.open("rb") as handle:
        sheet = open_sheet(handle)
        rows = list(islice(sheet.rows, SCANNED_ROWS))
    return sheet, rows


@require_http_methods(["GET", "POST"])
def import_mapping(request: UserRequest, pk: int) -> HttpResponse:
    """Say which register column each column of a legacy export feeds, give one value for
    all rows to a column the file lacks, and map a column's own values to codes; preview
    the first rows as they will be imported. Saved for the commune and used again for the
    next file with the same header row."""
    run = _get_run(request, pk)
    if run.status != ImportRun.Status.NEEDS_MAPPING:
        return redirect("import_detail", pk=run.pk)
    require(request, Capability.IMPORT)
    try:
        sheet, rows = _read_rows(run)
    except ImportFileError as error:
        import_run_fail(run=run, message=str(error))
        return redirect("import_detail", pk=run.pk)
    headers = sheet.headers
    signature = header_signature(headers)
    saved = column_mapping_for(user=request.user, signature=signature)
    code = (
        request.POST.get("register_type")
        or request.GET.get("register_type")
        or (run.book.register_type if run.book else saved.register_type if saved else "KS")
    )
    register = REGISTER_TYPES.get(code, REGISTER_TYPES["KS"])
    status = 200
    fixed_problems: dict[str, list[tuple[str, str]]] = {}
    if request.method == "POST":
        state = _posted_state(request, headers, register)
        for name, text in state.fixed.items():
            fixed_problems[name] = fixed_value_problems(register, name, text)
        errors = [p for found in fixed_problems.values() for p in found if p[0] == "error"]
        chosen = [v for v in state.columns.values() if v]
        if "save" in request.POST:
            if len(chosen) != len(set(chosen)):
                messages.error(request, _("Một cột của sổ chỉ được ghép với một cột của tệp."))
                status = 400
            elif errors:
                messages.error(
                    request, _("Giá trị chung chưa đúng; sửa theo lỗi ghi bên cạnh rồi lưu lại.")
                )
                status = 400
            else:
                response = _save_mapping(request, run, register, headers, signature, state)
                if response is not None:
                    return response
                # Someone saved this header row's mapping meanwhile: show theirs.
                saved = column_mapping_for(user=request.user, signature=signature)
                state = _first_state(run, headers, register, saved)
                status = 409
    else:
        state = _first_state(run, headers, register, saved)
        for name, text in state.fixed.items():
            fixed_problems[name] = fixed_value_problems(register, name, text)
    return render(
        request,
        "exchange/import_mapping.html",
        _mapping_context(request, run, register, headers, rows, state, fixed_problems),
        status=status,
    )


def _save_mapping(
    request: UserRequest,
    run: ImportRun,
    register: RegisterType,
    headers: list[str],
    signature: str,
    state: MappingState,
) -> HttpResponse | None:
    """Save the mapping and queue the run; ``None`` when someone else saved it meanwhile."""
    layout = mapped_layout(
        headers, register, state.columns, fixed=state.fixed, value_maps=state.value_maps
    )
    fed = set(layout.columns.values()) | set(layout.fixed)
    missing = [f.label for f in register.required_fields if f.name not in fed and f.name != "STT"]
    try:
        mapping = column_mapping_save(
            user=request.user,
            name=state.name or run.original_name,
            register_type=register.code,
            headers=headers,
            columns=state.columns,
            signature=signature,
            fixed=layout.fixed,
            value_maps=layout.value_maps,
            expected_version=state.version,
        )
    except MappingConflictError:
        messages.error(
            request,
            _(
                "Bảng ghép cho tệp dạng này vừa được người khác lưu. Đây là bảng ghép đã lưu: "
                "xem lại rồi lưu lại nếu cần."
            ),
        )
        return None
    audit_record(
        request=request,
        action=AuditEvent.Action.CREATE if mapping.version == 1 else AuditEvent.Action.UPDATE,
        obj=mapping,
        commune=mapping.commune,
        changes={
            "columns": mapping.columns,
            "fixed": mapping.fixed,
            "value_maps": mapping.value_maps,
            "version": mapping.version,
            "run": run.pk,
        },
    )
    if missing:
        messages.warning(
            request,
            _("Chưa ghép các cột bắt buộc: %(cols)s. Các dòng thiếu chúng sẽ bị từ chối.")
            % {"cols": ", ".join(missing)},
        )
    queued = ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.NEEDS_MAPPING).update(
        mapping=mapping, status=ImportRun.Status.QUEUED, updated_at=timezone.now()
    )
    if queued:
        run.mapping = mapping
        _enqueue(request, run)
    return redirect("import_detail", pk=run.pk)


def _mapping_context(
    request: UserRequest,
    run: ImportRun,
    register: RegisterType,
    headers: list[str],
    rows: list[tuple[int, tuple[Any, ...]]],
    state: MappingState,
    fixed_problems: dict[str, list[tuple[str, str]]],
) -> dict[str, object]:
    layout = mapped_layout(
        headers, register, state.columns, fixed=state.fixed, value_maps=state.value_maps
    )
    coded = code_columns(layout, rows, state.value_maps)
    # The preview reads the values as the screen proposes them (suggestions included).
    layout.value_maps = {c.field.name: {v.key: v.code for v in c.values if v.code} for c in coded}
    example = [report_text(v) for v in rows[0][1]] if rows else []
    columns = [
        {
            "index": i,
            "header": h,
            "example": (example[i] or "") if i < len(example) else "",
            "chosen": state.columns.get(h, ""),
        }
        for i, h in enumerate(headers)
        if h
    ]
    fed = set(layout.columns.values())
    fixed = [
        {
            "field": f,
            "value": state.fixed.get(f.name, ""),
            "problems": fixed_problems.get(f.name, []),
        }
        for f in register.fields
        if f.name != "STT" and f.name not in fed and (f.required or f.name in state.fixed)
    ]
    return {
        "run": run,
        "columns": columns,
        "register": register,
        "register_types": REGISTER_TYPES.values(),
        "groups": [
            (label, [f for f in register.fields_in(key) if f.name != "STT"])
            for key, label in register.groups
        ],
        "fixed": fixed,
        "code_columns": coded,
        "scanned": len(rows),
        "scanned_all": len(rows) < SCANNED_ROWS,
        "preview_fields": preview_fields(layout),
        "preview_headers": [layout.header_of(f.name) for f in preview_fields(layout)],
        "preview": mapping_preview(
            layout=layout, rows=rows[:PREVIEW_ROWS], user=request.user, book=run.book
        ),
        "state": state,
    }


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
