"""Upload, mapping, scans and review pages in a real browser; screenshots in test-artifacts/."""

import pytest
from django.core.management import call_command

from hotich.registers.models import Entry, EntryStatus
from hotich.review.scans import scan_attach
from tests.exchange.test_import import BIRTH_ROW, fill_template
from tests.exchange.test_pages import legacy_file
from tests.review.test_scans import photo_bytes
from tests.web import test_browser as web
from tests.web.test_browser import ARTIFACTS, log_in, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# The browser fixtures of the page tests, shared.
browser = web.browser
page = web.page


def test_a_file_is_uploaded_and_its_progress_followed(page, live_server, personas, book, tmp_path):
    path = tmp_path / "khai-sinh-2008.xlsx"
    fill_template(path, [BIRTH_ROW, {**BIRTH_ROW, "so": "08/2008", "nksNgaySinh": "31/02/2008"}])
    log_in(page, live_server, "nhaplieu")
    page.goto(f"{live_server.url}/nhap-tep/")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "import-upload.png", full_page=True)
    page.set_input_files("input[name=file]", str(path))
    page.select_option("select[name=book]", str(book.pk))
    with page.expect_navigation():
        page.click("text=Tải lên và nhập")
    assert "Đang chờ" in page.get_by_test_id("import-progress").inner_text()

    call_command("worker", batch=True, verbosity=0)

    page.get_by_test_id("import-errors").wait_for(timeout=10_000)  # htmx polling swaps it in
    assert page.get_by_test_id("n-imported").inner_text() == "1"
    assert "nksNgaySinh" in page.get_by_test_id("import-errors").inner_text()
    page.screenshot(path=ARTIFACTS / "import-progress.png", full_page=True)


def test_a_legacy_file_goes_through_the_mapping_screen(page, live_server, personas, book, tmp_path):
    path = tmp_path / "misa.xlsx"
    legacy_file(path, ["Trần Văn An", "Phạm Thị Bích"])
    log_in(page, live_server, "nhaplieu")
    page.goto(f"{live_server.url}/nhap-tep/")
    page.set_input_files("input[name=file]", str(path))
    with page.expect_navigation():
        page.click("text=Tải lên và nhập")
    assert "/ghep-cot/" in page.url
    assert page.locator("select[name=col5]").input_value() == "nksHoTen"
    page.select_option("select[name=col7]", "nksNgaySinh")
    page.select_option("select[name=col8]", "nksLoaiKhaiSinh")
    page.screenshot(path=ARTIFACTS / "import-mapping.png", full_page=True)
    with page.expect_navigation():
        page.click("text=Lưu bảng ghép và nhập")
    call_command("worker", batch=True, verbosity=0)
    page.get_by_text("Hoàn thành").wait_for(timeout=10_000)
    assert page.get_by_test_id("n-imported").inner_text() == "2"


def test_the_justice_officer_reviews_against_the_scan_and_approves(
    page, live_server, personas, entry
):
    Entry.objects.filter(pk=entry.pk).update(status=EntryStatus.RECONCILED)
    scan_attach(entry=entry, name="2008_0007.jpg", data=photo_bytes(), user=None)
    log_in(page, live_server, "tuphap")
    page.goto(f"{live_server.url}/so/{entry.book_id}/ban-chup/")
    wait_until(page, "document.querySelector('.thumbs img').naturalWidth > 0")
    page.screenshot(path=ARTIFACTS / "book-scans.png", full_page=True)
    page.goto(f"{live_server.url}/truong-hop/{entry.pk}/ra-soat/")
    page.locator("#f-chaHoTen input[name=value]").fill("Nguyễn Văn Hưng")
    page.locator("#f-chaHoTen button").click()
    page.locator("#f-chaHoTen.changed").wait_for()
    assert "Nguyễn Văn Hưng" in page.locator("#f-chaHoTen").inner_text()
    page.locator(".pages img").first.wait_for()
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=ARTIFACTS / "review.png", full_page=True)
    with page.expect_navigation():
        page.click("text=Khớp với bản chụp")
    with page.expect_navigation():
        page.click("text=Phê duyệt")
    assert page.get_by_test_id("status").inner_text() == "Đã phê duyệt"
    entry.refresh_from_db()
    assert entry.status == EntryStatus.APPROVED and entry.values["chaHoTen"] == "Nguyễn Văn Hưng"


def test_the_export_and_whole_book_split_pages(page, live_server, personas, entry):
    from hotich.review.scans import book_scan_upload
    from tests.review.test_scans import pdf_bytes

    Entry.objects.filter(pk=entry.pk).update(status=EntryStatus.APPROVED)
    source = book_scan_upload(
        book=entry.book, name="quyen-01-2008.pdf", data=pdf_bytes(3), user=None
    )
    log_in(page, live_server, "tuphap")
    page.goto(f"{live_server.url}/so/{entry.book_id}/ban-chup/ca-quyen/{source.pk}/")
    assert "07/2008: 1" in page.locator("textarea").input_value()
    wait_until(
        page,
        "[...document.querySelectorAll('.pages img')].every(i => i.complete && i.naturalWidth)",
    )
    page.screenshot(path=ARTIFACTS / "book-scan-split.png", full_page=True)
    with page.expect_navigation():
        page.click("text=Tách thành từng tệp PDF")
    page.goto(f"{live_server.url}/so/{entry.book_id}/xuat-mau-bo/")
    with page.expect_navigation():
        page.click("text=Xuất theo mẫu của Bộ (Excel + PDF)")
    assert "Đã xuất 1 trường hợp" in page.content()
    page.screenshot(path=ARTIFACTS / "book-exports.png", full_page=True)


def test_the_mapping_screen_is_done_by_keyboard_alone(page, live_server, personas, book, tmp_path):
    from tests.exchange.test_mapping import PEOPLE
    from tests.exchange.test_mapping import legacy_file as old_software_file

    path = tmp_path / "phan-mem-cu.xlsx"
    old_software_file(path, PEOPLE)
    log_in(page, live_server, "nhaplieu")
    page.goto(f"{live_server.url}/nhap-tep/")
    page.set_input_files("input[name=file]", str(path))
    with page.expect_navigation():
        page.click("text=Tải lên và nhập")
    assert "/ghep-cot/" in page.url
    # The first column's list has the focus; Tab walks the screen in reading order.
    visited = [page.evaluate("document.activeElement.id")]
    while visited[-1] != "fixed-noiDangKy" and len(visited) < 40:
        page.keyboard.press("Tab")
        visited.append(page.evaluate("document.activeElement.id"))
    assert visited == [f"col{i}" for i in range(13)] + ["fixed-noiDangKy"]
    page.keyboard.type("UBND xã Đông Văn")
    page.keyboard.press("Tab")
    page.keyboard.type("1")  # picks "1 – Đã xác định được cả cha lẫn mẹ"
    assert page.locator("#fixed-nksLoaiKhaiSinh").input_value() == "1"
    trai = page.locator("select[aria-label='Giới tính: Trai']")
    target = trai.get_attribute("id")
    for _ in range(20):
        if page.evaluate("document.activeElement.id") == target:
            break
        page.keyboard.press("Tab")
    page.keyboard.type("1")  # "1 – Nam"
    assert trai.input_value() == "1"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "import-mapping-keyboard.png", full_page=True)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/ghep-cot/" not in page.url
    call_command("worker", batch=True, verbosity=0)
    page.get_by_text("Hoàn thành").wait_for(timeout=10_000)
    assert page.get_by_test_id("n-imported").inner_text() == "4"


def test_a_saved_mapping_is_edited_by_keyboard_and_the_preview_follows(
    page, live_server, personas, book, tmp_path
):
    from hotich.exchange.models import ColumnMapping
    from tests.exchange.test_mapping import client_for
    from tests.exchange.test_mapping_edit import saved_mapping

    mapping = saved_mapping(client_for(personas["helper"]), tmp_path / "phan-mem-cu.xlsx")
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, live_server, "nhaplieu")
    page.goto(f"{live_server.url}/nhap-tep/")
    # From the import page to the list, then to the mapping, by keyboard.
    page.get_by_test_id("mapping-list-link").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.locator(f"tr[data-mapping='{mapping.pk}'] a").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/bang-ghep-cot/{mapping.pk}/")
    summary = page.get_by_test_id("preview-summary")
    assert "4 dòng sẽ được nhập" in summary.inner_text()
    assert page.evaluate("document.activeElement.id") == "col0"
    # Tab to "Trai" → 1 and take it back ("— như trong tệp —"): row 4 will be rejected.
    trai = page.locator("select[aria-label='Giới tính: Trai']")
    target = trai.get_attribute("id")
    for _ in range(40):
        if page.evaluate("document.activeElement.id") == target:
            break
        page.keyboard.press("Tab")
    assert trai.input_value() == "1"
    page.keyboard.press("ArrowUp")
    assert trai.input_value() == ""
    wait_until(
        page, "document.querySelector('[data-testid=preview-summary]').innerText.includes('3 dòng')"
    )
    row = page.locator("[data-testid=preview] tr[data-row='4']")
    assert "Sẽ bị từ chối" in row.inner_text() and "Trai" in row.inner_text()
    # Shift+Tab back to the registration place; a new value shows in every row.
    place = page.locator("#fixed-noiDangKy")
    for _ in range(40):
        if page.evaluate("document.activeElement.id") == "fixed-noiDangKy":
            break
        page.keyboard.press("Shift+Tab")
    page.keyboard.press("Control+A")
    page.keyboard.type("UBND xã Đông Sơn")
    assert place.input_value() == "UBND xã Đông Sơn"
    wait_until(
        page,
        "document.querySelector('[data-testid=preview]').innerText.includes('UBND xã Đông Sơn')",
    )
    assert page.url.endswith(f"/bang-ghep-cot/{mapping.pk}/")  # no page load
    # Unmapping the sex column redraws sections 2 and 3 too: one value for all rows asked.
    page.select_option("#col6", "")
    page.locator("#fixed-nksGioiTinh").wait_for(timeout=10_000)
    assert page.locator("[data-testid=value-map-nksGioiTinh]").count() == 0
    page.select_option("#col6", "nksGioiTinh")
    page.locator("[data-testid=value-map-nksGioiTinh]").wait_for(timeout=10_000)
    assert trai.input_value() == ""
    assert place.input_value() == "UBND xã Đông Sơn"
    place.focus()
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#mapping-preview").scroll_into_view_if_needed()
    page.screenshot(path=ARTIFACTS / "mapping-edit-1366x768.png")
    page.screenshot(path=ARTIFACTS / "mapping-edit.png", full_page=True)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/bang-ghep-cot/")
    assert "lần sửa 2" in page.content()
    mapping = ColumnMapping.objects.get()
    assert mapping.version == 2 and mapping.fixed["noiDangKy"] == "UBND xã Đông Sơn"
    assert "trai" not in mapping.value_maps["nksGioiTinh"]
