"""Writes for campaigns, inventory, teams, shifts, progress snapshots and weekly reports.

Views, commands and tasks call these; nobody else writes these models.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case, CharField, Count, Q, Sum, Value, When
from django.db.models.functions import TruncHour
from django.utils import timezone
from django.utils.translation import gettext as _

from hotich.accounts.models import User
from hotich.audit.models import AuditEvent
from hotich.audit.services import audit_record
from hotich.campaigns.models import (
    DEFAULT_SHIFTS,
    BookAssignment,
    Campaign,
    CampaignTarget,
    DailyOutput,
    DailyOutputByPerson,
    DailyOutputByType,
    ProgressSnapshot,
    Shift,
    Team,
    TeamMember,
    WeeklyReport,
)
from hotich.places.models import AdministrativeUnit
from hotich.reconciliation.models import MatchResult, TrackingCase
from hotich.registers.models import Entry, EntryPerson, EntryStatus, RegisterBook, Scan
from hotich.registers.spec import REGISTER_TYPES


class PlanningError(ValueError):
    """Bad planning input; the message is Vietnamese and says what to fix."""


def local_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local_today() -> datetime.date:
    return timezone.now().astimezone(local_tz()).date()


# --- inventory ---------------------------------------------------------------------------

# The inventory's fields of a book, in the order of its form (forms.BookForm).
BOOK_FIELDS = (
    "register_type",
    "year_from",
    "year_to",
    "volume",
    "pages",
    "expected_cases",
    "condition",
    "condition_reason",
    "already_electronic",
    "historical_unit",
    "notes",
)


def inventory_book_save(
    *,
    commune: AdministrativeUnit,
    user: User,
    data: dict[str, Any],
    book: RegisterBook | None = None,
) -> RegisterBook:
    """Create (or, with BOOK, update) a book in COMMUNE's inventory; audit the change.

    Raise PlanningError when the volume already exists or a lost book has no reason.
    """
    if data.get("condition") == RegisterBook.Condition.LOST and not data.get("condition_reason"):
        raise PlanningError(_("Sổ bị mất phải ghi lý do (ví dụ: mất do lũ lụt năm 2007)."))
    if data["year_to"] < data["year_from"]:
        raise PlanningError(_("“Đến năm” phải bằng hoặc sau “Từ năm”."))
    target = book or RegisterBook(commune=commune)
    before = {f: getattr(target, f) for f in BOOK_FIELDS} if book else {}
    for field in BOOK_FIELDS:
        if field in data:
            setattr(target, field, data[field])
    try:
        with transaction.atomic():
            if book is None:
                target.save()
            else:
                target.save(update_fields=[f for f in BOOK_FIELDS if f in data])
    except IntegrityError:
        raise PlanningError(
            _("Xã đã có quyển %(volume)s của loại sổ này, năm %(year)s.")
            % {"volume": data.get("volume"), "year": data.get("year_from")}
        ) from None
    changes = {
        f: [str(before.get(f, "")) if book else None, str(getattr(target, f))]
        for f in BOOK_FIELDS
        if f in data and (not book or before.get(f) != getattr(target, f))
    }
    audit_record(
        user=user,
        action=AuditEvent.Action.UPDATE if book else AuditEvent.Action.CREATE,
        obj=target,
        changes=changes,
    )
    return target


# --- campaigns, targets, teams, shifts ----------------------------------------------------


@transaction.atomic
def campaign_create(
    *,
    user: User,
    unit: AdministrativeUnit,
    name: str,
    start_date: datetime.date,
    end_date: datetime.date,
    communes: Iterable[AdministrativeUnit],
    notes: str = "",
) -> Campaign:
    """Create a campaign with the default three shifts and return it."""
    if end_date < start_date:
        raise PlanningError(_("Hạn hoàn thành phải sau ngày bắt đầu."))
    communes = list(communes)
    if not communes:
        raise PlanningError(_("Chọn ít nhất một xã/phường thực hiện."))
    campaign = Campaign.objects.create(
        name=name, unit=unit, start_date=start_date, end_date=end_date, notes=notes, created_by=user
    )
    campaign.communes.set(communes)
    Shift.objects.bulk_create(
        [Shift(campaign=campaign, name=n, start=s, end=e) for n, s, e in DEFAULT_SHIFTS]
    )
    audit_record(
        user=user,
        action=AuditEvent.Action.CREATE,
        obj=campaign,
        changes={"communes": [None, [c.code for c in communes]]},
    )
    return campaign


def target_set(
    *,
    campaign: Campaign,
    user: User,
    commune: AdministrativeUnit,
    register_type: str,
    target_cases: int,
    deadline: datetime.date | None = None,
) -> CampaignTarget:
    """Set (create or replace) COMMUNE's target for REGISTER_TYPE in CAMPAIGN."""
    if not campaign.communes.filter(pk=commune.pk).exists():
        raise PlanningError(_("Xã/phường này không thuộc phạm vi kế hoạch."))
    if register_type not in REGISTER_TYPES:
        raise PlanningError(_("Loại sổ không hợp lệ: %s") % register_type)
    if deadline and not campaign.start_date <= deadline <= campaign.end_date:
        raise PlanningError(_("Hạn của chỉ tiêu phải nằm trong thời gian của kế hoạch."))
    target, created = CampaignTarget.objects.update_or_create(
        campaign=campaign,
        commune=commune,
        register_type=register_type,
        defaults={"target_cases": target_cases, "deadline": deadline},
    )
    audit_record(
        user=user,
        action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
        obj=target,
        commune=commune,
        changes={"target_cases": [None, target_cases], "deadline": [None, str(deadline or "")]},
    )
    return target


