"""The mapping screen (Ghép cột) of a legacy export, and the commune's saved mappings.

Two ways in, one screen (``exchange/import_mapping.html``):

- a run waiting for its mapping (:func:`import_mapping`): saving queues the import;
- a saved mapping (:func:`mapping_edit`, from :func:`mapping_list`): saving writes its next
  version; the rows shown are those of the newest file of its header row the user may see.

Both preview the first rows as the import will read them. The preview region has its own
template (``exchange/_mapping_preview.html``) and views (:func:`import_mapping_preview`,
:func:`saved_mapping_preview`) that htmx calls as the choices on the screen change.
"""

from collections.abc import Callable
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hotich.accounts.capabilities import Capability, can, refuse, require
from hotich.accounts.requests import UserRequest
from hotich.accounts.scope import REFUSED
from hotich.audit.models import AuditEvent
from hotich.audit.services import audit_record
from hotich.exchange.importer import ImportFileError, open_sheet, report_text
from hotich.exchange.layout import (
    MAPPED,
    header_signature,
    mapped_layout,
    suggest_mapping,
    value_key,
)
from hotich.exchange.mapping import (
    PREVIEW_ROWS,
    SCANNED_ROWS,
    code_columns,
    fixed_value_problems,
    mapping_preview,
    preview_fields,
)
from hotich.exchange.models import ColumnMapping, ImportRun
from hotich.exchange.services import (
    MappingConflictError,
    column_mapping_delete,
    column_mapping_for,
    column_mapping_save,
    column_mappings_for,
    import_run_fail,
)
from hotich.exchange.views import _enqueue, _get_run
from hotich.registers.models import RegisterBook
from hotich.registers.spec import REGISTER_TYPES, RegisterType

#: How many of the newest runs are tried for a saved mapping's sample file.
SAMPLE_CANDIDATES = 5
FixedProblems = dict[str, list[tuple[str, str]]]


@dataclass
class Sample:
    """The file a screen shows: its header row, its first rows, the book chosen at upload and
    the run it came with (``None``, with no rows, when no file of the header row is left)."""

    headers: list[str]
    rows: list[tuple[int, tuple[Any, ...]]]
    book: RegisterBook | None = None
    run: ImportRun | None = None


@dataclass
class MappingState:
    """What the mapping screen holds: columns (header → field), fixed values, value maps
    (field → value key → code, ``""`` for "as written") and the version it started from."""

    columns: dict[str, str]
    fixed: dict[str, str]
    value_maps: dict[str, dict[str, str]]
    version: int
    name: str


def _run_sample(run: ImportRun, limit: int, signature: str = "") -> Sample | None:
    """Return RUN's header row and first LIMIT rows; ``None`` when SIGNATURE is given and the
    file's header row is another one. Raises ImportFileError for a file that does not open."""
    with run.file.open("rb") as handle:
        sheet = open_sheet(handle, head=limit)
        if signature and header_signature(sheet.headers) != signature:
            return None
        rows = list(islice(sheet.rows, limit))
    return Sample(sheet.headers, rows, run.book, run)


def _mapping_sample(request: UserRequest, mapping: ColumnMapping, limit: int) -> Sample:
    """Return the newest file of MAPPING's header row among the runs the user may open (runs
    that were mapped with it, or imported through a saved mapping), else its headers alone."""
    runs = (
        ImportRun.objects.filter(
            Q(mapping=mapping) | Q(kind=MAPPED, register_type=mapping.register_type)
        )
        .exclude(file="")
        .select_related("book")
        .order_by("-created_at")
    )
    if not can(request.user, Capability.SEE_ALL_IMPORTS):
        runs = runs.filter(user=request.user)
    for run in runs[:SAMPLE_CANDIDATES]:
        try:
            sample = _run_sample(run, limit, mapping.signature)
        except (ImportFileError, OSError):
            continue  # a file removed or unreadable since: try an older one
        if sample is not None:
            return sample
    return Sample(list(mapping.headers), [])


