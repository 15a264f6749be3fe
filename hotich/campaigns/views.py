"""Pages: dashboards, inventory, campaigns with teams and shifts, weekly reports.

Every page gets its unit, campaign, team or report through :mod:`hotich.campaigns.scope`.
"""

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.forms.models import model_to_dict
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hotich.accounts.capabilities import Capability, require
from hotich.accounts.requests import UserRequest
from hotich.audit.actor import Actor
from hotich.audit.models import AuditEvent
from hotich.audit.services import audit_record
from hotich.campaigns import forms, selectors, services
from hotich.campaigns.models import BookAssignment, Campaign, Shift, TeamMember, WeeklyReport
from hotich.campaigns.reports import appendix_workbook, report_docx, week_figures
from hotich.campaigns.scope import (
    campaigns_for_user,
    get_campaign_for_user,
    get_report_for_user,
    get_team_for_user,
    get_unit_for_user,
    refuse,
    report_writable,
    reports_for_user,
    unit_plannable,
    units_for_user,
)
from hotich.campaigns.tables import Column, Table, table_workbook
from hotich.keying import services as keying_services
from hotich.keying.models import DoubleKeyingPolicy
from hotich.places.models import AdministrativeUnit
from hotich.registers.models import RegisterBook
from hotich.registers.selectors import get_book_for_user

Unit = AdministrativeUnit
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _download(
    request: UserRequest, content: bytes, name: str, kind: str, obj_type: str, obj_id: object
) -> HttpResponse:
    audit_record(
        request=request,
        action=AuditEvent.Action.EXPORT,
        object_type=obj_type,
        object_id=str(obj_id),
        object_repr=name,
    )
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _xlsx(
    request: UserRequest, table: Table, heading: str, obj_type: str, obj_id: object
) -> HttpResponse:
    content = table_workbook(table, heading=heading, generated=timezone.localtime())
    return _download(request, content, f"{table.key}-{obj_id}.xlsx", XLSX, obj_type, obj_id)


def _table_page(
    request: UserRequest, table: Table, *, heading: str, export_url: str, back_url: str
) -> HttpResponse:
    """One page of a long table: the fragment htmx swaps in, or a page of its own without JS."""
    context = {
        "table": table.paged(request.GET.get("page")),
        "export_url": export_url,
        "heading": heading,
        "back_url": back_url,
    }
    if request.htmx:
        return render(request, "campaigns/_table.html", context)
    return render(request, "campaigns/table_page.html", context)


# --- dashboards ----------------------------------------------------------------------------


@require_GET
def progress_index(request: UserRequest) -> HttpResponse:
    """The dashboards the user may open: provinces, historical districts, communes with books."""
    with_books = RegisterBook.objects.values("commune_id")
    old_districts = RegisterBook.objects.values("historical_unit__parent_id")
    units = (
        units_for_user(request.user)
        .filter(
            Q(level=Unit.Level.PROVINCE, period=Unit.Period.CURRENT)
            | Q(pk__in=with_books)
            | Q(pk__in=old_districts)
        )
        .order_by("level", "province_code", "name")[:500]
    )
    groups = {level: [u for u in units if u.level == level] for level in Unit.Level.values}
    return render(request, "campaigns/progress_index.html", {"groups": groups, "Level": Unit.Level})


def _board(
    request: UserRequest, pk: int, parts: tuple[str, ...] = tuple(selectors.PARTS)
) -> selectors.Dashboard:
    unit = get_unit_for_user(request, pk)
    if unit.level == Unit.Level.COMMUNE and unit.period != Unit.Period.CURRENT:
        raise Http404(_("Trang tiến độ dành cho xã/phường hiện hành, huyện cũ hoặc tỉnh."))
    campaign = request.GET.get("campaign", "")
    return selectors.dashboard_build(
        unit,
        today=services.local_today(),
        campaign_id=int(campaign) if campaign.isdigit() else None,
        parts=parts,
    )


