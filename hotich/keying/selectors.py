"""Reads of the keying workflow, always scoped to what the user may see (hotich.accounts.scope)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    When,
)
from django.utils import timezone

from hotich.accounts.models import User
from hotich.accounts.scope import book_scope
from hotich.keying.models import EntryWork, KeyingDifference, SecondKeying
from hotich.lib.text import comparison_key, fold, normalise_name
from hotich.reconciliation.models import MatchResult
from hotich.registers.models import Entry, EntryPerson, EntryStatus, FieldMark, RegisterBook
from hotich.registers.selectors import books_for_user
from hotich.registers.spec import REGISTER_TYPES
from hotich.registry.models import Citizen

#: Entries still to key or to finish keying.
TO_KEY = (EntryStatus.DRAFT,)


def entry_created_with(token: uuid.UUID) -> Entry | None:
    """Return the entry the new-entry form of TOKEN created, if it was saved already.

    Not scoped: the caller compares the entry's book with the book it was given.
    """
    # Nearly always none: the plain look-up first, the entry only when there is one.
    entry_id = (
        EntryWork.objects.filter(creation_token=token).values_list("entry_id", flat=True).first()
    )
    if entry_id is None:
        return None
    return Entry.objects.select_related("book").get(pk=entry_id)


def books_in_work_order(user: User) -> list[RegisterBook]:
    """Return USER's books to key: births → marriages → adoptions → deaths → others.

    Each book carries counts: ``n_entries``, ``n_to_key``, ``n_hard``, ``n_second`` (waiting
    for a second keying) and ``n_arbitration``. Lost books and books already in the
    electronic system are left out.
    """
    books = (
        books_for_user(user)
        .exclude(condition=RegisterBook.Condition.LOST)
        .exclude(already_electronic=True)
        .annotate(
            n_entries=Count("entries"),
            n_to_key=Count(
                "entries",
                filter=Q(entries__status__in=TO_KEY)
                & (Q(entries__work__isnull=True) | Q(entries__work__hard=False)),
            ),
            n_hard=Count("entries", filter=Q(entries__work__hard=True)),
            n_second=Count(
                "entries", filter=Q(entries__work__verification=EntryWork.Verification.WAITING)
            ),
            n_arbitration=Count(
                "entries",
                filter=Q(entries__work__verification=EntryWork.Verification.ARBITRATION),
            ),
        )
    )
    order = {code: rt.priority for code, rt in REGISTER_TYPES.items()}
    return sorted(
        books, key=lambda b: (order.get(b.register_type, 99), b.commune.name, b.year_from, b.volume)
    )


def _ranked_easy_first(entries: QuerySet[Entry]) -> QuerySet[Any]:
    """Return ENTRIES easy first: complete ones in entry order, then those with a field marked
    illegible (``illegible``) or a person whose lookup waits for an officer's decision
    (``unresolved``), in entry order; ``later`` is 1 for the second kind."""
    unresolved = MatchResult.objects.filter(
        person__entry=OuterRef("pk"), outcome=MatchResult.Outcome.REVIEW
    )
    return entries.annotate(
        # Marks map a column name to "illegible" or "blank": only a value can say illegible.
        illegible=Case(
            When(marks__icontains=FieldMark.ILLEGIBLE.value, then=True),
            default=False,
            output_field=BooleanField(),
        ),
        unresolved=Exists(unresolved),
    ).annotate(
        later=Case(
            When(Q(illegible=True) | Q(unresolved=True), then=1),
            default=0,
            output_field=IntegerField(),
        )
    )


def book_queue(book: RegisterBook) -> dict[str, QuerySet[Entry]]:
    """Return the queues of BOOK: to key (easy first, see :func:`_ranked_easy_first`), set
    aside as hard (F9), second keying, arbitration; in entry order within each rank."""
    entries = book.entries.select_related("work", "updated_by").order_by("year", "number", "id")
    to_key = entries.filter(status__in=TO_KEY).filter(Q(work__isnull=True) | Q(work__hard=False))
    return {
        "to_key": _ranked_easy_first(to_key).order_by("later", "year", "number", "id"),
        "hard": entries.filter(work__hard=True),
        "second": entries.filter(work__verification=EntryWork.Verification.WAITING),
        "arbitration": entries.filter(work__verification=EntryWork.Verification.ARBITRATION),
    }


def next_in_queue(book: RegisterBook, after: Entry | None = None) -> Entry | None:
    """Return the next entry of BOOK to key after AFTER in the queue's order (easy first,
    then entry order), or None; AFTER's rank is read afresh (its save may have changed it).
    """
    queue: QuerySet[Any] = book_queue(book)["to_key"]  # annotated with its rank, ``later``
    if after is None:
        return queue.first()
    rank = _ranked_easy_first(Entry.objects.filter(pk=after.pk)).values_list("later", flat=True)
    later = rank.first() or 0
    return queue.filter(
        Q(later__gt=later)
        | Q(later=later, year__gt=after.year)
        | Q(later=later, year=after.year, number__gt=after.number)
        | Q(later=later, year=after.year, number=after.number, id__gt=after.pk)
    ).first()


def previous_values(
    book: RegisterBook,
    entry: Entry | None,
    year: int | None,
    recent: list[tuple[int, dict[str, str]]] | None = None,
    limit: int = 20,
) -> dict[str, str]:
    """Return the values of the entry keyed just before (for repeating a field's value).

    RECENT is what :func:`recent_entries` gave for BOOK with LIMIT, read already for the
    new entry's form: the entry before a new one is found there unless all of them are of
    a later year than YEAR (then it is read).
    """
    if entry is None and recent is not None:
        # recent is in entry order, newest first: the first of YEAR or before is the one.
        found = next((v for y, v in recent if year is None or y <= year), None)
        if found is not None or len(recent) < limit:
            return dict(found) if found else {}
    entries = book.entries.exclude(status=EntryStatus.DRAFT, values={}).order_by(
        "-year", "-number", "-id"
    )
    if entry is not None:
        entries = entries.filter(
            Q(year__lt=entry.year) | Q(year=entry.year, number__lt=entry.number)
        )
    elif year is not None:
        entries = entries.filter(year__lte=year)
    previous = entries.values_list("values", flat=True).first()
    return dict(previous) if previous else {}


def recent_entries(book: RegisterBook, limit: int = 20) -> list[tuple[int, dict[str, str]]]:
    """Return the year and values of BOOK's latest LIMIT entries in entry order, newest
    first: what a new entry's form learns the book's habits from (:mod:`hotich.keying.carry`)
    and finds the previous entry in (:func:`previous_values`)."""
    entries = book.entries.exclude(status=EntryStatus.DRAFT, values={}).order_by(
        "-year", "-number", "-id"
    )
    return [(year, dict(values)) for year, values in entries.values_list("year", "values")[:limit]]


def numbers_used(book: RegisterBook, year: int, exclude: int | None) -> dict[int, int]:
    """Return entry number → count for BOOK and YEAR (EXCLUDE: the entry being keyed)."""
    entries = Entry.objects.filter(book=book, year=year)
    if exclude:
        entries = entries.exclude(pk=exclude)
    return dict(entries.values_list("number").annotate(n=Count("id")).order_by())


def name_suggestions(text: str, limit: int = 3) -> list[str]:
    """Return names with diacritics that fold to what was typed without them, most common first.

    Only for a name typed without any diacritic ("Nguyen Thi Phuong"); whole names known to
    the registry or keyed before come first, then the name rebuilt word by word from known
    family and given names.
    """
    text = " ".join(text.split())
    if not text or not text.isascii() or len(text.split()) < 2:
        return []
    key = comparison_key(normalise_name(text))
    counts: dict[str, int] = {}
    for name in Citizen.objects.filter(name_key=key).values_list("full_name", flat=True)[:200]:
        counts[name] = counts.get(name, 0) + 1
    for name in EntryPerson.objects.filter(name_key=key).values_list("full_name", flat=True)[:200]:
        counts[name] = counts.get(name, 0) + 1
    whole = [
        n
        for n, _c in sorted(counts.items(), key=lambda item: -item[1])
        if not n.isascii() and fold(n) == fold(normalise_name(text))
    ]
    if whole:
        return whole[:limit]
    words = normalise_name(text).split()
    family = _word_with_accents("family", words[0])
    given = _word_with_accents("given", words[-1])
    if family is None and given is None:
        return []
    middle = [_middle_with_accents(w) or w for w in words[1:-1]]
    rebuilt = " ".join([family or words[0], *middle, given or words[-1]])
    return [rebuilt] if rebuilt != " ".join(words) else []


def _word_with_accents(part: str, word: str) -> str | None:
    column = f"{part}_name"
    found = (
        Citizen.objects.filter(**{f"{part}_key": comparison_key(word)})
        .values_list(column)
        .annotate(n=Count("id"))
        .order_by("-n")[:1]
    )
    return found[0][0] if found else None


# Common middle names: enough to rebuild most names; anything else is kept as typed.
_MIDDLE = {
    fold(w): w
    for w in (
        "Văn Thị Hữu Đức Minh Ngọc Thanh Thu Quang Xuân Hồng Kim Bảo Gia Hoàng Phương Mạnh "
        "Tuấn Đình Công Quốc Trọng Như Diệu Mỹ Khánh Anh Hải Việt Tiến Duy Thế Bá Trung"
    ).split()
}


def _middle_with_accents(word: str) -> str | None:
    return _MIDDLE.get(fold(word))


@dataclass
class OperatorRate:
    user: User
    entries: int
    fields: int
    errors: int

    @property
    def rate(self) -> float:
        return self.errors / self.fields if self.fields else 0.0

    @property
    def percent(self) -> float:
        return 100 * self.rate


def operator_error_rates(user: User, since_days: int | None = None) -> list[OperatorRate]:
    """Return per keyer: double-keyed entries, fields compared and fields keyed wrong.

    A field is keyed wrong by the first keyer when the arbitration kept the second value
    (or neither), and the other way round. Scoped to the books USER may see.
    """
    seconds = SecondKeying.objects.filter(book_scope(user, "entry__book__"))
    differences = KeyingDifference.objects.filter(book_scope(user, "entry__book__")).exclude(
        fault=""
    )
    if since_days:
        since = timezone.now() - timedelta(days=since_days)
        seconds = seconds.filter(created_at__gte=since)
        differences = differences.filter(resolved_at__gte=since)
    totals: dict[int, dict[str, Any]] = {}

    def add(pk: int | None, entries: int, fields: int, errors: int) -> None:
        if pk is None:
            return
        row = totals.setdefault(pk, {"entries": 0, "fields": 0, "errors": 0})
        row["entries"] += entries
        row["fields"] += fields
        row["errors"] += errors

    # One loop variable per query: each row has its own keys.
    for second in seconds.values("keyer").annotate(n=Count("id"), f=Sum("fields_compared")):
        add(second["keyer"], second["n"], second["f"] or 0, 0)
    for first in seconds.values("entry__work__first_keyer").annotate(
        n=Count("id"), f=Sum("fields_compared")
    ):
        add(first["entry__work__first_keyer"], first["n"], first["f"] or 0, 0)
    for first_fault in (
        differences.filter(fault__in=["first", "both"])
        .values("first_keyer")
        .annotate(n=Count("id"))
    ):
        add(first_fault["first_keyer"], 0, 0, first_fault["n"])
    for second_fault in (
        differences.filter(fault__in=["second", "both"])
        .values("second_keyer")
        .annotate(n=Count("id"))
    ):
        add(second_fault["second_keyer"], 0, 0, second_fault["n"])
    users = User.objects.in_bulk(list(totals))
    rates = [OperatorRate(users[pk], **row) for pk, row in totals.items() if pk in users]
    return sorted(rates, key=lambda r: (-r.rate, r.user.username))
