"""Nothing typed on the keying page is lost (docs/keying.md, "The form"), in Chromium.

A corrected date is kept; an edit conflict is settled field by field or by really
discarding one's own version; a restored draft can be discarded; typing during a network
drop stays on this computer (for this officer only) and the save waiting for the network is
sent when it comes back.
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from hotich.keying import services
from hotich.keying.models import EntryDraft, SecondKeying
from hotich.registers.models import Entry
from hotich.registers.services import entry_update
from hotich.registry.models import Citizen
from tests.keying.conftest import NOT_FOUND, form_data
from tests.web.test_browser import (  # noqa: F401 - fixtures
    ARTIFACTS,
    browser,
    log_in,
    page,
    wait_until,
)

ENTRY_PAGE = re.compile(r"/nhap/truong-hop/\d+/$")

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _idle_at_the_end(page, live_server):  # noqa: F811
    """Leave the page idle (no request of it still served) before the test's database is
    emptied."""
    yield
    page.context.set_offline(False)
    for each in page.context.pages:
        each.goto("about:blank")
        each.wait_for_timeout(300)


def wait_checked(page):  # noqa: F811
    """Wait until the autosave (a debounced htmx check) has been sent and has come back."""
    page.wait_for_timeout(500)
    wait_until(page, "!document.querySelector('.fields.htmx-request')")
    page.wait_for_selector("[data-testid=sync-status][data-state=saved]")


def field(page, name):  # noqa: F811
    return page.locator(f"#f-{name}")


def retype(page, name, text):  # noqa: F811
    """Put the cursor in field NAME, select what it holds and type TEXT over it."""
    field(page, name).click()
    page.keyboard.press("Control+a")
    page.keyboard.type(text)


def shot(page, name):  # noqa: F811
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"keying-{name}.png", full_page=True)


def draft_of(user, entry):
    return EntryDraft.objects.filter(user=user, book=entry.book, key=str(entry.pk)).first()


def test_a_corrected_date_is_kept_when_enter_is_pressed_at_once(
    page,  # noqa: F811
    live_server,
    personas,
    entry,
):
    """Finding 6: the reading of the earlier date (15/08/2008) was put back in the field on
    leaving it, then autosaved, when Enter followed the new digits within 400 ms."""
    log_in(page, live_server, "nhaplieu")
    page.goto(f"{live_server.url}/nhap/truong-hop/{entry.pk}/")
    retype(page, "nksNgaySinh", "14082008")
    page.keyboard.press("Enter")
    wait_checked(page)
    assert field(page, "nksNgaySinh").input_value() == "14/08/2008"
    page.keyboard.press("Shift+Enter")  # back to the date, its text selected
    assert page.evaluate("document.activeElement.name") == "nksNgaySinh"
    page.keyboard.type("16082008")
    page.keyboard.press("Enter")  # at once: well within the 400 ms pause
    wait_checked(page)
    assert field(page, "nksNgaySinh").input_value() == "16/08/2008"
    assert draft_of(personas["helper"], entry).data["nksNgaySinh"] in {"16082008", "16/08/2008"}
    shot(page, "date-corrected")
    page.keyboard.press("Control+s")
    page.wait_for_selector("text=Đã lưu Số")
    assert Entry.objects.get(pk=entry.pk).values["nksNgaySinh"] == "16/08/2008"


def _conflict(page, live_server, personas, entry):  # noqa: F811
    """The helper types the ethnicity while the justice officer saves another mother's name."""
    log_in(page, live_server, "nhaplieu")
    page.goto(f"{live_server.url}/nhap/truong-hop/{entry.pk}/")
    retype(page, "nksDanToc", "Kinh")
    wait_checked(page)
    entry_update(
        entry=entry,
        user=personas["justice_officer"],
        expected_version=entry.version,
        values={**entry.values, "meHoTen": "Lê Thị Hòa", "nksGioiTinh": "1"},
        marks=entry.marks,
    )
    field(page, "nksDanToc").click()
    page.keyboard.press("Control+s")
    page.wait_for_selector("[data-testid=conflict]")


