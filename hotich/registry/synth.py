"""A realistic synthetic population for demos and benchmarks (no real person in it).

Families rather than independent people: couples of similar age, children born while the
mother is 18–42 who take the father's family name, twins and siblings, the traditional
middle names "Văn"/"Thị" far more common in older generations, birthplaces drawn from real
communes of one province, valid personal IDs for that province, and older people who died.
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from hotich.lib.dates import PartialDate
from hotich.lib.idnumbers import generate_personal_id
from hotich.lib.names import (
    COMMON_FAMILY_NAMES,
    COMMON_GIVEN_NAMES_FEMALE,
    COMMON_GIVEN_NAMES_MALE,
    COMMON_MIDDLE_NAMES_FEMALE,
    COMMON_MIDDLE_NAMES_MALE,
)

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
    weights: list[float]

    @classmethod
    def of(cls, pairs: list[tuple[str, float]] | tuple[tuple[str, float], ...]) -> "_Weighted":
        return cls([p[0] for p in pairs], [float(p[1]) for p in pairs])

    def pick(self, rng: random.Random) -> str:
        return rng.choices(self.items, self.weights)[0]


@dataclass
class PopulationSynth:
    """Generate families; ``places`` are (commune code, "Xã …, Huyện …, Tỉnh …") pairs."""

    province_code: str
    places: list[tuple[str, str]]
    seed: int = 2026
    rng: random.Random = field(init=False)
    used_ids: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.family = _Weighted.of(COMMON_FAMILY_NAMES)
        self.middle = {
            "1": _Weighted.of(COMMON_MIDDLE_NAMES_MALE),
            "2": _Weighted.of(COMMON_MIDDLE_NAMES_FEMALE),
        }
        self.given = {
            "1": _Weighted.of(COMMON_GIVEN_NAMES_MALE),
            "2": _Weighted.of(COMMON_GIVEN_NAMES_FEMALE),
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
        if self.rng.random() < 0.06 and middle != marker:
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
            given_name=self.given[sex].pick(self.rng),
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
