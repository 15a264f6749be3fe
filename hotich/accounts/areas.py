"""Whose accounts an administrator may manage: the accounts of the communes of its area.

A national administrator (no unit) manages every account; an administrator of a province,
a historical district or a commune manages only the accounts attached to the current
communes of that area. Refusals are audited. (The permission layer for data is
``accounts.scope``; this is the same idea for accounts.)
"""

from typing import NoReturn

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.functional import Promise

from hotich.accounts import capabilities, scope
from hotich.accounts.capabilities import Capability, require
from hotich.accounts.models import COMMUNE_ROLES, Role, User
from hotich.accounts.requests import UserRequest
from hotich.places.models import AdministrativeUnit

#: An account out of the manager's area is refused like a missing one, with the answer
#: every other object gets.
REFUSED = scope.REFUSED


def communes_in_area(unit: AdministrativeUnit) -> QuerySet[AdministrativeUnit]:
    """Return the current communes inside UNIT (a commune, a province or an old district)."""
    current = AdministrativeUnit.objects.filter(
        period=AdministrativeUnit.Period.CURRENT, level=AdministrativeUnit.Level.COMMUNE
    )
    if unit.level == AdministrativeUnit.Level.COMMUNE:
        return current.filter(pk=unit.pk)
    if unit.level == AdministrativeUnit.Level.PROVINCE:
        return current.filter(province_code=unit.province_code)
    # A pre-2025 district: the current communes its old communes became.
    return current.filter(predecessors__parent=unit).distinct()


def account_scope(user: User) -> Q:
    """Return the filter selecting the accounts USER may manage."""
    if not user.is_authenticated or not user.can_manage_accounts:
        return Q(pk__in=[])
    if user.unit is None:
        return Q()
    return Q(unit__in=communes_in_area(user.unit))


def accounts_for_user(user: User) -> QuerySet[User]:
    """Return the accounts USER may manage."""
    return User.objects.filter(account_scope(user)).select_related("unit")


def roles_for_manager(user: User) -> list[tuple[str, str | Promise]]:
    """Return the roles USER may give: commune roles, and every role for a national admin."""
    if user.unit is None:
        return list(Role.choices)
    return [(value, label) for value, label in Role.choices if value in COMMUNE_ROLES]


def unit_allowed(user: User, unit: AdministrativeUnit | None) -> bool:
    """Return True when USER may attach an account to UNIT."""
    if user.unit is None:
        return True
    return unit is not None and communes_in_area(user.unit).filter(pk=unit.pk).exists()


def refuse(request: HttpRequest, *, object_id: object, message: str = REFUSED) -> NoReturn:
    """Record the refusal in the audit log and raise PermissionDenied."""
    capabilities.refuse(request, message, object_type="user", object_id=object_id)


def require_account_manager(request: HttpRequest) -> None:
    """Raise PermissionDenied (audited) unless the request's user manages accounts."""
    require(request, Capability.MANAGE_ACCOUNTS)


def get_account_for_user(request: UserRequest, pk: int) -> User:
    """Return account PK if the request's user may manage it; refuse (audited) otherwise.

    A missing account is refused like another area's, so probing IDs tells nothing.
    """
    require_account_manager(request)
    account = accounts_for_user(request.user).filter(pk=pk).first()
    if account is None:
        refuse(request, object_id=pk)
    return account
