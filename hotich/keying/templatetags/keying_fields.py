"""The keying form's fields, rendered in Python: a form has some seventy of them, and an
included template per field cost most of the page's time (docs/keying.md, "Benchmark")."""

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from hotich.keying.forms import FormField

register = template.Library()


def _attr(name: str, value: object) -> str:
    return f' {name}="{escape(value)}"'


@register.simple_tag
def keying_field(f: FormField) -> SafeString:
    """Return the HTML of one field of the keying form: label, input, mark, hint."""
    field = f.field
    name = field.name
    held = bool(f.carry) and f.value == f.carried_value
    classes = "kfield"
    if f.mark:
        classes += " marked"
    if f.level:
        classes += f" has-{f.level}"
    if held:
        classes += f" is-{f.carry}"
    if field.type in ("place", "text"):
        classes += " wide"
    required = (
        f' <span class="req" title="{escape(_("bắt buộc"))}">*</span>' if field.required else ""
    )
    attrs = (
        _attr("class", "kf")
        + _attr("id", f"f-{name}")
        + _attr("name", name)
        + _attr("value", f.value)
        + _attr("inputmode", f.input_mode)
        + _attr("data-type", field.type)
    )
    if f.codes:
        attrs += _attr("data-codes", f.codes)
    if f.carry:
        attrs += _attr("data-carry", f.carry) + _attr("data-carried-value", f.carried_value)
    if field.code_list:
        hint = f.choices_hint
        attrs += _attr("placeholder", hint) + _attr("title", hint)
    elif field.type == "partial_date":
        attrs += _attr("placeholder", _("ngày/tháng/năm: 15081985 · 081985 · 1985"))
    if f.mark:
        attrs += " readonly"
    attrs += _attr("aria-describedby", f"h-{name}")
    note = ""
    if f.mark == "illegible":
        note += f'<span class="mark">{escape(_("Không đọc được"))}</span>'
    elif f.mark == "blank":
        note += f'<span class="mark">{escape(_("Sổ để trống"))}</span>'
    if f.code_label:
        note += f" {escape(f.code_label)}"
    if held:
        kind = _("đề xuất") if f.carry == "proposed" else _("mang sang")
        note += (
            f' <span class="carry-note" data-testid="carried-{escape(name)}">'
            f"{escape(kind)}: {escape(f.carry_source)}</span>"
        )
    html = (
        f'<div class="{classes}" data-field="{escape(name)}">\n'
        f'    <label for="f-{escape(name)}">{escape(field.label)}{required}</label>\n'
        f"    <input{attrs}>\n"
        f'    <input type="hidden" name="mark:{escape(name)}" value="{escape(f.mark)}">\n'
        f'    <small id="h-{escape(name)}" class="fhint">{note}</small>\n'
        "  </div>"
    )
    return mark_safe(html)  # noqa: S308 - every value above is escaped
