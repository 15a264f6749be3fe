"""One registry lookup per person per save: the save reuses the lookup the form showed.

Lookups are counted as the registry queries on the blocking keys (``bk1``…``bk6``) the
interactive path asks (hotich.matching.services.candidate_vectors), read from the SQL the
real database was sent.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hotich.reconciliation.models import MatchResult, TrackingCase
from hotich.registers.models import Entry
from tests.keying.conftest import DISCREPANCY, MATCH, form_data

BLOCKING = re.compile(r'"bk[1-6]"\s*(=|IN\b)', re.IGNORECASE)


def _lookups(queries: CaptureQueriesContext) -> int:
    return sum(1 for q in queries.captured_queries if BLOCKING.search(q["sql"]))


def _shown(client, book, values) -> dict[str, str]:
    """Return the decision and lookup token the form's check shows for the subject."""
    html = client.post(reverse("keying_check", args=[book.pk]), form_data(values)).content.decode()
    engine = re.search(r'name="_engine:subject" value="([^"]*)"', html)
    token = re.search(r'name="_lookup:subject" value="([^"]*)"', html)
    assert engine and token and token.group(1)
    return {
        "_choice:subject": engine.group(1),
        "_engine:subject": engine.group(1),
        "_lookup:subject": token.group(1),
    }


def _save(client, book, values, posted) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("keying_new", args=[book.pk]), form_data(values, **posted))
    assert response.status_code == 302, response.content.decode()[:500]
    return _lookups(queries), len(queries.captured_queries)


def test_the_check_looks_each_person_up_once(book, personas, login, registry_people):
    client = login(personas["helper"])
    with CaptureQueriesContext(connection) as queries:
        client.post(reverse("keying_check", args=[book.pk]), form_data(MATCH))
    assert _lookups(queries) == 1


@pytest.mark.parametrize(("values", "outcome"), [(MATCH, "match"), (DISCREPANCY, "discrepancy")])
def test_a_save_reuses_the_lookup_the_form_showed(
    values, outcome, book, personas, login, registry_people
):
    client = login(personas["helper"])
    posted = _shown(client, book, values)
    lookups, _n = _save(client, book, values, posted)
    assert lookups == 0
    result = MatchResult.objects.get(person__entry=Entry.objects.get())
    assert (result.outcome, result.path) == (outcome, "interactive")
    assert TrackingCase.objects.count() == (outcome == "discrepancy")


def test_a_save_without_the_forms_lookup_looks_up_once(book, personas, login, registry_people):
    client = login(personas["helper"])
    choice = "match:038308001234"
    lookups, _n = _save(client, book, MATCH, {"_choice:subject": choice, "_engine:subject": choice})
    assert lookups == 1
    assert MatchResult.objects.get().personal_id == "038308001234"


def test_a_tampered_token_is_ignored_and_the_person_looked_up_once(
    book, personas, login, registry_people
):
    client = login(personas["helper"])
    posted = _shown(client, book, DISCREPANCY)
    # Claim the discrepancy person was found consistent: a token made up by the client.
    value, _sep, signature = posted["_lookup:subject"].rpartition(":")
    posted["_lookup:subject"] = f"{value}:{signature[::-1]}"
    lookups, _n = _save(client, book, DISCREPANCY, posted)
    assert lookups == 1
    result = MatchResult.objects.get()
    assert (result.outcome, result.personal_id) == ("discrepancy", "038208004321")


def test_a_token_of_other_facts_is_not_reused(book, personas, login, registry_people):
    client = login(personas["helper"])
    # The form looked up the consistent person; the officer then typed another ethnicity.
    posted = _shown(client, book, MATCH)
    changed = {**MATCH, "nksDanToc": "Tày"}
    posted["_choice:subject"] = "discrepancy:038308001234"
    lookups, _n = _save(client, book, changed, posted)
    assert lookups == 1
    result = MatchResult.objects.get()
    assert result.outcome == "discrepancy" and result.fields == ["ethnicity"]


def test_a_token_of_another_person_is_not_reused(book, personas, login, registry_people):
    client = login(personas["helper"])
    posted = _shown(client, book, MATCH)
    posted.update({"_choice:subject": "discrepancy:038208004321"})
    posted["_engine:subject"] = "discrepancy:038208004321"
    lookups, _n = _save(client, book, DISCREPANCY, posted)
    assert lookups == 1
    assert MatchResult.objects.get().personal_id == "038208004321"


#: Queries of one save of a new birth entry with its lookup reused, by outcome (session and
#: user, the book, the entry and its people, its work, the outcome, the tracking case, the
#: save's audit events chained together at its end, the status): pinned so that a change
#: that adds queries to every save is seen (docs/keying.md, "Benchmark"). 35 and 41 before
#: the user came with its unit in one query and a new entry's people were no longer read
#: back before their first insert (docs/keying.md, "Where the CPU of an entry goes"); 33
#: and 39 before the reconciliation took the work row the save holds, looked for an open
#: tracking case only for a discrepancy, and the audit chain's append took no savepoint
#: inside the save's transaction.
SAVE_QUERIES = {"match": 29, "discrepancy": 36}


@pytest.mark.parametrize(("values", "outcome"), [(MATCH, "match"), (DISCREPANCY, "discrepancy")])
def test_a_save_asks_a_fixed_number_of_queries(
    values, outcome, book, personas, login, registry_people
):
    client = login(personas["helper"])
    posted = _shown(client, book, values)
    lookups, queries = _save(client, book, values, posted)
    assert (lookups, queries) == (0, SAVE_QUERIES[outcome])
