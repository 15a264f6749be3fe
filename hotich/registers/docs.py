"""The register reference (``docs/registers.md``), rendered from the definitions.

The committed file must equal :func:`render_markdown`; a test checks it, so the reference
cannot drift from the code. Regenerate it with::

    .venv/bin/python -m hotich.registers.docs > docs/registers.md
"""

import sys
from collections.abc import Iterable

from hotich.registers.definitions import REGISTER_TYPES, code_lists
from hotich.registers.spec import CodeList, RegisterType

_INTRO = """\
# Register types (loại sổ hộ tịch)

Generated from `hotich/registers/definitions/` by `hotich.registers.docs.render_markdown()`;
a test fails when this file and the definitions disagree. Regenerate with
`.venv/bin/python -m hotich.registers.docs > docs/registers.md`.

- **KS** follows the real Ministry template `moj-dl-import-khai-sinh.xlsx` (sheet `DL Import`)
  column by column; a test re-reads its header row and its `Ghi chu` code lists.
- **KH, KT, HN, CMC** follow the column lists of public data-entry tools for the Ministry
  templates ([`sources.md`](sources.md#the-ministry-template)); we hold no template file for them.
- **NCN (adoption): no public Ministry template was found; the layout is ours**, in the same
  style (prefixes `chaNuoi`, `meNuoi`, `cn`, `chaDe`, `meDe`, `ngh`, `csnd`).
- **GH and CDGH (guardianship, giám hộ, and its end, chấm dứt giám hộ), TDCC (change,
  correction and supplement, thay đổi, cải chính, bổ sung hộ tịch, xác định lại dân tộc) and
  GCLH (divorce note, ghi chú ly hôn): no public Ministry template was found either; the
  layouts are ours**, from the fields of the Ministry's online forms and the Luật Hộ tịch
  (prefixes `ndgh` the ward, `ngh` and `ngh2` the guardians, `ncc` the person whose civil
  status is amended; `chong`, `vo` and `nyc` as in the published templates).
- **Fact**: what a person's column says about them (`full_name`, `birth_date`,
  `personal_id` …, `hotich.registers.spec.Fact`). Code reads a person's facts through these
  tags (`hotich.registers.people`), never through the column names.
- **Interconnection only** (`liên thông` in the tables, `Field.in_template` false): a
  field the Ministry template lacks and the newer interconnection layout (hồ sơ liên thông
  khai sinh, khai tử) carries: birth-certificate and death-notice codes, other ethnicity,
  unit codes of places sent as objects, the requester's phone and e-mail. It is keyed
  (folded, F8), stored, imported and exported in that layout; the template's files
  leave it out, so the template columns, and their order, are the template's alone
  ([`exchange.md`](exchange.md#interconnection-layout-liên-thông)). `#` is the position
  in the template; an interconnection-only field has none.
- **Required**: the template marks no column as required, so the flags are our reading:
  the entry's place in the book, when, how and where it was registered, and the main
  person's name and dates. Each register module's docstring gives its reasons.
"""


def _table(header: Iterable[str], rows: Iterable[Iterable[str]]) -> list[str]:
    header = list(header)
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _summary() -> list[str]:
    rows = (
        (
            f"[{t.code}](#{t.code.lower()})",
            t.label,
            t.book_label,
            str(len(t.column_names)),
            str(len(t.interconnection_fields)) if t.interconnection_fields else "",
            str(len(t.required_fields)),
            str(t.priority),
            "yes" if t.has_public_template else "no (our layout)",
        )
        for t in REGISTER_TYPES.values()
    )
    header = (
        "Code",
        "Register",
        "Book",
        "Columns",
        "Interconnection only",
        "Required",
        "Work order",
        "Public template",
    )
    return _table(header, rows)


def _register(register: RegisterType) -> list[str]:
    lines = [
        f"## {register.code}",
        "",
        f"{register.label}: {register.book_label}. Work order {register.priority}; "
        f"sheet `{register.template_sheet}`; {len(register.column_names)} columns"
        + (
            f", and {len(register.interconnection_fields)} fields of the interconnection "
            "layout only."
            if register.interconnection_fields
            else "."
        ),
    ]
    position = {name: i for i, name in enumerate(register.column_names, start=1)}
    for key, label in register.groups:
        lines += ["", f"### {register.code} · {label} (`{key}`)", ""]
        rows = (
            (
                str(position[f.name]) if f.in_template else "liên thông",
                f"`{f.name}`",
                f.label,
                f.type.value,
                "yes" if f.required else "",
                f.person.label if f.person else "",
                f"`{f.fact.value}`" if f.fact else "",
                f"[`{f.code_list.name}`](#{f.code_list.name.lower()})" if f.code_list else "",
            )
            for f in register.fields_in(key)
        )
        lines += _table(
            ("#", "Column", "Label", "Type", "Required", "Person", "Fact", "Code list"), rows
        )
    return lines


def _code_list(code_list: CodeList) -> list[str]:
    lines = ["", f"### {code_list.name}", "", f"{code_list.label}. Source: {code_list.source}."]
    lines += [""] + _table(("Code", "Label"), code_list.choices)
    if code_list.aliases:
        also = "; ".join(f"{code} = {text}" for code, text in code_list.aliases)
        lines += ["", f"Also accepted: {also}."]
    return lines


def render_markdown() -> str:
    """Return the register reference as Markdown, ending with one newline."""
    lines = [_INTRO.rstrip("\n"), "", *_summary()]
    for register in REGISTER_TYPES.values():
        lines += ["", *_register(register)]
    lines += [
        "",
        "## Code lists",
        "",
        "Sources: `Ghi chu` = sheet of the real KS template; `documented` = the lists of",
        "[`sources.md`](sources.md#code-lists), the wording public tools use;",
        "`public tools` = seen in public tools only, verify before relying on the codes;",
        "`ours` = our NCN layout. Ethnicity and nationality are stored by name, not code.",
    ]
    for code_list in code_lists.ALL:
        lines += _code_list(code_list)
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render_markdown())
