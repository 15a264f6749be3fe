"""Account management scoped to the administrator's communes; every change and refusal audited."""

import pytest
from django.test import Client
from django.urls import reverse

from hotich.accounts.models import Role, User
from hotich.accounts.second_factor import totp_device_install
from hotich.audit.models import AuditEvent
from tests.conftest import PASSWORD, TOTP_KEY

NEW_PASSWORD = "so-ho-tich-moi-2027"


@pytest.fixture
def admins(units, personas):
    """Administrators of province 38, of old district Đông Sơn, of commune A, of province 40;
    and a justice officer of province 40."""

    def make(username, role, unit):
        user = User(username=username, role=role, unit=unit, first_name=username)
        user.set_password(PASSWORD)
        user.save()
        totp_device_install(user=user, key=TOTP_KEY)
        return user

    return {
        "province": make("qt_tinh", Role.ADMINISTRATOR, units["province"]),
        "district": make("qt_huyen", Role.ADMINISTRATOR, units["district"]),
        "commune": make("qt_xa", Role.ADMINISTRATOR, units["commune"]),
        "other_province": make("qt_na", Role.ADMINISTRATOR, units["other_province"]),
        "other_officer": make("tuphap_na", Role.JUSTICE_OFFICER, units["other_commune"]),
    }


@pytest.fixture
def as_admin(login):
    return login


def _listed(client):
    page = client.get(reverse("account_list")).content.decode()
    return {u.username for u in User.objects.all() if f">{u.username}</a>" in page}


# (administrator, accounts listed)
SCOPES = [
    ("province", {"tuphap", "congan", "nhaplieu", "totruong", "tuphap_khac", "qt_xa"}),
    ("district", {"tuphap", "congan", "nhaplieu", "totruong", "qt_xa"}),
    ("commune", {"tuphap", "congan", "nhaplieu", "totruong", "qt_xa"}),
    ("other_province", {"tuphap_na"}),
]


@pytest.mark.parametrize(("admin", "listed"), SCOPES)
def test_an_administrator_lists_the_accounts_of_its_communes_only(as_admin, admins, admin, listed):
    client = as_admin(admins[admin])
    assert _listed(client) == listed
    assert AuditEvent.objects.filter(action="view", object_type="user").exists()


def test_a_national_administrator_lists_every_account(as_admin, personas, admins):
    client = as_admin(personas["administrator"])
    assert _listed(client) == set(User.objects.values_list("username", flat=True))


