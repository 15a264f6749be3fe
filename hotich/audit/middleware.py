"""Every refusal on record: a 403 or 404 answer that no scope helper audited is audited here.

Scope helpers record their refusals with the object refused; this catches the rest (a
``raise Http404`` in a view, a form's own 403, a CSRF failure) so that probing URLs always
leaves a trace, whichever path refused.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from hotich.audit.models import AuditEvent
from hotich.audit.services import audit_record

REFUSALS = frozenset({403, 404})


class AuditRefusalMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if (
            response.status_code in REFUSALS
            and match is not None  # a URL of the application, not a stray path
            and not getattr(request, "audit_refusal_recorded", False)
        ):
            audit_record(
                request=request,
                action=AuditEvent.Action.DENIED,
                object_type=(match.url_name or "")[:30],
                object_id=",".join(f"{k}={v}" for k, v in match.kwargs.items())[:64],
                object_repr=f"HTTP {response.status_code} {request.method}",
            )
        return response
