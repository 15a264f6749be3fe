"""Review against the scan and approval (rà soát, phê duyệt), and the completeness of a book.

Only a justice officer (công chức tư pháp – hộ tịch) reviews and approves: the book's data
is theirs. States: reconciled → reviewed (accepted against the scan) → approved ("ready to
convert"); any state before approval may be returned to the keyer (→ draft) with a reason.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from hotich.accounts.capabilities import Capability, require
from hotich.accounts.models import User
from hotich.audit.actor import Actor
from hotich.audit.models import AuditEvent
from hotich.audit.services import audit_record
from hotich.reconciliation.services import people_reconcile_again
from hotich.registers.models import Entry, EntryStatus, RegisterBook
from hotich.registers.services import (
    PersonalIdsLost,
    entry_status_set,
    entry_update_people,
    personal_ids_lost,
    personal_ids_lost_refuse,
)
from hotich.review.models import EntryReturn, MissingEntry

#: Entries a justice officer may accept against the scan.
REVIEWABLE = (EntryStatus.RECONCILED,)
#: Entries that may still be corrected or returned to their keyer.
OPEN = (
    EntryStatus.KEYED,
    EntryStatus.VERIFIED,
    EntryStatus.RECONCILED,
    EntryStatus.REVIEWED,
)


class ReviewRefused(ValueError):
    """The entry is not in a state for this step; message in Vietnamese."""


def _require(user: User, actor: Actor | None, capability: Capability, obj: Any) -> None:
    """Raise PermissionDenied (audited) unless USER may do CAPABILITY to OBJ (the table of
    hotich.accounts.capabilities: reviewing and approving are the justice officer's)."""
    require(dataclasses.replace(actor or Actor.system(), user=user), capability, obj)


def _move(
    entry: Entry, user: User, allowed: tuple[str, ...], new: str, actor: Actor | None
) -> None:
    if entry.status not in allowed or not entry_status_set(
        entry=entry, user=user, old=entry.status, new=new, actor=actor
    ):
        raise ReviewRefused(
            f"Trường hợp đang ở trạng thái “{entry.get_status_display()}”, không chuyển được."
        )


def entry_accept(*, entry: Entry, user: User, actor: Actor | None = None) -> None:
    """Accept ENTRY as matching its scan: reconciled → reviewed."""
    _require(user, actor, Capability.REVIEW, entry)
    _move(entry, user, REVIEWABLE, EntryStatus.REVIEWED, actor)


def entry_approve(*, entry: Entry, user: User, actor: Actor | None = None) -> None:
    """Approve ENTRY ("sẵn sàng chuyển đổi"): reviewed → approved. Justice officers only.

    Refused (ReviewRefused, naming them) while a person of ENTRY lacks a personal ID they had.
    """
    _require(user, actor, Capability.APPROVE, entry)
    try:
        personal_ids_lost_refuse(entries=[entry], step="phê duyệt")
    except PersonalIdsLost as lost:
        raise ReviewRefused(str(lost)) from lost
    _move(entry, user, (EntryStatus.REVIEWED,), EntryStatus.APPROVED, actor)


@dataclass
class BookApproval:
    approved: int
    refused: list[str]  # Vietnamese, one per person who lost a personal ID they had


def book_approve_reviewed(
    *, book: RegisterBook, user: User, actor: Actor | None = None
) -> BookApproval:
    """Approve every reviewed entry of BOOK but those where a person lost a personal ID they
    had; return how many were approved and who was left out."""
    _require(user, actor, Capability.APPROVE, book)
    approved = 0
    reviewed = list(book.entries.filter(status=EntryStatus.REVIEWED))
    lost = personal_ids_lost(entries=reviewed)
    held = {item.entry.pk for item in lost}
    for entry in reviewed:
        if entry.pk in held:
            continue
        approved += entry_status_set(
            entry=entry,
            user=user,
            old=EntryStatus.REVIEWED,
            new=EntryStatus.APPROVED,
            actor=actor,
        )
    return BookApproval(approved, [str(item) for item in lost])


@transaction.atomic
def entry_return(
    *, entry: Entry, user: User, reason: str, actor: Actor | None = None
) -> EntryReturn:
    """Send ENTRY back to its keyer with REASON: it goes back to draft; audited."""
    _require(user, actor, Capability.REVIEW, entry)
    reason = reason.strip()
    if not reason:
        raise ReviewRefused("Hãy ghi lý do trả lại để người nhập biết cần sửa gì.")
    old = entry.status
    _move(entry, user, OPEN, EntryStatus.DRAFT, actor)
    note = EntryReturn.objects.create(
        entry=entry, reason=reason, returned_by=user, keyer=entry.created_by, from_status=old
    )
    audit_record(
        actor=actor,
        user=user,
        action=AuditEvent.Action.UPDATE,
        obj=entry,
        changes={"returned": [None, reason]},
    )
    return note


def entry_correct(
    *,
    entry: Entry,
    user: User,
    field: str,
    value: str,
    expected_version: int,
    actor: Actor | None = None,
) -> Entry:
    """Correct one field of ENTRY from the scan (audited through entry_update).

    People whose compared facts the correction leaves alone keep their links; those it
    changes are looked up again (:func:`people_reconcile_again`) and the entry goes back
    to "keyed" until they are settled.
    """
    _require(user, actor, Capability.REVIEW, entry)
    if entry.status not in OPEN:
        raise ReviewRefused("Trường hợp đã phê duyệt hoặc chưa nhập xong, không sửa được ở đây.")
    entry.register_type.field(field)  # KeyError for a column the register does not have
    values = dict(entry.values)
    marks = dict(entry.marks)
    marks.pop(field, None)
    if value.strip():
        values[field] = value.strip()
    else:
        values.pop(field, None)
    entry, people = entry_update_people(
        entry=entry,
        user=user,
        expected_version=expected_version,
        values=values,
        marks=marks,
        actor=actor,
    )
    # People whose facts the correction changed lost their outcome: look them up again.
    people_reconcile_again(
        entry=entry,
        people=people,
        user=user,
        actor=actor,
    )
    entry.refresh_from_db()
    return entry


def missing_mark(
    *,
    book: RegisterBook,
    year: int,
    number: int,
    reason: str,
    user: User,
    actor: Actor | None = None,
) -> MissingEntry:
    """Record that BOOK has no entry NUMBER in YEAR, and why; audited."""
    reason = reason.strip()
    if not reason:
        raise ReviewRefused("Hãy ghi lý do thiếu số (ví dụ: trang bị rách, sổ ghi nhảy số).")
    if not book.year_from <= year <= book.year_to:
        raise ReviewRefused(f"Năm {year} không thuộc các năm của sổ ({book.years_label}).")
    if number < 1:
        raise ReviewRefused("Số phải từ 1 trở lên.")
    missing, created = MissingEntry.objects.get_or_create(
        book=book, year=year, number=number, defaults={"reason": reason, "marked_by": user}
    )
    if not created:
        raise ReviewRefused(f"Số {number:02d}/{year} đã được ghi là thiếu.")
    audit_record(
        actor=actor,
        user=user,
        action=AuditEvent.Action.CREATE,
        obj=missing,
        commune=book.commune,
        changes={"reason": [None, reason]},
    )
    return missing


@dataclass
class YearCompleteness:
    year: int
    last: int
    keyed: int
    missing: int
    gaps: list[int]

    @property
    def complete(self) -> bool:
        return not self.gaps


def book_completeness(book: RegisterBook) -> list[YearCompleteness]:
    """Return, per year of BOOK, the numbers neither keyed nor marked missing (up to the last).

    "Keyed" means keyed or further on (a draft does not count). The last number of a year is
    the largest number keyed or marked missing for it.
    """
    keyed: dict[int, set[int]] = {y: set() for y in range(book.year_from, book.year_to + 1)}
    rows = book.entries.exclude(status=EntryStatus.DRAFT).values_list("year", "number")
    for year, number in rows:
        keyed.setdefault(year, set()).add(number)
    missing: dict[int, set[int]] = {y: set() for y in keyed}
    for year, number in MissingEntry.objects.filter(book=book).values_list("year", "number"):
        missing.setdefault(year, set()).add(number)
    result = []
    for year in sorted(keyed):
        accounted = keyed[year] | missing.get(year, set())
        last = max(accounted, default=0)
        gaps = [n for n in range(1, last + 1) if n not in accounted]
        result.append(
            YearCompleteness(year, last, len(keyed[year]), len(missing.get(year, ())), gaps)
        )
    return result


def book_is_complete(book: RegisterBook) -> bool:
    """True when every year of BOOK has entries and no unexplained gap."""
    years = book_completeness(book)
    return all(y.complete and y.last > 0 for y in years)
