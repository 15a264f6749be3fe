"""Fixtures of the matching tests: a synthetic registry in the database, noisy records."""

import pytest

from hotich.demo.benchdata import make_bench_data, synth_people
from hotich.lib.dates import PartialDate
from hotich.matching.engine.features import PersonInput, match_columns
from hotich.registry.models import Citizen


def person_input(row: dict) -> PersonInput:
    return PersonInput.from_row(row)


def citizens_insert(rows: list[dict]) -> None:
    sex = {"Nam": "1", "Nữ": "2"}
    Citizen.objects.bulk_create(
        [
            Citizen(
                personal_id=row["personal_id"],
                full_name=row["full_name"],
                name_key=row["full_name"].lower(),
                birth_date=PartialDate.from_iso(row["birth_date"]) if row["birth_date"] else None,
                birth_year=int(row["birth_date"][:4]) if row["birth_date"] else None,
                sex=sex.get(row["sex"], "3"),
                birthplace=row.get("birth_place", ""),
                hometown=row.get("hometown", ""),
                ethnicity=row.get("ethnicity", ""),
                father_name=row.get("father_name", ""),
                mother_name=row.get("mother_name", ""),
                **match_columns(person_input(row)),
            )
            for row in rows
        ],
        batch_size=2000,
    )


@pytest.fixture(scope="session")
def bench_data():
    """About 12,000 synthetic people and 1,200 noisy book records with their truth."""
    people = synth_people(12_000, seed=11)
    return make_bench_data(people, records=1_200, seed=11)


@pytest.fixture
def registry(db, bench_data):
    citizens_insert(bench_data.registry)
    return bench_data
