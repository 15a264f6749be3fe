"""Password rules (Vietnamese messages) and changing one's own password."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

from hotich.accounts.services import user_create
from hotich.audit.models import AuditEvent
from tests.conftest import PASSWORD

WEAK = [
    ("00000001", "Mật khẩu này hoàn toàn là số."),
    ("12345678901", "Mật khẩu này hoàn toàn là số."),
    ("ngan-qua", "Mật khẩu quá ngắn. Mật khẩu phải có ít nhất 10 ký tự."),
    ("password123", "Mật khẩu này quá phổ biến."),
    ("nguyenvana", "Mật khẩu quá giống với Tên đăng nhập."),
]


@pytest.mark.parametrize(("password", "message"), WEAK)
def test_a_weak_password_is_refused_in_vietnamese(units, password, message):
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        user_create(
            username="nguyenvana",
            password=password,
            role="justice_officer",
            unit_code=units["commune"].code,
        )
    assert message in refused.value.messages


def test_the_command_line_refuses_a_weak_password(units, monkeypatch):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("00000001\n"))
    with pytest.raises(CommandError, match="hoàn toàn là số"):
        call_command(
            "createuser", "nguyenvana", role="justice_officer", unit="15943", password_stdin=True
        )


def test_an_officer_changes_the_password_and_it_is_audited(client, personas, login):
    officer = personas["justice_officer"]
    login(officer)

    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "so-ho-tich-moi-2027",
            "new_password2": "so-ho-tich-moi-2027",
        },
    )

    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200  # still logged in
    officer.refresh_from_db()
    assert officer.check_password("so-ho-tich-moi-2027")
    event = AuditEvent.objects.get(action="update", object_id=str(officer.pk))
    assert "password" in event.changes
    assert "so-ho-tich-moi-2027" not in str(event.changes)
    old_login = Client().post(reverse("login"), {"username": "tuphap", "password": PASSWORD})
    assert old_login.status_code == 200  # the form again: the old password no longer works


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("sai", "so-ho-tich-moi-2027", "Mật khẩu cũ không chính xác"),
        (PASSWORD, "00000001", "Mật khẩu này hoàn toàn là số."),
        (PASSWORD, "tuphap1", "Mật khẩu quá ngắn"),
    ],
)
def test_a_password_change_is_refused_with_a_vietnamese_reason(
    client, personas, login, old, new, message
):
    login(personas["justice_officer"])

    response = client.post(
        reverse("password_change"),
        {"old_password": old, "new_password1": new, "new_password2": new},
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    personas["justice_officer"].refresh_from_db()
    assert personas["justice_officer"].check_password(PASSWORD)


def test_every_user_has_the_password_page_in_the_user_menu(client, personas, login):
    login(personas["helper"])
    page = client.get(reverse("home")).content.decode()
    assert reverse("password_change") in page
