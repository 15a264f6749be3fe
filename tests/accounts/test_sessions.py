"""Sessions end after HOTICH_IDLE_TIMEOUT without a request and SESSION_COOKIE_AGE after
login; an htmx request from an ended session gets HX-Redirect, never the login page."""

import time

import pytest
from django.conf import settings
from django.urls import reverse

from hotich.accounts.middleware import AUTH_AT, SEEN_AT
from hotich.audit.models import AuditEvent
from tests.conftest import PASSWORD


def _log_in(client):
    response = client.post(reverse("login"), {"username": "tuphap", "password": PASSWORD})
    assert response.status_code == 302


def _age(client, **seconds_ago):
    session = client.session
    now = int(time.time())
    for key, ago in seconds_ago.items():
        session[{"auth": AUTH_AT, "seen": SEEN_AT}[key]] = now - ago
    session.save()


def test_an_idle_session_ends_and_the_login_page_says_why(client, personas):
    _log_in(client)
    _age(client, seen=settings.HOTICH_IDLE_TIMEOUT + 1)

    response = client.get(reverse("book_list"))

    assert response.status_code == 302
    assert response["Location"] == reverse("login") + "?next=/so/"
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="session-expired"' in page
    assert AuditEvent.objects.filter(
        action="logout", username="tuphap", object_repr="hết thời gian chờ"
    ).exists()


def test_a_request_within_the_idle_timeout_keeps_the_session(client, personas):
    _log_in(client)
    _age(client, seen=settings.HOTICH_IDLE_TIMEOUT - 60)

    assert client.get(reverse("book_list")).status_code == 200
    assert int(time.time()) - client.session[SEEN_AT] < 5  # the activity moved the clock


def test_a_busy_session_still_ends_at_its_absolute_age(client, personas):
    _log_in(client)
    _age(client, auth=settings.SESSION_COOKIE_AGE + 1, seen=10)

    response = client.get(reverse("book_list"))

    assert response.status_code == 302
    assert AuditEvent.objects.filter(
        action="logout", username="tuphap", object_repr="hết hạn phiên làm việc"
    ).exists()


@pytest.mark.parametrize("url", ["book_list", "audit_search", "job_list"])
def test_an_htmx_request_from_an_ended_session_gets_hx_redirect(client, personas, url):
    _log_in(client)
    _age(client, seen=settings.HOTICH_IDLE_TIMEOUT + 1)

    response = client.get(
        reverse(url) + "?page=2",
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/so/1/?status=draft"},
    )

    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("login") + "?next=%2Fso%2F1%2F%3Fstatus%3Ddraft"
    assert response.content == b""


def test_an_anonymous_htmx_request_gets_hx_redirect_too(client, db):
    response = client.get(reverse("book_list"), headers={"HX-Request": "true"})

    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("login")


def test_hx_redirect_does_not_send_the_user_to_another_site(client, db):
    response = client.get(
        reverse("book_list"),
        headers={"HX-Request": "true", "HX-Current-URL": "https://example.com/so/"},
    )

    assert response["HX-Redirect"] == reverse("login")


def test_a_plain_request_is_still_redirected_normally(client, db):
    response = client.get(reverse("book_list"))

    assert response.status_code == 302
    assert response["Location"] == reverse("login") + "?next=/so/"
