"""What a new entry's form carries over from its book, what it folds away, the order of
the book's page, the lookup panel in words, and the blind second keying's place."""

import pytest
from django.urls import reverse

from hotich.keying import services
from hotich.keying.carry import (
    CARRIED,
    PROPOSED,
    book_carry,
    lone_carries,
    registration_place,
)
from hotich.keying.forms import form_groups, posted_values
from hotich.keying.models import KeyingDifference
from hotich.registers.models import Entry
from hotich.registers.services import entry_create
from hotich.registers.spec import REGISTER_TYPES
from tests.keying.conftest import MATCH, NOT_FOUND, form_data

KS = REGISTER_TYPES["KS"]

USUAL = {
    "trangSo": "5",
    "ngayDangKy": "20/11/2008",
    "loaiDangKy": "1",
    "noiDangKy": "UBND xã Đông Văn",
    "nguoiKy": "Lê Văn Ký",
    "chucVuNguoiKy": "Chủ tịch",
    "nksDanToc": "Mường",
    "nksQuocTich": "Việt Nam",
}


def test_a_new_book_carries_the_keyer_nationality_and_ethnicity_by_default():
    carry = book_carry(KS, [], keyer="Trần Thị Nhập")
    assert carry.values["nguoiThucHien"] == "Trần Thị Nhập"
    assert carry.values["nksQuocTich"] == "Việt Nam"
    assert carry.values["meDanToc"] == "Kinh"
    # The second column of one fact (QuocTichStr) is not filled twice.
    assert "nksQuocTichStr" not in carry.values
    assert "noiDangKy" not in carry.values and "ngayDangKy" not in carry.values
    assert carry.folded == frozenset()
    place = registration_place("Xã  Đông Văn")
    assert place == "UBND xã Đông Văn"
    assert book_carry(KS, [], keyer="", place=place).values["noiDangKy"] == place
    assert "nguoiThucHien" not in book_carry(KS, [], keyer="").values


def test_a_keyed_book_carries_its_usual_values_and_proposes_the_last_page_and_date():
    recent = [
        {**USUAL, "ngayDangKy": "21/11/2008", "trangSo": "6"},
        USUAL,
        {**USUAL, "nksDanToc": "Kinh"},
    ]
    carry = book_carry(KS, recent, keyer="Trần Thị Nhập")
    assert carry.values["nksDanToc"] == "Mường"  # the book's habit, not the default
    assert carry.kinds["nksDanToc"] == CARRIED
    assert (carry.values["ngayDangKy"], carry.kinds["ngayDangKy"]) == ("21/11/2008", PROPOSED)
    assert (carry.values["trangSo"], carry.kinds["trangSo"]) == ("6", PROPOSED)
    assert carry.values["noiDangKy"] == "UBND xã Đông Văn"
    # Learned from three entries: the mother's ethnicity is never written in this book.
    assert "meDanToc" not in carry.values
    assert "meDanToc" in carry.folded and "meHoTen" not in carry.folded
    assert "nksHoTen" not in carry.folded  # required


def test_a_persons_carried_values_are_saved_only_with_that_person_typed():
    values = {"nksHoTen": "A", "nksDanToc": "Kinh", "chaDanToc": "Kinh", "chaQuocTich": "Việt Nam"}
    carried = {"nksDanToc", "chaDanToc", "chaQuocTich"}
    assert lone_carries(KS, values, carried) == {"chaDanToc", "chaQuocTich"}
    data = {**values, "_carried": ",".join(sorted(carried))}
    assert posted_values(KS, data) == {"nksHoTen": "A", "nksDanToc": "Kinh"}


PAGE_ORDER = [
    (
        "KS",
        "subject",
        [
            "nksHoTen",
            "nksNgaySinh",
            "nksNgaySinhBangChu",
            "nksGioiTinh",
            "nksDanToc",
            "nksQuocTich",
        ],
    ),
    ("KS", "mother", ["meHoTen", "meNgaySinh", "meDanToc", "meQuocTich"]),
    ("KH", "husband", ["chongHoTen", "chongNgaySinh", "chongDanToc", "chongQuocTich"]),
    ("KT", "deceased", ["nktHoTen", "nktNgaySinh", "nktGioiTinh", "nktDanToc"]),
]


