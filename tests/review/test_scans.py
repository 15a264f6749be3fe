"""Scans: checks, photos to PDF, zips by file-name convention, whole-book split, S3 storage."""

import io
import zipfile

import pytest
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader, PdfWriter

from hotich.registers.models import Scan
from hotich.registers.services import entry_create
from hotich.review.scans import (
    ScanRejected,
    book_scan_split,
    book_scan_upload,
    match_name,
    parse_ranges,
    scan_attach,
    scans_upload,
)


def pdf_bytes(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def photo_bytes(kind: str = "JPEG", size=(1200, 900), mode="RGB") -> bytes:
    """Return a photo of a ruled book page with a few handwritten-looking lines."""
    from PIL import ImageDraw

    image = Image.new(mode, size, "white" if mode == "RGB" else (255, 255, 255, 128))
    draw = ImageDraw.Draw(image)
    for y in range(60, size[1] - 40, 60):
        draw.line([(40, y), (size[0] - 40, y)], fill="gray", width=2)
        draw.text((60, y - 30), f"Dong {y // 60}: Nguyen Thi Phuong 15/08/2008", fill="navy")
    out = io.BytesIO()
    image.save(out, format=kind)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("2008_0007.pdf", (2008, 7, 1)),
        ("KS_Q01-2008_2008_0007.pdf", (2008, 7, 1)),
        ("scans/2008-7-2.JPG", (2008, 7, 2)),
        ("2008 12.png", (2008, 12, 1)),
        ("anh-chup.jpg", None),
        ("2008_0007.docx", None),
    ],
)
def test_file_names_map_to_year_entry_number_and_page(name, expected):
    assert match_name(name) == expected


def test_a_photo_becomes_a_pdf_and_the_original_and_a_thumbnail_are_kept(entry, personas):
    scan = scan_attach(
        entry=entry, name="2008_0007.jpg", data=photo_bytes(), user=personas["helper"]
    )
    assert scan.pages == 1 and scan.content_type == "application/pdf"
    with scan.file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
    with scan.original.open("rb") as handle:
        assert handle.read(3) == b"\xff\xd8\xff"
    with scan.thumbnail.open("rb") as handle:
        assert Image.open(handle).size[0] == 240


def test_a_transparent_png_is_flattened_into_a_pdf(entry):
    scan = scan_attach(entry=entry, name="a.png", data=photo_bytes("PNG", mode="RGBA"), user=None)
    assert scan.pages == 1 and scan.original.name.endswith(".png")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "tệp rỗng"),
        (b"GIF89a....", "chỉ nhận tệp PDF, JPEG hoặc PNG"),
        (b"%PDF-1.4 garbage", "bị hỏng"),
        (photo_bytes(size=(200, 150)), "quá nhỏ"),
        (b"\xff\xd8\xff\xe0 not really a jpeg", "ảnh bị hỏng"),
    ],
)
def test_unusable_files_are_refused_in_vietnamese(data, message, entry):
    with pytest.raises(ScanRejected, match=message):
        scan_attach(entry=entry, name="x", data=data, user=None)
    assert not Scan.objects.exists()


def test_a_file_over_the_size_limit_is_refused(entry, settings):
    settings.HOTICH_SCAN_MAX_BYTES = 1000
    with pytest.raises(ScanRejected, match="vượt giới hạn"):
        scan_attach(entry=entry, name="big.pdf", data=pdf_bytes(3) + b" " * 1000, user=None)


def test_a_zip_is_attached_by_file_name_and_strays_are_reported(book, entry, personas):
    entry_create(book=book, user=None, year=2008, number=8, values={"nksHoTen": "Trần Văn Bình"})
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("2008_0007_1.jpg", photo_bytes())
        z.writestr("2008_0007_2.jpg", photo_bytes(size=(900, 1200)))  # the second page
        z.writestr("KS_Q01-2008_2008_0008.pdf", pdf_bytes(2))
        z.writestr("2008_0099.pdf", pdf_bytes())
        z.writestr("ghi-chu.txt", b"x")
        z.writestr("2008_0008.png", b"not a png")
    report = scans_upload(
        book=book, files=[("lo1.zip", archive.getvalue())], user=personas["helper"]
    )

    assert [n for n, _ in report.attached] == [
        "2008_0007_1.jpg",
        "2008_0007_2.jpg",
        "KS_Q01-2008_2008_0008.pdf",
    ]
    assert any(
        "2008_0099.pdf" in m and "không có trường hợp số 99/2008" in m for m in report.unmatched
    )
    assert any("ghi-chu.txt" in m and "quy ước" in m for m in report.unmatched)
    assert any("2008_0008.png" in m for m in report.rejected)
    assert entry.scans.count() == 2
    assert Scan.objects.get(original_name="KS_Q01-2008_2008_0008.pdf").pages == 2

    again = scans_upload(book=book, files=[("lo1.zip", archive.getvalue())], user=None)
    assert again.attached == [] and len(again.duplicates) == 3
    assert Scan.objects.count() == 3  # uploading the same zip twice stores nothing new


