"""The file contract of ``hotich match`` (pure): read citizens and records, write results.

``citizens.csv``: personal_id, full_name, birth_date, sex[, birth_place, hometown, ethnicity,
father_name, mother_name]; ``records.csv``: the same with record_id instead of personal_id.
``results.csv``: record_id, outcome, personal_id, score, fields.

A bad row is reported (row number as a spreadsheet shows it: the header is row 1) and
skipped; the good rows are processed. A birth date that cannot be a date (31/02, a month
27, year 5005) is no reason to skip a person: the row is kept, compared by the year when
one is readable (else with the date unknown), and reported as kept.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from hotich.lib.idnumbers import validate_personal_id
from hotich.lib.sheets import csv_row
from hotich.matching.engine.decide import Decision
from hotich.matching.engine.features import (
    PERSON_COLUMNS,
    PersonInput,
    clean_text,
    parse_birth_date,
    parse_sex,
)

CITIZEN_COLUMNS = ("personal_id", *PERSON_COLUMNS)
RECORD_COLUMNS = ("record_id", *PERSON_COLUMNS)
# Registry extracts are checked for shape, not against today's date.
_FAR_FUTURE = date(2199, 12, 31)
RESULT_COLUMNS = ("record_id", "outcome", "personal_id", "score", "fields")


class ContractError(ValueError):
    """The file cannot be used at all (message in Vietnamese)."""


@dataclass(frozen=True)
class RowProblem:
    """A problem of one row; ``kept`` when the row was processed all the same."""

    file: str
    row: int
    column: str
    message: str
    kept: bool = False

    def __str__(self) -> str:
        where = f"{self.file}, dòng {self.row}"
        if self.column:
            where += f", cột {self.column}"
        return f"{where}: {self.message}"


# A plausible year standing alone in an unreadable date ("1940-27-04", "31/02/1985").
_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")


def readable_year(text: str) -> str:
    """Return the one plausible year written in TEXT, or "" when none or several."""
    years = set(_YEAR.findall(text))
    return years.pop() if len(years) == 1 else ""


def _check_columns(path: Path, header: list[str], required: tuple[str, ...]) -> None:
    missing = [c for c in required if c not in header]
    if missing:
        raise ContractError(
            f"Tệp {path.name} thiếu cột: {', '.join(missing)} (cần: {', '.join(required)})."
        )


def row_values(header: list[str], fields: list[str]) -> dict[str, str]:
    """Return a CSV row as the reader gives it: values by (stripped) column, missing ones
    empty, extra ones dropped, every value stripped."""
    row = dict(zip(header, fields, strict=False))
    return {k: (row.get(k) or "").strip() for k in header if k}


def _rows(path: Path, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise ContractError(f"Không mở được tệp {path}: {exc.strerror or exc}.") from exc
    with handle:
        try:
            reader = csv.DictReader(handle)
            header = [h.strip() for h in (reader.fieldnames or [])]
        except (UnicodeDecodeError, csv.Error) as exc:
            raise ContractError(f"Tệp {path.name} không phải CSV UTF-8 đọc được: {exc}.") from exc
        _check_columns(path, header, required)
        reader.fieldnames = header
        try:
            for number, row in enumerate(reader, start=2):
                yield number, {k: (v or "").strip() for k, v in row.items() if k}
        except (UnicodeDecodeError, csv.Error) as exc:
            raise ContractError(
                f"Tệp {path.name} hỏng từ khoảng dòng {reader.line_num}: {exc}."
            ) from exc


def _person(
    row: dict[str, str], number: int, name: str
) -> tuple[PersonInput | None, list[RowProblem]]:
    problems = []
    if not clean_text(row.get("full_name", "")):
        problems.append(RowProblem(name, number, "full_name", "thiếu họ tên"))
    birth = row.get("birth_date", "")
    kept = []
    if birth and parse_birth_date(birth) is None:
        year = readable_year(birth)
        row = {**row, "birth_date": year}
        how = f"chỉ dùng năm {year}" if year else "coi như không rõ ngày sinh"
        kept.append(
            RowProblem(
                name,
                number,
                "birth_date",
                f"ngày sinh “{birth}” không phải ngày có thật: vẫn đối chiếu, {how}",
                kept=True,
            )
        )
    sex = row.get("sex", "")
    if sex and parse_sex(sex) is None:
        problems.append(
            RowProblem(
                name, number, "sex", f"giới tính “{sex}” không hợp lệ (Nam, Nữ hoặc để trống)"
            )
        )
    if problems:
        return None, problems + kept
    return PersonInput.from_row(row), kept


def check_row(
    number: int, row: dict[str, str], *, kind: str, file: str
) -> tuple[str, PersonInput | None, list[RowProblem]]:
    """Return the ID, the person (None when the row is skipped) and the problems of one row
    of a citizens (``kind`` "citizens") or records file; duplicates are the reader's to find
    (:func:`read_people`, :func:`hotich.matching.engine.stream.load_people`)."""
    id_column = "personal_id" if kind == "citizens" else "record_id"
    identifier = row.get(id_column, "")
    if not identifier:
        return identifier, None, [RowProblem(file, number, id_column, "thiếu mã")]
    if kind == "citizens":
        errors = validate_personal_id(identifier, today=_FAR_FUTURE)
        if errors:
            return identifier, None, [RowProblem(file, number, id_column, errors[0])]
    person, problems = _person(row, number, file)
    return identifier, person, problems


def duplicate_problem(file: str, number: int, kind: str, identifier: str) -> RowProblem:
    """Return the problem of a row whose ID an earlier row of the file already has."""
    id_column = "personal_id" if kind == "citizens" else "record_id"
    return RowProblem(file, number, id_column, f"mã “{identifier}” bị trùng với dòng trước")


def people_header(path: Path, *, kind: str) -> tuple[list[str], int]:
    """Return the (stripped) header of a citizens or records file and the byte offset of its
    first row; ContractError as :func:`read_people` raises it."""
    id_column = "personal_id" if kind == "citizens" else "record_id"
    required = (id_column, "full_name", "birth_date", "sex")
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise ContractError(f"Không mở được tệp {path}: {exc.strerror or exc}.") from exc
    with handle:
        data = handle.readline()
        while data.count(b'"') % 2 and (line := handle.readline()):
            data += line
        offset = handle.tell()
    try:
        header = next(csv.reader(io.StringIO(data.decode("utf-8-sig"))), [])
    except (UnicodeDecodeError, csv.Error) as exc:
        raise ContractError(f"Tệp {path.name} không phải CSV UTF-8 đọc được: {exc}.") from exc
    header = [h.strip() for h in header]
    _check_columns(path, header, required)
    return header, offset


def people_rows(path: Path, *, kind: str) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (row number, row) of a citizens or records file (ContractError when unusable)."""
    id_column = "personal_id" if kind == "citizens" else "record_id"
    return _rows(path, (id_column, "full_name", "birth_date", "sex"))