@pytest.mark.parametrize(("code", "group", "starts"), PAGE_ORDER)
def test_the_form_follows_the_order_of_the_books_page(code, group, starts):
    fields = [f.name for f in REGISTER_TYPES[code].page_fields(group)]
    assert fields[: len(starts)] == starts
    assert sorted(fields) == sorted(f.name for f in REGISTER_TYPES[code].fields_in(group))


def test_rare_fields_are_folded_unless_they_hold_a_value():
    (subject,) = [g for g in form_groups(KS, {}, {}) if g.key == "subject"]
    assert "nksNgaySinhBangChu" in [f.field.name for f in subject.more]
    (subject,) = [
        g for g in form_groups(KS, {"nksNgaySinhBangChu": "mười lăm"}, {}) if g.key == "subject"
    ]
    assert "nksNgaySinhBangChu" in [f.field.name for f in subject.basic]


def test_the_new_form_shows_the_carried_values_marked(book, personas, login):
    fresh = login(personas["helper"]).get(reverse("keying_new", args=[book.pk]))
    # The book's commune at the time it was kept, as the place of registration.
    place = registration_place(book.historical_unit.full_name)
    assert f'name="noiDangKy" value="{place}"' in fresh.content.decode()
    for number in (1, 2, 3):
        entry_create(
            book=book,
            user=personas["justice_officer"],
            year=2008,
            number=number,
            values={**USUAL, "so": f"{number:02d}", "nksHoTen": f"Người {number}"},
        )
    html = login(personas["helper"]).get(reverse("keying_new", args=[book.pk])).content.decode()
    assert 'value="UBND xã Đông Văn"' in html and 'data-carry="carried"' in html
    assert 'data-testid="carried-noiDangKy"' in html and "mang sang" in html
    assert 'data-testid="carried-ngayDangKy"' in html and "đề xuất" in html
    assert 'name="nguoiThucHien" value="nhaplieu"' in html
    assert 'name="_carried" value="chucVuNguoiKy,loaiDangKy' in html
    assert 'data-start="trangSo"' in html
    assert 'data-codes="1,2,3"' in html  # sex: one key
    assert 'id="keys-help"' in html and "F8" in html


def test_the_lookup_says_in_words_what_differs_and_does_not_preselect_consistent(
    book, personas, login, registry_people
):
    client = login(personas["helper"])
    typed = form_data({**MATCH, "nksDanToc": "Tày"})
    typed.pop("nksNoiSinh")
    html = client.post(reverse("keying_check", args=[book.pk]), typed).content.decode()
    assert "Khác nhau: Dân tộc — sổ ghi “Tày”, CSDL ghi “Kinh”." in html
    assert "Giống nhau: họ và tên, ngày sinh, giới tính" in html
    assert "floatformat" not in html and "Xác suất" not in html
    assert 'value="discrepancy:038308001234" checked' in html
    assert 'value="match:038308001234" checked' not in html
    # The registry's birthplace is offered for the blank field, not for a typed one.
    assert 'data-offer-field="nksNoiSinh"' in html
    assert 'data-offer-field="nksDanToc"' not in html


def test_the_blind_second_keying_carries_the_books_number_and_volume(book, personas, login, client):
    services.policy_set(
        commune=book.commune, user=personas["justice_officer"], mode="all", sample_percent=0
    )
    login(personas["helper"]).post(
        reverse("keying_new", args=[book.pk]),
        form_data(NOT_FOUND, **{"_choice:subject": "not_found", "_engine:subject": "not_found"}),
    )
    entry = Entry.objects.latest("id")
    client.force_login(personas["police_officer"])
    html = client.get(reverse("keying_second", args=[entry.pk])).content.decode()
    assert 'name="so" value="08"' in html and 'name="quyenSo" value="01/2008"' in html
    # What the second keyer sends back with the form as shown: no difference on either.
    second = {k: v for k, v in form_data(NOT_FOUND).items()}
    client.post(reverse("keying_second", args=[entry.pk]), second)
    assert not KeyingDifference.objects.filter(entry=entry, field__in=["so", "quyenSo"]).exists()
    assert 'value="' + entry.values["nksHoTen"] + '"' not in html  # still blind
