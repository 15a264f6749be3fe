"""Books, entries and scans a user may see, under the geographic rule of accounts.scope.

Every view, export and API gets books, entries and scans through these functions; no view
calls ``Model.objects.get()`` on them directly. A missing object is refused exactly like
one of another area (same status, same message), and every refusal is audited.
"""

from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest

from hotich.accounts.capabilities import Capability, can, refuse, require
from hotich.accounts.scope import REFUSED, book_scope
from hotich.registers.models import Entry, EntryPerson, RegisterBook, Scan
from hotich.registers.search import EntryQuery, QueryKind

BLIND = "Trường hợp này đang chờ nhập lần hai: người nhập lần hai không được xem lần nhập thứ nhất."


def books_for_user(user: Any) -> QuerySet[RegisterBook]:
    """Return the books USER may see."""
    return RegisterBook.objects.filter(book_scope(user)).select_related(
        "commune", "historical_unit"
    )


def entries_for_user(user: Any) -> QuerySet[Entry]:
    """Return the entries USER may see."""
    return Entry.objects.filter(book_scope(user, "book__")).select_related("book__commune")


def _write(write: bool | Capability) -> Capability | None:
    if write is True:
        return Capability.KEY
    return write or None


def get_book_for_user(
    request: HttpRequest, pk: int, *, write: bool | Capability = False
) -> RegisterBook:
    """Return book PK if the request's user may see it (and change it, with WRITE: True for
    keying, or the capability the change needs, e.g. ``Capability.UPLOAD_SCANS``).

    Raise PermissionDenied (audited) for a book of another unit, for a missing book too, so
    that probing IDs tells an outsider nothing.
    """
    book = books_for_user(request.user).filter(pk=pk).first()
    if book is None:
        refuse(request, REFUSED, object_type="registerbook", object_id=pk)
    capability = _write(write)
    if capability is not None:
        require(request, capability, book)
    return book


def entries_blind_for(user: Any, entry_ids: list[int]) -> set[int]:
    """Return those of ENTRY_IDS whose first keying USER must not see: entries waiting for
    their blind second keying that USER (a possible second keyer: a commune keyer who does
    not arbitrate) did not key first."""
    if not entry_ids or not user.is_commune_user or can(user, Capability.ARBITRATE):
        return set()
    waiting = Entry.objects.filter(pk__in=entry_ids, work__verification="waiting")
    return set(waiting.exclude(work__first_keyer=user).values_list("pk", flat=True))


def get_entry_for_user(
    request: HttpRequest, pk: int, *, write: bool | Capability = False, blind: bool = False
) -> Entry:
    """Return entry PK under the same rules as :func:`get_book_for_user`.

    While the entry waits for its blind second keying, a keyer other than its first one is
    refused it (audited) unless the caller shows nothing of the first keying (BLIND: the
    second keying form itself, the scans).
    """
    entry = entries_for_user(request.user).filter(pk=pk).first()
    if entry is None:
        refuse(request, REFUSED, object_type="entry", object_id=pk)
    if not blind and entries_blind_for(request.user, [entry.pk]):
        refuse(request, BLIND, object_type="entry", object_id=pk)
    capability = _write(write)
    if capability is not None:
        require(request, capability, entry)
    return entry


def get_scan_for_user(request: HttpRequest, pk: int) -> Scan:
    """Return scan PK if the user may see its entry; a missing scan is refused like a foreign
    one (audited), so probing scan numbers tells nothing."""
    scan = Scan.objects.filter(pk=pk, entry__in=entries_for_user(request.user).values("pk")).first()
    if scan is None:
        refuse(request, REFUSED, object_type="scan", object_id=pk)
    return scan


def _people_matching(query: EntryQuery) -> Q:
    """Return the filter of the people QUERY finds (by ID number, name or birth date).

    An ID number finds a person written with it, and one the reconciliation linked or
    matched to the citizen of that ID (as :func:`entries_naming_citizen` does).
    """
    if query.kind is QueryKind.ID_NUMBER:
        return (
            Q(personal_id=query.text)
            | Q(citizen__personal_id=query.text)
            | Q(match__personal_id=query.text)
        )
    if query.kind is QueryKind.DATE and query.date is not None:
        return Q(birth_date=query.date)
    key = query.text  # a name: whole words of the comparison key, anywhere in the name
    return (
        Q(name_key=key)
        | Q(name_key__startswith=f"{key} ")
        | Q(name_key__endswith=f" {key}")
        | Q(name_key__contains=f" {key} ")
    )


def entries_search(user: Any, query: EntryQuery) -> QuerySet[Entry]:
    """Return the entries USER may see that QUERY finds, by book then entry order.

    A name or an ID number finds the entries naming such a person; an entry number, the
    entries of that number (and year); a date, the entries registered that day or naming a
    person born that day. Each entry carries ``found``: the people of it the query found
    (none for an entry number), fetched in one query for the page.
    """
    entries = entries_for_user(user).select_related("book")
    if query.kind is QueryKind.ENTRY_NUMBER and query.number is not None:
        entries = entries.filter(number=query.number)
        if query.year is not None:
            entries = entries.filter(year=query.year)
        people = EntryPerson.objects.none()
    elif query.kind in (QueryKind.ID_NUMBER, QueryKind.NAME, QueryKind.DATE):
        people = EntryPerson.objects.filter(_people_matching(query))
        found = Q(pk__in=people.values("entry_id"))
        if query.kind is QueryKind.DATE:
            found |= Q(registration_date=query.date)
        entries = entries.filter(found)
    else:
        return entries.none()
    return entries.prefetch_related(
        Prefetch("people", queryset=people.order_by("pk"), to_attr="found")
    ).order_by(
        "book__commune__name", "book__register_type", "book__year_from", "year", "number", "id"
    )


def entries_naming_citizen(user: Any, citizen: Any) -> list[EntryPerson]:
    """Return the people of the entries USER may see who are CITIZEN: linked to them by the
    reconciliation (``citizen``), written with their personal ID, or matched to it (the
    same three ways as :func:`hotich.registry.selectors.citizens_for_user`), with their
    entries and books; entries whose first keying USER must not see yet are left out."""
    people = list(
        EntryPerson.objects.filter(
            Q(citizen=citizen)
            | Q(personal_id=citizen.personal_id)
            | Q(match__personal_id=citizen.personal_id),
            entry__in=entries_for_user(user).values("pk"),
        )
        .select_related("entry__book__commune")
        .order_by("entry__year", "entry__number", "entry_id", "pk")
    )
    blind = entries_blind_for(user, [p.entry_id for p in people])
    return [p for p in people if p.entry_id not in blind]
