"""The weekly report (báo cáo tuần): figures, charts, the Word document and its Excel appendix.

The Word document follows the Vietnamese administrative layout (Nghị định 30/2020/NĐ-CP):
issuing body and number on the left, national motto on the right, place and date, title,
numbered sections, recipients (Nơi nhận) and signature block.
"""

import datetime
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

from django.db.models import Count, Q, Sum

from hotich.campaigns.models import ProgressSnapshot, TeamMember, WeeklyReport
from hotich.campaigns.selectors import Scope, appendix_table, campaigns_covering, scope_of
from hotich.campaigns.tables import Table, table_workbook
from hotich.places.models import AdministrativeUnit
from hotich.registers.models import RegisterBook

Unit = AdministrativeUnit
WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


def fmt(n: float | int | None) -> str:
    """Return N with Vietnamese thousands separators: 1.234.567."""
    return f"{n or 0:,.0f}".replace(",", ".")


@dataclass
class WeekFigures:
    unit: Unit
    week_start: datetime.date
    week_end: datetime.date
    appendix: Table
    total: int = 0
    entered: int = 0
    remaining: int = 0
    week_entered: int = 0
    daily: list[tuple[datetime.date, int]] = field(default_factory=list)
    stages: dict[str, int] = field(default_factory=dict)
    stages_day: datetime.date | None = None
    operators: int = 0
    members: dict[str, int] = field(default_factory=dict)
    teams: int = 0
    progress: list[tuple[datetime.date, int]] = field(default_factory=list)


def _book_filter(scope: Scope) -> Q:
    if scope.kind == "commune":
        return Q(commune=scope.unit)
    if scope.kind == "province":
        return Q(commune_id__in=scope.commune_ids)
    return Q(historical_unit__parent=scope.unit)


def week_figures(unit: Unit, week_start: datetime.date) -> WeekFigures:
    """Return the figures of UNIT's report for the week starting WEEK_START.

    "Số đã nhập" counts the cases keyed up to the end of the week (daily output); workflow
    stages come from the latest snapshot taken on or before the week's last day.
    """
    scope = scope_of(unit)
    week_end = week_start + datetime.timedelta(days=6)
    outputs = scope.output_by_type().filter(day__lte=week_end)
    entered = dict(outputs.values_list("register_type").annotate(n=Sum("entries")).order_by())
    books = list(RegisterBook.objects.filter(_book_filter(scope)))
    appendix = appendix_table(books, entered=entered)
    fig = WeekFigures(unit, week_start, week_end, appendix)
    fig.total = sum(r[2] for r in appendix.rows)
    fig.entered = sum(r[3] for r in appendix.rows)
    fig.remaining = sum(r[4] for r in appendix.rows)
    in_week = outputs.filter(day__gte=week_start)
    per_day = dict(in_week.values_list("day").annotate(n=Sum("entries")).order_by())
    fig.daily = [(week_start + datetime.timedelta(days=i), 0) for i in range(7)]
    fig.daily = [(d, per_day.get(d, 0)) for d, _ in fig.daily]
    fig.week_entered = sum(per_day.values())
    fig.operators = (
        scope.output_by_person()
        .filter(day__gte=week_start, day__lte=week_end)
        .exclude(user=None)
        .values("user")
        .distinct()
        .count()
    )
    snapshots = ProgressSnapshot.objects.filter(scope.q, day__lte=week_end)
    last = snapshots.order_by("-day").values_list("day", flat=True).first()
    if last:
        fig.stages_day = last
        fig.stages = snapshots.filter(day=last).aggregate(
            keyed=Sum("keyed"),
            reconciled=Sum("reconciled"),
            approved=Sum("approved"),
            scanned=Sum("scanned"),
            with_personal_id=Sum("with_personal_id"),
        )
    campaign = next((c for c in campaigns_covering(scope) if c.start_date <= week_end), None)
    if campaign:
        members = TeamMember.objects.filter(
            team__campaign=campaign, team__commune_id__in=scope.commune_ids
        )
        fig.members = dict(members.values_list("part").annotate(n=Count("id")).order_by())
        fig.teams = members.values("team").distinct().count()
        start = campaign.start_date
    else:
        start = week_start - datetime.timedelta(days=21)
    base = outputs.filter(day__lt=start).aggregate(n=Sum("entries"))["n"] or 0
    per_day_all = dict(
        outputs.filter(day__gte=start).values_list("day").annotate(n=Sum("entries")).order_by()
    )
    running = base
    for i in range((week_end - start).days + 1):
        d = start + datetime.timedelta(days=i)
        running += per_day_all.get(d, 0)
        fig.progress.append((d, running))
    return fig


# --- charts as images ----------------------------------------------------------------------


def _chart_png(draw: Any) -> BytesIO:
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    # A bare Figure (no pyplot state) with fixed margins: tight_layout would draw it twice.
    fig = Figure(figsize=(6.2, 2.6), dpi=150)
    fig.subplots_adjust(left=0.12, right=0.98, top=0.88, bottom=0.2)
    ax = fig.add_subplot()
    draw(ax)
    ax.spines[["top", "right"]].set_visible(False)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt(v)))
    out = BytesIO()
    fig.savefig(out, format="png")
    out.seek(0)
    return out


