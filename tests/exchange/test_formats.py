"""One reader for .xlsx, .xls, .ods and .csv: the same rows give the same entries.

The .xls and .ods files are real ones, converted by LibreOffice from an .xlsx built here
(once per session: a conversion takes seconds); the .csv files are written in each encoding
and separator the communes' files come in.
"""

import csv
import io
import shutil
import subprocess
import unicodedata
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from django.urls import reverse

from hotich.exchange.importer import ImportFileError, import_run_execute
from hotich.exchange.layout import export_header
from hotich.exchange.models import ImportRun
from hotich.exchange.reader import open_workbook
from hotich.exchange.services import import_run_create
from hotich.lib.legacy import from_unicode
from hotich.registers.models import Entry
from hotich.registers.spec import REGISTER_TYPES
from tests.exchange.ministry_files import ministry_file
from tests.exchange.test_import import BIRTH_ROW, run_import

ROWS = [
    BIRTH_ROW,
    {
        **BIRTH_ROW,
        "STT": 2,
        "so": "08/2008",
        "nksHoTen": "Trần Văn Bình",
        "nksGioiTinh": "Nam",
        "nksNgaySinh": "03/2008",
        "meHoTen": "Đỗ Thị Ngọc Ánh",
        "chaHoTen": "[không đọc được]",
    },
    {**BIRTH_ROW, "STT": 3, "so": "09/2008", "nksHoTen": "Hoàng Thị Lệ Thủy", "chaHoTen": ""},
]
#: What every format must import: (number, subject's name, mother's, marks, birth date).
EXPECTED = [
    (7, "Nguyễn Thị Phượng", "Lê Thị Hoà", {}, "15/08/2008"),
    (8, "Trần Văn Bình", "Đỗ Thị Ngọc Ánh", {"chaHoTen": "illegible"}, "03/2008"),
    (9, "Hoàng Thị Lệ Thủy", "Lê Thị Hoà", {}, "15/08/2008"),
]

needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice")


@pytest.fixture(scope="session")
def converted(tmp_path_factory):
    """The Ministry-shaped .xlsx of ROWS, and its .xls and .ods made by LibreOffice."""
    folder = tmp_path_factory.mktemp("formats")
    source = ministry_file(folder / "ks.xlsx", ROWS)
    sparse = openpyxl.Workbook()
    sparse.active["C3"], sparse.active["D5"] = "x", 2
    sparse.save(folder / "sparse.xlsx")
    files = {"xlsx": source}
    for kind, path in [
        ("xls", source),
        ("ods", source),
        ("sparse.xls", None),
        ("sparse.ods", None),
    ]:
        if path is None:
            kind, path = kind.split(".")[1], folder / "sparse.xlsx"
        subprocess.run(
            ["soffice", "--headless", "--convert-to", kind, "--outdir", str(folder), str(path)],
            check=True,
            capture_output=True,
            timeout=180,
            env={"HOME": str(folder), "PATH": "/usr/bin:/bin"},
        )
        converted = folder / f"{path.stem}.{kind}"
        assert converted.is_file(), "LibreOffice Calc is needed: scripts/system-deps.sh --tests"
        files[f"{path.stem}.{kind}" if path.stem != "ks" else kind] = converted
    return files


def csv_bytes(*, encoding: str, delimiter: str, bom: bool = False, legacy: str = "") -> bytes:
    """ROWS as a .csv: the template's header, text cells, dates as the books write them."""
    header = export_header(REGISTER_TYPES["KS"])
    keys = [h.split("\n")[0].strip() if h else "" for h in header]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for row in ROWS:
        cells = []
        for key in keys:
            value = row.get(key, "")
            if isinstance(value, date):
                value = value.strftime("%d/%m/%Y")
            text = str(value)
            if legacy and text.startswith("["):
                text = ""  # a mark is our export's, never in a legacy program's file
            elif legacy and text:
                text = from_unicode(text, legacy)
            cells.append(text)
        writer.writerow(cells)
    text = out.getvalue()
    if legacy:
        data = text.encode("cp1252")
    elif encoding == "cp1258":
        data = b"".join(_cp1258(ch) for ch in text)
    else:
        data = text.encode(encoding)
    return (b"\xef\xbb\xbf" if bom else b"") + data


TONES = "\u0300\u0301\u0303\u0309\u0323"


def _cp1258(ch: str) -> bytes:
    """CH as Excel on Vietnamese Windows writes it: a letter it has, then the tone mark."""
    try:
        return ch.encode("cp1258")
    except UnicodeEncodeError:
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(m for m in parts[1:] if m in TONES)
        base = unicodedata.normalize("NFC", "".join(m for m in parts if m not in TONES))
        return (base + tones).encode("cp1258")


def imported(book):
    return [
        (
            e.number,
            e.values["nksHoTen"],
            e.values["meHoTen"],
            e.marks,
            e.values["nksNgaySinh"],
        )
        for e in Entry.objects.filter(book=book).order_by("number")
    ]


@needs_soffice
@pytest.mark.parametrize("kind", ["xlsx", "xls", "ods"])
def test_the_same_rows_import_the_same_entries_from_xlsx_xls_and_ods(kind, converted, book):
    result = run_import(converted[kind], "--book", str(book.pk))

    assert (result["imported"], result["rejected"]) == (3, 0), result["errors"]
    assert imported(book) == EXPECTED
    entry = Entry.objects.get(book=book, number=7)
    assert entry.values["nksGioiTinh"] == "2" and entry.values["meSoGiayToTuyThan"] == "172345678"
    assert entry.values["ngayDangKy"] == "27.08.2008" and entry.page == 4
    assert result["reading"] == {"xlsx": "Excel (.xlsx)", "xls": "Excel 97–2003 (.xls)"}.get(
        kind, "OpenDocument (.ods)"
    )
    assert ImportRun.objects.get().reading == result["reading"]


@needs_soffice
@pytest.mark.parametrize("kind", ["xls", "ods"])
def test_rows_and_columns_before_the_first_used_cell_keep_their_numbers(kind, converted):
    with converted[f"sparse.{kind}"].open("rb") as handle:
        book = open_workbook(handle)
        rows = list(book.numbered_rows(book.sheetnames[0]))

    assert rows == [(3, (None, None, "x")), (5, (None, None, None, 2))]


@needs_soffice
@pytest.mark.parametrize("kind", ["xls", "ods"])
def test_a_wrong_extension_is_read_by_its_content(kind, converted, book, tmp_path):
    wrong = tmp_path / "ks.xlsx" if kind == "xls" else tmp_path / "ks.csv"
    wrong.write_bytes(converted[kind].read_bytes())

    result = run_import(wrong, "--book", str(book.pk))

    assert result["imported"] == 3 and imported(book) == EXPECTED
    assert f".{kind}" in result["reading"]


@pytest.mark.parametrize(
    ("encoding", "bom", "delimiter", "reported"),
    [
        ("utf-8", False, ",", "CSV, mã hoá UTF-8, phân cách bằng dấu phẩy “,”"),
        ("utf-8", True, ";", "CSV, mã hoá UTF-8 có BOM, phân cách bằng dấu chấm phẩy “;”"),
        ("cp1258", False, "\t", "CSV, mã hoá Windows-1258 (cp1258), phân cách bằng dấu tab"),
        ("cp1258", False, ";", "CSV, mã hoá Windows-1258 (cp1258), phân cách bằng dấu chấm phẩy"),
    ],
)
def test_a_csv_in_each_encoding_and_separator_imports_the_same_entries_and_says_how_it_was_read(
    encoding, bom, delimiter, reported, book, tmp_path
):
    path = tmp_path / "ks.csv"
    path.write_bytes(csv_bytes(encoding=encoding, delimiter=delimiter, bom=bom))

    result = run_import(path, "--book", str(book.pk))

    assert (result["imported"], result["rejected"]) == (3, 0), result["errors"]
    assert imported(book) == EXPECTED
    assert result["reading"].startswith(reported)
    assert ImportRun.objects.get().reading == result["reading"]
    assert not result["repairs"]


@pytest.mark.parametrize("legacy", ["tcvn3", "vni"])
def test_a_csv_typed_in_a_legacy_font_gives_correct_vietnamese_and_says_so(legacy, book, tmp_path):
    path = tmp_path / "ks.csv"
    path.write_bytes(csv_bytes(encoding="", delimiter=",", legacy=legacy))

    result = run_import(path, "--book", str(book.pk))

    assert (result["imported"], result["rejected"]) == (3, 0), result["errors"]
    assert imported(book) == [(*e[:3], {}, e[4]) for e in EXPECTED]
    assert result["reading"].startswith(f"CSV, mã hoá {legacy.upper()} (mã chữ cũ")
    assert result["repaired"] == 3


def failed_run(content: bytes, name: str, book) -> ImportRun:
    run = import_run_create(handle=io.BytesIO(content), name=name, user=None, book=book)
    with pytest.raises(ImportFileError):
        import_run_execute(run=run)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED and Entry.objects.count() == 0
    return run


@needs_soffice
@pytest.mark.parametrize("kind", ["xls", "ods"])
def test_a_truncated_xls_or_ods_is_refused_clearly_and_writes_nothing(kind, converted, book):
    content = converted[kind].read_bytes()

    run = failed_run(content[: len(content) // 2], f"ks.{kind}", book)

    assert "bị hỏng" in run.message and "Không dòng nào được nhập" in run.message


def test_a_zip_bomb_ods_is_refused_before_it_is_decompressed(book):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )
        archive.writestr("content.xml", b"<a>" + b" " * (200 * 1024 * 1024) + b"</a>")
    assert len(out.getvalue()) < 1_000_000

    run = failed_run(out.getvalue(), "bom.ods", book)

    assert "nén bất thường" in run.message and "MB" in run.message


def test_an_ods_whose_header_hides_its_real_size_is_refused(book):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )
        archive.writestr("content.xml", b"<a>" + b" " * (200 * 1024 * 1024) + b"</a>")
    content = bytearray(out.getvalue())
    # The member's sizes as its local header and the central directory declare them: 1 KB.
    local = content.index(b"PK\x03\x04", 1)
    content[local + 22 : local + 26] = (1024).to_bytes(4, "little")
    central = content.index(b"PK\x01\x02", content.index(b"PK\x01\x02") + 1)
    content[central + 24 : central + 28] = (1024).to_bytes(4, "little")

    run = failed_run(bytes(content), "bom.ods", book)

    assert "OpenDocument (.ods)" in run.message and "Không dòng nào được nhập" in run.message


@pytest.mark.parametrize(
    "content",
    [bytes(range(256)) * 64, b"\x89PNG\r\n\x1a\n" + bytes(4000), b"PK\x03\x04" + b"\x00" * 100],
    ids=["binary", "png", "broken-zip"],
)
def test_a_binary_file_named_csv_is_refused_clearly(content, book):
    run = failed_run(content, "ks.csv", book)

    assert "tệp" in run.message.lower() and "Không" in run.message


@pytest.mark.parametrize("name", ["ks.csv", "ks.xls", "ks.ods"])
def test_the_upload_page_accepts_the_new_types(name, client, personas, book):
    client.force_login(personas["justice_officer"])
    upload = io.BytesIO(csv_bytes(encoding="utf-8", delimiter=";"))
    upload.name = name  # the content decides: a .csv by any of the accepted names

    response = client.post(reverse("import_upload"), {"file": upload, "book": book.pk})

    assert response.status_code == 302, response.content.decode()
    run = ImportRun.objects.get()
    import_run_execute(run=run)
    page = client.get(reverse("import_detail", args=[run.pk])).content.decode()
    assert "phân cách bằng dấu chấm phẩy" in page and imported(book) == EXPECTED


def test_the_upload_page_lists_the_types_and_refuses_others(client, personas, book):
    client.force_login(personas["justice_officer"])
    page = client.get(reverse("import_upload")).content.decode()
    assert 'accept=".xlsx,.xls,.ods,.csv,.json"' in page and "OpenDocument" in page

    upload = io.BytesIO(b"%PDF-1.4")
    upload.name = "ks.pdf"
    response = client.post(reverse("import_upload"), {"file": upload, "book": book.pk})

    assert response.status_code == 400 and ImportRun.objects.count() == 0
    assert ".xlsx, .xls, .ods hoặc .csv" in response.content.decode()


def test_a_csv_field_longer_than_a_cell_rejects_its_row_only(book, tmp_path):
    data = csv_bytes(encoding="utf-8", delimiter=",").decode()
    data = data.replace("Trần Văn Bình", "Trần " + "x" * 40_000)
    path = tmp_path / "ks.csv"
    path.write_bytes(data.encode())

    result = run_import(path, "--book", str(book.pk))

    assert (result["imported"], result["rejected"]) == (2, 1)
    assert Path(path).stat().st_size > 40_000


@needs_soffice
@pytest.mark.parametrize("kind", ["ods", "xls"])
def test_a_handover_file_saved_as_ods_or_xls_reads_as_the_xlsx_does(kind, book, entry, tmp_path):
    from tests.exchange.test_handover_reimport import handed_over

    path = handed_over(book, entry, tmp_path)
    subprocess.run(
        ["soffice", "--headless", "--convert-to", kind, "--outdir", str(tmp_path), str(path)],
        check=True,
        capture_output=True,
        timeout=180,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    before = Entry.objects.get()

    result = run_import(path.with_suffix(f".{kind}"))

    assert (result["imported"], result["updated"], result["unchanged"]) == (0, 0, 1), result
    after = Entry.objects.get()
    assert (after.values, after.marks, after.version) == (
        before.values,
        before.marks,
        before.version,
    )
    assert ImportRun.objects.get().kind == "handover"


@needs_soffice
@pytest.mark.parametrize("kind", ["xls", "ods"])
@pytest.mark.parametrize("seed", range(6))
def test_a_damaged_xls_or_ods_ends_the_run_in_a_final_state_and_the_page_never_answers_500(
    kind, seed, converted, book, client, personas
):
    import random

    rng = random.Random(seed)
    content = bytearray(converted[kind].read_bytes())
    for _ in range(20):
        content[rng.randrange(512, len(content))] = rng.randrange(256)
    client.raise_request_exception = False
    client.force_login(personas["justice_officer"])
    upload = io.BytesIO(bytes(content))
    upload.name = f"ks.{kind}"

    response = client.post(reverse("import_upload"), {"file": upload, "book": book.pk})

    assert response.status_code in (302, 400)
    run = ImportRun.objects.first()
    if run is None or run.status == ImportRun.Status.NEEDS_MAPPING:
        return
    try:
        import_run_execute(run=run)
    except ImportFileError:
        assert Entry.objects.count() == 0
    run.refresh_from_db()
    assert run.status in (ImportRun.Status.DONE, ImportRun.Status.FAILED), run.message
