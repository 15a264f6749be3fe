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
        missing = [c for c in required if c not in header]
        if missing:
            raise ContractError(
                f"Tệp {path.name} thiếu cột: {', '.join(missing)} (cần: {', '.join(required)})."
            )
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


def read_people(path: Path, *, kind: str) -> tuple[list[tuple[str, PersonInput]], list[RowProblem]]:
    """Read a citizens (``kind`` "citizens") or records file: (id, person) pairs and problems."""
    id_column = "personal_id" if kind == "citizens" else "record_id"
    required = (id_column, "full_name", "birth_date", "sex")
    people: list[tuple[str, PersonInput]] = []
    problems: list[RowProblem] = []
    seen: set[str] = set()
    for number, row in _rows(path, required):
        identifier = row.get(id_column, "")
        if not identifier:
            problems.append(RowProblem(path.name, number, id_column, "thiếu mã"))
            continue
        if identifier in seen:
            problems.append(
                RowProblem(
                    path.name, number, id_column, f"mã “{identifier}” bị trùng với dòng trước"
                )
            )
            continue
        if kind == "citizens":
            errors = validate_personal_id(identifier, today=_FAR_FUTURE)
            if errors:
                problems.append(RowProblem(path.name, number, id_column, errors[0]))
                continue
        person, row_problems = _person(row, number, path.name)
        problems.extend(row_problems)
        if person is None:
            continue
        seen.add(identifier)
        people.append((identifier, person))
    return people, problems


def write_results(path: Path, order: Iterable[str], decisions: dict[str, Decision]) -> int:
    """Write results.csv in the records' order; return the rows written."""
    written = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(RESULT_COLUMNS)
        for record_id in order:
            decision = decisions[record_id]
            writer.writerow(
                csv_row(
                    [
                        record_id,
                        decision.outcome,
                        decision.personal_id or "",
                        "" if decision.score is None else f"{decision.score:.6f}",
                        ";".join(decision.fields),
                    ]
                )
            )
            written += 1
    return written


def match_files(
    registry_path: Path,
    records_path: Path,
    out_path: Path,
    *,
    backend: str = "duckdb",
    model: object = None,
    thresholds: object = None,
) -> tuple[int, list[RowProblem], dict[str, int]]:
    """Run the batch path on two contract files; return rows written, problems, outcome counts.

    Raises ContractError when nothing can be done (unreadable file, missing columns, no
    usable row).
    """
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
