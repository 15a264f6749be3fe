"""Trích lục: an entry printed as an extract (PDF), read back with pypdf.

The PDF must say what the book says: names with their diacritics, the number, the date as
written (partial dates too), the marks; it is downloaded by whoever may see the entry,
refused to another commune like every other entry URL, and audited.
"""

import datetime
import unicodedata
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from hotich.accounts.scope import REFUSED
from hotich.audit.models import AuditEvent
from hotich.lib.official_pdf import MOTTO, NATION, font_files
from hotich.registers.extract import entry_extract_pdf
from hotich.registers.models import Entry, RegisterBook
from hotich.registers.services import entry_create
from hotich.registers.spec import REGISTER_TYPES, Fact


def pdf_text(content: bytes) -> str:
    """Return the text of every page of a PDF, in NFC, lines kept."""
    reader = PdfReader(BytesIO(content))
    return unicodedata.normalize("NFC", "\n".join(p.extract_text() for p in reader.pages))


def download(client, entry, **query):
    return client.get(reverse("entry_extract", args=[entry.pk]), query)


def test_the_birth_extract_says_what_the_book_says(entry, personas, login):
    response = download(
        login(personas["justice_officer"]),
        entry,
        nguoi_ky="Trương Văn Tính",
        chuc_vu="Chủ tịch",
        noi_cap="Đông Sơn",
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="trich-luc-ks-07-2008.pdf"' in response["Content-Disposition"]
    text = pdf_text(response.content)
    lines = text.splitlines()
    for expected in [
        NATION,
        MOTTO,
        "ỦY BAN NHÂN DÂN",
        "XÃ ĐÔNG SƠN",
        "TRÍCH LỤC KHAI SINH",
        "Sổ đăng ký khai sinh, quyển số 01/2008",
        "Số: 07 · Trang số: 4 · Ngày đăng ký: 27/08/2008",
        "Họ, chữ đệm, tên: Nguyễn Thị Phượng",
        "Giới tính: Nữ",
        "Ngày, tháng, năm sinh: 15/08/2008",
        "Nơi sinh: [không đọc được]",
        "Họ, chữ đệm, tên: Lê Thị Hoà",
        "Họ, chữ đệm, tên: Nguyễn Văn Hùng",
        "Nơi đăng ký: UBND xã Đông Văn",
        "CHỦ TỊCH",
        "Trương Văn Tính",
    ]:
        assert expected in lines, expected
    assert f"Đông Sơn, ngày {timezone.localdate():%d} tháng" in text
    # The place in the book is printed once, under the title; STT is not the book's.
    assert "Quyển số:" not in text and "STT" not in text


def test_a_partial_date_and_a_blank_field_print_as_written(book, personas, login):
    entry = entry_create(
        book=book,
        user=personas["justice_officer"],
        year=2008,
        number=12,
        registration_date="08/2008",
        values={
            "so": "12/2008",
            "quyenSo": "01/2008",
            "ngayDangKy": "08/2008",
            "nksHoTen": "Đặng Thị Ngọc Ánh",
            "nksNgaySinh": "2008",
            "meHoTen": "Vũ Thị Lựu",
        },
        marks={"chaHoTen": "blank", "nksDanToc": "illegible"},
    )
    lines = pdf_text(download(login(personas["helper"]), entry).content).splitlines()
    for expected in [
        "Số: 12/2008 · Trang số: – · Ngày đăng ký: 08/2008",
        "Họ, chữ đệm, tên: Đặng Thị Ngọc Ánh",
        "Ngày, tháng, năm sinh: 2008",
        "Dân tộc: [không đọc được]",
        "Họ, chữ đệm, tên: [sổ để trống]",
        "NGƯỜI KÝ TRÍCH LỤC",
    ]:
        assert expected in lines, expected


def _name_field(register):
    return next(f for f in register.fields if f.fact is Fact.FULL_NAME)


@pytest.mark.parametrize("code", list(REGISTER_TYPES))
def test_every_register_type_prints_its_own_title(code, units, personas):
    register = REGISTER_TYPES[code]
    book = RegisterBook.objects.create(
        commune=units["commune"], register_type=code, year_from=2010, year_to=2010, volume="02"
    )
    name = _name_field(register)
    entry = entry_create(
        book=book,
        user=personas["justice_officer"],
        year=2010,
        number=5,
        values={"so": "05", name.name: "Lường Thị Hượng"},
    )
    text = pdf_text(
        entry_extract_pdf(
            entry, signer_name="", signer_title="", place="", issued=datetime.date(2026, 12, 3)
        )
    )
    lines = text.splitlines()
    assert f"TRÍCH LỤC {register.label.upper()}" in lines
    assert f"{name.label}: Lường Thị Hượng" in lines
    assert "Đông Sơn, ngày 03 tháng 12 năm 2026" in lines
    assert f"{book.register_type_label}, quyển số 02" in text.replace("\n", " ")


def test_the_demo_s_entries_print(db):
    from hotich.demo.load import demo_load

    demo_load(province_code="38", citizens=300)
    for code in ("KS", "KH", "KT"):
        entry = Entry.objects.filter(book__register_type=code).exclude(values={}).first()
        assert entry is not None, code
        content = entry_extract_pdf(
            entry,
            signer_name="",
            signer_title="",
            place="",
            issued=datetime.date(2026, 12, 3),
        )
        text = pdf_text(content)
        register = entry.register_type
        assert f"TRÍCH LỤC {register.label.upper()}" in text
        names = [entry.values[f.name] for f in register.fields if f.fact is Fact.FULL_NAME]
        for name in filter(None, names):
            assert unicodedata.normalize("NFC", name) in text, (code, name)


def test_the_extract_embeds_its_font(entry):
    content = entry_extract_pdf(
        entry, signer_name="", signer_title="", place="", issued=datetime.date(2026, 12, 3)
    )
    reader = PdfReader(BytesIO(content))
    fonts = {
        str(f.get_object()["/BaseFont"]) for f in reader.pages[0]["/Resources"]["/Font"].values()
    }
    family = font_files()[""].stem.split("-")[0]
    assert fonts and all(family in f for f in fonts), fonts
    # A subset embedded in the file (FontFile2), not a reference to a font on the reader's PC.
    assert b"/FontFile2" in content


def test_the_download_is_audited_as_an_export(entry, personas, login):
    download(login(personas["police_officer"]), entry, nguoi_ky="Lê Văn Tám")
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT, object_type="entry")
    assert (event.username, event.object_id) == ("congan", str(entry.pk))
    assert event.commune == entry.book.commune
    assert event.changes["trích lục"] == [None, "TRÍCH LỤC KHAI SINH"]
    assert event.changes["người ký"] == [None, "Lê Văn Tám"]


