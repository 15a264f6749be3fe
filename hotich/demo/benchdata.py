"""Book records with the field's noise, and the truth, from a synthetic population (pure).

Used by the benchmarks, the equivalence tests and ``hotich model train --benchmark``. People
are dicts in the file contract (``personal_id, full_name, birth_date, sex, birth_place,
hometown, ethnicity, father_name, mother_name``). From them come:

- the registry: everyone except people "absent from the registry", with some values that
  really differ from the book (another day of birth, another tone in the given name,
  another ethnicity), plus namesakes (same name, same birth year, another person);
- records as a book would have them, keyed with noise: lost diacritics, the other tone
  style, TCVN3/VNI mojibake, typos, CAPITALS, year-only or month/year dates, day and month
  swapped, "Văn"/"Thị" dropped or added, missing fields;
- the truth: the personal ID each record should get (None for the absent), and whether the
  registry really differs.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from hotich.lib.dates import PartialDate
from hotich.lib.legacy import from_unicode
from hotich.lib.text import fold, place_tones

if TYPE_CHECKING:
    from hotich.demo.population import PopulationSynth, SynthPerson

# Shares of the noise, per record (independent draws).
NOISE = {
    "no_diacritics": 0.15,
    "tone_style": 0.10,
    "tcvn3": 0.04,
    "vni": 0.04,
    "capitals": 0.10,
    "typo": 0.05,
    "drop_marker": 0.05,
    "add_marker": 0.03,
    "year_only": 0.08,
    "month_year": 0.06,
    "swap_day_month": 0.04,
    "no_sex": 0.10,
    "no_birth_place": 0.20,
    "no_parents": 0.30,
    "no_ethnicity": 0.30,
}
# Registry values that really differ from the book.
DIFFER = 0.03
_GIVEN_TONE_SWAPS = {"Hùng": "Hưng", "Hưng": "Hùng", "Lan": "Lân", "Hoa": "Hòa", "Hòa": "Hoa"}


@dataclass
class BenchData:
    registry: list[dict[str, str]]
    records: list[dict[str, str]]
    truth: dict[str, str | None]  # record_id → personal_id (None: absent from the registry)
    differs: set[str] = field(default_factory=set)  # record_ids whose registry values differ
    noise: dict[str, list[str]] = field(default_factory=dict)  # record_id → noise applied


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 3:
        return word
    i = rng.randrange(1, len(word))
    kind = rng.random()
    letters = "abcdeghiklmnopqrstuvxy"
    if kind < 0.4:
        return word[:i] + rng.choice(letters) + word[i + 1 :]
    if kind < 0.7:
        return word[:i] + word[i + 1 :]
    return word[:i] + rng.choice(letters) + word[i:]


def _name_noise(name: str, sex: str, rng: random.Random, applied: list[str]) -> str:
    words = name.split()
    if len(words) >= 3 and words[1] in ("Văn", "Thị") and rng.random() < NOISE["drop_marker"]:
        words.pop(1)
        applied.append("drop_marker")
    elif len(words) >= 2 and "Văn" not in words and "Thị" not in words:
        if rng.random() < NOISE["add_marker"]:
            words.insert(1, "Văn" if sex == "Nam" else "Thị")
            applied.append("add_marker")
    if rng.random() < NOISE["typo"]:
        j = rng.choice([0, len(words) - 1])
        words[j] = _typo(words[j], rng)
        applied.append("typo")
    name = " ".join(words)
    if rng.random() < NOISE["tone_style"]:
        name = place_tones(name, "nucleus")
        applied.append("tone_style")
    roll = rng.random()
    if roll < NOISE["no_diacritics"]:
        name = fold(name).title()
        applied.append("no_diacritics")
    elif roll < NOISE["no_diacritics"] + NOISE["tcvn3"]:
        name = from_unicode(name, "tcvn3")
        applied.append("tcvn3")
    elif roll < NOISE["no_diacritics"] + NOISE["tcvn3"] + NOISE["vni"]:
        name = from_unicode(name, "vni")
        applied.append("vni")
    if rng.random() < NOISE["capitals"]:
        name = name.upper()
        applied.append("capitals")
    return name


def _date_noise(iso: str, rng: random.Random, applied: list[str]) -> str:
    if not iso:
        return ""
    date = PartialDate.from_iso(iso)
    roll = rng.random()
    if date.day is None:
        return date.display()
    if roll < NOISE["year_only"]:
        applied.append("year_only")
        return str(date.year)
    roll -= NOISE["year_only"]
    if roll < NOISE["month_year"]:
        applied.append("month_year")
        return f"{date.month:02d}/{date.year}"
    roll -= NOISE["month_year"]
    if roll < NOISE["swap_day_month"] and date.day <= 12 and date.day != date.month:
        applied.append("swap_day_month")
        return f"{date.month:02d}/{date.day:02d}/{date.year}"
    return f"{date.day:02d}/{date.month:02d}/{date.year}"


def registry_differing(person: dict[str, str], rng: random.Random) -> dict[str, str]:
    """Return a registry copy of ``person`` with one basic value that really differs."""
    changed = dict(person)
    words = person["full_name"].split()
    choice = rng.random()
    if choice < 0.4 and person["birth_date"] and len(person["birth_date"]) == 10:
        date = PartialDate.from_iso(person["birth_date"])
        day = date.day % 28 + 1 if date.day else 1
        changed["birth_date"] = f"{date.year:04d}-{date.month:02d}-{day:02d}"
    elif choice < 0.7 and words and words[-1] in _GIVEN_TONE_SWAPS:
        changed["full_name"] = " ".join([*words[:-1], _GIVEN_TONE_SWAPS[words[-1]]])
    else:
        changed["ethnicity"] = "Mường" if person.get("ethnicity") == "Kinh" else "Kinh"
    return changed


def noisy_record(
    person: dict[str, str], record_id: str, rng: random.Random
) -> tuple[dict[str, str], list[str]]:
    """Return the book record of ``person`` keyed with the field's noise, and the noise applied."""
    applied: list[str] = []
    parents = rng.random() >= NOISE["no_parents"]
    record = {
        "record_id": record_id,
        "full_name": _name_noise(person["full_name"], person["sex"], rng, applied),
        "birth_date": _date_noise(person["birth_date"], rng, applied),
        "sex": "" if rng.random() < NOISE["no_sex"] else person["sex"],
        "birth_place": "" if rng.random() < NOISE["no_birth_place"] else person["birth_place"],
        "hometown": person.get("hometown", ""),
        "ethnicity": "" if rng.random() < NOISE["no_ethnicity"] else person["ethnicity"],
        "father_name": person.get("father_name", "") if parents else "",
        "mother_name": person.get("mother_name", "") if parents else "",
    }
    return record, applied


