"""Handing a generated document (a PDF) to the user who asked for it, once the export is in
the audit log: the one way the extract, the guidance notice and the like leave the system."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db import models
from django.http import HttpRequest, HttpResponse

from hotich.audit.models import AuditEvent
from hotich.audit.services import audit_record
from hotich.lib.official_pdf import FontMissing


def pdf_download(
    *,
    request: HttpRequest,
    render: Callable[[], bytes],
    filename: str,
    obj: models.Model,
    changes: dict[str, Any],
    on_error: Callable[[], HttpResponse],
    commune: Any = None,
) -> HttpResponse:
    """Render the PDF, record the export, and return it as an attachment named FILENAME.

    When the official font is missing (an installation fault, not the user's) nothing is
    recorded: the message says what to install and ``on_error`` gives the page to go back to.
    """
    try:
        content = render()
    except FontMissing as exc:
        messages.error(request, str(exc))
        return on_error()
    audit_record(
        request=request,
        action=AuditEvent.Action.EXPORT,
        obj=obj,
        commune=commune,
        changes=changes,
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
