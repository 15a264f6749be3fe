"""The demo data: real units, books of every type, entries in several states, one user per role."""

from hotich.accounts.models import Role, User
from hotich.demo.load import demo_load
from hotich.places.models import AdministrativeUnit
from hotich.registers.models import Entry, RegisterBook
from hotich.registers.spec import REGISTER_TYPES
from hotich.registry.models import Citizen


def test_the_demo_loads_a_province_and_is_safe_to_run_again(db):
    result = demo_load(province_code="38", citizens=600)

    assert len(result.communes) >= 2
    for commune in result.communes:
        assert commune.period == AdministrativeUnit.Period.CURRENT
        assert commune.province_code == "38"
        assert commune.predecessors.filter(period="pre2025").count() >= 2
    assert AdministrativeUnit.objects.filter(period="pre2025", level="province").count() == 63
    assert AdministrativeUnit.objects.filter(period="current", level="province").count() == 34

    books = RegisterBook.objects.filter(commune__in=result.communes)
    assert set(books.values_list("register_type", flat=True)) == set(REGISTER_TYPES)
    assert books.filter(condition="lost").exclude(condition_reason="").exists()
    assert books.filter(already_electronic=True).exists()
    states = set(Entry.objects.values_list("status", flat=True))
    assert len(states) >= 5
    assert Citizen.objects.count() >= 600
    assert Citizen.objects.exclude(father=None).exists()
    assert {u.role for u in User.objects.all()} == set(Role.values)
    assert User.objects.get(username="tuphap").unit == result.communes[0]

    counts = (
        Citizen.objects.count(),
        Entry.objects.count(),
        RegisterBook.objects.count(),
        User.objects.count(),
    )
    demo_load(province_code="38", citizens=600)
    assert (
        Citizen.objects.count(),
        Entry.objects.count(),
        RegisterBook.objects.count(),
        User.objects.count(),
    ) == counts


def test_demo_citizens_have_valid_ids_and_realistic_names(db):
    from hotich.lib.idnumbers import validate_personal_id

    demo_load(province_code="38", citizens=300)
    citizens = list(Citizen.objects.all()[:300])
    sexes = {"1": "male", "2": "female"}
    for c in citizens:
        assert validate_personal_id(c.personal_id, sex=sexes[c.sex], birth_year=c.birth_year) == []
        assert c.personal_id.startswith("038")
        assert c.family_name and c.given_name
    share_nguyen = sum(c.family_name == "Nguyễn" for c in citizens) / len(citizens)
    assert 0.2 < share_nguyen < 0.55


def test_the_demo_reconciles_books_opens_cases_and_the_dashboards_show_them(db):
    from django.db.models import Count

    from hotich.campaigns import selectors
    from hotich.campaigns.models import ProgressSnapshot
    from hotich.campaigns.services import local_today
    from hotich.reconciliation.models import MatchResult, TrackingCase

    result = demo_load(province_code="38", citizens=600)

    outcomes = dict(MatchResult.objects.values_list("outcome").annotate(n=Count("id")))
    assert outcomes.get("match", 0) > 0 and outcomes.get("discrepancy", 0) > 0
    reconciled_books = set(
        MatchResult.objects.values_list("person__entry__book_id", flat=True).distinct()
    )
    assert 2 <= len(reconciled_books) <= 6  # a few books, not every one
    # Every discrepancy with a citizen is on the tracking list, opened through the service
    # (which audits), with the differing fields; some cases are already closed.
    discrepancies = MatchResult.objects.filter(outcome="discrepancy").exclude(citizen=None)
    cases = TrackingCase.objects.all()
    assert cases.count() == discrepancies.count()
    assert all(c.fields and c.personal_id for c in cases)
    assert cases.filter(status="open").exists()
    from hotich.audit.models import AuditEvent

    assert AuditEvent.objects.filter(object_type="trackingcase", action="create").count() == (
        cases.count()
    )
    board = selectors.dashboard_build(result.communes[0], today=local_today())
    assert {"outcomes", "backlog"} <= set(board.charts)
    assert board.totals["people_reconciled"] == sum(
        n
        for book_id, n in MatchResult.objects.filter(
            person__entry__book__commune=result.communes[0]
        )
        .values_list("person__entry__book_id")
        .annotate(n=Count("id"))
    )

    before = (
        MatchResult.objects.count(),
        TrackingCase.objects.count(),
        list(ProgressSnapshot.objects.values_list("computed_at", flat=True).distinct()),
        AuditEvent.objects.count(),
    )
    demo_load(province_code="38", citizens=600)
    after = (
        MatchResult.objects.count(),
        TrackingCase.objects.count(),
        list(ProgressSnapshot.objects.values_list("computed_at", flat=True).distinct()),
        AuditEvent.objects.count(),
    )
    assert after == before
