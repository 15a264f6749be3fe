"""The home-page reminder of weekly reports."""

from typing import Any

from django import template
from django.utils import timezone

from hotich.campaigns.selectors import reports_owed

register = template.Library()


@register.inclusion_tag("campaigns/_report_reminder.html", takes_context=True)
def report_reminder(context: dict[str, Any]) -> dict[str, Any]:
    """Render the officers who still owe this week's report (nothing when none do)."""
    user = context["request"].user
    return {"reminder": reports_owed(user, now=timezone.now()) if user.is_authenticated else None}
