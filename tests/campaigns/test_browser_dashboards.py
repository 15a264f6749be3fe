"""The dashboards in a real browser (Debian's Chromium via Playwright); screenshots kept."""

import pytest

from tests.web.test_browser import ARTIFACTS, browser, log_in, page  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("username", "unit", "name"),
    [
        ("tuphap", "commune", "xa"),
        ("giamsat", "province", "tinh"),
        ("giamsat", "district", "huyen-cu"),
    ],
)
def test_dashboards_draw_their_charts(username, unit, name, page, live_server, refreshed, units):  # noqa: F811
    log_in(page, live_server, username)
    page.goto(f"{live_server.url}/tien-do/{units[unit].pk}/")
    assert page.locator("svg.chart").count() == 7
    assert "Xếp hạng theo mức hoàn thành chỉ tiêu" in page.content()
    # The outcome mix: one bar for the unit, one for its only group, four shares each.
    outcomes = page.get_by_test_id("chart-outcomes")
    assert outcomes.locator("rect[height='16']").count() == 8
    assert "38%" in outcomes.inner_text()  # 3 of 8 people matched
    backlog = page.get_by_test_id("chart-backlog")
    assert "4 trường hợp đang mở" in backlog.inner_text()
    assert page.get_by_test_id("table-doi-chieu-theo-doi").locator("tbody tr").count() == 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"dashboard-{name}.png", full_page=True)


def test_the_home_page_reminds_officers_of_the_weekly_report(page, live_server, campaign):  # noqa: F811
    log_in(page, live_server, "giamsat")
    reminder = page.get_by_test_id("report-reminder")
    assert "tuphap" in reminder.inner_text()
    page.screenshot(path=ARTIFACTS / "home-report-reminder.png", full_page=True)
