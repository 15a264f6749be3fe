"""A new entry is created once per form, however often the form is sent.

The save of a new entry can reach the server and its answer be lost (the network drops on
the way back); the page then sends the same form again. The form carries a token, recorded
with the created entry in the same transaction: a second save with it creates nothing and
answers as the first did ("Đã lưu trước đó"); the unique index decides between two saves
sent at the same moment.
"""

import re
import threading
import time
import uuid

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse

from hotich.keying.models import EntryDraft, EntryWork
from hotich.registers.models import Entry, RegisterBook
from tests.keying.conftest import NOT_FOUND, form_data


def _post(client, book, token, htmx=False, **extra):
    return client.post(
        reverse("keying_new", args=[book.pk]),
        form_data(NOT_FOUND, _token=token, **extra),
        headers={"HX-Request": "true"} if htmx else {},
    )


def _token_of(html: str) -> str:
    return re.search(r'name="_token" value="([0-9a-f-]+)"', html).group(1)


def test_the_new_entry_form_carries_a_token_and_keeps_it_when_shown_again(book, personas, login):
    client = login(personas["helper"])
    first = _token_of(client.get(reverse("keying_new", args=[book.pk])).content.decode())
    assert uuid.UUID(first)
    other = _token_of(client.get(reverse("keying_new", args=[book.pk])).content.decode())
    assert other != first  # each fresh form its own
    # Shown again with values to confirm: the same form, the same token.
    refused = client.post(
        reverse("keying_new", args=[book.pk]),
        form_data({"nksNgaySinh": "31/02/2008"}, _token=first),
    )
    assert refused.status_code == 422
    assert _token_of(refused.content.decode()) == first
    # Kept with the server's draft, and restored with it.
    client.post(
        reverse("keying_check", args=[book.pk]), form_data({"nksHoTen": "Lê Văn Tám"}, _token=first)
    )
    assert EntryDraft.objects.get(user=personas["helper"], key="new").data["_token"] == first
    assert _token_of(client.get(reverse("keying_new", args=[book.pk])).content.decode()) == first


def test_the_edit_form_has_no_token(entry, personas, login):
    page = login(personas["helper"]).get(reverse("keying_edit", args=[entry.pk])).content.decode()
    assert 'name="_token"' not in page


def test_a_second_save_of_the_same_form_creates_nothing_and_answers_as_the_first(
    book, personas, login
):
    client = login(personas["helper"])
    token = str(uuid.uuid4())
    first = _post(client, book, token)
    saved = Entry.objects.get(book=book)
    assert first.status_code == 302 and first.url == reverse("keying_edit", args=[saved.pk])
    assert EntryWork.objects.get(entry=saved).creation_token == uuid.UUID(token)
    client.get(first.url)
    again = _post(client, book, token)
    assert again.status_code == 302 and again.url == first.url
    assert Entry.objects.filter(book=book).count() == 1
    page = client.get(again.url).content.decode()
    assert "Đã lưu trước đó" in page
    # The page's own save (fetch) is told the same, in its header.
    told = _post(client, book, token, htmx=True)
    assert told.status_code == 200 and told["HX-Redirect"] == first.url
    assert Entry.objects.filter(book=book).count() == 1


def test_a_second_save_and_next_opens_the_next_form_as_the_first_did(book, personas, login):
    client = login(personas["helper"])
    token = str(uuid.uuid4())
    first = _post(client, book, token, _action="save_next")
    again = _post(client, book, token, _action="save_next")
    assert first.url == again.url == reverse("keying_new", args=[book.pk])
    assert Entry.objects.filter(book=book).count() == 1
    page = client.get(again.url).content.decode()
    assert "Đã lưu trước đó" in page
    assert _token_of(page) != token  # the next entry is a new form


def test_the_autosaved_draft_of_the_form_already_saved_is_dropped(book, personas, login):
    """After a lost answer the page keeps autosaving the form: its draft goes with the
    second save, not on to the next new-entry form."""
    client = login(personas["helper"])
    token = str(uuid.uuid4())
    _post(client, book, token)
    client.post(reverse("keying_check", args=[book.pk]), form_data(NOT_FOUND, _token=token))
    assert EntryDraft.objects.filter(user=personas["helper"], key="new").exists()
    _post(client, book, token)
    assert not EntryDraft.objects.filter(user=personas["helper"], key="new").exists()


def test_typing_sent_only_with_the_second_save_is_kept_as_a_draft_of_the_saved_entry(
    book, personas, login
):
    """The page sends the form as it is at the retry: what was typed after the first save
    is neither lost nor written over the saved entry unseen."""
    client = login(personas["helper"])
    token = str(uuid.uuid4())
    _post(client, book, token)
    saved = Entry.objects.get(book=book)
    again = _post(client, book, token, nksDanToc="Mường")
    assert again.url == reverse("keying_edit", args=[saved.pk])
    assert Entry.objects.filter(book=book).count() == 1
    assert Entry.objects.get(pk=saved.pk).values["nksDanToc"] == "Kinh"
    draft = EntryDraft.objects.get(user=personas["helper"], key=str(saved.pk))
    assert draft.data["nksDanToc"] == "Mường"
    page = client.get(again.url).content.decode()
    assert "Đã lưu trước đó" in page and 'data-testid="draft-restored"' in page
    assert 'value="Mường"' in page