def chart_progress(fig: WeekFigures) -> BytesIO:
    def draw(ax: Any) -> None:
        days = [d for d, _ in fig.progress]
        ax.plot(days, [v for _, v in fig.progress], color="#9b1c1c", label="Đã nhập (cộng dồn)")
        if fig.total:
            ax.axhline(fig.total, color="#1f5f99", linestyle="--", label="Tổng số phải nhập")
        ax.set_title("Tiến độ nhập dữ liệu", fontsize=10)
        ax.legend(fontsize=8, loc="upper left")
        ax.tick_params(labelsize=7)
        ax.xaxis.set_major_formatter(_date_formatter())

    return _chart_png(draw)


def _date_formatter() -> Any:
    from matplotlib.dates import DateFormatter

    return DateFormatter("%d/%m")


def chart_week(fig: WeekFigures) -> BytesIO:
    def draw(ax: Any) -> None:
        labels = [f"{WEEKDAYS[d.weekday()]}\n{d:%d/%m}" for d, _ in fig.daily]
        values = [v for _, v in fig.daily]
        bars = ax.bar(labels, values, color="#17663a")
        ax.bar_label(bars, labels=[fmt(v) for v in values], fontsize=7)
        ax.set_title("Số trường hợp nhập trong tuần, theo ngày", fontsize=10)
        ax.tick_params(labelsize=7)

    return _chart_png(draw)


# --- the Word document ---------------------------------------------------------------------


def issuing_body(unit: Unit) -> tuple[str, str, str]:
    """Return (superior line, issuing body line, number suffix) for UNIT's report."""
    if unit.level == Unit.Level.COMMUNE:
        return ("ỦY BAN NHÂN DÂN", unit.full_name.upper(), "BC-UBND")
    if unit.level == Unit.Level.PROVINCE:
        return (f"UBND {unit.full_name.upper()}", "SỞ TƯ PHÁP", "BC-STP")
    return (f"UBND {unit.full_name.upper()}", "PHÒNG TƯ PHÁP", "BC-PTP")


