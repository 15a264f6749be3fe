"""Keying pages: the work queue, the entry form with live lookup, double keying, arbitration."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from hotich.accounts.capabilities import Capability, can, require
from hotich.accounts.requests import UserRequest
from hotich.audit.actor import Actor
from hotich.audit.models import AuditEvent
from hotich.audit.services import audit_citizens_shown, audit_record
from hotich.keying import selectors, services
from hotich.keying.carry import (
    BOOK_COLUMNS,
    BOOK_FACTS,
    CARRIED_FACTS,
    PROPOSED,
    Carry,
    book_carry,
    registration_place,
)
from hotich.keying.forms import (
    NOT_KEYED,
    TOKEN,
    FormGroup,
    form_groups,
    kept_choice,
    posted_choices,
    posted_lookups,
    posted_marks,
    posted_token,
    posted_values,
    registry_offers,
)
from hotich.keying.models import DoubleKeyingPolicy, EntryDraft, EntryWork, SecondKeying
from hotich.keying.values import entry_problems, typed_values
from hotich.reconciliation.services import side_by_side
from hotich.registers.models import Entry, FieldMark, RegisterBook
from hotich.registers.selectors import get_book_for_user, get_entry_for_user
from hotich.registers.services import EntryConflict


@require_GET
def work_queue(request: UserRequest) -> HttpResponse:
    """Books to key in campaign order (births first), with what waits in each queue."""
    books = selectors.books_in_work_order(request.user)
    audit_record(request=request, action=AuditEvent.Action.VIEW, object_type="workqueue")
    return render(request, "keying/work_queue.html", {"books": books})


@require_GET
def book_queue(request: UserRequest, pk: int) -> HttpResponse:
    """One book's queues in entry order: to key, hard later, second keying, arbitration."""
    book = get_book_for_user(request, pk)
    audit_record(request=request, action=AuditEvent.Action.VIEW, obj=book)
    context = {
        "book": book,
        "queues": selectors.book_queue(book),
        "policy": services.double_keying_policy(book),
        "modes": DoubleKeyingPolicy.Mode.choices,
        "can_set_policy": can(request.user, Capability.SET_KEYING_POLICY, book),
        "usual": _usual_rows(book),
    }
    return render(request, "keying/book_queue.html", context)


def _draft_key(entry: Entry | None) -> str:
    return str(entry.pk) if entry is not None else services.NEW_DRAFT


def _lookups(
    request: HttpRequest, book: RegisterBook, values: dict[str, str], data: Any
) -> list[dict[str, Any]]:
    """Return the lookup panels of the form's people, each with the choice to show."""
    panels: list[dict[str, Any]] = []
    for found in services.form_lookups(book.register_type_spec, values):
        options = ["not_found", "review"]
        for candidate in found.result.candidates:
            pid = candidate.citizen.personal_id
            options += [f"match:{pid}", f"discrepancy:{pid}"]
        top = found.result.candidates[0].citizen if found.result.candidates else None
        rows = side_by_side(found.person, top) if top else []
        differs = set(found.result.decision.fields)
        proposal = _proposal_shown(found, differs)
        choice = kept_choice(data, found.role, proposal, options)
        panels.append(
            {
                "lookup": found,
                "proposal": proposal,
                "choice": choice,
                "side_by_side": rows,
                "top": top,
                "agree": [
                    r for r in rows if r["book"] and r["registry"] and r["field"] not in differs
                ],
                "differ": [r for r in rows if r["field"] in differs],
                "offers": registry_offers(
                    book.register_type_spec,
                    found.role,
                    values,
                    data,
                    rows,
                    top is not None and choice.endswith(":" + top.personal_id),
                ),
            }
        )
    shown = [c.citizen.personal_id for p in panels for c in p["lookup"].result.candidates]
    if panels:
        audit_citizens_shown(
            request=request,
            personal_ids=shown,
            purpose="tra cứu CSDL dân cư khi nhập",
            commune=book.commune,
        )
    return panels


def _proposal_shown(found: services.PersonLookup, differs: set[str]) -> str:
    """Return the decision to preselect: the engine's, but never "the same person, the
    information agrees" while a field differs (then "the same person, but it differs")."""
    kind, _sep, pid = found.proposal.partition(":")
    if kind == "match" and differs:
        return f"discrepancy:{pid}"
    return found.proposal


