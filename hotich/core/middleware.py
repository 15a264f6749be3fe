"""The interface language: Vietnamese unless the user chose another one."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class ChosenLanguageMiddleware:
    """Activate the language the user picked (cookie), else Vietnamese.

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language: commune
    PCs often run an English browser, and the product's language is Vietnamese.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.available = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class RequestSizeLimitMiddleware:
    """Refuse (413, audited, in Vietnamese) a request whose declared body is larger than
    ``HOTICH_REQUEST_MAX_BYTES``, before anything reads it.

    Django bounds only the non-file part of a form (DATA_UPLOAD_MAX_MEMORY_SIZE); files of
    any size would otherwise be spooled to disk and then read into memory by the upload
    views. A body sent without a length (chunked) is bounded by waitress
    (``max_request_body_size`` in ``hotich serve``).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.HOTICH_REQUEST_MAX_BYTES
        declared = request.META.get("CONTENT_LENGTH") or "0"
        size = int(declared) if declared.isdigit() else limit + 1
        if size > limit:
            from django.shortcuts import render

            from hotich.audit.models import AuditEvent
            from hotich.audit.services import audit_record

            audit_record(
                request=request,
                action=AuditEvent.Action.DENIED,
                object_type="request",
                object_repr=f"Yêu cầu quá lớn: {size / 1e6:.0f} MB (giới hạn {limit / 1e6:.0f} MB)",
            )
            context = {"size_mb": f"{size / 1e6:.0f}", "limit_mb": f"{limit / 1e6:.0f}"}
            return render(request, "413.html", context, status=413)
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """Send ``Permissions-Policy``: the pages use no camera, microphone, location, payment…"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.HOTICH_PERMISSIONS_POLICY)
        return response


class BadInputMiddleware:
    """Answer 400 (the Vietnamese 400 page), not 500, when a number in the address or a form
    is beyond what Python or the database can hold (``?assignee=99999999999999999999``).

    Views check that such values are digits; how large they are is checked here, once: an
    OverflowError (SQLite, ``timedelta``) or a database DataError (PostgreSQL: out of range)
    raised by the view is bad input. Logged as a warning with its traceback.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.db import DataError

        if not isinstance(exception, OverflowError | DataError):
            return None
        import logging

        from django.shortcuts import render

        logging.getLogger("hotich.badinput").warning(
            "Bad input at %s: %s", request.path, exception, exc_info=exception
        )
        return render(request, "400.html", status=400)
