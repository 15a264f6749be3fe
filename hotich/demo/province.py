"""A large synthetic province for measuring dashboards: N communes, M entries, D days of work.

Entries carry only the entry number (no personal data): the dashboards read counts, not
values. Creation times fall inside the campaign's shifts, spread over D days, keyed by each
commune's team; statuses follow a plausible mix; one entry in ten has a scan row.
"""

import datetime
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from hotich.accounts.models import Role, User
from hotich.campaigns.models import Campaign, CampaignTarget, Team, TeamMember
from hotich.campaigns.services import campaign_create, local_today, local_tz, snapshot_refresh
from hotich.places.models import AdministrativeUnit as Unit
from hotich.places.services import units_load
from hotich.reconciliation.models import MatchResult, TrackingCase
from hotich.registers.models import Entry, EntryPerson, EntryStatus, RegisterBook, Scan

GENERATED = "Đợt cao điểm (dữ liệu sinh để đo hiệu năng)"
TYPES = (("KS", 0.55), ("KH", 0.15), ("KT", 0.2), ("NCN", 0.02), ("CMC", 0.03), ("HN", 0.05))
STATUS_MIX = (
    (EntryStatus.DRAFT, 0.05),
    (EntryStatus.KEYED, 0.3),
    (EntryStatus.VERIFIED, 0.2),
    (EntryStatus.RECONCILED, 0.2),
    (EntryStatus.REVIEWED, 0.1),
    (EntryStatus.APPROVED, 0.1),
    (EntryStatus.EXPORTED, 0.05),
)
TEAM = (
    (Role.JUSTICE_OFFICER, TeamMember.Part.JUSTICE),
    (Role.POLICE_OFFICER, TeamMember.Part.POLICE),
    (Role.HELPER, TeamMember.Part.HELPER),
    (Role.HELPER, TeamMember.Part.HELPER),
    (Role.TEAM_LEADER, TeamMember.Part.LEADER),
    (Role.HELPER, TeamMember.Part.HELPER),
)


@dataclass
class Generated:
    campaign: Campaign
    communes: int
    books: int
    entries: int
    users: int


def generated_campaign(province_code: str) -> Campaign | None:
    return Campaign.objects.filter(name=GENERATED, unit__province_code=province_code).first()


