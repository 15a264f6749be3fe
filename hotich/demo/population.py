"""A realistic synthetic population for demos and benchmarks (no real person in it).

Families rather than independent people: couples of similar age, children born while the
mother is 18–42 who take the father's family name, twins and siblings, the traditional
middle names "Văn"/"Thị" far more common in older generations, birthplaces drawn from real
communes of one province, valid personal IDs for that province, and older people who died.
"""

import csv
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path

from hotich.lib import places as lib_places
from hotich.lib.dates import PartialDate
from hotich.lib.idnumbers import generate_personal_id, normalise_province_code
from hotich.lib.names import (
    COMMON_FAMILY_NAMES,
    COMMON_GIVEN_NAMES_FEMALE,
    COMMON_GIVEN_NAMES_MALE,
    COMMON_MIDDLE_NAMES_FEMALE,
    COMMON_MIDDLE_NAMES_MALE,
)
from hotich.registry.rows import CONTRACT_COLUMNS, OPTIONAL_COLUMNS

ETHNICITIES = (("Kinh", 0.93), ("Mường", 0.04), ("Thái", 0.02), ("Thổ", 0.005), ("Dao", 0.005))


@dataclass
class SynthPerson:
    """One synthetic citizen; ``father``/``mother``/``spouse`` are indexes in the same batch."""

    personal_id: str
    family_name: str
    middle_name: str
    given_name: str
    sex: str  # "1" Nam, "2" Nữ (Ministry codes)
    birth_date: PartialDate
    birthplace: str
    birthplace_code: str
    hometown: str
    ethnicity: str
    alive: bool = True
    death_date: PartialDate | None = None
    father: int | None = None
    mother: int | None = None
    spouse: int | None = None
    father_name: str = ""
    mother_name: str = ""

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.family_name, self.middle_name, self.given_name) if p)


@dataclass
class _Weighted:
    items: list[str]
    cumulative: list[float]

    @classmethod
    def of(
        cls, pairs: list[tuple[str, float]] | tuple[tuple[str, float], ...], power: float = 1.0
    ) -> "_Weighted":
        """Return a sampler; POWER < 1 flattens the frequencies (more varied names)."""
        return cls([p[0] for p in pairs], list(accumulate(float(p[1]) ** power for p in pairs)))

    def pick(self, rng: random.Random) -> str:
        return rng.choices(self.items, cum_weights=self.cumulative)[0]


# Given names by generation: older people share a few very common names, younger ones are
# given a much more varied choice (the frequency list is flattened, not replaced).
_GENERATIONS = ((1970, 1.3), (1990, 1.0), (9999, 0.6))


def _generation(year: int) -> int:
    return next(i for i, (until, _power) in enumerate(_GENERATIONS) if year < until)


class IdSet:
    """A set of personal IDs in about 1 bit per possible number: one bitmap of the 10⁶ serials
    per (province, century/sex, year) prefix, so 10 million IDs take tens of megabytes."""

    def __init__(self, ids: Iterable[str] = ()) -> None:
        self._maps: dict[str, bytearray] = {}
        self._count = 0
        self.update(ids)

    def __len__(self) -> int:
        return self._count

    def __contains__(self, pid: object) -> bool:
        if not isinstance(pid, str) or len(pid) != 12:
            return False
        bits = self._maps.get(pid[:6])
        serial = int(pid[6:])
        return bits is not None and bool(bits[serial >> 3] & (1 << (serial & 7)))

    def add(self, pid: str) -> None:
        bits = self._maps.get(pid[:6])
        if bits is None:
            bits = self._maps[pid[:6]] = bytearray(125_000)
        serial = int(pid[6:])
        if not bits[serial >> 3] & (1 << (serial & 7)):
            bits[serial >> 3] |= 1 << (serial & 7)
            self._count += 1

    def update(self, ids: Iterable[str]) -> None:
        for pid in ids:
            self.add(pid)


