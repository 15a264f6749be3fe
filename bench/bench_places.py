"""Benchmark of :func:`hotich.lib.places.resolve_place` on place strings written as books do.

Builds place strings from real pre-2025 communes (the answer is known: the commune itself)
in the styles registers use — full, abbreviated, without diacritics, old tone placement,
dash-separated, capitals, commune + province only, no separators — resolves them and prints
accuracy (resolved to the right unit), ambiguity rate and speed.

    .venv/bin/python bench/bench_places.py [--n 2000] [--seed 7]

``make_cases`` is also used by ``tests/lib/test_places.py`` on a smaller sample.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hotich.lib.places import AdminUnit, get_unit, iter_units, resolve_place  # noqa: E402

_ABBREVIATIONS = {
    "Xã": "X.",
    "Phường": "P.",
    "Thị trấn": "TT.",
    "Huyện": "H.",
    "Quận": "Q.",
    "Thị xã": "TX.",
    "Thành phố": "TP.",
    "Tỉnh": "T.",
}
# New-style tone placement → old style in open syllables (hóa → hoá, thủy → thuỷ).
_OLD_STYLE = {
    "óa": "oá",
    "òa": "oà",
    "ỏa": "oả",
    "õa": "oã",
    "ọa": "oạ",
    "óe": "oé",
    "òe": "oè",
    "ủe": "uẻ",
    "úy": "uý",
    "ùy": "uỳ",
    "ủy": "uỷ",
    "ũy": "uỹ",
    "ụy": "uỵ",
}
_OLD_STYLE_RE = re.compile("(" + "|".join(_OLD_STYLE) + r")(?![a-zà-ỹ])")


@dataclass(frozen=True)
class Case:
    text: str
    expected: AdminUnit
    style: str
    when: date | None = None


def _strip_diacritics(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    plain = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return plain.replace("đ", "d").replace("Đ", "D")


def _old_tones(text: str) -> str:
    return _OLD_STYLE_RE.sub(lambda m: _OLD_STYLE[m.group(1)], text)


def _parts(commune: AdminUnit) -> tuple[AdminUnit, AdminUnit]:
    district = get_unit(commune.parent_code or "", "pre2025", "district")
    province = get_unit(commune.province_code, "pre2025", "province")
    assert district is not None and province is not None
    return district, province


def _name(unit: AdminUnit, pad: bool = False) -> str:
    return unit.name.zfill(2) if pad and unit.name.isdigit() else unit.name


def _full(c: AdminUnit, d: AdminUnit, p: AdminUnit) -> str:
    return f"{c.type_name.lower()} {c.name}, {d.type_name.lower()} {d.name}, {p.type_name.lower()} {p.name}"


def _abbreviated(c: AdminUnit, d: AdminUnit, p: AdminUnit) -> str:
    ab = _ABBREVIATIONS
    return f"{ab[c.type_name]}{_name(c, pad=True)}, {ab[d.type_name]} {d.name}, {ab[p.type_name]} {p.name}"


def _no_diacritics(c: AdminUnit, d: AdminUnit, p: AdminUnit) -> str:
    return _strip_diacritics(f"{c.name}, {d.name}, {p.name}")


def _old_tone_style(c: AdminUnit, d: AdminUnit, p: AdminUnit) -> str:
    return _old_tones(f"{c.full_name}, {d.full_name}, {p.full_name}")


def _dashed(c: AdminUnit, d: AdminUnit, p: AdminUnit) -> str:
    ab = _ABBREVIATIONS
    return f"{ab[c.type_name]} {c.name} - {ab[d.type_name]} {d.name} - {ab[p.type_name]} {p.name}"


def _capitals(c: AdminUnit, d: AdminUnit, p: AdminUnit) -> str:
    return f"{c.full_name.upper()}, {d.full_name.upper()}, {p.full_name.upper()}"


def _messy(c: AdminUnit, d: AdminUnit, p: AdminUnit) -> str:
    return f"  {c.full_name} ,  {d.name};{p.name}. "


def _glued(c: AdminUnit, d: AdminUnit, p: AdminUnit) -> str:
    return _strip_diacritics(f"{c.full_name} {d.full_name} {p.full_name}").lower()


def _with_village(c: AdminUnit, d: AdminUnit, p: AdminUnit) -> str:
    return f"Thôn 2, {c.full_name}, {d.name}, {p.name}"


STYLES: dict[str, Callable[[AdminUnit, AdminUnit, AdminUnit], str]] = {
    "full": _full,
    "abbreviated": _abbreviated,
    "no_diacritics": _no_diacritics,
    "old_tone_style": _old_tone_style,
    "dashed": _dashed,
    "capitals": _capitals,
    "messy": _messy,
    "glued": _glued,
    "with_village": _with_village,
}


def make_cases(n: int, seed: int = 7) -> list[Case]:
    """Return ``n`` deterministic cases, styles taken in turn over randomly drawn communes."""
    rng = random.Random(seed)
    communes = list(iter_units("pre2025", level="commune"))
    picked = rng.sample(communes, n)
    styles = list(STYLES.items())
    cases = []
    for i, commune in enumerate(picked):
        style, render = styles[i % len(styles)]
        district, province = _parts(commune)
        when = date(2000 + i % 25, 1 + i % 12, 1) if i % 2 else None
        cases.append(Case(render(commune, district, province), commune, style, when))
    return cases


@dataclass
class Report:
    total: int
    correct: int
    ambiguous: int
    wrong: list[tuple[Case, str]]
    seconds: float

    @property
    def accuracy(self) -> float:
        return self.correct / self.total

    @property
    def ambiguity_rate(self) -> float:
        return self.ambiguous / self.total


def run(cases: list[Case]) -> Report:
    """Resolve every case and count outcomes."""
    resolve_place("Thanh Hóa")  # build the index outside the timing
    start = time.perf_counter()
    correct = ambiguous = 0
    wrong: list[tuple[Case, str]] = []
    for case in cases:
        result = resolve_place(case.text, when=case.when)
        if result.status == "resolved" and result.unit == case.expected:
            correct += 1
            continue
        if result.status == "ambiguous":
            ambiguous += 1
        got = str(result.unit) if result.unit else result.status
        wrong.append((case, got))
    return Report(len(cases), correct, ambiguous, wrong, time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--show", type=int, default=15, help="failures to print")
    args = parser.parse_args()

    started = time.perf_counter()
    cases = make_cases(args.n, args.seed)
    report = run(cases)
    by_style = Counter(case.style for case, _ in report.wrong)
    print(f"cases            {report.total}")
    print(f"accuracy         {report.accuracy:.2%}  (resolved to the right commune)")
    print(f"ambiguity rate   {report.ambiguity_rate:.2%}")
    print(f"speed            {report.total / report.seconds:,.0f} strings/s")
    print(f"total time       {time.perf_counter() - started:.1f} s (index build included)")
    print("misses by style  " + ", ".join(f"{k}={v}" for k, v in by_style.most_common()))
    for case, got in report.wrong[: args.show]:
        print(f"  {case.style:15} {case.text!r} → {got} (expected {case.expected.code})")


if __name__ == "__main__":
    main()
