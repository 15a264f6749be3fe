"""Reads of the reconciliation, always scoped to what the user may see (hotich.accounts.scope)."""

from __future__ import annotations

from django.db.models import QuerySet

from hotich.accounts.capabilities import Capability, refuse, require
from hotich.accounts.models import User
from hotich.accounts.requests import UserRequest
from hotich.accounts.scope import REFUSED, book_scope
from hotich.reconciliation.models import TrackingCase


def cases_for_user(user: User) -> QuerySet[TrackingCase]:
    """Return the tracking cases of the books USER may see."""
    return TrackingCase.objects.filter(book_scope(user, "entry__book__")).select_related(
        "entry__book__commune", "person", "assignee", "closed_by", "commune"
    )


def get_case_for_user(
    request: UserRequest, pk: int, *, write: bool | Capability = False
) -> TrackingCase:
    """Return tracking case PK (Danh sách theo dõi riêng) under the rules of its book; with
    WRITE (True, or the capability the change needs), only if the user may change it."""
    case = cases_for_user(request.user).filter(pk=pk).first()
    if case is None:
        refuse(request, REFUSED, object_type="trackingcase", object_id=pk)
    if write:
        require(request, Capability.KEY if write is True else write, case)
    return case
