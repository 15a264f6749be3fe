"""Reads for dashboards, inventory and reports. Dashboards read pre-aggregated snapshots."""

import datetime
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import CharField, Count, Max, Q, QuerySet, Sum, Value
from django.db.models.functions import Cast, Coalesce, Concat

from hotich.accounts.models import User
from hotich.campaigns import charts
from hotich.campaigns.models import (
    Campaign,
    CampaignTarget,
    DailyOutput,
    DailyOutputByPerson,
    DailyOutputByType,
    ProgressSnapshot,
)
from hotich.campaigns.tables import Column, Table
from hotich.places.models import AdministrativeUnit
from hotich.reconciliation.models import MatchResult, TrackingCase
from hotich.registers.models import Entry, EntryStatus, RegisterBook
from hotich.registers.spec import REGISTER_TYPES

Unit = AdministrativeUnit
STAGE_COLUMNS = (
    ("keyed", "Đã nhập xong"),
    ("verified", "Đã kiểm tra"),
    ("reconciled", "Đã đối chiếu"),
    ("with_personal_id", "Có số ĐDCN"),
    ("scanned", "Đã có bản chụp"),
    ("approved", "Đã phê duyệt"),
    ("exported", "Đã xuất"),
)
#: People reconciled per outcome (ProgressSnapshot fields, in MatchResult.Outcome order).
OUTCOME_COLUMNS = (
    ("match", "Khớp"),
    ("discrepancy", "Chưa thống nhất"),
    ("not_found", "Không tìm thấy"),
    ("review", "Cần quyết định"),
)
#: Open tracking-list cases by age (ProgressSnapshot fields).
BACKLOG_COLUMNS = (
    ("backlog_lt7", "Dưới 7 ngày"),
    ("backlog_7_30", "7–30 ngày"),
    ("backlog_30_90", "30–90 ngày"),
    ("backlog_gt90", "Trên 90 ngày"),
)
COUNT_FIELDS = (
    "books",
    "expected",
    "entries",
    *(k for k, _ in STAGE_COLUMNS),
    "reviewed",
    *(k for k, _ in OUTCOME_COLUMNS),
    *(k for k, _ in BACKLOG_COLUMNS),
)


def type_label(code: str) -> str:
    rt = REGISTER_TYPES.get(code)
    return rt.book_label if rt else code


def pct(done: float, target: float) -> float | None:
    return round(100 * done / target, 1) if target else None


@dataclass
class Scope:
    """Which snapshot rows make up a unit's dashboard, and how its rows are grouped."""

    unit: Unit
    kind: str  # "commune", "province" or "district"
    q: Q
    commune_ids: list[int]

    def output_by_person(self) -> QuerySet:
        """Return the daily output rows of the scope that carry person and shift.

        A province or a commune reads the rollup per commune × person × shift; an old
        district picks its books by historical unit, which only DailyOutput keeps.
        """
        model = DailyOutput if self.kind == "district" else DailyOutputByPerson
        return model.objects.filter(self.q)

    def output_by_type(self) -> QuerySet:
        """Return the daily output rows of the scope that carry the register type."""
        model = DailyOutput if self.kind == "district" else DailyOutputByType
        return model.objects.filter(self.q)

    @property
    def group_field(self) -> str:
        return {"commune": "register_type", "province": "commune_id"}.get(
            self.kind, "historical_unit_id"
        )


def scope_of(unit: Unit) -> Scope:
    """Return the scope of UNIT's dashboard (a current commune or province, or an old district)."""
    if unit.level == Unit.Level.COMMUNE:
        return Scope(unit, "commune", Q(commune_id=unit.pk), [unit.pk])
    if unit.level == Unit.Level.PROVINCE:
        ids = list(
            Unit.objects.filter(
                level=Unit.Level.COMMUNE,
                period=Unit.Period.CURRENT,
                province_code=unit.province_code,
            ).values_list("pk", flat=True)
        )
        return Scope(unit, "province", Q(commune_id__in=ids), ids)
    old = list(unit.children.values_list("pk", flat=True))
    keepers = list(
        RegisterBook.objects.filter(historical_unit_id__in=old)
        .values_list("commune_id", flat=True)
        .distinct()
    )
    return Scope(unit, "district", Q(historical_unit_id__in=old), keepers)


