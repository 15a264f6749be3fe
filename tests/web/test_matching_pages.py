"""The registry lookup fragment and the book's reconciliation, in Chromium."""

import pytest

from hotich.lib.dates import PartialDate
from hotich.matching.engine.features import PersonInput, match_columns
from hotich.registry.models import Citizen
from tests.web.test_browser import ARTIFACTS, browser, log_in, page  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser


def test_lookup_shows_the_registry_candidate_field_by_field(page, live_server, personas, entry):  # noqa: F811
    person = PersonInput(
        "Nguyễn Thị Phượng",
        "2008-08-15",
        "2",
        "Xã Đông Văn, Huyện Đông Sơn, Tỉnh Thanh Hóa",
        "",
        "Kinh",
        "Nguyễn Văn Hùng",
        "Lê Thị Hoà",
    )
    Citizen.objects.create(
        personal_id="038308001234",
        full_name=person.full_name,
        name_key="nguyen thi phuong",
        birth_date=PartialDate.from_iso("2008-08-15"),
        birth_year=2008,
        sex="2",
        birthplace=person.birth_place,
        father_name=person.father_name,
        mother_name=person.mother_name,
        **match_columns(person),
    )
    log_in(page, live_server, "nhaplieu")
    page.get_by_role("link", name="Tra cứu dân cư").click()
    # Keyboard only: type, Tab to the next field; the fragment refreshes as one types.
    page.keyboard.type("NGUYEN THI PHUONG")
    page.keyboard.press("Tab")
    page.keyboard.type("15082008")
    for _ in range(4):
        page.keyboard.press("Tab")
    page.keyboard.type("Le Thi Hoa")
    page.wait_for_selector("text=038308001234")
    text = page.inner_text("section.lookup")
    assert "038308001234" in text and "Tìm thấy" in text
    assert "Họ tên mẹ: trùng khớp" in text
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "registry-lookup.png", full_page=True)


def test_a_justice_officer_queues_the_reconciliation_of_a_book(page, live_server, personas, entry):  # noqa: F811
    log_in(page, live_server, "tuphap")
    page.goto(f"{live_server.url}/so/{entry.book_id}/")
    page.get_by_role("button", name="Đối chiếu cả sổ với CSDL dân cư").click()
    page.wait_for_url("**/tac-vu/")
    assert "Đối chiếu với CSDL dân cư" in page.inner_text("main")
    page.screenshot(path=ARTIFACTS / "book-reconcile-queued.png", full_page=True)
