"""A commune campaign with known entries: who keyed them, when, in which shift."""

import datetime

import pytest

from hotich.campaigns.services import campaign_create, local_today, local_tz, snapshot_refresh


@pytest.fixture
def keyed(book, personas, units):
    """Entries of BOOK keyed over the last three days by two officers in two shifts.

    Numbers 1–10 except 4, with 7 keyed twice; 2 drafts, 4 keyed, 2 reconciled, 2 approved.
    """
    from hotich.registers.models import Entry, RegisterBook
    from hotich.registers.services import entry_create

    today = local_today()
    tz = local_tz()
    plan = [  # (number, status, who, days ago, hour)
        (1, "approved", "justice_officer", 2, 7),
        (2, "approved", "justice_officer", 2, 8),
        (3, "reconciled", "justice_officer", 2, 9),
        (5, "reconciled", "helper", 1, 13),
        (6, "keyed", "helper", 1, 14),
        (7, "keyed", "helper", 1, 15),
        (7, "keyed", "justice_officer", 0, 7),
        (8, "keyed", "justice_officer", 0, 8),
        (9, "draft", "helper", 0, 13),
        (10, "draft", "helper", 0, 23),
        (10, "draft", "helper", 0, 23),
    ][:10]
    entries = []
    for number, status, who, ago, hour in plan:
        entry = entry_create(
            book=book,
            user=personas[who],
            year=2008,
            number=number,
            values={"nksHoTen": f"Người số {number}"},
            status=status,
        )
        moment = datetime.datetime.combine(
            today - datetime.timedelta(days=ago), datetime.time(hour, 30), tzinfo=tz
        )
        Entry.objects.filter(pk=entry.pk).update(created_at=moment)
        entries.append(entry)
    RegisterBook.objects.create(
        commune=units["commune"],
        register_type="KH",
        year_from=1990,
        year_to=1990,
        volume="01/1990",
        condition="lost",
        condition_reason="Mất do lũ lụt năm 2007",
        expected_cases=50,
    )
    RegisterBook.objects.create(
        commune=units["commune"],
        register_type="KS",
        year_from=2018,
        year_to=2018,
        volume="01/2018",
        already_electronic=True,
        expected_cases=300,
    )
    return entries


@pytest.fixture
def campaign(keyed, units, personas):
    campaign = campaign_create(
        user=personas["supervisor"],
        unit=units["province"],
        name="Kế hoạch 168/KH-UBND",
        start_date=local_today() - datetime.timedelta(days=5),
        end_date=local_today() + datetime.timedelta(days=20),
        communes=[units["commune"], units["commune_b"]],
    )
    snapshot_refresh(
        communes=[units["commune"], units["commune_b"]],
        since=local_today() - datetime.timedelta(days=5),
    )
    return campaign


# Entries of the `keyed` fixture by number: (role, outcome) of their people.
OUTCOMES = {
    1: [("subject", "match"), ("mother", "match"), ("father", "discrepancy")],
    2: [("subject", "match")],
    3: [("subject", "not_found"), ("mother", "review")],
    5: [("subject", "discrepancy")],
    6: [("subject", "discrepancy")],
}
# Tracking cases: entry number, role, days open, closed how many days ago (None: open).
CASES = [(1, "father", 2, None), (5, "subject", 12, None), (6, "subject", 45, None)]
CASES += [(3, "subject", 100, None), (2, "subject", 20, 5)]


@pytest.fixture
def reconciled(keyed, units, personas):
    """KEYED with results per person (OUTCOMES) and tracking cases of several ages (CASES)."""
    from django.utils import timezone

    from hotich.reconciliation.models import MatchResult, TrackingCase
    from hotich.registers.models import EntryPerson

    now = timezone.now()
    by_number = {e.number: e for e in keyed}
    for number, people in OUTCOMES.items():
        for role, outcome in people:
            person, _ = EntryPerson.objects.get_or_create(entry=by_number[number], role=role)
            MatchResult.objects.update_or_create(
                person=person, defaults={"outcome": outcome, "path": "batch"}
            )
    for number, role, days, closed in CASES:
        case = TrackingCase.objects.create(
            entry=by_number[number],
            role=role,
            commune=units["commune"],
            status="closed" if closed is not None else "open",
            closed_at=now - datetime.timedelta(days=closed) if closed is not None else None,
        )
        TrackingCase.objects.filter(pk=case.pk).update(
            opened_at=now - datetime.timedelta(days=days, hours=1)
        )
    return keyed


@pytest.fixture
def refreshed(reconciled, campaign, units):
    """The campaign's figures recomputed once the results and cases exist."""
    snapshot_refresh(communes=[units["commune"], units["commune_b"]])
    return campaign