def test_after_a_conflict_discard_mine_really_discards_and_shows_the_saved_version(
    page,  # noqa: F811
    live_server,
    personas,
    entry,
):
    """Finding 7: the discard link reopened the page, which restored the draft (with its old
    version): the only way out was to overwrite the other officer's change."""
    _conflict(page, live_server, personas, entry)
    rows = page.get_by_test_id("conflict").inner_text()
    assert "Lê Thị Hòa" in rows and "Kinh" in rows
    shot(page, "conflict")
    page.get_by_test_id("discard-mine").click()
    page.wait_for_selector("text=Đã bỏ bản nháp")
    assert field(page, "meHoTen").input_value() == "Lê Thị Hòa"
    assert field(page, "nksDanToc").input_value() == ""
    assert page.get_by_test_id("conflict").count() == 0
    assert page.get_by_test_id("draft-restored").count() == 0
    assert draft_of(personas["helper"], entry) is None
    page.reload()
    assert field(page, "meHoTen").input_value() == "Lê Thị Hòa"
    assert field(page, "nksDanToc").input_value() == ""
    assert page.get_by_test_id("conflict").count() == 0
    shot(page, "conflict-discarded")


def test_reopening_after_a_conflict_shows_it_again_and_fields_are_chosen_one_by_one(
    page,  # noqa: F811
    live_server,
    personas,
    entry,
):
    """Finding 7: reloading restored the stale draft silently; now the conflict is shown
    again, and each differing field is taken from one version or the other."""
    _conflict(page, live_server, personas, entry)
    page.reload()
    page.wait_for_selector("[data-testid=conflict]")
    assert field(page, "nksDanToc").input_value() == "Kinh"
    # Theirs for the mother's name, mine for the ethnicity, theirs for the sex.
    page.check("input[name='_pick:meHoTen'][value=theirs]")
    page.check("input[name='_pick:nksGioiTinh'][value=theirs]")
    assert field(page, "meHoTen").input_value() == "Lê Thị Hòa"
    assert field(page, "nksGioiTinh").input_value() == "1"
    page.check("input[name='_pick:nksGioiTinh'][value=mine]")
    assert field(page, "nksGioiTinh").input_value() == "2"
    page.check("input[name='_pick:nksGioiTinh'][value=theirs]")
    shot(page, "conflict-per-field")
    page.get_by_test_id("save-choices").click()
    page.wait_for_selector("text=Đã lưu Số")
    saved = Entry.objects.get(pk=entry.pk)
    assert saved.updated_by == personas["helper"]
    assert saved.values["meHoTen"] == "Lê Thị Hòa"
    assert saved.values["nksGioiTinh"] == "1"
    assert saved.values["nksDanToc"] == "Kinh"
    assert draft_of(personas["helper"], entry) is None


def test_a_restored_draft_of_a_new_entry_keeps_the_starting_field_and_can_be_discarded(
    page,  # noqa: F811
    live_server,
    personas,
    entry,
):
    """Finding 7: a restored new-entry draft had no way to be discarded, and the cursor
    started on the first field the draft left empty instead of the page number."""
    log_in(page, live_server, "nhaplieu")
    url = f"{live_server.url}/nhap/so/{entry.book_id}/moi/"
    page.goto(url)
    assert page.evaluate("document.activeElement.name") == "trangSo"
    page.keyboard.type("5")
    page.keyboard.press("Enter")
    page.keyboard.type("20112008")
    wait_checked(page)
    page.goto(url)
    page.wait_for_selector("[data-testid=draft-restored]")
    assert field(page, "ngayDangKy").input_value() in {"20112008", "20/11/2008"}
    assert page.evaluate("document.activeElement.name") == "trangSo"
    shot(page, "new-draft-restored")
    page.get_by_test_id("discard-draft").click()
    page.wait_for_selector("text=Đã bỏ bản nháp")
    assert page.get_by_test_id("draft-restored").count() == 0
    assert field(page, "trangSo").input_value() == ""
    # A fresh form again: the date proposed is the entry before's, not the draft's.
    assert field(page, "ngayDangKy").input_value() == entry.values["ngayDangKy"]
    assert field(page, "so").input_value() == "08"
    assert page.evaluate("document.activeElement.name") == "trangSo"
    assert not EntryDraft.objects.filter(user=personas["helper"], key="new").exists()
    page.goto(url)
    assert page.get_by_test_id("draft-restored").count() == 0
    assert field(page, "ngayDangKy").input_value() == entry.values["ngayDangKy"]


