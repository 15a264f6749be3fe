"""Background reconciliation of a whole book with the population registry.

The task moved here from ``hotich.matching.tasks``, but keeps that name: queued rows of the
database backend name a task by its import path (``task_path``), and a worker must still
run the rows queued before the move (and recognise it as resumable, see
:data:`hotich.jobs.workers.RESUMABLE_TASKS`). So the function says it comes from the old
module, and that module name is made to resolve to this one (``hotich.matching`` itself
imports nothing of reconciliation). :class:`~hotich.reconciliation.apps.ReconciliationConfig`
imports this module at start-up.
"""

import sys
from collections.abc import Callable
from typing import Any, TypeVar

from django.tasks import task

from hotich.accounts.models import User
from hotich.matching.engine.decide import OUTCOME_LABELS
from hotich.reconciliation.services import book_reconcile_apply
from hotich.registers.models import RegisterBook

#: The module path queued rows name the task by (``<module>.book_reconcile_task``).
TASK_MODULE = "hotich.matching.tasks"

F = TypeVar("F", bound=Callable[..., Any])


def _named_in(module: str) -> Callable[[F], F]:
    """Return a decorator that makes a function say it is defined in MODULE."""

    def mark(func: F) -> F:
        func.__module__ = module
        return func

    return mark


@task(queue_name="matching")
@_named_in(TASK_MODULE)
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


# The old module name resolves to this module, for rows that name the task by it.
sys.modules.setdefault(TASK_MODULE, sys.modules[__name__])
