"""``{% can "export" book as may_export %}``: the permission table in a template, for a page
that shows a button only to those who may press it (hotich.accounts.capabilities.can)."""

from typing import Any

from django import template

from hotich.accounts import capabilities

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context: template.Context, capability: str, obj: Any = None) -> bool:
    """Return True if the page's user holds CAPABILITY (for OBJ, in their area)."""
    user = context.get("user") or getattr(context.get("request"), "user", None)
    return capabilities.can(user, capabilities.Capability(capability), obj)
