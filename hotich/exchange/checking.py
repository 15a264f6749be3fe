"""Checking a large import's rows in a helper process while the importer writes (issue 17).

A row's checks (:class:`hotich.exchange.importer.RowChecker`: each cell read as keying reads
it, the value checks, the entry's place and fingerprint) need no database. For a file of
many rows the importer sends its rows, in chunks and in order, to one helper process and
takes the results back in the same order, so every row is handled exactly as if it had
been checked in place: the same problems in the same order, the same counts, the same
entries. The importer keeps reading the sheet and writing the batches meanwhile, on the
other core.

- The helper is *spawned* (a fresh interpreter), never forked from the worker, which holds
  database connections, locks and a heartbeat thread; it touches no database.
- At most :data:`AHEAD` chunks are in flight: memory stays bounded whatever the file's size.
- Until the helper has answered once (it takes a second or two to start), a chunk whose
  answer is not there yet is checked in place: a small file loses nothing to the start.
- The helper exits as soon as its parent is gone (a killed worker leaves no process behind);
  the importer ends it when the import ends, however it ends.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from hotich.lib.orphans import exit_with_parent

#: Rows sent to the helper at a time.
CHUNK = 500
#: Chunks sent ahead of the one the importer handles.
AHEAD = 8
#: Files with fewer rows are checked in place (starting the helper costs about a second).
MIN_ROWS = 5000

#: Seconds to wait for a chunk the helper has not answered before checking it in place.
STALLED = 60

_checker: Any = None
_state: dict[str, Any] | None = None


def worth_it(rows: int | None) -> bool:
    """Return whether a file of ROWS data rows is checked in a helper process."""
    return (rows or 0) >= MIN_ROWS and (os.cpu_count() or 1) > 1


def _start(language: str | None, parent: int) -> None:
    """Set up the helper: Django's settings and apps, the language of the messages, and what
    the first rows would load (the syllables of legacy-text repair, the place names)."""
    exit_with_parent(parent)
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()
    from django.utils import translation

    from hotich.lib.legacy import from_unicode, repair

    if language:
        translation.activate(language)
    # A legacy text: its reading loads the syllable lexicon (built from the place names).
    repair(from_unicode("Nguyễn Văn Hải, Đông Văn", "tcvn3"))


def _layout_state(layout: Any) -> dict[str, Any]:
    """Return LAYOUT as plain values (the register by its code), as the helper receives it."""
    return {
        "kind": layout.kind,
        "register": layout.register.code,
        "columns": dict(layout.columns),
        "headers": list(layout.headers),
        "extra": dict(layout.extra),
        "fixed": dict(layout.fixed),
        "value_maps": {k: dict(v) for k, v in layout.value_maps.items()},
    }


def _check_chunk(
    state: dict[str, Any], rows: list[tuple[int, tuple[Any, ...], tuple[Any, ...] | None]]
) -> list[Any]:
    global _checker, _state
    if state != _state:
        from hotich.exchange.importer import RowChecker
        from hotich.exchange.layout import Layout
        from hotich.registers.spec import REGISTER_TYPES

        layout = Layout(**{**state, "register": REGISTER_TYPES[state["register"]]})
        _checker, _state = RowChecker(layout), state
    return [_checker.check(number, raw, meta) for number, raw, meta in rows]


class Helper:
    """The helper process checking an import's rows (a context manager: leaving it ends the
    process). Started as soon as the file is opened, before its layout is known, so that it
    is ready when the rows come; :meth:`use` gives it the importer's checker (CHECKER, if
    given, at once)."""

    def __init__(self, checker: Any = None) -> None:
        from django.utils import translation

        self.checker: Any = None
        self.state: dict[str, Any] = {}
        self.pool = multiprocessing.get_context("spawn").Pool(
            1, initializer=_start, initargs=(translation.get_language(), os.getpid())
        )
        if checker is not None:
            self.use(checker)

    def use(self, checker: Any) -> None:
        """Check rows as CHECKER (the importer's :class:`~hotich.exchange.importer.RowChecker`)
        does: the helper builds the same checker from its layout."""
        self.checker = checker
        self.state = _layout_state(checker.layout)

    def __enter__(self) -> Helper:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.pool.terminate()
        self.pool.join()


def rows_checked(
    rows: Iterable[tuple[int, tuple[Any, ...]]],
    *,
    helper: Helper,
    meta: dict[int, tuple[Any, ...]],
    wanted: Callable[[tuple[Any, ...]], bool],
    chunk: int = CHUNK,
    wait: bool = False,
) -> Iterator[tuple[int, tuple[Any, ...], Any]]:
    """Yield (row number, cells, checked) for ROWS in order, checked by HELPER's process.

    The chunks the helper has not answered yet while it starts are checked here, by the
    helper's checker (the importer's :class:`~hotich.exchange.importer.RowChecker`); META
    holds the hidden sheet's rows by number; a row that WANTED refuses (an empty row) is
    not checked and comes with ``None``. With WAIT, every chunk waits for the helper's
    answer (tests: none is checked here). An error of the rows' reader is raised after the
    rows before it have been given, as a loop over ROWS would.
    """
    checker, pool, state = helper.checker, helper.pool, helper.state
    pending: deque[tuple[list[tuple[int, tuple[Any, ...]]], list[Any], Any]] = deque()
    answered = wait

    def send(rows_: list[tuple[int, tuple[Any, ...]]]) -> None:
        asked = [(n, raw, meta.get(n)) for n, raw in rows_ if wanted(raw)]
        pending.append((rows_, asked, pool.apply_async(_check_chunk, (state, asked))))

    def given() -> Iterator[tuple[int, tuple[Any, ...], Any]]:
        nonlocal answered
        rows_, asked, result = pending.popleft()
        if answered:
            # A helper that died loses its chunk (the pool starts another): checked here then.
            result.wait(STALLED)
        if result.ready():
            checked = result.get()
            answered = True
        else:
            checked = [checker.check(n, raw, m) for n, raw, m in asked]
        found = iter(checked)
        for n, raw in rows_:
            yield n, raw, next(found) if wanted(raw) else None

    waiting: list[tuple[int, tuple[Any, ...]]] = []
    failure: BaseException | None = None
    try:
        for row in rows:
            waiting.append(row)
            if len(waiting) >= chunk:
                send(waiting)
                waiting = []
                while len(pending) > AHEAD:
                    yield from given()
    except Exception as error:  # the reader's: raised once the rows before it are given
        failure = error
    if waiting:
        send(waiting)
    while pending:
        yield from given()
    if failure is not None:
        raise failure
