"""The keying form's markup, written in Python with what depends only on a field kept per
process and language (docs/keying.md, "Where the CPU of an entry goes"): the same markup as
the included templates it replaced, in the language of each request, and fewer queries."""

import pytest
from django.template import engines
from django.template.loader import get_template
from django.urls import reverse
from django.utils import translation

from hotich.keying.carry import Carry
from hotich.keying.forms import FormField, form_groups
from hotich.keying.templatetags.keying_fields import keying_field
from hotich.keying.values import Problem
from hotich.registers.models import RegisterBook
from hotich.registers.spec import REGISTER_TYPES

KS = REGISTER_TYPES["KS"]

#: The markup of one field as the per-field template wrote it (before the cache).
SEX_WARNED = (
    '<div class="kfield has-warning" data-field="nksGioiTinh">\n'
    '    <label for="f-nksGioiTinh">Giới tính <span class="req" title="{required}">*</span></label>\n'
    '    <input class="kf" id="f-nksGioiTinh" name="nksGioiTinh" value="2" inputmode="text" '
    'data-type="code" data-codes="1,2,3" placeholder="1 Nam · 2 Nữ · 3 Không xác định" '
    'title="1 Nam · 2 Nữ · 3 Không xác định" aria-describedby="h-nksGioiTinh">\n'
    '    <input type="hidden" name="mark:nksGioiTinh" value="">\n'
    '    <small id="h-nksGioiTinh" class="fhint"> Nữ</small>\n  </div>'
)
BIRTH_ILLEGIBLE = (
    '<div class="kfield marked has-error" data-field="nksNgaySinh">\n'
    '    <label for="f-nksNgaySinh">Ngày, tháng, năm sinh <span class="req" title="bắt buộc">*</span>'
    "</label>\n"
    '    <input class="kf" id="f-nksNgaySinh" name="nksNgaySinh" value="" inputmode="numeric" '
    'data-type="partial_date" placeholder="ngày/tháng/năm: 15081985 · 081985 · 1985" readonly '
    'aria-describedby="h-nksNgaySinh">\n'
    '    <input type="hidden" name="mark:nksNgaySinh" value="illegible">\n'
    '    <small id="h-nksNgaySinh" class="fhint"><span class="mark">Không đọc được</span></small>\n'
    "  </div>"
)
PLACE_CARRIED = (
    '<div class="kfield is-carried wide" data-field="noiDangKy">\n'
    '    <label for="f-noiDangKy">Nơi đăng ký <span class="req" title="bắt buộc">*</span></label>\n'
    '    <input class="kf" id="f-noiDangKy" name="noiDangKy" value="UBND xã &quot;A&quot; &amp; '
    '&lt;B&gt;" inputmode="text" data-type="place" data-carry="carried" '
    'data-carried-value="UBND xã &quot;A&quot; &amp; &lt;B&gt;" aria-describedby="h-noiDangKy">\n'
    '    <input type="hidden" name="mark:noiDangKy" value="">\n'
    '    <small id="h-noiDangKy" class="fhint"> <span class="carry-note" '
    'data-testid="carried-noiDangKy">mang sang: đặt cho sổ</span></small>\n  </div>'
)


def _sex(value: str = "2") -> FormField:
    warned = [Problem(field="nksGioiTinh", level="warning", message="?")]
    return FormField(KS.field("nksGioiTinh"), value, "", warned)


def test_a_field_is_written_as_before_value_mark_problems_and_carry_escaped():
    illegible = [Problem(field="nksNgaySinh", level="error", message="?")]
    place = 'UBND xã "A" & <B>'
    with translation.override("vi"):
        assert keying_field(_sex()) == SEX_WARNED.format(required="bắt buộc")
        assert keying_field(FormField(KS.field("nksNgaySinh"), "", "illegible", illegible)) == (
            BIRTH_ILLEGIBLE
        )
        carried = FormField(
            KS.field("noiDangKy"),
            place,
            "",
            [],
            carry="carried",
            carried_value=place,
            carry_source="đặt cho sổ",
        )
        assert keying_field(carried) == PLACE_CARRIED


def test_what_a_field_keeps_follows_the_language_and_the_value_does_not_stick():
    with translation.override("vi"):
        assert keying_field(_sex()) == SEX_WARNED.format(required="bắt buộc")
    with translation.override("en"):
        assert keying_field(_sex()) == SEX_WARNED.format(required="required")
    with translation.override("vi"):
        again = keying_field(_sex("1"))
    assert 'value="1"' in again and "> Nam</small>" in again and "bắt buộc" in again


#: The sections as the included template wrote them, before ``keying_groups``.
SECTIONS_TEMPLATE = """{% load i18n keying_fields %}{% for group in groups %}
<fieldset class="group" data-group="{{ group.key }}"{% if not group.open %} data-rare{% endif %}>
  <legend>{{ group.label }}{% if not group.open %} <button type="button" class="link open-group">{% translate "mở (F8)" %}</button>{% endif %}</legend>
  <div class="group-fields"{% if not group.open %} hidden{% endif %}>
  {% for f in group.basic %}{% keying_field f %}{% endfor %}
  {% if group.more %}<button type="button" class="link open-more" data-testid="more-{{ group.key }}"{% if not group.open %} hidden{% endif %}>{% blocktranslate count n=group.more|length %}+ {{ n }} ô ít dùng (F8){% plural %}+ {{ n }} ô ít dùng (F8){% endblocktranslate %}</button>{% endif %}
  </div>
  {% if group.more %}<div class="group-fields more-fields" hidden>
  {% for f in group.more %}{% keying_field f %}{% endfor %}
  </div>{% endif %}
</fieldset>
{% endfor %}
"""  # noqa: E501 - the template as it was


@pytest.mark.parametrize("code", list(REGISTER_TYPES))
@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_sections_are_written_as_the_template_wrote_them(code, language):
    register = REGISTER_TYPES[code]
    names = [f.name for f in register.fields]
    before = engines["django"].from_string(SECTIONS_TEMPLATE)
    now = get_template("keying/_fields.html")
    folded = frozenset(names[5:9])
    carry = Carry({names[4]: "v"}, {names[4]: "carried"}, {names[4]: "sổ"}, folded)
    shown = 0
    for values in ({}, {names[1]: "x", names[-1]: "<b>"}, dict.fromkeys(names, "1")):
        for marks in ({}, {names[2]: "blank"}):
            problems = [Problem(field=names[3], level="error", message="?")]
            groups = form_groups(register, values, marks, problems, carry)
            with translation.override(language):
                html = now.render({"groups": groups})
                assert html == before.render({"groups": groups})
            shown += html.count("open-more") + html.count("data-rare")
    assert shown  # folded fields and rare sections were among them


#: Queries of the new-entry form of a book (session, user with its unit, the book, the
#: view's audit event and the chain's head, the numbers used — the next number among them
#: —, the book's recent values — the previous entry among them —, the draft, the job
#: banner): 16 before the user came with its unit and the previous entry was read in one
#: query, 14 before the next number and the previous entry came from the numbers used and
#: the recent values, and the audit chain's append took no savepoint in a transaction
#: (the test runs in one).
FORM_QUERIES = 10


def test_the_new_entry_form_asks_a_fixed_number_of_queries(
    units, personas, login, django_assert_num_queries
):
    book = RegisterBook.objects.create(
        commune=units["commune"], register_type="KS", year_from=2001, year_to=2001, volume="01/2001"
    )
    client = login(personas["helper"])
    url = reverse("keying_new", args=[book.pk])
    assert client.get(url).status_code == 200
    with django_assert_num_queries(FORM_QUERIES):
        assert client.get(url).status_code == 200
