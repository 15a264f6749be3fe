"""Easy first, hard later within a book: complete entries are keyed before those with an
illegible field or a lookup waiting for an officer, and set-aside entries (F9) come last."""

import pytest
from django.urls import reverse

from hotich.keying import selectors
from hotich.keying.models import EntryWork
from hotich.reconciliation.models import MatchResult
from hotich.registers.models import Entry
from hotich.registers.services import entry_create

# number → (what the entry is like, marks); every entry is still to key.
KINDS = {
    1: ("illegible", {"nksNoiSinh": "illegible"}),
    2: ("complete", {}),
    3: ("unresolved", {}),
    4: ("complete", {"nksQueQuan": "blank"}),  # a blank field is complete, not hard
    5: ("set aside", {}),
    6: ("complete", {}),
}


@pytest.fixture
def queue(book, personas):
    made = {}
    for number, (kind, marks) in KINDS.items():
        entry = entry_create(
            book=book,
            user=personas["helper"],
            year=2008,
            number=number,
            values={"nksHoTen": f"Người {kind} {number}"},
            marks=marks,
        )
        if kind == "unresolved":
            MatchResult.objects.create(
                person=entry.people.get(role="subject"),
                outcome=MatchResult.Outcome.REVIEW,
                path=MatchResult.Path.INTERACTIVE,
            )
        if kind == "set aside":
            EntryWork.objects.create(entry=entry, hard=True, hard_reason="mực nhòe")
        made[number] = entry
    return made


def _numbers(entries):
    return [e.number for e in entries]


def test_complete_entries_come_first_then_the_hard_ones_in_entry_order(book, queue):
    queues = selectors.book_queue(book)
    assert _numbers(queues["to_key"]) == [2, 4, 6, 1, 3]
    assert _numbers(queues["hard"]) == [5]


@pytest.mark.parametrize(
    ("after", "following"),
    [(None, 2), (2, 4), (4, 6), (6, 1), (1, 3), (3, None)],
)
def test_the_next_entry_follows_the_same_order(after, following, book, queue):
    found = selectors.next_in_queue(book, after=queue[after] if after else None)
    assert (found.number if found else None) == following


def test_an_entry_keyed_hard_then_completed_moves_up(book, queue):
    Entry.objects.filter(pk=queue[1].pk).update(marks={})
    assert _numbers(selectors.book_queue(book)["to_key"]) == [1, 2, 4, 6, 3]


def test_the_book_page_lists_them_in_that_order_and_says_why(book, queue, personas, login):
    page = login(personas["helper"]).get(reverse("keying_book", args=[book.pk])).content.decode()
    to_key = page.split('data-testid="queue-to-key"')[1].split("</section>")[0]
    positions = [to_key.index(f"Số {n:02d}/2008") for n in (2, 4, 6, 1, 3)]
    assert positions == sorted(positions)
    assert "Số 05/2008" not in to_key
    assert to_key.count('data-testid="later-illegible"') == 1
    assert to_key.count('data-testid="later-unresolved"') == 1
    # "Nhập tiếp" opens the first easy entry.
    assert f'href="{reverse("keying_edit", args=[queue[2].pk])}">Nhập tiếp' in page
