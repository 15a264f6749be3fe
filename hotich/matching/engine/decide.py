"""From scored candidates to one outcome: match, discrepancy, not_found or review (pure).

Both paths call :func:`decide` with the candidates they scored, so they decide alike.
"""

from __future__ import annotations

from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from rapidfuzz.distance import Levenshtein

from hotich.lib.dates import PartialDate
from hotich.matching.engine.model import COMPARISON_BY_KEY

Outcome = Literal["match", "discrepancy", "not_found", "review"]
OUTCOMES: tuple[Outcome, ...] = ("match", "discrepancy", "not_found", "review")

OUTCOME_LABELS: dict[str, str] = {
    "match": "Tìm thấy, thông tin thống nhất",
    "discrepancy": "Tìm thấy, thông tin chưa thống nhất",
    "not_found": "Không tìm thấy",
    "review": "Cần cán bộ quyết định",
}

# The basic fields compared for discrepancies (residence is excluded by the procedure), with
# the names of the file contract and their Vietnamese labels.
BASIC_FIELDS: dict[str, str] = {
    "full_name": "Họ và tên",
    "birth_date": "Ngày sinh",
    "sex": "Giới tính",
    "birth_place": "Nơi sinh",
    "hometown": "Quê quán",
    "ethnicity": "Dân tộc",
    "father_name": "Họ tên cha",
    "mother_name": "Họ tên mẹ",
}


@dataclass(frozen=True)
class Thresholds:
    """Decision thresholds on the match probability of the best candidates.

    - ``match``: the best candidate is identified at or above this probability…
    - ``margin``: …and it is at least this many bits (match weight) above the runner-up,
      if the runner-up is above ``floor``;
    - ``floor``: a best candidate below this is nobody (not_found); candidates below it are
      not competitors.
    Between ``floor`` and ``match``, or without the margin, or when the best candidate looks
    like a relative or a namesake (:func:`looks_like_a_relative`), the record goes to review.
    """

    # Measured on two draws of the benchmark (docs/benchmarks-matching.md): a floor of 0.3
    # halves the registered people called not_found (a second personal ID) for 0.35 % more
    # review; 0.95 sends 0.3 % fewer to review with no more wrong people.
    match: float = 0.95
    floor: float = 0.3
    margin: float = 5.0

    def as_dict(self) -> dict[str, float]:
        return {"match": self.match, "floor": self.floor, "margin": self.margin}


@dataclass(frozen=True)
class Candidate:
    """A scored registry citizen for one record."""

    personal_id: str
    probability: float
    weight: float
    features: Mapping[str, Any]
    explanation: Any = None  # hotich.matching.engine.model.Score, when kept


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    personal_id: str | None
    score: float | None  # probability of the best candidate
    fields: tuple[str, ...] = ()  # differing basic fields (discrepancy)
    candidates: tuple[Candidate, ...] = field(default_factory=tuple)
    reason: str = ""  # why, in words (Vietnamese, shown to officers): REASONS


def _names_differ(left: Mapping[str, Any], right: Mapping[str, Any]) -> bool:
    parts = ("fam", "mid", "giv")
    written_l = [left.get(f"{p}_n") or "" for p in parts]
    written_r = [right.get(f"{p}_n") or "" for p in parts]
    if written_l == written_r:
        return False
    folded_l = [left.get(f"{p}_f") or "" for p in parts]
    folded_r = [right.get(f"{p}_f") or "" for p in parts]
    if folded_l != folded_r:
        return True
    # Same letters: a side written with no diacritics at all is damaged text, not a
    # different name; tones that disagree are a real difference (Hùng / Hưng).
    return all(not "".join(w).isascii() for w in (written_l, written_r))


def _places_differ(left: Mapping[str, Any], right: Mapping[str, Any], prefix: str) -> bool:
    unit_l, unit_r = left.get(f"{prefix}_u"), right.get(f"{prefix}_u")
    if not unit_l or not unit_r or unit_l == unit_r:
        return False
    current_l, current_r = left.get(f"{prefix}_c"), right.get(f"{prefix}_c")
    if current_l and current_r:
        return current_l != current_r
    province_l, province_r = left.get(f"{prefix}_p"), right.get(f"{prefix}_p")
    if province_l and province_r:
        return province_l != province_r
    return False


def _known_and_differ(left: Mapping[str, Any], right: Mapping[str, Any], column: str) -> bool:
    a, b = left.get(column), right.get(column)
    return a is not None and b is not None and a != b


