"""Printed documents in the layout of Vietnamese administrative papers, as PDF.

Pure helpers: no Django, no database. A caller describes the document
(:class:`OfficialDocument`: the issuing authority, the place and date of issue, the title,
blocks of fields, paragraphs, tables and lists, the signature) and :func:`document_pdf`
lays it out on A4: the issuing authority at the top left, the national motto at the top
right, the title centred, the blocks, the signature block at the bottom right.

The text is set in a serif TrueType font embedded in the file (subset), so every Vietnamese
letter prints and is read back as written: Liberation Serif (Debian ``fonts-liberation2``,
the metrics of Times New Roman, which Vietnamese papers are set in), else DejaVu Serif, which
ships with the matplotlib package the project already depends on. Text is put in NFC first:
a decomposed letter would print as a base letter and a loose accent.
"""

from __future__ import annotations

import importlib.util
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import Align, MethodReturnValue, XPos, YPos
from fpdf.fonts import FontFace

__all__ = [
    "MOTTO",
    "NATION",
    "Block",
    "Bullets",
    "Fields",
    "LIBERATION",
    "FontMissing",
    "OfficialDocument",
    "Paragraph",
    "Row",
    "Signature",
    "Table",
    "document_pdf",
    "font_files",
]

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"

FAMILY = "serif"
_STYLES = {"": "Regular", "B": "Bold", "I": "Italic", "BI": "BoldItalic"}
#: Where Debian's fonts-liberation2 puts Liberation Serif.
LIBERATION = Path("/usr/share/fonts/truetype/liberation2")

# A4 with the usual margins of an administrative paper (left 30 mm, others 20 mm).
LEFT, RIGHT, TOP, BOTTOM = 30.0, 20.0, 20.0, 20.0
WIDTH = 210.0 - LEFT - RIGHT
LINE = 6.0
SIZE = 13.0
CELL_LIMIT = 1000


class FontMissing(RuntimeError):
    """Neither Liberation Serif nor DejaVu Serif is installed."""


@cache
def font_files(liberation: Path = LIBERATION) -> dict[str, Path]:
    """Return the font file of each style ("", "B", "I", "BI"): Liberation Serif from the
    LIBERATION folder, else DejaVu Serif from matplotlib; raise FontMissing."""
    found = {s: liberation / f"LiberationSerif-{n}.ttf" for s, n in _STYLES.items()}
    if all(p.is_file() for p in found.values()):
        return found
    spec = importlib.util.find_spec("matplotlib")
    if spec is not None and spec.submodule_search_locations:
        ttf = Path(next(iter(spec.submodule_search_locations))) / "mpl-data" / "fonts" / "ttf"
        names = {"": "", "B": "-Bold", "I": "-Italic", "BI": "-BoldItalic"}
        dejavu = {s: ttf / f"DejaVuSerif{n}.ttf" for s, n in names.items()}
        if all(p.is_file() for p in dejavu.values()):
            return dejavu
    raise FontMissing(
        "Không tìm thấy phông chữ: cài gói fonts-liberation2 (scripts/system-deps.sh)."
    )


@dataclass(frozen=True)
class Row:
    """One field: its label and its value; MARKED values (a note instead of the book's
    text, such as "[không đọc được]") print in italics."""

    label: str
    value: str
    marked: bool = False


@dataclass(frozen=True)
class Fields:
    """A titled group of fields, label on the left, value on the right."""

    heading: str
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Paragraph:
    """Running text; ``bold`` / ``italic`` for the whole paragraph."""

    text: str
    bold: bool = False
    italic: bool = False
    size: float = SIZE


