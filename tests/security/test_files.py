"""Hostile uploads are refused in Vietnamese and audited, without exhausting the server.

Zips whose members expand past the limits, PDF pages of no book's shape, photos of hundreds
of megapixels, request bodies past the largest legitimate upload.
"""

import io
import os
import stat
import struct
import zipfile
import zlib

import pytest
from django.urls import reverse
from PIL import Image
from pypdf import PdfWriter

from hotich.audit.models import AuditEvent
from hotich.registers.models import Scan
from hotich.registers.services import entry_create
from hotich.review import scans
from hotich.review.scans import ScanRejected, page_png, render_scale, scan_attach, scans_upload


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def pdf_bytes(width: float = 595, height: float = 842, pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=width, height=height)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares WIDTH × HEIGHT with almost no pixel data (a decompression bomb's
    header: the size is only known, and refused, from the header)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def refusals():
    return list(AuditEvent.objects.filter(action="denied").values_list("object_repr", flat=True))


def test_a_pdf_page_of_no_books_shape_is_refused_before_it_is_rendered(entry):
    # 10 × 14,400 points: 7 GB to render 1,100 pixels wide.
    with pytest.raises(ScanRejected, match="không phải một trang sổ"):
        scan_attach(entry=entry, name="2008_0007.pdf", data=pdf_bytes(10, 14400), user=None)
    assert not Scan.objects.exists()
    assert any("không phải một trang sổ" in r for r in refusals())


def test_a_long_page_further_in_the_file_is_refused_too(entry):
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_blank_page(width=10, height=14400)
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(ScanRejected, match="không phải một trang sổ"):
        scan_attach(entry=entry, name="a.pdf", data=out.getvalue(), user=None)


def test_a_huge_page_is_rendered_at_a_capped_scale():
    # 14,400 × 14,400 points at the review width is fine; its pixels stay under the cap.
    assert render_scale("x", 14400, 14400, 1100) == pytest.approx(1100 / 14400)
    scale = render_scale("x", 595, 842, 100_000)
    assert 595 * 842 * scale * scale <= scans.MAX_RENDER_PIXELS * 1.0001
    png = page_png(pdf_bytes(595, 842), 0, 100_000)
    with Image.open(io.BytesIO(png)) as image:
        assert image.size[0] * image.size[1] <= scans.MAX_RENDER_PIXELS * 1.01


def test_an_already_stored_long_page_gives_a_refusal_not_a_memory_error():
    with pytest.raises(ScanRejected):
        page_png(pdf_bytes(10, 14400), 0, 1100)


def test_a_400_megapixel_png_is_refused_from_its_header(entry):
    with pytest.raises(ScanRejected, match="vượt giới hạn 60 triệu điểm ảnh"):
        scan_attach(
            entry=entry, name="2008_0007.png", data=png_header_only(20000, 20000), user=None
        )
    assert any("triệu điểm ảnh" in r for r in refusals())


def test_a_png_over_our_limit_but_under_pillows_is_refused_before_decoding(entry):
    # 100 megapixels: Pillow only warns (its error starts at 179); our limit refuses it.
    with pytest.raises(ScanRejected, match="100 triệu"):
        scan_attach(entry=entry, name="a.png", data=png_header_only(10000, 10000), user=None)


def test_the_review_image_of_a_refused_page_is_not_a_server_error(entry, personas, login):
    # A file stored before these checks existed: the page is answered 404, not 500.
    from django.core.files.base import ContentFile

    data = pdf_bytes(10, 14400)
    scan = Scan(
        entry=entry, original_name="cu.pdf", content_type="application/pdf", pages=1, size=len(data)
    )
    scan.file.save("cu.pdf", ContentFile(data), save=False)
    scan.save()
    response = login(personas["justice_officer"]).get(reverse("scan_page", args=[scan.pk, 1]))
    assert response.status_code == 404


