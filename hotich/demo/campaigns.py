"""Demo campaign: the demo communes get a province plan, targets, teams, shifts and history.

The demo's entries are all created at load time; to give the dashboards a past, their
creation times are spread over the last three weeks, inside the shifts, among the commune's
officers. Idempotent: nothing happens when the demo campaign exists.
"""

import datetime
import random

from django.db import transaction

from hotich.accounts.models import Role, User
from hotich.campaigns.models import Campaign, TeamMember
from hotich.campaigns.services import (
    book_assign,
    campaign_create,
    local_today,
    local_tz,
    snapshot_refresh,
    target_set,
    team_create,
    team_member_add,
)
from hotich.places.models import AdministrativeUnit
from hotich.registers.models import Entry, RegisterBook

DEMO_CAMPAIGN = "Đợt cao điểm nhập dữ liệu hộ tịch (dữ liệu mẫu)"
PARTS = {
    Role.JUSTICE_OFFICER: TeamMember.Part.JUSTICE,
    Role.POLICE_OFFICER: TeamMember.Part.POLICE,
    Role.HELPER: TeamMember.Part.HELPER,
    Role.TEAM_LEADER: TeamMember.Part.LEADER,
}


@transaction.atomic
def campaign_demo_load(
    *, communes: list[AdministrativeUnit], province: AdministrativeUnit, planner: User
) -> Campaign | None:
    """Create the demo campaign for COMMUNES (once) and compute its figures."""
    if Campaign.objects.filter(name=DEMO_CAMPAIGN, unit=province).exists():
        return None
    rng = random.Random(6)
    today = local_today()
    start = today - datetime.timedelta(days=20)
    campaign = campaign_create(
        user=planner,
        unit=province,
        name=DEMO_CAMPAIGN,
        start_date=start,
        end_date=start + datetime.timedelta(days=45),
        communes=communes,
    )
    shifts = list(campaign.shifts.all())
    tz = local_tz()
    for commune in communes:
        books = RegisterBook.objects.filter(commune=commune, already_electronic=False).exclude(
            condition=RegisterBook.Condition.LOST
        )
        for register_type in sorted(set(books.values_list("register_type", flat=True))):
            expected = sum(b.expected_cases or 0 for b in books if b.register_type == register_type)
            target_set(
                campaign=campaign,
                user=planner,
                commune=commune,
                register_type=register_type,
                target_cases=expected,
            )
        team = team_create(campaign=campaign, user=planner, commune=commune, name="Tổ 1")
        people = list(User.objects.filter(unit=commune, role__in=list(PARTS)).order_by("username"))
        for i, person in enumerate(people):
            team_member_add(
                team=team,
                user=planner,
                member=person,
                part=PARTS[Role(person.role)],
                shifts=[shifts[i % len(shifts)]],
            )
        book_assign(team=team, user=planner, books=books)
        keyers: list[User | None] = [*people] or [None]
        for entry_id in Entry.objects.filter(book__commune=commune).values_list("pk", flat=True):
            who = rng.choice(keyers)
            shift = shifts[keyers.index(who) % len(shifts)] if who else rng.choice(shifts)
            day = start + datetime.timedelta(days=rng.randint(0, 20))
            hour = rng.randint(shift.start.hour, shift.end.hour - 1)
            moment = datetime.datetime.combine(
                day, datetime.time(hour, rng.randint(0, 59)), tzinfo=tz
            )
            Entry.objects.filter(pk=entry_id).update(created_at=moment, created_by=who)
    snapshot_refresh(communes=communes, since=start)
    return campaign
