"""The upload page, its background job and progress, the mapping screen, and book exports."""

import io
import zipfile

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from hotich.exchange.models import BookExport, ColumnMapping, ImportRun
from hotich.reconciliation.models import MatchResult
from hotich.registers.models import Entry, EntryStatus
from hotich.review.scans import scan_attach
from tests.exchange.test_import import BIRTH_ROW, fill_template
from tests.review.test_scans import pdf_bytes

pytestmark = pytest.mark.django_db(transaction=True)


def upload(client, path, **data):
    with open(path, "rb") as handle:
        return client.post(reverse("import_upload"), {"file": handle, **data})


def test_an_upload_is_imported_by_the_worker_with_progress_and_a_report(
    login, personas, book, tmp_path
):
    path = tmp_path / "ks.xlsx"
    fill_template(path, [BIRTH_ROW, {**BIRTH_ROW, "so": "08/2008", "nksGioiTinh": "Gái"}])
    client = login(personas["helper"])

    response = upload(client, path, book=book.pk)

    run = ImportRun.objects.get()
    assert response.url == reverse("import_detail", args=[run.pk])
    progress = client.get(reverse("import_detail", args=[run.pk]), HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 1s"' in progress.content.decode()  # still polling while queued

    call_command("worker", batch=True, verbosity=0)

    page = client.get(reverse("import_detail", args=[run.pk])).content.decode()
    assert "Hoàn thành" in page and "every 1s" not in page
    run.refresh_from_db()
    assert (run.imported, run.rejected, run.percent) == (1, 1, 100)
    assert "Gái" in page and reverse("import_report", args=[run.pk]) in page
    report = client.get(reverse("import_report", args=[run.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(report.streaming_content)))["Dòng lỗi"]
    assert sheet.cell(row=2, column=1).value == 3
    # Imported, then reconciled with the population registry by the same job.
    entry = Entry.objects.get()
    result = MatchResult.objects.get(person__entry=entry, person__role="subject")
    settled = result.outcome != "review" and (result.outcome != "not_found" or result.personal_id)
    assert entry.status == (EntryStatus.RECONCILED if settled else EntryStatus.KEYED)


def test_another_users_import_is_refused(login, personas, book, tmp_path):
    path = tmp_path / "ks.xlsx"
    fill_template(path, [BIRTH_ROW])
    upload(login(personas["helper"]), path)
    run = ImportRun.objects.get()
    assert (
        login(personas["outsider"]).get(reverse("import_detail", args=[run.pk])).status_code == 403
    )


def test_read_only_roles_cannot_upload(login, personas):
    assert login(personas["inspector"]).get(reverse("import_upload")).status_code == 403


def test_a_file_that_is_not_xlsx_is_refused_on_the_page(login, personas, tmp_path):
    path = tmp_path / "a.xlsx"
    path.write_bytes(b"khong phai excel")
    response = upload(login(personas["helper"]), path)
    assert response.status_code == 400
    assert "Không mở được tệp Excel" in response.content.decode()


def legacy_file(path, names):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(
        [
            "Số",
            "Quyển số",
            "Ngày đăng ký",
            "Loại đăng ký",
            "Nơi đăng ký",
            "Họ tên",
            "Giới tính",
            "Ngày sinh",
            "Loại khai sinh",
            "Họ tên mẹ",
            "Ghi chú phần mềm",
        ]
    )
    for i, name in enumerate(names, start=1):
        sheet.append(
            [
                f"{i}/2008",
                "01/2008",
                "01/02/2008",
                "Đăng kí đúng hạn",
                "UBND xã",
                name,
                "Nam",
                "1/1/2008",
                1,
                "Lê Thị Hoà",
                "MISA",
            ]
        )
    workbook.save(path)


def test_a_legacy_export_is_mapped_once_and_the_mapping_is_reused(login, personas, book, tmp_path):
    path = tmp_path / "misa.xlsx"
    legacy_file(path, ["Trần Văn An"])
    client = login(personas["helper"])

    response = upload(client, path, book=book.pk)

    run = ImportRun.objects.get()
    assert response.url == reverse("import_mapping", args=[run.pk])
    page = client.get(response.url).content.decode()
    assert 'value="nksHoTen" selected' in page and 'value="meHoTen" selected' in page
    assert "Trần Văn An" in page  # the first row, as an example beside each column
    choices = {
        "col0": "so",
        "col1": "quyenSo",
        "col2": "ngayDangKy",
        "col3": "loaiDangKy",
        "col4": "noiDangKy",
        "col5": "nksHoTen",
        "col6": "nksGioiTinh",
        "col7": "nksNgaySinh",
        "col8": "nksLoaiKhaiSinh",
        "col9": "meHoTen",
        "col10": "",
    }
    client.post(response.url, {"register_type": "KS", "name": "MISA 2016", "save": "1", **choices})
    call_command("worker", batch=True, verbosity=0)
    assert Entry.objects.get().values["nksHoTen"] == "Trần Văn An"
    assert ColumnMapping.objects.get().name == "MISA 2016"

    legacy_file(path, ["Trần Văn An", "Phạm Thị Bích"])  # next month's file, same software
    response = upload(client, path, book=book.pk)
    assert "ghep-cot" not in response.url
    call_command("worker", batch=True, verbosity=0)
    latest = ImportRun.objects.latest("id")
    assert (latest.kind, latest.imported, latest.unchanged) == ("mapped", 1, 1)


def test_a_book_export_holds_approved_entries_only_and_can_be_downloaded_again(
    login, personas, book, entry
):
    from hotich.registers.services import entry_create

    entry_create(
        book=book,
        user=None,
        year=2008,
        number=8,
        values={"nksHoTen": "Chưa duyệt"},
        status=EntryStatus.REVIEWED,
    )
    Entry.objects.filter(pk=entry.pk).update(status=EntryStatus.APPROVED)
    scan_attach(entry=entry, name="a.pdf", data=pdf_bytes(1), user=None)
    scan_attach(entry=entry, name="b.pdf", data=pdf_bytes(2), user=None)
    client = login(personas["justice_officer"])

    client.post(reverse("book_export_start", args=[book.pk]), {"kind": "ministry"})

    export = BookExport.objects.get()
    assert (export.entries, export.scans) == (1, 1)
    entry.refresh_from_db()
    assert entry.status == EntryStatus.EXPORTED
    page = client.get(reverse("book_exports", args=[book.pk])).content.decode()
    assert reverse("export_download", args=[export.pk, "pdf"]) in page
    workbook = client.get(reverse("export_download", args=[export.pk, "xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(workbook.streaming_content)))["DL Import"]
    assert [r[12] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["Nguyễn Thị Phượng"]
    archive = client.get(reverse("export_download", args=[export.pk, "pdf"]))
    with zipfile.ZipFile(io.BytesIO(b"".join(archive.streaming_content))) as z:
        assert z.namelist() == ["KS_Q01-2008_2008_0007.pdf"]
        from pypdf import PdfReader

        assert len(PdfReader(io.BytesIO(z.read("KS_Q01-2008_2008_0007.pdf"))).pages) == 3


@pytest.mark.parametrize("persona", ["helper", "supervisor", "inspector", "outsider"])
def test_only_the_communes_justice_officer_makes_exports(persona, login, personas, book, entry):
    Entry.objects.update(status=EntryStatus.APPROVED)
    response = login(personas[persona]).post(reverse("book_export_start", args=[book.pk]))
    assert response.status_code == 403 and not BookExport.objects.exists()


def test_a_supervisor_downloads_a_handover_file_of_the_province(login, personas, book, entry):
    Entry.objects.update(status=EntryStatus.RECONCILED)
    login(personas["justice_officer"]).post(
        reverse("book_export_start", args=[book.pk]), {"kind": "handover"}
    )
    export = BookExport.objects.get(kind="handover")
    assert (
        login(personas["supervisor"])
        .get(reverse("export_download", args=[export.pk, "xlsx"]))
        .status_code
        == 200
    )
    assert (
        login(personas["outsider_supervisor"])
        .get(reverse("export_download", args=[export.pk, "xlsx"]))
        .status_code
        == 403
    )