@require_GET
def dashboard(request: UserRequest, pk: int) -> HttpResponse:
    """A commune's, province's or historical district's progress with charts and tables."""
    board = _board(request, pk)
    tables = list(board.tables.values())
    if board.kind == "commune":
        tables.insert(1, selectors.book_progress_table(board.unit))
    context = {
        "board": board,
        "tables": [t.paged(1) for t in tables],
        "may_plan": unit_plannable(request.user, board.unit),
    }
    return render(request, "campaigns/dashboard.html", context)


def _dashboard_table(board: selectors.Dashboard, key: str) -> Table:
    if key == "tien-do-theo-so" and board.kind == "commune":
        return selectors.book_progress_table(board.unit)
    if key in board.tables:
        return board.tables[key]
    raise Http404(key)


@require_GET
def dashboard_table(request: UserRequest, pk: int, key: str) -> HttpResponse:
    """One page of a dashboard table (?page=N)."""
    board = _board(request, pk, selectors.parts_for_table(key))
    here = reverse("campaigns:dashboard", args=[pk])
    return _table_page(
        request,
        _dashboard_table(board, key),
        heading=board.unit.full_name,
        export_url=f"{here}bang/",
        back_url=here,
    )


@require_GET
def dashboard_export(request: UserRequest, pk: int, key: str) -> HttpResponse:
    """One dashboard table as Excel."""
    board = _board(request, pk, selectors.parts_for_table(key))
    return _xlsx(
        request,
        _dashboard_table(board, key),
        f"Tiến độ số hóa sổ hộ tịch – {board.unit.full_name}",
        "dashboard",
        pk,
    )


@require_POST
def dashboard_refresh(request: UserRequest, pk: int) -> HttpResponse:
    """Recompute the unit's figures now (daily output of the last two days included).

    A commune's own staff may refresh their commune; a district or province is recomputed
    only by those who plan for it (supervisors, administrators), never by an inspector.
    """
    unit = get_unit_for_user(request, pk)
    require(request, Capability.RECOMPUTE, unit, object_type="unit", object_id=pk)
    result = services.snapshot_refresh(communes=services.communes_of(unit))
    messages.success(
        request,
        _("Đã cập nhật số liệu của %(n)s xã/phường (%(e)s trường hợp).")
        % {"n": result.communes, "e": f"{result.entries:,}".replace(",", ".")},
    )
    return redirect("campaigns:dashboard", pk=pk)


# --- inventory -----------------------------------------------------------------------------


def _commune(request: UserRequest, pk: int, *, plan: bool = False) -> Unit:
    unit = get_unit_for_user(request, pk, plan=plan)
    if unit.level != Unit.Level.COMMUNE:
        raise Http404(_("Kiểm kê sổ được lập theo từng xã/phường."))
    return unit


@require_http_methods(["GET", "POST"])
def inventory(request: UserRequest, pk: int) -> HttpResponse:
    """A commune's book inventory, its summary per type, gaps and double capture; add a book."""
    commune = _commune(request, pk, plan=request.method == "POST")
    form = forms.BookForm(request.POST or None, commune=commune)
    if request.method == "POST" and form.is_valid():
        try:
            book = services.inventory_book_save(
                commune=commune, user=request.user, data=form.cleaned_data
            )
        except services.PlanningError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Đã thêm %s vào danh mục sổ.") % book)
            return redirect("campaigns:inventory", pk=pk)
    listing, appendix = selectors.inventory_tables(commune)
    context = {
        "commune": commune,
        "form": form,
        "tables": [appendix, listing, selectors.gaps_table(commune)],
        "books": RegisterBook.objects.filter(commune=commune).order_by(
            "register_type", "year_from"
        ),
        "may_plan": unit_plannable(request.user, commune),
    }
    return render(request, "campaigns/inventory.html", context)


@require_GET
def inventory_export(request: UserRequest, pk: int, key: str) -> HttpResponse:
    commune = _commune(request, pk)
    listing, appendix = selectors.inventory_tables(commune)
    tables = {t.key: t for t in (listing, appendix, selectors.gaps_table(commune))}
    if key not in tables:
        raise Http404(key)
    return _xlsx(request, tables[key], f"Kiểm kê sổ hộ tịch – {commune.full_name}", "inventory", pk)


