"""Real legacy-encoded text for bench/bench_legacy.py: readers and the diacritic metric.

The corpus lives outside the repository (``HOTICH_LEGACY_CORPUS``, by default
``../shared/legacy-corpus`` beside the repository); docs/sources.md says where each file comes
from. Two kinds of file:

- ``*.rtf``: an excerpt of a real TCVN3 document, font table included. Each paragraph (or
  table cell) becomes one text, as a spreadsheet cell would hold it: the bytes read as
  Windows-1252, without font information. Its ground truth is written beside it as
  ``*.truth.txt`` (one line per text).
- ``*-cells.txt``: one real spreadsheet cell per line, as Windows-1252 characters, with its
  ground truth in ``*-cells.truth.txt``.

Ground truth was produced once by ``python bench/legacy_corpus.py --write-truth``, a plain
table conversion that knows the encoding and, for RTF, the font of every run (a run in a
capitals font, ``.VnTimeH`` and the like, is shown in capitals), and then checked by hand
line by line; it is never recomputed by the bench.
"""

from __future__ import annotations

import difflib
import os
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hotich.lib.legacy import Encoding, to_unicode  # noqa: E402

DEFAULT_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "legacy-corpus"


def corpus_dir() -> Path:
    return Path(os.environ.get("HOTICH_LEGACY_CORPUS", DEFAULT_DIR))


def _cp1252(byte: int) -> str:
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return chr(byte)


# --- RTF ------------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"\\'([0-9a-fA-F]{2})|\\([a-zA-Z]+)(-?\d+)? ?|\\([^a-zA-Z])|([{}])|([^\\{}\r\n]+)"
)
_SKIP = {"fonttbl", "colortbl", "stylesheet", "info", "header", "footer", "pict", "listtable"}
_SKIP |= {"listoverridetable", "revtbl", "fldinst", "object", "datastore", "themedata"}


@dataclass
class Run:
    text: str
    capitals_font: bool


def _font_names(rtf: str) -> dict[int, str]:
    table = re.sub(r"\{\\\*\\panose [0-9a-f]+\}", "", rtf)
    found = re.findall(r"\{\\f(\d+)(?:\\[a-z]+-?\d* ?)*([^;{}\\]*);", table)
    return {int(n): name.strip() for n, name in found}


def read_rtf(rtf: str) -> list[list[Run]]:
    """Return the paragraphs (and table cells) of `rtf`, each as runs of one font."""
    fonts = _font_names(rtf)
    paragraphs: list[list[Run]] = [[]]
    stack: list[tuple[int, bool]] = []
    deff = re.search(r"\\deff(\d+)", rtf)
    default_font = int(deff.group(1)) if deff else 0
    font, skipping = default_font, False
    group_start = False

    def emit(text: str) -> None:
        if skipping or not text:
            return
        caps = fonts.get(font, "").endswith("H")
        runs = paragraphs[-1]
        if runs and runs[-1].capitals_font == caps:
            runs[-1].text += text
        else:
            runs.append(Run(text, caps))

    for m in _TOKEN.finditer(rtf):
        hexbyte, word, arg, symbol, brace, text = m.groups()
        if brace == "{":
            stack.append((font, skipping))
            group_start = True
            continue
        if brace == "}":
            font, skipping = stack.pop() if stack else (0, False)
            group_start = False
            continue
        first, group_start = group_start, False
        if hexbyte:
            emit(_cp1252(int(hexbyte, 16)))
        elif word:
            if first and word in _SKIP:
                skipping = True
            elif word == "f" and arg is not None:
                font = int(arg)
            elif word in ("par", "cell", "row", "line") and not skipping:
                paragraphs.append([])
            elif word == "tab":
                emit(" ")
            elif word == "plain":
                font = default_font
        elif symbol:
            if symbol == "*" and first:
                skipping = True
            elif symbol in "\\{}":
                emit(symbol)
            elif symbol == "~":
                emit(" ")
        elif text:
            emit(text)
    return [p for p in paragraphs if "".join(r.text for r in p).strip()]


