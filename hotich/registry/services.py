"""Writes to the population registry: bulk loads, new personal IDs (the synthetic population
is written by hotich.demo.citizens.citizens_synthesise)."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from hotich.audit.actor import Actor
from hotich.audit.models import AuditEvent
from hotich.audit.services import audit_record
from hotich.lib.dates import DateParseError, PartialDate, parse_partial_date
from hotich.lib.idnumbers import InvalidPersonalId, generate_personal_id, normalise_province_code
from hotich.matching.engine.features import (
    BLOCKING_KEYS,
    CITIZEN_INPUT_FIELDS,
    FEATURES_VERSION,
    PersonInput,
    clean_text,
    match_columns,
    parse_sex,
)
from hotich.places.models import AdministrativeUnit
from hotich.registry import loading
from hotich.registry.extracts import open_extract
from hotich.registry.models import Citizen
from hotich.registry.rows import DEFAULT_NATIONALITY, name_columns

ID_ATTEMPTS = 20  # 10⁶ serials per province, sex and year: collisions are rare but happen


def citizens_load(
    *,
    path: str | Path,
    workers: int | None = None,
    rebuild_indexes: bool | None = None,
    progress: loading.Progress | None = None,
    on_problem: Callable[[Any, str], None] | None = None,
) -> loading.LoadReport:
    """Load a registry extract (CSV, Parquet or .xlsx) into the registry; return the report.

    Good rows are loaded (an existing personal ID updates its citizen), bad rows are reported
    by row and column. Raise ExtractError (Vietnamese message) when the file cannot be read
    at all (not found, wrong type, required columns missing).
    """
    extract = open_extract(path)
    return loading.extract_load(
        extract,
        workers=workers,
        rebuild_indexes=rebuild_indexes,
        progress=progress,
        on_problem=on_problem,
    )


class PersonalIdIssueError(ValueError):
    """A personal ID cannot be issued; the message is Vietnamese, for the officer."""


def personal_id_issue(
    *,
    full_name: str,
    sex: str,
    birth_date: PartialDate | str,
    province_code: str,
    user: Any,
    birthplace: str = "",
    birthplace_unit: AdministrativeUnit | None = None,
    hometown: str = "",
    ethnicity: str = "",
    nationality: str = DEFAULT_NATIONALITY,
    residence: str = "",
    father_name: str = "",
    mother_name: str = "",
    father: Citizen | None = None,
    mother: Citizen | None = None,
    rng: random.Random | None = None,
    actor: Actor | None = None,
) -> Citizen:
    """Issue a personal ID to a person the registry does not know; return the new Citizen.

    The number follows the rules in docs/sources.md, "Personal ID": PROVINCE_CODE (where the birth is registered),
    the century/sex digit, the last two digits of the birth year, six random digits (from
    ``rng`` when given, else ``secrets``). Uniqueness is the database's unique constraint:
    each attempt inserts inside a savepoint and a collision draws a new number, up to
    ID_ATTEMPTS times. The creation is audited. Raise PersonalIdIssueError when the person's
    facts cannot give a number (no name, sex not Nam/Nữ, no birth year, unknown province).
    """
    names = name_columns(full_name)
    if not names["given_name"]:
        raise PersonalIdIssueError(_("Thiếu họ và tên."))
    sex_code = parse_sex(sex)
    if sex_code is None:
        raise PersonalIdIssueError(_("Cần giới tính Nam hoặc Nữ để cấp số định danh cá nhân."))
    try:
        date = birth_date if isinstance(birth_date, PartialDate) else parse_partial_date(birth_date)
        code = normalise_province_code(province_code)
    except (DateParseError, InvalidPersonalId) as exc:
        raise PersonalIdIssueError(str(exc)) from exc
    texts = {
        "birthplace": clean_text(birthplace),
        "hometown": clean_text(hometown),
        "ethnicity": clean_text(ethnicity),
        "nationality": clean_text(nationality),
        "residence": clean_text(residence),
        "father_name": clean_text(father_name or (father.full_name if father else "")),
        "mother_name": clean_text(mother_name or (mother.full_name if mother else "")),
    }
    keys = match_columns(
        PersonInput(
            full_name=names["full_name"],
            birth_date=date,
            sex=sex_code,
            birth_place=texts["birthplace"],
            hometown=texts["hometown"],
            ethnicity=texts["ethnicity"],
            father_name=texts["father_name"],
            mother_name=texts["mother_name"],
        )
    )
    with transaction.atomic():
        for _attempt in range(ID_ATTEMPTS):
            try:
                pid = generate_personal_id(
                    province_code=code, sex=sex_code, birth_year=date.year, rng=rng
                )
            except InvalidPersonalId as exc:
                raise PersonalIdIssueError(str(exc)) from exc
            citizen = Citizen(
                personal_id=pid,
                **names,
                **texts,
                birth_date=date,
                birth_year=date.year,
                sex=sex_code,
                birthplace_unit=birthplace_unit,
                father=father,
                mother=mother,
                source=Citizen.Source.CREATED,
                **keys,
            )
            try:
                with transaction.atomic():  # a savepoint: a collision leaves the rest intact
                    citizen.save(force_insert=True)
            except IntegrityError:
                if not Citizen.objects.filter(personal_id=pid).exists():
                    raise  # another constraint failed: not a collision
                continue
            audit_record(
                action=AuditEvent.Action.CREATE,
                actor=actor,
                user=user,
                obj=citizen,
                object_id=citizen.personal_id,
                changes={"personal_id": pid, "attempts": _attempt + 1},
            )
            return citizen
    raise PersonalIdIssueError(
        _("Không cấp được số định danh cá nhân sau %(n)s lần thử; hãy thử lại.")
        % {"n": ID_ATTEMPTS}
    )


def stale_features() -> Any:
    """Return the citizens without stored matching features of the current version."""
    return Citizen.objects.filter(
        Q(match_features__isnull=True) | ~Q(match_features__startswith=f"[{FEATURES_VERSION},")
    )


def citizens_refeature(
    *, everyone: bool = False, chunk: int = 5_000, progress: Callable[[int], None] | None = None
) -> int:
    """Store the matching engine's keys and features of citizens who lack the current ones.

    Needed after an upgrade that changes how features are derived (FEATURES_VERSION), or for
    citizens written by other means than the loader; ``everyone`` redoes all of them. The
    lookup gives the same answers without this, only slower. Returns how many were updated.
    """
    citizens = Citizen.objects.all() if everyone else stale_features()
    fields = [*BLOCKING_KEYS, "match_features"]
    table = connection.ops.quote_name(Citizen._meta.db_table)
    assignments = ", ".join(f"{connection.ops.quote_name(f)} = %s" for f in fields)
    # Plain executemany: bulk_update builds one CASE per column, quadratic in the batch size.
    update = f"UPDATE {table} SET {assignments} WHERE id = %s"  # noqa: S608 - our identifiers
    done, last = 0, 0
    while True:
        batch = list(
            citizens.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", *CITIZEN_INPUT_FIELDS)[:chunk]
        )
        if not batch:
            return done
        params = []
        for pk, *values in batch:
            citizen = dict(zip(CITIZEN_INPUT_FIELDS, values, strict=True))
            columns = match_columns(PersonInput.from_citizen(SimpleNamespace(**citizen)))
            params.append([*(columns[f] for f in fields), pk])
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(update, params)
        done += len(batch)
        last = batch[-1][0]
        if progress:
            progress(done)