@require_http_methods(["GET", "POST"])
def inventory_book_edit(request: UserRequest, pk: int) -> HttpResponse:
    """Change a book's inventory facts (condition, reason, expected cases …)."""
    book = get_book_for_user(request, pk)
    commune = _commune(request, book.commune_id, plan=True)
    form = forms.BookForm(request.POST or None, instance=book, commune=commune)
    if request.method == "POST" and form.is_valid():
        try:
            services.inventory_book_save(
                commune=commune, user=request.user, data=form.cleaned_data, book=book
            )
        except services.PlanningError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Đã lưu %s.") % book)
            return redirect("campaigns:inventory", pk=commune.pk)
    return render(
        request, "campaigns/book_edit.html", {"book": book, "form": form, "commune": commune}
    )


# --- campaigns -----------------------------------------------------------------------------


def _plannable_units(request: UserRequest):
    user = request.user
    if user.unit is not None:
        return (
            Unit.objects.filter(pk=user.unit.pk)
            if unit_plannable(user, user.unit)
            else Unit.objects.none()
        )
    return units_for_user(user).filter(level=Unit.Level.PROVINCE, period=Unit.Period.CURRENT)


def _communes_under(unit: Unit):
    communes = Unit.objects.filter(level=Unit.Level.COMMUNE, period=Unit.Period.CURRENT)
    if unit.level == Unit.Level.COMMUNE:
        return communes.filter(pk=unit.pk)
    if unit.level == Unit.Level.PROVINCE:
        return communes.filter(province_code=unit.province_code).order_by("name")
    return communes.filter(pk__in=[c.pk for c in services.communes_of(unit)]).order_by("name")


@require_http_methods(["GET", "POST"])
def campaign_list(request: UserRequest) -> HttpResponse:
    """Campaigns the user may see; planners create one for their unit."""
    issuers = list(_plannable_units(request))
    issuer = issuers[0] if len(issuers) == 1 else None
    chosen = request.POST.get("unit") or request.GET.get("unit")
    if chosen and chosen.isdigit():
        issuer = next((u for u in issuers if u.pk == int(chosen)), None)
    form = None
    if issuer is not None:
        form = forms.CampaignForm(request.POST or None, communes=_communes_under(issuer))
    if request.method == "POST":
        if issuer is None or form is None:
            refuse(
                request,
                object_type="campaign",
                object_id="",
                message=_("Bạn không được lập kế hoạch."),
            )
        if form.is_valid():
            try:
                campaign = services.campaign_create(
                    user=request.user, unit=issuer, **form.cleaned_data
                )
            except services.PlanningError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Đã lập kế hoạch “%s”.") % campaign)
                return redirect("campaigns:campaign_detail", pk=campaign.pk)
    context = {
        "campaigns": campaigns_for_user(request.user).order_by("-start_date")[:200],
        "form": form,
        "issuers": issuers,
        "issuer": issuer,
        "today": services.local_today(),
    }
    return render(request, "campaigns/campaign_list.html", context)


def campaign_tables(campaign: Campaign, communes) -> list[Table]:
    """Return the campaign's targets, teams with members and shifts, and book assignments."""
    targets = Table(
        "chi-tieu",
        "Chỉ tiêu theo xã/phường và loại sổ",
        [Column("Xã/phường"), Column("Loại sổ"), Column("Chỉ tiêu", numeric=True), Column("Hạn")],
    )
    for t in campaign.targets.filter(commune__in=communes).select_related("commune"):
        targets.rows.append(
            [
                t.commune.full_name,
                t.get_register_type_display(),
                t.target_cases,
                f"{(t.deadline or campaign.end_date):%d/%m/%Y}",
            ]
        )
    return [
        targets,
        members_table(
            TeamMember.objects.filter(team__campaign=campaign, team__commune__in=communes)
        ),
        books_table(BookAssignment.objects.filter(campaign=campaign, team__commune__in=communes)),
    ]


