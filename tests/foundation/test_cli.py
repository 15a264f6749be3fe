"""The hotich command line."""

import io
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from hotich.accounts.models import User
from hotich.cli import resolve


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["places", "load"], ["places_load"]),
        (["places", "load", "--help"], ["places_load", "--help"]),
        (["demo", "--serve"], ["demo", "--serve"]),
        (["migrate"], ["migrate"]),
        (["places"], ["places"]),
    ],
)
def test_two_word_commands_map_to_management_commands(argv, expected):
    assert resolve(argv, {"places_load", "demo", "migrate"}) == expected


def test_the_entry_point_runs_a_two_word_command():
    out = subprocess.run(
        [sys.executable, "-m", "hotich.cli", "places", "load", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "đơn vị hành chính" in out.stdout


def test_createuser_makes_a_personal_account_in_a_commune(units, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("mat-khau-rat-dai-2026\n"))
    call_command(
        "createuser",
        "lethihong",
        role="justice_officer",
        unit="15943",
        name="Lê Thị Hồng",
        password_stdin=True,
    )
    user = User.objects.get(username="lethihong")
    assert user.unit == units["commune"]
    assert user.check_password("mat-khau-rat-dai-2026")
    assert (user.last_name, user.first_name, user.role) == ("Lê Thị", "Hồng", "justice_officer")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"role": "helper"}, "phải gắn với một xã"),
        ({"role": "helper", "unit": "99999"}, "Không tìm thấy đơn vị"),
    ],
)
def test_createuser_explains_bad_input_in_vietnamese(options, message, units, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("mat-khau-rat-dai-2026\n"))
    with pytest.raises(CommandError, match=message):
        call_command("createuser", "x", password_stdin=True, **options)
    assert not User.objects.filter(username="x").exists()