def shift_add(
    *, campaign: Campaign, user: User, name: str, start: datetime.time, end: datetime.time
) -> Shift:
    """Add a shift to CAMPAIGN; shifts of one campaign may not overlap."""
    if end <= start:
        raise PlanningError(_("Giờ kết thúc ca phải sau giờ bắt đầu."))
    if campaign.shifts.filter(start__lt=end, end__gt=start).exists():
        raise PlanningError(_("Ca mới trùng giờ với một ca đã có."))
    if campaign.shifts.filter(name=name).exists():
        raise PlanningError(_("Đã có ca tên “%s”.") % name)
    shift = Shift.objects.create(campaign=campaign, name=name, start=start, end=end)
    audit_record(user=user, action=AuditEvent.Action.CREATE, obj=shift)
    return shift


def team_create(*, campaign: Campaign, user: User, commune: AdministrativeUnit, name: str) -> Team:
    """Create a team of COMMUNE in CAMPAIGN."""
    if not campaign.communes.filter(pk=commune.pk).exists():
        raise PlanningError(_("Xã/phường này không thuộc phạm vi kế hoạch."))
    try:
        with transaction.atomic():
            team = Team.objects.create(campaign=campaign, commune=commune, name=name)
    except IntegrityError:
        raise PlanningError(_("Xã đã có tổ tên “%s” trong kế hoạch này.") % name) from None
    audit_record(user=user, action=AuditEvent.Action.CREATE, obj=team, commune=commune)
    return team


def team_member_add(
    *, team: Team, user: User, member: User, part: str, shifts: Iterable[Shift] = ()
) -> TeamMember:
    """Put MEMBER in TEAM with PART and the shifts they work; members belong to the commune."""
    if member.unit_id != team.commune_id:
        raise PlanningError(
            _("%(who)s không thuộc %(commune)s.") % {"who": member, "commune": team.commune}
        )
    shifts = list(shifts)
    if any(s.campaign_id != team.campaign_id for s in shifts):
        raise PlanningError(_("Ca không thuộc kế hoạch của tổ."))
    row, created = TeamMember.objects.update_or_create(
        team=team, user=member, defaults={"part": part}
    )
    row.shifts.set(shifts)
    audit_record(
        user=user,
        action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
        obj=row,
        commune=team.commune,
        changes={"part": [None, part], "shifts": [None, [s.name for s in shifts]]},
    )
    return row