def report_docx(report: WeeklyReport, fig: WeekFigures, *, issued: datetime.date) -> bytes:
    """Return REPORT as a .docx: layout, narrative sections, figures, charts and appendix."""
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)

    def para(
        cell_or_doc: Any,
        text: str = "",
        *,
        bold: bool = False,
        italic: bool = False,
        align: Any = None,
        size: float | None = None,
    ) -> Any:
        p = cell_or_doc.add_paragraph()
        run = p.add_run(text)
        run.bold, run.italic = bold, italic
        if size:
            run.font.size = Pt(size)
        if align is not None:
            p.alignment = align
        p.paragraph_format.space_after = Pt(0)
        return p

    center = WD_ALIGN_PARAGRAPH.CENTER
    superior, body, suffix = issuing_body(report.unit)
    header = doc.add_table(rows=1, cols=2)
    header.alignment = WD_TABLE_ALIGNMENT.CENTER
    header.autofit = False
    left, right = header.rows[0].cells
    left.width, right.width = Cm(6.5), Cm(10)
    # LibreOffice reads the grid's column widths, Word the cells': set both.
    header.columns[0].width, header.columns[1].width = Cm(6.5), Cm(10)
    run = left.paragraphs[0].add_run(superior)
    run.font.size = Pt(12)
    run.bold = report.unit.level == Unit.Level.COMMUNE
    left.paragraphs[0].alignment = center
    para(left, body, bold=True, align=center, size=12)
    para(left, "────────", align=center, size=8)
    para(left, f"Số: {report.number or '     '}/{suffix}", align=center)
    right.paragraphs[0].add_run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM").bold = True
    right.paragraphs[0].runs[0].font.size = Pt(12)
    right.paragraphs[0].alignment = center
    para(right, "Độc lập - Tự do - Hạnh phúc", bold=True, align=center)
    para(right, "──────────────", align=center, size=8)
    para(
        right,
        f"{report.place}, ngày {issued.day:02d} tháng {issued.month:02d} năm {issued.year}",
        italic=True,
        align=center,
    )

    para(doc)
    para(doc, "BÁO CÁO", bold=True, align=center, size=14)
    para(
        doc,
        "Kết quả thực hiện nhập dữ liệu hộ tịch tuần từ ngày "
        f"{fig.week_start:%d/%m/%Y} đến ngày {fig.week_end:%d/%m/%Y}",
        bold=True,
        align=center,
    )
    para(doc)

    def heading(text: str) -> None:
        p = para(doc, text, bold=True)
        p.paragraph_format.space_before = Pt(6)

    def narrative(text: str) -> None:
        for line in (text or "").splitlines() or [""]:
            p = doc.add_paragraph(line)
            p.paragraph_format.first_line_indent = Cm(1)

    heading("I. CÔNG TÁC CHỈ ĐẠO, TRIỂN KHAI")
    narrative(report.direction)
    heading("II. KẾT QUẢ THỰC HIỆN")
    done = f"{100 * fig.entered / fig.total:.1f}%".replace(".", ",") if fig.total else "—"
    lines = [
        f"Tổng số trường hợp phải nhập: {fmt(fig.total)}.",
        f"Số trường hợp đã nhập đến hết tuần: {fmt(fig.entered)} (đạt {done}); "
        f"còn phải nhập: {fmt(fig.remaining)}.",
        f"Số trường hợp nhập trong tuần: {fmt(fig.week_entered)}, do {fig.operators} người thực hiện.",
    ]
    if fig.stages:
        lines.append(
            f"Đến ngày {fig.stages_day:%d/%m/%Y}: đã đối chiếu với CSDL quốc gia về dân cư "
            f"{fmt(fig.stages['reconciled'])}; đã có số định danh cá nhân "
            f"{fmt(fig.stages['with_personal_id'])}; đã có bản chụp {fmt(fig.stages['scanned'])}; "
            f"đã phê duyệt {fmt(fig.stages['approved'])}."
        )
    for line in lines:
        doc.add_paragraph(f"- {line}").paragraph_format.first_line_indent = Cm(1)
    _docx_table(doc, fig.appendix, Pt, Cm)
    doc.add_picture(chart_progress(fig), width=Cm(15.5))
    doc.add_picture(chart_week(fig), width=Cm(15.5))
    heading("III. BỐ TRÍ NHÂN LỰC")
    if fig.teams:
        parts = dict(TeamMember.Part.choices)
        staff = ", ".join(f"{parts[k].lower()}: {n}" for k, n in sorted(fig.members.items()))
        doc.add_paragraph(
            f"- Số tổ nhập liệu: {fig.teams}; thành viên: {sum(fig.members.values())} ({staff})."
        ).paragraph_format.first_line_indent = Cm(1)
    narrative(report.staffing)
    heading("IV. KINH PHÍ")
    narrative(report.budget)
    heading("V. KHÓ KHĂN, VƯỚNG MẮC VÀ ĐỀ XUẤT")
    narrative(report.problems)
    para(doc)

    footer = doc.add_table(rows=1, cols=2)
    footer.autofit = False
    left, right = footer.rows[0].cells
    left.width, right.width = Cm(8), Cm(8)
    footer.columns[0].width, footer.columns[1].width = Cm(8), Cm(8)
    left.paragraphs[0].add_run("Nơi nhận:").bold = True
    left.paragraphs[0].runs[0].italic = True
    left.paragraphs[0].runs[0].font.size = Pt(12)
    for line in (report.recipients or "").splitlines():
        if line.strip():
            para(left, f"- {line.strip().lstrip('- ')}", size=11)
    sign = "TM. ỦY BAN NHÂN DÂN" if report.unit.level == Unit.Level.COMMUNE else "KT. GIÁM ĐỐC"
    right.paragraphs[0].add_run(sign).bold = True
    right.paragraphs[0].alignment = center
    para(right, (report.signer_title or "").upper(), bold=True, align=center)
    for _ in range(3):
        para(right)
    para(right, report.signer_name, bold=True, align=center)

    out = BytesIO()
    doc.save(out)
    return out.getvalue()


#: Column widths (cm) of the appendix table on an A4 page with 3 cm + 2 cm margins.
APPENDIX_WIDTHS = (1.2, 4.6, 2.0, 2.1, 2.1, 4.0)


def _docx_table(doc: Any, table: Table, Pt: Any, Cm: Any) -> None:
    grid = doc.add_table(rows=1, cols=len(table.columns))
    grid.style = "Table Grid"
    grid.autofit = False
    for cell, column in zip(grid.rows[0].cells, table.columns, strict=True):
        cell.text = column.label
        cell.paragraphs[0].runs[0].bold = True
    for row in table.rows:
        cells = grid.add_row().cells
        for cell, column, value in zip(cells, table.columns, row, strict=True):
            cell.text = fmt(value) if column.numeric and value != "" else str(value or "")
    for column, width in zip(grid.columns, APPENDIX_WIDTHS, strict=False):
        column.width = Cm(width)
    for row in grid.rows:
        for cell, width in zip(row.cells, APPENDIX_WIDTHS, strict=False):
            cell.width = Cm(width)
            for p in cell.paragraphs:
                for run in p.runs:
                    run.font.size = Pt(11)


def appendix_workbook(
    report: WeeklyReport, fig: WeekFigures, *, generated: datetime.datetime
) -> bytes:
    """Return the Excel appendix (Phụ lục) of REPORT: STT, Loại sổ, Tổng số, Số đã nhập…"""
    heading = (
        f"Phụ lục – {fig.appendix.title} – {report.unit.full_name} – "
        f"đến ngày {fig.week_end:%d/%m/%Y}"
    )
    return table_workbook(fig.appendix, heading=heading, generated=generated)
