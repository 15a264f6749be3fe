"""{% book_outcomes book %}: the registry look-up outcomes of a book's people, for its page.

The book's page belongs to registers, below reconciliation; reconciliation shows its own results there
through this tag rather than registers importing them.
"""

from typing import Any

from django import template
from django.db.models import Count

from hotich.reconciliation.models import MatchResult

register = template.Library()


@register.inclusion_tag("matching/_book_outcomes.html")
def book_outcomes(book: Any) -> dict[str, Any]:
    """Return each outcome's label and count among BOOK's people, in the outcomes' order."""
    counts = dict(
        MatchResult.objects.filter(person__entry__book=book)
        .values_list("outcome")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {
        "outcomes": [(o.label, counts[o.value]) for o in MatchResult.Outcome if o.value in counts]
    }