def members_table(members) -> Table:
    """Return MEMBERS (TeamMember rows) with their team, part, shifts and phone."""
    table = Table(
        "to-nhap-lieu",
        "Tổ nhập liệu, thành viên và ca",
        [
            Column("Xã/phường"),
            Column("Tổ"),
            Column("Thành viên"),
            Column("Vai trò trong tổ"),
            Column("Ca"),
            Column("Điện thoại"),
        ],
    )
    parts = dict(TeamMember.Part.choices)
    members = list(
        members.select_related("team__commune", "user").order_by(
            "team__commune__name", "team__name", "part"
        )
    )
    # One query for every member's shifts (a province plan has hundreds of members).
    shifts: dict[int, list[str]] = defaultdict(list)
    for member_id, name, start, end in (
        TeamMember.shifts.through.objects.filter(teammember__in=[m.pk for m in members])
        .order_by("shift__start")
        .values_list("teammember_id", "shift__name", "shift__start", "shift__end")
    ):
        shifts[member_id].append(str(Shift(name=name, start=start, end=end)))
    for m in members:
        table.rows.append(
            [
                m.team.commune.full_name,
                m.team.name,
                str(m.user),
                str(parts.get(m.part, m.part)),
                ", ".join(shifts[m.pk]),
                m.user.phone,
            ]
        )
    return table


def books_table(assignments) -> Table:
    """Return ASSIGNMENTS (BookAssignment rows): which team works on which book."""
    table = Table(
        "so-giao-to",
        "Sổ giao cho các tổ",
        [Column("Xã/phường"), Column("Tổ"), Column("Sổ")],
    )
    for a in assignments.select_related("team__commune", "book").order_by(
        "team__commune__name", "team__name", "book__register_type", "book__year_from"
    ):
        table.rows.append([a.team.commune.full_name, a.team.name, str(a.book)])
    return table


def _visible_communes(request: UserRequest, campaign: Campaign):
    """The campaign's communes the user may see (a commune officer sees only their own)."""
    visible = units_for_user(request.user)
    return campaign.communes.filter(pk__in=visible.values("pk")).order_by("name")


def _team_communes(request: UserRequest, campaign: Campaign, communes) -> list[Unit]:
    """The communes among COMMUNES whose teams the user organises in CAMPAIGN."""
    if unit_plannable(request.user, campaign.unit):
        return list(communes)
    return [c for c in communes if unit_plannable(request.user, c)]


@require_GET
def campaign_detail(request: UserRequest, pk: int) -> HttpResponse:
    """The plan: facts, shifts, long tables one page at a time, teams linked to their pages."""
    campaign = get_campaign_for_user(request, pk)
    communes = _visible_communes(request, campaign)
    may_plan = unit_plannable(request.user, campaign.unit)
    team_communes = _team_communes(request, campaign, communes)
    keying_policy = campaign.double_keying_policies.filter(book=None).first()
    context = {
        "campaign": campaign,
        "communes": communes,
        "shifts": campaign.shifts.all(),
        "tables": [t.paged(1) for t in campaign_tables(campaign, communes)],
        "may_plan": may_plan,
        "target_form": forms.TargetForm(campaign=campaign) if may_plan else None,
        "keying_policy": keying_policy,
        "keying_form": forms.DoubleKeyingForm(
            initial=model_to_dict(
                keying_policy or DoubleKeyingPolicy(), fields=["mode", "sample_percent"]
            )
        )
        if may_plan
        else None,
        "shift_form": forms.ShiftForm() if may_plan else None,
        "team_form": forms.TeamForm(
            communes=Unit.objects.filter(pk__in=[c.pk for c in team_communes])
        )
        if team_communes
        else None,
        "teams": campaign.teams.filter(commune__in=communes).select_related("commune"),
    }
    return render(request, "campaigns/campaign_detail.html", context)


def _campaign_table(request: UserRequest, campaign: Campaign, key: str) -> Table:
    tables = {t.key: t for t in campaign_tables(campaign, _visible_communes(request, campaign))}
    if key not in tables:
        raise Http404(key)
    return tables[key]


@require_GET
def campaign_table(request: UserRequest, pk: int, key: str) -> HttpResponse:
    """One page of a campaign table (?page=N)."""
    campaign = get_campaign_for_user(request, pk)
    here = reverse("campaigns:campaign_detail", args=[pk])
    return _table_page(
        request,
        _campaign_table(request, campaign, key),
        heading=campaign.name,
        export_url=f"{here}bang/",
        back_url=here,
    )


