"""Signing in and out (the login page), each recorded in the audit log."""

import time

from django.contrib.auth import logout
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from hotich.accounts.middleware import AUTH_AT, EXPIRED, SEEN_AT
from hotich.audit.models import AuditEvent
from hotich.audit.services import audit_record


class AuditedLoginView(LoginView):
    """Django's login, recording successes and failures in the audit log."""

    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["session_expired"] = self.request.session.pop(EXPIRED, False)
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        # The absolute and idle session ends count from here (accounts.middleware).
        now = int(time.time())
        self.request.session[AUTH_AT] = self.request.session[SEEN_AT] = now
        audit_record(
            request=self.request,
            action=AuditEvent.Action.LOGIN,
            object_type="user",
            object_id=str(self.request.user.pk),
        )
        return response

    def form_invalid(self, form):
        audit_record(
            request=self.request,
            action=AuditEvent.Action.LOGIN_FAILED,
            object_type="user",
            object_repr=form.data.get("username", "")[:150],
        )
        return super().form_invalid(form)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    audit_record(
        request=request,
        action=AuditEvent.Action.LOGOUT,
        object_type="user",
        object_id=str(request.user.pk),
    )
    logout(request)
    return redirect("login")