def _get_mapping(request: UserRequest, pk: int) -> ColumnMapping:
    """Return saved mapping PK if it is the user's commune's; another commune's, or a missing
    one, is refused alike (audited). Only roles that import may open it."""
    mapping = column_mappings_for(request.user).select_related("created_by").filter(pk=pk).first()
    if mapping is None:
        refuse(request, REFUSED, object_type="columnmapping", object_id=pk)
    require(request, Capability.IMPORT)
    return mapping


def _register(request: UserRequest, default: str) -> RegisterType:
    code = request.POST.get("register_type") or request.GET.get("register_type") or default
    return REGISTER_TYPES.get(code, REGISTER_TYPES["KS"])


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
    sample: Sample, register: RegisterType, saved: ColumnMapping | None, name: str
) -> MappingState:
    """The screen's first proposal: the saved mapping of this header row, else suggestions
    (synonyms; the chosen book's volume for a missing volume column)."""
    if saved is not None and saved.register_type == register.code:
        return MappingState(
            dict(saved.columns),
            dict(saved.fixed),
            {k: dict(v) for k, v in saved.value_maps.items()},
            saved.version,
            saved.name,
        )
    columns = suggest_mapping(sample.headers, register)
    fixed = {}
    if sample.book is not None and "quyenSo" not in columns.values():
        fixed["quyenSo"] = sample.book.volume
    return MappingState(columns, fixed, {}, saved.version if saved else 0, name)


def _fixed_problems(register: RegisterType, state: MappingState) -> FixedProblems:
    return {name: fixed_value_problems(register, name, text) for name, text in state.fixed.items()}


def _save_refusal(state: MappingState, fixed_problems: FixedProblems) -> str:
    """Return why the screen as posted cannot be saved, or ``""``."""
    chosen = [v for v in state.columns.values() if v]
    if len(chosen) != len(set(chosen)):
        return _("Một cột của sổ chỉ được ghép với một cột của tệp.")
    if any(level == "error" for found in fixed_problems.values() for level, _m in found):
        return _("Giá trị chung chưa đúng; sửa theo lỗi ghi bên cạnh rồi lưu lại.")
    return ""


@dataclass
class Screen:
    """What differs between the two ways into the screen: texts, where the form (``url``) and
    the live preview post, the mapping being edited, and what saving does (``None``: someone
    saved the mapping meanwhile, show theirs)."""

    heading: str
    save_label: str
    url: str
    preview_url: str
    save: Callable[[MappingState], HttpResponse | None]
    name: str
    editing: ColumnMapping | None = None


def _screen(
    request: UserRequest,
    *,
    sample: Sample,
    register: RegisterType,
    saved: ColumnMapping | None,
    screen: Screen,
) -> HttpResponse:
    """Show the mapping screen (GET), redraw it with the posted choices, or save them."""
    status = 200
    if request.method == "POST":
        state = _posted_state(request, sample.headers, register)
        fixed_problems = _fixed_problems(register, state)
        if "save" in request.POST:
            refusal = _save_refusal(state, fixed_problems)
            if refusal:
                messages.error(request, refusal)
                status = 400
            else:
                response = screen.save(state)
                if response is not None:
                    return response
                # Someone saved this header row's mapping meanwhile: show theirs.
                signature = header_signature(sample.headers)
                saved = column_mapping_for(user=request.user, signature=signature)
                state = _first_state(sample, register, saved, screen.name)
                fixed_problems = _fixed_problems(register, state)
                status = 409
    else:
        state = _first_state(sample, register, saved, screen.name)
        fixed_problems = _fixed_problems(register, state)
    context = _mapping_context(request, sample, register, state, fixed_problems, screen)
    return render(request, "exchange/import_mapping.html", context, status=status)