def _check_context(
    request: HttpRequest,
    book: RegisterBook,
    entry: Entry | None,
    data: Any,
    *,
    lookups: bool = True,
) -> dict[str, Any]:
    """Problems, lookups, name suggestions and date readings for the form as typed.

    Without LOOKUPS (a save: its outcomes come from the lookup the form showed) nobody is
    looked up and nothing is suggested: only the problems that block a save are checked.
    """
    register = book.register_type_spec
    raw = posted_values(register, data)
    values = typed_values(register, raw)
    marks = posted_marks(register, data)
    meta = services.entry_meta(book, values)
    # The number's place in the book only warns: a save (no LOOKUPS) needs only the errors.
    used = (
        _numbers_used(request, book, meta["year"], entry.pk if entry else None) if lookups else None
    )
    problems = entry_problems(
        register, values, marks, numbers_used=used, last_number=max(used or (), default=None)
    )
    suggestions = []
    for field in register.fields if lookups else ():
        if field.type == "name" and raw.get(field.name):
            names = selectors.name_suggestions(raw[field.name])
            if names:
                suggestions.append({"field": field.name, "label": field.label, "names": names})
    # ``raw`` is the text the reading was made from: the page shows the reading in the
    # field only while the field still holds that text (the officer may have typed on).
    readings = [
        {
            "field": name,
            "label": register.field(name).label,
            "value": values[name],
            "raw": raw[name],
        }
        for name in raw
        if values.get(name) and values[name] != raw[name].strip()
    ]
    panels = _lookups(request, book, values, data) if lookups else []
    return {
        "problems": problems,
        "errors": [p for p in problems if p.level == "error"],
        "panels": panels,
        "suggestions": suggestions,
        "readings": readings,
        "register": register,
        "saved_before": _saved_with(book, data) if entry is None and lookups else None,
    }


def _saved_with(book: RegisterBook, data: Any) -> Entry | None:
    """Return the entry of BOOK the posted new-entry form created already (its answer
    lost), if any."""
    try:
        token = posted_token(data)
    except ValueError:
        return None
    earlier = selectors.entry_created_with(token) if token is not None else None
    return earlier if earlier is not None and earlier.book_id == book.pk else None