def test_a_whole_book_pdf_is_split_by_page_ranges_and_kept(book, entry, personas):
    other = entry_create(
        book=book, user=None, year=2008, number=8, values={"nksHoTen": "Trần Văn Bình"}
    )
    source = book_scan_upload(
        book=book, name="quyen-01.pdf", data=pdf_bytes(5), user=personas["helper"]
    )
    ranges, problems = parse_ranges("07/2008: 1-2\n8/2008:3-5\n", book=book, pages=source.pages)
    assert problems == []

    book_scan_split(source=source, ranges=ranges, user=personas["helper"])

    assert [s.pages for s in entry.scans.all()] == [2]
    assert [s.pages for s in other.scans.all()] == [3]
    source.refresh_from_db()
    assert source.split_at is not None
    with source.file.open("rb") as handle:
        assert len(PdfReader(handle).pages) == 5  # the original stays whole


def test_bad_page_ranges_are_explained_line_by_line(book, entry):
    _, problems = parse_ranges("07/2008: 4-9\nbảy: 1\n99/2008: 1", book=book, pages=5)
    assert problems[0].startswith("Dòng 1: trang 4-9 ngoài tệp (5 trang)")
    assert "Dòng 2" in problems[1] and "không đúng dạng" in problems[1]
    assert "Dòng 3" in problems[2] and "99/2008" in problems[2]


def test_the_scan_page_uploads_files_and_shows_thumbnails(login, personas, book, entry):
    client = login(personas["helper"])
    upload = io.BytesIO(pdf_bytes())
    upload.name = "2008_0007.pdf"
    page = client.post(reverse("book_scans", args=[book.pk]), {"files": [upload]})
    assert page.status_code == 200
    assert "Đã gắn 1 tệp" in page.content.decode()
    scan = entry.scans.get()
    assert reverse("scan_file", args=[scan.pk, "anh"]) in page.content.decode()
    assert client.get(reverse("scan_file", args=[scan.pk, "pdf"])).status_code == 200


def test_scans_of_another_commune_are_refused(login, personas, entry):
    scan = scan_attach(entry=entry, name="a.pdf", data=pdf_bytes(), user=None)
    client = login(personas["outsider"])
    assert client.get(reverse("scan_file", args=[scan.pk, "pdf"])).status_code == 403
    assert client.post(reverse("book_scans", args=[entry.book_id])).status_code == 403
    inspector = login(personas["inspector"])
    assert inspector.post(reverse("book_scans", args=[entry.book_id])).status_code == 403


@pytest.fixture
def s3(settings):
    """A real S3-compatible server (moto) on a free port, as the default storage."""
    import boto3
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    credentials = {"aws_access_key_id": "test", "aws_secret_access_key": "test"}
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **credentials)
    client.create_bucket(Bucket="hotich-scans")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "hotich-scans",
                "endpoint_url": endpoint,
                "region_name": "us-east-1",
                "access_key": "test",
                "secret_key": "test",
                "file_overwrite": False,
            },
        },
    }
    yield client
    server.stop()


def test_scans_are_stored_in_s3_compatible_object_storage(s3, entry, login, personas):
    scan = scan_attach(entry=entry, name="2008_0007.jpg", data=photo_bytes(), user=None)

    keys = {o["Key"] for o in s3.list_objects_v2(Bucket="hotich-scans")["Contents"]}
    assert {scan.file.name, scan.original.name, scan.thumbnail.name} <= keys
    body = s3.get_object(Bucket="hotich-scans", Key=scan.file.name)["Body"].read()
    assert body.startswith(b"%PDF-")
    response = login(personas["justice_officer"]).get(reverse("scan_file", args=[scan.pk, "pdf"]))
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
