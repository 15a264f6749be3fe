"""Entries with a value in every column of a register, generated from its definition."""

from typing import Any

from hotich.registers.spec import FieldType, RegisterType

NAMES = ["Nguyễn Thị Phượng", "Trần Văn Bình", "Lê Thị Hoà", "Phạm Văn Hùng", "Hoàng Thị Lan"]


def sample_values(
    register: RegisterType, i: int, year: int, *, template_only: bool = False
) -> dict[str, Any]:
    """Return values for entry I of a book of YEAR: every column filled, valid for its type
    (with TEMPLATE_ONLY, only the Ministry template's columns, as its files carry)."""
    values: dict[str, Any] = {}
    for f in register.fields:
        t = f.type
        if f.name == "STT" or (template_only and not f.in_template):
            continue  # a row counter of the file, not part of the entry
        if t is FieldType.CODE:
            codes = f.code_list.codes
            values[f.name] = codes[i % len(codes)]
        elif t is FieldType.PARTIAL_DATE:
            values[f.name] = f"{(i % 28) + 1:02d}/{(i % 12) + 1:02d}/{year - (i % 40)}"
        elif t is FieldType.NAME:
            values[f.name] = NAMES[(i + len(f.name)) % len(NAMES)]
        elif t is FieldType.ENTRY_NUMBER:
            values[f.name] = f"{i + 1:02d}/{year}"
        elif t is FieldType.BOOK_NUMBER:
            values[f.name] = f"01/{year}"
        elif t is FieldType.INTEGER:
            values[f.name] = str(i // 2 + 1)
        elif t is FieldType.ID_NUMBER:
            values[f.name] = (
                f"0381{year % 100:02d}{i:06d}" if "DinhDanh" in f.name else f"17{i:07d}"
            )
        elif t is FieldType.ETHNICITY:
            values[f.name] = "Kinh"
        elif t is FieldType.NATIONALITY:
            values[f.name] = "Việt Nam"
        elif t is FieldType.DATE_IN_WORDS:
            values[f.name] = "Ngày mười lăm tháng tám năm hai nghìn không trăm linh tám"
        elif t is FieldType.TIME:
            values[f.name] = "08:30"
        elif t is FieldType.ADMIN_UNIT:
            values[f.name] = "15943"
        else:
            values[f.name] = f"{f.label} {i}"
    return values
