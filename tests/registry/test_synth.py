"""hotich registry synth: a realistic population, in the registry or in a file."""

import csv
from collections import Counter

import pytest
from django.core.management import call_command

from hotich.demo.citizens import citizens_synthesise
from hotich.demo.population import POPULATION_COLUMNS, IdSet, province_places, synth_people
from hotich.lib.idnumbers import validate_personal_id
from hotich.matching.engine.features import PersonInput, match_columns
from hotich.registry.models import Citizen
from hotich.registry.services import citizens_load


@pytest.fixture(scope="module")
def people():
    return list(synth_people(count=6000, province_code="38", seed=7))


def test_people_have_valid_unique_ids_of_the_province(people):
    ids = [p["personal_id"] for p in people]
    assert len(ids) == len(set(ids)) >= 6000
    for p in people:
        assert p["personal_id"].startswith("038")
        assert (
            validate_personal_id(
                p["personal_id"], sex=p["sex"], birth_year=int(p["birth_date"][:4])
            )
            == []
        )


def test_families_have_parents_spouses_siblings_and_twins(people):
    by_id = {p["personal_id"]: p for p in people}
    children = [p for p in people if p["father_id"]]
    assert len(children) > len(people) / 3
    for child in children:
        father, mother = by_id[child["father_id"]], by_id[child["mother_id"]]
        assert (father["sex"], mother["sex"]) == ("Nam", "Nữ")
        assert child["father_name"] == father["full_name"]
        assert child["full_name"].split()[0] == father["full_name"].split()[0]
        assert int(child["birth_date"][:4]) - int(mother["birth_date"][:4]) >= 18
        assert father["spouse_id"] == mother["personal_id"]
        assert mother["spouse_id"] == father["personal_id"]
    siblings = Counter((c["father_id"], c["birth_date"]) for c in children)
    assert any(n == 2 for n in siblings.values())  # twins: same parents, same birth date
    assert len({c["father_id"] for c in children}) < len(children)  # brothers and sisters


def test_names_follow_sex_and_generation(people):
    families = Counter(p["full_name"].split()[0] for p in people)
    assert 0.25 < families["Nguyễn"] / len(people) < 0.5

    def marker_share(rows, word):
        return sum(r["full_name"].split()[1:2] == [word] for r in rows) / len(rows)

    old = [p for p in people if int(p["birth_date"][:4]) < 1970]
    young = [p for p in people if int(p["birth_date"][:4]) >= 2005]
    old_women = [p for p in old if p["sex"] == "Nữ"]
    young_women = [p for p in young if p["sex"] == "Nữ"]
    assert marker_share(old_women, "Thị") > 0.6 > 0.3 > marker_share(young_women, "Thị")
    assert marker_share([p for p in people if p["sex"] == "Nam"], "Thị") == 0

    def distinct_given(rows):
        return len({r["full_name"].split()[-1] for r in rows[:400]}) / min(400, len(rows))

    assert distinct_given(young) > distinct_given(old)


def test_birthplaces_are_real_communes_of_the_province(people):
    places = {text for _code, text in province_places("38")}
    assert len(places) > 500
    assert {p["birth_place"] for p in people} <= places
    assert len({p["birth_place"] for p in people}) > 300


def test_the_same_seed_gives_the_same_people_and_used_ids_are_avoided(people):
    again = list(synth_people(count=100, province_code="038", seed=7))
    assert again == people[: len(again)]
    used = {p["personal_id"] for p in again}
    other = list(synth_people(count=100, province_code="38", seed=7, used_ids=used))
    assert not used & {p["personal_id"] for p in other}


def test_the_id_set_holds_ids_in_bitmaps():
    ids = IdSet(["038090000001", "038090999999"])
    ids.add("038090000001")
    assert len(ids) == 2
    assert "038090999999" in ids and "038090000002" not in ids and "x" not in ids


def test_synthesising_into_the_registry_sets_keys_units_and_links(db, units):
    made = citizens_synthesise(count=400, province_code="38", seed=3, workers=0)

    assert made == Citizen.objects.count() >= 400
    assert Citizen.objects.filter(bk1=None).count() == 0
    c = Citizen.objects.exclude(father=None).select_related("father", "mother").first()
    assert c.father.spouse_id == c.mother.pk and c.mother.spouse_id == c.father.pk
    assert c.father_name == c.father.full_name
    expected = match_columns(PersonInput.from_citizen(c))
    assert {k: getattr(c, k) for k in expected} == expected
    # A second run adds new people and never reuses a personal ID.
    citizens_synthesise(count=400, province_code="38", seed=3, workers=0)
    assert Citizen.objects.count() >= 800


def test_synthesising_needs_the_administrative_units(db):
    with pytest.raises(ValueError, match="hotich places load"):
        citizens_synthesise(count=10, province_code="38")


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_the_command_writes_a_file_in_the_load_contract(db, tmp_path, suffix):
    path = tmp_path / f"people{suffix}"

    call_command(
        "registry_synth", "--count", "300", "--province", "38", "--out", str(path), "-v", "0"
    )

    if suffix == ".csv":
        with path.open(encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            assert tuple(reader.fieldnames) == POPULATION_COLUMNS
    report = citizens_load(path=path, workers=0)
    assert report.loaded == report.rows >= 300
    assert (report.rejected, report.links_missing) == (0, 0)
    assert Citizen.objects.exclude(mother=None).exists()


def test_the_command_synthesises_into_the_registry(db, units, capsys):
    call_command("registry_synth", "--count", "200", "--province", "038", "-v", "0")
    assert Citizen.objects.count() >= 200
    assert "vào CSDL dân cư" in capsys.readouterr().out


def test_the_command_refuses_an_unknown_output_type_or_province(db, tmp_path):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match=r"\.csv hoặc \.parquet"):
        call_command("registry_synth", "--count", "5", "--province", "38", "--out", "x.json")
    with pytest.raises(CommandError, match="Mã tỉnh 099"):
        call_command("registry_synth", "--count", "5", "--province", "99", "--out", "x.csv")
