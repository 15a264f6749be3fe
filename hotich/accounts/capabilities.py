"""What each role may do: the one permission table, and the checks every view goes through.

:data:`TABLE` says, role by role, which :class:`Capability` it holds. :func:`can` answers
yes or no (a page deciding whether to show a button); :func:`require` refuses, always with
the refusal recorded in the audit log. Given an object, both also check that it lies in the
user's area (:func:`hotich.accounts.scope.object_in_area`).

Where a thing is seen at all (books, entries, campaigns…) is the geographic rule of
:mod:`hotich.accounts.scope`, applied by the apps' selectors; this table says what a role
may *do* with what it sees.
"""

from enum import StrEnum
from typing import Any, NoReturn

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from hotich.accounts.models import Role
from hotich.accounts.scope import READ_ONLY, REFUSED, object_in_area
from hotich.audit.actor import Actor
from hotich.audit.models import AuditEvent
from hotich.audit.services import audit_record
from hotich.places.models import AdministrativeUnit


class Capability(StrEnum):
    """One kind of decision a view takes about a user."""

    KEY = "key"
    UPLOAD_SCANS = "upload_scans"
    IMPORT = "import"
    SEE_ALL_IMPORTS = "see_all_imports"
    ARBITRATE = "arbitrate"
    SET_KEYING_POLICY = "set_keying_policy"
    REVIEW = "review"
    APPROVE = "approve"
    MARK_MISSING = "mark_missing"
    EXPORT = "export"
    ASSIGN_CASE = "assign_case"
    CLOSE_CASE = "close_case"
    LOOKUP_REGISTRY = "lookup_registry"
    PLAN = "plan"
    WRITE_REPORT = "write_report"
    RECOMPUTE = "recompute"
    READ_AUDIT = "read_audit"
    MANAGE_ACCOUNTS = "manage_accounts"


#: What each capability allows (docs/accounts.md shows the table with these).
DESCRIPTIONS: dict[Capability, str] = {
    Capability.KEY: "Key entries and change books and entries (the write roles).",
    Capability.UPLOAD_SCANS: "Upload scans of entries and whole-book PDFs.",
    Capability.IMPORT: "Import an Excel file.",
    Capability.SEE_ALL_IMPORTS: "Open every import run, not only one's own.",
    Capability.ARBITRATE: "Settle the differences of two keyings.",
    Capability.SET_KEYING_POLICY: "Set a book's or a commune's double keying, and a book's usual values.",
    Capability.REVIEW: "Accept, correct or return an entry against its scan.",
    Capability.APPROVE: "Approve reviewed entries.",
    Capability.MARK_MISSING: "Record a number as missing from a book.",
    Capability.EXPORT: "Make a book's Ministry export or handover file.",
    Capability.ASSIGN_CASE: "Give a tracking case (danh sách theo dõi riêng) to an officer.",
    Capability.CLOSE_CASE: "Record a tracking case's verification result and close it.",
    Capability.LOOKUP_REGISTRY: "Look people up in the population registry, and open a citizen by stating a purpose.",
    Capability.PLAN: "Plan campaigns, targets, teams and inventories of the units in one's area.",
    Capability.WRITE_REPORT: "Write and submit one's own unit's weekly report.",
    Capability.RECOMPUTE: "Recompute a unit's progress figures now (above a commune: only those who plan).",
    Capability.READ_AUDIT: "Read the audit log.",
    Capability.MANAGE_ACCOUNTS: "Create, change, lock and unlock the accounts of one's area.",
}


C = Capability
_COMMUNE_WORK = frozenset({C.KEY, C.UPLOAD_SCANS, C.IMPORT, C.LOOKUP_REGISTRY, C.RECOMPUTE})
_PLANNING = frozenset({C.PLAN, C.WRITE_REPORT, C.RECOMPUTE})

