"""Creating personal accounts."""

from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from hotich.accounts.models import COMMUNE_ROLES, Role, User
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
    level = AdministrativeUnit.Level.COMMUNE if role in COMMUNE_ROLES else None
    units = AdministrativeUnit.objects.filter(
        code=unit_code, period=AdministrativeUnit.Period.CURRENT
    )
    if level:
        units = units.filter(level=level)
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
    created_by: User | None = None,
    check_password: bool = True,
) -> User:
    """Create a personal account; raise AccountError with a Vietnamese message on bad input."""
    if role not in Role.values:
        raise AccountError(
            f"Vai trò không hợp lệ: {role}. Chọn một trong: {', '.join(Role.values)}."
        )
    if User.objects.filter(username=username).exists():
        raise AccountError(f"Tên đăng nhập {username} đã có người dùng.")
    unit = unit_for_role(role=role, unit_code=unit_code)
    user = User(username=username, role=role, unit=unit)
    if full_name:
        parts = full_name.split()
        user.last_name, user.first_name = " ".join(parts[:-1]), parts[-1]
    if check_password:
        validate_password(password, user)
    user.set_password(password)
    user.is_staff = role == Role.ADMINISTRATOR
    user.save()
    audit_record(
        user=created_by,
        action=AuditEvent.Action.CREATE,
        obj=user,
        object_repr=f"{username} ({role})",
    )
    return user