@dataclass
class PopulationSynth:
    """Generate families; ``places`` are (commune code, "Xã …, Huyện …, Tỉnh …") pairs."""

    province_code: str
    places: list[tuple[str, str]]
    seed: int = 2026
    rng: random.Random = field(init=False)
    used_ids: IdSet = field(default_factory=IdSet)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.family = _Weighted.of(COMMON_FAMILY_NAMES)
        # The markers Văn/Thị are drawn by generation in _middle; the lists give the others.
        self.middle = {
            sex: _Weighted.of([(name, w) for name, w in names if name not in ("Văn", "Thị")])
            for sex, names in (("1", COMMON_MIDDLE_NAMES_MALE), ("2", COMMON_MIDDLE_NAMES_FEMALE))
        }
        self.given = {
            (sex, generation): _Weighted.of(names, power)
            for sex, names in (("1", COMMON_GIVEN_NAMES_MALE), ("2", COMMON_GIVEN_NAMES_FEMALE))
            for generation, (_until, power) in enumerate(_GENERATIONS)
        }
        self.ethnicity = _Weighted.of(ETHNICITIES)

    def _id(self, sex: str, year: int) -> str:
        while True:
            pid = generate_personal_id(
                province_code=self.province_code, sex=sex, birth_year=year, rng=self.rng
            )
            if pid not in self.used_ids:
                self.used_ids.add(pid)
                return pid

    def _middle(self, sex: str, year: int) -> str:
        # "Văn"/"Thị" were the norm before 1980 and faded after; some people have none.
        marker = "Văn" if sex == "1" else "Thị"
        p_marker = 0.75 if year < 1970 else 0.5 if year < 1990 else 0.25 if year < 2005 else 0.12
        roll = self.rng.random()
        if roll < p_marker:
            return marker
        if roll < p_marker + 0.03:
            return ""
        middle = self.middle[sex].pick(self.rng)
        # A few people carry a double middle name ("Thị Ngọc", "Văn Minh").
        if self.rng.random() < 0.06:
            middle = f"{marker} {middle}"
        return middle

    def _date(self, year: int) -> PartialDate:
        month = self.rng.randint(1, 12)
        day = self.rng.randint(1, 28 if month == 2 else 30 if month in (4, 6, 9, 11) else 31)
        # Older registry records often know only the year.
        if year < 1960 and self.rng.random() < 0.3:
            return PartialDate(year, None, None)
        return PartialDate(year, month, day)

    def person(
        self,
        *,
        sex: str,
        year: int,
        family_name: str | None = None,
        place: tuple[str, str] | None = None,
    ) -> SynthPerson:
        code, birthplace = place or self.rng.choice(self.places)
        person = SynthPerson(
            personal_id=self._id(sex, year),
            family_name=family_name or self.family.pick(self.rng),
            middle_name=self._middle(sex, year),
            given_name=self.given[sex, _generation(year)].pick(self.rng),
            sex=sex,
            birth_date=self._date(year),
            birthplace=birthplace,
            birthplace_code=code,
            hometown=birthplace,
            ethnicity=self.ethnicity.pick(self.rng),
        )
        if year < 1950 and self.rng.random() < 0.45:
            person.alive = False
            death_year = self.rng.randint(max(year + 40, 1990), 2024)
            person.death_date = PartialDate(
                death_year, self.rng.randint(1, 12), self.rng.randint(1, 28)
            )
        return person

    def families(self, count: int) -> Iterator[list[SynthPerson]]:
        """Yield families (father, mother, children…) until COUNT people have been made."""
        made = 0
        while made < count:
            father_year = self.rng.randint(1935, 1998)
            mother_year = min(2004, max(1935, father_year + self.rng.randint(-2, 7)))
            place = self.rng.choice(self.places)
            father = self.person(sex="1", year=father_year, place=place)
            mother = self.person(sex="2", year=mother_year)
            family = [father, mother]
            father.spouse, mother.spouse = 1, 0
            n_children = self.rng.choices([0, 1, 2, 3, 4, 5], [5, 18, 40, 22, 10, 5])[0]
            years = sorted(
                y
                for y in (mother_year + self.rng.randint(18, 42) for _ in range(n_children))
                if y <= 2025
            )
            for year in years:
                children = 2 if self.rng.random() < 0.012 else 1  # twins
                first: SynthPerson | None = None
                for _ in range(children):
                    sex = self.rng.choice("12")
                    child = self.person(
                        sex=sex, year=year, family_name=father.family_name, place=place
                    )
                    if first is not None:
                        child.birth_date = first.birth_date
                    first = first or child
                    child.father, child.mother = 0, 1
                    child.father_name, child.mother_name = father.full_name, mother.full_name
                    family.append(child)
            made += len(family)
            yield family