@require_GET
def campaign_export(request: UserRequest, pk: int, key: str) -> HttpResponse:
    campaign = get_campaign_for_user(request, pk)
    table = _campaign_table(request, campaign, key)
    return _xlsx(request, table, f"Kế hoạch: {campaign.name}", "campaign", pk)


@require_GET
def team_detail(request: UserRequest, pk: int) -> HttpResponse:
    """A team: its members with their shifts, its books; organisers add members and books."""
    team = get_team_for_user(request, pk)
    may_plan = unit_plannable(request.user, team.commune) or unit_plannable(
        request.user, team.campaign.unit
    )
    context = {
        "team": team,
        "tables": [
            members_table(TeamMember.objects.filter(team=team)),
            books_table(BookAssignment.objects.filter(team=team)),
        ],
        "member_form": forms.MemberForm(team=team) if may_plan else None,
        "book_form": forms.BookAssignForm(team=team) if may_plan else None,
    }
    return render(request, "campaigns/team_detail.html", context)


def _form_errors(request: UserRequest, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))


def _form_post(request: UserRequest, form: Any, action: Callable[[dict], Any], success: str) -> Any:
    """Run ACTION with the form's cleaned data if FORM is valid; flash the outcome.

    Returns what ACTION returned, or None when the form was invalid or the plan refused it
    (the errors are flashed as messages).
    """
    if not form.is_valid():
        _form_errors(request, form)
        return None
    try:
        result = action(form.cleaned_data)
    except services.PlanningError as exc:
        messages.error(request, str(exc))
        return None
    messages.success(request, success % result if "%s" in success else success)
    return result if result is not None else True


@require_POST
def campaign_target(request: UserRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request, pk, plan=True)
    _form_post(
        request,
        forms.TargetForm(request.POST, campaign=campaign),
        lambda data: services.target_set(campaign=campaign, user=request.user, **data),
        _("Đã lưu chỉ tiêu."),
    )
    return redirect("campaigns:campaign_detail", pk=pk)


@require_POST
def campaign_double_keying(request: UserRequest, pk: int) -> HttpResponse:
    """Set double keying for every book of the campaign (a commune's or book's own wins)."""
    campaign = get_campaign_for_user(request, pk, plan=True)
    form = forms.DoubleKeyingForm(request.POST)
    if form.is_valid():
        keying_services.policy_set(
            campaign=campaign, user=request.user, actor=Actor.of(request), **form.cleaned_data
        )
        messages.success(request, _("Đã lưu chế độ nhập hai lần của kế hoạch."))
    else:
        _form_errors(request, form)
    return redirect("campaigns:campaign_detail", pk=pk)


@require_POST
def campaign_shift(request: UserRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request, pk, plan=True)
    _form_post(
        request,
        forms.ShiftForm(request.POST),
        lambda data: services.shift_add(campaign=campaign, user=request.user, **data),
        _("Đã thêm ca."),
    )
    return redirect("campaigns:campaign_detail", pk=pk)


@require_POST
def campaign_team(request: UserRequest, pk: int) -> HttpResponse:
    campaign = get_campaign_for_user(request, pk)
    communes = _team_communes(request, campaign, _visible_communes(request, campaign))
    if not communes:
        refuse(request, object_type="campaign", object_id=pk, message=_("Bạn không được lập tổ."))
    form = forms.TeamForm(
        request.POST, communes=Unit.objects.filter(pk__in=[c.pk for c in communes])
    )
    team = _form_post(
        request,
        form,
        lambda data: services.team_create(campaign=campaign, user=request.user, **data),
        _("Đã lập tổ."),
    )
    if team:
        return redirect("campaigns:team_detail", pk=team.pk)  # next: its members and books
    return redirect("campaigns:campaign_detail", pk=pk)


@require_POST
def team_member(request: UserRequest, pk: int) -> HttpResponse:
    team = get_team_for_user(request, pk, plan=True)
    _form_post(
        request,
        forms.MemberForm(request.POST, team=team),
        lambda data: services.team_member_add(team=team, user=request.user, **data),
        _("Đã cập nhật thành viên tổ."),
    )
    return redirect("campaigns:team_detail", pk=team.pk)


