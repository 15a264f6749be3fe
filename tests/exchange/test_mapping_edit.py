"""Saved mappings are listed, edited and deleted within the commune; the preview follows the
choices live; the rejected-rows file speaks the importer's language.

Forms are posted as the browser would post the page as shown (``shown_form``), changed only
where a person would change them.
"""

import io
import zipfile

import openpyxl
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hotich.audit.models import AuditEvent
from hotich.exchange.models import ColumnMapping, ImportRun
from hotich.registers.models import Entry
from tests.exchange.test_mapping import (
    HEADERS,
    PEOPLE,
    client_for,
    legacy_file,
    map_index,
    shown_form,
    upload,
)

pytestmark = pytest.mark.django_db(transaction=True)

FIXED = {"fixed-noiDangKy": "UBND xã Đông Văn", "fixed-nksLoaiKhaiSinh": "1"}


def saved_mapping(client, path, *, people=PEOPLE, **changes) -> ColumnMapping:
    """Upload PATH through CLIENT, save the screen as shown plus FIXED and CHANGES (form keys,
    or ``(field, text)`` value-map pairs), and return the saved mapping."""
    legacy_file(path, people)
    url = upload(client, path).url
    form = shown_form(client.get(url).content.decode())
    form.update(FIXED)
    for key, value in changes.items():
        form[key] = value
    form[map_index(form, "nksGioiTinh", "Trai")] = "1"
    assert client.post(url, {**form, "save": "1"}).status_code == 302
    return ColumnMapping.objects.latest("pk")


def preview_rows(response) -> dict[int, bool]:
    """Return row → will it be imported, from a preview fragment's context."""
    return {r.row: r.ok for r in response.context["preview"]}


def test_the_list_shows_the_communes_mappings_only_with_a_fixed_number_of_queries(
    personas, book, other_book, tmp_path, django_assert_num_queries
):
    helper = client_for(personas["helper"])
    outsider = client_for(personas["outsider"])
    ours = saved_mapping(helper, tmp_path / "a.xlsx", name="Phần mềm cũ xã Đông Sơn")
    theirs = saved_mapping(outsider, tmp_path / "b.xlsx", name="Phần mềm xã Đông Tiến")

    page = helper.get(reverse("mapping_list"))

    assert list(page.context["mappings"]) == [ours]
    text = page.content.decode()
    assert "Phần mềm cũ xã Đông Sơn" in text and "Phần mềm xã Đông Tiến" not in text
    assert reverse("mapping_edit", args=[ours.pk]) in text
    assert list(outsider.get(reverse("mapping_list")).context["mappings"]) == [theirs]
    # The upload page leads there.
    assert reverse("mapping_list") in helper.get(reverse("import_upload")).content.decode()
    # More mappings, same queries (no query per row).
    with CaptureQueriesContext(connection) as one:
        helper.get(reverse("mapping_list"))
    for n in range(3):
        ColumnMapping.objects.create(
            name=f"m{n}", register_type="KS", signature=f"{n}" * 32, commune=ours.commune
        )
    with django_assert_num_queries(len(one.captured_queries)):
        assert len(helper.get(reverse("mapping_list")).context["mappings"]) == 4


