"""The one permission layer: what a user may see and change.

Every view, export and API gets books, entries and citizens through these functions; no view
calls ``Model.objects.get()`` on them directly. Refusals are audited.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from hotich.accounts.models import COMMUNE_ROLES, Role, User
from hotich.audit.models import AuditEvent
from hotich.audit.services import audit_record
from hotich.places.models import AdministrativeUnit
from hotich.registers.models import Entry, RegisterBook, Scan
from hotich.registry.models import Citizen

REFUSED = "Bạn không có quyền truy cập dữ liệu này (dữ liệu của đơn vị khác hoặc không tồn tại)."
READ_ONLY = "Tài khoản của bạn chỉ có quyền xem, không được thay đổi dữ liệu."


def book_scope(user: User, prefix: str = "") -> Q:
    """Return the filter selecting the books USER may see (PREFIX for related lookups)."""
    if not user.is_authenticated or not user.is_active or not user.role:
        return Q(pk__in=[])
    unit: AdministrativeUnit | None = user.unit
    if unit is None:
        # Administrators, supervisors and inspectors without a unit have a national view;
        # an administrator of a province, district or commune sees that area only.
        if user.role in (Role.ADMINISTRATOR, Role.SUPERVISOR, Role.INSPECTOR):
            return Q()
        return Q(pk__in=[])
    if unit.level == AdministrativeUnit.Level.COMMUNE:
        return Q(**{f"{prefix}commune": unit})
    if unit.level == AdministrativeUnit.Level.PROVINCE:
        return Q(**{f"{prefix}commune__province_code": unit.province_code})
    # A historical district: the books registered by its communes at the time.
    return Q(**{f"{prefix}historical_unit__parent": unit})


def books_for_user(user: User) -> QuerySet[RegisterBook]:
    """Return the books USER may see."""
    return RegisterBook.objects.filter(book_scope(user)).select_related("commune")


def entries_for_user(user: User) -> QuerySet[Entry]:
    """Return the entries USER may see."""
    return Entry.objects.filter(book_scope(user, "book__")).select_related("book__commune")


def _refuse(request: HttpRequest, *, object_type: str, object_id: object, message: str) -> None:
    audit_record(
        request=request,
        action=AuditEvent.Action.DENIED,
        object_type=object_type,
        object_id=str(object_id),
    )
    raise PermissionDenied(message)


def _check_write(request: HttpRequest, *, object_type: str, object_id: object) -> None:
    if not request.user.can_write:
        _refuse(request, object_type=object_type, object_id=object_id, message=READ_ONLY)


def get_book_for_user(request: HttpRequest, pk: int, *, write: bool = False) -> RegisterBook:
    """Return book PK if the request's user may see it (and change it, with WRITE).

    Raise PermissionDenied (audited) for a book of another unit, for a missing book too, so
    that probing IDs tells an outsider nothing.
    """
    book = books_for_user(request.user).filter(pk=pk).first()
    if book is None:
        _refuse(request, object_type="registerbook", object_id=pk, message=REFUSED)
    if write:
        _check_write(request, object_type="registerbook", object_id=pk)
    return book


#: Roles that may be an entry's blind second keyer: while it waits for them, they do not see
#: the first keying (the justice officer, who arbitrates, does).
BLIND_ROLES = COMMUNE_ROLES - {Role.JUSTICE_OFFICER}
BLIND = "Trường hợp này đang chờ nhập lần hai: người nhập lần hai không được xem lần nhập thứ nhất."


def entries_blind_for(user: User, entry_ids: list[int]) -> set[int]:
    """Return those of ENTRY_IDS whose first keying USER must not see: entries waiting for
    their blind second keying that USER (a possible second keyer) did not key first."""
    if user.role not in BLIND_ROLES or not entry_ids:
        return set()
    waiting = Entry.objects.filter(pk__in=entry_ids, work__verification="waiting")
    return set(waiting.exclude(work__first_keyer=user).values_list("pk", flat=True))


def get_entry_for_user(
    request: HttpRequest, pk: int, *, write: bool = False, blind: bool = False
) -> Entry:
    """Return entry PK under the same rules as :func:`get_book_for_user`.

    While the entry waits for its blind second keying, a keyer other than its first one is
    refused it (audited) unless the caller shows nothing of the first keying (BLIND: the
    second keying form itself, the scans).
    """
    entry = entries_for_user(request.user).filter(pk=pk).first()
    if entry is None:
        _refuse(request, object_type="entry", object_id=pk, message=REFUSED)
    if not blind and entries_blind_for(request.user, [entry.pk]):
        _refuse(request, object_type="entry", object_id=pk, message=BLIND)
    if write:
        _check_write(request, object_type="entry", object_id=pk)
    return entry


def unit_area(unit: AdministrativeUnit, field: str) -> Q:
    """Return the filter selecting rows whose unit FIELD lies in UNIT's area: the unit, its
    communes of the time (a historical district), the communes it replaced or its province."""
    if unit.level == AdministrativeUnit.Level.PROVINCE:
        return Q(**{f"{field}__province_code": unit.province_code})
    if unit.level == AdministrativeUnit.Level.DISTRICT:
        return Q(**{field: unit}) | Q(**{f"{field}__parent": unit})
    return Q(**{field: unit}) | Q(**{f"{field}__successors": unit})


def get_scan_for_user(request: HttpRequest, pk: int) -> Scan:
    """Return scan PK if the user may see its entry; a missing scan is refused like a foreign
    one (audited), so probing scan numbers tells nothing."""
    scan = Scan.objects.filter(pk=pk, entry__in=entries_for_user(request.user).values("pk")).first()
    if scan is None:
        _refuse(request, object_type="scan", object_id=pk, message=REFUSED)
    return scan


def citizens_for_user(user: User) -> QuerySet[Citizen]:
    """Return the registry citizens of USER's area of work.

    A citizen is in the area when named in an entry the user may see (reconciled with it,
    its personal ID keyed, or matched to it) or born in the user's unit. Administrators and
    national supervisors and inspectors see all. Anyone else must state a purpose
    (:func:`get_citizen_for_user`), and that purpose is audited.
    """
    from hotich.registers.models import EntryPerson

    if not user.is_authenticated or not user.is_active or not user.role:
        return Citizen.objects.none()
    if user.unit is None and user.role in (Role.ADMINISTRATOR, Role.SUPERVISOR, Role.INSPECTOR):
        return Citizen.objects.all()
    if user.unit is None:
        return Citizen.objects.none()
    people = EntryPerson.objects.filter(entry__in=entries_for_user(user).values("pk"))
    linked = Q(pk__in=people.filter(citizen__isnull=False).values("citizen_id"))
    keyed = Q(personal_id__in=people.exclude(personal_id="").values("personal_id"))
    matched = Q(personal_id__in=people.exclude(match__personal_id="").values("match__personal_id"))
    return Citizen.objects.filter(
        linked | keyed | matched | unit_area(user.unit, "birthplace_unit")
    ).distinct()


#: A purpose shorter than this is not a purpose ("xem", "abc").
PURPOSE_MIN_LENGTH = 10


def may_state_purpose(user: User) -> bool:
    """Return True if USER may open a citizen outside their area by stating why: those who
    look people up in the registry (keying, checking, inspecting)."""
    return bool(user.is_authenticated and (user.can_write or user.can_read_audit))


def get_citizen_for_user(request: HttpRequest, personal_id: str, *, purpose: str = "") -> Citizen:
    """Return the citizen with PERSONAL_ID if in the user's area, or with a PURPOSE stated.

    Raise PermissionDenied (audited, the same for a missing citizen and one outside the
    area) otherwise. The caller records the view with its purpose.
    """
    citizen = citizens_for_user(request.user).filter(personal_id=personal_id).first()
    if (
        citizen is None
        and len(purpose.strip()) >= PURPOSE_MIN_LENGTH
        and may_state_purpose(request.user)
    ):
        citizen = Citizen.objects.filter(personal_id=personal_id).first()
    if citizen is None:
        _refuse(request, object_type="citizen", object_id=personal_id, message=REFUSED)
    return citizen


def require_audit_reader(request: HttpRequest) -> None:
    """Raise PermissionDenied unless the user may read the audit log."""
    if not request.user.can_read_audit:
        _refuse(
            request,
            object_type="auditevent",
            object_id="",
            message="Chỉ quản trị viên và thanh tra được xem nhật ký truy cập.",
        )


def require_role(
    request: HttpRequest, roles: frozenset[str], *, object_type: str, message: str
) -> None:
    """Raise PermissionDenied (audited) unless the user has one of ROLES and may write."""
    if request.user.role not in roles or not request.user.can_write:
        _refuse(request, object_type=object_type, object_id="", message=message)


def get_case_for_user(request: HttpRequest, pk: int, *, write: bool = False):  # noqa: ANN201
    """Return tracking case PK (Danh sách theo dõi riêng) under the rules of its book."""
    from hotich.reconciliation.selectors import cases_for_user

    case = cases_for_user(request.user).filter(pk=pk).first()
    if case is None:
        _refuse(request, object_type="trackingcase", object_id=pk, message=REFUSED)
    if write:
        _check_write(request, object_type="trackingcase", object_id=pk)
    return case
