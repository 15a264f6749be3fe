"""Login throttling: a username is locked after N wrong passwords, whatever comes next, until
an administrator (page or command line) unlocks it; lockout and unlock are in the audit log."""

from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from hotich.audit.models import AuditEvent
from tests.conftest import PASSWORD, second_factor_verify_session


def _fail(client, username, times):
    for _ in range(times):
        client.post(reverse("login"), {"username": username, "password": "sai-mat-khau"})


def test_the_right_password_is_refused_once_the_account_is_locked(client, personas):
    _fail(client, "tuphap", settings.AXES_FAILURE_LIMIT)

    response = client.post(reverse("login"), {"username": "tuphap", "password": PASSWORD})

    assert response.status_code == 429
    assert "bị khóa do nhập sai mật khẩu" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("home")).status_code == 302
    locked = AuditEvent.objects.filter(action="denied", object_repr__contains="đăng nhập bị khóa")
    assert locked.filter(object_id=str(personas["justice_officer"].pk)).exists()


def test_fewer_failures_than_the_limit_do_not_lock(client, personas):
    _fail(client, "tuphap", settings.AXES_FAILURE_LIMIT - 1)

    response = client.post(reverse("login"), {"username": "tuphap", "password": PASSWORD})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(personas["justice_officer"].pk)


def test_a_lockout_is_per_username(client, personas):
    _fail(client, "tuphap", settings.AXES_FAILURE_LIMIT)

    response = client.post(reverse("login"), {"username": "congan", "password": PASSWORD})

    assert response.status_code == 302


def test_an_administrator_unlocks_from_the_account_page_and_it_is_audited(client, personas):
    _fail(client, "tuphap", settings.AXES_FAILURE_LIMIT)
    officer = personas["justice_officer"]
    admin = Client()
    admin.force_login(personas["administrator"])
    second_factor_verify_session(admin, personas["administrator"])
    page = admin.get(reverse("account_edit", args=[officer.pk])).content.decode()
    assert "Bị khóa do nhập sai mật khẩu" in page

    admin.post(reverse("account_unlock", args=[officer.pk]))

    unlock = AuditEvent.objects.get(action="update", object_repr="tuphap: mở khóa đăng nhập")
    assert unlock.user == personas["administrator"]
    assert unlock.changes["login_locked"] == [True, False]
    response = client.post(reverse("login"), {"username": "tuphap", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(officer.pk)


def test_the_command_line_unlocks_and_it_is_audited(client, personas, capsys):
    _fail(client, "tuphap", settings.AXES_FAILURE_LIMIT)

    call_command("unlock", "tuphap")

    assert "Đã mở khóa đăng nhập cho tuphap" in capsys.readouterr().out
    unlock = AuditEvent.objects.get(action="update", object_repr="tuphap: mở khóa đăng nhập")
    assert unlock.user is None
    response = client.post(reverse("login"), {"username": "tuphap", "password": PASSWORD})
    assert response.status_code == 302


def test_a_commune_officer_cannot_unlock(client, personas, login):
    _fail(Client(), "congan", settings.AXES_FAILURE_LIMIT)
    login(personas["justice_officer"])

    response = client.post(reverse("account_unlock", args=[personas["police_officer"].pk]))

    assert response.status_code == 403
    assert not AuditEvent.objects.filter(object_repr="congan: mở khóa đăng nhập").exists()
    assert AuditEvent.objects.filter(action="denied", username="tuphap").exists()


def test_a_successful_login_clears_the_count_of_failures(client, personas):
    _fail(client, "tuphap", settings.AXES_FAILURE_LIMIT - 1)
    client.post(reverse("login"), {"username": "tuphap", "password": PASSWORD})
    client.post(reverse("logout"))
    _fail(client, "tuphap", settings.AXES_FAILURE_LIMIT - 1)

    response = client.post(reverse("login"), {"username": "tuphap", "password": PASSWORD})

    assert response.status_code == 302