def test_a_saved_mapping_opens_prefilled_and_saving_writes_its_next_version(
    personas, book, tmp_path
):
    helper = client_for(personas["helper"])
    mapping = saved_mapping(helper, tmp_path / "cu.xlsx", name="Phần mềm cũ")
    runs = ImportRun.objects.count()
    url = reverse("mapping_edit", args=[mapping.pk])

    page = helper.get(url)

    assert page.status_code == 200
    form = shown_form(page.content.decode())
    chosen = {HEADERS[int(k[3:])]: v for k, v in form.items() if k.startswith("col")}
    assert chosen["Họ tên"] == "nksHoTen" and chosen["Số ĐK"] == "so" and chosen["STT"] == ""
    assert (form["fixed-noiDangKy"], form["fixed-nksLoaiKhaiSinh"]) == ("UBND xã Đông Văn", "1")
    assert form[map_index(form, "nksGioiTinh", "Trai")] == "1"
    assert (form["version"], form["name"]) == ("1", "Phần mềm cũ")
    assert "cu.xlsx" in page.content.decode()  # the file the preview reads
    assert all(r.ok for r in page.context["preview"])

    form.update({"fixed-noiDangKy": "UBND xã Đông Sơn", map_index(form, "nksGioiTinh", "Trai"): ""})
    response = helper.post(url, {**form, "save": "1"})

    assert response.status_code == 302 and response.url == reverse("mapping_list")
    mapping.refresh_from_db()
    assert mapping.version == 2 and mapping.fixed["noiDangKy"] == "UBND xã Đông Sơn"
    assert "trai" not in mapping.value_maps["nksGioiTinh"]
    assert mapping.value_maps["nksGioiTinh"] == {"nam": "1", "nu": "2"}
    assert ImportRun.objects.count() == runs  # editing imports nothing
    event = AuditEvent.objects.filter(object_type="columnmapping", action="update").get()
    assert event.changes["version"] == 2 and event.changes["run"] is None
    # The next file of that software is read with the new version.
    legacy_file(tmp_path / "cu.xlsx", [("Vũ Văn Em", "Nam", "Đúng hạn")], start=9)
    assert "ghep-cot" not in upload(helper, tmp_path / "cu.xlsx").url
    call_command("worker", batch=True, verbosity=0)
    run = ImportRun.objects.latest("pk")
    assert run.imported == 1
    assert Entry.objects.get(number=9).values["noiDangKy"] == "UBND xã Đông Sơn"


def test_a_saved_mapping_without_a_file_left_keeps_its_value_maps_when_saved(
    personas, book, tmp_path
):
    helper = client_for(personas["helper"])
    mapping = saved_mapping(helper, tmp_path / "cu.xlsx")
    # The officer who saved it opens it: another officer of the commune has no file of it.
    officer = client_for(personas["justice_officer"])
    url = reverse("mapping_edit", args=[mapping.pk])

    page = officer.get(url)

    assert page.status_code == 200 and page.context["sample"].run is None
    assert page.context["preview"] == []
    form = shown_form(page.content.decode())
    assert form[map_index(form, "nksGioiTinh", "trai")] == "1"  # listed by its key
    form["fixed-noiDangKy"] = "UBND xã Đông Sơn"
    assert officer.post(url, {**form, "save": "1"}).status_code == 302
    mapping.refresh_from_db()
    assert mapping.value_maps["nksGioiTinh"] == {"nam": "1", "nu": "2", "trai": "1"}
    assert mapping.columns["Họ tên"] == "nksHoTen" and mapping.version == 2


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("mapping_edit", "get"),
        ("mapping_edit", "post"),
        ("mapping_preview", "post"),
        ("mapping_delete", "post"),
    ],
)
def test_another_communes_mapping_is_refused_like_a_missing_one_and_audited(
    name, method, personas, book, tmp_path
):
    helper = client_for(personas["helper"])
    mapping = saved_mapping(helper, tmp_path / "cu.xlsx", name="Bảng ghép bí mật")
    form = shown_form(helper.get(reverse("mapping_edit", args=[mapping.pk])).content.decode())
    outsider = client_for(personas["outsider"])
    denied = AuditEvent.objects.filter(action="denied", username="tuphap_khac")
    answers = []
    for pk in (mapping.pk, 999_999):
        before = denied.count()
        response = getattr(outsider, method)(
            reverse(name, args=[pk]), {**form, "save": "1", "version": "1"}
        )
        answers.append((response.status_code, "bí mật" in response.content.decode()))
        assert denied.count() == before + 1
    assert answers == [(403, False), (403, False)]
    mapping.refresh_from_db()
    assert mapping.version == 1 and ColumnMapping.objects.count() == 1


