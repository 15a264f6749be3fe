"""Keying at the speed of the book: a birth, a marriage and a death keyed by keyboard only
in Chromium, every key press counted, and the keystrokes beyond the names printed.

A typed character or a key press counts one (a chord such as Ctrl+Enter counts once). The
names' characters are counted apart: what the form can save is the rest. The counts are
written to test-artifacts/keying-speed.txt, with screenshots of the form at 1366×768 and at
tablet width (768×1024).
"""

import pytest

from hotich.registers.models import Entry, RegisterBook
from hotich.registers.services import entry_create
from tests.keying.conftest import MATCH, PLACE
from tests.web.test_browser import ARTIFACTS, browser, log_in, wait_until  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser

#: At most this many keys beyond the names' characters for a typical birth entry.
BIRTH_BUDGET = 40

REGISTRATION = {
    "trangSo": "5",
    "ngayDangKy": "20/11/2008",
    "loaiDangKy": "1",
    "noiDangKy": "UBND xã Đông Văn",
    "nguoiKy": "Lê Văn Ký",
    "chucVuNguoiKy": "Chủ tịch UBND xã",
}
PEOPLE = {
    "KS": ("nks", "me", "cha"),
    "KH": ("chong", "vo"),
    "KT": ("nkt",),
}


class Keyboard:
    """The page's keyboard, counting every key press, the names' characters apart."""

    def __init__(self, page):  # noqa: F811
        self.page = page
        self.count = 0
        self.names = 0

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)
        self.count += len(text)

    def name(self, text: str) -> None:
        self.page.keyboard.type(text)
        self.names += len(text)

    def press(self, key: str, times: int = 1) -> None:
        for _ in range(times):
            self.page.keyboard.press(key)
            self.count += 1

    def at(self, name: str) -> None:
        """Check the cursor is where the officer expects it (no key pressed)."""
        assert self.page.evaluate("document.activeElement.name") == name


def _history(book, user, register_code):
    """Three earlier entries of BOOK, as a book being keyed has: its habits are learned."""
    people = PEOPLE[register_code]
    for number in (5, 6, 7):
        values = {**REGISTRATION, "so": f"{number:02d}", "quyenSo": book.volume}
        for prefix in people:
            values[f"{prefix}HoTen"] = f"Người thứ {number}"
            values[f"{prefix}NgaySinh"] = "1980"
            values[f"{prefix}DanToc"] = "Kinh"
            values[f"{prefix}QuocTich"] = "Việt Nam"
        if register_code == "KS":
            values.update(nksGioiTinh="1", nksNoiSinh=PLACE, nksLoaiKhaiSinh="1")
        if register_code == "KH":
            for prefix in people:
                values[f"{prefix}LoaiCuTru"] = "1"
                values[f"{prefix}NoiCuTru"] = "Thôn 2, xã Đông Văn"
        if register_code == "KT":
            values.update(
                nktGioiTinh="1",
                nktNoiCuTru="Thôn 1, xã Đông Văn",
                nktNgayChet="01/11/2008",
                nktNoiChet="Tại nhà",
                nktNguyenNhanChet="Già yếu",
                nycHoTen=f"Con thứ {number}",
                nycQuanHe="Con",
            )
        entry_create(book=book, user=user, year=2008, number=number, values=values)


def _book(units, personas, code):
    book = RegisterBook.objects.create(
        commune=units["commune"], register_type=code, year_from=2008, year_to=2008, volume="01/2008"
    )
    _history(book, personas["justice_officer"], code)
    return book


@pytest.fixture
def page(browser):  # noqa: F811
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="en-US")
    page = context.new_page()
    yield page
    context.close()


def _checked(page):  # noqa: F811
    """Wait until the form's last typing has been checked (draft saved, lookup shown)."""
    wait_until(page, "document.getElementById('sync-status').dataset.state === 'saved'")


def _report(kind, keys):
    beyond = keys.count
    line = f"{kind}: {keys.count + keys.names} keys, {keys.names} of them the names' characters, {beyond} beyond the names"
    ARTIFACTS.mkdir(exist_ok=True)
    with (ARTIFACTS / "keying-speed.txt").open("a", encoding="utf-8") as out:
        out.write(line + "\n")
    print("\n" + line)
    return beyond


def _saved(book, number=8):
    return Entry.objects.get(book=book, number=number).values


def _fits(page, width, height, *, one_screen=True):
    """Assert no sideways scroll, and the basic fields and the lookup panel on the screen
    (ONE_SCREEN: within its height too; else only within its width)."""
    page.set_viewport_size({"width": width, "height": height})
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(200)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    boxes = page.evaluate(
        """Array.from(document.querySelectorAll('fieldset.group:not([data-rare]) > .group-fields:not(.more-fields) input.kf'))
             .map((el) => { const r = el.getBoundingClientRect(); return [el.name, r.left, r.right, r.top, r.bottom]; })"""
    )
    assert boxes
    bottom = height if one_screen else float("inf")
    outside = [b[0] for b in boxes if b[1] < 0 or b[2] > width or b[3] < 0 or b[4] > bottom]
    assert outside == [], f"fields off the {width}×{height} screen: {outside}"
    panel = page.evaluate(
        "(() => { const r = document.getElementById('check').getBoundingClientRect(); return [r.left, r.right, r.top]; })()"
    )
    assert panel[0] >= 0 and panel[1] <= width and panel[2] < height


