"""What a locked-out login sees, and which accounts are locked (django-axes keeps the counts)."""

from datetime import timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from hotich.accounts.models import User
from hotich.audit.models import AuditEvent
from hotich.audit.services import audit_record

LOCKED = (
    "Tài khoản tạm thời bị khóa do nhập sai mật khẩu quá {limit} lần. "
    "Hãy thử lại sau {minutes} phút hoặc liên hệ quản trị viên để mở khóa."
)
LOCKED_UNTIL_UNLOCKED = (
    "Tài khoản bị khóa do nhập sai mật khẩu quá {limit} lần. Hãy liên hệ quản trị viên để mở khóa."
)


def lockout_message() -> str:
    cooloff: timedelta | None = settings.AXES_COOLOFF_TIME
    if cooloff is None:
        return LOCKED_UNTIL_UNLOCKED.format(limit=settings.AXES_FAILURE_LIMIT)
    minutes = int(cooloff.total_seconds() // 60)
    return LOCKED.format(limit=settings.AXES_FAILURE_LIMIT, minutes=minutes)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """Return the login page with the lockout message (HTTP 429); audit the refused login.

    django-axes calls this (AXES_LOCKOUT_CALLABLE) for the attempt that reaches the limit and
    for every attempt while the lockout lasts, whatever the password.
    """
    username = ((credentials or {}).get("username") or request.POST.get("username", ""))[:150]
    account = User.objects.filter(username=username).first()
    audit_record(
        request=request,
        action=AuditEvent.Action.DENIED,
        object_type="user",
        object_id=str(account.pk) if account else "",
        object_repr=f"{username}: đăng nhập bị khóa",
        changes={"login_locked": True, "failure_limit": settings.AXES_FAILURE_LIMIT},
    )
    context = {"locked_message": lockout_message(), "username": username}
    return render(request, "registration/login.html", context, status=429)


def locked_usernames(usernames: list[str]) -> set[str]:
    """Return those of USERNAMES that are locked out now."""
    attempts = AccessAttempt.objects.filter(
        username__in=usernames, failures_since_start__gte=settings.AXES_FAILURE_LIMIT
    )
    cooloff: timedelta | None = settings.AXES_COOLOFF_TIME
    if cooloff is not None:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cooloff)
    return set(attempts.values_list("username", flat=True))