def make_bench_data(
    people: Sequence[dict[str, str]],
    *,
    records: int,
    absent: float = 0.15,
    namesakes: float = 0.05,
    seed: int = 7,
) -> BenchData:
    """Return registry, noisy records and truth for ``records`` people drawn from ``people``."""
    rng = random.Random(seed)
    chosen = rng.sample(range(len(people)), min(records, len(people)))
    absent_ids = {people[i]["personal_id"] for i in chosen[: int(len(chosen) * absent)]}
    differ_ids = {
        people[i]["personal_id"]
        for i in chosen[int(len(chosen) * absent) :]
        if rng.random() < DIFFER
    }
    registry = []
    for person in people:
        pid = person["personal_id"]
        if pid in absent_ids:
            continue
        registry.append(registry_differing(person, rng) if pid in differ_ids else dict(person))
    # Namesakes: another person with the same name, born the same year, elsewhere.
    used = {p["personal_id"] for p in people}
    # Half are namesakes of people absent from the registry (the wrong person is at hand),
    # half of registered people (two registered candidates to tell apart).
    n_absent = int(len(chosen) * absent)
    half = int(len(chosen) * namesakes / 2)
    for i in chosen[:half] + chosen[n_absent : n_absent + half]:
        person = people[i]
        twin_name = dict(person)
        year = person["birth_date"][:4]
        pid = person["personal_id"][:6] + f"{rng.randrange(10**6):06d}"
        while pid in used:
            pid = person["personal_id"][:6] + f"{rng.randrange(10**6):06d}"
        used.add(pid)
        twin_name.update(
            personal_id=pid,
            birth_date=f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            father_name="",
            mother_name="",
            birth_place=people[rng.randrange(len(people))]["birth_place"],
        )
        registry.append(twin_name)
    out_records = []
    truth: dict[str, str | None] = {}
    differs = set()
    noise: dict[str, list[str]] = {}
    for n, i in enumerate(chosen):
        person = people[i]
        record_id = f"R{n:07d}"
        record, applied = noisy_record(person, record_id, rng)
        out_records.append(record)
        pid = person["personal_id"]
        truth[record_id] = None if pid in absent_ids else pid
        if pid in differ_ids:
            differs.add(record_id)
        noise[record_id] = applied
    return BenchData(registry, out_records, truth, differs, noise)


def population_synth(*, province_code: str = "38", seed: int = 2026) -> PopulationSynth:
    """Return the synthetic population generator of ``province_code``'s communes."""
    from hotich.demo.population import PopulationSynth
    from hotich.lib.places import iter_units

    units = [
        u
        for u in iter_units()
        if u.province_code == province_code and u.level == "commune" and u.period == "pre2025"
    ]
    districts = {u.code: u for u in iter_units() if u.level == "district" and u.period == "pre2025"}
    provinces = {u.code: u for u in iter_units() if u.level == "province" and u.period == "pre2025"}
    places = []
    for u in units:
        parts = [u.full_name]
        if u.parent_code and u.parent_code in districts:
            parts.append(districts[u.parent_code].full_name)
        parts.append(provinces[u.province_code].full_name)
        places.append((u.code, ", ".join(parts)))
    return PopulationSynth(province_code=province_code, places=places, seed=seed)


_SEX = {"1": "Nam", "2": "Nữ"}


def contract_person(p: SynthPerson) -> dict[str, str]:
    """Return a synthetic person as a dict of the file contract."""
    return {
        "personal_id": p.personal_id,
        "full_name": p.full_name,
        "birth_date": p.birth_date.isoformat(),
        "sex": _SEX[p.sex],
        "birth_place": p.birthplace,
        "hometown": p.hometown,
        "ethnicity": p.ethnicity,
        "father_name": p.father_name,
        "mother_name": p.mother_name,
    }


def synth_people(
    count: int, *, province_code: str = "38", seed: int = 2026
) -> list[dict[str, str]]:
    """Return about ``count`` synthetic people (families) as contract dicts, without Django."""
    synth = population_synth(province_code=province_code, seed=seed)
    return [contract_person(p) for family in synth.families(count) for p in family]