@require_POST
def team_books(request: UserRequest, pk: int) -> HttpResponse:
    team = get_team_for_user(request, pk, plan=True)
    _form_post(
        request,
        forms.BookAssignForm(request.POST, team=team),
        lambda data: services.book_assign(team=team, user=request.user, books=data["books"]),
        _("Đã giao %s quyển sổ cho tổ."),
    )
    return redirect("campaigns:team_detail", pk=team.pk)


# --- weekly reports ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def report_list(request: UserRequest) -> HttpResponse:
    """Weekly reports the user may see; a planner starts the report of a week."""
    issuers = list(_plannable_units(request))
    today = services.local_today()
    form = forms.WeekForm(request.POST or None, initial={"week": today})
    if request.method == "POST":
        unit_id = request.POST.get("unit", "")
        unit = next((u for u in issuers if str(u.pk) == unit_id), None)
        if unit is None:
            refuse(
                request,
                object_type="weeklyreport",
                object_id="",
                message=_("Bạn không được lập báo cáo của đơn vị này."),
            )
        if form.is_valid():
            week = form.cleaned_data["week"]
            # UNIT is one the user may plan for, so its report is in scope.
            report = WeeklyReport.objects.filter(unit=unit, week_start=week).first()
            if report is None:
                report = services.weekly_report_save(
                    unit=unit,
                    week_start=week,
                    user=request.user,
                    data=services.report_defaults(unit=unit),
                )
            return redirect("campaigns:report_edit", pk=report.pk)
    context = {
        "reports": reports_for_user(request.user).select_related("submitted_by")[:200],
        "form": form,
        "issuers": issuers,
        "week_start": services.week_start_of(today),
        "deadline": services.report_deadline(services.week_start_of(today)),
    }
    return render(request, "campaigns/report_list.html", context)


@require_http_methods(["GET", "POST"])
def report_edit(request: UserRequest, pk: int) -> HttpResponse:
    """The report's number, signer, recipients and narrative sections, with its figures."""
    report = get_report_for_user(request, pk, plan=request.method == "POST")
    form = forms.ReportForm(request.POST or None, instance=report)
    if request.method == "POST" and form.is_valid():
        try:
            services.weekly_report_save(
                unit=report.unit,
                week_start=report.week_start,
                user=request.user,
                data=form.cleaned_data,
            )
        except services.PlanningError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Đã lưu báo cáo."))
            return redirect("campaigns:report_edit", pk=pk)
    fig = week_figures(report.unit, report.week_start)
    context = {
        "report": report,
        "form": form,
        "fig": fig,
        "tables": [fig.appendix],
        "deadline": services.report_deadline(report.week_start),
        "may_plan": report_writable(request.user, report.unit),
    }
    return render(request, "campaigns/report_edit.html", context)


@require_GET
def report_word(request: UserRequest, pk: int) -> HttpResponse:
    report = get_report_for_user(request, pk)
    content = report_docx(
        report, week_figures(report.unit, report.week_start), issued=services.local_today()
    )
    name = f"bao-cao-tuan-{report.unit.code}-{report.week_start:%Y-%m-%d}.docx"
    return _download(request, content, name, DOCX, "weeklyreport", pk)


@require_GET
def report_appendix(request: UserRequest, pk: int) -> HttpResponse:
    report = get_report_for_user(request, pk)
    content = appendix_workbook(
        report, week_figures(report.unit, report.week_start), generated=timezone.localtime()
    )
    name = f"phu-luc-{report.unit.code}-{report.week_start:%Y-%m-%d}.xlsx"
    return _download(request, content, name, XLSX, "weeklyreport", pk)


@require_POST
def report_submit(request: UserRequest, pk: int) -> HttpResponse:
    report = get_report_for_user(request, pk, plan=True)
    if services.weekly_report_submit(report=report, user=request.user):
        messages.success(request, _("Đã ghi nhận báo cáo đã gửi."))
    else:
        messages.error(request, _("Báo cáo này đã được gửi trước đó."))
    return redirect("campaigns:report_edit", pk=pk)
