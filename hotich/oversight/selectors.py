"""Queries over the audit log, shared by the search page and the export task.

The log is scoped like the data it records: an inspector sees the events of their area
(:func:`audit_events_for_user`), the search and the export both start from there.
"""

from datetime import datetime, time
from functools import lru_cache
from typing import Any

from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from hotich.accounts.capabilities import Capability, can
from hotich.accounts.scope import sees_every_unit
from hotich.audit.models import AuditEvent

#: Day formats the date filters accept: dd/mm/yyyy as typed, and the ISO form of older links.
DAY_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d")

#: Vietnamese names of the audited objects that are not models (pages, refusals).
OBJECT_TYPE_EXTRA_LABELS = {
    "workqueue": "hàng chờ nhập liệu",
    "keyingquality": "tỉ lệ lỗi nhập liệu",
    "request": "yêu cầu",
    "csrf": "kiểm tra chống giả mạo yêu cầu",
    "unit": "đơn vị hành chính",
    "entrysearch": "tìm kiếm trường hợp",
}


def _parse_day(value: str) -> datetime | None:
    value = value.strip()
    for form in DAY_FORMATS:
        try:
            return datetime.strptime(value, form)  # noqa: DTZ007 - made aware below
        except ValueError:
            continue
    return None


def day_invalid(value: str) -> bool:
    """Return whether VALUE is given but is not a day (dd/mm/yyyy)."""
    return bool(value.strip()) and _parse_day(value) is None


def object_type_label(object_type: str) -> str:
    """Return the Vietnamese name of an audited object type (a model's verbose name, or
    :data:`OBJECT_TYPE_EXTRA_LABELS`); the type itself when it has none."""
    return str(_object_type_labels().get(object_type, object_type))


@lru_cache(maxsize=1)
def _object_type_labels() -> dict[str, Any]:
    from django.apps import apps

    labels: dict[str, Any] = {
        m._meta.model_name or "": m._meta.verbose_name for m in apps.get_models()
    }
    return {**labels, **OBJECT_TYPE_EXTRA_LABELS}


def audit_area(unit: Any) -> Q:
    """Return the filter selecting the events of UNIT's area.

    An event belongs where its data lives (its commune); an event with no commune (a login,
    a registry look-up, a refusal of a missing object) belongs where the person acting works.
    A historical district's area is its communes of the time and the current communes
    its books now belong to.
    """
    from hotich.places.models import AdministrativeUnit as Unit

    if unit.level == Unit.Level.PROVINCE:
        return Q(commune__province_code=unit.province_code) | Q(
            commune__isnull=True, user__unit__province_code=unit.province_code
        )
    if unit.level == Unit.Level.DISTRICT:
        communes = Unit.objects.filter(Q(parent=unit) | Q(predecessors__parent=unit)).values("pk")
        return (
            Q(commune__in=communes)
            | Q(commune__isnull=True, user__unit__in=[unit.pk])
            | Q(commune__isnull=True, user__unit__in=communes)
        )
    return Q(commune=unit) | Q(commune__isnull=True, user__unit=unit)


def audit_events_for_user(user: Any) -> QuerySet[AuditEvent]:
    """Return the audit events USER may read: all for administrators and national
    inspectors, their area's for an inspector with a unit, none for anyone else."""
    events = AuditEvent.objects.select_related("commune", "user")
    if not can(user, Capability.READ_AUDIT):
        return events.none()
    if sees_every_unit(user):
        return events
    return events.filter(audit_area(user.unit))


def audit_events_filtered(*, user: Any, filters: dict[str, str]) -> QuerySet[AuditEvent]:
    """Return the events USER may read that match FILTERS (user, commune code, entry id,
    citizen ID, action, dates)."""
    events = audit_events_for_user(user)
    if filters.get("user"):
        events = events.filter(username__iexact=filters["user"].strip())
    if filters.get("commune"):
        events = events.filter(commune__code=filters["commune"].strip())
    if filters.get("entry"):
        events = events.filter(object_type="entry", object_id=filters["entry"].strip())
    if personal_id := filters.get("citizen", "").strip():
        # A look-up showing several citizens lists them all in its changes.
        events = events.annotate(changes_text=Cast("changes", TextField())).filter(
            Q(object_id=personal_id) | Q(changes_text__contains=f'"{personal_id}"'),
            object_type="citizen",
        )
    if filters.get("action") in AuditEvent.Action.values:
        events = events.filter(action=filters["action"])
    tz = timezone.get_current_timezone()
    if day := _parse_day(filters.get("date_from", "")):
        events = events.filter(at__gte=timezone.make_aware(datetime.combine(day, time.min), tz))
    if day := _parse_day(filters.get("date_to", "")):
        events = events.filter(at__lte=timezone.make_aware(datetime.combine(day, time.max), tz))
    return events