#: Role → what it may do. The one place a role is given a power.
TABLE: dict[Role, frozenset[Capability]] = {
    Role.JUSTICE_OFFICER: _COMMUNE_WORK
    | _PLANNING
    | {
        C.ARBITRATE,
        C.SET_KEYING_POLICY,
        C.REVIEW,
        C.APPROVE,
        C.MARK_MISSING,
        C.EXPORT,
        C.ASSIGN_CASE,
        C.CLOSE_CASE,
    },
    Role.POLICE_OFFICER: _COMMUNE_WORK | {C.ASSIGN_CASE, C.CLOSE_CASE},
    Role.HELPER: _COMMUNE_WORK,
    Role.TEAM_LEADER: _COMMUNE_WORK
    | _PLANNING
    | {C.SET_KEYING_POLICY, C.MARK_MISSING, C.ASSIGN_CASE},
    Role.SUPERVISOR: _PLANNING,
    Role.INSPECTOR: frozenset({C.READ_AUDIT, C.LOOKUP_REGISTRY}),
    Role.ADMINISTRATOR: _COMMUNE_WORK
    | _PLANNING
    | {
        C.SEE_ALL_IMPORTS,
        C.ARBITRATE,
        C.SET_KEYING_POLICY,
        C.ASSIGN_CASE,
        C.CLOSE_CASE,
        C.READ_AUDIT,
        C.MANAGE_ACCOUNTS,
    },
}

NOT_PLANNER = (
    "Tài khoản của bạn không được lập hoặc sửa kế hoạch, chỉ tiêu, tổ và báo cáo của đơn vị này."
)
ONLY_JUSTICE_OFFICER = "Chỉ công chức tư pháp – hộ tịch được rà soát và phê duyệt."

#: The refusal each capability answers with (the messages the views gave before the table).
REFUSALS: dict[Capability, str | Promise] = {
    C.KEY: READ_ONLY,
    C.UPLOAD_SCANS: READ_ONLY,
    C.IMPORT: _("Tài khoản của bạn chỉ có quyền xem, không được nhập dữ liệu."),
    C.SEE_ALL_IMPORTS: REFUSED,
    C.ARBITRATE: _("Chỉ công chức tư pháp – hộ tịch được phân xử hai lần nhập."),
    C.SET_KEYING_POLICY: _("Chỉ công chức tư pháp hoặc tổ trưởng được đặt chế độ nhập hai lần."),
    C.REVIEW: ONLY_JUSTICE_OFFICER,
    C.APPROVE: ONLY_JUSTICE_OFFICER,
    C.MARK_MISSING: _("Chỉ công chức tư pháp hoặc tổ trưởng được ghi số bị thiếu."),
    C.EXPORT: _("Chỉ công chức tư pháp – hộ tịch được xuất dữ liệu của sổ."),
    C.ASSIGN_CASE: _("Bạn không được giao việc."),
    C.CLOSE_CASE: _("Chỉ công chức tư pháp và công an xã được ghi kết quả xác minh."),
    C.LOOKUP_REGISTRY: "Tài khoản này không được tra cứu CSDL dân cư.",
    C.PLAN: NOT_PLANNER,
    C.WRITE_REPORT: NOT_PLANNER,
    C.RECOMPUTE: _("Tài khoản của bạn không được cập nhật số liệu của đơn vị này."),
    C.READ_AUDIT: "Chỉ quản trị viên và thanh tra được xem nhật ký truy cập.",
    C.MANAGE_ACCOUNTS: "Chỉ quản trị viên được quản lý tài khoản.",
}

#: What a refusal without an object is recorded against in the audit log.
SUBJECTS: dict[Capability, str] = {
    C.ARBITRATE: "entry",
    C.REVIEW: "entry",
    C.APPROVE: "entry",
    C.SET_KEYING_POLICY: "registerbook",
    C.MARK_MISSING: "registerbook",
    C.EXPORT: "registerbook",
    C.ASSIGN_CASE: "trackingcase",
    C.CLOSE_CASE: "trackingcase",
    C.LOOKUP_REGISTRY: "citizen",
    C.IMPORT: "importrun",
    C.SEE_ALL_IMPORTS: "importrun",
    C.READ_AUDIT: "auditevent",
    C.MANAGE_ACCOUNTS: "user",
    C.PLAN: "unit",
    C.WRITE_REPORT: "weeklyreport",
    C.RECOMPUTE: "unit",
}


