"""Giấy hướng dẫn: the printed notice for a citizen on the Danh sách theo dõi riêng.

It tells the citizen, in plain words, which basic facts the book and the population
registry write differently (the case's fields, each value as stored with the case), where
the verification stands (still being verified, or its result and the procedure the officer
recorded) and what to bring to the commune. The papers to bring are named by the differing
facts (:data:`TO_BRING`); the procedure is the case's own text (the defaults are
``reconciliation.views.PROCEDURES``), never one this module makes up.
"""

from __future__ import annotations

import datetime

from hotich.accounts.models import User
from hotich.lib.official_pdf import (
    Block,
    Bullets,
    OfficialDocument,
    Paragraph,
    Signature,
    Table,
    document_pdf,
)
from hotich.places.models import AdministrativeUnit
from hotich.reconciliation.models import TrackingCase
from hotich.registers.extract import place_date
from hotich.registers.spec import PersonRole

IDENTITY = "Căn cước (hoặc thẻ Căn cước công dân) của Ông/Bà."
_OWN_FACTS = (
    "Giấy khai sinh hoặc trích lục khai sinh của Ông/Bà (bản chính, nếu còn giữ), và giấy tờ "
    "khác đang ghi thông tin này (học bạ, văn bằng, giấy tờ cũ khác)."
)
_PARENTS = (
    "Giấy tờ có ghi họ tên cha, mẹ của Ông/Bà (giấy khai sinh, giấy tờ tùy thân của cha, mẹ)."
)

#: Differing basic field (matching.engine.decide.BASIC_FIELDS) -> the papers that show it.
TO_BRING: dict[str, str] = {
    "full_name": _OWN_FACTS,
    "birth_date": _OWN_FACTS,
    "sex": _OWN_FACTS,
    "birth_place": _OWN_FACTS,
    "hometown": _OWN_FACTS,
    "ethnicity": _OWN_FACTS,
    "father_name": _PARENTS,
    "mother_name": _PARENTS,
}


def notice_papers(case: TrackingCase) -> tuple[str, ...]:
    """Return what the citizen of CASE brings: an identity paper, then (once each) the
    papers that show the differing facts."""
    papers = dict.fromkeys([IDENTITY, *(TO_BRING[k] for k in case.field_keys if k in TO_BRING)])
    return tuple(papers)


def _in_text(unit: AdministrativeUnit) -> str:
    """Return the unit's name as running text writes it: "xã Đông Sơn"."""
    name = unit.full_name
    if unit.type_name and name.startswith(unit.type_name):
        return unit.type_name.lower() + name[len(unit.type_name) :]
    return name


def _greeting(case: TrackingCase) -> str:
    if case.role == PersonRole.DECEASED:
        return f"Kính gửi: Thân nhân của Ông/Bà {case.full_name}"
    return f"Kính gửi: Ông/Bà {case.full_name}"


def _role_label(role: str) -> str:
    try:
        return PersonRole(role).label
    except ValueError:
        return role


def _what_to_do(case: TrackingCase) -> tuple[Paragraph, ...]:
    commune = _in_text(case.commune)
    if case.status == TrackingCase.Status.CLOSED and case.result:
        done = [
            Paragraph(f"Kết quả xác minh: {case.get_result_display()}.", bold=True),
        ]
        if case.procedure:
            done.append(Paragraph(f"Hướng xử lý: {case.procedure}"))
        done.append(
            Paragraph(
                f"Đề nghị Ông/Bà đến Ủy ban nhân dân {commune} để được hướng dẫn làm thủ tục, "
                "mang theo giấy này và các giấy tờ dưới đây."
            )
        )
        return tuple(done)
    return (
        Paragraph(
            "Công chức tư pháp – hộ tịch và công an xã đang xác minh thông tin nào là đúng. "
            f"Đề nghị Ông/Bà đến Ủy ban nhân dân {commune}, mang theo giấy này và các giấy tờ "
            "dưới đây, để đối chiếu và được hướng dẫn điều chỉnh thông tin."
        ),
    )


def tracking_notice(
    case: TrackingCase, *, officer: User, issued: datetime.date
) -> OfficialDocument:
    """Return the notice of CASE, handed over by OFFICER on ISSUED."""
    entry = case.entry
    book = entry.book
    number = entry.values.get("so") or f"{entry.number:02d}/{entry.year}"
    if entry.marks.get("so"):
        number = f"{entry.number:02d}/{entry.year}"
    intro = (
        f"Khi số hóa sổ hộ tịch, Ủy ban nhân dân {_in_text(case.commune)} đã đối chiếu trường "
        f"hợp đăng ký {entry.register_type.label.lower()} số {number}, "
        f"{book.register_type_label.lower()} quyển số {book.volume}, "
        f"ghi Ông/Bà {case.full_name} ({_role_label(case.role).lower()}), với Cơ sở dữ liệu "
        "quốc gia về dân cư. Các thông tin dưới đây trong sổ hộ tịch và trong Cơ sở dữ liệu "
        "quốc gia về dân cư chưa thống nhất:"
    )
    rows = tuple(
        (
            str(f.get("label", "")),
            str(f.get("book", "") or "–"),
            str(f.get("registry", "") or "–"),
        )
        for f in case.fields
    )
    blocks: list[Block] = [
        Paragraph(_greeting(case), bold=True),
        Paragraph(intro),
        Table(
            header=("Thông tin", "Sổ hộ tịch ghi", "CSDL quốc gia về dân cư ghi"),
            rows=rows,
            widths=(26, 37, 37),
        ),
    ]
    if case.personal_id:
        blocks.append(Paragraph(f"Số định danh cá nhân: {case.personal_id}"))
    blocks.append(Paragraph("Ông/Bà cần làm:", bold=True))
    blocks.extend(_what_to_do(case))
    blocks.append(Bullets("Giấy tờ mang theo:", notice_papers(case)))
    if case.assignee is not None:
        blocks.append(Paragraph(f"Cán bộ phụ trách: {case.assignee}."))
    return OfficialDocument(
        authority=("ỦY BAN NHÂN DÂN", case.commune.full_name.upper()),
        place_date=place_date(case.commune.name, issued),
        title="GIẤY HƯỚNG DẪN",
        subtitles=("Về thông tin hộ tịch chưa thống nhất với Cơ sở dữ liệu quốc gia về dân cư",),
        blocks=tuple(blocks),
        signature=Signature(
            caption="NGƯỜI HƯỚNG DẪN",
            title=officer.get_role_display() if officer.role else "",
            hint="(Ký, ghi rõ họ tên)",
            name=str(officer),
        ),
        subject=f"Giấy hướng dẫn – {case}",
    )


def tracking_notice_pdf(case: TrackingCase, *, officer: User, issued: datetime.date) -> bytes:
    """Return the notice of CASE (:func:`tracking_notice`) as a PDF file."""
    return document_pdf(tracking_notice(case, officer=officer, issued=issued))


def notice_filename(case: TrackingCase) -> str:
    """Return the download's name: ``giay-huong-dan-12.pdf``."""
    return f"giay-huong-dan-{case.pk}.pdf"
