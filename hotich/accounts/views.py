"""Account pages: second factor, own password, and the scoped account management."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from hotich.accounts import areas
from hotich.accounts.forms import AccountForm, SecondFactorForm
from hotich.accounts.lockout import locked_usernames
from hotich.accounts.requests import UserRequest
from hotich.accounts.second_factor import (
    second_factor_enrolled,
    second_factor_verify,
    totp_device_confirm,
    totp_device_pending,
    totp_key_text,
    totp_qr_svg,
)
from hotich.accounts.services import (
    AccountError,
    unit_for_role,
    user_active_set,
    user_create,
    user_password_set,
    user_second_factor_reset,
    user_unlock,
    user_update,
)
from hotich.audit.actor import Actor
from hotich.audit.models import AuditEvent
from hotich.audit.services import audit_record


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


def second_factor(request: UserRequest) -> HttpResponse:
    """Bước 2 của đăng nhập: a code from the authenticator app or a recovery code."""
    if not second_factor_enrolled(request.user):
        return redirect("second_factor_enrol")
    form = SecondFactorForm(request.POST or None)
    if form.is_valid():
        if second_factor_verify(request=request, token=form.cleaned_data["token"]):
            return redirect(_next_url(request))
        form.add_error("token", "Mã xác thực không đúng hoặc đã hết hạn. Hãy nhập mã mới.")
    return render(
        request, "accounts/second_factor.html", {"form": form, "next": _next_url(request)}
    )


def second_factor_enrol(request: UserRequest) -> HttpResponse:
    """Set up an authenticator app: QR code, then a first code to confirm it."""
    if second_factor_enrolled(request.user):
        if not request.user.is_verified():
            return redirect("second_factor")
        return render(request, "accounts/second_factor_enrol.html", {"enrolled": True})
    device = totp_device_pending(user=request.user)
    form = SecondFactorForm(request.POST or None)
    if form.is_valid():
        codes = totp_device_confirm(
            request=request, device=device, token=form.cleaned_data["token"]
        )
        if codes is not None:
            done = {"codes": codes, "next": _next_url(request)}
            return render(request, "accounts/recovery_codes.html", done)
        form.add_error("token", "Mã xác thực không đúng. Kiểm tra giờ trên điện thoại rồi thử lại.")
    context = {
        "form": form,
        "qr_svg": totp_qr_svg(device),
        "key": totp_key_text(device),
        "next": _next_url(request),
    }
    return render(request, "accounts/second_factor_enrol.html", context)


def password_change(request: UserRequest) -> HttpResponse:
    """Đổi mật khẩu: every user, after the old password; other sessions end."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if form.is_valid():
        user_password_set(
            user=request.user,
            password=form.cleaned_data["new_password1"],
            by=request.user,
            actor=Actor.of(request),
        )
        update_session_auth_hash(request, request.user)
        messages.success(request, "Đã đổi mật khẩu.")
        return redirect("home")
    return render(request, "accounts/password_change.html", {"form": form})


def account_list(request: UserRequest) -> HttpResponse:
    """Quản lý tài khoản: the accounts of the administrator's communes."""
    areas.require_account_manager(request)
    accounts = areas.accounts_for_user(request.user).order_by("unit__name", "username")
    query = request.GET.get("q", "").strip()
    if query:
        accounts = accounts.filter(username__icontains=query) | accounts.filter(
            last_name__icontains=query
        )
    shown = list(accounts[:500])
    audit_record(request=request, action=AuditEvent.Action.VIEW, object_type="user")
    locked = locked_usernames([a.username for a in shown])
    context = {"accounts": shown, "locked": locked, "q": query}
    return render(request, "accounts/account_list.html", context)


def account_new(request: UserRequest) -> HttpResponse:
    areas.require_account_manager(request)
    roles = areas.roles_for_manager(request.user)
    form = AccountForm(request.POST or None, roles=roles)
    # The account does not exist yet: the form validates the password without a user, as
    # Django's validators allow, but the stubs require one.
    pw_form = SetPasswordForm(None, request.POST or None)  # type: ignore[type-var]
    if form.is_valid() and pw_form.is_valid():
        data = form.cleaned_data
        try:
            _check_unit(request, role=data["role"], unit_code=data["unit_code"])
            account = user_create(
                username=data["username"],
                password=pw_form.cleaned_data["new_password1"],
                role=data["role"],
                unit_code=data["unit_code"],
                full_name=data["full_name"],
                phone=data["phone"],
                created_by=request.user,
                actor=Actor.of(request),
            )
        except AccountError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            pw_form.add_error("new_password2", exc)
        else:
            messages.success(request, f"Đã tạo tài khoản {account.username}.")
            return redirect("account_edit", pk=account.pk)
    return render(request, "accounts/account_form.html", {"form": form, "pw_form": pw_form})


