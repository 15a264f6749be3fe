"""The second factor: required after the password for supervisors, inspectors and
administrators on every page; enrolment with a QR code; recovery codes; optional for others."""

import re
import uuid

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from hotich.accounts.second_factor import (
    DEMO_DEVICE_NAME,
    totp_code_now,
    totp_device_install,
    totp_device_pending,
)
from hotich.audit.models import AuditEvent
from tests.conftest import PASSWORD, TOTP_KEY

REACHABLE_BEFORE = {"login", "logout", "second_factor", "second_factor_enrol", "set_language"}


def _password_login(client, username):
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return response


def _device(username):
    return TOTPDevice.objects.get(user__username=username, confirmed=True)


@pytest.mark.parametrize("persona", ["supervisor", "inspector", "administrator"])
def test_a_role_with_a_required_second_factor_is_stopped_after_the_password(
    client, personas, persona
):
    _password_login(client, personas[persona].username)

    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"] == reverse("second_factor") + "?next=%2F"


def test_a_supervisor_gets_in_with_the_code_of_the_app_and_it_is_audited(client, personas):
    _password_login(client, "giamsat")
    page = client.get(reverse("second_factor") + "?next=/so/")
    assert "Xác thực hai bước" in page.content.decode()

    wrong = client.post(reverse("second_factor"), {"token": "000000", "next": "/so/"})
    assert "Mã xác thực không đúng" in wrong.content.decode()
    assert client.get(reverse("home")).status_code == 302
    # django-otp delays the next try after a failure; a real user waits a second or two.
    TOTPDevice.objects.filter(user__username="giamsat").update(throttling_failure_count=0)

    right = client.post(
        reverse("second_factor"), {"token": totp_code_now(_device("giamsat")), "next": "/so/"}
    )

    assert right.status_code == 302 and right["Location"] == "/so/"
    assert client.get(reverse("home")).status_code == 200
    events = AuditEvent.objects.filter(username="giamsat")
    assert events.filter(action="login_failed", object_repr="mã xác thực hai bước sai").exists()
    assert events.filter(action="login", object_repr__startswith="xác thực hai bước").exists()


def test_the_next_address_must_be_on_this_site(client, personas):
    _password_login(client, "giamsat")
    code = totp_code_now(_device("giamsat"))

    response = client.post(
        reverse("second_factor"), {"token": code, "next": "https://example.com/"}
    )

    assert response["Location"] == "/"


def test_a_recovery_code_works_once(client, personas):
    supervisor = personas["supervisor"]
    from hotich.accounts.second_factor import recovery_codes_create

    codes = recovery_codes_create(user=supervisor)
    _password_login(client, "giamsat")

    assert client.post(reverse("second_factor"), {"token": codes[0]}).status_code == 302
    assert client.get(reverse("home")).status_code == 200
    assert not StaticToken.objects.filter(token=codes[0]).exists()
    assert StaticToken.objects.filter(device__user=supervisor).count() == len(codes) - 1


def _urls(patterns=None, prefix=""):
    """Yield (name, path) for every named URL of the site, with sample arguments."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _urls(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern) and pattern.name:
            path = re.sub(r"<int:\w+>", "1", route)
            path = re.sub(r"<uuid:\w+>", str(uuid.uuid4()), path)
            path = re.sub(r"<(?:str|slug|path):\w+>", "x", path)
            yield pattern.name, "/" + path.lstrip("^").rstrip("$")


def test_every_protected_url_requires_the_second_factor(personas):
    client = Client()
    client.force_login(personas["supervisor"])  # the password, not the second factor
    urls = sorted(set(_urls()))
    assert len(urls) > 40

    let_through = []
    for name, path in urls:
        if name in REACHABLE_BEFORE or name == "healthz":
            continue
        for method in (client.get, client.post):
            response = method(path)
            location = response.get("Location", "")
            if not location.startswith(reverse("second_factor") + "?next="):
                let_through.append((name, method.__name__, response.status_code))
    assert let_through == []


def test_an_htmx_request_before_the_second_factor_gets_hx_redirect(personas):
    client = Client()
    client.force_login(personas["supervisor"])  # the password, not the second factor

    response = client.get(
        reverse("book_list") + "?status=draft",
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/so/?status=draft"},
    )

    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("second_factor") + "?next=%2Fso%2F%3Fstatus%3Ddraft"
    assert response.content == b""


def test_a_supervisor_without_an_authenticator_enrols_with_a_qr_code(client, personas):
    TOTPDevice.objects.filter(user=personas["supervisor"]).delete()
    _password_login(client, "giamsat")
    assert client.get(reverse("home"))["Location"].startswith(reverse("second_factor_enrol"))
    assert client.get(reverse("second_factor"))["Location"] == reverse("second_factor_enrol")

    page = client.get(reverse("second_factor_enrol")).content.decode()
    assert "<svg" in page and 'data-testid="totp-key"' in page
    device = TOTPDevice.objects.get(user=personas["supervisor"], confirmed=False)
    # A second visit shows the same key (the app may already have it).
    client.get(reverse("second_factor_enrol"))
    assert TOTPDevice.objects.filter(user=personas["supervisor"]).count() == 1

    done = client.post(reverse("second_factor_enrol"), {"token": totp_code_now(device)})

    assert "mã dự phòng" in done.content.decode()
    assert len(re.findall(r"<li><code>\w+</code></li>", done.content.decode())) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("home")).status_code == 200
    assert AuditEvent.objects.filter(
        action="update", object_id=str(personas["supervisor"].pk), changes__has_key="second_factor"
    ).exists()


def test_a_wrong_first_code_does_not_enable_the_authenticator(client, personas):
    TOTPDevice.objects.filter(user=personas["supervisor"]).delete()
    _password_login(client, "giamsat")
    client.get(reverse("second_factor_enrol"))

    response = client.post(reverse("second_factor_enrol"), {"token": "123"})

    assert "Mã xác thực không đúng" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=personas["supervisor"], confirmed=True).exists()
    assert client.get(reverse("home")).status_code == 302


def test_an_enrolled_user_cannot_replace_the_authenticator_before_verifying(client, personas):
    _password_login(client, "giamsat")

    response = client.get(reverse("second_factor_enrol"))

    assert response["Location"] == reverse("second_factor")
    assert TOTPDevice.objects.filter(user=personas["supervisor"]).count() == 1


def test_a_commune_officer_without_an_authenticator_needs_no_second_factor(client, personas):
    _password_login(client, "tuphap")
    assert client.get(reverse("home")).status_code == 200


def test_a_commune_officer_who_enrolled_must_give_the_code(client, personas):
    totp_device_install(user=personas["justice_officer"], key=TOTP_KEY)
    _password_login(client, "tuphap")
    assert client.get(reverse("home"))["Location"].startswith(reverse("second_factor"))


def test_a_commune_officer_may_enrol(client, personas, login):
    login(personas["justice_officer"])
    device = totp_device_pending(user=personas["justice_officer"])
    client.post(reverse("second_factor_enrol"), {"token": totp_code_now(device)})
    device.refresh_from_db()
    assert device.confirmed


def test_the_demo_code_command_reads_only_demo_keys(personas, capsys):
    with pytest.raises(CommandError, match="không có khóa xác thực mẫu"):
        call_command("totp_code", "giamsat")

    device = totp_device_install(user=personas["supervisor"], key=TOTP_KEY, name=DEMO_DEVICE_NAME)
    call_command("totp_code", "giamsat")

    assert capsys.readouterr().out.strip() == totp_code_now(device)
