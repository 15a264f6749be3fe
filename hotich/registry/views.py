"""Registry look-ups by people with access; every view is audited."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from hotich.accounts.scope import get_citizen_for_user
from hotich.audit.models import AuditEvent
from hotich.audit.services import audit_record


@require_GET
def citizen_detail(request: HttpRequest, personal_id: str) -> HttpResponse:
    citizen = get_citizen_for_user(request, personal_id)
    audit_record(
        request=request, action=AuditEvent.Action.VIEW, obj=citizen, object_id=citizen.personal_id
    )
    return render(request, "registry/citizen_detail.html", {"citizen": citizen})