def _mapping_write(
    request: UserRequest,
    register: RegisterType,
    headers: list[str],
    state: MappingState,
    *,
    name: str,
    run: ImportRun | None = None,
) -> ColumnMapping | None:
    """Save STATE as the commune's mapping of HEADERS (audited); ``None`` when someone else
    saved it since the screen was opened (the 409 message is queued)."""
    layout = mapped_layout(
        headers, register, state.columns, fixed=state.fixed, value_maps=state.value_maps
    )
    try:
        mapping = column_mapping_save(
            user=request.user,
            name=state.name or name,
            register_type=register.code,
            headers=headers,
            columns=state.columns,
            signature=header_signature(headers),
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
        changes={**_mapping_held(mapping), "run": run.pk if run is not None else None},
    )
    fed = set(layout.columns.values()) | set(layout.fixed)
    missing = [f.label for f in register.required_fields if f.name not in fed and f.name != "STT"]
    if missing:
        messages.warning(
            request,
            _("Chưa ghép các cột bắt buộc: %(cols)s. Các dòng thiếu chúng sẽ bị từ chối.")
            % {"cols": ", ".join(missing)},
        )
    return mapping


def _preview_context(
    request: UserRequest, sample: Sample, register: RegisterType, state: MappingState
) -> dict[str, object]:
    """Return what the preview region shows: the first rows read under STATE, with the values
    of code columns as the screen proposes them (choices made, else suggestions)."""
    rows = sample.rows[:PREVIEW_ROWS]
    layout = mapped_layout(
        sample.headers, register, state.columns, fixed=state.fixed, value_maps=state.value_maps
    )
    coded = code_columns(layout, rows, state.value_maps)
    layout.value_maps = {c.field.name: {v.key: v.code for v in c.values if v.code} for c in coded}
    preview = mapping_preview(layout=layout, rows=rows, user=request.user, book=sample.book)
    fields = preview_fields(layout)
    return {
        "preview": preview,
        "preview_fields": fields,
        "preview_headers": [layout.header_of(f.name) for f in fields],
        "preview_ok": sum(r.ok for r in preview),
        "sample": sample,
    }


def _shape(register: RegisterType, state: MappingState, headers: list[str]) -> str:
    """Return what decides sections 2 and 3 of the screen: the register and the fields the
    columns feed (the live preview redraws those sections when it changes). ``STT``, a row
    counter the screen never offers, does not count."""
    fed = mapped_layout(headers, register, state.columns).columns.values()
    return ",".join([register.code, *sorted(n for n in fed if n != "STT")])


def _values_context(
    sample: Sample, register: RegisterType, state: MappingState, fixed_problems: FixedProblems
) -> dict[str, object]:
    """Return what sections 2 and 3 show: a fixed value for each required field no column
    feeds, and the values of each code column with their codes."""
    layout = mapped_layout(
        sample.headers, register, state.columns, fixed=state.fixed, value_maps=state.value_maps
    )
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
        "fixed": fixed,
        "code_columns": code_columns(layout, sample.rows, state.value_maps),
        "scanned": len(sample.rows),
        "scanned_all": len(sample.rows) < SCANNED_ROWS,
        "shape": _shape(register, state, sample.headers),
    }


def _mapping_context(
    request: UserRequest,
    sample: Sample,
    register: RegisterType,
    state: MappingState,
    fixed_problems: FixedProblems,
    screen: Screen,
) -> dict[str, object]:
    example = [report_text(v) for v in sample.rows[0][1]] if sample.rows else []
    columns = [
        {
            "index": i,
            "header": h,
            "example": (example[i] or "") if i < len(example) else "",
            "chosen": state.columns.get(h, ""),
        }
        for i, h in enumerate(sample.headers)
        if h
    ]
    return {
        "screen": screen,
        "run": sample.run,
        "columns": columns,
        "register": register,
        "register_types": REGISTER_TYPES.values(),
        "groups": [
            (label, [f for f in register.fields_in(key) if f.name != "STT"])
            for key, label in register.groups
        ],
        "state": state,
        **_values_context(sample, register, state, fixed_problems),
        **_preview_context(request, sample, register, state),
    }


