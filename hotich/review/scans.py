"""Scans of cases (bản chụp): checks, conversion to PDF, thumbnails, zips and whole-book PDFs.

File-name convention for uploads to a book (docs/exchange.md): the name ends with the
year and the entry number, optionally a page number, e.g. ``2008_0007.pdf``,
``KS_Q01-2008_2008_0007.pdf`` (as exports name them), ``2008-7-2.jpg`` (page 2 of entry
7/2008). Every file is kept through Django's storage API (local files or S3-compatible).
"""

from __future__ import annotations

import hashlib
import io
import re
import warnings
import zipfile
from dataclasses import dataclass, field

import pypdfium2
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError

from hotich.accounts.models import User
from hotich.audit.actor import Actor
from hotich.audit.models import AuditEvent
from hotich.audit.services import audit_record
from hotich.registers.models import Entry, RegisterBook, Scan
from hotich.review.models import BookScanSource

THUMBNAIL_WIDTH = 240
#: A whole-book PDF may hold this many times the size allowed for one case.
BOOK_SIZE_FACTOR = 20
MAX_FILES_IN_ZIP = 5000
#: Largest photo accepted, in pixels (a 50-megapixel camera gives 8192 × 6144).
MAX_IMAGE_PIXELS = 60_000_000
#: Largest image a page is rendered to (thumbnail or review image), in pixels.
MAX_RENDER_PIXELS = 12_000_000
#: A page longer than this many times its width (or the reverse) is no book page.
MAX_PAGE_ASPECT = 8
NAME_PATTERN = re.compile(
    r"(?:^|[^0-9])(?P<year>(?:18|19|20)\d{2})[ _.-]+(?P<number>\d{1,5})"
    r"(?:[ _.-]+(?P<part>\d{1,2}))?\.(?P<ext>pdf|jpe?g|png)$",
    re.IGNORECASE,
)


class ScanRejected(ValueError):
    """A file that cannot be a scan: wrong type, too big, unreadable. Message in Vietnamese."""


def sniff(data: bytes) -> str | None:
    """Return "pdf", "jpeg" or "png" from the file's first bytes (never from its name)."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    return None


def pdf_pages(data: bytes, name: str) -> int:
    """Return the page count of a readable PDF; raise ScanRejected otherwise.

    Readable means: pypdf parses it, it is not password-protected, it has a page, and its
    first page renders.
    """
    # PDFium (C) refuses a damaged file in a fraction of a second, where pypdf, hunting for
    # the cross-reference table, spends seconds on every 25 MB of garbage: it goes first.
    try:
        pypdfium2.PdfDocument(data).close()
    except pypdfium2.PdfiumError as error:
        if "password" in str(error).lower():
            raise ScanRejected(f"{name}: tệp PDF có mật khẩu, không mở được.") from error
        raise ScanRejected(f"{name}: tệp PDF bị hỏng, không đọc được.") from error
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise ScanRejected(f"{name}: tệp PDF có mật khẩu, không mở được.")
        pages = len(reader.pages)
        for page in reader.pages:  # every page, from its box: no page is rendered here
            box = page.cropbox
            render_scale(name, float(box.width), float(box.height), THUMBNAIL_WIDTH)
    except ScanRejected:
        raise
    except (PdfReadError, ValueError, KeyError, OSError) as error:
        raise ScanRejected(f"{name}: tệp PDF bị hỏng, không đọc được.") from error
    if pages == 0:
        raise ScanRejected(f"{name}: tệp PDF không có trang nào.")
    thumbnail_png(data, name)  # renders page 1, or raises
    return pages


def check_image(data: bytes, name: str) -> None:
    """Raise ScanRejected unless DATA is a whole, readable photo of a sensible size."""
    try:
        with warnings.catch_warnings():
            # Pillow warns between its limit and twice it; _check_pixels decides instead.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                _check_pixels(name, *image.size)  # from the header, before decoding
                image.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            width, height = image.size
    except Image.DecompressionBombError as error:  # past Pillow's own limit, at open
        raise ScanRejected(
            f"{name}: ảnh quá lớn, vượt giới hạn {MAX_IMAGE_PIXELS / 1e6:.0f} triệu điểm ảnh; "
            "hãy chụp lại ở độ phân giải thấp hơn."
        ) from error
    except (UnidentifiedImageError, OSError, SyntaxError) as error:
        raise ScanRejected(f"{name}: ảnh bị hỏng, không đọc được.") from error
    if min(width, height) < 300:
        raise ScanRejected(
            f"{name}: ảnh quá nhỏ ({width}×{height} điểm ảnh), không đọc được chữ; cần chụp lại."
        )


def _check_pixels(name: str, width: int, height: int) -> None:
    """Raise ScanRejected for a photo too large to open safely or of no page's shape."""
    if width * height > MAX_IMAGE_PIXELS:
        raise ScanRejected(
            f"{name}: ảnh {width}×{height} điểm ảnh ({width * height / 1e6:.0f} triệu), vượt "
            f"giới hạn {MAX_IMAGE_PIXELS / 1e6:.0f} triệu điểm ảnh; hãy chụp lại ở độ phân giải thấp hơn."
        )
    if min(width, height) and max(width, height) / min(width, height) > MAX_PAGE_ASPECT:
        raise ScanRejected(f"{name}: ảnh {width}×{height} điểm ảnh không phải ảnh một trang sổ.")


