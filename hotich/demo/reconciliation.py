"""Demo reconciliation: a few books matched with the registry, discrepancies on the tracking list.

Runs the batch path of the matching engine (``book_reconcile``) on the birth, marriage and
death books of the first two demo communes, then opens a tracking case for each discrepancy
with the reconciliation service, as an officer acting on the results would. Idempotent: nothing
happens once those books have results.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from hotich.accounts.models import Role, User
from hotich.audit.actor import Actor
from hotich.matching.services import entry_person_input
from hotich.places.models import AdministrativeUnit
from hotich.reconciliation.models import MatchResult, TrackingCase
from hotich.reconciliation.services import (
    book_reconcile,
    tracking_case_close,
    tracking_case_open,
)
from hotich.registers.models import RegisterBook

#: Register types whose first usable book is reconciled in each of the first two communes.
RECONCILED_TYPES = ("KS", "KH", "KT")


@transaction.atomic
def reconcile_demo_load(*, communes: list[AdministrativeUnit]) -> int:
    """Reconcile the demo's chosen books and open their tracking cases; return cases opened.

    Returns 0 (and writes nothing) when the books already have results.
    """
    books = [
        book
        for commune in communes[:2]
        for rtype in RECONCILED_TYPES
        if (
            book := RegisterBook.objects.filter(
                commune=commune, register_type=rtype, already_electronic=False
            )
            .exclude(condition=RegisterBook.Condition.LOST)
            .order_by("year_from", "volume")
            .first()
        )
    ]
    if MatchResult.objects.filter(person__entry__book__in=books).exists():
        return 0
    opened = 0
    now = timezone.now()
    for book in books:
        officer = (
            User.objects.filter(unit=book.commune, role=Role.JUSTICE_OFFICER)
            .order_by("username")
            .first()
        )
        book_reconcile(book=book, user=officer)
        results = (
            MatchResult.objects.filter(
                person__entry__book=book, outcome=MatchResult.Outcome.DISCREPANCY
            )
            .exclude(citizen=None)
            .select_related("person__entry__book__commune", "citizen")
            .order_by("person__entry__number", "person__role")
        )
        for i, result in enumerate(results):
            person, entry = result.person, result.person.entry
            person_input = entry_person_input(entry, person.role)
            if person_input is None or officer is None or result.citizen is None:
                continue
            case = tracking_case_open(
                entry=entry,
                person=person,
                person_input=person_input,
                citizen=result.citizen,
                fields=tuple(result.fields),
                user=officer,
                actor=Actor.system(officer),
            )
            # The demo's entries were keyed over the last three weeks: a case dates from the
            # day after its entry, so the backlog has an age.
            when = min(entry.created_at + datetime.timedelta(days=1), now)
            TrackingCase.objects.filter(pk=case.pk).update(opened_at=when)
            if i % 4 == 3:
                tracking_case_close(
                    case=case,
                    result=TrackingCase.Result.BOOK_RIGHT,
                    procedure="Hướng dẫn công dân làm thủ tục điều chỉnh thông tin trong CSDL "
                    "quốc gia về dân cư tại Công an xã.",
                    note="Đã đối chiếu bản chính giấy khai sinh.",
                    user=officer,
                    actor=Actor.system(officer),
                )
            opened += 1
    return opened
