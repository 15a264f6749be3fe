"""Double keying: policy per campaign or book, blind second keying, arbitration, error rates;
and a not-found person gets a personal ID only once the entry is verified."""

import pytest
from django.urls import reverse

from hotich.keying import services
from hotich.keying.models import DoubleKeyingPolicy, EntryWork, KeyingDifference
from hotich.keying.selectors import operator_error_rates
from hotich.registers.models import Entry, EntryStatus
from tests.keying.conftest import NOT_FOUND, form_data


@pytest.fixture
def all_twice(book, personas):
    return services.policy_set(
        commune=book.commune, user=personas["justice_officer"], mode="all", sample_percent=0
    )


def _key_first(client, book, values=NOT_FOUND):
    client.post(
        reverse("keying_new", args=[book.pk]),
        form_data(values, **{"_choice:subject": "not_found", "_engine:subject": "not_found"}),
    )
    return Entry.objects.latest("id")


POLICIES = [
    (None, None, False),
    ("none", None, False),
    ("all", None, True),
    ("sample", 100, True),
    ("sample", 0, False),
]


@pytest.mark.parametrize(("mode", "percent", "expected"), POLICIES)
def test_the_campaign_policy_decides_who_is_keyed_twice(mode, percent, expected, book, personas):
    if mode:
        services.policy_set(
            commune=book.commune,
            user=personas["justice_officer"],
            mode=mode,
            sample_percent=percent or 0,
        )
    assert services.needs_second_keying(book) is expected


def test_a_book_policy_wins_over_the_campaign(book, personas, all_twice):
    services.policy_set(
        commune=book.commune,
        book=book,
        user=personas["justice_officer"],
        mode="none",
        sample_percent=0,
    )
    assert DoubleKeyingPolicy.objects.count() == 2
    assert services.needs_second_keying(book) is False


def test_a_not_found_person_waits_for_verification_then_gets_an_id(
    book, personas, login, client, all_twice
):
    entry = _key_first(login(personas["helper"]), book)
    assert entry.work.verification == EntryWork.Verification.WAITING
    assert entry.people.get(role="subject").citizen is None
    assert entry.work.pending_issue == ["subject"]
    # The second keyer types blind: the first keying is not on the page.
    client.force_login(personas["police_officer"])
    page = client.get(reverse("keying_second", args=[entry.pk])).content.decode()
    assert "Hoàng Minh Quân" not in page
    client.post(reverse("keying_second", args=[entry.pk]), form_data(NOT_FOUND))
    entry.refresh_from_db()
    # Verified by the second keying, and every person settled: reconciled.
    assert entry.status == EntryStatus.RECONCILED
    assert entry.people.get(role="subject").citizen.personal_id.startswith("038208")


def test_the_first_keyer_cannot_key_the_second_time(book, personas, login, all_twice):
    client = login(personas["helper"])
    entry = _key_first(client, book)
    client.post(reverse("keying_second", args=[entry.pk]), form_data(NOT_FOUND))
    assert entry.work.verification == EntryWork.Verification.WAITING
    assert not hasattr(Entry.objects.get(pk=entry.pk), "second_keying")


def test_differences_go_to_arbitration_and_faults_make_error_rates(
    book, personas, login, client, all_twice
):
    entry = _key_first(login(personas["helper"]), book)
    client.force_login(personas["police_officer"])
    second = form_data(NOT_FOUND, nksHoTen="Hoàng Minh Quang", **{"mark:nksDanToc": "illegible"})
    client.post(reverse("keying_second", args=[entry.pk]), second)
    diffs = {d.field: d for d in KeyingDifference.objects.filter(entry=entry)}
    assert set(diffs) == {"nksHoTen", "nksDanToc"}
    assert (diffs["nksDanToc"].first_value, diffs["nksDanToc"].second_value) == (
        "Kinh",
        "#illegible",
    )
    assert EntryWork.objects.get(entry=entry).verification == EntryWork.Verification.ARBITRATION
    # A helper may not arbitrate; the justice officer does, with the scan.
    client.force_login(personas["helper"])
    assert client.post(reverse("keying_arbitrate", args=[entry.pk]), {}).status_code == 403
    client.force_login(personas["justice_officer"])
    assert (
        "Hoàng Minh Quang"
        in client.get(reverse("keying_arbitrate", args=[entry.pk])).content.decode()
    )
    client.post(
        reverse("keying_arbitrate", args=[entry.pk]),
        {"pick:nksHoTen": "first", "pick:nksDanToc": "second"},
    )
    entry.refresh_from_db()
    # Verified by the second keying, and every person settled: reconciled.
    assert entry.status == EntryStatus.RECONCILED
    assert entry.values["nksHoTen"] == "Hoàng Minh Quân"
    assert entry.marks["nksDanToc"] == "illegible" and "nksDanToc" not in entry.values
    faults = dict(KeyingDifference.objects.values_list("field", "fault"))
    assert faults == {"nksHoTen": "second", "nksDanToc": "first"}
    rates = {
        r.user.username: (r.entries, r.errors)
        for r in operator_error_rates(personas["justice_officer"])
    }
    assert rates == {"nhaplieu": (1, 1), "congan": (1, 1)}
    fields = operator_error_rates(personas["justice_officer"])[0].fields
    assert fields == len([k for k in form_data(NOT_FOUND) if k != "STT"])
    page = client.get(reverse("keying_quality")).content.decode()
    assert "nhaplieu" in page
    # The new citizen was issued after arbitration, with the arbitrated name.
    assert entry.people.get(role="subject").citizen.full_name == "Hoàng Minh Quân"


def test_an_outsider_sees_no_error_rates_of_another_commune(
    book, personas, login, client, all_twice
):
    entry = _key_first(login(personas["helper"]), book)
    client.force_login(personas["police_officer"])
    client.post(reverse("keying_second", args=[entry.pk]), form_data(NOT_FOUND))
    assert operator_error_rates(personas["outsider"]) == []
    assert len(operator_error_rates(personas["supervisor"])) == 2