def image_to_pdf(data: bytes) -> bytes:
    """Return a one-page PDF of a photo, without re-encoding it when the format allows."""
    import img2pdf  # imported here: it loads pikepdf, which only photo uploads need

    try:
        return img2pdf.convert(data, rotation=img2pdf.Rotation.ifvalid)
    except img2pdf.AlphaChannelError:
        # PNG with transparency: flatten on white, then wrap.
        with Image.open(io.BytesIO(data)) as image:
            flat = Image.new("RGB", image.size, "white")
            flat.paste(image, mask=image.convert("RGBA").getchannel("A"))
            out = io.BytesIO()
            flat.save(out, format="PNG")
        return img2pdf.convert(out.getvalue())


def thumbnail_png(pdf: bytes, name: str = "") -> bytes:
    """Return a PNG of the first page of PDF, THUMBNAIL_WIDTH wide."""
    return page_png(pdf, 0, THUMBNAIL_WIDTH, name)


def page_png(pdf: bytes, index: int, width: int, name: str = "") -> bytes:
    """Return a PNG of page INDEX (0-based) of PDF, WIDTH pixels wide; IndexError past the end.

    Pages are shown as images so that review works in any browser, with or without a PDF
    viewer.
    """
    try:
        document = pypdfium2.PdfDocument(pdf)
        try:
            if not 0 <= index < len(document):
                raise IndexError(index)
            page = document[index]
            scale = render_scale(name, page.get_width(), page.get_height(), width)
            image = page.render(scale=scale).to_pil()
        finally:
            document.close()
    except pypdfium2.PdfiumError as error:
        raise ScanRejected(f"{name}: không hiển thị được trang đầu của tệp PDF.") from error
    except MemoryError as error:
        raise ScanRejected(f"{name}: trang PDF quá lớn, không hiển thị được.") from error
    out = io.BytesIO()
    image.convert("RGB").save(out, format="PNG", optimize=True)
    return out.getvalue()


def render_scale(name: str, page_width: float, page_height: float, width: int) -> float:
    """Return the scale that renders a page of PAGE_WIDTH × PAGE_HEIGHT points WIDTH pixels
    wide, lowered so the image stays within MAX_RENDER_PIXELS; ScanRejected for a page of no
    book's shape (a 10 × 14,400-point page would need 7 GB at the review width).

    Checked from the page box before pypdfium2 allocates anything.
    """
    if not (page_width > 0 and page_height > 0):
        raise ScanRejected(f"{name}: trang PDF không có kích thước, không hiển thị được.")
    if max(page_width, page_height) / min(page_width, page_height) > MAX_PAGE_ASPECT:
        raise ScanRejected(
            f"{name}: trang PDF {page_width:.0f}×{page_height:.0f} điểm không phải một trang sổ "
            "(quá dài hoặc quá hẹp)."
        )
    scale = width / page_width
    if page_width * page_height * scale * scale > MAX_RENDER_PIXELS:
        scale = (MAX_RENDER_PIXELS / (page_width * page_height)) ** 0.5
    return scale


def _check_size(data: bytes, name: str, limit: int) -> None:
    if not data:
        raise ScanRejected(f"{name}: tệp rỗng.")
    if len(data) > limit:
        raise ScanRejected(
            f"{name}: tệp {len(data) / 1e6:.1f} MB, vượt giới hạn {limit / 1e6:.0f} MB."
        )


def scan_attach(
    *, entry: Entry, name: str, data: bytes, user: User | None, actor: Actor | None = None
) -> Scan:
    """Check one uploaded file and keep it as a scan of ENTRY; photos are converted to PDF.

    The photo itself is kept as the original; every scan gets a thumbnail. Audited, and so is
    a refusal (ScanRejected, raised again). The same file uploaded again for the same entry is
    not stored twice: the existing scan is returned (``scan.duplicate`` is then True).
    """
    try:
        return _scan_keep(entry=entry, name=name, data=data, user=user, actor=actor)
    except ScanRejected as error:
        _refusal_record(book=entry.book, messages=[str(error)], user=user, actor=actor)
        raise


@transaction.atomic
def _scan_keep(
    *, entry: Entry, name: str, data: bytes, user: User | None, actor: Actor | None
) -> Scan:
    _check_size(data, name, settings.HOTICH_SCAN_MAX_BYTES)
    digest = hashlib.sha256(data).hexdigest()  # of the file as uploaded, photo or PDF
    existing = Scan.objects.filter(entry=entry, sha256=digest).first()
    if existing is not None:
        existing.duplicate = True  # type: ignore[attr-defined]
        return existing
    kind = sniff(data)
    if kind is None:
        raise ScanRejected(f"{name}: chỉ nhận tệp PDF, JPEG hoặc PNG.")
    original = None
    if kind == "pdf":
        pdf = data
    else:
        check_image(data, name)
        pdf = image_to_pdf(data)
        original = data
    pages = pdf_pages(pdf, name)
    stem = re.sub(r"[^0-9A-Za-z._-]+", "-", name.rsplit("/", 1)[-1]).rsplit(".", 1)[0] or "ban-chup"
    scan = Scan(
        entry=entry,
        original_name=name[:255],
        content_type="application/pdf",
        size=len(pdf),
        sha256=digest,
        pages=pages,
        uploaded_by=user,
    )
    scan.file.save(f"{stem}.pdf", ContentFile(pdf), save=False)
    if original is not None:
        scan.original.save(
            f"{stem}.{'jpg' if kind == 'jpeg' else 'png'}", ContentFile(original), save=False
        )
    scan.thumbnail.save(f"{stem}.thumb.png", ContentFile(thumbnail_png(pdf, name)), save=False)
    scan.save()
    audit_record(
        actor=actor,
        user=user,
        action=AuditEvent.Action.CREATE,
        obj=scan,
        object_repr=f"Bản chụp {name} – {entry}"[:200],
        commune=entry.book.commune,
        changes={"entry": [None, entry.pk], "pages": [None, pages]},
    )
    return scan


@dataclass
class UploadReport:
    """What happened to each file of an upload: attached, or why not."""

    attached: list[tuple[str, Entry]] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)


@dataclass
class _File:
    """One file of an upload: its bytes, or a zip member read only when it is attached."""

    name: str
    data: bytes | None = None
    archive: zipfile.ZipFile | None = None
    member: zipfile.ZipInfo | None = None


class _ZipBudget:
    """What the members of an upload's zips may expand to in all (never their declared sizes)."""

    def __init__(self) -> None:
        self.left = settings.HOTICH_SCAN_MAX_BYTES * BOOK_SIZE_FACTOR


def _read_member(item: _File, budget: _ZipBudget) -> bytes:
    """Return a zip member's bytes, read in chunks and stopped past the size limit or the
    upload's total; ScanRejected then (the sizes a zip declares may lie).
    """
    assert item.archive is not None and item.member is not None
    limit = settings.HOTICH_SCAN_MAX_BYTES
    chunks: list[bytes] = []
    size = 0
    try:
        with item.archive.open(item.member) as handle:
            while chunk := handle.read(1 << 20):
                size += len(chunk)
                if size > limit:
                    raise ScanRejected(
                        f"{item.name}: tệp giải nén vượt giới hạn {limit / 1e6:.0f} MB."
                    )
                if size > budget.left:
                    raise ScanRejected(
                        f"{item.name}: các tệp nén giải ra vượt tổng giới hạn "
                        f"{settings.HOTICH_SCAN_MAX_BYTES * BOOK_SIZE_FACTOR / 1e6:.0f} MB; "
                        "hãy chia thành nhiều tệp nén nhỏ hơn."
                    )
                chunks.append(chunk)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError) as error:
        raise ScanRejected(f"{item.name}: tệp trong tệp nén bị hỏng, không đọc được.") from error
    budget.left -= size
    return b"".join(chunks)


def _expand(files: list[tuple[str, bytes]], report: UploadReport) -> list[_File]:
    """Return the files with every zip replaced by its members, which are not read yet.

    A zip of more than MAX_FILES_IN_ZIP files is refused whole; a member that says it is
    larger than one scan may be is refused before it is read.
    """
    out: list[_File] = []
    limit = settings.HOTICH_SCAN_MAX_BYTES
    for name, data in files:
        if not data.startswith(b"PK\x03\x04"):
            out.append(_File(name, data=data))
            continue
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            members = [
                m for m in archive.infolist() if not m.is_dir() and "__MACOSX" not in m.filename
            ]
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError):
            report.rejected.append(f"{name}: tệp nén .zip bị hỏng.")
            continue
        if len(members) > MAX_FILES_IN_ZIP:
            report.rejected.append(f"{name}: quá {MAX_FILES_IN_ZIP} tệp trong một tệp nén.")
            continue
        for member in members:
            if member.file_size > limit:
                report.rejected.append(
                    f"{member.filename}: tệp {member.file_size / 1e6:.1f} MB, vượt giới hạn "
                    f"{limit / 1e6:.0f} MB."
                )
                continue
            out.append(_File(member.filename, archive=archive, member=member))
    return out


def _refusal_record(
    *, book: RegisterBook, messages: list[str], user: User | None, actor: Actor | None
) -> None:
    """Append one "refused" event per refused file to the audit log (outside any rollback)."""
    for message in messages:
        audit_record(
            actor=actor,
            user=user,
            action=AuditEvent.Action.DENIED,
            obj=book,
            object_repr=f"Từ chối bản chụp: {message}"[:200],
            commune=book.commune,
        )


def match_name(name: str) -> tuple[int, int, int] | None:
    """Return (year, number, page) that a file name gives by the convention, or None."""
    found = NAME_PATTERN.search(name.rsplit("/", 1)[-1])
    if found is None:
        return None
    return int(found["year"]), int(found["number"]), int(found["part"] or 1)


def scans_upload(
    *,
    book: RegisterBook,
    files: list[tuple[str, bytes]],
    user: User | None,
    actor: Actor | None = None,
) -> UploadReport:
    """Attach uploaded files (and the contents of zips) to BOOK's entries by their names.

    Files are taken in page order for each entry; a name that maps to no entry of the book,
    or to a number the book repeats, is reported, as is every rejected file.
    """
    report = UploadReport()
    entries: dict[tuple[int, int], list[Entry]] = {}
    for entry in book.entries.select_related("book__commune").order_by("id"):
        entries.setdefault((entry.year, entry.number), []).append(entry)
    matched: list[tuple[tuple[int, int, int], _File]] = []
    expanded = _expand(files, report)
    # Refusals of zips and their members (scan_attach records its own).
    _refusal_record(book=book, messages=report.rejected, user=user, actor=actor)
    for item in expanded:
        name = item.name
        key = match_name(name)
        if key is None:
            report.unmatched.append(
                f"{name}: tên tệp không theo quy ước (năm_số, ví dụ 2008_0007.pdf)."
            )
            continue
        found = entries.get(key[:2], [])
        if not found:
            report.unmatched.append(f"{name}: sổ không có trường hợp số {key[1]:02d}/{key[0]}.")
            continue
        if len(found) > 1:
            report.unmatched.append(
                f"{name}: số {key[1]:02d}/{key[0]} lặp lại trong sổ; hãy tải bản chụp ở trang rà soát của từng trường hợp."
            )
            continue
        matched.append((key, item))
    budget = _ZipBudget()
    for key, item in sorted(matched, key=lambda m: m[0]):
        entry = entries[key[:2]][0]
        name = item.name
        try:
            data = item.data if item.data is not None else _read_member(item, budget)
        except ScanRejected as error:
            report.rejected.append(str(error))
            _refusal_record(book=book, messages=[str(error)], user=user, actor=actor)
            continue
        try:
            scan = scan_attach(entry=entry, name=name, data=data, user=user, actor=actor)
        except ScanRejected as error:
            report.rejected.append(str(error))
        else:
            if getattr(scan, "duplicate", False):
                report.duplicates.append(name)
            else:
                report.attached.append((name, entry))
    return report


def book_scan_upload(
    *, book: RegisterBook, name: str, data: bytes, user: User | None, actor: Actor | None = None
) -> BookScanSource:
    """Keep a whole-book PDF (original) for splitting; raise ScanRejected if unusable (the
    refusal is audited)."""
    try:
        _check_size(data, name, settings.HOTICH_SCAN_MAX_BYTES * BOOK_SIZE_FACTOR)
        if sniff(data) != "pdf":
            raise ScanRejected(f"{name}: bản chụp cả quyển phải là tệp PDF.")
        pages = pdf_pages(data, name)
    except ScanRejected as error:
        _refusal_record(book=book, messages=[str(error)], user=user, actor=actor)
        raise
    source = BookScanSource(
        book=book,
        original_name=name[:255],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        pages=pages,
        uploaded_by=user,
    )
    source.file.save(f"quyen-{book.pk}.pdf", ContentFile(data), save=False)
    source.save()
    audit_record(
        actor=actor,
        user=user,
        action=AuditEvent.Action.CREATE,
        obj=source,
        commune=book.commune,
    )
    return source


RANGE_LINE = re.compile(
    r"^\s*(?P<number>\d{1,5})\s*/\s*(?P<year>\d{4})\s*[:=]\s*(?P<first>\d+)\s*(?:-\s*(?P<last>\d+))?\s*$"
)


def parse_ranges(
    text: str, *, book: RegisterBook, pages: int
) -> tuple[list[tuple[Entry, int, int]], list[str]]:
    """Return ((entry, first page, last page) …, problems) from lines like ``07/2008: 3-4``."""
    entries: dict[tuple[int, int], list[Entry]] = {}
    for entry in book.entries.select_related("book__commune").order_by("id"):
        entries.setdefault((entry.year, entry.number), []).append(entry)
    ranges: list[tuple[Entry, int, int]] = []
    problems: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        found = RANGE_LINE.match(line)
        if found is None:
            problems.append(
                f"Dòng {number}: “{line.strip()}” không đúng dạng “số/năm: trang đầu-trang cuối”."
            )
            continue
        first = int(found["first"])
        last = int(found["last"] or first)
        key = (int(found["year"]), int(found["number"]))
        if not 1 <= first <= last <= pages:
            problems.append(f"Dòng {number}: trang {first}-{last} ngoài tệp ({pages} trang).")
            continue
        if len(entries.get(key, [])) != 1:
            problems.append(
                f"Dòng {number}: sổ không có (hoặc có nhiều) trường hợp số {key[1]:02d}/{key[0]}."
            )
            continue
        ranges.append((entries[key][0], first, last))
    return ranges, problems


def suggested_ranges(book: RegisterBook, pages: int) -> str:
    """Return a first page-range text: one page per entry, in book order, as far as pages go."""
    lines = []
    for page, entry in enumerate(book.entries.order_by("year", "number", "id")[:pages], start=1):
        lines.append(f"{entry.number:02d}/{entry.year}: {page}")
    return "\n".join(lines)


def book_scan_split(
    *,
    source: BookScanSource,
    ranges: list[tuple[Entry, int, int]],
    user: User | None,
    actor: Actor | None = None,
) -> list[Scan]:
    """Cut SOURCE into one PDF per entry by page ranges (1-based, inclusive); keep each as a scan."""
    with source.file.open("rb") as handle:
        data = handle.read()
    reader = PdfReader(io.BytesIO(data))
    scans = []
    try:
        scans = _split(reader, source, ranges, user, actor)
    except ScanRejected as error:  # the refusal scan_attach recorded was rolled back with it
        _refusal_record(book=source.book, messages=[str(error)], user=user, actor=actor)
        raise
    return scans


def _split(
    reader: PdfReader,
    source: BookScanSource,
    ranges: list[tuple[Entry, int, int]],
    user: User | None,
    actor: Actor | None,
) -> list[Scan]:
    scans = []
    with transaction.atomic():
        for entry, first, last in ranges:
            writer = PdfWriter()
            for index in range(first - 1, last):
                writer.add_page(reader.pages[index])
            out = io.BytesIO()
            writer.write(out)
            name = f"{source.original_name.rsplit('.', 1)[0]}_tr{first}-{last}.pdf"
            scans.append(
                scan_attach(entry=entry, name=name, data=out.getvalue(), user=user, actor=actor)
            )
        BookScanSource.objects.filter(pk=source.pk).update(split_at=timezone.now())
    return scans
