"""Registry look-ups by people with access; every view is audited."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from hotich.accounts.requests import UserRequest
from hotich.audit.models import AuditEvent
from hotich.audit.services import audit_record
from hotich.registers.selectors import entries_naming_citizen
from hotich.registry.selectors import (
    PURPOSE_MIN_LENGTH,
    get_citizen_for_user,
    may_state_purpose,
)


@require_http_methods(["GET", "POST"])
def citizen_detail(request: UserRequest, personal_id: str) -> HttpResponse:
    """A citizen's registry record: within the user's area, or with a stated purpose."""
    purpose = request.POST.get("purpose", "").strip()[:300] if request.method == "POST" else ""
    try:
        citizen = get_citizen_for_user(request, personal_id, purpose=purpose)
    except PermissionDenied:
        if not may_state_purpose(request.user):
            raise
        context = {"personal_id": personal_id, "purpose": purpose, "minimum": PURPOSE_MIN_LENGTH}
        return render(request, "registry/citizen_purpose.html", context, status=403)
    audit_record(
        request=request,
        action=AuditEvent.Action.VIEW,
        obj=citizen,
        object_id=citizen.personal_id,
        changes={"purpose": [None, purpose]} if purpose else None,
    )
    # The entries naming the citizen, among those the viewer may see (a purpose stated for
    # the record opens the record only, not the books of other areas).
    people = entries_naming_citizen(request.user, citizen)
    return render(request, "registry/citizen_detail.html", {"citizen": citizen, "people": people})