def campaigns_covering(scope: Scope) -> list[Campaign]:
    """Return the campaigns that include a commune of SCOPE, latest first."""
    return list(
        Campaign.objects.filter(communes__in=scope.commune_ids).distinct().order_by("-start_date")
    )


@dataclass
class Dashboard:
    unit: Unit
    kind: str
    today: datetime.date
    campaign: Campaign | None
    campaigns: list[Campaign]
    snapshot_at: datetime.datetime | None
    totals: dict[str, Any] = field(default_factory=dict)
    charts: dict[str, str] = field(default_factory=dict)
    tables: dict[str, Table] = field(default_factory=dict)


def _latest_rows(scope: Scope) -> tuple[list[dict[str, Any]], datetime.datetime | None]:
    snapshots = ProgressSnapshot.objects.filter(scope.q)
    latest = snapshots.aggregate(day=Max("day"))["day"]
    if latest is None:
        return [], None
    rows = list(
        snapshots.filter(day=latest).values(
            "commune_id", "historical_unit_id", "register_type", "computed_at", *COUNT_FIELDS
        )
    )
    return rows, max(r["computed_at"] for r in rows)


def _targets(scope: Scope, campaign: Campaign | None) -> dict[tuple[int, str], int]:
    if campaign is None or scope.kind == "district":
        return {}
    return {
        (t.commune_id, t.register_type): t.target_cases
        for t in CampaignTarget.objects.filter(campaign=campaign, commune_id__in=scope.commune_ids)
    }


def _names(ids: set[int]) -> dict[int, str]:
    return {u.pk: u.full_name for u in Unit.objects.filter(pk__in=ids)}


#: The parts of a dashboard and the tables each makes (an export builds only its table's part).
PARTS = {
    "progress": ("tien-do-chi-tiet", "xep-hang"),
    "outcomes": ("doi-chieu-theo-doi",),
    "time": (),
    "productivity": ("nang-suat-nguoi-nhap", "nang-suat-ca"),
}


def parts_for_table(key: str) -> tuple[str, ...]:
    """Return the dashboard parts that make table KEY (every part for an unknown key)."""
    return next(((part,) for part, keys in PARTS.items() if key in keys), tuple(PARTS))


def dashboard_build(
    unit: Unit,
    *,
    today: datetime.date,
    campaign_id: int | None = None,
    parts: tuple[str, ...] = tuple(PARTS),
) -> Dashboard:
    """Return what a dashboard page shows for UNIT, from the latest snapshot.

    PARTS limits the work to some charts and tables (the headline totals are always there).
    """
    scope = scope_of(unit)
    campaigns = campaigns_covering(scope)
    campaign = next((c for c in campaigns if c.pk == campaign_id), None) or next(
        (c for c in campaigns if c.is_active_on(today)), campaigns[0] if campaigns else None
    )
    rows, snapshot_at = _latest_rows(scope)
    board = Dashboard(unit, scope.kind, today, campaign, campaigns, snapshot_at)
    targets = _targets(scope, campaign)
    for row in rows:
        row["target"] = targets.get((row["commune_id"], row["register_type"]), 0)
    # Types or communes with a target but no books yet still count against the target.
    seen = {(r["commune_id"], r["register_type"]) for r in rows}
    for (commune_id, rtype), target in targets.items():
        if (commune_id, rtype) not in seen:
            rows.append(
                {"commune_id": commune_id, "historical_unit_id": None, "register_type": rtype}
                | dict.fromkeys(COUNT_FIELDS, 0)
                | {"target": target}
            )
    names = _names(
        {r["commune_id"] for r in rows}
        | {r["historical_unit_id"] for r in rows if r["historical_unit_id"]}
    )
    totals = {k: sum(r[k] for r in rows) for k in (*COUNT_FIELDS, "target")}
    goal = totals["target"] or totals["expected"]
    totals["goal"] = goal
    totals["goal_is_target"] = bool(totals["target"])
    totals["percent"] = pct(totals["entries"], goal)
    board.totals = totals
    if "progress" in parts:
        _progress_tables(board, scope, rows, names)
    totals["backlog"] = sum(totals[k] for k, _ in BACKLOG_COLUMNS)
    totals["people_reconciled"] = sum(totals[k] for k, _ in OUTCOME_COLUMNS)
    if "time" in parts:
        _time_charts(board, scope, goal)
    if "productivity" in parts:
        _productivity(board, scope)
    if "outcomes" in parts:
        _outcomes(board, scope, rows, names)
    return board