def test_a_save_during_a_network_drop_waits_and_is_sent_when_the_network_is_back(
    page,  # noqa: F811
    live_server,
    personas,
    entry,
):
    """Finding 8: the save went to the browser's error page and took with it everything
    typed since the last autosave; nothing said the network was gone."""
    log_in(page, live_server, "nhaplieu")
    page.goto(f"{live_server.url}/nhap/truong-hop/{entry.pk}/")
    status = page.get_by_test_id("sync-status")
    retype(page, "nksDanToc", "Kinh")
    wait_checked(page)
    assert "Đã lưu nháp" in status.inner_text()
    page.context.set_offline(True)
    field(page, "nksNgaySinh").click()
    page.keyboard.press("F8")  # the date in words is folded away until asked for
    retype(page, "nksNgaySinhBangChu", "Mười lăm tháng tám năm hai nghìn không trăm linh tám")
    retype(page, "meHoTen", "Lê Thị Hòa")
    page.wait_for_selector("[data-testid=sync-status][data-state=offline]")
    assert "Mất kết nối" in status.inner_text() and "2 thay đổi" in status.inner_text()
    page.keyboard.press("Control+s")
    page.wait_for_selector("[data-testid=sync-status][data-state=offline]:has-text('khi có mạng')")
    assert page.url.endswith(f"/nhap/truong-hop/{entry.pk}/")
    assert field(page, "meHoTen").input_value() == "Lê Thị Hòa"
    shot(page, "offline-save-waiting")
    assert Entry.objects.get(pk=entry.pk).version == 1
    page.context.set_offline(False)
    page.wait_for_selector("text=Đã lưu Số", timeout=15000)
    saved = Entry.objects.get(pk=entry.pk)
    assert saved.version > 1
    assert saved.values["nksDanToc"] == "Kinh"
    assert saved.values["meHoTen"] == "Lê Thị Hòa"
    assert saved.values["nksNgaySinhBangChu"].startswith("Mười lăm")
    assert draft_of(personas["helper"], entry) is None
    shot(page, "offline-save-sent")


def test_typing_during_a_network_drop_is_kept_on_this_computer_for_this_officer_only(
    page,  # noqa: F811
    live_server,
    personas,
    entry,
):
    """Finding 8: what was typed offline never reached the server draft; it is now kept in
    the browser, under the officer, book and entry, and restored when the form is reopened —
    but never to another officer on the same computer."""
    log_in(page, live_server, "nhaplieu")
    url = f"{live_server.url}/nhap/so/{entry.book_id}/moi/"
    page.goto(url)
    page.keyboard.type("5")
    wait_checked(page)
    page.context.set_offline(True)
    retype(page, "nksHoTen", "Trần Thị Mận")
    page.wait_for_selector("[data-testid=sync-status][data-state=offline]")
    shot(page, "offline-typing")
    context = page.context
    page.close()  # the tab is closed before the network comes back
    context.set_offline(False)
    assert EntryDraft.objects.get(user=personas["helper"], key="new").data["nksHoTen"] == ""
    page = context.new_page()  # noqa: F811
    page.goto(url)
    page.wait_for_selector("[data-testid=draft-restored]")
    assert field(page, "nksHoTen").input_value() == "Trần Thị Mận"
    assert field(page, "trangSo").input_value() == "5"
    wait_checked(page)
    server = EntryDraft.objects.get(user=personas["helper"], key="new").data
    assert server["nksHoTen"] == "Trần Thị Mận"
    # Another officer on the same computer (same browser storage) never sees it.
    page.context.set_offline(True)
    retype(page, "nksHoTen", "Trần Thị Mận Hai")
    page.wait_for_selector("[data-testid=sync-status][data-state=offline]")
    page.goto("about:blank")
    page.context.set_offline(False)
    page.goto(f"{live_server.url}/")
    page.get_by_role("button", name="Đăng xuất").click()
    log_in(page, live_server, "tuphap")
    page.goto(url)
    assert field(page, "nksHoTen").input_value() == ""
    assert page.get_by_test_id("draft-restored").count() == 0
    assert "Mận" not in page.content()
    shot(page, "other-officer-no-draft")


