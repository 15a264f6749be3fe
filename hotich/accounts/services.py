"""Personal accounts: create, edit, set a password, deactivate, unlock, reset the second factor.

Every change is audited; passwords never appear in the log.
"""

from axes.utils import reset as axes_reset
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from hotich.accounts.models import COMMUNE_ROLES, Role, User
from hotich.audit.actor import Actor
from hotich.audit.models import AuditEvent
from hotich.audit.services import audit_record
from hotich.places.models import AdministrativeUnit


class AccountError(ValueError):
    """The account cannot be created as asked (message in Vietnamese)."""


def unit_for_role(*, role: str, unit_code: str | None) -> AdministrativeUnit | None:
    """Return the current unit a ROLE works in, from a commune/province code (or None)."""
    if not unit_code:
        if role in COMMUNE_ROLES:
            raise AccountError("Vai trò cấp xã phải gắn với một xã/phường (--unit MÃ_XÃ).")
        return None
    units = AdministrativeUnit.objects.filter(
        code=unit_code, period=AdministrativeUnit.Period.CURRENT
    )
    if role in COMMUNE_ROLES:
        units = units.filter(level=AdministrativeUnit.Level.COMMUNE)
    elif role == Role.ADMINISTRATOR:
        # An administrator manages the accounts of a commune, a province or an old district.
        units = AdministrativeUnit.objects.filter(code=unit_code).order_by("-period")
    else:
        # Supervisors and inspectors: a province (2 digits) or, for historical districts,
        # a pre-2025 district code (3 digits).
        units = AdministrativeUnit.objects.filter(
            code=unit_code, level__in=["province", "district"]
        ).order_by("-period")
    unit = units.first()
    if unit is None:
        raise AccountError(
            f"Không tìm thấy đơn vị hành chính có mã {unit_code} phù hợp với vai trò."
        )
    return unit


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    role: str,
    unit_code: str | None = None,
    full_name: str = "",
    phone: str = "",
    created_by: User | None = None,
    actor: Actor | None = None,
    check_password: bool = True,
    password_encoded: str | None = None,
) -> User:
    """Create a personal account; raise AccountError with a Vietnamese message on bad input.

    ``password_encoded``: PASSWORD already hashed by ``make_password`` (the demo's accounts
    share one published password, hashed once instead of once per account).
    """
    if role not in Role.values:
        raise AccountError(
            f"Vai trò không hợp lệ: {role}. Chọn một trong: {', '.join(Role.values)}."
        )
    if User.objects.filter(username=username).exists():
        raise AccountError(f"Tên đăng nhập {username} đã có người dùng.")
    unit = unit_for_role(role=role, unit_code=unit_code)
    user = User(username=username, role=role, unit=unit)
    user.last_name, user.first_name = _split_name(full_name)
    user.phone = phone
    if check_password:
        validate_password(password, user)
    if password_encoded is not None:
        user.password = password_encoded
    else:
        user.set_password(password)
    user.is_staff = role == Role.ADMINISTRATOR
    user.save()
    audit_record(
        actor=actor,
        user=created_by,
        action=AuditEvent.Action.CREATE,
        obj=user,
        object_repr=f"{username} ({role})",
        changes={"role": [None, role], "unit": [None, unit.code if unit else None]},
    )
    return user


def _split_name(full_name: str) -> tuple[str, str]:
    parts = full_name.split()
    if not parts:
        return "", ""
    return " ".join(parts[:-1]), parts[-1]


@transaction.atomic
def user_update(
    *,
    user: User,
    by: User,
    full_name: str,
    role: str,
    unit_code: str | None,
    phone: str = "",
    actor: Actor | None = None,
) -> User:
    """Change an account's name, role, unit and phone; audit the changed fields (old → new)."""
    if role not in Role.values:
        raise AccountError(f"Vai trò không hợp lệ: {role}.")
    unit = unit_for_role(role=role, unit_code=unit_code)
    last_name, first_name = _split_name(full_name)
    new = {
        "last_name": last_name,
        "first_name": first_name,
        "role": role,
        "unit": unit,
        "phone": phone,
    }
    changes = {}
    for field, value in new.items():
        old = getattr(user, field)
        if old != value:
            show = (lambda u: u.code if u else None) if field == "unit" else (lambda v: v)
            changes[field] = [show(old), show(value)]
            setattr(user, field, value)
    if not changes:
        return user
    user.is_staff = role == Role.ADMINISTRATOR
    user.save(update_fields=[*new.keys(), "is_staff"])
    audit_record(actor=actor, user=by, action=AuditEvent.Action.UPDATE, obj=user, changes=changes)
    return user


@transaction.atomic
def user_password_set(*, user: User, password: str, by: User, actor: Actor | None = None) -> None:
    """Set USER's password after the password rules (raise ValidationError); audit it.

    The new hash ends every other session of the account (Django checks the session hash).
    """
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(
        actor=actor,
        user=by,
        action=AuditEvent.Action.UPDATE,
        obj=user,
        changes={"password": ["***", "*** (đổi mật khẩu)" if by == user else "*** (đặt lại)"]},
    )


def user_active_set(*, user: User, active: bool, by: User, actor: Actor | None = None) -> bool:
    """Activate or deactivate USER (a conditional update); return False if nothing changed.

    A deactivated account cannot log in, and its open sessions stop at the next request.
    """
    if user.pk == by.pk and not active:
        raise AccountError("Bạn không thể tự khóa tài khoản của chính mình.")
    changed = User.objects.filter(pk=user.pk, is_active=not active).update(is_active=active)
    if changed:
        user.is_active = active
        audit_record(
            actor=actor,
            user=by,
            action=AuditEvent.Action.UPDATE,
            obj=user,
            changes={"is_active": [not active, active]},
        )
    return bool(changed)


def user_unlock(*, username: str, by: User | None, actor: Actor | None = None) -> int:
    """Lift a login lockout for USERNAME; audit it and return the attempts cleared."""
    cleared = axes_reset(username=username)
    account = User.objects.filter(username=username).first()
    audit_record(
        actor=actor,
        user=by,
        action=AuditEvent.Action.UPDATE,
        obj=account,
        object_type="user",
        object_repr=f"{username}: mở khóa đăng nhập",
        changes={"login_locked": [True, False], "failed_attempts_cleared": cleared},
    )
    return cleared


@transaction.atomic
def user_second_factor_reset(*, user: User, by: User, actor: Actor | None = None) -> int:
    """Remove USER's authenticator and recovery codes (a lost phone); audit; return how many.

    A role that requires a second factor must enrol again at its next login.
    """
    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    removed_static, _ = StaticDevice.objects.filter(user=user).delete()
    audit_record(
        actor=actor,
        user=by,
        action=AuditEvent.Action.UPDATE,
        obj=user,
        changes={"second_factor": ["có", "đã xóa, phải đăng ký lại"]},
    )
    return removed + removed_static
