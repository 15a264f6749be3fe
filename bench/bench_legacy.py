"""Legacy text repair on real documents; run as `.venv/bin/python bench/bench_legacy.py`.

Prints, beside a reference measured in the same run (the plain reading of the whole text in
its encoding, which is what a converter told the encoding would give):

1. diacritic accuracy of ``hotich.lib.legacy.repair`` per real legacy source (TCVN3 and VNI
   excerpts of public documents and spreadsheets, read from ``HOTICH_LEGACY_CORPUS``, see
   bench/legacy_corpus.py and docs/sources.md#legacy-text-corpus), and how many texts came
   back exactly;
2. the false-conversion rate on clean Unicode Vietnamese: every text of a large clean corpus
   (place names, generated names, the docs and templates but for the "Legacy text" sections
   that quote mojibake, the seeds, the Ministry template, the ground truth of the legacy
   corpus, public Unicode text in the corpus directory) that ``repair`` changes counts as a
   false conversion.

``--show N`` prints up to N texts that were not recovered exactly, and the false conversions.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
import unicodedata
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from legacy_corpus import Score, corpus_dir, load, plain_decode  # noqa: E402

from hotich.lib.legacy import repair  # noqa: E402
from hotich.lib.names import random_full_name  # noqa: E402
from hotich.lib.places import iter_units  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
N_NAMES = 100_000


def bench_real(show: int) -> None:
    sources = load()
    if not sources:
        print(f"real legacy text: no corpus at {corpus_dir()} (set HOTICH_LEGACY_CORPUS;")
        print("  docs/sources.md#legacy-text-corpus says where its files come from)")
        return
    print(f"real legacy text ({corpus_dir()}), diacritics recovered (case-folded)")
    print(f"  {'source':<34} {'texts':>6} {'marks':>6} {'repair':>8} {'exact':>7}  {'plain':>8}")
    total, total_plain = Score(), Score()
    misses: list[tuple[str, str, str]] = []
    for source in sources:
        ours, plain = Score(), Score()
        for text, truth in zip(source.texts, source.truth, strict=True):
            fixed = repair(text)[0]
            for score, output in ((ours, fixed), (total, fixed)):
                score.add(truth, output)
            reference = plain_decode(text, source.encoding)
            plain.add(truth, reference)
            total_plain.add(truth, reference)
            if unicodedata.normalize("NFC", fixed).casefold() != truth.casefold():
                misses.append((source.name, fixed, truth))
        print(
            f"  {source.name:<34} {ours.texts:>6} {ours.diacritics:>6} "
            f"{100 * ours.accuracy:>7.2f}% {ours.exact:>3}/{ours.texts:<3}  "
            f"{100 * plain.accuracy:>7.2f}%"
        )
    print(
        f"  {'all':<34} {total.texts:>6} {total.diacritics:>6} {100 * total.accuracy:>7.2f}% "
        f"{total.exact:>3}/{total.texts:<3}  {100 * total_plain.accuracy:>7.2f}%"
    )
    print("  (plain: the whole text decoded in its known encoding, no detection)")
    for name, fixed, truth in misses[:show]:
        print(f"  miss {name}: {fixed!r}\n        want {truth!r}")


# --- clean Unicode ----------------------------------------------------------------------------

_MARKUP = re.compile(r"<[^>]*>|\{[%{].*?[%}]\}|`[^`]*`|\[[^\]]*\]\([^)]*\)|[*#|>]")


def _lines(text: str) -> Iterator[str]:
    for line in text.splitlines():
        line = " ".join(_MARKUP.sub(" ", line).split())
        if line and not line.isascii():
            yield line


def _without_legacy_examples(path: Path) -> str:
    """Return the file's text without its "Legacy text" sections, which quote mojibake."""
    kept, skipping = [], False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            skipping = line.lstrip("#").strip().startswith("Legacy text")
        if not skipping:
            kept.append(line)
    return "\n".join(kept)


def clean_corpus() -> dict[str, list[str]]:
    """Return clean Unicode Vietnamese texts by origin."""
    corpus: dict[str, list[str]] = {}
    units = list(iter_units())
    corpus["place names"] = [u.full_name for u in units] + [u.name for u in units]
    rng = random.Random(20261203)
    names = [random_full_name(rng, rng.choice(("male", "female"))) for _ in range(N_NAMES)]
    corpus["generated names"] = names + [n.upper() for n in names[: N_NAMES // 5]]
    docs = [*ROOT.glob("docs/**/*.md"), *ROOT.glob("*.md"), *ROOT.glob("hotich/**/*.html")]
    docs += [*ROOT.glob("hotich/locale/*/LC_MESSAGES/*.po")]
    corpus["docs, templates, messages"] = [
        line for path in sorted(docs) for line in _lines(_without_legacy_examples(path))
    ]
    corpus["seeds"] = [
        line
        for path in sorted((SHARED / "seeds").glob("*.txt"))
        for line in _lines(path.read_text(encoding="utf-8"))
    ]
    template_cells: list[str] = []
    try:
        from python_calamine import CalamineWorkbook

        for path in sorted((SHARED / "templates").glob("*.xlsx")):
            book = CalamineWorkbook.from_path(str(path))
            for sheet in book.sheet_names:
                for row in book.get_sheet_by_name(sheet).to_python():
                    template_cells += [str(c) for c in row if isinstance(c, str) and c.strip()]
    except ImportError:
        pass
    corpus["Ministry template"] = template_cells
    directory = corpus_dir()
    corpus["legacy corpus ground truth"] = [
        line for source in load() for line in source.truth if not line.isascii()
    ]
    corpus["public Unicode text"] = [
        line
        for path in sorted((directory / "clean").glob("*.txt"))
        for line in _lines(path.read_text(encoding="utf-8"))
    ]
    return corpus


def bench_clean(show: int) -> None:
    corpus = clean_corpus()
    print("false conversions of clean Unicode (text changed by repair)")
    changed_all = total = 0
    start = time.perf_counter()
    examples: list[str] = []
    for origin, texts in corpus.items():
        changed = [t for t in texts if repair(t)[0] != t]
        examples += changed
        changed_all += len(changed)
        total += len(texts)
        rate = 100 * len(changed) / len(texts) if texts else 0.0
        print(f"  {origin:<28} {len(changed):>5} of {len(texts):>7,}  {rate:.4f} %")
    elapsed = time.perf_counter() - start
    print(f"  {'all':<28} {changed_all:>5} of {total:>7,}  {100 * changed_all / total:.4f} %")
    print(f"  ({total / elapsed:,.0f} texts/s)")
    for text in examples[:show]:
        print(f"  changed: {text!r} -> {repair(text)[0]!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--show", type=int, default=0, help="print up to N misses")
    args = parser.parse_args()
    start = time.perf_counter()
    bench_real(args.show)
    bench_clean(args.show)
    print(f"total {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