def _edit_form(request: UserRequest, account, data=None) -> AccountForm:  # noqa: ANN001
    initial = {
        "full_name": account.get_full_name(),
        "role": account.role,
        "unit_code": account.unit.code if account.unit else "",
        "phone": account.phone,
    }
    roles = areas.roles_for_manager(request.user)
    return AccountForm(data, initial=initial, roles=roles, editing=True)


def account_edit(request: UserRequest, pk: int) -> HttpResponse:
    account = areas.get_account_for_user(request, pk)
    form = _edit_form(request, account, request.POST or None)
    if form.is_valid():
        data = form.cleaned_data
        try:
            _check_unit(request, role=data["role"], unit_code=data["unit_code"])
            user_update(user=account, by=request.user, actor=Actor.of(request), **data)
        except AccountError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Đã lưu thay đổi.")
            return redirect("account_edit", pk=account.pk)
    return render(request, "accounts/account_form.html", _edit_context(request, account, form))


def _edit_context(request: HttpRequest, account, form, pw_form=None) -> dict:  # noqa: ANN001
    return {
        "account": account,
        "form": form,
        "pw_form": pw_form or SetPasswordForm(account),
        "locked": account.username in locked_usernames([account.username]),
        "enrolled": second_factor_enrolled(account),
    }


def _check_unit(request: UserRequest, *, role: str, unit_code: str) -> None:
    """Refuse (audited) a unit outside the administrator's area."""
    unit = unit_for_role(role=role, unit_code=unit_code)
    if not areas.unit_allowed(request.user, unit):
        areas.refuse(
            request,
            object_id=unit_code or "",
            message="Bạn chỉ được gắn tài khoản với các xã/phường thuộc đơn vị mình quản lý.",
        )


@require_POST
def account_password(request: UserRequest, pk: int) -> HttpResponse:
    """Đặt lại mật khẩu: the administrator gives a new password (sessions of the account end)."""
    account = areas.get_account_for_user(request, pk)
    pw_form = SetPasswordForm(account, request.POST)
    if pw_form.is_valid():
        user_password_set(
            user=account,
            password=pw_form.cleaned_data["new_password1"],
            by=request.user,
            actor=Actor.of(request),
        )
        messages.success(request, f"Đã đặt lại mật khẩu của {account.username}.")
        return redirect("account_edit", pk=account.pk)
    context = _edit_context(request, account, _edit_form(request, account), pw_form)
    return render(request, "accounts/account_form.html", context, status=400)


@require_POST
def account_active(request: UserRequest, pk: int) -> HttpResponse:
    """Khóa / mở lại tài khoản (deactivate or reactivate)."""
    account = areas.get_account_for_user(request, pk)
    active = request.POST.get("active") == "1"
    try:
        user_active_set(user=account, active=active, by=request.user, actor=Actor.of(request))
    except AccountError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Đã mở lại tài khoản." if active else "Đã khóa tài khoản.")
    return redirect("account_edit", pk=account.pk)


@require_POST
def account_unlock(request: UserRequest, pk: int) -> HttpResponse:
    """Mở khóa đăng nhập after too many wrong passwords."""
    account = areas.get_account_for_user(request, pk)
    user_unlock(username=account.username, by=request.user, actor=Actor.of(request))
    messages.success(request, f"Đã mở khóa đăng nhập cho {account.username}.")
    return redirect("account_edit", pk=account.pk)


@require_POST
def account_second_factor_reset(request: UserRequest, pk: int) -> HttpResponse:
    """Xóa ứng dụng xác thực (lost phone): the account enrols again at its next login."""
    account = areas.get_account_for_user(request, pk)
    user_second_factor_reset(user=account, by=request.user, actor=Actor.of(request))
    messages.success(request, f"Đã xóa xác thực hai bước của {account.username}.")
    return redirect("account_edit", pk=account.pk)
