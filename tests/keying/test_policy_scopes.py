"""Double keying set per campaign: the campaign's communes and books inherit it; a commune's
own policy (as set before campaigns existed) and a book's own policy win; the policy screens."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from hotich.campaigns.services import campaign_create, local_today
from hotich.keying import services
from hotich.keying.models import DoubleKeyingPolicy
from hotich.registers.models import RegisterBook


def _campaign(personas, units, *, name="Kế hoạch 168", days_ago=5, length=30, communes=None):
    start = local_today() - datetime.timedelta(days=days_ago)
    return campaign_create(
        user=personas["supervisor"],
        unit=units["province"],
        name=name,
        start_date=start,
        end_date=start + datetime.timedelta(days=length),
        communes=communes or [units["commune"], units["commune_b"]],
    )


def _set(personas, mode, percent=0, **scope):
    return services.policy_set(
        user=personas["supervisor"], mode=mode, sample_percent=percent, **scope
    )


@pytest.fixture
def campaign(personas, units):
    return _campaign(personas, units)


def test_every_book_of_the_campaigns_communes_inherits_its_policy(
    campaign, book, other_book, personas
):
    _set(personas, "all", campaign=campaign)
    assert services.double_keying_policy(book).scope == "campaign"
    assert services.needs_second_keying(book) and services.needs_second_keying(other_book)


def test_a_book_outside_the_campaign_is_keyed_once(campaign, personas, units):
    _set(personas, "all", campaign=campaign)
    elsewhere = RegisterBook.objects.create(
        commune=units["other_commune"], register_type="KS", year_from=2008, year_to=2008
    )
    assert services.double_keying_policy(elsewhere) is None
    assert services.needs_second_keying(elsewhere) is False


SCOPES = [  # policies set (scope, mode), the mode that applies to the book
    ([("campaign", "all")], "all"),
    ([("campaign", "all"), ("commune", "none")], "none"),
    ([("campaign", "none"), ("book", "all")], "all"),
    ([("campaign", "all"), ("commune", "none"), ("book", "sample")], "sample"),
    ([("commune", "sample")], "sample"),
]


@pytest.mark.parametrize(("policies", "applies"), SCOPES)
def test_the_most_specific_policy_wins(policies, applies, campaign, book, personas):
    targets = {"campaign": {"campaign": campaign}, "commune": {"commune": book.commune}}
    targets["book"] = {"book": book}
    for scope, mode in policies:
        _set(personas, mode, 50, **targets[scope])
    assert services.double_keying_policy(book).mode == applies


def test_the_active_campaign_decides_over_one_that_ended(campaign, book, personas, units):
    old = _campaign(personas, units, name="Đợt 2025", days_ago=400, length=60)
    later = _campaign(personas, units, name="Đợt sau", days_ago=-30, length=30)
    _set(personas, "none", campaign=old)
    _set(personas, "sample", 20, campaign=later)
    _set(personas, "all", campaign=campaign)
    assert services.double_keying_policy(book).campaign == campaign
    DoubleKeyingPolicy.objects.filter(campaign=campaign).delete()
    # No active campaign has a policy: the one that starts last.
    assert services.double_keying_policy(book).campaign == later


def test_policies_from_before_campaigns_still_apply(book, personas, units):
    # What migration 0002 keeps: rows naming a commune (and a book, for a book's policy).
    DoubleKeyingPolicy.objects.create(commune=units["commune"], mode="all")
    assert services.double_keying_policy(book).scope == "commune"
    DoubleKeyingPolicy.objects.create(commune=units["commune"], book=book, mode="none")
    assert services.needs_second_keying(book) is False


def test_a_policy_names_exactly_one_scope(campaign, units, personas):
    with pytest.raises(ValueError, match="một phạm vi"):
        _set(personas, "all")
    with pytest.raises(ValueError, match="một phạm vi"):
        _set(personas, "all", campaign=campaign, commune=units["commune"])
    with pytest.raises(IntegrityError), transaction.atomic():
        DoubleKeyingPolicy.objects.create(campaign=campaign, commune=units["commune"])
    _set(personas, "all", campaign=campaign)
    _set(personas, "none", campaign=campaign)
    assert DoubleKeyingPolicy.objects.get(campaign=campaign).mode == "none"


CAMPAIGN_FORM = [  # persona, status, saved
    ("supervisor", 302, True),
    ("administrator", 302, True),
    ("justice_officer", 403, False),  # a commune does not set the province's plan
    ("inspector", 403, False),
    ("outsider_supervisor", 403, False),
]


@pytest.mark.parametrize(("persona", "status", "saved"), CAMPAIGN_FORM)
def test_the_campaign_page_sets_the_campaigns_policy(
    campaign, personas, login, persona, status, saved
):
    client = login(personas[persona])
    url = reverse("campaigns:campaign_double_keying", args=[campaign.pk])
    response = client.post(url, {"mode": "sample", "sample_percent": "25"})
    assert response.status_code == status
    policy = DoubleKeyingPolicy.objects.filter(campaign=campaign).first()
    assert (policy is not None and policy.sample_percent == 25) is saved
    if saved:
        page = client.get(reverse("campaigns:campaign_detail", args=[campaign.pk])).content
        assert "Nhập lại một tỉ lệ ngẫu nhiên (25%)" in page.decode()


def test_the_campaign_form_refuses_a_bad_percentage(campaign, personas, login):
    client = login(personas["supervisor"])
    url = reverse("campaigns:campaign_double_keying", args=[campaign.pk])
    response = client.post(url, {"mode": "sample", "sample_percent": "150"}, follow=True)
    assert not DoubleKeyingPolicy.objects.exists()
    assert "Tỉ lệ nhập lại (%)" in response.content.decode()


def test_the_book_page_says_which_policy_applies_and_sets_the_communes(
    campaign, book, other_book, personas, login
):
    _set(personas, "all", campaign=campaign)
    client = login(personas["justice_officer"])
    page = client.get(reverse("keying_book", args=[book.pk])).content.decode()
    assert "theo kế hoạch “Kế hoạch 168”" in page
    client.post(
        reverse("keying_policy", args=[book.pk]),
        {"mode": "none", "sample_percent": "0", "scope": "commune"},
    )
    policy = services.double_keying_policy(book)
    assert (policy.scope, policy.mode) == ("commune", "none")
    page = client.get(reverse("keying_book", args=[book.pk])).content.decode()
    assert "mọi sổ của xã" in page
    # The other commune still follows the campaign.
    assert services.double_keying_policy(other_book).scope == "campaign"