def plain_decode(text: str, encoding: Encoding) -> str:
    """Return `text` decoded by the table alone (no case guessing: TCVN3 stays lower case)."""
    if encoding == "tcvn3":
        # to_unicode restores capitals from context; the reference must not: decode each
        # character on its own, so a lower-case code stays lower case.
        return unicodedata.normalize("NFC", "".join(to_unicode(c, "tcvn3") for c in text))
    return to_unicode(text, encoding)


def _tidy(text: str) -> str:
    return " ".join(text.split())


def rtf_texts_and_reference(rtf: str) -> list[tuple[str, str]]:
    """Return (cell text as read without fonts, reference conversion) per paragraph."""
    out = []
    for runs in read_rtf(rtf):
        source = _tidy("".join(r.text for r in runs))
        reference = "".join(
            plain_decode(r.text, "tcvn3").upper()
            if r.capitals_font
            else plain_decode(r.text, "tcvn3")
            for r in runs
        )
        out.append((source, _tidy(reference)))
    return out


# --- the corpus -------------------------------------------------------------------------------


@dataclass
class Source:
    name: str
    encoding: Encoding
    texts: list[str]
    truth: list[str]


def _encoding_of(path: Path) -> Encoding:
    return "vni" if path.name.startswith("vni") else "tcvn3"


def _texts(path: Path) -> list[str]:
    if path.suffix == ".rtf":
        return [s for s, _ in rtf_texts_and_reference(path.read_text(encoding="ascii"))]
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _sources(directory: Path) -> list[Path]:
    return sorted(
        p for p in directory.glob("*") if p.suffix == ".rtf" or p.name.endswith("-cells.txt")
    )


def load(directory: Path | None = None) -> list[Source]:
    """Return each source of the corpus with its hand-checked truth (empty if no corpus)."""
    directory = directory or corpus_dir()
    if not directory.is_dir():
        return []
    sources = []
    for path in _sources(directory):
        truth_path = path.with_name(path.name.removesuffix(path.suffix) + ".truth.txt")
        truth = truth_path.read_text(encoding="utf-8").splitlines()
        texts = _texts(path)
        if len(truth) != len(texts):
            raise ValueError(f"{truth_path}: {len(truth)} lines for {len(texts)} texts")
        sources.append(Source(path.name, _encoding_of(path), texts, truth))
    return sources


def write_truth(directory: Path) -> None:
    """Write the reference conversion of every source, to be checked by hand."""
    for path in _sources(directory):
        if path.suffix == ".rtf":
            lines = [r for _, r in rtf_texts_and_reference(path.read_text(encoding="ascii"))]
        else:
            lines = [plain_decode(t, _encoding_of(path)) for t in _texts(path)]
        truth_path = path.with_name(path.name.removesuffix(path.suffix) + ".truth.txt")
        truth_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"wrote {truth_path} ({len(lines)} lines)")


# --- the metric -------------------------------------------------------------------------------


def has_diacritic(char: str) -> bool:
    return char in "đĐ" or len(unicodedata.normalize("NFD", char)) > 1


@dataclass
class Score:
    diacritics: int = 0
    recovered: int = 0
    texts: int = 0
    exact: int = 0

    def add(self, truth: str, output: str) -> None:
        """Count `truth`'s letters with a diacritic that `output` has at the same place.

        Compared case-folded: a run typed in lower case in a capitals font (``.VnTimeH``)
        is displayed in capitals, which no reading of the bytes alone can know.
        """
        t = unicodedata.normalize("NFC", truth).casefold()
        o = unicodedata.normalize("NFC", output).casefold()
        self.texts += 1
        self.exact += t == o
        marked = [i for i, c in enumerate(t) if has_diacritic(c)]
        self.diacritics += len(marked)
        matcher = difflib.SequenceMatcher(None, t, o, autojunk=False)
        matched: set[int] = set()
        for block in matcher.get_matching_blocks():
            matched.update(range(block.a, block.a + block.size))
        self.recovered += sum(i in matched for i in marked)

    @property
    def accuracy(self) -> float:
        return self.recovered / self.diacritics if self.diacritics else 1.0


if __name__ == "__main__":
    if sys.argv[1:] == ["--write-truth"]:
        write_truth(corpus_dir())
    else:
        print(__doc__)
