"""One writer of a book at a time, for the long jobs that rewrite it (imports, reconciliation).

The lock belongs to the process (the database session) that holds it and dies with it, so a
killed import or worker never leaves a book locked:

- PostgreSQL: a session-level advisory lock (``pg_try_advisory_lock``), shared by every
  process and machine using the database, released when the connection closes;
- SQLite: an exclusive ``flock`` on a file beside the database (SQLite is one machine's
  database), released when the file is closed or the process dies.

It does not forbid numbers a book repeats (books do): it makes two imports of one file, or
two reconciliations of one book, run one after the other instead of interleaved.
"""

from __future__ import annotations

import fcntl
import hashlib
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from django.conf import settings
from django.db import connection

#: The advisory-lock namespace of book locks ("hotc" in ASCII).
_NAMESPACE = 0x686F7463
_POLL = 0.2


class BookBusy(Exception):
    """The book's write lock could not be had in time; the message says so, in Vietnamese."""


def _lock_path(book_id: int) -> Path:
    name = str(connection.settings_dict["NAME"])
    digest = hashlib.sha256(name.encode()).hexdigest()[:12]
    folder = Path(settings.DATA_DIR) / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"book-{digest}-{book_id}.lock"


class _Held:
    def __init__(self, book_id: int) -> None:
        self.book_id = book_id
        self.handle: IO[bytes] | None = None

    def try_acquire(self) -> bool:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [_NAMESPACE, self.book_id])
                return bool(cursor.fetchone()[0])
        handle = _lock_path(self.book_id).open("a+b")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self.handle = handle
        return True

    def release(self) -> None:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [_NAMESPACE, self.book_id])
            return
        if self.handle is not None:
            fcntl.flock(self.handle.fileno(), fcntl.LOCK_UN)
            self.handle.close()
            self.handle = None


@contextmanager
def book_lock(*, book_id: int, wait: float = 0.0) -> Iterator[bool]:
    """Hold the write lock of book BOOK_ID for the block; yield whether it was had.

    Waits up to WAIT seconds for another holder to finish (0: answer at once). The block runs
    either way; a caller that yields False must not write.
    """
    held = _Held(book_id)
    deadline = time.monotonic() + wait
    acquired = held.try_acquire()
    while not acquired and time.monotonic() < deadline:
        time.sleep(_POLL)
        acquired = held.try_acquire()
    try:
        yield acquired
    finally:
        if acquired:
            held.release()