@pytest.mark.parametrize("persona", ["outsider", "outsider_supervisor"])
def test_another_area_is_refused_like_the_entry_page_and_the_refusal_audited(
    persona, entry, personas, login
):
    client = login(personas[persona])
    page = client.get(reverse("entry_detail", args=[entry.pk]))
    response = download(client, entry)
    assert (response.status_code, response.context["message"]) == (403, REFUSED)
    assert (page.status_code, page.context["message"]) == (403, REFUSED)
    denied = AuditEvent.objects.filter(action="denied", username=personas[persona].username)
    assert denied.filter(path__contains="trich-luc.pdf").count() == 1
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_a_signer_name_too_long_is_refused_with_a_message_and_nothing_printed(
    entry, personas, login
):
    client = login(personas["justice_officer"])
    response = download(client, entry, nguoi_ky="x" * 121)
    assert response.status_code == 302
    assert response["Location"] == reverse("entry_detail", args=[entry.pk])
    page = client.get(response["Location"]).content.decode()
    assert "tối đa 120 ký tự" in page
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_the_entry_page_offers_the_extract(entry, personas, login):
    html = login(personas["helper"]).get(reverse("entry_detail", args=[entry.pk])).content.decode()
    assert reverse("entry_extract", args=[entry.pk]) in html
    assert 'data-testid="extract-form"' in html


def test_without_liberation_serif_the_extract_falls_back_to_matplotlib_s_dejavu(entry, tmp_path):
    from hotich.lib.official_pdf import document_pdf
    from hotich.registers.extract import entry_extract

    fonts = font_files(tmp_path)  # an empty folder: no Liberation Serif there
    assert all(p.name.startswith("DejaVuSerif") and p.is_file() for p in fonts.values())
    doc = entry_extract(
        entry, signer_name="", signer_title="", place="", issued=datetime.date(2026, 12, 3)
    )
    content = document_pdf(doc, fonts=fonts)
    assert b"DejaVuSerif" in content
    assert "Họ, chữ đệm, tên: Nguyễn Thị Phượng" in pdf_text(content).splitlines()