def _live_preview(
    request: UserRequest, sample: Sample, register: RegisterType, load: Callable[[], Sample]
) -> HttpResponse:
    """Render the preview region for the posted choices; when the columns chosen changed
    which fixed values and value maps the screen needs, sections 2 and 3 too (out of band),
    with the rows LOAD reads for them."""
    state = _posted_state(request, sample.headers, register)
    context = _preview_context(request, sample, register, state)
    if request.POST.get("shape") != _shape(register, state, sample.headers):
        context |= _values_context(load(), register, state, _fixed_problems(register, state))
        context["oob"] = True
    return render(request, "exchange/_mapping_preview.html", context)


# ---- a run waiting for its mapping ----


@require_http_methods(["GET", "POST"])
def import_mapping(request: UserRequest, pk: int) -> HttpResponse:
    """Say which register column each column of a legacy export feeds, give one value for
    all rows to a column the file lacks, and map a column's own values to codes; preview
    the first rows as they will be imported. Saved for the commune and used again for the
    next file with the same header row; saving queues the import."""
    run = _get_run(request, pk)
    if run.status != ImportRun.Status.NEEDS_MAPPING:
        return redirect("import_detail", pk=run.pk)
    require(request, Capability.IMPORT)
    try:
        sample = _run_sample(run, SCANNED_ROWS)
    except ImportFileError as error:
        import_run_fail(run=run, message=str(error))
        return redirect("import_detail", pk=run.pk)
    assert sample is not None  # no signature asked for
    saved = column_mapping_for(user=request.user, signature=header_signature(sample.headers))
    default = run.book.register_type if run.book else saved.register_type if saved else "KS"
    register = _register(request, default)

    def save(state: MappingState) -> HttpResponse | None:
        mapping = _mapping_write(
            request, register, sample.headers, state, name=run.original_name, run=run
        )
        if mapping is None:
            return None
        queued = ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.NEEDS_MAPPING).update(
            **ImportRun.mapping_link(mapping),
            status=ImportRun.Status.QUEUED,
            updated_at=timezone.now(),
        )
        if queued:
            run.mapping = mapping
            _enqueue(request, run)
        return redirect("import_detail", pk=run.pk)

    screen = Screen(
        heading=_("Ghép cột cho tệp %(name)s") % {"name": run.original_name},
        save_label=_("Lưu bảng ghép và nhập"),
        url=reverse("import_mapping", args=[run.pk]),
        preview_url=reverse("import_mapping_preview", args=[run.pk]),
        save=save,
        name=run.original_name,
    )
    return _screen(request, sample=sample, register=register, saved=saved, screen=screen)


@require_POST
def import_mapping_preview(request: UserRequest, pk: int) -> HttpResponse:
    """The preview region of a run's mapping screen, for the choices posted (saves nothing)."""
    run = _get_run(request, pk)
    require(request, Capability.IMPORT)
    try:
        sample = _run_sample(run, PREVIEW_ROWS)
    except ImportFileError as error:
        return render(request, "exchange/_mapping_preview.html", {"preview_error": str(error)})
    assert sample is not None
    register = _register(request, run.book.register_type if run.book else "KS")
    return _live_preview(
        request, sample, register, lambda: _run_sample(run, SCANNED_ROWS) or sample
    )


# ---- the commune's saved mappings ----


@require_GET
def mapping_list(request: UserRequest) -> HttpResponse:
    """The mappings saved in the user's commune, newest change first, to edit or delete."""
    require(request, Capability.IMPORT)
    mappings = column_mappings_for(request.user).select_related("created_by")
    return render(
        request,
        "exchange/mapping_list.html",
        {"mappings": mappings.order_by("-updated_at", "-pk")},
    )


