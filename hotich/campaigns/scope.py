"""Who may see and plan what in campaigns, dashboards and reports.

The geographic rule is :mod:`hotich.accounts.scope`'s (commune roles see their commune,
supervisors and inspectors their province or historical district, administrators
everything); who may plan is the table of :mod:`hotich.accounts.capabilities`. Refusals are
audited and raise PermissionDenied (HTTP 403).
"""

from typing import NoReturn

from django.db.models import Q, QuerySet
from django.http import HttpRequest

from hotich.accounts import scope
from hotich.accounts.capabilities import Capability, can, require
from hotich.accounts.capabilities import refuse as _refuse
from hotich.accounts.models import User
from hotich.accounts.requests import UserRequest
from hotich.accounts.scope import sees_every_unit, unit_visible
from hotich.campaigns.models import Campaign, Team, WeeklyReport
from hotich.places.models import AdministrativeUnit

#: A unit, campaign, team or report out of the user's area is refused like a missing one,
#: with the answer every other object gets.
REFUSED = scope.REFUSED

Unit = AdministrativeUnit


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role)


def unit_plannable(user: User, unit: Unit) -> bool:
    """Return True if USER may plan (campaigns, targets, teams, reports) for UNIT."""
    return can(user, Capability.PLAN, unit)


def report_writable(user: User, unit: Unit) -> bool:
    """Return True if USER writes UNIT's own weekly report (its officers, not its supervisors)."""
    return can(user, Capability.WRITE_REPORT, unit)


def refuse(request: HttpRequest, *, object_type: str, object_id: object, message: str) -> NoReturn:
    """Audit the refusal and raise PermissionDenied with MESSAGE."""
    _refuse(request, message, object_type=object_type, object_id=object_id)


def get_unit_for_user(request: UserRequest, pk: int, *, plan: bool = False) -> Unit:
    """Return unit PK if the user may see its progress (and plan for it, with PLAN)."""
    unit = Unit.objects.filter(pk=pk).select_related("parent").first()
    if unit is None or not unit_visible(request.user, unit):
        refuse(request, object_type="unit", object_id=pk, message=REFUSED)
    if plan:
        require(request, Capability.PLAN, unit, object_type="unit", object_id=pk)
    return unit


def units_for_user(user: User) -> QuerySet[Unit]:
    """Return the units whose dashboards USER may open (communes, districts, provinces)."""
    if not _active(user):
        return Unit.objects.none()
    units = Unit.objects.filter(
        Q(period=Unit.Period.CURRENT) | Q(level=Unit.Level.DISTRICT, period=Unit.Period.PRE2025)
    )
    if sees_every_unit(user):
        return units
    mine = user.unit
    if mine is None:
        return Unit.objects.none()
    if user.is_commune_user or mine.level == Unit.Level.COMMUNE:
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


def get_campaign_for_user(request: UserRequest, pk: int, *, plan: bool = False) -> Campaign:
    """Return campaign PK if visible; with PLAN, only if the user may plan for its unit.

    A commune's planner may also run the teams of their own commune in a province campaign:
    see :func:`get_team_for_user`.
    """
    campaign = campaigns_for_user(request.user).filter(pk=pk).first()
    if campaign is None:
        refuse(request, object_type="campaign", object_id=pk, message=REFUSED)
    if plan:
        require(request, Capability.PLAN, campaign.unit, object_type="campaign", object_id=pk)
    return campaign


def get_team_for_user(request: UserRequest, pk: int, *, plan: bool = False) -> Team:
    """Return team PK if the user may see its commune (and organise it, with PLAN)."""
    team = Team.objects.select_related("campaign", "commune").filter(pk=pk).first()
    if team is None or not unit_visible(request.user, team.commune):
        refuse(request, object_type="team", object_id=pk, message=REFUSED)
    if plan and not unit_plannable(request.user, team.campaign.unit):
        # A commune's planner runs the teams of their own commune in a wider campaign.
        require(request, Capability.PLAN, team.commune, object_type="team", object_id=pk)
    return team


def reports_for_user(user: User) -> QuerySet[WeeklyReport]:
    """Return the weekly reports of the units USER may see."""
    return WeeklyReport.objects.filter(unit__in=units_for_user(user)).select_related("unit")


def get_report_for_user(request: UserRequest, pk: int, *, plan: bool = False) -> WeeklyReport:
    """Return report PK if its unit is visible (and the user may write it, with PLAN)."""
    report = WeeklyReport.objects.select_related("unit").filter(pk=pk).first()
    if report is None or not unit_visible(request.user, report.unit):
        refuse(request, object_type="weeklyreport", object_id=pk, message=REFUSED)
    if plan:
        require(
            request, Capability.WRITE_REPORT, report.unit, object_type="weeklyreport", object_id=pk
        )
    return report
