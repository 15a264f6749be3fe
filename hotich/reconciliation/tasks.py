"""Background reconciliation of a whole book with the population registry.

Jobs queued under the path of matching's old ``tasks`` module, before the task moved here,
are moved to this path by the migration ``reconciliation 0002`` (see
:mod:`hotich.jobs.renames`).
"""

from typing import Any

from django.tasks import task

from hotich.accounts.models import User
from hotich.matching.engine.decide import OUTCOME_LABELS
from hotich.reconciliation.services import book_reconcile_apply
from hotich.registers.models import RegisterBook


@task(queue_name="matching")
def book_reconcile_task(*, book_id: int, user_id: int | None) -> dict[str, Any]:
    """Reconcile every person of book BOOK_ID (batch path), open the tracking cases, issue
    the new personal IDs and mark entries reconciled; return the counts per outcome."""
    book = RegisterBook.objects.get(pk=book_id)
    user = User.objects.filter(pk=user_id).first() if user_id else None
    counts = book_reconcile_apply(book=book, user=user)
    summary = "; ".join(
        f"{OUTCOME_LABELS[k]}: {v}" for k, v in counts.items() if k in OUTCOME_LABELS
    )
    summary += f"; đã đối chiếu xong {counts['reconciled']} trường hợp"
    return {"summary": summary, "counts": counts}
