"""The blind second keying keeps its typing in the browser and sends its save itself, as the
first keying does: the page's save is told where to go in a header, a second save of the same
keying (its first answer lost) answers as the first did, and a discard drops the typing."""

from django.urls import reverse

from hotich.keying import services
from hotich.keying.models import SecondKeying
from tests.keying.conftest import NOT_FOUND, form_data
from tests.keying.test_double_keying import _key_first


def _waiting(book, personas, login):
    services.policy_set(
        commune=book.commune, user=personas["justice_officer"], mode="all", sample_percent=0
    )
    return _key_first(login(personas["helper"]), book)


def test_the_page_keeps_the_typing_under_the_officer_and_the_entry(book, personas, login):
    entry = _waiting(book, personas, login)
    client = login(personas["police_officer"])
    page = client.get(reverse("keying_second", args=[entry.pk])).content.decode()
    key = f"{personas['police_officer'].pk}:{book.pk}:second:{entry.pk}"
    assert f'data-draft-key="{key}"' in page and "data-local-restore" in page
    assert 'data-testid="sync-status"' in page
    assert "Hoàng Minh Quân" not in page  # still blind


def test_the_pages_own_save_is_told_where_to_go_and_a_second_save_creates_nothing(
    book, personas, login
):
    entry = _waiting(book, personas, login)
    client = login(personas["police_officer"])
    url = reverse("keying_second", args=[entry.pk])
    first = client.post(url, form_data(NOT_FOUND), headers={"HX-Request": "true"})
    assert first["HX-Redirect"] == reverse("keying_book", args=[book.pk])
    assert SecondKeying.objects.filter(entry=entry).count() == 1
    client.get(first["HX-Redirect"])
    again = client.post(url, form_data(NOT_FOUND), headers={"HX-Request": "true"})
    assert again["HX-Redirect"] == first["HX-Redirect"]
    page = client.get(again["HX-Redirect"]).content.decode()
    assert "Đã lưu trước đó" in page and "không chờ nhập lần hai" not in page
    assert SecondKeying.objects.filter(entry=entry).count() == 1


def test_discarding_the_typing_opens_the_empty_form_again(book, personas, login):
    entry = _waiting(book, personas, login)
    client = login(personas["police_officer"])
    url = reverse("keying_second", args=[entry.pk])
    response = client.post(url, {"_action": "discard"}, headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == url
    assert not SecondKeying.objects.filter(entry=entry).exists()
    assert "Đã bỏ bản nháp." in client.get(url).content.decode()
