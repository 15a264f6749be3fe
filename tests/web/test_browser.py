"""Pages in a real browser: Debian's Chromium driven by Playwright; screenshots are kept."""

from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.conftest import PASSWORD

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    # An English browser, as on many commune PCs: the interface must still be Vietnamese.
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="en-US")
    page = context.new_page()
    yield page
    context.close()


def wait_until(page, expression: str, timeout: float = 10.0) -> None:
    """Wait until the JavaScript EXPRESSION is true in PAGE.

    Playwright's wait_for_function compiles its predicate in the page with eval, which the
    Content-Security-Policy forbids; page.evaluate is exempt (it goes through DevTools).
    """
    import time

    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {expression}")
        page.wait_for_timeout(100)


def log_in(page, live_server, username):
    """Log in through the login page, and the second-factor page when the role has one."""
    page.goto(f"{live_server.url}/dang-nhap/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/dang-nhap/" not in url)
    if "/xac-thuc/" in page.url:
        page.fill("input[name=token]", totp_code_for(username))
        page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")


def totp_code_for(username):
    """Return the code the authenticator app of USERNAME shows now."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from hotich.accounts.second_factor import totp_code_now

    return totp_code_now(TOTPDevice.objects.get(user__username=username, confirmed=True))


HOME = [
    ("justice_officer", "tuphap", "chờ bạn phê duyệt"),
    ("police_officer", "congan", "CSDL quốc gia về dân cư"),
    ("helper", "nhaplieu", "đúng nguyên văn"),
    ("team_leader", "totruong", "chỉ tiêu"),
    ("supervisor", "giamsat", "tiến độ của các xã"),
    ("inspector", "thanhtra", "nhật ký truy cập"),
    ("administrator", "quantri", "Quản lý tài khoản"),
]


@pytest.mark.parametrize(("persona", "username", "next_step"), HOME)
def test_each_role_logs_in_and_sees_what_to_do_next(
    persona, username, next_step, page, live_server, personas, entry
):
    log_in(page, live_server, username)
    next_steps = page.get_by_test_id("next-steps")
    assert next_step in next_steps.inner_text()
    assert page.get_by_test_id("user-name").inner_text() == username
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"home-{persona}.png", full_page=True)


def test_a_book_page_lists_entries_and_filters_them_with_htmx(page, live_server, personas, entry):
    log_in(page, live_server, "tuphap")
    page.goto(f"{live_server.url}/so/{entry.book_id}/")
    assert "Nguyễn Thị Phượng" in page.get_by_test_id("entries").inner_text()
    page.select_option("select[name=status]", "approved")
    page.wait_for_url("**status=approved**")
    assert "Chưa có trường hợp nào" in page.get_by_test_id("entries").inner_text()
    page.screenshot(path=ARTIFACTS / "book-filtered.png", full_page=True)


def test_an_outsider_sees_a_refusal_for_another_communes_entry(page, live_server, personas, entry):
    log_in(page, live_server, "tuphap_khac")
    page.goto(f"{live_server.url}/truong-hop/{entry.pk}/")
    assert "không có quyền" in page.get_by_test_id("refusal").inner_text()
    assert "Nguyễn Thị Phượng" not in page.content()


def test_the_interface_switches_to_english(page, live_server, personas, entry):
    log_in(page, live_server, "tuphap")
    with page.expect_navigation():
        page.select_option("select[name=language]", "en")
    assert "Registers" in page.locator("header nav").inner_text()
    page.screenshot(path=ARTIFACTS / "home-english.png", full_page=True)