def zip_of(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def lying_zip(name: str, real: bytes, declared: int) -> bytes:
    """A zip whose member says it is DECLARED bytes (headers rewritten), holding REAL."""
    data = bytearray(zip_of({name: real}))
    true_size = struct.pack("<I", len(real))
    false_size = struct.pack("<I", declared)
    # Uncompressed size: offset 22 in the local header, 24 in the central directory entry.
    local = data.find(b"PK\x03\x04")
    central = data.find(b"PK\x01\x02")
    assert data[local + 22 : local + 26] == true_size
    assert data[central + 24 : central + 28] == true_size
    data[local + 22 : local + 26] = false_size
    data[central + 24 : central + 28] = false_size
    return bytes(data)


def test_a_zip_member_past_the_size_limit_is_not_read(book, entry, settings):
    settings.HOTICH_SCAN_MAX_BYTES = 100_000
    upload = zip_of({"2008_0007.pdf": b"\0" * 200_000})  # a few hundred bytes compressed
    report = scans_upload(book=book, files=[("lo.zip", upload)], user=None)
    assert not report.attached
    assert any("2008_0007.pdf" in r and "vượt giới hạn" in r for r in report.rejected)
    assert any("vượt giới hạn" in r for r in refusals())


def test_a_zip_member_that_lies_about_its_size_is_stopped(book, entry, settings):
    settings.HOTICH_SCAN_MAX_BYTES = 100_000
    upload = lying_zip("2008_0007.pdf", b"\0" * 2_000_000, declared=1000)
    report = scans_upload(book=book, files=[("lo.zip", upload)], user=None)
    assert not report.attached and not Scan.objects.exists()
    assert report.rejected and "2008_0007.pdf" in report.rejected[0]


def test_a_zip_bigger_than_the_total_limit_is_cut_off(book, settings, personas):
    # 40 members just under the size limit of one scan: past 20 scans' worth, the rest are
    # refused without being decompressed.
    settings.HOTICH_SCAN_MAX_BYTES = 50_000
    for n in range(1, 41):
        entry_create(book=book, user=None, year=2008, number=n, values={"nksHoTen": f"Người {n}"})
    upload = zip_of({f"2008_{n:04d}.pdf": b"\0" * 49_000 for n in range(1, 41)})
    report = scans_upload(book=book, files=[("lo.zip", upload)], user=personas["helper"])
    over = [r for r in report.rejected if "tổng giới hạn" in r]
    assert len(over) == 40 - 20  # 20 × 49,000 bytes fit in 20 × 50,000
    assert AuditEvent.objects.filter(action="denied", username="nhaplieu").count() == 40


def test_a_zip_with_too_many_files_is_refused_whole(book, entry, monkeypatch):
    monkeypatch.setattr(scans, "MAX_FILES_IN_ZIP", 3)
    upload = zip_of({f"2008_{n:04d}.pdf": b"x" for n in range(1, 5)})
    report = scans_upload(book=book, files=[("lo.zip", upload)], user=None)
    assert report.rejected == ["lo.zip: quá 3 tệp trong một tệp nén."]
    assert refusals() == ["Từ chối bản chụp: lo.zip: quá 3 tệp trong một tệp nén."]


def test_a_request_body_past_the_limit_is_refused_in_vietnamese_and_audited(
    book, personas, login, settings
):
    settings.HOTICH_REQUEST_MAX_BYTES = 10_000
    client = login(personas["justice_officer"])
    upload = io.BytesIO(b"%PDF-" + b"\0" * 20_000)
    upload.name = "2008_0007.pdf"
    response = client.post(reverse("book_scans", args=[book.pk]), {"files": upload})
    assert response.status_code == 413
    text = response.content.decode()
    assert "vượt giới hạn" in text and "Tệp gửi lên quá lớn" in text
    event = AuditEvent.objects.get(action="denied", object_type="request")
    assert event.username == "tuphap" and "quá lớn" in event.object_repr
    assert not Scan.objects.exists()


def test_the_scan_page_refuses_a_bomb_with_a_message_not_an_error(book, entry, personas, login):
    client = login(personas["justice_officer"])
    bomb = io.BytesIO(png_header_only(20000, 20000))
    bomb.name = "2008_0007.png"
    response = client.post(reverse("book_scans", args=[book.pk]), {"files": bomb})
    assert response.status_code == 200
    assert "triệu điểm ảnh" in response.content.decode()


def test_uploaded_files_are_readable_by_the_service_account_only(entry, settings, tmp_path):
    photo = io.BytesIO()
    Image.new("RGB", (800, 600), "white").save(photo, format="JPEG")
    scan = scan_attach(entry=entry, name="2008_0007.jpg", data=photo.getvalue(), user=None)
    for file in (scan.file, scan.original, scan.thumbnail):
        assert stat.S_IMODE(os.stat(file.path).st_mode) == 0o600, file.name
        assert stat.S_IMODE(os.stat(os.path.dirname(file.path)).st_mode) == 0o700


def test_a_password_protected_pdf_is_still_named_as_such(entry):
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt("mat-khau")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(ScanRejected, match="có mật khẩu"):
        scan_attach(entry=entry, name="a.pdf", data=out.getvalue(), user=None)