def book_assign(*, team: Team, user: User, books: Iterable[RegisterBook]) -> int:
    """Give BOOKS of the team's commune to TEAM (moving them from another team); return count."""
    n = 0
    for book in books:
        if book.commune_id != team.commune_id:
            raise PlanningError(_("Sổ %s không thuộc xã của tổ.") % book)
        BookAssignment.objects.update_or_create(
            campaign=team.campaign, book=book, defaults={"team": team}
        )
        n += 1
    audit_record(
        user=user,
        action=AuditEvent.Action.UPDATE,
        obj=team,
        commune=team.commune,
        changes={"books": [None, n]},
    )
    return n


# --- progress snapshots -------------------------------------------------------------------

#: Cumulative stages: an entry counts in a stage when its status is that stage or later.
STAGES = ("keyed", "verified", "reconciled", "reviewed", "approved", "exported")
_ORDER = [s.value for s in EntryStatus]


def _stage_counts(status_counts: dict[str, int]) -> dict[str, int]:
    out = {}
    for stage in STAGES:
        rank = _ORDER.index(stage)
        out[stage] = sum(n for s, n in status_counts.items() if _ORDER.index(s) >= rank)
    return out


@dataclass
class SnapshotResult:
    communes: int
    snapshot_rows: int
    output_rows: int
    entries: int


def _shift_tables(commune_ids: list[int]) -> dict[int, list[tuple[Campaign, list[Shift]]]]:
    """Return, per commune, its campaigns (latest first) with their shifts."""
    campaigns = (
        Campaign.objects.filter(communes__in=commune_ids)
        .prefetch_related("shifts")
        .order_by("-start_date")
        .distinct()
    )
    links = Campaign.communes.through.objects.filter(administrativeunit_id__in=commune_ids)
    by_campaign: dict[int, list[int]] = defaultdict(list)
    for link in links:
        by_campaign[link.campaign_id].append(link.administrativeunit_id)
    table: dict[int, list[tuple[Campaign, list[Shift]]]] = defaultdict(list)
    for campaign in campaigns:
        for cid in by_campaign[campaign.pk]:
            table[cid].append((campaign, list(campaign.shifts.all())))
    return table


def shift_name_at(campaigns: list[tuple[Campaign, list[Shift]]], moment: datetime.datetime) -> str:
    """Return the name of the shift MOMENT (local time) falls in, "" outside every shift."""
    day, clock = moment.date(), moment.time()
    for campaign, shifts in campaigns:
        if campaign.is_active_on(day):
            return next((s.name for s in shifts if s.covers(clock)), "")
    return next((n for n, s, e in DEFAULT_SHIFTS if s <= clock < e), "")