def test_a_birth_is_keyed_within_the_budget_and_saved_as_typed(
    page,  # noqa: F811
    live_server,
    units,
    personas,
    registry_people,
):
    book = _book(units, personas, "KS")
    log_in(page, live_server, "nhaplieu")
    page.goto(f"{live_server.url}/nhap/so/{book.pk}/moi/")
    assert page.locator("input[type=date]").count() == 0  # dd/mm/yyyy, typed
    keys = Keyboard(page)
    keys.at("trangSo")  # proposed: the page of the entry keyed before
    keys.press("Enter")
    keys.at("ngayDangKy")
    keys.type("21112008")
    keys.press("Enter")  # registration type, place, signer, title, keyer: carried
    keys.at("nksHoTen")
    keys.name(MATCH["nksHoTen"])
    keys.press("Enter")
    keys.type("15082008")
    keys.press("Enter")
    keys.at("nksGioiTinh")
    keys.type("2")  # one key: the code, and on (ethnicity, nationality carried)
    keys.at("nksNoiSinh")
    page.wait_for_selector("[data-offer-field=nksNoiSinh]")
    keys.press("F4")  # the registry's birthplace, as the book writes it
    keys.press("Enter")
    keys.at("nksLoaiKhaiSinh")
    keys.type("1")
    keys.at("meHoTen")
    keys.name(MATCH["meHoTen"])
    keys.press("Enter")
    keys.at("meNgaySinh")
    keys.type("1984")
    keys.press("Enter")
    keys.at("chaHoTen")
    keys.name(MATCH["chaHoTen"])
    keys.press("Enter")
    keys.type("1982")
    _checked(page)
    page.wait_for_selector("[data-testid=lookup-subject] input[value='match:038308001234']:checked")
    assert page.input_value("#f-nksNgaySinh") == "15/08/2008"
    assert "Giống nhau" in page.get_by_test_id("words-subject").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    _fits(page, 1366, 768)
    page.screenshot(path=ARTIFACTS / "keying-speed-1366x768.png")
    _fits(page, 768, 1024, one_screen=False)
    page.screenshot(path=ARTIFACTS / "keying-speed-768x1024.png")
    page.set_viewport_size({"width": 1366, "height": 768})
    keys.press("Control+Enter")
    page.wait_for_selector("text=Đã lưu Số 08/2008")
    beyond = _report("birth", keys)
    assert _saved(book) == {
        "so": "08",
        "quyenSo": "01/2008",
        **REGISTRATION,
        "ngayDangKy": "21/11/2008",
        "nguoiThucHien": "nhaplieu",
        "nksHoTen": MATCH["nksHoTen"],
        "nksNgaySinh": "15/08/2008",
        "nksGioiTinh": "2",
        "nksDanToc": "Kinh",
        "nksQuocTich": "Việt Nam",
        "nksNoiSinh": PLACE,
        "nksLoaiKhaiSinh": "1",
        "meHoTen": MATCH["meHoTen"],
        "meNgaySinh": "1984",
        "meDanToc": "Kinh",
        "meQuocTich": "Việt Nam",
        "chaHoTen": MATCH["chaHoTen"],
        "chaNgaySinh": "1982",
        "chaDanToc": "Kinh",
        "chaQuocTich": "Việt Nam",
    }
    # The next form proposes the date just keyed.
    assert page.input_value("#f-ngayDangKy") == "21/11/2008"
    assert beyond <= BIRTH_BUDGET


def test_a_marriage_is_keyed_by_keyboard_and_saved_as_typed(
    page,  # noqa: F811
    live_server,
    units,
    personas,
):
    book = _book(units, personas, "KH")
    log_in(page, live_server, "nhaplieu")
    page.goto(f"{live_server.url}/nhap/so/{book.pk}/moi/")
    keys = Keyboard(page)
    keys.at("trangSo")
    keys.type("6")
    keys.press("Enter")
    keys.type("03122008")
    keys.press("Enter")
    for prefix, name, born, home in (
        ("chong", "Phạm Văn Long", "12051985", "Thôn 3, xã Đông Văn"),
        ("vo", "Vũ Thị Hạnh", "1987", "Thôn 2, xã Đông Văn"),
    ):
        keys.at(f"{prefix}HoTen")
        keys.name(name)
        keys.press("Enter")
        keys.type(born)
        keys.press("Enter")
        keys.at(f"{prefix}LoaiCuTru")
        keys.type("1")
        keys.at(f"{prefix}NoiCuTru")
        if prefix == "vo":
            keys.press("F2")  # as the entry before
        else:
            keys.type(home)
        keys.press("Enter")
    _checked(page)
    page.screenshot(path=ARTIFACTS / "keying-speed-marriage.png")
    keys.press("Control+s")
    page.wait_for_selector("text=Đã lưu Số 08/2008")
    _report("marriage", keys)
    common = {"so": "08", "quyenSo": "01/2008", **REGISTRATION, "nguoiThucHien": "nhaplieu"}
    assert _saved(book) == {
        **common,
        "trangSo": "6",
        "ngayDangKy": "03/12/2008",
        "chongHoTen": "Phạm Văn Long",
        "chongNgaySinh": "12/05/1985",
        "chongDanToc": "Kinh",
        "chongQuocTich": "Việt Nam",
        "chongLoaiCuTru": "1",
        "chongNoiCuTru": "Thôn 3, xã Đông Văn",
        "voHoTen": "Vũ Thị Hạnh",
        "voNgaySinh": "1987",
        "voDanToc": "Kinh",
        "voQuocTich": "Việt Nam",
        "voLoaiCuTru": "1",
        "voNoiCuTru": "Thôn 2, xã Đông Văn",
    }


