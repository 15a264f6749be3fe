"""A full birth entry keyed by keyboard only in Chromium, for each lookup outcome.

Keystrokes are counted (a typed character or a key press, a chord such as Ctrl+Enter
counting once) and written to test-artifacts/keying-keystrokes.txt with the screenshots.
"""

import re

import pytest

from hotich.reconciliation.models import TrackingCase
from hotich.registers.models import Entry
from hotich.registry.models import Citizen
from tests.keying.conftest import DISCREPANCY, MATCH, NOT_FOUND
from tests.web.test_browser import ARTIFACTS, browser, log_in, page, wait_until  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser


class Keyboard:
    """The page's keyboard, counting keystrokes."""

    def __init__(self, page):  # noqa: F811
        self.page = page
        self.count = 0

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)
        self.count += len(text)

    def press(self, key: str, times: int = 1) -> None:
        for _ in range(times):
            self.page.keyboard.press(key)
            self.count += 1


def wait_checked(page):  # noqa: F811
    """Wait until the form's pending check (htmx) has come back."""
    wait_until(page, "!document.querySelector('.fields.htmx-request')")


CASES = [
    # outcome, book values, name as typed (F4 takes the accented name offered), proposal
    ("match", MATCH, "Nguyen Thi Phuong", True, "match:038308001234"),
    ("discrepancy", DISCREPANCY, "Tran Van Khai", True, "discrepancy:038208004321"),
    ("not_found", NOT_FOUND, "Hoàng Minh Quân", False, "not_found"),
]


@pytest.mark.parametrize(("outcome", "values", "typed_name", "accent_key", "proposal"), CASES)
def test_a_birth_entry_is_keyed_by_keyboard_only(
    outcome,
    values,
    typed_name,
    accent_key,
    proposal,
    page,  # noqa: F811
    live_server,
    personas,
    entry,
    registry_people,
):
    log_in(page, live_server, "nhaplieu")
    page.goto(f"{live_server.url}/nhap/so/{entry.book_id}/moi/")
    keys = Keyboard(page)
    # Focus starts on the first empty field: the page number (số 08, quyển 01/2008 are
    # filled; the registration type and place are carried from the entry before).
    assert page.evaluate("document.activeElement.name") == "trangSo"
    keys.type("5")
    keys.press("Enter")
    keys.type("20112008")  # ngày đăng ký, over the one proposed
    keys.press("Enter")  # past the carried type and place: the signer
    assert page.evaluate("document.activeElement.name") == "nguoiKy"
    keys.press("PageDown")  # on to "Người được khai sinh"
    keys.type(typed_name)
    if accent_key:
        page.wait_for_selector("[data-suggest-field=nksHoTen]")
        keys.press("F4")
        assert page.input_value("#f-nksHoTen") == values["nksHoTen"]
    keys.press("Enter")
    keys.type(values["nksNgaySinh"].replace("/", ""))
    keys.press("Enter")
    keys.type(values["nksGioiTinh"])  # one key, and on past the carried ethnicity
    if values["nksDanToc"] != "Kinh":
        keys.press("Shift+Enter", 2)  # back to the ethnicity the book writes otherwise
        keys.type(values["nksDanToc"])
        keys.press("Enter")
    assert page.evaluate("document.activeElement.name") == "nksNoiSinh"
    keys.type(values["nksNoiSinh"])
    keys.press("Enter", 3)  # quê quán, số định danh: not in this book
    keys.type("1")  # loại khai sinh, and on to Mẹ
    keys.type(values["meHoTen"])
    keys.press("Enter")
    keys.press("PageDown")  # Cha
    keys.type(values["chaHoTen"])
    wait_checked(page)
    page.wait_for_selector(f"[data-testid=lookup-subject] input[value='{proposal}']:checked")
    assert page.input_value("#f-nksNgaySinh") == values["nksNgaySinh"]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"keying-{outcome}-form.png", full_page=True)
    keys.press("Control+Enter")  # save and open the next number
    page.wait_for_selector("text=Đã lưu Số 08/2008")
    assert page.input_value("#f-so") == "09"
    page.screenshot(path=ARTIFACTS / f"keying-{outcome}-saved.png", full_page=True)

    saved = Entry.objects.get(book=entry.book, number=8)
    assert saved.values["nksHoTen"] == values["nksHoTen"]
    assert saved.values["nksNgaySinh"] == values["nksNgaySinh"]
    assert saved.values["noiDangKy"] == entry.values["noiDangKy"]
    subject = saved.people.get(role="subject")
    assert subject.match.outcome == outcome
    if outcome == "match":
        assert subject.citizen == registry_people["match"]
    if outcome == "discrepancy":
        assert TrackingCase.objects.get().fields[0]["book"] == "Mường"
        page.get_by_role("link", name="Theo dõi riêng").click()
        text = page.get_by_test_id("cases").inner_text()
        assert "Trần Văn Khải" in text and "038208004321" in text and "Mường" in text
        page.screenshot(path=ARTIFACTS / "keying-tracking-list.png", full_page=True)
    if outcome == "not_found":
        new = subject.citizen
        assert new.source == Citizen.Source.CREATED
        assert re.fullmatch(r"038208\d{6}", new.personal_id)
        assert f"Đã cấp số định danh cá nhân mới: {new.personal_id}" in page.inner_text("main")
    with (ARTIFACTS / "keying-keystrokes.txt").open("a", encoding="utf-8") as out:
        out.write(f"{outcome}: {keys.count} keystrokes for a birth entry\n")
    print(f"\n{outcome}: {keys.count} keystrokes")