#: Name levels that are the book's keying noise, not another name: "Văn"/"Thị" dropped or
#: added (markers), one letter typed wrong (fuzzy). The model weighs them (m and u learned
#: by EM); they are shown in the explanation, but the registry does not differ there.
NOISE_NAME_LEVELS = frozenset({"markers", "fuzzy"})
#: Date levels that are keying noise: day and month written in the other order.
NOISE_DATE_LEVELS = frozenset({"swapped"})


def _name_parts_differ(
    left: Mapping[str, Any], right: Mapping[str, Any], *, keying_noise: bool
) -> bool:
    if not _names_differ(left, right):
        return False
    if keying_noise:
        return True
    if _names_swapped(left, right):
        return False
    for part in ("fam", "mid", "giv"):
        level = _level(part, left, right)
        if level in ("null", "exact") or level in NOISE_NAME_LEVELS:
            continue
        if level in ("untoned", "folded"):
            # Same letters: only a difference when both sides are written with diacritics
            # (Hùng / Hưng); a side without any is damaged text.
            written = [
                "".join(row.get(f"{p}_n") or "" for p in ("fam", "mid", "giv"))
                for row in (left, right)
            ]
            if all(not w.isascii() for w in written):
                return True
            continue
        return True
    return False


def differing_fields(
    record: Mapping[str, Any], citizen: Mapping[str, Any], *, keying_noise: bool = False
) -> tuple[str, ...]:
    """Return the basic fields (BASIC_FIELDS keys) on which two feature rows disagree.

    A field unknown on either side does not disagree; a date known to the year only agrees
    with any date of that year; places agree when they map to the same current commune.
    The book's keying noise (:data:`NOISE_NAME_LEVELS`, :data:`NOISE_DATE_LEVELS`: "Văn"
    dropped, one letter wrong, day and month swapped, family and given name swapped) is no
    discrepancy of the registry; ``keying_noise=True`` lists it too (an officer who calls a
    record a discrepancy sees every written difference).
    """
    differ = []
    if (
        record.get("giv_f")
        and citizen.get("giv_f")
        and _name_parts_differ(record, citizen, keying_noise=keying_noise)
    ):
        differ.append("full_name")
    date_l, date_r = record.get("bd"), citizen.get("bd")
    if date_l and date_r:
        if not PartialDate.from_iso(date_l).compatible(PartialDate.from_iso(date_r)) and (
            keying_noise or _level("bd", record, citizen) not in NOISE_DATE_LEVELS
        ):
            differ.append("birth_date")
    if _known_and_differ(record, citizen, "sex"):
        differ.append("sex")
    if _places_differ(record, citizen, "bp"):
        differ.append("birth_place")
    if _places_differ(record, citizen, "ht"):
        differ.append("hometown")
    if _known_and_differ(record, citizen, "eth"):
        differ.append("ethnicity")
    if _known_and_differ(record, citizen, "fa_f"):
        differ.append("father_name")
    if _known_and_differ(record, citizen, "mo_f"):
        differ.append("mother_name")
    return tuple(differ)


def _level(key: str, record: Mapping[str, Any], features: Mapping[str, Any]) -> str:
    comparison = COMPARISON_BY_KEY[key]
    return comparison.levels[comparison.level_index(record, features)].key


def _names_swapped(record: Mapping[str, Any], features: Mapping[str, Any]) -> bool:
    """Return True when the family and given names are the same two words, swapped (a
    foreign-style order, given name first)."""
    fam, giv = record.get("fam_f"), record.get("giv_f")
    return bool(fam and giv and fam != giv) and (fam, giv) == (
        features.get("giv_f"),
        features.get("fam_f"),
    )


#: A given name shorter than this is never taken for a typo: one edit turns most short
#: Vietnamese names into another real one (An / Anh / Ân), so a twin's name is that close.
TYPO_MIN_LETTERS = 5


