"""The book's own usual values (registration place, signer and title, registration type,
nationality, ethnicity), set by its team leader and carried first into a new entry's form."""

import pytest
from django.urls import reverse

from hotich.audit.models import AuditEvent
from hotich.keying import services
from hotich.keying.carry import CARRIED, SET_ON_BOOK, book_carry
from hotich.registers.models import Entry, RegisterBook
from hotich.registers.spec import REGISTER_TYPES
from tests.keying.conftest import form_data

KS = REGISTER_TYPES["KS"]
SET = {
    "noiDangKy": "UBND xã Đông Văn cũ",
    "nguoiKy": "Lê Văn Ký",
    "chucVuNguoiKy": "Phó Chủ tịch",
    "loaiDangKy": "2",
    "nationality": "Việt Nam",
    "ethnicity": "Mường",
}


def test_the_books_values_come_before_what_its_entries_show():
    recent = [
        {"noiDangKy": "UBND xã Khác", "nguoiKy": "Trần Ký", "nksDanToc": "Kinh", "loaiDangKy": "1"}
    ] * 3
    carry = book_carry(KS, recent, keyer="Nhập", place="UBND xã Đông Văn", book_values=SET)
    for column, value in [
        ("noiDangKy", "UBND xã Đông Văn cũ"),
        ("nguoiKy", "Lê Văn Ký"),
        ("chucVuNguoiKy", "Phó Chủ tịch"),
        ("loaiDangKy", "2"),
        ("nksDanToc", "Mường"),
        ("meDanToc", "Mường"),
        ("chaQuocTich", "Việt Nam"),
    ]:
        assert (carry.values[column], carry.kinds[column], carry.sources[column]) == (
            value,
            CARRIED,
            SET_ON_BOOK,
        )
    # The second column of a fact is not filled from the book's value.
    assert "nksQuocTichStr" not in carry.values
    # Without the book's values, the entries' habit as before.
    assert book_carry(KS, recent, keyer="Nhập").values["nguoiKy"] == "Trần Ký"


def test_the_service_keeps_the_values_as_written_and_a_type_as_its_code(book, personas):
    kept = services.book_usual_values_set(
        book=book,
        user=personas["team_leader"],
        values={**SET, "loaiDangKy": "Đăng ký lại", "nguoiKy": "  Lê Văn Ký ", "ethnicity": ""},
    )
    assert kept["loaiDangKy"] == "2" and kept["nguoiKy"] == "Lê Văn Ký"
    assert "ethnicity" not in kept
    assert RegisterBook.objects.get(pk=book.pk).usual_values == kept
    assert AuditEvent.objects.filter(
        object_type="registerbook", object_id=str(book.pk), action="update"
    ).exists()


@pytest.mark.parametrize(
    ("values", "message"),
    [({"loaiDangKy": "9"}, "không có trong danh mục"), ({"nguoiKy": "x" * 201}, "quá dài")],
)
def test_a_value_the_book_could_not_hold_is_refused_and_nothing_written(
    values, message, book, personas
):
    services.book_usual_values_set(book=book, user=personas["team_leader"], values=SET)
    with pytest.raises(ValueError, match=message):
        services.book_usual_values_set(book=book, user=personas["team_leader"], values=values)
    assert RegisterBook.objects.get(pk=book.pk).usual_values["nguoiKy"] == "Lê Văn Ký"


def test_the_team_leader_sets_them_on_the_book_page_and_the_form_carries_them(
    book, personas, login
):
    client = login(personas["team_leader"])
    page = client.get(reverse("keying_book", args=[book.pk])).content.decode()
    assert 'data-testid="usual-values"' in page and 'name="nguoiKy"' in page
    response = client.post(reverse("keying_usual", args=[book.pk]), SET)
    assert response.status_code == 302
    assert RegisterBook.objects.get(pk=book.pk).usual_values == SET
    html = login(personas["helper"]).get(reverse("keying_new", args=[book.pk])).content.decode()
    assert 'name="nguoiKy" value="Lê Văn Ký"' in html
    assert 'name="nksDanToc" value="Mường"' in html
    assert 'data-testid="carried-nguoiKy"' in html and "đặt cho sổ" in html
    assert "chucVuNguoiKy" in html.split('name="_carried" value="')[1].split('"')[0]


def test_a_carried_value_of_the_book_is_overridden_on_the_form(book, personas, login):
    services.book_usual_values_set(book=book, user=personas["team_leader"], values=SET)
    client = login(personas["helper"])
    client.post(
        reverse("keying_new", args=[book.pk]),
        form_data(
            {"nksHoTen": "Hà Văn Tú", "nksDanToc": "Tày", "nguoiKy": "Lê Văn Ký"},
            _carried="nguoiKy,nksDanToc",
            _confirm="1",
        ),
    )
    entry = Entry.objects.get()
    assert entry.values["nksDanToc"] == "Tày" and entry.values["nguoiKy"] == "Lê Văn Ký"


@pytest.mark.parametrize("who", ["helper", "police_officer", "outsider", "supervisor"])
def test_only_the_books_team_leader_or_justice_officer_sets_them(who, book, personas, login):
    response = login(personas[who]).post(reverse("keying_usual", args=[book.pk]), SET)
    assert response.status_code == 403
    assert RegisterBook.objects.get(pk=book.pk).usual_values == {}


def test_the_justice_officer_of_the_commune_may_too_and_another_communes_may_not(
    book, other_book, personas, login
):
    client = login(personas["justice_officer"])
    assert client.post(reverse("keying_usual", args=[book.pk]), SET).status_code == 302
    assert client.post(reverse("keying_usual", args=[other_book.pk]), SET).status_code == 403
    assert RegisterBook.objects.get(pk=other_book.pk).usual_values == {}
