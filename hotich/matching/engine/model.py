"""The Fellegi–Sunter model: comparisons defined once, evaluated in SQL and in Python.

Each comparison is a list of levels, tried in order; the first whose condition holds gives
the level. A condition is a small expression (:class:`Eq`, :class:`Lev`, …) that renders
itself as Splink SQL (``col_l``/``col_r``; runs on DuckDB and Spark) and as a Python
expression with SQL's NULL semantics (a comparison with NULL is false). The Python
expressions of all comparisons are compiled once into one function over two feature vectors
(:data:`hotich.matching.engine.features.FEATURE_COLUMNS` order), so the interactive path scores
hundreds of candidates in a few milliseconds. So the batch path (Splink) and the interactive
path (Python) score with one definition and one set of trained parameters (m and u per
level, λ, term frequencies).

A trained model is a :class:`MatchModel`; :mod:`hotich.matching.engine.modelfile` saves and loads it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple

from rapidfuzz.distance import Levenshtein

from hotich.matching.engine.features import BLOCKING_KEYS, FEATURE_COLUMNS

Row = Mapping[str, Any]
# A feature row as a sequence in FEATURE_COLUMNS order (the blocking keys may be left off).
Vector = Sequence[Any]
# Renders the value of a column on one side ("l" or "r") as a Python expression.
At = Callable[[str, str], str]

_POSITION = {column: index for index, column in enumerate(FEATURE_COLUMNS)}


def vector_at(side: str, column: str) -> str:
    """The Python expression of ``column`` in the feature vector named ``side``."""
    return f"{side}[{_POSITION[column]}]"


def as_vector(row: Row | Vector) -> Vector:
    """Return a feature row as a vector (FEATURE_COLUMNS order); vectors are returned as is."""
    if row.__class__ is tuple or row.__class__ is list:  # the hot path: no ABC check
        return row
    if isinstance(row, Mapping):
        return tuple(row.get(column) for column in FEATURE_COLUMNS)
    return row


def _lev(a: str | None, b: str | None, k: int) -> bool:
    return a is not None and b is not None and Levenshtein.distance(a, b, score_cutoff=k) <= k


# --- conditions ---------------------------------------------------------------------------


class Cond:
    """A condition on a pair of feature rows."""

    def sql(self) -> str:
        raise NotImplementedError

    def py(self, at: At) -> str:
        """Return the condition as a Python expression (sides "l" and "r", see :data:`At`)."""
        raise NotImplementedError

    def columns(self) -> set[str]:
        raise NotImplementedError


@dataclass(frozen=True)
class Eq(Cond):
    """Both sides known and equal."""

    column: str

    def sql(self) -> str:
        return f"{self.column}_l = {self.column}_r"

    def py(self, at: At) -> str:
        a = at("l", self.column)
        return f"({a} is not None and {a} == {at('r', self.column)})"

    def columns(self) -> set[str]:
        return {self.column}


@dataclass(frozen=True)
class Cross(Cond):
    """The left side's ``a`` equals the right side's ``b`` and vice versa (swapped fields)."""

    a: str
    b: str

    def sql(self) -> str:
        return f"{self.a}_l = {self.b}_r AND {self.b}_l = {self.a}_r"

    def py(self, at: At) -> str:
        la, lb, ra, rb = at("l", self.a), at("l", self.b), at("r", self.a), at("r", self.b)
        return f"({la} is not None and {lb} is not None and {la} == {rb} and {lb} == {ra})"

    def columns(self) -> set[str]:
        return {self.a, self.b}


@dataclass(frozen=True)
class FamilyOnly(Cond):
    """One side's name is one word, the other side's family name: that side's given name is
    unknown (FEBRL's duplicates drop the given name; a lone word parses as a given name)."""

    def sql(self) -> str:
        return "(fam_f_l IS NULL AND giv_f_l = fam_f_r) OR (fam_f_r IS NULL AND giv_f_r = fam_f_l)"

    def py(self, at: At) -> str:
        fl, gl, fr, gr = at("l", "fam_f"), at("l", "giv_f"), at("r", "fam_f"), at("r", "giv_f")
        return (
            f"(({fl} is None and {gl} is not None and {gl} == {fr}) or "
            f"({fr} is None and {gr} is not None and {gr} == {fl}))"
        )

    def columns(self) -> set[str]:
        return {"fam_f", "giv_f"}


@dataclass(frozen=True)
class Lev(Cond):
    """Both sides known and at most ``k`` edits apart (Levenshtein, on folded ASCII keys)."""

    column: str
    k: int

    def sql(self) -> str:
        return f"levenshtein({self.column}_l, {self.column}_r) <= {self.k}"

    def py(self, at: At) -> str:
        return f"_lev({at('l', self.column)}, {at('r', self.column)}, {self.k})"

    def columns(self) -> set[str]:
        return {self.column}


@dataclass(frozen=True)
class Within(Cond):
    """Both sides known and numbers at most ``k`` apart."""

    column: str
    k: int

    def sql(self) -> str:
        return f"abs({self.column}_l - {self.column}_r) <= {self.k}"

    def py(self, at: At) -> str:
        a, b = at("l", self.column), at("r", self.column)
        return f"({a} is not None and {b} is not None and abs({a} - {b}) <= {self.k})"

    def columns(self) -> set[str]:
        return {self.column}


@dataclass(frozen=True)
class Below(Cond):
    """Either side's number is below ``value`` (both must be known for the side to count)."""

    column: str
    value: int

    def sql(self) -> str:
        return f"({self.column}_l < {self.value} OR {self.column}_r < {self.value})"

    def py(self, at: At) -> str:
        a, b, v = at("l", self.column), at("r", self.column), self.value
        return f"(({a} is not None and {a} < {v}) or ({b} is not None and {b} < {v}))"

    def columns(self) -> set[str]:
        return {self.column}


@dataclass(frozen=True)
class EitherNull(Cond):
    """Either side unknown."""

    column: str

    def sql(self) -> str:
        return f"{self.column}_l IS NULL OR {self.column}_r IS NULL"

    def py(self, at: At) -> str:
        return f"({at('l', self.column)} is None or {at('r', self.column)} is None)"

    def columns(self) -> set[str]:
        return {self.column}


@dataclass(frozen=True)
class All(Cond):
    parts: tuple[Cond, ...]

    def sql(self) -> str:
        return " AND ".join(f"({p.sql()})" for p in self.parts)

    def py(self, at: At) -> str:
        return "(" + " and ".join(p.py(at) for p in self.parts) + ")"

    def columns(self) -> set[str]:
        return set().union(*(p.columns() for p in self.parts))


@dataclass(frozen=True)
class Any_(Cond):
    parts: tuple[Cond, ...]

    def sql(self) -> str:
        return " OR ".join(f"({p.sql()})" for p in self.parts)

    def py(self, at: At) -> str:
        return "(" + " or ".join(p.py(at) for p in self.parts) + ")"

    def columns(self) -> set[str]:
        return set().union(*(p.columns() for p in self.parts))


def both(*parts: Cond) -> All:
    return All(tuple(parts))


def either(*parts: Cond) -> Any_:
    return Any_(tuple(parts))


# --- comparisons --------------------------------------------------------------------------


@dataclass(frozen=True)
class Level:
    """One comparison level. ``cond`` None is the final "anything else" level."""

    key: str  # stable identifier, e.g. "exact"
    label: str  # Vietnamese, shown to officers
    cond: Cond | None
    null: bool = False
    tf: str | None = None  # term-frequency adjustment on this column


@dataclass(frozen=True)
class Comparison:
    key: str  # output column name in Splink (gamma_<key>)
    label: str
    levels: tuple[Level, ...]

    def py(self, at: At) -> str:
        """Return a Python expression giving the index of the first level that holds."""
        parts = []
        for index, level in enumerate(self.levels):
            if level.cond is None:
                parts.append(str(index))
                break
            parts.append(f"{index} if {level.cond.py(at)} else")
        else:  # pragma: no cover - checked by the tests of COMPARISONS
            raise AssertionError(f"{self.key}: the last level must have no condition")
        return " ".join(parts)

    @cached_property
    def _index(self) -> Callable[[Vector, Vector], tuple[int, ...]]:
        return compile_levels((self,))

    def level_index(self, left: Row | Vector, right: Row | Vector) -> int:
        """Return the index of the first level whose condition holds."""
        return self._index(as_vector(left), as_vector(right))[0]


def compile_levels(
    comparisons: Sequence[Comparison],
) -> Callable[[Vector, Vector], tuple[int, ...]]:
    """Compile COMPARISONS into one function: two vectors → the level index of each.

    Generated from the same conditions as the SQL, so both evaluate alike (a test runs a
    table of tricky pairs through DuckDB and through this function).
    """
    body = "".join(f"\n        {c.py(vector_at)}," for c in comparisons)
    source = f"def levels(l, r):\n    return ({body}\n    )\n"
    namespace: dict[str, Any] = {"_lev": _lev}
    exec(compile(source, "<hotich.matching.engine.model levels>", "exec"), namespace)  # noqa: S102 - our own expressions
    return namespace["levels"]


def _name(part: str, label: str, *, markers: bool = False) -> Comparison:
    missing: Cond = EitherNull(f"{part}_f")
    if part == "giv":
        missing = either(missing, FamilyOnly())
    levels = [
        Level("null", "thiếu", missing, null=True),
        # Term frequencies adjust the exact level only: there u is the chance agreement on
        # the exact value, which the value's frequency refines ("Hùng" vs a rare name).
        Level("exact", "trùng khớp", Eq(f"{part}_n"), tf=f"{part}_n"),
        Level("untoned", "khác dấu thanh", Eq(f"{part}_t")),
        Level("folded", "trùng khi bỏ dấu", Eq(f"{part}_f")),
    ]
    if part in ("fam", "giv"):
        # The family and given names written in the other order (given name first, as
        # foreign registers and FEBRL's duplicates do) agree as the same letters would: the
        # level keeps its key, so trained model files stay valid, and EM learns its m.
        levels[-1] = Level(
            "folded",
            "trùng khi bỏ dấu (hoặc họ và tên đảo chỗ)",
            either(Eq(f"{part}_f"), Cross("fam_f", "giv_f")),
        )
    if part == "fam":
        levels.append(Level("variant", "biến thể vùng miền (Huỳnh/Hoàng, Võ/Vũ)", Eq("fam_v")))
    if markers:
        levels.append(Level("markers", "chỉ khác chữ lót Văn/Thị", Eq("mid_c")))
    levels.append(Level("fuzzy", "gần giống (sai 1 ký tự)", Lev(f"{part}_f", 1)))
    levels.append(Level("else", "khác", None))
    return Comparison(part, label, tuple(levels))


def _place(prefix: str, label: str) -> Comparison:
    return Comparison(
        prefix,
        label,
        (
            Level("null", "thiếu", EitherNull(f"{prefix}_u"), null=True),
            Level("unit", "cùng xã", Eq(f"{prefix}_u")),
            Level("mapped", "cùng xã sau sắp xếp đơn vị hành chính", Eq(f"{prefix}_c")),
            Level("province", "cùng tỉnh", Eq(f"{prefix}_p")),
            Level("else", "khác", None),
        ),
    )


def _parent(prefix: str, label: str) -> Comparison:
    return Comparison(
        prefix,
        label,
        (
            Level("null", "thiếu", EitherNull(f"{prefix}_f"), null=True),
            Level("exact", "trùng khớp", Eq(f"{prefix}_f")),
            Level("fuzzy", "gần giống", Lev(f"{prefix}_f", 2)),
            Level("given", "cùng tên", Eq(f"{prefix}_g")),
            Level("else", "khác", None),
        ),
    )


COMPARISONS: tuple[Comparison, ...] = (
    _name("fam", "Họ"),
    _name("mid", "Chữ đệm", markers=True),
    _name("giv", "Tên"),
    Comparison(
        "bd",
        "Ngày sinh",
        (
            Level("null", "thiếu", EitherNull("byr"), null=True),
            Level("exact", "trùng khớp", both(Eq("bd"), Eq("bday"))),
            Level("swapped", "đảo ngày và tháng", both(Eq("byr"), Cross("bday", "bmon"))),
            Level(
                "partial",
                "cùng năm, một bên chỉ ghi năm hoặc tháng/năm",
                both(
                    Eq("byr"),
                    Below("bprec", 3),
                    either(EitherNull("bmon"), Eq("bmon")),
                ),
            ),
            Level("year", "cùng năm sinh", Eq("byr")),
            Level("year1", "lệch 1 năm", Within("byr", 1)),
            Level("else", "khác", None),
        ),
    ),
    Comparison(
        "sex",
        "Giới tính",
        (
            Level("null", "thiếu", EitherNull("sex"), null=True),
            Level("exact", "trùng khớp", Eq("sex")),
            Level("else", "khác", None),
        ),
    ),
    _place("bp", "Nơi sinh"),
    _parent("fa", "Họ tên cha"),
    _parent("mo", "Họ tên mẹ"),
    Comparison(
        "eth",
        "Dân tộc",
        (
            Level("null", "thiếu", EitherNull("eth"), null=True),
            Level("exact", "trùng khớp", Eq("eth")),
            Level("else", "khác", None),
        ),
    ),
)

COMPARISON_BY_KEY = {c.key: c for c in COMPARISONS}
# The level of every comparison for a pair of vectors, as one compiled function.
LEVELS = compile_levels(COMPARISONS)

# Candidate pairs: equal on any of these keys (hotich.matching.engine.features.BLOCKING_KEYS). The
# registry has the same keys in indexed columns, so the lookup finds exactly these pairs.
BLOCKING_RULES: tuple[str, ...] = tuple(BLOCKING_KEYS)

# Unsupervised training: each EM session fixes the comparisons its blocking rule uses.
EM_SESSIONS: tuple[str, ...] = (
    "l.giv_f = r.giv_f AND l.bd = r.bd AND l.bday IS NOT NULL",
    "l.fam_f = r.fam_f AND l.giv_f = r.giv_f AND l.byr = r.byr",
    "l.fam_f = r.fam_f AND l.bd = r.bd AND l.bday IS NOT NULL",
    "l.fam_f = r.fam_f AND l.giv_f = r.giv_f AND l.bp_u = r.bp_u",
)
# Pairs that are almost surely the same person, to estimate λ (Splink's direct method).
DETERMINISTIC_RULES: tuple[str, ...] = (
    "l.full_f = r.full_f AND l.bd = r.bd AND l.bday IS NOT NULL "
    "AND (l.sex IS NULL OR r.sex IS NULL OR l.sex = r.sex)",
)


def splink_settings(parameters: Parameters | None = None) -> dict[str, Any]:
    """Return the Splink settings dictionary of the model (with parameters when trained)."""
    comparisons = []
    for comparison in COMPARISONS:
        levels = []
        for index, level in enumerate(comparison.levels):
            entry: dict[str, Any] = {
                "sql_condition": level.cond.sql() if level.cond else "ELSE",
                "label_for_charts": f"{level.key}: {level.label}",
            }
            if level.null:
                entry["is_null_level"] = True
            if level.tf:
                entry["tf_adjustment_column"] = level.tf
                entry["tf_adjustment_weight"] = 1.0
                # Use this level's own u in the adjustment (Splink otherwise looks for an
                # exact-match level on the same column); the Python scorer does the same.
                entry["disable_tf_exact_match_detection"] = True
            if parameters is not None and not level.null:
                mu = parameters.mu[comparison.key][index]
                assert mu is not None, "a level that is not null has trained (m, u)"
                m, u = mu
                entry["m_probability"] = m
                entry["u_probability"] = u
            levels.append(entry)
        comparisons.append(
            {
                "output_column_name": comparison.key,
                "comparison_description": comparison.label,
                "comparison_levels": levels,
            }
        )
    settings: dict[str, Any] = {
        "link_type": "link_only",
        "unique_id_column_name": "uid",
        "comparisons": comparisons,
        "blocking_rules_to_generate_predictions": [
            {"blocking_rule": f"l.{key} = r.{key}"} for key in BLOCKING_RULES
        ],
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": False,
        "additional_columns_to_retain": [],
    }
    if parameters is not None:
        settings["probability_two_random_records_match"] = parameters.lam
    return settings


# --- parameters and scoring -----------------------------------------------------------------


@dataclass
class Parameters:
    """Trained parameters: λ, (m, u) per level (None for null levels), term frequencies."""

    lam: float
    mu: dict[str, list[tuple[float, float] | None]]
    tf: dict[str, dict[str, float]] = field(default_factory=dict)

    @property
    def prior_weight(self) -> float:
        return math.log2(self.lam / (1 - self.lam))


@dataclass(frozen=True)
class FieldScore:
    """How one comparison came out for a pair: its level and the weight it added."""

    key: str
    label: str
    level: str
    level_label: str
    weight: float
    agrees: bool  # the level is a positive one (not null, not "else")


class Weighed(NamedTuple):
    """A pair weighed: total match weight, level index and weight of each comparison."""

    weight: float
    levels: tuple[int, ...]
    weights: list[float]


@dataclass(frozen=True)
class Score:
    weight: float
    probability: float
    fields: tuple[FieldScore, ...]


def tf_floor(table: Mapping[str, float]) -> float | None:
    """Return the term frequency of a value the table does not have: its smallest one (a
    name the training registry never had is at least as rare as its rarest name)."""
    return min(table.values()) if table else None


def probability_from_weight(weight: float) -> float:
    if weight > 500:
        return 1.0
    bf = 2.0**weight
    return bf / (1 + bf)


class MatchModel:
    """The model with its trained parameters; scores pairs of feature rows in Python.

    :meth:`weight` is the fast path (hundreds of candidates per lookup); :meth:`score` gives
    the same weight with the level and weight of every field, for the candidates shown.
    """

    def __init__(self, parameters: Parameters, *, version: int = 0, meta: dict | None = None):
        self.parameters = parameters
        self.version = version
        self.meta = meta or {}
        self._weights: dict[str, list[float]] = {}
        # Per comparison, in COMPARISONS order: level weights, and the term-frequency level
        # (index, column position, frequency table, log2 u) or None.
        self._plan: list[
            tuple[list[float], tuple[int, int, dict[str, float], float, float | None] | None]
        ] = []
        for comparison in COMPARISONS:
            weights: list[float] = []
            tf = None
            for index, level in enumerate(comparison.levels):
                mu = parameters.mu[comparison.key][index]
                if level.null or mu is None:
                    weights.append(0.0)
                    continue
                m, u = mu
                weights.append(math.log2(m) - math.log2(u))
                if level.tf:
                    table = parameters.tf.get(level.tf, {})
                    tf = (index, _POSITION[level.tf], table, math.log2(u), tf_floor(table))
            self._weights[comparison.key] = weights
            self._plan.append((weights, tf))
        self._prior = parameters.prior_weight

    @cached_property
    def known_given_names(self) -> frozenset[str]:
        """The given names (giv_n) the registry the model was trained on has."""
        return frozenset(self.parameters.tf.get("giv_n", {}))

    def weigh(self, left: Row | Vector, right: Row | Vector) -> Weighed:
        """Return the match weight of a pair with the level and weight of each comparison."""
        left, right = as_vector(left), as_vector(right)
        levels = LEVELS(left, right)
        weights = []
        total = self._prior
        for (level_weights, tf), index in zip(self._plan, levels, strict=True):
            weight = level_weights[index]
            if tf is not None and tf[0] == index:
                _index, at, table, base, floor = tf
                tl, tr = table.get(left[at]), table.get(right[at])
                if tr is not None and (tl is None or tr > tl):
                    weight += base - math.log2(tr)
                elif tl is not None:
                    weight += base - math.log2(tl)
                elif floor is not None:
                    # A name the registry the model was trained on never had: rarer than any
                    # it had (batch.tf_lookup gives Splink the same frequency).
                    weight += base - math.log2(floor)
            weights.append(weight)
            total += weight
        return Weighed(total, levels, weights)

    def weight(self, left: Row | Vector, right: Row | Vector) -> float:
        """Return the match weight of a pair (equal to ``score(left, right).weight``)."""
        return self.weigh(left, right).weight

    def explain(self, weighed: Weighed) -> Score:
        """Return the score of a pair weighed by :meth:`weigh`, with every field's level."""
        fields = []
        for comparison, index, weight in zip(
            COMPARISONS, weighed.levels, weighed.weights, strict=True
        ):
            level = comparison.levels[index]
            fields.append(
                FieldScore(
                    comparison.key,
                    comparison.label,
                    level.key,
                    level.label,
                    weight,
                    agrees=not level.null and level.cond is not None,
                )
            )
        return Score(weighed.weight, probability_from_weight(weighed.weight), tuple(fields))

    def score(self, left: Row | Vector, right: Row | Vector) -> Score:
        """Return the match weight, probability and per-field levels of a pair."""
        return self.explain(self.weigh(left, right))

    def describe(self) -> list[dict[str, Any]]:
        """Return, per comparison and level, m, u and the weight (for ``hotich model show``)."""
        rows = []
        for comparison in COMPARISONS:
            for index, level in enumerate(comparison.levels):
                mu = self.parameters.mu[comparison.key][index]
                rows.append(
                    {
                        "comparison": comparison.key,
                        "comparison_label": comparison.label,
                        "level": level.key,
                        "level_label": level.label,
                        "m": mu[0] if mu else None,
                        "u": mu[1] if mu else None,
                        "weight": self._weights[comparison.key][index],
                        "tf": level.tf,
                    }
                )
        return rows


def parameters_from_splink(
    settings: Mapping[str, Any], tf: dict[str, dict[str, float]] | None = None
) -> Parameters:
    """Return the parameters of a trained Splink settings dictionary (levels checked)."""
    by_key = {c["output_column_name"]: c for c in settings["comparisons"]}
    mu: dict[str, list[tuple[float, float] | None]] = {}
    for comparison in COMPARISONS:
        trained = by_key.get(comparison.key)
        if trained is None or len(trained["comparison_levels"]) != len(comparison.levels):
            raise ValueError(f"Mô hình không khớp định nghĩa ở so sánh {comparison.key}.")
        values: list[tuple[float, float] | None] = []
        for level, entry in zip(comparison.levels, trained["comparison_levels"], strict=True):
            if level.null:
                values.append(None)
                continue
            values.append(
                (_probability(entry.get("m_probability")), _probability(entry.get("u_probability")))
            )
        mu[comparison.key] = values
    return Parameters(
        lam=float(settings["probability_two_random_records_match"]), mu=mu, tf=tf or {}
    )


# Levels that training never saw (no pair fell in them) get this probability rather than 0,
# which would make a weight of minus infinity.
MIN_PROBABILITY = 1e-6


def _probability(value: float | None) -> float:
    if value is None or not math.isfinite(value) or value <= 0:
        return MIN_PROBABILITY
    return min(float(value), 1.0)


def level_weights(model: MatchModel, rows: Sequence[Row]) -> list[Score]:
    """Score a record against several candidates (convenience for tests)."""
    return [model.score(rows[0], r) for r in rows[1:]]
