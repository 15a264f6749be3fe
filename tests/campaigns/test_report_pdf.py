"""The weekly report built from the demo, converted to PDF by LibreOffice, read back."""

import shutil
import subprocess
from pathlib import Path

from docx import Document

from hotich.campaigns.models import WeeklyReport
from hotich.campaigns.reports import fmt, report_docx, week_figures
from hotich.campaigns.services import local_today, report_defaults, week_start_of
from hotich.demo.load import demo_load
from hotich.registers.models import Entry, RegisterBook

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_the_demo_report_converts_to_pdf_with_its_figures(db, tmp_path):
    result = demo_load(province_code="38", citizens=600)
    commune = result.communes[0]
    week = week_start_of(local_today())
    report = WeeklyReport.objects.create(
        unit=commune,
        week_start=week,
        number="07",
        direction="UBND xã đã họp triển khai kế hoạch.",
        problems="Một số sổ bị ẩm mốc.",
        signer_name="Trương Văn Tính",
        **report_defaults(unit=commune),
    )
    fig = week_figures(commune, week)
    # Independent of the report code: every entry of the commune keyed up to today.
    entered = Entry.objects.filter(book__commune=commune).count()
    expected = sum(
        b.expected_cases or 0
        for b in RegisterBook.objects.filter(commune=commune, already_electronic=False).exclude(
            condition="lost"
        )
    )
    assert (fig.entered, fig.total) == (entered, expected)

    path = tmp_path / "bao-cao.docx"
    path.write_bytes(report_docx(report, fig, issued=local_today()))
    assert len(Document(str(path)).inline_shapes) == 2  # the two charts
    subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / "bao-cao.pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(pdf, ARTIFACTS / "bao-cao-tuan.pdf")
    flat = " ".join(text.split())
    for expected_text in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "ỦY BAN NHÂN DÂN",
        commune.full_name.upper(),
        "Số: 07/BC-UBND",
        f"ngày {local_today().day:02d} tháng {local_today().month:02d} năm {local_today().year}",
        "Nơi nhận:",
        "Trương Văn Tính",
        "UBND xã đã họp triển khai kế hoạch.",
        f"Tổng số trường hợp phải nhập: {fmt(expected)}.",
        f"Số trường hợp đã nhập đến hết tuần: {fmt(entered)}",
        "Sổ đăng ký khai sinh",
    ):
        assert expected_text in flat, expected_text
    births = next(r for r in fig.appendix.rows if r[1] == "Sổ đăng ký khai sinh")
    assert f"Sổ đăng ký khai sinh {fmt(births[2])} {fmt(births[3])} {fmt(births[4])}" in flat
