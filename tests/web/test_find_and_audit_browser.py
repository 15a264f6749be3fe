"""In a real browser: the search box of the navigation finds an entry typed without
diacritics, the results follow the typing; on the audit page Enter searches and never starts
an export, and the day filters are text typed dd/mm/yyyy."""

from urllib.parse import parse_qs, urlparse

import pytest

from tests.web.test_browser import ARTIFACTS, browser, log_in, page, wait_until  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser


def test_the_navigation_search_finds_an_entry_without_diacritics(
    page,  # noqa: F811
    live_server,
    personas,
    entry,
):
    log_in(page, live_server, "tuphap")
    page.fill("[data-testid=nav-search]", "nguyen thi phuong")
    page.keyboard.press("Enter")
    page.wait_for_url("**/tim-kiem/?q=**")
    results = page.get_by_test_id("search-results").inner_text()
    assert "Nguyễn Thị Phượng" in results and "Số 07/2008" in results
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "search-name.png", full_page=True)
    # Typing in the page's own box swaps the rows (htmx), by entry number this time.
    page.fill("[data-testid=search-q]", "08/2008")
    wait_until(
        page,
        "document.querySelector('[data-testid=search-results] tbody').innerText.includes('Không tìm thấy')",
    )
    page.fill("[data-testid=search-q]", "07/2008")
    wait_until(
        page,
        "document.querySelector('[data-testid=search-results] tbody').innerText.includes('Nguyễn Thị Phượng')",
    )
    assert parse_qs(urlparse(page.url).query)["q"] == ["07/2008"]


def test_enter_on_the_audit_page_searches_and_exports_nothing(
    page,  # noqa: F811
    live_server,
    personas,
    entry,
):
    from hotich.jobs.models import Job

    log_in(page, live_server, "thanhtra")
    page.goto(f"{live_server.url}/nhat-ky/")
    assert page.locator("input[type=date]").count() == 0
    page.fill("input[name=user]", "tuphap")
    page.fill("input[name=date_from]", "01/01/2000")
    page.locator("input[name=user]").press("Enter")
    page.wait_for_url("**/nhat-ky/?**user=tuphap**")
    assert parse_qs(urlparse(page.url).query)["date_from"] == ["01/01/2000"]
    rows = page.get_by_test_id("events").inner_text()
    assert "trường hợp đăng ký" in rows and "tuphap" in rows
    assert not Job.objects.exists()
    page.screenshot(path=ARTIFACTS / "audit-search.png", full_page=True)