@require_http_methods(["GET", "POST"])
def mapping_edit(request: UserRequest, pk: int) -> HttpResponse:
    """The mapping screen for a saved mapping, prefilled; saving writes its next version
    (conditional on the version opened: 409 when someone saved it meanwhile)."""
    mapping = _get_mapping(request, pk)
    sample = _mapping_sample(request, mapping, SCANNED_ROWS)
    register = _register(request, mapping.register_type)

    def save(state: MappingState) -> HttpResponse | None:
        saved = _mapping_write(request, register, sample.headers, state, name=mapping.name)
        if saved is None:
            if not column_mappings_for(request.user).filter(pk=mapping.pk).exists():
                messages.error(request, _("Bảng ghép này vừa bị người khác xóa."))
                return redirect("mapping_list")
            return None
        messages.success(
            request,
            _("Đã lưu bảng ghép “%(name)s” (lần sửa %(version)s).")
            % {"name": saved.name, "version": saved.version},
        )
        return redirect("mapping_list")

    screen = _edit(mapping, save)
    return _screen(request, sample=sample, register=register, saved=mapping, screen=screen)


def _edit(mapping: ColumnMapping, save: Callable[[MappingState], HttpResponse | None]) -> Screen:
    return Screen(
        heading=_("Sửa bảng ghép cột “%(name)s”") % {"name": mapping.name},
        save_label=_("Lưu bảng ghép"),
        url=reverse("mapping_edit", args=[mapping.pk]),
        preview_url=reverse("mapping_preview", args=[mapping.pk]),
        save=save,
        name=mapping.name,
        editing=mapping,
    )


@require_POST
def saved_mapping_preview(request: UserRequest, pk: int) -> HttpResponse:
    """The preview region of a saved mapping's screen, for the choices posted."""
    mapping = _get_mapping(request, pk)
    sample = _mapping_sample(request, mapping, PREVIEW_ROWS)
    register = _register(request, mapping.register_type)
    return _live_preview(
        request, sample, register, lambda: _mapping_sample(request, mapping, SCANNED_ROWS)
    )


@require_POST
def mapping_delete(request: UserRequest, pk: int) -> HttpResponse:
    """Delete a saved mapping (audited), if nobody saved it since the screen was opened."""
    mapping = _get_mapping(request, pk)
    version = request.POST.get("version", "")
    try:
        column_mapping_delete(
            mapping=mapping, expected_version=int(version) if version.isdigit() else 0
        )
    except MappingConflictError as conflict:
        if conflict.current is None:
            messages.error(request, _("Bảng ghép này vừa bị người khác xóa."))
            return redirect("mapping_list")
        messages.error(
            request,
            _(
                "Bảng ghép này vừa được người khác sửa; chưa xóa. Đây là bảng ghép đã lưu: "
                "xem lại rồi xóa lại nếu cần."
            ),
        )
        current = conflict.current
        sample = _mapping_sample(request, current, SCANNED_ROWS)
        register = REGISTER_TYPES.get(current.register_type, REGISTER_TYPES["KS"])
        state = _first_state(sample, register, current, current.name)
        screen = _edit(current, lambda state: None)
        context = _mapping_context(
            request, sample, register, state, _fixed_problems(register, state), screen
        )
        return render(request, "exchange/import_mapping.html", context, status=409)
    audit_record(
        request=request,
        action=AuditEvent.Action.DELETE,
        obj=mapping,
        commune=mapping.commune,
        changes={"name": mapping.name, **_mapping_held(mapping)},
    )
    messages.success(request, _("Đã xóa bảng ghép “%(name)s”.") % {"name": mapping.name})
    return redirect("mapping_list")


def _mapping_held(mapping: ColumnMapping) -> dict[str, Any]:
    """What a saved mapping holds, as its audit events record it."""
    return {
        "columns": mapping.columns,
        "fixed": mapping.fixed,
        "value_maps": mapping.value_maps,
        "version": mapping.version,
    }
