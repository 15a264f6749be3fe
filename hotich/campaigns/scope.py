"""Who may see and plan what in campaigns, dashboards and reports.

Follows :mod:`hotich.accounts.scope`: commune roles see their commune, supervisors and
inspectors their province or historical district, administrators everything. Refusals are
audited and raise PermissionDenied (HTTP 403).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from hotich.accounts.models import COMMUNE_ROLES, Role, User
from hotich.audit.models import AuditEvent
from hotich.audit.services import audit_record
from hotich.campaigns.models import Campaign, Team, WeeklyReport
from hotich.places.models import AdministrativeUnit

REFUSED = "Bạn không có quyền xem số liệu của đơn vị này."
NOT_PLANNER = (
    "Tài khoản của bạn không được lập hoặc sửa kế hoạch, chỉ tiêu, tổ và báo cáo của đơn vị này."
)
#: Commune roles that plan a commune's work and write its report.
COMMUNE_PLANNERS = frozenset({Role.JUSTICE_OFFICER, Role.TEAM_LEADER})

Unit = AdministrativeUnit


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role)


def unit_visible(user: User, unit: Unit) -> bool:
    """Return True if USER may see the progress of UNIT (a commune, district or province)."""
    if not _active(user):
        return False
    if user.role == Role.ADMINISTRATOR:
        return True
    mine: Unit | None = user.unit
    if mine is None:
        return user.role in (Role.SUPERVISOR, Role.INSPECTOR)
    if user.role in COMMUNE_ROLES:
        return unit.pk == mine.pk
    if mine.level == Unit.Level.PROVINCE:
        return unit.province_code == mine.province_code
    if mine.level == Unit.Level.DISTRICT:
        # A historical district's supervisor sees the district and its communes of the time.
        return unit.pk == mine.pk or unit.parent_id == mine.pk
    return unit.pk == mine.pk


def unit_plannable(user: User, unit: Unit) -> bool:
    """Return True if USER may plan (campaigns, targets, teams, reports) for UNIT."""
    if not unit_visible(user, unit):
        return False
    if user.role == Role.ADMINISTRATOR:
        return True
    if user.role in COMMUNE_PLANNERS:
        return True  # unit_visible already limits them to their commune
    return user.role == Role.SUPERVISOR


def report_writable(user: User, unit: Unit) -> bool:
    """Return True if USER writes UNIT's own weekly report (its officers, not its supervisors)."""
    if not unit_plannable(user, unit):
        return False
    return user.role == Role.ADMINISTRATOR or user.unit_id == unit.pk


def refuse(request: HttpRequest, *, object_type: str, object_id: object, message: str) -> None:
    """Audit the refusal and raise PermissionDenied with MESSAGE."""
    audit_record(
        request=request,
        action=AuditEvent.Action.DENIED,
        object_type=object_type,
        object_id=str(object_id),
    )
    raise PermissionDenied(message)


def get_unit_for_user(request: HttpRequest, pk: int, *, plan: bool = False) -> Unit:
    """Return unit PK if the user may see its progress (and plan for it, with PLAN)."""
    unit = Unit.objects.filter(pk=pk).select_related("parent").first()
    if unit is None or not unit_visible(request.user, unit):
        refuse(request, object_type="unit", object_id=pk, message=REFUSED)
    if plan and not unit_plannable(request.user, unit):
        refuse(request, object_type="unit", object_id=pk, message=NOT_PLANNER)
    return unit


def units_for_user(user: User) -> QuerySet[Unit]:
    """Return the units whose dashboards USER may open (communes, districts, provinces)."""
    if not _active(user):
        return Unit.objects.none()
    units = Unit.objects.filter(
        Q(period=Unit.Period.CURRENT) | Q(level=Unit.Level.DISTRICT, period=Unit.Period.PRE2025)
    )
    if user.role == Role.ADMINISTRATOR or (
        user.unit is None and user.role in (Role.SUPERVISOR, Role.INSPECTOR)
    ):
        return units
    mine = user.unit
    if mine is None:
        return Unit.objects.none()
    if user.role in COMMUNE_ROLES or mine.level == Unit.Level.COMMUNE:
        return Unit.objects.filter(pk=mine.pk)
    if mine.level == Unit.Level.PROVINCE:
        return units.filter(province_code=mine.province_code)
    return Unit.objects.filter(pk=mine.pk)


def campaigns_for_user(user: User) -> QuerySet[Campaign]:
    """Return the campaigns USER may see: issued by a visible unit, or covering their commune."""
    if not _active(user):
        return Campaign.objects.none()
    visible = units_for_user(user)
    return (
        Campaign.objects.filter(Q(unit__in=visible) | Q(communes__in=visible))
        .distinct()
        .select_related("unit")
    )


def get_campaign_for_user(request: HttpRequest, pk: int, *, plan: bool = False) -> Campaign:
    """Return campaign PK if visible; with PLAN, only if the user may plan for its unit.

    A commune's planner may also run the teams of their own commune in a province campaign:
    see :func:`get_team_for_user`.
    """
    campaign = campaigns_for_user(request.user).filter(pk=pk).first()
    if campaign is None:
        refuse(request, object_type="campaign", object_id=pk, message=REFUSED)
    if plan and not unit_plannable(request.user, campaign.unit):
        refuse(request, object_type="campaign", object_id=pk, message=NOT_PLANNER)
    return campaign


def get_team_for_user(request: HttpRequest, pk: int, *, plan: bool = False) -> Team:
    """Return team PK if the user may see its commune (and organise it, with PLAN)."""
    team = Team.objects.select_related("campaign", "commune").filter(pk=pk).first()
    if team is None or not unit_visible(request.user, team.commune):
        refuse(request, object_type="team", object_id=pk, message=REFUSED)
    if plan and not (
        unit_plannable(request.user, team.commune)
        or unit_plannable(request.user, team.campaign.unit)
    ):
        refuse(request, object_type="team", object_id=pk, message=NOT_PLANNER)
    return team


def reports_for_user(user: User) -> QuerySet[WeeklyReport]:
    """Return the weekly reports of the units USER may see."""
    return WeeklyReport.objects.filter(unit__in=units_for_user(user)).select_related("unit")


def get_report_for_user(request: HttpRequest, pk: int, *, plan: bool = False) -> WeeklyReport:
    """Return report PK if its unit is visible (and the user may write it, with PLAN)."""
    report = WeeklyReport.objects.select_related("unit").filter(pk=pk).first()
    if report is None or not unit_visible(request.user, report.unit):
        refuse(request, object_type="weeklyreport", object_id=pk, message=REFUSED)
    if plan and not report_writable(request.user, report.unit):
        refuse(request, object_type="weeklyreport", object_id=pk, message=NOT_PLANNER)
    return report