def test_a_token_that_is_no_token_is_refused_in_vietnamese(book, personas, login):
    client = login(personas["helper"])
    response = _post(client, book, "không-phải-mã")
    assert response.status_code == 422
    assert "Mã biểu mẫu không hợp lệ" in response.content.decode()
    assert not Entry.objects.filter(book=book).exists()


def test_the_database_refuses_a_token_twice(book, personas, entry):
    token = uuid.uuid4()
    EntryWork.objects.create(entry=entry, creation_token=token)
    other = Entry.objects.create(book=book, year=2008, number=9, values={}, marks={})
    with pytest.raises(IntegrityError), transaction.atomic():
        EntryWork.objects.create(entry=other, creation_token=token)
    # Entries created otherwise have none, as many as there are.
    EntryWork.objects.create(entry=other)
    assert EntryWork.objects.filter(creation_token=None).count() == 1


def _waiting() -> int:
    """Return how many other sessions wait for a lock: one save waits for the locked table
    of work records, the other for the audit log's chain head that the first one holds (the
    hash chain orders every event); both are past the check for an earlier save."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_two_saves_of_the_same_form_at_the_same_moment_create_one_entry(book, personas):
    """On PostgreSQL both saves are let past the check for an earlier save before either
    records its token (the table is held locked meanwhile), so the unique index decides: the
    loser's transaction is rolled back and it answers as the winner did. (The second save
    waits for the first one's audit chain head rather than for the table: it still passed the
    check, and still meets the index once the first has committed.) SQLite's in-memory
    test database cannot be shared by threads at once: there they take turns."""
    token = str(uuid.uuid4())
    answers: list = []
    failures: list[BaseException] = []
    barrier = threading.Barrier(2)
    turns = threading.Lock() if connection.vendor == "sqlite" else None

    # Logged in here, one after the other: on SQLite the threads share the test's one
    # connection, and two logins at once on it made one thread fail before the barrier
    # and the other wait there for ever.
    clients = []
    for _ in range(2):
        client = Client()
        client.force_login(personas["helper"])
        clients.append(client)

    def save(client: Client) -> None:
        try:
            barrier.wait(timeout=60)
            if turns is not None:
                with turns:
                    answers.append(_post(client, book, token, htmx=True))
            else:
                answers.append(_post(client, book, token, htmx=True))
        except BaseException as exc:  # reported below, in the test's thread
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(client,)) for client in clients]
    if connection.vendor == "postgresql":
        with transaction.atomic():
            connection.cursor().execute("LOCK TABLE keying_entrywork IN EXCLUSIVE MODE")
            for thread in threads:
                thread.start()
            deadline = time.monotonic() + 30
            while _waiting() < 2 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert _waiting() == 2  # both past the check, both creating their entry
    else:
        for thread in threads:
            thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    saved = Entry.objects.get(book=book)
    assert [a.status_code for a in answers] == [200, 200]
    assert {a["HX-Redirect"] for a in answers} == {reverse("keying_edit", args=[saved.pk])}
    assert EntryWork.objects.get(entry=saved).creation_token == uuid.UUID(token)


def test_the_check_of_a_form_saved_already_says_so(book, personas, login):
    """Reopened after a lost answer (the browser's copy brings the token back), the form
    says it was saved, before the officer saves it again."""
    client = login(personas["helper"])
    token = str(uuid.uuid4())
    check = reverse("keying_check", args=[book.pk])
    assert (
        'data-testid="saved-before"'
        not in client.post(check, form_data(NOT_FOUND, _token=token)).content.decode()
    )
    _post(client, book, token)
    html = client.post(check, form_data(NOT_FOUND, _token=token)).content.decode()
    assert 'data-testid="saved-before"' in html and "Số 08/2008" in html


def test_a_token_of_another_books_form_is_refused_in_vietnamese(book, personas, login):
    client = login(personas["helper"])
    other = RegisterBook.objects.create(
        commune=book.commune,
        historical_unit=book.historical_unit,
        register_type="KS",
        year_from=2008,
        year_to=2008,
        volume="02/2008",
        pages=200,
        expected_cases=80,
    )
    token = str(uuid.uuid4())
    _post(client, book, token)
    response = _post(client, other, token)
    assert response.status_code == 422
    assert "đã được lưu vào một sổ khác" in response.content.decode()
    assert _token_of(response.content.decode()) != token
    assert Entry.objects.count() == 1
