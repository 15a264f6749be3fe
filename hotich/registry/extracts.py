"""Reading registry extracts (CSV, Parquet, Excel) in chunks, whatever their size.

Each reader yields chunks of rows (tuples in the order of ``Extract.columns``) with the row
number a user sees in a spreadsheet (the header is row 1), so memory stays bounded by the
chunk size and every problem can name its row.
"""

from __future__ import annotations

import csv
import itertools
import operator
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from hotich.registry.rows import KNOWN_COLUMNS, REQUIRED_COLUMNS, canonical_columns

Chunk = tuple[list[tuple[object, ...]], list[int]]


class ExtractError(Exception):
    """A file that cannot be loaded at all; the message is Vietnamese, for the user."""


@dataclass
class Extract:
    """An opened extract: the contract columns it has, a row estimate, and its chunks."""

    columns: list[str]
    estimated_rows: int | None
    read: Callable[[int], Iterator[Chunk]]
    ignored_columns: list[str] = field(default_factory=list)

    def chunks(self, size: int) -> Iterator[Chunk]:
        return self.read(size)


def _select(header: list[object]) -> tuple[list[str], list[int], list[str]]:
    """Return the known columns of HEADER, their positions, and the ignored column names."""
    names = canonical_columns(header)
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise ExtractError(
            _("Tệp thiếu cột bắt buộc: %(missing)s. Dòng tiêu đề phải có ít nhất: %(required)s.")
            % {"missing": ", ".join(missing), "required": ", ".join(REQUIRED_COLUMNS)}
        )
    columns, positions, ignored, seen = [], [], [], set()
    for i, name in enumerate(names):
        if name in KNOWN_COLUMNS and name not in seen:
            seen.add(name)
            columns.append(name)
            positions.append(i)
        elif name:
            ignored.append(str(header[i]))
    return columns, positions, ignored


def _blank(row: Iterable[object]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in row)


def _chunked(rows: Iterable[tuple[int, tuple[object, ...]]], size: int) -> Iterator[Chunk]:
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, size)):
        yield [r for _n, r in batch], [n for n, _r in batch]


def _pick(
    rows: Iterable[Sequence[object]], positions: list[int], width: int
) -> Iterator[tuple[int, tuple[object, ...]]]:
    """Yield (row number, known cells) for non-blank rows; ragged rows keep their length."""
    pick = operator.itemgetter(*positions)  # at least the four required columns: a tuple
    for number, row in enumerate(rows, start=2):
        try:
            blank = not "".join(row).strip()  # type: ignore[arg-type]  # CSV: only text
        except TypeError:  # None, numbers, dates (Parquet, Excel)
            blank = _blank(row)
        if blank:
            continue
        if len(row) < width:
            row = [*row, *([None] * (width - len(row)))]
        elif len(row) > width and not _blank(row[width:]):
            # More cells than the header: the row is shifted, keep it whole to be reported.
            yield number, tuple(row)
            continue
        yield number, pick(row)


def open_csv(path: Path) -> Extract:
    """Open a UTF-8 CSV extract (a BOM is allowed; comma or semicolon separated)."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            sample = handle.read(1 << 20)
    except UnicodeDecodeError as exc:
        raise ExtractError(
            _("Tệp %(name)s không phải văn bản UTF-8 (lưu lại dưới dạng CSV UTF-8).")
            % {"name": path.name}
        ) from exc
    first_line = sample.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    header = next(csv.reader([first_line], delimiter=delimiter), [])
    columns, positions, ignored = _select(list(header))
    lines = sample.count("\n")
    size = path.stat().st_size
    estimate = None
    if lines > 1:
        estimate = max(1, int(size / (len(sample.encode()) / lines)) - 1)

    def read(chunk_size: int) -> Iterator[Chunk]:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle, delimiter=delimiter)
            next(reader, None)
            try:
                yield from _chunked(_pick(reader, positions, len(header)), chunk_size)
            except UnicodeDecodeError as exc:
                raise ExtractError(
                    _("Tệp %(name)s có đoạn không phải UTF-8 sau dòng %(row)s; dừng đọc ở đó.")
                    % {"name": path.name, "row": reader.line_num}
                ) from exc
            except csv.Error as exc:
                raise ExtractError(
                    _("Tệp %(name)s hỏng ở dòng %(row)s: %(error)s")
                    % {"name": path.name, "row": reader.line_num, "error": exc}
                ) from exc

    return Extract(columns, estimate, read, ignored)


def open_parquet(path: Path) -> Extract:
    """Open a Parquet extract; it is read one record batch at a time."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as exc:
        raise ExtractError(
            _("Không đọc được tệp Parquet %(name)s: %(error)s") % {"name": path.name, "error": exc}
        ) from exc
    header = list(parquet.schema_arrow.names)
    columns, positions, ignored = _select(header)
    wanted = [header[i] for i in positions]

    def read(chunk_size: int) -> Iterator[Chunk]:
        number = 1
        for batch in parquet.iter_batches(batch_size=chunk_size, columns=wanted):
            cells = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
            rows = list(zip(*cells, strict=True))
            numbers = list(range(number + 1, number + 1 + len(rows)))
            number += len(rows)
            keep = [i for i, row in enumerate(rows) if not _blank(row)]
            yield [rows[i] for i in keep], [numbers[i] for i in keep]

    return Extract(columns, parquet.metadata.num_rows, read, ignored)


def open_excel(path: Path) -> Extract:
    """Open the first worksheet of an .xlsx extract in read-only (streaming) mode."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged or foreign file
        raise ExtractError(
            _("Không đọc được tệp Excel %(name)s: %(error)s") % {"name": path.name, "error": exc}
        ) from exc
    sheet = book.worksheets[0]
    header_row = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
    columns, positions, ignored = _select(list(header_row))
    width = len(header_row)
    estimate = (sheet.max_row - 1) if sheet.max_row else None

    def read(chunk_size: int) -> Iterator[Chunk]:
        try:
            rows = sheet.iter_rows(min_row=2, values_only=True)
            yield from _chunked(_pick(rows, positions, width), chunk_size)
        finally:
            book.close()

    return Extract(columns, estimate, read, ignored)


def open_extract(path: str | Path) -> Extract:
    """Open a registry extract by its extension (.csv, .parquet, .xlsx)."""
    path = Path(path)
    if not path.is_file():
        raise ExtractError(_("Không tìm thấy tệp %(path)s.") % {"path": path})
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        return open_csv(path)
    if suffix in (".parquet", ".pq"):
        return open_parquet(path)
    if suffix in (".xlsx", ".xlsm"):
        return open_excel(path)
    raise ExtractError(
        _("Không đọc được loại tệp “%(suffix)s”: dùng CSV (UTF-8), Parquet hoặc Excel (.xlsx).")
        % {"suffix": suffix or path.name}
    )


def rows_extract(rows: Iterable[Mapping[str, object]], *, estimated_rows: int | None) -> Extract:
    """Return an extract over dicts keyed by contract columns (the synthesiser's output)."""
    iterator = iter(rows)
    first = next(iterator, None)
    columns = [c for c in KNOWN_COLUMNS if first is not None and c in first]
    if first is None:
        columns = list(REQUIRED_COLUMNS)

    def read(chunk_size: int) -> Iterator[Chunk]:
        everything = itertools.chain([first] if first is not None else [], iterator)
        numbered = (
            (n, tuple(row.get(c) for c in columns)) for n, row in enumerate(everything, start=2)
        )
        yield from _chunked(numbered, chunk_size)

    return Extract(columns, estimated_rows, read)