def snapshot_refresh(
    *,
    communes: Iterable[AdministrativeUnit],
    day: datetime.date | None = None,
    since: datetime.date | None = None,
) -> SnapshotResult:
    """Recompute the progress of COMMUNES as of DAY (default today) and their daily output.

    Output is recomputed from SINCE (default: the day before DAY) to DAY; earlier days are
    kept. Safe to re-run: the rows of the recomputed days are replaced.
    """
    ids = [c.pk for c in communes]
    day = day or local_today()
    if since is None:
        since = day - datetime.timedelta(days=1)
        if not DailyOutput.objects.filter(commune_id__in=ids).exists():
            # First run for these communes: take in every day since the first entry.
            first = Entry.objects.filter(book__commune_id__in=ids).order_by("created_at").first()
            if first is not None:
                since = min(since, first.created_at.astimezone(local_tz()).date())
    now = timezone.now()
    key = ("book__commune_id", "book__historical_unit_id", "book__register_type")

    status: dict[tuple, dict[str, int]] = defaultdict(dict)
    entries = Entry.objects.filter(book__commune_id__in=ids)
    for *k, st, n in entries.values_list(*key, "status").annotate(n=Count("id")).order_by():
        status[tuple(k)][st] = n
    books = (
        RegisterBook.objects.filter(commune_id__in=ids, already_electronic=False)
        .values_list("commune_id", "historical_unit_id", "register_type")
        .annotate(
            n=Count("id"),
            expected=Sum("expected_cases", filter=~Q(condition=RegisterBook.Condition.LOST)),
        )
        .order_by()
    )
    book_rows = {(c, h, t): (n, e or 0) for c, h, t, n, e in books}
    scanned = dict(
        ((c, h, t), n)
        for c, h, t, n in Scan.objects.filter(entry__book__commune_id__in=ids)
        .values_list(*(f"entry__{k}" for k in key))
        .annotate(n=Count("entry_id", distinct=True))
        .order_by()
    )
    with_pid = dict(
        ((c, h, t), n)
        for c, h, t, n in EntryPerson.objects.filter(
            entry__book__commune_id__in=ids, citizen__isnull=False
        )
        .values_list(*(f"entry__{k}" for k in key))
        .annotate(n=Count("entry_id", distinct=True))
        .order_by()
    )
    outcomes = _outcome_counts(ids, key)
    backlog = _backlog_counts(ids, key, at=min(now, _day_end(day)))
    rows = []
    for k in sorted(set(status) | set(book_rows), key=lambda k: (k[0], k[1] or 0, k[2])):
        counts = status.get(k, {})
        n_books, expected = book_rows.get(k, (0, 0))
        rows.append(
            ProgressSnapshot(
                day=day,
                commune_id=k[0],
                historical_unit_id=k[1],
                register_type=k[2],
                books=n_books,
                expected=expected,
                entries=sum(counts.values()),
                scanned=scanned.get(k, 0),
                with_personal_id=with_pid.get(k, 0),
                computed_at=now,
                **_stage_counts(counts),
                **{f: outcomes.get(k, {}).get(f, 0) for f in OUTCOME_FIELDS},
                **{f: backlog.get(k, {}).get(f, 0) for f, _lo, _hi in BACKLOG_BUCKETS},
            )
        )
    outputs = _daily_output(ids, since, day)
    by_person, by_type = _rollups(outputs)
    with transaction.atomic():
        ProgressSnapshot.objects.filter(day=day, commune_id__in=ids).delete()
        ProgressSnapshot.objects.bulk_create(rows, batch_size=2000)
        for model in (DailyOutput, DailyOutputByPerson, DailyOutputByType):
            model.objects.filter(commune_id__in=ids, day__gte=since, day__lte=day).delete()
        DailyOutput.objects.bulk_create(outputs, batch_size=2000)
        DailyOutputByPerson.objects.bulk_create(by_person, batch_size=2000)
        DailyOutputByType.objects.bulk_create(by_type, batch_size=2000)
    return SnapshotResult(
        communes=len(ids),
        snapshot_rows=len(rows),
        output_rows=len(outputs),
        entries=sum(r.entries for r in rows),
    )


#: ProgressSnapshot fields holding the people reconciled per outcome (MatchResult.Outcome).
OUTCOME_FIELDS = ("match", "discrepancy", "not_found", "review")
#: ProgressSnapshot fields holding open tracking cases by age: (field, from day, to day).
BACKLOG_BUCKETS = (
    ("backlog_lt7", 0, 7),
    ("backlog_7_30", 7, 30),
    ("backlog_30_90", 30, 90),
    ("backlog_gt90", 90, None),
)


def _day_end(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(), local_tz())


def _outcome_counts(ids: list[int], key: tuple[str, ...]) -> dict[tuple, dict[str, int]]:
    """Return, per commune × historical unit × type, the people reconciled per outcome."""
    out: dict[tuple, dict[str, int]] = defaultdict(dict)
    rows = (
        MatchResult.objects.filter(person__entry__book__commune_id__in=ids)
        .values_list(*(f"person__entry__{k}" for k in key), "outcome")
        .annotate(n=Count("id"))
        .order_by()
    )
    for c, h, t, outcome, n in rows:
        out[(c, h, t)][outcome] = n
    return out