def _key_new_entry(page, live_server, book):  # noqa: F811
    page.goto(f"{live_server.url}/nhap/so/{book.pk}/moi/")
    for name, value in form_data(NOT_FOUND, trangSo="5").items():
        if name not in ("so", "quyenSo"):
            field(page, name).fill(value)
    wait_checked(page)


def _lose_the_first_answer(page, book):  # noqa: F811
    """Let the first save of the new-entry form reach the server, then drop its answer (the
    network goes on the way back); later requests pass."""
    lost = []

    def handle(route):
        if route.request.method == "POST" and not lost:
            lost.append(route.fetch().status)  # the server has it and answers …
            route.abort("internetdisconnected")  # … but the answer never comes back
        else:
            route.continue_()

    page.route(f"**/nhap/so/{book.pk}/moi/", handle)
    return lost


def test_a_save_whose_answer_is_lost_is_sent_again_and_creates_one_entry(
    page,  # noqa: F811
    live_server,
    personas,
    book,
):
    """The hole left by the queued saves: a new entry saved, its answer lost, was created a
    second time by the retry. The form's token makes the retry find the first entry."""
    lost = _lose_the_first_answer(page, book)
    log_in(page, live_server, "nhaplieu")
    _key_new_entry(page, live_server, book)
    page.keyboard.press("Control+s")
    page.wait_for_selector("[data-testid=sync-status][data-state=offline]")
    assert lost == [200]  # the page's own save is told where to go in a header
    page.context.set_offline(True)  # the network stays down a while
    assert Entry.objects.filter(book=book).count() == 1
    assert page.url.endswith(f"/nhap/so/{book.pk}/moi/")
    shot(page, "new-entry-answer-lost")
    page.wait_for_timeout(3500)  # a retry or two meet the drop
    page.context.set_offline(False)
    expect(page).to_have_url(ENTRY_PAGE, timeout=15000)
    page.wait_for_selector("text=Đã lưu trước đó")
    saved = Entry.objects.get(book=book)  # exactly one
    assert page.url.endswith(f"/nhap/truong-hop/{saved.pk}/")
    assert saved.values["nksHoTen"] == NOT_FOUND["nksHoTen"]
    assert saved.people.get(role="subject").citizen.personal_id  # one new personal ID …
    assert Citizen.objects.filter(source=Citizen.Source.CREATED).count() == 1  # … only one
    assert not EntryDraft.objects.filter(user=personas["helper"], key="new").exists()
    assert (
        page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('hotich.keying'))") == []
    )
    shot(page, "new-entry-saved-before")


