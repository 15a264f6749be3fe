"""Session ends (idle and absolute), the second-factor gate, and htmx-aware login redirects."""

import time
from collections.abc import Callable
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from hotich.accounts.second_factor import second_factor_enrolled
from hotich.audit.models import AuditEvent
from hotich.audit.services import audit_record

#: Session keys: when the password was checked, when the last request came.
AUTH_AT = "hotich_auth_at"
SEEN_AT = "hotich_seen_at"
#: Set on the fresh anonymous session after a timeout, so the login page can say why.
EXPIRED = "hotich_session_expired"
#: Set once a user with an optional second factor is known to have none (saves a query).
NO_SECOND_FACTOR = "hotich_no_second_factor"
#: How often the last-request time is written (a session save per request is wasteful).
SEEN_RESOLUTION = 60

#: Pages reachable before the second factor is verified.
BEFORE_SECOND_FACTOR = {"login", "logout", "second_factor", "second_factor_enrol", "set_language"}

Handler = Callable[[HttpRequest], HttpResponse]


class SessionTimeoutMiddleware:
    """End a session after HOTICH_IDLE_TIMEOUT without a request, or SESSION_COOKIE_AGE
    after login, whichever comes first. The logout is audited.

    Django alone cannot do both: its expiry slides whenever the session is saved.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> None:
        now = int(time.time())
        session = request.session
        auth_at = session.setdefault(AUTH_AT, now)
        seen_at = session.get(SEEN_AT, now)
        idle = now - seen_at > settings.HOTICH_IDLE_TIMEOUT
        if idle or now - auth_at > settings.SESSION_COOKIE_AGE:
            audit_record(
                request=request,
                action=AuditEvent.Action.LOGOUT,
                object_type="user",
                object_id=str(request.user.pk),
                object_repr="hết thời gian chờ" if idle else "hết hạn phiên làm việc",
            )
            logout(request)
            request.session[EXPIRED] = True
        elif SEEN_AT not in session or now - seen_at >= SEEN_RESOLUTION:
            session[SEEN_AT] = now


class SecondFactorMiddleware:
    """Send a user who has not verified a second factor to the verification page, or to
    enrolment when the role requires one and none is set up. Runs after OTPMiddleware."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):  # noqa: ANN001
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        match = request.resolver_match
        # process_view runs after URL resolution: the match is set.
        assert match is not None
        if match.url_name in BEFORE_SECOND_FACTOR:
            return None
        if request.session.get(NO_SECOND_FACTOR) and not user.needs_second_factor:
            return None
        if second_factor_enrolled(user):
            target = "second_factor"
        elif user.needs_second_factor:
            target = "second_factor_enrol"
        else:
            request.session[NO_SECOND_FACTOR] = True
            return None
        query = urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(f"{reverse(target)}?{query}")


class HtmxLoginRedirectMiddleware:
    """Turn a redirect to the login or second-factor page, answering an htmx request, into
    ``HX-Redirect``: the whole page goes to the login page (and back to the page the user was
    on), instead of the login page being swapped into a panel."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.headers.get("HX-Request") != "true" or response.status_code not in (301, 302):
            return response
        target = urlsplit(response["Location"])
        gates = {resolve_url(settings.LOGIN_URL), reverse("second_factor")}
        gates.add(reverse("second_factor_enrol"))
        if target.path not in gates:
            return response
        url = target.path
        page = _current_page(request)
        if page:
            url += "?" + urlencode({"next": page})
        redirect = HttpResponse(status=204)
        redirect["HX-Redirect"] = url
        return redirect


def _current_page(request: HttpRequest) -> str:
    """Return the path of the page htmx is on (HX-Current-URL), if it is on this site."""
    current = urlsplit(request.headers.get("HX-Current-URL", ""))
    if current.netloc and current.netloc != request.get_host():
        return ""
    page = current.path + (f"?{current.query}" if current.query else "")
    if not page.startswith("/") or not url_has_allowed_host_and_scheme(page, allowed_hosts=None):
        return ""
    return page