def _given_typo(
    record: Mapping[str, Any], features: Mapping[str, Any], known_names: Container[str] | None
) -> bool:
    """Return True when the book's given name is no name the registry has and is one edit
    (or its letters reordered) from the candidate's: a keying typo, not another name.

    A sibling has a real name, a typo does not; but a name one letter from the candidate's
    may be the typo of a sibling's name the registry lacks. So the typo needs more: the full
    birth date agrees (a sibling born the same day is a twin), or the registry knows neither
    parent of the candidate and both names have at least TYPO_MIN_LETTERS letters (one edit
    turns most short names into another real one: An / Anh). FEBRL's records have no
    parents ("dnaiel" for "daniel"); Vietnamese registry citizens nearly always do."""
    if known_names is None or not record.get("giv_n") or record["giv_n"] in known_names:
        return False
    written, registered = record.get("giv_f"), features.get("giv_f")
    if not written or not registered:
        return False
    if not (
        sorted(written) == sorted(registered)
        or Levenshtein.distance(written, registered, score_cutoff=1) <= 1
    ):
        return False
    if _level("bd", record, features) == "exact":
        return True
    if min(len(written), len(registered)) < TYPO_MIN_LETTERS:
        return False
    return not (features.get("fa_f") or features.get("mo_f"))


def _nobody_knows_the_parents(record: Mapping[str, Any], features: Mapping[str, Any]) -> bool:
    """Return True when neither side names a parent (FEBRL, a foreign register)."""
    return not any(row.get(k) for row in (record, features) for k in ("fa_f", "mo_f"))


#: Birth-date levels where the two dates differ (or one side knows only the year): the
#: profile of a namesake born the same year.
_OTHER_DATE = ("year", "year1", "else")


def looks_like_a_relative(
    record: Mapping[str, Any],
    features: Mapping[str, Any],
    known_names: Container[str] | None = None,
) -> bool:
    """Return True when a high score may be a sibling, a twin or a namesake, not the person.

    Siblings and twins share family name, parents and birthplace but not the given name;
    namesakes share the name and birth year but not the date. On the benchmark these were
    all the wrong people attached. Such a candidate is left to an officer, unless:

    - a parent's full name agrees and the date differs by a year at most (the same person,
      a date to verify), the middle name not different (a sibling given the same name);
      a date years apart with the same parents and the same name is a brother or a sister
      named after one who died;
    - the book's given name is no name anyone in the registry has (``known_names``, the
      model's given-name frequencies) and one edit or a reordering from the candidate's
      (:func:`_given_typo`): a sibling has a real name, a typo does not;
    - the family and given names are swapped (the same two words);
    - neither side names a parent (FEBRL): the twin is the one who shares the parents, and
      absent parents are no evidence of a twin; the model's score decides.

    A book that knows only the year (or month and year) of a date is a namesake's profile
    too when nothing else identifies the person: no parent agrees and the birthplace is not
    the same commune.
    """
    given = _level("giv", record, features)
    if given in ("fuzzy", "else") and not (
        _given_typo(record, features, known_names)
        or _names_swapped(record, features)
        or _nobody_knows_the_parents(record, features)
    ):
        return True
    date = _level("bd", record, features)
    parents = (_level("fa", record, features), _level("mo", record, features))
    if born_elsewhere(record, features) and "exact" not in parents:
        # Born in another commune, no parent to confirm: a namesake's profile, even born
        # the same day.
        return True
    if date in _OTHER_DATE:
        # Another date and another middle name with the same parents is a brother or a
        # sister given the same name (Đặng Công Tú, Đặng Đức Tú), not a date to verify.
        if _level("mid", record, features) == "else" or date == "else":
            return True
        if (
            date == "year"
            and _level("bp", record, features) in ("unit", "mapped")
            and "else" not in parents
        ):
            # The same name, born the same year in the same commune, no parent against: the
            # person, with a birth date to verify (a namesake is born elsewhere).
            return False
        return "exact" not in parents
    if date == "partial":
        return "exact" not in parents and _level("bp", record, features) not in ("unit", "mapped")
    return False


#: Why an outcome was given, in words (Vietnamese, shown to officers; English in the .po).
REASONS: dict[str, str] = {
    "nobody": "Không có ai trong cơ sở dữ liệu đủ giống người này.",
    "clear": "Một công dân trùng khớp rõ ràng, vượt xa các ứng viên khác.",
    "identified": (
        "Họ tên và ngày sinh đầy đủ trùng khớp (chỉ khác do lỗi ghi chép), không thông tin "
        "nào mâu thuẫn."
    ),
    "namesake": (
        "Người trùng họ tên nhưng khác ngày sinh và sinh ở xã khác, không có cha mẹ trùng: "
        "một người khác cùng tên."
    ),
    "relative": "Ứng viên có thể là anh chị em, sinh đôi hoặc người trùng tên.",
    "unclear": "Điểm của ứng viên tốt nhất chưa đủ cao hoặc quá gần ứng viên khác.",
    "near": "Có người gần giống trong CSDL: cán bộ xem trước khi cấp số định danh mới.",
}

