"""Writing to the audit log. Every view, create, update and export of personal data calls this."""

from typing import Any

from django.conf import settings
from django.db import models
from django.http import HttpRequest

from hotich.audit.models import AuditEvent


def client_ip(request: HttpRequest) -> str | None:
    """Return the client's address; X-Forwarded-For is trusted only behind a known proxy."""
    if getattr(settings, "TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    action: str,
    request: HttpRequest | None = None,
    user: Any = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    commune: Any = None,
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the audit log and return it.

    ``user`` defaults to the request's user; ``object_type``/``object_id`` default to the
    model's label and primary key; ``commune`` to the object's commune when it has one.
    """
    if user is None and request is not None and request.user.is_authenticated:
        user = request.user
    if obj is not None:
        object_type = object_type or obj._meta.model_name or ""
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
        if commune is None:
            commune = _commune_of(obj)
    return AuditEvent.objects.create(
        user=user if user is not None and getattr(user, "pk", None) else None,
        # Cut to the columns' lengths: an identifier taken from an address (a 300-character
        # "personal ID") must not make PostgreSQL refuse the event, and the page a 500.
        username=(getattr(user, "username", "") or "")[:150],
        action=action,
        object_type=object_type[:30],
        object_id=object_id[:64],
        object_repr=object_repr[:200],
        commune=commune,
        changes=changes or {},
        ip_address=client_ip(request) if request is not None else None,
        path=request.get_full_path()[:300] if request is not None else "",
    )


def _commune_of(obj: models.Model) -> Any:
    """Return the commune an object belongs to, following book → commune when present."""
    for path in ("commune", "book.commune", "entry.book.commune"):
        target: Any = obj
        for attr in path.split("."):
            target = getattr(target, attr, None)
            if target is None:
                break
        if target is not None:
            return target
    return None