def roles_with(capability: Capability) -> frozenset[Role]:
    """Return the roles that hold CAPABILITY."""
    return frozenset(role for role, held in TABLE.items() if capability in held)


def _unit_rules(user: Any, capability: Capability, unit: AdministrativeUnit) -> bool:
    """The rules a unit adds to its area: a weekly report is written by the unit's own
    officers (administrators write any); above a commune, figures are recomputed only by
    those who plan for the unit."""
    if capability is C.WRITE_REPORT:
        return user.role == Role.ADMINISTRATOR or user.unit_id == unit.pk
    if capability is C.RECOMPUTE and unit.level != AdministrativeUnit.Level.COMMUNE:
        return can(user, C.PLAN, unit)
    return True


def can(user: Any, capability: Capability, obj: Any = None) -> bool:
    """Return True if USER (active, with a role) holds CAPABILITY, for OBJ in their area."""
    if user is None or not user.is_authenticated or not user.is_active or not user.role:
        return False
    if capability not in TABLE.get(user.role, frozenset()):
        return False
    if obj is None:
        return True
    if not object_in_area(user, obj):
        return False
    if isinstance(obj, AdministrativeUnit):
        return _unit_rules(user, capability, obj)
    return True


def refuse(
    actor: Actor | HttpRequest,
    message: str | Promise,
    obj: Any = None,
    *,
    object_type: str = "",
    object_id: object = "",
    object_repr: str = "",
) -> NoReturn:
    """Record a refusal of ACTOR in the audit log and raise PermissionDenied(MESSAGE)."""
    if isinstance(actor, HttpRequest):
        actor = Actor.of(actor)
    audit_record(
        action=AuditEvent.Action.DENIED,
        actor=actor,
        obj=obj if hasattr(obj, "_meta") else None,
        object_type=object_type,
        object_id=str(object_id) if object_id != "" else "",
        object_repr=object_repr,
    )
    raise PermissionDenied(str(message))


def require(
    actor: Actor | HttpRequest,
    capability: Capability,
    obj: Any = None,
    *,
    object_type: str = "",
    object_id: object = "",
    object_repr: str = "",
) -> None:
    """Raise PermissionDenied, with the refusal audited, unless ACTOR may do CAPABILITY
    (to OBJ, which must then lie in the actor's area).

    ACTOR is an :class:`~hotich.audit.actor.Actor` (a view may pass its request). The
    refusal's message is the capability's (:data:`REFUSALS`); it is recorded against OBJ,
    or OBJECT_TYPE / OBJECT_ID when given, or the capability's usual subject.
    """
    if isinstance(actor, HttpRequest):
        actor = Actor.of(actor)
    if can(actor.user, capability, obj):
        return
    refuse(
        actor,
        REFUSALS[capability],
        obj,
        object_type=object_type or ("" if hasattr(obj, "_meta") else SUBJECTS.get(capability, "")),
        object_id=object_id,
        object_repr=object_repr,
    )


def table_markdown() -> str:
    """Return the table as Markdown (capabilities down, roles across), for docs/accounts.md."""
    roles = list(Role)
    lines = [
        "| capability | what it allows | " + " | ".join(f"`{r.value}`" for r in roles) + " |",
        "|---|---|" + "---|" * len(roles),
    ]
    for capability in Capability:
        marks = " | ".join("✓" if capability in TABLE[r] else "" for r in roles)
        lines.append(f"| `{capability.value}` | {DESCRIPTIONS[capability]} | {marks} |")
    return "\n".join(lines) + "\n"
