"""The second factor and the account page in a real browser (screenshots in test-artifacts)."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from hotich.accounts.models import Role, User
from hotich.accounts.second_factor import totp_code_now, totp_device_install
from tests.conftest import PASSWORD, TOTP_KEY
from tests.web.test_browser import ARTIFACTS, browser, log_in, page  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser


def test_a_supervisor_logs_in_with_the_code_of_an_authenticator(page, live_server, personas):  # noqa: F811
    page.goto(f"{live_server.url}/dang-nhap/")
    page.fill("input[name=username]", "giamsat")
    page.fill("input[name=password]", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/xac-thuc/?next=*")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "second-factor.png", full_page=True)

    device = TOTPDevice.objects.get(user=personas["supervisor"])
    page.fill("input[name=token]", totp_code_now(device))
    page.keyboard.press("Enter")

    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_test_id("user-name").inner_text() == "giamsat"


def test_a_supervisor_without_an_authenticator_enrols_by_qr_code(page, live_server, personas):  # noqa: F811
    TOTPDevice.objects.filter(user=personas["supervisor"]).delete()
    page.goto(f"{live_server.url}/dang-nhap/")
    page.fill("input[name=username]", "giamsat")
    page.fill("input[name=password]", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/xac-thuc/dang-ky/**")
    assert page.locator("[data-testid=qr] svg").is_visible()
    page.screenshot(path=ARTIFACTS / "second-factor-enrol.png", full_page=True)

    device = TOTPDevice.objects.get(user=personas["supervisor"], confirmed=False)
    page.fill("input[name=token]", totp_code_now(device))
    page.keyboard.press("Enter")

    codes = page.get_by_test_id("recovery-codes")
    codes.wait_for()
    assert len(codes.locator("li").all()) == 10
    page.screenshot(path=ARTIFACTS / "recovery-codes.png", full_page=True)


def test_a_province_administrator_sees_and_locks_its_communes_accounts(
    page,  # noqa: F811
    live_server,
    personas,
    units,
):
    admin = User(username="qt_tinh", role=Role.ADMINISTRATOR, unit=units["province"])
    admin.last_name, admin.first_name = "Vũ Minh", "Tuấn"
    admin.set_password(PASSWORD)
    admin.save()
    totp_device_install(user=admin, key=TOTP_KEY)
    log_in(page, live_server, "qt_tinh")

    page.get_by_role("link", name="Tài khoản").click()
    page.wait_for_url("**/tai-khoan/")
    listed = page.get_by_test_id("accounts").inner_text()
    assert "tuphap" in listed and "tuphap_khac" in listed
    assert "giamsat" not in listed
    page.screenshot(path=ARTIFACTS / "account-list.png", full_page=True)

    page.get_by_role("link", name="nhaplieu", exact=True).click()
    page.get_by_role("button", name="Khóa tài khoản").click()
    page.get_by_text("Đã khóa tài khoản.").wait_for()
    assert not User.objects.get(username="nhaplieu").is_active
    page.screenshot(path=ARTIFACTS / "account-edit.png", full_page=True)
