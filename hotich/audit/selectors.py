"""Queries over the audit log, shared by the search page and the export task."""

from datetime import datetime, time

from django.db.models import QuerySet
from django.utils import timezone

from hotich.audit.models import AuditEvent


def _parse_day(value: str) -> datetime | None:
    try:
        return datetime.strptime(value, "%Y-%m-%d")  # noqa: DTZ007 - made aware below
    except ValueError:
        return None


def audit_events_filtered(filters: dict[str, str]) -> QuerySet[AuditEvent]:
    """Return audit events matching FILTERS (user, commune code, entry id, citizen ID, dates)."""
    events = AuditEvent.objects.select_related("commune")
    if filters.get("user"):
        events = events.filter(username__iexact=filters["user"].strip())
    if filters.get("commune"):
        events = events.filter(commune__code=filters["commune"].strip())
    if filters.get("entry"):
        events = events.filter(object_type="entry", object_id=filters["entry"].strip())
    if filters.get("citizen"):
        events = events.filter(object_type="citizen", object_id=filters["citizen"].strip())
    if filters.get("action") in AuditEvent.Action.values:
        events = events.filter(action=filters["action"])
    tz = timezone.get_current_timezone()
    if day := _parse_day(filters.get("date_from", "")):
        events = events.filter(at__gte=timezone.make_aware(datetime.combine(day, time.min), tz))
    if day := _parse_day(filters.get("date_to", "")):
        events = events.filter(at__lte=timezone.make_aware(datetime.combine(day, time.max), tz))
    return events