def province_places(province_code: str) -> list[tuple[str, str]]:
    """Return (commune code, "Xã …, Huyện …, Tỉnh …") for every pre-2025 commune of a province.

    ``province_code`` is "38" or "038". Births in the registry are written with the units of
    their time, so the pre-2025 units are the ones a population born before 2025 has.
    """
    code = normalise_province_code(province_code)[-2:]
    units = {(u.level, u.code): u for u in lib_places.iter_units("pre2025", code)}
    places = []
    for (level, _code), unit in units.items():
        if level != "commune":
            continue
        district = units.get(("district", unit.parent_code or ""))
        province = units.get(("province", district.parent_code or "")) if district else None
        parts = [unit, district, province]
        places.append((unit.code, ", ".join(p.full_name for p in parts if p is not None)))
    return places


_SEX_WORDS = {"1": "Nam", "2": "Nữ"}


def contract_rows(
    families: Iterable[list[SynthPerson]], *, with_codes: bool = False
) -> Iterator[dict[str, str]]:
    """Yield each person as a row of the load contract (``hotich registry load``).

    With ``with_codes``, rows also carry ``birthplace_code`` (the commune's code), which the
    loader uses instead of resolving the birthplace text.
    """
    for family in families:
        ids = [p.personal_id for p in family]
        residence = family[0].birthplace
        for person in family:
            row = {
                "personal_id": person.personal_id,
                "full_name": person.full_name,
                "birth_date": person.birth_date.isoformat(),
                "sex": _SEX_WORDS[person.sex],
                "birth_place": person.birthplace,
                "hometown": person.hometown,
                "ethnicity": person.ethnicity,
                "father_name": person.father_name,
                "mother_name": person.mother_name,
                "residence": residence,
                "nationality": "Việt Nam",
                "spouse_id": ids[person.spouse] if person.spouse is not None else "",
                "father_id": ids[person.father] if person.father is not None else "",
                "mother_id": ids[person.mother] if person.mother is not None else "",
                "death_date": person.death_date.isoformat() if person.death_date else "",
            }
            if with_codes:
                row["birthplace_code"] = person.birthplace_code
            yield row


def synth_people(
    *,
    count: int,
    province_code: str,
    seed: int = 2026,
    used_ids: Iterable[str] = (),
    with_codes: bool = False,
) -> Iterator[dict[str, str]]:
    """Yield about COUNT synthetic people born in a province, as load-contract dicts.

    Pure (no database): birthplaces are the province's real pre-2025 communes, personal IDs
    are valid for the province and never one of ``used_ids``. The same seed gives the same
    people. Families are yielded whole, so the last family may pass COUNT by a few people.
    """
    places = province_places(province_code)
    if not places:
        raise ValueError(f"Tỉnh {province_code} không có xã nào trong danh mục trước 2025.")
    synth = PopulationSynth(
        province_code=normalise_province_code(province_code), places=places, seed=seed
    )
    synth.used_ids.update(used_ids)
    yield from contract_rows(synth.families(count), with_codes=with_codes)


#: Columns of a population file written by :func:`population_write`, in order.
POPULATION_COLUMNS = (*CONTRACT_COLUMNS, *OPTIONAL_COLUMNS)


def population_write(
    path: str | Path, rows: Iterable[dict[str, str]], *, progress=None, batch: int = 100_000
) -> int:
    """Write ROWS to PATH (.csv in UTF-8, or .parquet with text columns); return how many."""
    path = Path(path)
    suffix = path.suffix.lower()
    written = 0
    if suffix == ".csv":
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, POPULATION_COLUMNS, extrasaction="ignore")
            writer.writeheader()
            for row in rows:
                writer.writerow(row)
                written += 1
                if progress and written % 10_000 == 0:
                    progress(written)
    elif suffix == ".parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        schema = pa.schema([(c, pa.string()) for c in POPULATION_COLUMNS])
        with pq.ParquetWriter(path, schema) as parquet:
            chunk: list[dict[str, str]] = []
            for row in rows:
                chunk.append(row)
                if len(chunk) >= batch:
                    parquet.write_table(pa.Table.from_pylist(chunk, schema=schema))
                    written += len(chunk)
                    chunk = []
                    if progress:
                        progress(written)
            if chunk:
                parquet.write_table(pa.Table.from_pylist(chunk, schema=schema))
                written += len(chunk)
    else:
        raise ValueError(f"Chỉ ghi được tệp .csv hoặc .parquet, không ghi được “{suffix}”.")
    if progress:
        progress(written)
    return written