def test_a_province_administrator_creates_an_account_in_its_commune(as_admin, admins, units):
    client = as_admin(admins["province"])

    response = client.post(
        reverse("account_new"),
        {
            "username": "nguyenvanb",
            "full_name": "Nguyễn Văn Bình",
            "role": Role.HELPER,
            "unit_code": units["commune_b"].code,
            "phone": "0912345678",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    account = User.objects.get(username="nguyenvanb")
    assert response["Location"] == reverse("account_edit", args=[account.pk])
    assert (account.unit, account.role, account.get_full_name()) == (
        units["commune_b"],
        Role.HELPER,
        "Nguyễn Văn Bình",
    )
    assert account.check_password(NEW_PASSWORD)
    event = AuditEvent.objects.get(action="create", object_id=str(account.pk))
    assert event.user == admins["province"]
    assert NEW_PASSWORD not in str(event.changes)


@pytest.mark.parametrize(
    ("unit_code", "role"),
    [("16681", Role.HELPER), ("40", Role.SUPERVISOR), ("38", Role.SUPERVISOR)],
)
def test_a_province_administrator_cannot_create_outside_its_communes(
    as_admin, admins, unit_code, role
):
    client = as_admin(admins["province"])

    response = client.post(
        reverse("account_new"),
        {
            "username": "ke_la",
            "full_name": "Kẻ Lạ",
            "role": role,
            "unit_code": unit_code,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assert response.status_code in (200, 403)
    assert not User.objects.filter(username="ke_la").exists()
    if response.status_code == 403:
        assert AuditEvent.objects.filter(action="denied", username="qt_tinh").exists()


def test_creating_an_account_with_a_weak_password_is_refused_in_vietnamese(as_admin, admins, units):
    client = as_admin(admins["province"])

    response = client.post(
        reverse("account_new"),
        {
            "username": "nguyenvanb",
            "full_name": "Nguyễn Văn Bình",
            "role": Role.HELPER,
            "unit_code": units["commune"].code,
            "new_password1": "nguyenvanb",
            "new_password2": "nguyenvanb",
        },
    )

    assert "Mật khẩu quá giống với Tên đăng nhập" in response.content.decode()
    assert not User.objects.filter(username="nguyenvanb").exists()


def test_an_edit_is_audited_with_old_and_new_values(as_admin, admins, personas, units):
    client = as_admin(admins["province"])
    helper = personas["helper"]

    client.post(
        reverse("account_edit", args=[helper.pk]),
        {
            "full_name": "Trần Thị Mai",
            "role": Role.TEAM_LEADER,
            "unit_code": units["commune_b"].code,
            "phone": "",
        },
    )

    helper.refresh_from_db()
    assert (helper.role, helper.unit, helper.get_full_name()) == (
        Role.TEAM_LEADER,
        units["commune_b"],
        "Trần Thị Mai",
    )
    event = AuditEvent.objects.get(action="update", object_id=str(helper.pk))
    assert event.changes["role"] == [Role.HELPER, Role.TEAM_LEADER]
    assert event.changes["unit"] == [units["commune"].code, units["commune_b"].code]


def test_a_password_reset_is_audited_and_the_old_password_stops_working(as_admin, admins, personas):
    client = as_admin(admins["commune"])
    officer = personas["justice_officer"]

    client.post(
        reverse("account_password", args=[officer.pk]),
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    officer.refresh_from_db()
    assert officer.check_password(NEW_PASSWORD)
    event = AuditEvent.objects.get(action="update", object_id=str(officer.pk))
    assert event.user == admins["commune"] and "password" in event.changes
    refused = Client().post(reverse("login"), {"username": "tuphap", "password": PASSWORD})
    assert refused.status_code == 200


def test_a_weak_reset_password_is_refused(as_admin, admins, personas):
    client = as_admin(admins["commune"])

    response = client.post(
        reverse("account_password", args=[personas["justice_officer"].pk]),
        {"new_password1": "00000001", "new_password2": "00000001"},
    )

    assert response.status_code == 400
    assert "Mật khẩu này hoàn toàn là số." in response.content.decode()


def test_a_deactivated_account_is_logged_out_and_cannot_log_in(as_admin, admins, personas):
    officer = personas["justice_officer"]
    officer_client = Client()
    officer_client.post(reverse("login"), {"username": "tuphap", "password": PASSWORD})
    assert officer_client.get(reverse("home")).status_code == 200
    client = as_admin(admins["province"])

    client.post(reverse("account_active", args=[officer.pk]), {"active": "0"})

    officer.refresh_from_db()
    assert not officer.is_active
    assert officer_client.get(reverse("home")).status_code == 302
    again = Client().post(reverse("login"), {"username": "tuphap", "password": PASSWORD})
    assert again.status_code == 200
    event = AuditEvent.objects.get(action="update", object_id=str(officer.pk))
    assert event.changes == {"is_active": [True, False]}

    client.post(reverse("account_active", args=[officer.pk]), {"active": "1"})
    officer.refresh_from_db()
    assert officer.is_active


def test_an_administrator_cannot_deactivate_itself(as_admin, personas):
    admin = personas["administrator"]
    client = as_admin(admin)

    response = client.post(reverse("account_active", args=[admin.pk]), {"active": "0"}, follow=True)

    assert "không thể tự khóa" in response.content.decode()
    admin.refresh_from_db()
    assert admin.is_active


@pytest.mark.parametrize(
    ("admin", "target"),
    [
        ("commune", "outsider"),  # commune B's officer, same province
        ("other_province", "justice_officer"),
        ("district", "outsider"),
        ("province", "supervisor"),  # a province account, not a commune's
        ("province", "other_officer"),
    ],
)
@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("account_edit", None),
        ("account_edit", {"full_name": "X Y", "role": Role.HELPER, "unit_code": "15943"}),
        ("account_password", {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}),
        ("account_active", {"active": "0"}),
        ("account_unlock", {}),
        ("account_second_factor_reset", {}),
    ],
)
def test_an_administrator_cannot_touch_another_areas_account(
    as_admin, admins, personas, admin, target, url, data
):
    account = personas.get(target) or admins[target]
    before = User.objects.values().get(pk=account.pk)
    client = as_admin(admins[admin])

    path = reverse(url, args=[account.pk])
    response = client.get(path) if data is None else client.post(path, data)

    assert response.status_code == 403
    assert User.objects.values().get(pk=account.pk) == before
    refusal = AuditEvent.objects.get(action="denied", username=admins[admin].username)
    assert refusal.object_id == str(account.pk)


@pytest.mark.parametrize("persona", ["justice_officer", "supervisor", "inspector"])
def test_only_administrators_manage_accounts(client, login, personas, persona):
    login(personas[persona])

    assert client.get(reverse("account_list")).status_code == 403
    assert client.get(reverse("account_edit", args=[personas["helper"].pk])).status_code == 403
    assert (
        AuditEvent.objects.filter(action="denied", username=personas[persona].username).count() == 2
    )


def test_an_administrator_removes_a_lost_authenticator(as_admin, admins, personas):
    client = as_admin(personas["administrator"])
    supervisor = personas["supervisor"]

    client.post(reverse("account_second_factor_reset", args=[supervisor.pk]))

    from django_otp.plugins.otp_totp.models import TOTPDevice

    assert not TOTPDevice.objects.filter(user=supervisor).exists()
    assert AuditEvent.objects.filter(
        action="update", object_id=str(supervisor.pk), changes__has_key="second_factor"
    ).exists()
    fresh = Client()
    fresh.post(reverse("login"), {"username": "giamsat", "password": PASSWORD})
    assert fresh.get(reverse("home"))["Location"].startswith(reverse("second_factor_enrol"))