def generate(
    *,
    province_code: str,
    communes: int,
    entries: int,
    days: int,
    seed: int = 7,
    progress: Any = None,
) -> Generated:
    """Build the data set (refuses to run twice for one province) and compute its snapshots."""
    if generated_campaign(province_code):
        raise ValueError(f"Tỉnh {province_code} đã có dữ liệu sinh; dùng cơ sở dữ liệu khác.")
    if not Unit.objects.filter(level=Unit.Level.PROVINCE).exists():
        units_load()
    rng = random.Random(seed)
    province = Unit.objects.get(
        level=Unit.Level.PROVINCE, period=Unit.Period.CURRENT, province_code=province_code
    )
    chosen = list(
        Unit.objects.filter(
            level=Unit.Level.COMMUNE, period=Unit.Period.CURRENT, province_code=province_code
        )
        .annotate(n_old=Count("predecessors"))
        .order_by("-n_old", "code")[:communes]
    )
    if len(chosen) < communes:
        raise ValueError(f"Tỉnh {province_code} chỉ có {len(chosen)} xã/phường hiện hành.")
    today = local_today()
    start = today - datetime.timedelta(days=days - 1)
    planner = User.objects.filter(username=f"gen-{province_code}-giamsat").first()
    if planner is None:
        planner = User(username=f"gen-{province_code}-giamsat", role=Role.SUPERVISOR, unit=province)
        planner.set_unusable_password()
        planner.save()
    campaign = campaign_create(
        user=planner,
        unit=province,
        name=GENERATED,
        start_date=start,
        end_date=start + datetime.timedelta(days=days + days // 3),
        communes=chosen,
    )
    shifts = list(campaign.shifts.all())
    per_commune = entries // communes
    n_books = n_entries = n_users = 0
    entry_field = Entry._meta.get_field("created_at")
    for ci, commune in enumerate(chosen):
        with transaction.atomic():
            people = []
            for i, (role, _part) in enumerate(TEAM):
                user = User(
                    username=f"gen-{commune.code}-{i}",
                    role=role,
                    unit=commune,
                    last_name="Nhập Liệu",
                    first_name=f"{commune.name} {i + 1}",
                )
                user.set_unusable_password()
                people.append(user)
            User.objects.bulk_create(people)
            n_users += len(people)
            team = Team.objects.create(campaign=campaign, commune=commune, name="Tổ 1")
            for i, ((_role, part), user) in enumerate(zip(TEAM, people, strict=True)):
                member = TeamMember.objects.create(team=team, user=user, part=part)
                member.shifts.set([shifts[i % len(shifts)]])
            old: list[Unit | None] = list(commune.predecessors.order_by("code")) or [None]
            books, targets = [], []
            for code, share in TYPES:
                cases = int(per_commune * share)
                volumes = max(1, cases // 500)
                for v in range(volumes):
                    year = 1995 + v % 25
                    books.append(
                        RegisterBook(
                            commune=commune,
                            historical_unit=old[v % len(old)],
                            register_type=code,
                            year_from=year,
                            year_to=year,
                            volume=f"{v + 1:02d}/{year}",
                            expected_cases=int(cases / volumes * 1.25),
                        )
                    )
                targets.append(
                    CampaignTarget(
                        campaign=campaign,
                        commune=commune,
                        register_type=code,
                        target_cases=int(cases * 1.25),
                    )
                )
            RegisterBook.objects.bulk_create(books)
            CampaignTarget.objects.bulk_create(targets)
            n_books += len(books)
            rows = []
            share_total = sum(s for _, s in TYPES)
            for book in books:
                weight = dict(TYPES)[book.register_type] / share_total
                count = int(
                    per_commune
                    * weight
                    / max(1, sum(b.register_type == book.register_type for b in books))
                )
                for number in range(1, count + 1):
                    i = rng.randrange(len(people))
                    shift = shifts[i % len(shifts)]
                    day = start + datetime.timedelta(days=rng.randrange(days))
                    moment = datetime.datetime.combine(
                        day,
                        datetime.time(
                            rng.randint(shift.start.hour, shift.end.hour - 1), rng.randrange(60)
                        ),
                        tzinfo=local_tz(),
                    )
                    status = rng.choices([s for s, _ in STATUS_MIX], [w for _, w in STATUS_MIX])[0]
                    rows.append(
                        Entry(
                            book=book,
                            year=book.year_from,
                            number=number,
                            values={"so": f"{number:02d}"},
                            status=status,
                            created_by=people[i],
                            updated_by=people[i],
                            created_at=moment,
                        )
                    )
            # Creation times are the point of this data set: keep ours, not "now".
            entry_field.auto_now_add = False
            try:
                created = Entry.objects.bulk_create(rows, batch_size=2000)
            finally:
                entry_field.auto_now_add = True
            n_entries += len(created)
            Scan.objects.bulk_create(
                [
                    Scan(
                        entry=e,
                        file=f"scans/{commune.code}/{e.book_id}/{e.pk}/{e.number}.pdf",
                        original_name=f"{e.number}.pdf",
                        content_type="application/pdf",
                        size=100_000,
                        sha256="0" * 64,
                        pages=1,
                        uploaded_by=e.created_by,
                    )
                    for e in created
                    if e.number % 10 == 0
                ],
                batch_size=2000,
            )
        if progress:
            progress(ci + 1, len(chosen), n_entries)
    outcomes_generate(communes=chosen, seed=seed)
    snapshot_refresh(communes=chosen, since=start)
    return Generated(campaign, len(chosen), n_books, n_entries, n_users)


#: Outcomes of the people of reconciled entries (the engine's mix on the demo's books).
OUTCOME_MIX = (
    (MatchResult.Outcome.MATCH, 0.72),
    (MatchResult.Outcome.DISCREPANCY, 0.12),
    (MatchResult.Outcome.NOT_FOUND, 0.1),
    (MatchResult.Outcome.REVIEW, 0.06),
)
#: People named per entry that the engine reconciles (a birth: the child and both parents).
PEOPLE = {"KS": ("subject", "mother", "father"), "KH": ("husband", "wife")}
#: Share of tracking cases already closed; the others stay open, opened 0–120 days ago.
CLOSED_SHARE = 0.4


def outcomes_generate(*, communes: Sequence[Unit], seed: int = 7) -> int:
    """Give the people of the reconciled entries of COMMUNES an outcome; return results made.

    Each entry reconciled or further along gets its people (no personal data: the role only)
    with a MatchResult drawn from OUTCOME_MIX; each discrepancy opens a tracking case, opened
    up to 120 days ago, some already closed. Skips communes that already have results, so a
    data set generated before this step existed can be completed in place.
    """
    rng = random.Random(seed + 1)
    later = [s.value for s in EntryStatus][[s.value for s in EntryStatus].index("reconciled") :]
    opened_field = TrackingCase._meta.get_field("opened_at")
    now = timezone.now()
    made = 0
    for commune in communes:
        if MatchResult.objects.filter(person__entry__book__commune=commune).exists():
            continue
        with transaction.atomic():
            entries = list(
                Entry.objects.filter(book__commune=commune, status__in=later).values_list(
                    "pk", "book__register_type"
                )
            )
            people = [
                EntryPerson(entry_id=pk, role=role)
                for pk, rtype in entries
                for role in PEOPLE.get(rtype, ("subject",))
            ]
            people = EntryPerson.objects.bulk_create(people, batch_size=2000)
            outcomes = rng.choices(
                [o for o, _ in OUTCOME_MIX], [w for _, w in OUTCOME_MIX], k=len(people)
            )
            MatchResult.objects.bulk_create(
                [
                    MatchResult(person=p, outcome=o, path=MatchResult.Path.BATCH)
                    for p, o in zip(people, outcomes, strict=True)
                ],
                batch_size=2000,
            )
            cases = []
            for person, outcome in zip(people, outcomes, strict=True):
                if outcome != MatchResult.Outcome.DISCREPANCY:
                    continue
                opened = now - datetime.timedelta(minutes=rng.randrange(120 * 24 * 60))
                closed = rng.random() < CLOSED_SHARE
                cases.append(
                    TrackingCase(
                        entry_id=person.entry_id,
                        role=person.role,
                        person=person,
                        commune=commune,
                        fields=[{"field": "birth_date", "label": "Ngày sinh"}],
                        status=TrackingCase.Status.CLOSED if closed else TrackingCase.Status.OPEN,
                        result=TrackingCase.Result.BOOK_RIGHT if closed else "",
                        opened_at=opened,
                        closed_at=opened + (now - opened) / 2 if closed else None,
                    )
                )
            # Opening times spread over months are the point: keep ours, not "now".
            opened_field.auto_now_add = False
            try:
                TrackingCase.objects.bulk_create(cases, batch_size=2000)
            finally:
                opened_field.auto_now_add = True
            made += len(people)
    return made