def _backlog_counts(
    ids: list[int], key: tuple[str, ...], *, at: datetime.datetime
) -> dict[tuple, dict[str, int]]:
    """Return, per commune × historical unit × type, the tracking cases open AT by age.

    A case counts when it was opened by AT and is still open, or was closed after AT (so a
    past day's snapshot shows that day's backlog).
    """
    bucket = Case(
        *(
            When(opened_at__gt=at - datetime.timedelta(days=hi), then=Value(name))
            for name, _lo, hi in BACKLOG_BUCKETS
            if hi is not None
        ),
        default=Value(BACKLOG_BUCKETS[-1][0]),
        output_field=CharField(),
    )
    rows = (
        TrackingCase.objects.filter(entry__book__commune_id__in=ids, opened_at__lte=at)
        .filter(Q(status=TrackingCase.Status.OPEN) | Q(closed_at__gt=at))
        .annotate(bucket=bucket)
        .values_list(*(f"entry__{k}" for k in key), "bucket")
        .annotate(n=Count("id"))
        .order_by()
    )
    out: dict[tuple, dict[str, int]] = defaultdict(dict)
    for c, h, t, name, n in rows:
        out[(c, h, t)][name] = n
    return out


def _daily_output(ids: list[int], since: datetime.date, day: datetime.date) -> list[DailyOutput]:
    tz = local_tz()
    start = datetime.datetime.combine(since, datetime.time(), tzinfo=tz)
    end = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(), tzinfo=tz)
    grouped = (
        Entry.objects.filter(book__commune_id__in=ids, created_at__gte=start, created_at__lt=end)
        .annotate(hour=TruncHour("created_at", tzinfo=tz))
        .values_list(
            "book__commune_id",
            "book__historical_unit_id",
            "book__register_type",
            "created_by_id",
            "hour",
        )
        .annotate(n=Count("id"))
        .order_by()
    )
    shifts = _shift_tables(ids)
    totals: dict[tuple, int] = defaultdict(int)
    for commune, hist, rtype, user, hour, n in grouped:
        local = hour.astimezone(tz)
        shift = shift_name_at(shifts.get(commune, []), local)
        totals[(local.date(), commune, hist, rtype, user, shift)] += n
    return [
        DailyOutput(
            day=d,
            commune_id=c,
            historical_unit_id=h,
            register_type=t,
            user_id=u,
            shift=s,
            entries=n,
        )
        for (d, c, h, t, u, s), n in totals.items()
    ]


def _rollups(
    outputs: list[DailyOutput],
) -> tuple[list[DailyOutputByPerson], list[DailyOutputByType]]:
    """Return OUTPUTS summed per day × commune × person × shift and per day × commune × type."""
    person: dict[tuple, int] = defaultdict(int)
    rtype: dict[tuple, int] = defaultdict(int)
    for o in outputs:
        person[(o.day, o.commune_id, o.user_id, o.shift)] += o.entries
        rtype[(o.day, o.commune_id, o.register_type)] += o.entries
    return (
        [
            DailyOutputByPerson(day=d, commune_id=c, user_id=u, shift=s, entries=n)
            for (d, c, u, s), n in person.items()
        ],
        [
            DailyOutputByType(day=d, commune_id=c, register_type=t, entries=n)
            for (d, c, t), n in rtype.items()
        ],
    )


def communes_of(unit: AdministrativeUnit) -> list[AdministrativeUnit]:
    """Return the current communes whose books make up UNIT's progress.

    A historical district's books are kept by the current communes its old communes merged
    into, so those are recomputed for it.
    """
    Unit = AdministrativeUnit
    communes = Unit.objects.filter(level=Unit.Level.COMMUNE, period=Unit.Period.CURRENT)
    if unit.level == Unit.Level.COMMUNE:
        return [unit]
    if unit.level == Unit.Level.PROVINCE:
        return list(communes.filter(province_code=unit.province_code))
    kept = RegisterBook.objects.filter(historical_unit__parent=unit).values("commune_id")
    return list(communes.filter(pk__in=kept))


