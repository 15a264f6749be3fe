"""The geographic rule, once: which area a user works in, and what lies inside it.

Only the rule lives here (filters given a field path, and yes/no answers for one unit or
object); the querysets and getters of books, entries, scans, citizens and cases that apply
it live in the selectors of the apps that own those models (``hotich.registers.selectors``,
``hotich.registry.selectors``, ``hotich.keying.selectors``). What a role may do is in
:mod:`hotich.accounts.capabilities`.

Commune roles work in their commune; supervisors and inspectors in their province (current)
or historical district; administrators in the area of their unit, or the whole country
without one. Supervisors and inspectors without a unit have a national view too.
"""

from typing import Any

from django.db.models import Q

from hotich.accounts.models import COMMUNE_ROLES, Role
from hotich.places.models import AdministrativeUnit

REFUSED = "Bạn không có quyền truy cập dữ liệu này (dữ liệu của đơn vị khác hoặc không tồn tại)."
READ_ONLY = "Tài khoản của bạn chỉ có quyền xem, không được thay đổi dữ liệu."

#: Roles that see the whole country when they have no unit.
NATIONAL_ROLES = frozenset({Role.ADMINISTRATOR, Role.SUPERVISOR, Role.INSPECTOR})

Unit = AdministrativeUnit


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.role)


def is_national(user: Any) -> bool:
    """Return True if USER's area is the whole country (a national role without a unit)."""
    return _active(user) and user.unit_id is None and user.role in NATIONAL_ROLES


def area_q(user: Any, commune: str = "commune", historical: str = "historical_unit") -> Q:
    """Return the filter selecting rows of USER's area.

    COMMUNE is the path of the row's current commune ("commune", "book__commune"…);
    HISTORICAL the path of its unit at the time, which a historical district's communes are
    found by ("historical_unit", "book__historical_unit"…).
    """
    if not _active(user):
        return Q(pk__in=[])
    if is_national(user):
        return Q()
    unit: Unit | None = user.unit
    if unit is None:
        return Q(pk__in=[])
    if unit.level == Unit.Level.COMMUNE:
        return Q(**{commune: unit})
    if unit.level == Unit.Level.PROVINCE:
        return Q(**{f"{commune}__province_code": unit.province_code})
    # A historical district: the rows registered by its communes at the time.
    return Q(**{f"{historical}__parent": unit})


def book_scope(user: Any, prefix: str = "") -> Q:
    """Return the filter selecting the books USER may see (PREFIX for related lookups)."""
    return area_q(user, f"{prefix}commune", f"{prefix}historical_unit")


def unit_area(unit: Unit, field: str) -> Q:
    """Return the filter selecting rows whose unit FIELD lies in UNIT's area: the unit, its
    communes of the time (a historical district), the communes it replaced or its province."""
    if unit.level == Unit.Level.PROVINCE:
        return Q(**{f"{field}__province_code": unit.province_code})
    if unit.level == Unit.Level.DISTRICT:
        return Q(**{field: unit}) | Q(**{f"{field}__parent": unit})
    return Q(**{field: unit}) | Q(**{f"{field}__successors": unit})


def sees_every_unit(user: Any) -> bool:
    """Return True if USER follows the progress of every unit: administrators (whatever
    their unit: the unit only bounds the accounts they manage) and national views."""
    return _active(user) and (user.role == Role.ADMINISTRATOR or is_national(user))


def unit_visible(user: Any, unit: Unit) -> bool:
    """Return True if USER may see the progress of UNIT (a commune, district or province)."""
    if not _active(user):
        return False
    if sees_every_unit(user):
        return True
    mine: Unit | None = user.unit
    if mine is None:
        return False
    if user.role in COMMUNE_ROLES:
        return unit.pk == mine.pk
    if mine.level == Unit.Level.PROVINCE:
        return unit.province_code == mine.province_code
    if mine.level == Unit.Level.DISTRICT:
        # A historical district's supervisor sees the district and its communes of the time.
        return unit.pk == mine.pk or unit.parent_id == mine.pk
    return unit.pk == mine.pk


def _follow(obj: Any, paths: tuple[str, ...]) -> Any:
    for path in paths:
        target = obj
        for attr in path.split("."):
            target = getattr(target, attr, None)
            if target is None:
                break
        if target is not None:
            return target
    return None


#: Where an object's commune and unit of the time are found (duck typing, as the audit log
#: finds an object's commune): the object itself, its book, its entry's book.
COMMUNE_PATHS = ("commune", "book.commune", "entry.book.commune")
HISTORICAL_PATHS = ("historical_unit", "book.historical_unit", "entry.book.historical_unit")


def object_in_area(user: Any, obj: Any) -> bool:
    """Return True if OBJ lies in USER's area.

    A unit is in the area when its progress is visible (:func:`unit_visible`); any other
    object by its commune (``commune``, ``book.commune``, ``entry.book.commune``) under the
    rule of :func:`area_q`. An object with no commune is in nobody's area but a national one.
    """
    if isinstance(obj, Unit):
        return unit_visible(user, obj)
    if not _active(user):
        return False
    if is_national(user):
        return True
    mine: Unit | None = user.unit
    commune = _follow(obj, COMMUNE_PATHS)
    if mine is None or commune is None:
        return False
    if mine.level == Unit.Level.COMMUNE:
        return commune.pk == mine.pk
    if mine.level == Unit.Level.PROVINCE:
        return commune.province_code == mine.province_code
    historical = _follow(obj, HISTORICAL_PATHS)
    return historical is not None and historical.parent_id == mine.pk
