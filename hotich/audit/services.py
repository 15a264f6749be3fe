"""Writing to the audit log. Every view, create, update and export of personal data calls this."""

import functools
import ipaddress
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.http import HttpRequest

from hotich.audit.actor import Actor
from hotich.audit.chain import address_clean
from hotich.audit.models import AuditEvent

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.cache
def _trusted_proxies(setting: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    try:
        return tuple(ipaddress.ip_network(p, strict=False) for p in setting)
    except ValueError as error:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {error}") from None


def _trusted(address: str, proxies: tuple[IPNetwork, ...]) -> bool:
    parsed = ipaddress.ip_address(address)
    return any(parsed in network for network in proxies)


def client_ip(request: HttpRequest) -> str | None:
    """Return the client's address, or None when it cannot be told.

    The peer (REMOTE_ADDR) is the client unless it is one of ``TRUSTED_PROXIES``; then
    X-Forwarded-For is read from the right, past the trusted proxies, and the first
    address no proxy of ours added is the client's (entries to its left are whatever the
    client sent). A value that is not an address gives None, never a failed insert.
    """
    peer = address_clean(request.META.get("REMOTE_ADDR"))
    proxies = _trusted_proxies(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    if peer is None or not proxies or not _trusted(peer, proxies):
        return peer
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed([h for h in hops if h]):
        address = address_clean(hop)
        if address is None:
            return None
        if not _trusted(address, proxies):
            return address
    return peer


def audit_record(
    *,
    action: str,
    request: HttpRequest | None = None,
    actor: Actor | None = None,
    user: Any = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    commune: Any = None,
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the audit log and return it.

    ``user`` defaults to the actor's or the request's user; ``object_type``/``object_id``
    default to the model's label and primary key; ``commune`` to the object's commune when
    it has one. A service passes its ``actor``; a view may pass its ``request``.
    """
    if actor is not None:
        if request is None:
            request = actor.request
        if user is None:
            user = actor.user
    if user is None and request is not None and request.user.is_authenticated:
        user = request.user
    if request is not None and action == AuditEvent.Action.DENIED:
        # The refusal is on record; the refusal middleware need not add a second one.
        request.audit_refusal_recorded = True  # type: ignore[attr-defined]
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
        ip_address=_address(request, actor),
        path=request.get_full_path()[:300]
        if request is not None
        else (actor.path if actor else ""),
    )


def _address(request: HttpRequest | None, actor: Actor | None) -> str | None:
    if request is not None:
        return client_ip(request)
    return actor.address if actor is not None else None


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


def audit_citizens_shown(
    *, request: HttpRequest, personal_ids: list[str], purpose: str, commune: Any = None
) -> AuditEvent:
    """Record that REQUEST showed the citizens PERSONAL_IDS (all of them, in order)."""
    return audit_record(
        request=request,
        action=AuditEvent.Action.VIEW,
        object_type="citizen",
        object_id=personal_ids[0] if len(personal_ids) == 1 else "",
        object_repr=f"{purpose}: {len(personal_ids)} công dân",
        commune=commune,
        changes={"personal_ids": [None, personal_ids]},
    )