@dataclass(frozen=True)
class Table:
    """A ruled table: a header row, then the rows; ``widths`` in parts of the page width."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]


@dataclass(frozen=True)
class Bullets:
    """A heading and a list of items, each on its own line after a dash."""

    heading: str
    items: tuple[str, ...]


Block = Fields | Paragraph | Table | Bullets


@dataclass(frozen=True)
class Signature:
    """The signature block: who signs (CAPTION, e.g. "TM. ỦY BAN NHÂN DÂN", and TITLE in
    capitals), a HINT in italics, room to sign, then the NAME (empty: left to be written)."""

    caption: str
    title: str = ""
    hint: str = ""
    name: str = ""


@dataclass(frozen=True)
class OfficialDocument:
    """What one printed paper says, from its heading to its signature.

    ``authority`` is the issuing body, one line each (e.g. "ỦY BAN NHÂN DÂN", "XÃ ĐÔNG
    SƠN"); ``place_date`` the line under the motto ("Đông Sơn, ngày 03 tháng 12 năm 2026");
    ``subtitles`` centred lines under the title; ``footnote`` a small line at the end.
    """

    authority: tuple[str, ...]
    place_date: str
    title: str
    subtitles: tuple[str, ...] = ()
    blocks: tuple[Block, ...] = ()
    signature: Signature | None = None
    footnote: str = ""
    subject: str = ""
    keywords: tuple[str, ...] = ()


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


class _Paper(FPDF):
    #: Number the pages ("Trang 1/2"): set for a paper known to run over one page.
    numbered = False

    def footer(self) -> None:
        if self.numbered:
            self.set_y(-15)
            self.set_font(FAMILY, "I", 9)
            self.cell(0, 5, f"Trang {self.page_no()}/{{nb}}", align=Align.C)


def _new_paper(doc: OfficialDocument, fonts: dict[str, Path], *, numbered: bool) -> _Paper:
    pdf = _Paper(format="A4", unit="mm")
    pdf.numbered = numbered
    for style, path in fonts.items():
        pdf.add_font(FAMILY, style, str(path))
    pdf.set_margins(LEFT, TOP, RIGHT)
    pdf.set_auto_page_break(True, margin=BOTTOM)
    pdf.set_title(_nfc(doc.title.capitalize()))
    pdf.set_subject(_nfc(doc.subject or doc.title))
    pdf.set_creator("hotich")
    pdf.set_lang("vi")
    if doc.keywords:
        pdf.set_keywords(_nfc(" ".join(doc.keywords)))
    pdf.alias_nb_pages()
    pdf.add_page()
    return pdf


def _heading(pdf: _Paper, doc: OfficialDocument) -> None:
    """The two columns of the heading: authority (left) and nation, motto, place (right)."""
    left_w, right_w = 68.0, WIDTH - 68.0
    top = pdf.get_y()
    pdf.set_font(FAMILY, "", 12)
    for i, line in enumerate(doc.authority):
        pdf.set_font(FAMILY, "B" if i == len(doc.authority) - 1 else "", 12)
        pdf.set_x(LEFT)
        pdf.multi_cell(left_w, 5.5, _nfc(line), align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    left_end = pdf.get_y()
    if doc.authority:
        pdf.line(LEFT + left_w / 2 - 12, left_end + 0.8, LEFT + left_w / 2 + 12, left_end + 0.8)
    pdf.set_xy(LEFT + left_w, top)
    pdf.set_font(FAMILY, "B", 12)
    pdf.cell(right_w, 5.5, NATION, align=Align.C, new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_font(FAMILY, "B", 13)
    pdf.cell(right_w, 6, MOTTO, align=Align.C, new_x=XPos.LEFT, new_y=YPos.NEXT)
    motto_w = pdf.get_string_width(MOTTO)
    middle = LEFT + left_w + right_w / 2
    pdf.line(middle - motto_w / 2, pdf.get_y() + 0.3, middle + motto_w / 2, pdf.get_y() + 0.3)
    pdf.set_y(pdf.get_y() + 3)
    if doc.place_date:
        pdf.set_x(LEFT + left_w)
        pdf.set_font(FAMILY, "I", 13)
        pdf.cell(
            right_w, 6, _nfc(doc.place_date), align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
    pdf.set_y(max(pdf.get_y(), left_end + 3) + 8)


def _title(pdf: _Paper, doc: OfficialDocument) -> None:
    pdf.set_font(FAMILY, "B", 15)
    pdf.multi_cell(0, 7.5, _nfc(doc.title), align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FAMILY, "", 13)
    for line in doc.subtitles:
        pdf.multi_cell(0, LINE, _nfc(line), align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)


def _fields(pdf: _Paper, block: Fields) -> None:
    """Label on the left, value on the right; a value longer than the page goes on over the
    next (a table row could not), so no text of the book is too long to print."""
    pdf.set_font(FAMILY, "B", SIZE)
    if pdf.will_page_break(LINE * 3):
        pdf.add_page()
    pdf.multi_cell(0, LINE + 1, _nfc(block.heading), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    label_w = WIDTH * 0.36
    for row in block.rows:
        pdf.set_font(FAMILY, "", SIZE)
        label = _nfc(row.label) + ":"
        height = pdf.multi_cell(
            label_w - 2, LINE, label, dry_run=True, output=MethodReturnValue.HEIGHT
        )
        label_h = height if isinstance(height, float | int) else LINE
        if pdf.will_page_break(max(LINE, label_h)):
            pdf.add_page()
        top, page = pdf.get_y(), pdf.page
        pdf.multi_cell(label_w - 2, LINE, label, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        label_end = pdf.get_y()
        pdf.set_xy(LEFT + label_w, top)
        pdf.set_font(FAMILY, "I" if row.marked else "", SIZE)
        pdf.multi_cell(
            WIDTH - label_w,
            LINE,
            _nfc(row.value),
            align=Align.L,
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        if pdf.page == page:
            pdf.set_y(max(pdf.get_y(), label_end))
        pdf.ln(1)
    pdf.ln(2)


def _paragraph(pdf: _Paper, block: Paragraph) -> None:
    style = ("B" if block.bold else "") + ("I" if block.italic else "")
    pdf.set_font(FAMILY, style, block.size)
    pdf.multi_cell(0, LINE, _nfc(block.text), align=Align.J, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1.5)


def _table(pdf: _Paper, block: Table) -> None:
    pdf.set_font(FAMILY, "", 12)
    with pdf.table(
        col_widths=block.widths,
        text_align=tuple(Align.L for _ in block.widths),
        v_align="TOP",
        line_height=5.5,
        padding=1.2,
        width=WIDTH,
        align=Align.L,
        headings_style=FontFace(emphasis="BOLD"),
    ) as table:
        head = table.row()
        for text in block.header:
            head.cell(_nfc(text), align=Align.C)
        for values in block.rows:
            row = table.row()
            for text in values:
                # A ruled row cannot run over two pages: a cell is cut at CELL_LIMIT
                # characters, which fit on one page in the narrowest column.
                text = _nfc(text)
                row.cell(text if len(text) <= CELL_LIMIT else text[: CELL_LIMIT - 1] + "…")
    pdf.ln(3)


def _bullets(pdf: _Paper, block: Bullets) -> None:
    pdf.set_font(FAMILY, "B", SIZE)
    if pdf.will_page_break(LINE * 2):
        pdf.add_page()
    pdf.multi_cell(0, LINE, _nfc(block.heading), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FAMILY, "", SIZE)
    for item in block.items:
        pdf.set_x(LEFT + 4)
        pdf.multi_cell(
            WIDTH - 4, LINE, "- " + _nfc(item), align=Align.J, new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
    pdf.ln(1.5)


def _signature(pdf: _Paper, sign: Signature) -> bool:
    """Print the signature block; return True if it had to start a page of its own."""
    height = LINE * 7
    alone = pdf.will_page_break(height + 4)
    if alone:
        pdf.add_page()
    pdf.ln(4)
    x, w = LEFT + WIDTH * 0.45, WIDTH * 0.55

    def line(text: str, style: str, size: float = SIZE) -> None:
        pdf.set_x(x)
        pdf.set_font(FAMILY, style, size)
        pdf.multi_cell(w, LINE, _nfc(text), align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    if sign.caption:
        line(sign.caption, "B")
    if sign.title:
        line(sign.title.upper(), "B")
    if sign.hint:
        line(sign.hint, "I", 12)
    pdf.ln(LINE * 3)
    if sign.name:
        line(sign.name, "B")
    return alone


def _render(
    doc: OfficialDocument, fonts: dict[str, Path], *, last_on_new_page: bool, numbered: bool
) -> tuple[_Paper, bool]:
    """Lay DOC out; return the paper and whether the signature stood alone on a new page."""
    pdf = _new_paper(doc, fonts, numbered=numbered)
    _heading(pdf, doc)
    _title(pdf, doc)
    for i, block in enumerate(doc.blocks):
        if last_on_new_page and i == len(doc.blocks) - 1:
            pdf.add_page()
        if isinstance(block, Fields):
            _fields(pdf, block)
        elif isinstance(block, Paragraph):
            _paragraph(pdf, block)
        elif isinstance(block, Table):
            _table(pdf, block)
        else:
            _bullets(pdf, block)
    if doc.footnote:
        pdf.set_font(FAMILY, "I", 10)
        pdf.multi_cell(0, 5, _nfc(doc.footnote), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    alone = _signature(pdf, doc.signature) if doc.signature is not None else False
    return pdf, alone


def document_pdf(doc: OfficialDocument, *, fonts: dict[str, Path] | None = None) -> bytes:
    """Return DOC laid out on A4 as a PDF file, set in FONTS (style -> file; default
    :func:`font_files`); raise FontMissing without a usable font.

    A signature never stands alone on the last page: when it would, the last block is moved
    to that page with it. A paper of several pages has its pages numbered. (Both are known
    once the paper is laid out: it is then laid out a second time.)
    """
    fonts = fonts if fonts is not None else font_files()
    pdf, alone = _render(doc, fonts, last_on_new_page=False, numbered=False)
    keep = alone and bool(doc.blocks)
    if keep or pdf.pages_count > 1:
        pdf, _alone = _render(doc, fonts, last_on_new_page=keep, numbered=pdf.pages_count > 1)
    return bytes(pdf.output())