def read_people(path: Path, *, kind: str) -> tuple[list[tuple[str, PersonInput]], list[RowProblem]]:
    """Read a citizens (``kind`` "citizens") or records file: (id, person) pairs and problems."""
    people: list[tuple[str, PersonInput]] = []
    problems: list[RowProblem] = []
    seen: set[str] = set()
    for number, row in people_rows(path, kind=kind):
        identifier, person, row_problems = check_row(number, row, kind=kind, file=path.name)
        if identifier and identifier in seen:
            problems.append(duplicate_problem(path.name, number, kind, identifier))
            continue
        problems.extend(row_problems)
        if person is None:
            continue
        seen.add(identifier)
        people.append((identifier, person))
    return people, problems


def result_row(record_id: str, decision: Decision) -> list[str]:
    """Return the results.csv row of one decision."""
    return csv_row(
        [
            record_id,
            decision.outcome,
            decision.personal_id or "",
            "" if decision.score is None else f"{decision.score:.6f}",
            ";".join(decision.fields),
        ]
    )


def write_results(path: Path, order: Iterable[str], decisions: dict[str, Decision]) -> int:
    """Write results.csv in the records' order; return the rows written."""
    return write_decisions(path, ((rid, decisions[rid]) for rid in order), {})


def write_decisions(
    path: Path, decided: Iterable[tuple[str, Decision]], counts: dict[str, int]
) -> int:
    """Write results.csv from (record ID, decision) in order, counting the outcomes in
    ``counts``; return the rows written. The file appears whole or not at all: rows go to
    ``<path>.part``, renamed at the end, removed when anything fails."""
    part = path.with_name(path.name + ".part")
    written = 0
    try:
        with part.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(RESULT_COLUMNS)
            for record_id, decision in decided:
                writer.writerow(result_row(record_id, decision))
                counts[decision.outcome] = counts.get(decision.outcome, 0) + 1
                written += 1
        os.replace(part, path)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return written


