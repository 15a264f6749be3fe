"""Reads of the reconciliation, always scoped to what the user may see (hotich.accounts.scope)."""

from __future__ import annotations

from django.db.models import QuerySet

from hotich.accounts.models import User
from hotich.accounts.scope import book_scope
from hotich.reconciliation.models import TrackingCase


def cases_for_user(user: User) -> QuerySet[TrackingCase]:
    """Return the tracking cases of the books USER may see."""
    return TrackingCase.objects.filter(book_scope(user, "entry__book__")).select_related(
        "entry__book__commune", "person", "assignee", "closed_by", "commune"
    )