def test_two_edits_of_one_mapping_never_lose_one_another(personas, book, tmp_path):
    helper = client_for(personas["helper"])
    officer = client_for(personas["justice_officer"])
    mapping = saved_mapping(helper, tmp_path / "cu.xlsx")
    url = reverse("mapping_edit", args=[mapping.pk])
    helper_form = shown_form(helper.get(url).content.decode())
    officer_form = shown_form(officer.get(url).content.decode())
    helper_form["fixed-noiDangKy"] = "UBND xã Đông Sơn"
    officer_form["fixed-noiDangKy"] = "UBND xã Đông Văn (cũ)"

    assert helper.post(url, {**helper_form, "save": "1"}).status_code == 302
    response = officer.post(url, {**officer_form, "save": "1"})

    assert response.status_code == 409
    assert "vừa được người khác lưu" in response.content.decode()
    mapping.refresh_from_db()
    assert (mapping.version, mapping.fixed["noiDangKy"]) == (2, "UBND xã Đông Sơn")
    shown = shown_form(response.content.decode())
    assert (shown["version"], shown["fixed-noiDangKy"]) == ("2", "UBND xã Đông Sơn")
    shown["fixed-noiDangKy"] = "UBND xã Đông Văn (cũ)"
    assert officer.post(url, {**shown, "save": "1"}).status_code == 302
    mapping.refresh_from_db()
    assert (mapping.version, mapping.fixed["noiDangKy"]) == (3, "UBND xã Đông Văn (cũ)")


def test_deleting_a_mapping_is_audited_refused_when_stale_and_the_next_file_is_mapped_again(
    personas, book, tmp_path
):
    helper = client_for(personas["helper"])
    officer = client_for(personas["justice_officer"])
    mapping = saved_mapping(helper, tmp_path / "cu.xlsx")
    url = reverse("mapping_delete", args=[mapping.pk])
    page = helper.get(reverse("mapping_edit", args=[mapping.pk])).content.decode()
    assert url in page
    # Someone saves it after the helper opened it: the helper's delete is refused.
    form = shown_form(officer.get(reverse("mapping_edit", args=[mapping.pk])).content.decode())
    officer.post(reverse("mapping_edit", args=[mapping.pk]), {**form, "save": "1"})

    stale = helper.post(url, {"version": "1"})

    assert stale.status_code == 409 and "chưa xóa" in stale.content.decode()
    assert shown_form(stale.content.decode())["version"] == "2"
    # The screen shown at the delete address still saves to the mapping's own.
    assert f'action="{reverse("mapping_edit", args=[mapping.pk])}"' in stale.content.decode()
    assert ColumnMapping.objects.filter(pk=mapping.pk).exists()

    response = helper.post(url, {"version": "2"})

    assert response.status_code == 302 and not ColumnMapping.objects.exists()
    event = AuditEvent.objects.get(object_type="columnmapping", action="delete")
    assert event.object_id == str(mapping.pk) and event.changes["version"] == 2
    assert ImportRun.objects.get().mapping is None  # the run keeps its rows
    assert "ghep-cot" in upload(helper, tmp_path / "cu.xlsx").url
    # A mapping gone is refused like any missing one.
    assert helper.post(url, {"version": "2"}).status_code == 403


def test_the_live_preview_returns_the_rows_for_the_changed_mapping(personas, book, tmp_path):
    path = tmp_path / "cu.xlsx"
    legacy_file(path, PEOPLE)
    helper = client_for(personas["helper"])
    url = upload(helper, path).url
    form = {**shown_form(helper.get(url).content.decode()), **FIXED}
    run = ImportRun.objects.get()
    preview_url = reverse("import_mapping_preview", args=[run.pk])
    assert preview_url in helper.get(url).content.decode()  # the form's hx-post

    response = helper.post(preview_url, form, headers={"HX-Request": "true"})

    assert response.status_code == 200
    fragment = response.content.decode()
    assert fragment.lstrip().startswith("<section") and "<html" not in fragment
    assert 'id="mapping-preview"' in fragment
    assert preview_rows(response) == {2: True, 3: True, 4: False, 5: True}  # "Trai"
    assert "3 dòng sẽ được nhập" in fragment

    assert "hx-swap-oob" not in fragment  # sections 2 and 3 stay as they are

    # A value map changed: "Trai" → 1.
    form[map_index(form, "nksGioiTinh", "Trai")] = "1"
    assert preview_rows(helper.post(preview_url, form)) == {2: True, 3: True, 4: True, 5: True}
    # A column choice that changes what sections 2 and 3 ask for: they come along (out of
    # band), the sex column's values gone, a value for all rows asked instead.
    response = helper.post(preview_url, {**form, "col6": ""})
    fragment = response.content.decode()
    assert '<div id="mapping-values" hx-swap-oob="true">' in fragment
    oob = shown_form(f'<form data-testid="mapping-form">{fragment}</form>')
    assert "fixed-nksGioiTinh" in oob and oob["fixed-noiDangKy"] == "UBND xã Đông Văn"
    assert not any(k.startswith("mapv-nksGioiTinh") for k in oob)
    assert oob[map_index(oob, "loaiDangKy", "Quá hạn")] == "4"
    assert set(preview_rows(response).values()) == {False}  # sex is required
    # A column choice changed: the name column no longer feeds the child's name.
    form["col5"] = ""
    response = helper.post(preview_url, form)
    assert set(preview_rows(response).values()) == {False}
    assert "nksHoTen" not in [f.name for f in response.context["preview_fields"]]
    # A fixed value changed: the registration place no column feeds, left empty.
    form["col5"], form["fixed-noiDangKy"] = "nksHoTen", ""
    response = helper.post(preview_url, form)
    assert set(preview_rows(response).values()) == {False}
    assert "Nơi đăng ký" in response.content.decode()
    assert not ColumnMapping.objects.exists()  # a preview saves nothing
    assert ImportRun.objects.get().status == ImportRun.Status.NEEDS_MAPPING


