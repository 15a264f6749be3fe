"""Books and entries: lists and read-only pages (keying them is hotich.keying's, exporting
them hotich.exchange's)."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from hotich.accounts.requests import UserRequest
from hotich.audit.downloads import pdf_download
from hotich.audit.models import AuditEvent
from hotich.audit.services import audit_record
from hotich.registers.extract import (
    entry_extract_pdf,
    entry_groups,
    extract_filename,
    extract_title,
)
from hotich.registers.models import EntryStatus
from hotich.registers.search import MAX_LENGTH, QueryKind, entry_query_parse
from hotich.registers.selectors import (
    books_for_user,
    entries_blind_for,
    entries_search,
    get_book_for_user,
    get_entry_for_user,
)
from hotich.registers.spec import REGISTER_TYPES

PAGE_SIZE = 50


@require_GET
def book_list(request: UserRequest) -> HttpResponse:
    """Sổ hộ tịch of the user's scope, filtered by register type and year; htmx swaps rows."""
    books = books_for_user(request.user).annotate(
        n_entries=Count("entries"),
        n_approved=Count(
            "entries", filter=Q(entries__status__in=[EntryStatus.APPROVED, EntryStatus.EXPORTED])
        ),
    )
    register_type = request.GET.get("type", "")
    if register_type in REGISTER_TYPES:
        books = books.filter(register_type=register_type)
    year = request.GET.get("year", "")
    if year.isdigit():
        books = books.filter(year_from__lte=int(year), year_to__gte=int(year))
    page = Paginator(
        books.order_by("commune__name", "register_type", "year_from", "volume"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "register_types": REGISTER_TYPES.values(),
        "type": register_type,
        "year": year,
    }
    template = "registers/_book_rows.html" if request.htmx else "registers/book_list.html"
    return render(request, template, context)


@require_GET
def book_detail(request: UserRequest, pk: int) -> HttpResponse:
    """One book: its facts and its entries with their status; htmx swaps the entry rows."""
    book = get_book_for_user(request, pk)
    entries = book.entries.select_related("updated_by").order_by("year", "number", "id")
    status = request.GET.get("status", "")
    if status in EntryStatus.values:
        entries = entries.filter(status=status)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    audit_record(
        request=request,
        action=AuditEvent.Action.VIEW,
        obj=book,
        changes={"entries": [None, [e.pk for e in page.object_list]]},
    )
    counts = dict(book.entries.values_list("status").annotate(n=Count("id")).order_by())
    context = {
        "book": book,
        "page": page,
        "blind": entries_blind_for(request.user, [e.pk for e in page.object_list]),
        "status": status,
        "statuses": [(s.value, s.label, counts.get(s.value, 0)) for s in EntryStatus],
    }
    template = "registers/_entry_rows.html" if request.htmx else "registers/book_detail.html"
    return render(request, template, context)


@require_GET
def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One entry, laid out as the book's page, values as written; the view is audited."""
    entry = get_entry_for_user(request, pk)
    audit_record(request=request, action=AuditEvent.Action.VIEW, obj=entry)
    groups = []
    for _key, label, shown in entry_groups(entry):
        rows = []
        for s in shown:
            value = s.value
            if s.field.code_list is not None and value:
                value = f"{value} – {s.field.code_list.label_for(value) or '?'}"
            rows.append({"field": s.field, "value": value, "mark": s.mark})
        groups.append({"label": label, "rows": rows})
    context = {
        "entry": entry,
        "book": entry.book,
        "groups": groups,
        "people": entry.people.select_related("citizen"),
    }
    return render(request, "registers/entry_detail.html", context)


class ExtractForm(forms.Form):
    """Who signs the extract and where it is issued (all optional: written by hand)."""

    nguoi_ky = forms.CharField(label="Người ký", max_length=120, required=False)
    chuc_vu = forms.CharField(label="Chức vụ người ký", max_length=120, required=False)
    noi_cap = forms.CharField(label="Nơi cấp", max_length=120, required=False)


@require_GET
def entry_extract_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The entry's extract (trích lục) as a PDF, for whoever may see the entry; audited."""
    entry = get_entry_for_user(request, pk)
    form = ExtractForm(request.GET)
    if not form.is_valid():
        messages.error(request, "Người ký, chức vụ và nơi cấp mỗi mục tối đa 120 ký tự.")
        return redirect("entry_detail", pk=entry.pk)
    signer = form.cleaned_data
    return pdf_download(
        request=request,
        render=lambda: entry_extract_pdf(
            entry,
            signer_name=signer["nguoi_ky"],
            signer_title=signer["chuc_vu"],
            place=signer["noi_cap"],
            issued=timezone.localdate(),
        ),
        filename=extract_filename(entry),
        obj=entry,
        changes={"trích lục": [None, extract_title(entry)], "người ký": [None, signer["nguoi_ky"]]},
        on_error=lambda: redirect("entry_detail", pk=entry.pk),
    )


@require_GET
def entry_search(request: UserRequest) -> HttpResponse:
    """Tìm trường hợp: keyed entries of the user's books by name (tone-insensitive), personal
    ID, entry number or date; audited with what was found. htmx swaps the result rows."""
    typed = request.GET.get("q", "")
    query = entry_query_parse(typed)
    page = Paginator(entries_search(request.user, query), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    found = [e.pk for e in page.object_list]
    if query.kind not in (QueryKind.NONE, QueryKind.BAD_DATE):
        audit_record(
            request=request,
            action=AuditEvent.Action.VIEW,
            object_type="entrysearch",
            object_repr=f"“{typed.strip()}”"[:200],
            changes={"entries": [None, found]},
        )
    context = {
        "q": typed.strip()[:MAX_LENGTH],
        "query": query,
        "page": page,
        "blind": entries_blind_for(request.user, found),
    }
    template = "registers/_search_rows.html" if request.htmx else "registers/entry_search.html"
    return render(request, template, context)
