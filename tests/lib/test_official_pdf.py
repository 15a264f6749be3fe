"""The layout of printed papers (hotich.lib.official_pdf), read back with pypdf."""

import unicodedata
from io import BytesIO

import pytest
from pypdf import PdfReader

from hotich.lib.official_pdf import (
    MOTTO,
    NATION,
    Fields,
    OfficialDocument,
    Paragraph,
    Row,
    Signature,
    document_pdf,
)


def pages(content: bytes) -> list[str]:
    return [
        unicodedata.normalize("NFC", p.extract_text()) for p in PdfReader(BytesIO(content)).pages
    ]


def paper(rows: int, last: str = "Nhóm cuối") -> OfficialDocument:
    return OfficialDocument(
        authority=("ỦY BAN NHÂN DÂN", "XÃ ĐÔNG SƠN"),
        place_date="Đông Sơn, ngày 03 tháng 12 năm 2026",
        title="TRÍCH LỤC KHAI SINH",
        blocks=(
            Fields(
                "Người được khai sinh", tuple(Row(f"Mục {i}", "Ngô Thị Ỷ") for i in range(rows))
            ),
            Fields(last, (Row("Họ, chữ đệm, tên", "Lê Thị Hoà"),)),
        ),
        signature=Signature("NGƯỜI KÝ TRÍCH LỤC", name="Trương Văn Tính"),
    )


def test_a_decomposed_name_prints_composed():
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Phượng")
    doc = OfficialDocument(
        authority=("ỦY BAN NHÂN DÂN",),
        place_date="",
        title="GIẤY HƯỚNG DẪN",
        blocks=(Paragraph(f"Kính gửi: Ông/Bà {decomposed}"),),
    )
    text = pages(document_pdf(doc))[0]
    assert "Kính gửi: Ông/Bà Nguyễn Thị Phượng" in text.splitlines()
    assert NATION in text and MOTTO in text


# 18 rows fit on one page with the signature; with 24 the signature alone would start the
# second page; with 30 the last group starts it anyway.
@pytest.mark.parametrize("rows", [18, 24, 30])
def test_the_signature_never_stands_alone_on_the_last_page(rows):
    texts = pages(document_pdf(paper(rows)))
    last = texts[-1].splitlines()
    assert "Trương Văn Tính" in last
    # With the signature on the last page is at least the last group of fields.
    assert "Nhóm cuối" in last and "Họ, chữ đệm, tên: Lê Thị Hoà" in last
    assert sum(t.count("Mục ") for t in texts) == rows
    numbers = [f"Trang {i}/{len(texts)}" for i in range(1, len(texts) + 1)]
    if len(texts) > 1:
        assert all(n in t.splitlines() for n, t in zip(numbers, texts, strict=True))
    else:
        assert "Trang 1/1" not in texts[0]


def test_a_value_longer_than_a_page_runs_over_the_next_and_a_ruled_cell_is_cut():
    from hotich.lib.official_pdf import CELL_LIMIT, Table

    note = " ".join(f"dòng{i}" for i in range(1500))
    doc = OfficialDocument(
        authority=("ỦY BAN NHÂN DÂN",),
        place_date="",
        title="TRÍCH LỤC KHAI SINH",
        blocks=(
            Fields("Thông tin đăng ký", (Row("Ghi chú", note), Row("Người ký", "Lê Văn Bình"))),
            Table(("Thông tin", "Sổ hộ tịch ghi"), (("Nơi sinh", "ấp " * 2000),), (30, 70)),
        ),
        signature=Signature("NGƯỜI KÝ TRÍCH LỤC"),
    )
    texts = pages(document_pdf(doc))
    words = " ".join(texts).split()
    assert len(texts) >= 3
    assert [w for w in words if w.startswith("dòng")] == note.split()
    assert "Người ký: Lê Văn Bình" in "\n".join(texts).splitlines()
    # "ấp " is 3 characters: the cell keeps CELL_LIMIT - 1 of them and an ellipsis.
    assert sum(w == "ấp" for w in words) == (CELL_LIMIT - 1) // 3
    assert "…" in " ".join(texts)