@require_POST
def form_check(request: UserRequest, pk: int) -> HttpResponse:
    """As the officer types: save the draft, check the values, look the people up (htmx)."""
    book = get_book_for_user(request, pk, write=True)
    entry_id = request.POST.get("_entry", "")
    entry = get_entry_for_user(request, int(entry_id), write=True) if entry_id.isdigit() else None
    if entry is not None and entry.book_id != book.pk:
        entry = None
    services.draft_save(
        user=request.user,
        book=book,
        key=_draft_key(entry),
        data={k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"},
    )
    context = _check_context(request, book, entry, request.POST)
    return render(request, "keying/_check.html", context)


#: ``start`` of a form shown without a draft: its first open field, found in its own sections
#: (the same as :func:`_start_field` finds for it; they are not built twice).
FROM_GROUPS: Any = object()


def _form_page(
    request: HttpRequest,
    book: RegisterBook,
    entry: Entry | None,
    data: dict[str, str],
    **extra: Any,
) -> HttpResponse:
    register = book.register_type_spec
    values = posted_values(register, data)  # type: ignore[arg-type]
    marks = posted_marks(register, data)  # type: ignore[arg-type]
    checks = _check_context(request, book, entry, data)
    meta = services.entry_meta(book, typed_values(register, values))
    # A value carried is marked while the field still holds it (a draft may have changed it).
    carry = (_carry(request, book) if entry is None else Carry()).held_in(data)
    groups = form_groups(register, values, marks, checks["problems"], carry)
    if extra.get("start") is FROM_GROUPS:
        extra["start"] = _first_open(groups)
    context = {
        "book": book,
        "entry": entry,
        "groups": groups,
        "carried": ",".join(carry.carried),
        "previous": selectors.previous_values(
            book, entry, meta["year"], _recent(request, book) if entry is None else None
        ),
        "version": data.get("_version", entry.version if entry else ""),
        "draft_key": f"{request.user.pk}:{book.pk}:{_draft_key(entry)}",
        "token": _form_token(data) if entry is None else None,
        **checks,
        **extra,
    }
    return render(request, "keying/entry_form.html", context, status=extra.get("status", 200))


def _carry(request: HttpRequest, book: RegisterBook) -> Carry:
    """Return what a new entry's form brings over from BOOK for the officer keying (read
    once per request)."""
    known: dict[int, Carry] = request.__dict__.setdefault("_keying_carry", {})
    if book.pk not in known:
        user = request.user
        keyer = user.get_full_name() or user.get_username()  # type: ignore[union-attr]
        recent = [values for _year, values in _recent(request, book)]
        unit = book.historical_unit or book.commune
        known[book.pk] = book_carry(
            book.register_type_spec,
            recent,
            keyer=keyer,
            place=registration_place(unit.full_name),
            book_values=book.usual_values,
        )
    return known[book.pk]


def _recent(request: HttpRequest, book: RegisterBook) -> list[tuple[int, dict[str, str]]]:
    """Return BOOK's latest entries (:func:`selectors.recent_entries`), read once per
    request: the carry-over and the previous entry of a new entry's form both come from
    them."""
    known: dict[int, Any] = request.__dict__.setdefault("_keying_recent", {})
    if book.pk not in known:
        known[book.pk] = selectors.recent_entries(book)
    return known[book.pk]


def _numbers_used(
    request: HttpRequest, book: RegisterBook, year: int, exclude: int | None
) -> dict[int, int]:
    """Return :func:`selectors.numbers_used`, read once per request: a new form's next
    number and its check of the number both need them."""
    known: dict[tuple[int, int, int | None], dict[int, int]] = request.__dict__.setdefault(
        "_keying_numbers", {}
    )
    key = (book.pk, year, exclude)
    if key not in known:
        known[key] = selectors.numbers_used(book, year, exclude)
    return known[key]


def _form_token(data: Any) -> uuid.UUID:
    """Return the token of the new-entry form shown again (a draft, values to confirm), or a
    token for a fresh form."""
    try:
        token = posted_token(data)
    except ValueError:
        token = None
    return token or uuid.uuid4()


def _stored(request: HttpRequest, book: RegisterBook, entry: Entry | None) -> dict[str, str]:
    """Return the form's data without any draft: the entry as saved, or a fresh form with
    what it carries over from the book (docs/keying.md, "Carried over")."""
    if entry is not None:
        data = dict(entry.values)
        data.update({f"mark:{k}": v for k, v in entry.marks.items()})
        data["_version"] = str(entry.version)
        return data
    # The number after the highest keyed in the book's first year (1 for an empty year).
    number = max(_numbers_used(request, book, book.year_from, None), default=0) + 1
    carry = _carry(request, book)
    return {**carry.values, "so": f"{number:02d}", "quyenSo": book.volume}


def _start_field(request: HttpRequest, book: RegisterBook, data: dict[str, str]) -> str:
    """Return the field the cursor starts on: the first open one the form leaves empty or
    only proposes (page, registration date).

    Taken from the form without the draft, so that a restored draft does not move it.
    """
    register = book.register_type_spec
    carry = _carry(request, book) if not data.get("_version") else Carry()
    values = posted_values(register, data)  # type: ignore[arg-type]
    groups = form_groups(register, values, posted_marks(register, data), carry=carry)  # type: ignore[arg-type]
    return _first_open(groups)


def _first_open(groups: list[FormGroup]) -> str:
    """Return the first open field of GROUPS that is empty or only proposed (else the first)."""
    fields = [f for g in groups if g.open for f in g.basic]
    first = next(
        (f for f in fields if (not f.value and not f.mark) or f.carry == PROPOSED),
        fields[0] if fields else None,
    )
    return first.field.name if first else ""


def _draft(book: RegisterBook, entry: Entry | None, user: Any) -> EntryDraft | None:
    return EntryDraft.objects.filter(user=user, book=book, key=_draft_key(entry)).first()


def _open_form(request: HttpRequest, book: RegisterBook, entry: Entry | None) -> HttpResponse:
    """The form as opened: the officer's draft if any (restored), else the entry.

    A draft of an entry someone saved since the draft was begun is not restored silently:
    the officer sees both versions and chooses, field by field, or discards theirs.
    """
    stored = _stored(request, book, entry)
    draft = _draft(book, entry, request.user)
    if draft is None:
        # The form is the stored one: its own sections give the start (FROM_GROUPS).
        return _form_page(request, book, entry, stored, start=FROM_GROUPS, local_restore=True)
    start = _start_field(request, book, stored)
    data = dict(draft.data)
    if entry is not None and data.get("_version", "") not in ("", str(entry.version)):
        conflict = EntryConflict(Entry.objects.select_related("updated_by").get(pk=entry.pk))
        data["_version"] = str(conflict.current.version)
        return _form_page(
            request,
            book,
            conflict.current,
            data,
            conflict=conflict,
            conflict_rows=_conflict_rows(conflict.current, data, book.register_type_spec),
            start=start,
        )
    return _form_page(request, book, entry, data, restored=True, start=start, local_restore=True)


def _discard(request: UserRequest, book: RegisterBook, entry: Entry | None) -> HttpResponse:
    """Throw away the officer's draft of this form (the browser drops its copy too)."""
    draft = _draft(book, entry, request.user)
    if draft is not None:
        audit_record(
            request=request,
            action=AuditEvent.Action.DELETE,
            obj=draft,
            object_repr=f"bản nháp: {book} / {draft.key}",
            commune=book.commune,
        )
        services.draft_discard(user=request.user, book=book, key=draft.key)
    if entry is None:
        messages.info(request, _("Đã bỏ bản nháp."))
        return _redirect(request, "keying_new", book.pk)
    messages.info(request, _("Đã bỏ bản nháp của bạn; đây là bản đã lưu."))
    return _redirect(request, "keying_edit", entry.pk)


def _redirect(request: UserRequest, name: str, pk: int) -> HttpResponse:
    """Redirect; the page's own save (fetch, so that a network drop loses nothing) is told
    where to go in a header instead, and goes there itself."""
    if request.htmx:
        return HttpResponseClientRedirect(reverse(name, args=[pk]))
    return redirect(name, pk=pk)


@require_http_methods(["GET", "POST"])
def entry_new(request: UserRequest, pk: int) -> HttpResponse:
    """Key a new entry of the book; Ctrl+Enter saves and opens the next number."""
    book = get_book_for_user(request, pk, write=True)
    if request.method == "POST":
        if request.POST.get("_action") == "discard":
            return _discard(request, book, None)
        return _save(request, book, None)
    audit_record(request=request, action=AuditEvent.Action.VIEW, obj=book)
    return _open_form(request, book, None)


@require_http_methods(["GET", "POST"])
def entry_edit(request: UserRequest, pk: int) -> HttpResponse:
    """Key (or correct) an existing entry, with optimistic locking on its version."""
    entry = get_entry_for_user(request, pk, write=True)
    if request.method == "POST":
        if request.POST.get("_action") == "discard":
            return _discard(request, entry.book, entry)
        return _save(request, entry.book, entry)
    audit_record(request=request, action=AuditEvent.Action.VIEW, obj=entry)
    return _open_form(request, entry.book, entry)


def _conflict_rows(entry: Entry, mine: Any, register: Any) -> list[dict[str, str]]:
    """Return the fields where the officer's form (MINE, as posted) and the saved ENTRY
    differ, value or mark, with both versions: the officer picks one per field."""
    raw = posted_values(register, mine)
    typed = typed_values(register, raw)
    my_marks = posted_marks(register, mine)
    labels = dict(FieldMark.choices)
    rows = []
    for f in register.fields:
        if f.name in NOT_KEYED:
            continue
        theirs, their_mark = entry.values.get(f.name, ""), entry.marks.get(f.name, "")
        if (typed.get(f.name, ""), my_marks.get(f.name, "")) == (theirs, their_mark):
            continue
        rows.append(
            {
                "label": f.label,
                "name": f.name,
                "mine": raw.get(f.name, ""),
                "mine_mark": my_marks.get(f.name, ""),
                "mine_text": str(labels.get(my_marks.get(f.name, ""), typed.get(f.name, ""))),
                "theirs": theirs,
                "theirs_mark": their_mark,
                "theirs_text": str(labels.get(their_mark, theirs)),
            }
        )
    return rows


def _save(request: UserRequest, book: RegisterBook, entry: Entry | None) -> HttpResponse:
    register = book.register_type_spec
    data = request.POST
    action = data.get("_action", "save")
    token = None
    if entry is None:
        try:
            token = posted_token(data)
        except ValueError as exc:
            messages.error(request, str(exc))
            return _form_page(request, book, entry, data, status=422)
        if token is not None and (earlier := selectors.entry_created_with(token)) is not None:
            return _saved_before(request, book, earlier, token, action)
    checks = _check_context(request, book, entry, data, lookups=False)
    if checks["errors"] and action != "aside" and not data.get("_confirm"):
        messages.warning(
            request,
            _(
                "Có giá trị không hợp lệ. Nếu sổ ghi đúng như vậy, đánh dấu “Sổ ghi đúng như vậy” rồi lưu."
            ),
        )
        return _form_page(request, book, entry, data, need_confirm=True, status=422)
    version = data.get("_version", "")
    try:
        report = services.keying_save(
            book=book,
            user=request.user,
            raw_values=posted_values(register, data),
            marks=posted_marks(register, data),
            choices=posted_choices(data),
            entry=entry,
            expected_version=int(version) if version.isdigit() else None,
            aside_reason=(data.get("_aside_reason") or _("Cần xác minh"))
            if action == "aside"
            else None,
            creation_token=token,
            actor=Actor.of(request),
            shown=posted_lookups(data),
        )
    except IntegrityError:
        # The same form saved at the same moment by another request: the unique index let
        # that one create the entry and rolled this one back.
        if token is None or (earlier := selectors.entry_created_with(token)) is None:
            raise
        return _saved_before(request, book, earlier, token, action)
    except EntryConflict as conflict:
        post = data.copy()
        post["_version"] = str(conflict.current.version)
        return _form_page(
            request,
            book,
            conflict.current,
            post,
            conflict=conflict,
            conflict_rows=_conflict_rows(conflict.current, data, register),
            status=409,
        )
    except ValueError as exc:
        messages.error(request, str(exc))
        return _form_page(request, book, entry, data, status=422)
    _report_messages(request, report)
    if action == "save_next":
        following = selectors.next_in_queue(book, after=report.entry)
        if following is not None and entry is not None:
            return _redirect(request, "keying_edit", following.pk)
        return _redirect(request, "keying_new", book.pk)
    if action == "aside":
        return _redirect(request, "keying_book", book.pk)
    return _redirect(request, "keying_edit", report.entry.pk)


def _saved_before(
    request: UserRequest, book: RegisterBook, entry: Entry, token: uuid.UUID, action: str
) -> HttpResponse:
    """Answer a second save of the new-entry form that created ENTRY as the first was.

    Its answer was lost on the way back, so the page sent the form again: nothing is created.
    What the officer typed after the first save (the page sends the form as it is at the
    retry) is kept as their draft of ENTRY and shown there, never written over it unseen.
    """
    data = request.POST
    if entry.book_id != book.pk:
        messages.error(
            request, _("Biểu mẫu này đã được lưu vào một sổ khác; hãy mở lại trang nhập.")
        )
        fresh = data.copy()
        fresh.pop(TOKEN, None)
        return _form_page(request, book, None, fresh, status=422)
    draft = _draft(book, None, request.user)
    if draft is not None and draft.data.get(TOKEN) == str(token):
        # Autosaved after the first save: that form is saved, the next new one starts empty.
        services.draft_discard(user=request.user, book=book, key=services.NEW_DRAFT)
    if _conflict_rows(entry, data, book.register_type_spec):
        later = {k: v for k, v in data.items() if k not in ("csrfmiddlewaretoken", TOKEN)}
        later.pop("_confirm", None)
        later["_action"] = "save"
        later["_entry"] = str(entry.pk)
        # Someone else saved the entry since: the officer's draft is shown against theirs.
        later["_version"] = str(entry.version) if entry.updated_by_id == request.user.pk else "0"
        services.draft_save(user=request.user, book=book, key=str(entry.pk), data=later)
        messages.warning(
            request,
            _(
                "Đã lưu trước đó: %(entry)s. Những gì nhập thêm sau lần lưu ấy chưa được lưu — "
                "xem lại rồi lưu (Ctrl+S)."
            )
            % {"entry": entry},
        )
        return _redirect(request, "keying_edit", entry.pk)
    messages.info(request, _("Đã lưu trước đó: %(entry)s.") % {"entry": entry})
    if action == "save_next":
        return _redirect(request, "keying_new", book.pk)
    if action == "aside":
        return _redirect(request, "keying_book", book.pk)
    return _redirect(request, "keying_edit", entry.pk)


def _report_messages(request: HttpRequest, report: services.SaveReport) -> None:
    entry = report.entry
    messages.success(request, _("Đã lưu %(entry)s.") % {"entry": entry})
    for role, pid in report.issued.items():
        messages.success(
            request, _("Đã cấp số định danh cá nhân mới: %(pid)s.") % {"pid": pid, "role": role}
        )
    for case in report.cases:
        messages.info(
            request,
            _("Đã đưa %(name)s vào Danh sách theo dõi riêng (khác nhau: %(fields)s).")
            % {"name": case.full_name, "fields": ", ".join(f["label"] for f in case.fields)},
        )
    if report.second_keying:
        messages.info(request, _("Trường hợp này được chọn để nhập lần hai."))
    for problem in report.problems:
        messages.error(request, problem)


@require_POST
def entry_set_aside(request: UserRequest, pk: int) -> HttpResponse:
    """Put an entry in the "hard, later" queue, or bring it back."""
    entry = get_entry_for_user(request, pk, write=True)
    hard = request.POST.get("hard") == "1"
    services.entry_set_aside(
        entry=entry,
        user=request.user,
        hard=hard,
        reason=request.POST.get("reason", "").strip() or _("Cần xác minh"),
        actor=Actor.of(request),
    )
    messages.success(request, _("Đã để sau.") if hard else _("Đã đưa trở lại hàng chờ nhập."))
    return redirect("keying_book", pk=entry.book_id)


@require_http_methods(["GET", "POST"])
def second_keying(request: UserRequest, pk: int) -> HttpResponse:
    """The blind second keying: an empty form; the first keying is never shown."""
    entry = get_entry_for_user(request, pk, write=True, blind=True)
    register = entry.register_type
    if request.method == "POST" and request.POST.get("_action") == "discard":
        # The typing is only in the browser (blind: no server draft), which drops it.
        messages.info(request, _("Đã bỏ bản nháp."))
        return _redirect(request, "keying_second", entry.pk)
    if (
        request.method == "POST"
        and SecondKeying.objects.filter(entry=entry, keyer=request.user).exists()
    ):
        # Sent again (its first answer lost on the way back): it is recorded once.
        messages.info(
            request, _("Đã lưu trước đó: lần nhập thứ hai của %(entry)s.") % {"entry": entry}
        )
        return _redirect(request, "keying_book", entry.book_id)
    work = EntryWork.objects.filter(entry=entry).first()
    if work is None or work.verification != EntryWork.Verification.WAITING:
        messages.error(request, _("Trường hợp này không chờ nhập lần hai."))
        return _redirect(request, "keying_book", entry.book_id)
    if request.method == "POST":
        try:
            differences = services.second_keying_submit(
                entry=entry,
                user=request.user,
                raw_values=posted_values(register, request.POST),
                marks=posted_marks(register, request.POST),
                actor=Actor.of(request),
            )
        except ValueError as exc:
            messages.error(request, str(exc))
            return _redirect(request, "keying_book", entry.book_id)
        if differences:
            messages.info(
                request,
                _("Hai lần nhập khác nhau ở %(n)s trường; đã chuyển công chức tư pháp phân xử.")
                % {"n": len(differences)},
            )
        else:
            messages.success(request, _("Hai lần nhập khớp nhau: trường hợp đã được kiểm tra."))
        return _redirect(request, "keying_book", entry.book_id)
    audit_record(
        request=request,
        action=AuditEvent.Action.VIEW,
        obj=entry,
        changes={"nhập lần hai": [None, "mở"]},
    )
    # The book's number and volume are the entry's place, not a reading of it: a blind
    # second keying starts with them, so that they are never counted as keying errors.
    place = {k: entry.values[k] for k in ("so", "quyenSo") if entry.values.get(k)}
    context = {
        "book": entry.book,
        "entry": entry,
        "groups": form_groups(register, place, {}),
        "blind": True,
        "previous": {},
        "form_url": reverse("keying_second", args=[entry.pk]),
        "draft_key": f"{request.user.pk}:{entry.book_id}:second:{entry.pk}",
    }
    return render(request, "keying/second_keying.html", context)


@require_http_methods(["GET", "POST"])
def arbitrate(request: UserRequest, pk: int) -> HttpResponse:
    """The justice officer settles the differences of two keyings, with the scan at hand."""
    require(request, Capability.ARBITRATE)
    entry = get_entry_for_user(request, pk, write=True)
    differences = list(entry.keying_differences.filter(resolved_at__isnull=True))
    if request.method == "POST":
        decisions = {}
        for d in differences:
            pick = request.POST.get(f"pick:{d.field}", "")
            decisions[d.field] = {
                "first": d.first_value,
                "second": d.second_value,
            }.get(pick, request.POST.get(f"other:{d.field}", ""))
        try:
            report = services.difference_arbitrate(
                entry=entry, user=request.user, decisions=decisions, actor=Actor.of(request)
            )
        except (ValueError, EntryConflict) as exc:
            messages.error(request, str(exc))
            return redirect("keying_arbitrate", pk=entry.pk)
        messages.success(request, _("Đã phân xử: trường hợp đã được kiểm tra."))
        for pid in report.issued.values():
            messages.success(request, _("Đã cấp số định danh cá nhân mới: %(pid)s.") % {"pid": pid})
        for problem in report.problems:
            messages.error(request, problem)
        return redirect("keying_book", pk=entry.book_id)
    audit_record(request=request, action=AuditEvent.Action.VIEW, obj=entry)
    register = entry.register_type
    rows = [{"d": d, "field": register.field(d.field)} for d in differences]
    context = {"entry": entry, "book": entry.book, "rows": rows, "scans": entry.scans.all()}
    return render(request, "keying/arbitrate.html", context)


@require_POST
def policy_set(request: UserRequest, pk: int) -> HttpResponse:
    """Set double keying for a book (or, with scope=commune, for all books of its commune).

    A campaign's policy is set on the campaign's page by those who plan it.
    """
    book = get_book_for_user(request, pk, write=True)
    require(request, Capability.SET_KEYING_POLICY, book)
    percent = request.POST.get("sample_percent", "10")
    try:
        services.policy_set(
            commune=book.commune,
            book=None if request.POST.get("scope") == "commune" else book,
            user=request.user,
            mode=request.POST.get("mode", ""),
            sample_percent=int(percent) if percent.isdigit() else -1,
            actor=Actor.of(request),
        )
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Đã lưu chế độ nhập hai lần."))
    return redirect("keying_book", pk=book.pk)


def _usual_rows(book: RegisterBook) -> list[dict[str, Any]]:
    """Return the book's usual values as the form shows them: each with its label, the value
    set, what the form carries without it, and the codes of a code field."""
    register = book.register_type_spec
    unit = book.historical_unit or book.commune
    fallback = {
        "noiDangKy": registration_place(unit.full_name),
        **dict(zip(BOOK_FACTS, CARRIED_FACTS.values(), strict=True)),
    }
    labels = {"nationality": _("Quốc tịch"), "ethnicity": _("Dân tộc")}
    names = {f.name for f in register.fields}
    rows = []
    for key in [k for k in BOOK_COLUMNS if k in names] + list(BOOK_FACTS):
        code_list = register.field(key).code_list if key in names else None
        rows.append(
            {
                "key": key,
                "label": register.field(key).label if key in names else labels[key],
                "value": (book.usual_values or {}).get(key, ""),
                "placeholder": fallback.get(key, ""),
                "choices": code_list.choices if code_list is not None else None,
            }
        )
    return rows


@require_POST
def book_usual_set(request: UserRequest, pk: int) -> HttpResponse:
    """Set the book's usual values, which its new entries' forms carry first (team leader,
    justice officer: those who set the book's keying)."""
    book = get_book_for_user(request, pk, write=True)
    require(request, Capability.SET_KEYING_POLICY, book)
    try:
        services.book_usual_values_set(
            book=book,
            user=request.user,
            values={row["key"]: request.POST.get(row["key"], "") for row in _usual_rows(book)},
            actor=Actor.of(request),
        )
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Đã lưu giá trị thường dùng của sổ."))
    return redirect("keying_book", pk=book.pk)


@require_GET
def quality(request: UserRequest) -> HttpResponse:
    """Error rates per operator, from double keying and arbitration."""
    days = request.GET.get("days", "")
    rates = selectors.operator_error_rates(request.user, int(days) if days.isdigit() else None)
    audit_record(request=request, action=AuditEvent.Action.VIEW, object_type="keyingquality")
    return render(request, "keying/quality.html", {"rates": rates, "days": days})