def test_a_save_whose_answer_is_lost_then_the_tab_closed_is_found_on_reopening(
    page,  # noqa: F811
    live_server,
    personas,
    book,
):
    """The answer lost and the tab closed while the network is down: the draft kept in the
    browser brings the form's token back with it, and saving it creates nothing new."""
    lost = _lose_the_first_answer(page, book)
    log_in(page, live_server, "nhaplieu")
    _key_new_entry(page, live_server, book)
    page.keyboard.press("Control+s")
    page.wait_for_selector("[data-testid=sync-status][data-state=offline]")
    assert lost == [200]
    context = page.context
    context.set_offline(True)
    page.close()
    context.set_offline(False)
    page = context.new_page()  # noqa: F811
    page.goto(f"{live_server.url}/nhap/so/{book.pk}/moi/")
    page.wait_for_selector("[data-testid=draft-restored]")
    assert field(page, "nksHoTen").input_value() == NOT_FOUND["nksHoTen"]
    page.wait_for_selector("[data-testid=saved-before]:has-text('đã lưu trước đó (Số 01/2008)')")
    shot(page, "new-entry-reopened-after-lost-answer")
    field(page, "nksHoTen").click()
    page.keyboard.press("Control+s")
    # The banner of the restored draft already says "đã lưu trước đó": wait for the save's
    # own answer, the entry's page, not for those words.
    expect(page).to_have_url(ENTRY_PAGE, timeout=15000)
    page.wait_for_selector("text=Đã lưu trước đó")
    saved = Entry.objects.get(book=book)
    assert page.url.endswith(f"/nhap/truong-hop/{saved.pk}/")
    assert not EntryDraft.objects.filter(user=personas["helper"], key="new").exists()
    # The next new entry is a new form, empty, with the next number.
    page.goto(f"{live_server.url}/nhap/so/{book.pk}/moi/")
    assert page.get_by_test_id("draft-restored").count() == 0
    assert field(page, "so").input_value() == f"{saved.number + 1:02d}"
    assert field(page, "nksHoTen").input_value() == ""


def test_the_blind_second_keying_keeps_its_typing_through_a_closed_tab_and_a_network_drop(
    page,  # noqa: F811
    live_server,
    personas,
    book,
):
    """The second keying has no server draft (blind): its typing is kept in the browser
    until saved, and its save waits for the network as the first keying's does."""
    services.policy_set(
        commune=book.commune, user=personas["justice_officer"], mode="all", sample_percent=0
    )
    first = services.keying_save(
        book=book,
        user=personas["helper"],
        raw_values=form_data(NOT_FOUND, trangSo="5"),
        marks={},
        choices={},
    ).entry
    url = f"{live_server.url}{reverse('keying_second', args=[first.pk])}"
    log_in(page, live_server, "congan")
    page.goto(url)
    status = page.get_by_test_id("sync-status")
    field(page, "trangSo").fill("5")
    field(page, "nksHoTen").fill(NOT_FOUND["nksHoTen"])
    page.wait_for_selector("[data-testid=sync-status]:has-text('giữ trên máy này, chưa lưu')")
    page.context.set_offline(True)
    field(page, "nksDanToc").fill("Kinh")
    page.wait_for_selector("[data-testid=sync-status][data-state=offline]")
    assert "3 thay đổi" in status.inner_text()
    context = page.context
    page.close()
    context.set_offline(False)
    page = context.new_page()  # noqa: F811
    page.goto(url)
    page.wait_for_selector("[data-testid=draft-restored]")
    assert field(page, "nksHoTen").input_value() == NOT_FOUND["nksHoTen"]
    assert field(page, "nksDanToc").input_value() == "Kinh"
    assert "xem bản đã lưu" not in page.get_by_test_id("draft-restored").inner_text()  # blind
    shot(page, "second-keying-restored")
    for name, value in form_data(NOT_FOUND, trangSo="5").items():
        if name not in ("so", "quyenSo"):
            field(page, name).fill(value)
    page.context.set_offline(True)
    field(page, "nksHoTen").click()
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("[data-testid=sync-status][data-state=offline]:has-text('khi có mạng')")
    assert not SecondKeying.objects.filter(entry=first).exists()
    shot(page, "second-keying-save-waiting")
    page.context.set_offline(False)
    page.wait_for_selector("text=Hai lần nhập", timeout=15000)
    assert SecondKeying.objects.get(entry=first).keyer == personas["police_officer"]
    assert (
        page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('hotich.keying'))") == []
    )
    shot(page, "second-keying-sent")