def _progress_tables(
    board: Dashboard, scope: Scope, rows: list[dict[str, Any]], names: dict[int, str]
) -> None:
    stage_cols = [Column(label, numeric=True) for _, label in STAGE_COLUMNS]
    outcome_cols = [Column(f"Người: {label.lower()}", numeric=True) for _, label in OUTCOME_COLUMNS]
    detail = Table(
        "tien-do-chi-tiet",
        "Tiến độ theo xã/phường và loại sổ" if scope.kind != "commune" else "Tiến độ theo loại sổ",
        [
            Column("Xã/phường (nơi lưu sổ)"),
            Column("Đơn vị thời điểm lập sổ"),
            Column("Loại sổ"),
            Column("Số quyển", numeric=True),
            Column("Dự kiến", numeric=True),
            Column("Chỉ tiêu", numeric=True),
            Column("Đã nhập", numeric=True),
            *stage_cols,
            *outcome_cols,
            Column("Đang theo dõi", numeric=True),
            Column("% chỉ tiêu", numeric=True, percent=True),
        ],
    )
    for r in sorted(
        rows,
        key=lambda r: (
            names.get(r["commune_id"], ""),
            names.get(r["historical_unit_id"], ""),
            REGISTER_TYPES[r["register_type"]].priority
            if r["register_type"] in REGISTER_TYPES
            else 9,
        ),
    ):
        goal = r["target"] or r["expected"]
        detail.rows.append(
            [
                names.get(r["commune_id"], ""),
                names.get(r["historical_unit_id"], ""),
                type_label(r["register_type"]),
                r["books"],
                r["expected"],
                r["target"],
                r["entries"],
                *(r[k] for k, _ in STAGE_COLUMNS),
                *(r[k] for k, _ in OUTCOME_COLUMNS),
                sum(r[k] for k, _ in BACKLOG_COLUMNS),
                pct(r["entries"], goal),
            ]
        )
    board.tables[detail.key] = detail

    # Ranking against targets: communes (province), old communes (district), types (commune).
    groups: dict[Any, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in rows:
        g = groups[r[scope.group_field]]
        for k in ("target", "expected", "entries", "approved"):
            g[k] += r[k]
    label = _group_label(scope, names)
    ranking = Table(
        "xep-hang",
        "Xếp hạng theo mức hoàn thành chỉ tiêu",
        [
            Column("Hạng", numeric=True),
            Column(label[0]),
            Column("Chỉ tiêu / dự kiến", numeric=True),
            Column("Đã nhập", numeric=True),
            Column("Đã phê duyệt", numeric=True),
            Column("% hoàn thành", numeric=True, percent=True),
        ],
    )
    ranked = sorted(
        (
            (label[1](k), g["target"] or g["expected"], g["entries"], g["approved"])
            for k, g in groups.items()
        ),
        key=lambda t: (-(pct(t[2], t[1]) or 0), t[0]),
    )
    for i, (name, goal, done, approved) in enumerate(ranked, start=1):
        ranking.rows.append([i, name, goal, done, approved, pct(done, goal)])
    board.tables[ranking.key] = ranking
    shown = ranking.rows[:25]
    if shown:
        board.charts["ranking"] = charts.bar_chart(
            "Mức hoàn thành chỉ tiêu (%)",
            [r[1] for r in shown],
            [min(r[5] or 0, 150) for r in shown],
            percent=True,
            reference=100,
        )


def _group_label(scope: Scope, names: dict[int, str]) -> tuple[str, Any]:
    """Return the heading and the naming function of the groups a unit's rows are ranked by."""
    return {
        "commune": ("Loại sổ", type_label),
        "province": ("Xã/phường", lambda k: names.get(k, "")),
        "district": ("Xã/phường (trước 2025)", lambda k: names.get(k, "") or "(không rõ)"),
    }[scope.kind]


#: Colours of the outcomes (match green, discrepancy amber, not found blue, review grey).
OUTCOME_COLOURS = (charts.PALETTE[2], charts.PALETTE[3], charts.PALETTE[1], charts.PALETTE[5])


def _outcomes(
    board: Dashboard, scope: Scope, rows: list[dict[str, Any]], names: dict[int, str]
) -> None:
    """Outcome mix of reconciliation and the age of the tracking-list backlog, per group."""
    keys = [k for k, _ in OUTCOME_COLUMNS] + [k for k, _ in BACKLOG_COLUMNS]
    groups: dict[Any, dict[str, int]] = defaultdict(lambda: dict.fromkeys(keys, 0))
    for r in rows:
        g = groups[r[scope.group_field]]
        for k in keys:
            g[k] += r[k]
    heading, name_of = _group_label(scope, names)
    table = Table(
        "doi-chieu-theo-doi",
        "Kết quả đối chiếu (số người) và danh sách theo dõi riêng",
        [
            Column(heading),
            Column("Người đã đối chiếu", numeric=True),
            *(Column(label, numeric=True) for _, label in OUTCOME_COLUMNS),
            Column("% khớp", numeric=True, percent=True),
            Column("Đang theo dõi", numeric=True),
            *(Column(f"Theo dõi {label.lower()}", numeric=True) for _, label in BACKLOG_COLUMNS),
        ],
        empty="Chưa có người nào được đối chiếu, chưa có trường hợp theo dõi.",
    )
    for name, g in sorted(((name_of(k), g) for k, g in groups.items()), key=lambda t: t[0]):
        people = sum(g[k] for k, _ in OUTCOME_COLUMNS)
        backlog = sum(g[k] for k, _ in BACKLOG_COLUMNS)
        if not people and not backlog:
            continue
        table.rows.append(
            [
                name,
                people,
                *(g[k] for k, _ in OUTCOME_COLUMNS),
                pct(g["match"], people),
                backlog,
                *(g[k] for k, _ in BACKLOG_COLUMNS),
            ]
        )
    board.tables[table.key] = table
    totals = board.totals
    segments = [
        (label, colour) for (_, label), colour in zip(OUTCOME_COLUMNS, OUTCOME_COLOURS, strict=True)
    ]
    if totals["people_reconciled"]:
        busiest = sorted(table.rows, key=lambda r: (-r[1], r[0]))[:15]
        board.charts["outcomes"] = charts.stacked_bar_chart(
            "Kết quả đối chiếu với CSDL dân cư (số người)",
            ["Tất cả", *(r[0] for r in busiest if r[1])],
            segments,
            [
                [totals[k] for k, _ in OUTCOME_COLUMNS],
                *(r[2:6] for r in busiest if r[1]),
            ],
        )
    if totals["backlog"]:
        board.charts["backlog"] = charts.bar_chart(
            f"Danh sách theo dõi riêng: {charts._fmt(totals['backlog'])} trường hợp đang mở, "
            "theo thời gian đã mở",
            [label for _, label in BACKLOG_COLUMNS],
            [totals[k] for k, _ in BACKLOG_COLUMNS],
            color=charts.PALETTE[3],
        )


def _time_charts(board: Dashboard, scope: Scope, goal: int) -> None:
    campaign, today = board.campaign, board.today
    outputs = scope.output_by_type()
    if not outputs.exists():
        return
    start = campaign.start_date if campaign else today - datetime.timedelta(days=29)
    deadline = campaign.end_date if campaign else today
    base = outputs.filter(day__lt=start).aggregate(n=Sum("entries"))["n"] or 0
    per_day = dict(
        outputs.filter(day__gte=start, day__lte=today)
        .values_list("day")
        .annotate(n=Sum("entries"))
        .order_by()
    )
    days_done = max((today - start).days + 1, 1)
    cumulative, total = [], base
    for i in range(days_done):
        total += per_day.get(start + datetime.timedelta(days=i), 0)
        cumulative.append(total)
    last7 = sum(per_day.get(today - datetime.timedelta(days=i), 0) for i in range(7))
    rate = last7 / 7
    remaining = max(goal - total, 0)
    forecast = (
        today + datetime.timedelta(days=math.ceil(remaining / rate)) if rate and remaining else None
    )
    if remaining == 0:
        forecast = today
    board.totals.update(
        rate=round(rate, 1),
        remaining=remaining,
        forecast=forecast,
        deadline=deadline,
        on_time=forecast is not None and forecast <= deadline,
    )
    end = max(deadline, today)
    if forecast and forecast > end:
        end = min(forecast, end + datetime.timedelta(days=120))
    span = (end - start).days + 1
    labels = [f"{start + datetime.timedelta(days=i):%d/%m}" for i in range(span)]
    plan_days = max((deadline - start).days, 1)
    plan: list[float | None] = [min(goal, goal * i / plan_days) for i in range(span)]
    board.charts["progress"] = charts.line_chart(
        "Số trường hợp đã nhập so với kế hoạch",
        labels,
        [
            charts.Series("Đã nhập (cộng dồn)", [*cumulative, *([None] * (span - days_done))]),
            charts.Series("Kế hoạch", plan, color=charts.PALETTE[1], dashed=True),
        ],
        note=f"Mục tiêu {charts._fmt(goal)} trường hợp",
    )
    burn = [max(goal - v, 0) for v in cumulative]
    ideal: list[float | None] = [max(goal - goal * i / plan_days, 0) for i in range(span)]
    fc: list[float | None] = [None] * span
    if forecast:
        f_len = (min(forecast, end) - today).days
        for i in range(f_len + 1):
            fc[days_done - 1 + i] = max(remaining - rate * i, 0)
    board.charts["burndown"] = charts.line_chart(
        "Số trường hợp còn phải nhập (burn-down)",
        labels,
        [
            charts.Series("Còn phải nhập", [*burn, *([None] * (span - days_done))]),
            charts.Series("Lý tưởng", ideal, color=charts.PALETTE[1], dashed=True),
            charts.Series("Dự báo", fc, color=charts.PALETTE[2], dashed=True),
        ],
        note=f"Dự báo hoàn thành: {forecast:%d/%m/%Y}" if forecast else "Chưa đủ số liệu để dự báo",
    )


def _productivity(board: Dashboard, scope: Scope) -> None:
    campaign, today = board.campaign, board.today
    start = campaign.start_date if campaign else today - datetime.timedelta(days=29)
    week_ago = today - datetime.timedelta(days=6)
    rows = scope.output_by_person().filter(day__gte=start, day__lte=today).order_by()
    # Summed in the database: a province has tens of thousands of person × shift × day rows.
    per_user = {
        user_id: {"total": total, "week": week or 0, "days": days}
        for user_id, total, week, days in rows.values_list("user_id").annotate(
            total=Sum("entries"),
            week=Sum("entries", filter=Q(day__gte=week_ago)),
            days=Count("day", distinct=True),
        )
    }
    person = Coalesce("user_id", Value(0))  # entries imported without a person count as one
    person_day = Concat(
        Cast(person, CharField()), Value(" "), Cast("day", CharField()), output_field=CharField()
    )
    per_shift = {
        shift: {"total": total, "people": people, "person_days": person_days}
        for shift, total, people, person_days in rows.values_list("shift").annotate(
            total=Sum("entries"),
            people=Count(person, distinct=True),
            person_days=Count(person_day, distinct=True),
        )
    }
    users = {
        u.pk: u
        for u in User.objects.filter(pk__in=[k for k in per_user if k]).select_related("unit")
    }
    operators = Table(
        "nang-suat-nguoi-nhap",
        "Năng suất theo người nhập",
        [
            Column("Người nhập"),
            Column("Đơn vị"),
            Column("Tổng số đã nhập", numeric=True),
            Column("7 ngày qua", numeric=True),
            Column("Số ngày làm việc", numeric=True),
            Column("Bình quân mỗi ngày", numeric=True),
        ],
    )
    for user_id, u in sorted(
        per_user.items(), key=lambda kv: (-kv[1]["total"], str(users.get(kv[0], "")))
    ):
        who = users.get(user_id) if user_id else None
        operators.rows.append(
            [
                str(who) if who else "(nhập từ tệp, không rõ người)",
                who.unit.full_name if who and who.unit else "",
                u["total"],
                u["week"],
                u["days"],
                round(u["total"] / u["days"], 1),
            ]
        )
    board.tables[operators.key] = operators
    top = operators.rows[:15]
    if top:
        board.charts["operators"] = charts.bar_chart(
            "Số trường hợp đã nhập theo người (15 người nhiều nhất)",
            [r[0] for r in top],
            [r[2] for r in top],
        )
    shifts = Table(
        "nang-suat-ca",
        "Năng suất theo ca",
        [
            Column("Ca"),
            Column("Số đã nhập", numeric=True),
            Column("Số người", numeric=True),
            Column("Bình quân mỗi người mỗi ca", numeric=True),
        ],
    )
    for name, s in sorted(per_shift.items(), key=lambda kv: (kv[0] == "", kv[0])):
        shifts.rows.append(
            [
                name or "Ngoài giờ các ca",
                s["total"],
                s["people"],
                round(s["total"] / s["person_days"], 1),
            ]
        )
    board.tables[shifts.key] = shifts
    if shifts.rows:
        board.charts["shifts"] = charts.bar_chart(
            "Số trường hợp đã nhập theo ca",
            [r[0] for r in shifts.rows],
            [r[1] for r in shifts.rows],
            color=charts.PALETTE[2],
        )


# --- commune: books, gaps and double capture -----------------------------------------------


def book_progress_table(commune: Unit) -> Table:
    """Return the live per-book progress of COMMUNE (a commune's books are few enough)."""
    order = [s.value for s in EntryStatus]
    stage = {s: order[order.index(s) :] for s in order}
    books = (
        RegisterBook.objects.filter(commune=commune)
        .select_related("historical_unit")
        .annotate(
            n=Count("entries"),
            n_keyed=Count("entries", filter=Q(entries__status__in=stage["keyed"])),
            n_verified=Count("entries", filter=Q(entries__status__in=stage["verified"])),
            n_reconciled=Count("entries", filter=Q(entries__status__in=stage["reconciled"])),
            n_approved=Count("entries", filter=Q(entries__status__in=stage["approved"])),
            n_exported=Count("entries", filter=Q(entries__status__in=stage["exported"])),
            n_scanned=Count("entries", filter=Q(entries__scans__isnull=False), distinct=True),
        )
        .order_by("register_type", "year_from", "volume")
    )
    table = Table(
        "tien-do-theo-so",
        "Tiến độ theo từng quyển sổ",
        [
            Column("Loại sổ"),
            Column("Quyển số"),
            Column("Năm"),
            Column("Tình trạng"),
            Column("Dự kiến", numeric=True),
            Column("Đã nhập", numeric=True),
            Column("Đã nhập xong", numeric=True),
            Column("Đã kiểm tra", numeric=True),
            Column("Đã đối chiếu", numeric=True),
            *(Column(f"Người: {label.lower()}", numeric=True) for _, label in OUTCOME_COLUMNS),
            Column("Đang theo dõi", numeric=True),
            Column("Đã có bản chụp", numeric=True),
            Column("Đã phê duyệt", numeric=True),
            Column("Đã xuất", numeric=True),
        ],
    )
    # Separate queries: joining people or cases into the query above would multiply its counts.
    outcomes: dict[int, dict[str, int]] = defaultdict(dict)
    for book_id, outcome, n in (
        MatchResult.objects.filter(person__entry__book__commune=commune)
        .values_list("person__entry__book_id", "outcome")
        .annotate(n=Count("id"))
        .order_by()
    ):
        outcomes[book_id][outcome] = n
    open_cases = dict(
        TrackingCase.objects.filter(entry__book__commune=commune, status=TrackingCase.Status.OPEN)
        .values_list("entry__book_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for b in books:
        state = "Đã có trong CSDL điện tử" if b.already_electronic else b.get_condition_display()
        table.rows.append(
            [
                b.register_type_label,
                b.volume,
                b.years_label,
                state,
                b.expected_cases or 0,
                b.n,
                b.n_keyed,
                b.n_verified,
                b.n_reconciled,
                *(outcomes[b.pk].get(k, 0) for k, _ in OUTCOME_COLUMNS),
                open_cases.get(b.pk, 0),
                b.n_scanned,
                b.n_approved,
                b.n_exported,
            ]
        )
    return table


def _ranges(numbers: list[int]) -> str:
    """Return "3, 7–9, 12" for [3, 7, 8, 9, 12]."""
    parts, i = [], 0
    while i < len(numbers):
        j = i
        while j + 1 < len(numbers) and numbers[j + 1] == numbers[j] + 1:
            j += 1
        parts.append(str(numbers[i]) if i == j else f"{numbers[i]}–{numbers[j]}")
        i = j + 1
    return ", ".join(parts)


def gaps_table(commune: Unit) -> Table:
    """Return, per book and year, entry numbers missing (1 … highest) and numbers keyed twice."""
    seen: dict[tuple[int, int], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for book_id, year, number in (
        Entry.objects.filter(book__commune=commune)
        .values_list("book_id", "year", "number")
        .iterator()
    ):
        seen[(book_id, year)][number] += 1
    books = {b.pk: b for b in RegisterBook.objects.filter(commune=commune)}
    table = Table(
        "so-thieu-trung",
        "Số thứ tự bị thiếu hoặc nhập trùng trong từng sổ, từng năm",
        [
            Column("Sổ"),
            Column("Năm", numeric=True),
            Column("Đã nhập", numeric=True),
            Column("Số lớn nhất", numeric=True),
            Column("Số bị thiếu"),
            Column("Số thiếu", numeric=True),
            Column("Số nhập trùng"),
            Column("Số trùng", numeric=True),
        ],
        empty="Không có số bị thiếu hay nhập trùng.",
    )
    for (book_id, year), counts in sorted(
        seen.items(), key=lambda kv: (str(books[kv[0][0]]), kv[0][1])
    ):
        highest = max(counts)
        missing = [n for n in range(1, highest + 1) if n not in counts]
        doubled = sorted(n for n, c in counts.items() if c > 1)
        if missing or doubled:
            table.rows.append(
                [
                    str(books[book_id]),
                    year,
                    sum(counts.values()),
                    highest,
                    _ranges(missing),
                    len(missing),
                    ", ".join(f"{n} (×{counts[n]})" for n in doubled),
                    len(doubled),
                ]
            )
    return table


def inventory_tables(commune: Unit) -> tuple[Table, Table]:
    """Return COMMUNE's book list and its summary per register type (the plan's appendix, docs/sources.md)."""
    books = list(
        RegisterBook.objects.filter(commune=commune)
        .select_related("historical_unit")
        .annotate(n=Count("entries"))
        .order_by("register_type", "year_from", "volume")
    )
    listing = Table(
        "kiem-ke-so",
        "Danh mục sổ hộ tịch",
        [
            Column("Loại sổ"),
            Column("Quyển số"),
            Column("Năm"),
            Column("Nơi đăng ký (thời điểm lập sổ)"),
            Column("Số trang", numeric=True),
            Column("Số trường hợp dự kiến", numeric=True),
            Column("Tình trạng"),
            Column("Lý do"),
            Column("Đã có trong CSDL điện tử"),
            Column("Đã nhập", numeric=True),
        ],
    )
    for b in books:
        listing.rows.append(
            [
                b.register_type_label,
                b.volume,
                b.years_label,
                b.historical_unit.full_name if b.historical_unit else "",
                b.pages,
                b.expected_cases,
                b.get_condition_display(),
                b.condition_reason,
                "Có" if b.already_electronic else "Không",
                b.n,
            ]
        )
    return listing, appendix_table(books)


def appendix_table(books: Sequence[RegisterBook], entered: dict[str, int] | None = None) -> Table:
    """Return the commune plan's appendix (docs/sources.md): STT, Loại sổ, Tổng số, Số đã nhập, Số phải nhập, Ghi chú.

    BOOKS must carry ``n`` (entries keyed) unless ENTERED gives the count per register type.
    Books already electronic are left out (they are not keyed again); lost books are named
    with their reason in the note.
    """
    by_type: dict[str, dict[str, Any]] = {}
    for code in REGISTER_TYPES:
        by_type[code] = {"total": 0, "entered": 0, "notes": []}
    for b in books:
        if b.already_electronic:
            continue
        row = by_type[b.register_type]
        if b.condition == RegisterBook.Condition.LOST:
            row["notes"].append(f"Quyển {b.volume} bị mất: {b.condition_reason}")
            continue
        if b.condition == RegisterBook.Condition.DAMAGED:
            row["notes"].append(f"Quyển {b.volume} hư hỏng: {b.condition_reason}")
        row["total"] += b.expected_cases or 0
        row["entered"] += getattr(b, "n", 0)
    if entered is not None:
        for code, row in by_type.items():
            row["entered"] = entered.get(code, 0)
    table = Table(
        "phu-luc",
        "Số liệu thực hiện số hóa sổ hộ tịch",
        [
            Column("STT"),
            Column("Loại sổ"),
            Column("Tổng số", numeric=True),
            Column("Số đã nhập", numeric=True),
            Column("Số phải nhập", numeric=True),
            Column("Ghi chú"),
        ],
    )
    for i, (code, row) in enumerate(by_type.items(), start=1):
        table.rows.append(
            [
                f"{i:02d}",
                type_label(code),
                row["total"],
                row["entered"],
                max(row["total"] - row["entered"], 0),
                "; ".join(row["notes"]),
            ]
        )
    return table


# --- weekly report reminder ------------------------------------------------------------------


@dataclass
class Owed:
    unit: Unit
    officers: list[User]
    report_id: int | None


def reports_owed(user: User, *, now: datetime.datetime) -> dict[str, Any] | None:
    """Return who still owes this week's report among the units USER may see, or None.

    A commune in an active campaign owes a report every week, sent by its justice officers
    (docs/sources.md, "The commune plan": before 11:00 on Friday); a province that issued an active campaign owes one
    from its supervisors. A report counts once it is marked as sent.
    """
    from hotich.accounts.models import Role
    from hotich.campaigns.models import WeeklyReport
    from hotich.campaigns.scope import units_for_user
    from hotich.campaigns.services import local_tz, report_deadline, week_start_of

    today = now.astimezone(local_tz()).date()
    week = week_start_of(today)
    active = Campaign.objects.filter(start_date__lte=today, end_date__gte=today)
    visible = units_for_user(user)
    communes = visible.filter(level=Unit.Level.COMMUNE, pk__in=active.values("communes"))
    provinces = visible.filter(level=Unit.Level.PROVINCE, pk__in=active.values("unit"))
    units = list(communes) + list(provinces)
    if not units:
        return None
    reports = {r.unit_id: r for r in WeeklyReport.objects.filter(unit__in=units, week_start=week)}
    officers: dict[int, list[User]] = defaultdict(list)
    for officer in User.objects.filter(
        Q(role=Role.JUSTICE_OFFICER, unit__in=communes)
        | Q(role=Role.SUPERVISOR, unit__in=provinces),
        is_active=True,
    ).order_by("first_name"):
        assert officer.unit_id is not None  # filtered on the unit
        officers[officer.unit_id].append(officer)
    owed = [
        Owed(u, officers.get(u.pk, []), reports[u.pk].pk if u.pk in reports else None)
        for u in sorted(units, key=lambda u: u.name)
        if not (u.pk in reports and reports[u.pk].submitted_at)
    ]
    deadline = report_deadline(week)
    return {
        "week": week,
        "deadline": deadline,
        "overdue": now > deadline,
        "owed": owed,
        "mine": any(user in o.officers for o in owed),
    }