def match_files(
    registry_path: Path,
    records_path: Path,
    out_path: Path,
    *,
    backend: str = "duckdb",
    model: object = None,
    thresholds: object = None,
    resources: object = None,
) -> tuple[int, list[RowProblem], dict[str, int]]:
    """Run the batch path on two contract files; return rows written, problems, outcome counts.

    On DuckDB the run is streamed (:mod:`hotich.matching.engine.stream`, with ``resources``,
    a ``stream.Resources``); on Spark the files are read into frames. Raises ContractError
    when nothing can be done (unreadable file, missing columns, no usable row), and
    ``stream.BatchFailed`` when a chunk fails; results.csv is then not written.
    """
    from hotich.matching.engine.decide import OUTCOMES, Thresholds
    from hotich.matching.engine.modelfile import DEFAULT_MODEL, load_model_file

    if backend == "spark":
        return match_files_in_memory(
            registry_path,
            records_path,
            out_path,
            model=model,
            thresholds=thresholds,
            backend=backend,
        )
    from hotich.matching.engine.stream import Resources, StreamedRun, decisions

    chosen = resources if isinstance(resources, Resources) else Resources()
    counts: dict[str, int] = dict.fromkeys(OUTCOMES, 0)
    with StreamedRun(chosen) as run:
        problems = run.load(registry_path, kind="citizens")
        problems += run.load(records_path, kind="records")
        if not run.store.counts["records"]:
            raise ContractError(f"Tệp {records_path.name} không có bản ghi nào dùng được.")
        model = model or load_model_file(DEFAULT_MODEL)
        run.prepare(model)  # type: ignore[arg-type]
        decided = decisions(
            model,  # type: ignore[arg-type]
            run.store,
            thresholds=thresholds if isinstance(thresholds, Thresholds) else Thresholds(),
            chunk=chosen.chunk,
        )
        written = write_decisions(out_path, decided, counts)
    return written, problems, counts


def match_files_in_memory(
    registry_path: Path,
    records_path: Path,
    out_path: Path,
    *,
    model: object = None,
    thresholds: object = None,
    backend: str = "duckdb",
) -> tuple[int, list[RowProblem], dict[str, int]]:
    """:func:`match_files` with both files read into frames (what Spark runs on, and the
    reference the streamed run is tested against)."""
    from hotich.matching.engine.batch import features_frame, reconcile
    from hotich.matching.engine.decide import OUTCOMES
    from hotich.matching.engine.features import person_features
    from hotich.matching.engine.modelfile import DEFAULT_MODEL, load_model_file

    citizens, problems = read_people(registry_path, kind="citizens")
    records, record_problems = read_people(records_path, kind="records")
    problems += record_problems
    if not records:
        raise ContractError(f"Tệp {records_path.name} không có bản ghi nào dùng được.")
    model = model or load_model_file(DEFAULT_MODEL)
    registry = features_frame(
        (person_features(p) for _, p in citizens), (pid for pid, _ in citizens)
    )
    frame = features_frame((person_features(p) for _, p in records), (rid for rid, _ in records))
    result = reconcile(model, frame, registry, thresholds=thresholds, backend=backend)  # type: ignore[arg-type]
    written = write_results(out_path, (rid for rid, _ in records), result.decisions)
    counts: dict[str, int] = dict.fromkeys(OUTCOMES, 0)
    for decision in result.decisions.values():
        counts[decision.outcome] += 1
    return written, problems, counts