# --- weekly reports -----------------------------------------------------------------------

REPORT_TEXT_FIELDS = (
    "number",
    "place",
    "signer_name",
    "signer_title",
    "recipients",
    "direction",
    "staffing",
    "budget",
    "problems",
)


def week_start_of(day: datetime.date) -> datetime.date:
    """Return the Monday of DAY's week."""
    return day - datetime.timedelta(days=day.weekday())


def report_deadline(week_start: datetime.date) -> datetime.datetime:
    """Return the deadline of a week's report: Friday 11:00, local time (docs/sources.md, "The commune plan")."""
    friday = week_start + datetime.timedelta(days=4)
    return datetime.datetime.combine(friday, datetime.time(11), tzinfo=local_tz())


def report_defaults(*, unit: AdministrativeUnit) -> dict[str, str]:
    """Return the starting text of a new report: last week's text, else the usual layout."""
    last = WeeklyReport.objects.filter(unit=unit).order_by("-week_start").first()
    if last is not None:
        return {f: getattr(last, f) for f in REPORT_TEXT_FIELDS if f != "number"}
    if unit.level == AdministrativeUnit.Level.COMMUNE:
        return {
            "place": unit.name,
            "signer_title": "CHỦ TỊCH",
            "recipients": "UBND tỉnh (qua Sở Tư pháp) để b/c;\nĐảng ủy, HĐND xã để b/c;\nLưu: VT.",
        }
    return {
        "place": unit.name,
        "signer_title": "GIÁM ĐỐC",
        "recipients": "Bộ Tư pháp để b/c;\nUBND tỉnh để b/c;\nUBND các xã, phường;\nLưu: VT.",
    }


def weekly_report_save(
    *, unit: AdministrativeUnit, week_start: datetime.date, user: User, data: dict[str, str]
) -> WeeklyReport:
    """Create or update the report of UNIT for the week starting WEEK_START (a Monday)."""
    if week_start.weekday() != 0:
        raise PlanningError(_("Tuần báo cáo phải bắt đầu vào thứ Hai."))
    values = {f: (data.get(f) or "").strip() for f in REPORT_TEXT_FIELDS}
    if not values["place"]:
        raise PlanningError(_("Cần ghi địa danh (nơi ban hành văn bản)."))
    report, created = WeeklyReport.objects.get_or_create(
        unit=unit, week_start=week_start, defaults={**values, "updated_by": user}
    )
    if not created:
        before = {f: getattr(report, f) for f in REPORT_TEXT_FIELDS}
        for field, value in values.items():
            setattr(report, field, value)
        report.updated_by = user
        report.save(update_fields=[*REPORT_TEXT_FIELDS, "updated_by", "updated_at"])
        changes = {f: [before[f], values[f]] for f in REPORT_TEXT_FIELDS if before[f] != values[f]}
    else:
        changes = {f: [None, v] for f, v in values.items() if v}
    audit_record(
        user=user,
        action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
        obj=report,
        commune=unit if unit.level == AdministrativeUnit.Level.COMMUNE else None,
        changes=changes,
    )
    return report


def weekly_report_submit(*, report: WeeklyReport, user: User) -> bool:
    """Mark REPORT as sent; return False if it had already been sent (nothing written)."""
    sent = WeeklyReport.objects.filter(pk=report.pk, submitted_at__isnull=True).update(
        submitted_at=timezone.now(), submitted_by=user
    )
    if sent:
        audit_record(
            user=user,
            action=AuditEvent.Action.UPDATE,
            obj=report,
            changes={"submitted": [False, True]},
        )
    return bool(sent)