def test_a_death_is_keyed_by_keyboard_and_saved_as_typed(
    page,  # noqa: F811
    live_server,
    units,
    personas,
):
    book = _book(units, personas, "KT")
    log_in(page, live_server, "nhaplieu")
    page.goto(f"{live_server.url}/nhap/so/{book.pk}/moi/")
    keys = Keyboard(page)
    keys.at("trangSo")
    keys.press("Enter")  # the page, as the entry before
    keys.at("ngayDangKy")
    keys.type("02112008")
    keys.press("Enter")
    keys.at("nktHoTen")
    keys.name("Đặng Văn Thọ")
    keys.press("Enter")
    keys.type("1931")
    keys.press("Enter")
    keys.at("nktGioiTinh")
    keys.type("1")
    keys.at("nktNoiCuTru")
    keys.type("Thôn 4, xã Đông Văn")
    keys.press("Enter")
    keys.at("nktNgayChet")
    keys.type("01112008")
    keys.press("Enter")
    keys.at("nktNoiChet")
    keys.press("F2")  # place of death: as the entry before
    keys.press("Enter")
    keys.at("nktNguyenNhanChet")
    keys.press("F2")  # cause
    keys.press("Enter")
    keys.at("nycHoTen")
    keys.name("Đặng Văn Hải")
    keys.press("Enter")
    keys.press("F2")  # relationship: con
    _checked(page)
    page.screenshot(path=ARTIFACTS / "keying-speed-death.png")
    keys.press("Control+s")
    page.wait_for_selector("text=Đã lưu Số 08/2008")
    _report("death", keys)
    assert _saved(book) == {
        "so": "08",
        "quyenSo": "01/2008",
        **REGISTRATION,
        "ngayDangKy": "02/11/2008",
        "nguoiThucHien": "nhaplieu",
        "nktHoTen": "Đặng Văn Thọ",
        "nktNgaySinh": "1931",
        "nktGioiTinh": "1",
        "nktDanToc": "Kinh",
        "nktQuocTich": "Việt Nam",
        "nktNoiCuTru": "Thôn 4, xã Đông Văn",
        "nktNgayChet": "01/11/2008",
        "nktNoiChet": "Tại nhà",
        "nktNguyenNhanChet": "Già yếu",
        "nycHoTen": "Đặng Văn Hải",
        "nycQuanHe": "Con",
    }


def test_the_help_lists_every_key_and_folded_fields_open_with_one_key(
    page,  # noqa: F811
    live_server,
    units,
    personas,
):
    book = _book(units, personas, "KS")
    log_in(page, live_server, "nhaplieu")
    page.goto(f"{live_server.url}/nhap/so/{book.pk}/moi/")
    page.keyboard.type("?")  # in a field: a character like any other
    assert page.input_value("#f-trangSo") == "?"
    assert not page.evaluate("document.getElementById('keys-help').open")
    page.keyboard.press("Escape")  # leave the field
    page.keyboard.press("?")
    assert page.evaluate("document.getElementById('keys-help').open")
    text = page.get_by_test_id("keys-help").inner_text()
    for key in ("Enter", "Tab", "PageDown", "F1", "F2", "F3", "F4", "F7", "F8", "F9", "Esc"):
        assert key in text
    assert "Ctrl+S" in text.replace(" ", "") and "Ctrl+Enter" in text.replace(" ", "")
    page.screenshot(path=ARTIFACTS / "keying-speed-help.png")
    page.keyboard.press("Escape")
    assert not page.evaluate("document.getElementById('keys-help').open")
    # Digit dates get their separators on leaving the field; one that does not exist stays
    # as typed (the check says why), as the server reads it.
    page.focus("#f-nksNgaySinh")
    page.keyboard.type("31022008")
    page.keyboard.press("Enter")
    assert page.input_value("#f-nksNgaySinh") == "31022008"
    page.focus("#f-meNgaySinh")
    page.keyboard.type("031984")
    page.keyboard.press("Enter")
    assert page.input_value("#f-meNgaySinh") == "03/1984"
    page.focus("#f-nksHoTen")
    assert not page.is_visible("#f-nksNgaySinhBangChu")
    page.keyboard.press("F8")
    assert page.is_visible("#f-nksNgaySinhBangChu")
    assert page.evaluate("document.activeElement.closest('.more-fields') !== null")
