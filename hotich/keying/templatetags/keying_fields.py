"""The keying form's fields, rendered in Python: a form has some seventy of them, and an
included template per field cost most of the page's time (docs/keying.md, "Benchmark").

What depends only on the register's field (its label, input mode, codes, hint) is written
once per field and language and kept for the process (the definitions do not change while
it runs); each page adds the value, mark, problems and what was carried over.
"""

from dataclasses import dataclass
from html import escape as _escape

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from hotich.keying.forms import FormField, FormGroup
from hotich.registers.spec import Field

register = template.Library()


def escape(value: object) -> str:
    """Django's ``escape`` without its lazy-text wrapper (some four hundred calls a page)."""
    return _escape(str(value))


def _attr(name: str, value: object) -> str:
    return f' {name}="{escape(value)}"'


@dataclass(frozen=True)
class _Written:
    """The parts of one field's markup that depend only on the field (and the language)."""

    field: Field
    wide: bool
    #: After the classes of ``<div class="…"``: the label, and the input up to its value.
    label: str
    head: str
    #: The input's attributes after the value and before what was carried over.
    typed: str
    #: The input's attributes after what was carried over (hint), its end; after the
    #: mark's value, the help's start.
    hint: str
    tail: str
    help: str
    marks: dict[str, str]


_WRITTEN: dict[tuple[int, str | None], _Written] = {}


def _written(f: FormField) -> _Written:
    """Return the field's constant markup, written the first time it is asked for."""
    field = f.field
    key = (id(field), get_language())
    known = _WRITTEN.get(key)
    if known is not None and known.field is field:
        return known
    name = escape(field.name)
    required = (
        f' <span class="req" title="{escape(_("bắt buộc"))}">*</span>' if field.required else ""
    )
    typed = _attr("inputmode", f.input_mode) + _attr("data-type", field.type)
    if f.codes:
        typed += _attr("data-codes", f.codes)
    hint = ""
    if field.code_list:
        hint = _attr("placeholder", f.choices_hint) + _attr("title", f.choices_hint)
    elif field.type == "partial_date":
        hint = _attr("placeholder", _("ngày/tháng/năm: 15081985 · 081985 · 1985"))
    written = _Written(
        field=field,
        wide=field.type in ("place", "text"),
        label=(
            f'" data-field="{name}">\n'
            f'    <label for="f-{name}">{escape(field.label)}{required}</label>\n'
        ),
        head=(
            "    <input"
            + _attr("class", "kf")
            + _attr("id", f"f-{field.name}")
            + _attr("name", field.name)
        ),
        typed=typed,
        hint=hint,
        tail=(
            _attr("aria-describedby", f"h-{field.name}")
            + f'>\n    <input type="hidden" name="mark:{name}" value="'
        ),
        help=f'">\n    <small id="h-{name}" class="fhint">',
        marks={
            "illegible": f'<span class="mark">{escape(_("Không đọc được"))}</span>',
            "blank": f'<span class="mark">{escape(_("Sổ để trống"))}</span>',
        },
    )
    _WRITTEN[key] = written
    return written


@register.simple_tag
def keying_field(f: FormField) -> SafeString:
    """Return the HTML of one field of the keying form: label, input, mark, hint."""
    written = _written(f)
    held = bool(f.carry) and f.value == f.carried_value
    classes = "kfield"
    if f.mark:
        classes += " marked"
    if f.problems:
        classes += f" has-{f.level}"
    if held:
        classes += f" is-{f.carry}"
    if written.wide:
        classes += " wide"
    attrs = _attr("value", f.value) + written.typed
    if f.carry:
        attrs += _attr("data-carry", f.carry) + _attr("data-carried-value", f.carried_value)
    attrs += written.hint
    if f.mark:
        attrs += " readonly"
    note = written.marks.get(f.mark, "")
    if f.value and f.field.code_list is not None:
        label = f.code_label
        if label:
            note += f" {escape(label)}"
    if held:
        kind = _("đề xuất") if f.carry == "proposed" else _("mang sang")
        note += (
            f' <span class="carry-note" data-testid="carried-{escape(f.field.name)}">'
            f"{escape(kind)}: {escape(f.carry_source)}</span>"
        )
    html = (
        f'<div class="{classes}{written.label}{written.head}{attrs}{written.tail}'
        f"{escape(f.mark)}{written.help}{note}</small>\n  </div>"
    )
    return mark_safe(html)  # noqa: S308 - every value above is escaped


@register.simple_tag
def keying_groups(groups: list[FormGroup]) -> SafeString:
    """Return the HTML of the form's sections, each with its fields (shown, then folded)."""
    out = []
    for group in groups:
        shut = not group.open
        key = escape(group.key)
        basic, more = group.basic, group.more
        opener = (
            f' <button type="button" class="link open-group">{escape(_("mở (F8)"))}</button>'
            if shut
            else ""
        )
        out.append(
            f'\n<fieldset class="group" data-group="{key}"{" data-rare" if shut else ""}>\n'
            f"  <legend>{escape(group.label)}{opener}</legend>\n"
            f'  <div class="group-fields"{" hidden" if shut else ""}>\n  '
        )
        out.extend(keying_field(f) for f in basic)
        out.append("\n  ")
        if more:
            count = ngettext("+ %(n)s ô ít dùng (F8)", "+ %(n)s ô ít dùng (F8)", len(more))
            out.append(
                f'<button type="button" class="link open-more" data-testid="more-{key}"'
                f"{' hidden' if shut else ''}>{count % {'n': len(more)}}</button>"
            )
        out.append("\n  </div>\n  ")
        if more:
            out.append('<div class="group-fields more-fields" hidden>\n  ')
            out.extend(keying_field(f) for f in more)
            out.append("\n  </div>")
        out.append("\n</fieldset>\n")
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped
