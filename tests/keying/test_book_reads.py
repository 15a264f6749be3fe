"""A new entry's form reads the book's latest entries once: the previous entry found among
them is the one the book's own query gives, whatever the years (docs/keying.md, "Where the
CPU of an entry goes")."""

import pytest
from django.urls import reverse

from hotich.keying.selectors import previous_values, recent_entries
from hotich.registers.models import Entry, EntryStatus


def _entries(book, years_numbers):
    Entry.objects.bulk_create(
        Entry(
            book=book,
            year=year,
            number=number,
            values={"so": str(number), "nam": str(year)},
            status=EntryStatus.KEYED,
        )
        for year, number in years_numbers
    )


# (entries of the book as (year, number), the year of the new entry)
CASES = [
    ([], 2008),
    ([(2008, 1), (2008, 2)], 2008),
    ([(2008, 1), (2008, 2)], None),
    ([(2008, 1), (2008, 2)], 2007),  # only later years: none before
    ([(2006, n) for n in range(1, 4)] + [(2009, n) for n in range(1, 30)], 2008),  # read again
    ([(2006, n) for n in range(1, 4)] + [(2009, n) for n in range(1, 30)], 2009),
    ([(2006, n) for n in range(1, 4)] + [(2009, n) for n in range(1, 10)], 2008),  # among them
    ([(2009, n) for n in range(1, 30)], 2008),  # 20 of a later year, nothing before
]


@pytest.mark.parametrize(("existing", "year"), CASES)
def test_the_previous_entry_from_the_recent_ones_is_the_books_own(book, existing, year):
    _entries(book, existing)
    # A draft left empty is no previous entry, in both reads.
    Entry.objects.create(book=book, year=2010, number=99, values={}, status=EntryStatus.DRAFT)
    recent = recent_entries(book)
    assert len(recent) == min(len(existing), 20)
    assert previous_values(book, None, year, recent) == previous_values(book, None, year)


def test_the_next_number_is_the_highest_of_the_books_first_year_plus_one(book, personas, login):
    # The book's first year (2008) counts; another year's higher number does not.
    _entries(book, [(2008, 3), (2008, 11), (2009, 40)])
    page = login(personas["helper"]).get(reverse("keying_new", args=[book.pk])).content.decode()
    assert 'name="so" value="12"' in page
