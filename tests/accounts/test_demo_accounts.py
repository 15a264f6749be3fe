"""The demo's supervisor, inspector and administrator can log in: password, then the code of
the published demo key, which `hotich totp code` prints."""

from io import StringIO

from django.core.management import call_command
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from hotich.accounts.models import SECOND_FACTOR_ROLES, User
from hotich.demo.load import DEMO_PASSWORD, demo_load


def test_the_demo_accounts_get_a_demo_authenticator_and_can_log_in(client, db):
    result = demo_load(province_code="38", citizens=300)

    needing = set(
        User.objects.filter(role__in=SECOND_FACTOR_ROLES).values_list("username", flat=True)
    )
    with_key = set(
        TOTPDevice.objects.filter(confirmed=True).values_list("user__username", flat=True)
    )
    assert needing == with_key == {"giamsat", "thanhtra", "quantri"}
    assert "hotich totp code giamsat" in result.second_factor
    assert "NBXXI2LDNAWWIZLNN4WXI33UOAWWWZLZ" in result.second_factor

    client.post(reverse("login"), {"username": "giamsat", "password": DEMO_PASSWORD})
    out = StringIO()
    call_command("totp_code", "giamsat", stdout=out)
    response = client.post(reverse("second_factor"), {"token": out.getvalue().strip()})

    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    demo_load(province_code="38", citizens=300)  # again: still one authenticator each
    assert TOTPDevice.objects.count() == 3