def test_a_saved_mappings_live_preview_reads_its_file_under_the_changed_choices(
    personas, book, tmp_path
):
    helper = client_for(personas["helper"])
    mapping = saved_mapping(helper, tmp_path / "cu.xlsx")
    form = shown_form(helper.get(reverse("mapping_edit", args=[mapping.pk])).content.decode())
    preview_url = reverse("mapping_preview", args=[mapping.pk])

    assert set(preview_rows(helper.post(preview_url, form)).values()) == {True}
    form[map_index(form, "nksGioiTinh", "Trai")] = ""
    response = helper.post(preview_url, form)

    assert preview_rows(response) == {2: True, 3: True, 4: False, 5: True}
    assert "Trai" in response.content.decode()
    mapping.refresh_from_db()
    assert mapping.version == 1  # nothing saved


def test_the_rejected_rows_file_is_in_english_for_an_officer_who_chose_english(
    personas, book, tmp_path
):
    path = tmp_path / "cu.xlsx"
    formula = '=HYPERLINK("http://x.example","Xem")'

    def poison(n, row):
        if n == 2:
            row[5] = formula
            row[7] = "31/02/2008"
        if n == 4:
            row[6] = "Gái"
        return row

    legacy_file(path, PEOPLE, change=poison)
    helper = client_for(personas["helper"])
    helper.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = upload(helper, path).url
    form = {**shown_form(helper.get(url).content.decode()), **FIXED, "save": "1"}
    form[map_index(form, "nksGioiTinh", "Trai")] = "1"
    helper.post(url, form)
    call_command("worker", batch=True, verbosity=0)
    run = ImportRun.objects.get()
    assert (run.imported, run.rejected) == (2, 2)

    response = helper.get(reverse("import_report", args=[run.pk]))

    data = b"".join(response.streaming_content)
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["Rejected rows"]
    sheet = workbook["Rejected rows"]
    header = [c.value for c in sheet[1]]
    assert header == ["Row in the original file", "Reason", *HEADERS]
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=2)}
    assert rows[3][1].value.startswith("Row 3, column “Ngày sinh”: ")
    assert "Row 5, column “Giới tính”: “Gái” is not in the list" in rows[5][1].value
    assert "Dòng" not in rows[3][1].value + rows[5][1].value
    cells = dict(zip(header, rows[3], strict=True))
    assert cells["Họ tên"].value == formula and cells["Họ tên"].data_type == "s"
    for row in rows.values():
        assert all(c.data_type == "s" for c in row[1:] if c.value is not None)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml

    # A Vietnamese officer's next import of a bad file gets the Vietnamese file.
    vietnamese = client_for(personas["justice_officer"])
    legacy_file(path, PEOPLE, change=poison)
    upload(vietnamese, path)
    call_command("worker", batch=True, verbosity=0)
    report = ImportRun.objects.latest("pk").report
    with report.open("rb") as handle:
        assert openpyxl.load_workbook(handle).sheetnames == ["Dòng lỗi"]