#: Name levels that agree up to the book's keying noise (the whole name is the same name).
_SAME_NAME = frozenset({"exact", "untoned", "folded", "variant", "markers", "null"})


def _same_name(record: Mapping[str, Any], features: Mapping[str, Any], known_names: Any) -> bool:
    """Return True when family, middle and given name agree up to keying noise."""
    for part in ("fam", "mid", "giv"):
        level = _level(part, record, features)
        if level in _SAME_NAME:
            continue
        if level == "fuzzy" and (part != "giv" or _given_typo(record, features, known_names)):
            continue
        return False
    return _level("giv", record, features) != "null"


def identified_by_date(
    record: Mapping[str, Any],
    features: Mapping[str, Any],
    known_names: Container[str] | None = None,
) -> bool:
    """Return True when the full birth date and the whole name
    agree up to keying noise and no known field disagrees (sex, birthplace, parents,
    ethnicity): the same name born the same day is the person, whatever the probability the
    model gives the name's letters (a dropped "Văn", a name without diacritics)."""
    if _level("bd", record, features) != "exact":
        return False
    if any(_level(k, record, features) == "else" for k in ("sex", "fa", "mo", "eth")):
        return False
    if born_elsewhere(record, features):
        return False
    return _same_name(record, features, known_names)


def born_elsewhere(record: Mapping[str, Any], features: Mapping[str, Any]) -> bool:
    """Return True when both birthplaces are communes the map knows and they are not the
    same commune (before or after the reorganisation). A place written as free text that
    is not resolved (a typo, a foreign suburb) is no evidence of another place."""
    if _level("bp", record, features) not in ("province", "else"):
        return False
    return not any(str(row.get("bp_u") or "").startswith("t:") for row in (record, features))


def another_namesake(record: Mapping[str, Any], features: Mapping[str, Any]) -> bool:
    """Return True when the evidence is against the candidate: another date of about the
    same year (or only the year known), born in another commune (:func:`born_elsewhere`),
    and no parent agreeing. A namesake born elsewhere, not the person."""
    if "exact" in (_level("fa", record, features), _level("mo", record, features)):
        return False
    date = _level("bd", record, features)
    return date in ("partial", "year", "year1") and born_elsewhere(record, features)


def decide(
    record: Mapping[str, Any],
    candidates: Sequence[Candidate],
    thresholds: Thresholds = Thresholds(),  # noqa: B008 - frozen dataclass, safe default
    known_names: Container[str] | None = None,
) -> Decision:
    """Return the outcome for ``record`` given its scored candidates (any order).

    ``known_names``: the given names of the registry (the model's frequencies,
    ``MatchModel.known_given_names``), which tell a typo from a sibling's name.
    """
    ranked = sorted(
        (c for c in candidates if c.probability >= thresholds.floor),
        key=lambda c: (-c.weight, c.personal_id),
    )
    if not ranked:
        best = max(candidates, key=lambda c: c.weight, default=None)
        return Decision(
            "not_found",
            None,
            best.probability if best else None,
            (),
            tuple(candidates),
            REASONS["nobody"],
        )
    best = ranked[0]
    runner_up = ranked[1] if len(ranked) > 1 else None
    clear = runner_up is None or best.weight - runner_up.weight >= thresholds.margin
    if not clear:
        return Decision("review", None, best.probability, (), tuple(ranked), REASONS["unclear"])
    if best.probability < thresholds.match:
        if not identified_by_date(record, best.features, known_names):
            if all(another_namesake(record, c.features) for c in ranked):
                return Decision(
                    "not_found", None, best.probability, (), tuple(ranked), REASONS["namesake"]
                )
            return Decision("review", None, best.probability, (), tuple(ranked), REASONS["unclear"])
        reason = "identified"
    elif looks_like_a_relative(record, best.features, known_names):
        if all(another_namesake(record, c.features) for c in ranked):
            return Decision(
                "not_found", None, best.probability, (), tuple(ranked), REASONS["namesake"]
            )
        return Decision("review", None, best.probability, (), tuple(ranked), REASONS["relative"])
    else:
        reason = "clear"
    fields = differing_fields(record, best.features)
    outcome: Outcome = "discrepancy" if fields else "match"
    return Decision(
        outcome, best.personal_id, best.probability, fields, tuple(ranked), REASONS[reason]
    )
