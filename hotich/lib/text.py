"""Vietnamese text normalisation, folding and comparison keys (no Django, stdlib only).

Three levels, from faithful to lossy:

* ``normalise(s)`` / ``normalise_name(s)``: what we store next to the original. NFC, one
  space between words, one tone-mark placement style for open syllables, and for names
  written in CAPITALS, title case.
* ``fold(s)``: diacritics removed, đ/Đ to d/D, lower case. For search.
* ``comparison_key(s)``: fold plus the i/y spelling variation unified and whitespace collapsed.
  For matching. Tone placement cannot matter any more because fold drops the tones.

Tone placement works on syllables: strip the tone, split the syllable into onset, vowel cluster
and final consonant, put the tone back on the vowel the rule names. Closed syllables (hoàn,
huỳnh, thuyết) have one correct placement in both styles, so they are never moved. Words that
are not Vietnamese syllables are left exactly as written.

The chosen style is *hòa, thủy, khỏe* (``"glide"``: in an open oa/oe/uy the tone sits on the
first vowel). It is the spelling of official documents (Cộng hòa) and of most people's typing.
Typographers call the other one (*hoà, thuỷ, khoẻ*, ``"nucleus"``: tone on the main vowel)
the "new style"; ``place_tones(s, "nucleus")`` produces it, and both are accepted as input.

Everything that works per word is cached per word: names are built from a few thousand
syllables, so after warm-up nearly every word is a dictionary hit.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

__all__ = [
    "NormalisedText",
    "ToneStyle",
    "analyse",
    "comparison_key",
    "fold",
    "is_vietnamese_syllable",
    "normalise",
    "normalise_name",
    "place_tones",
]

# "glide": hòa, khỏe, thủy (the normal form here). "nucleus": hoà, khoẻ, thuỷ.
ToneStyle = Literal["glide", "nucleus"]

# Tone marks as combining characters, indexed 1..5: huyền, sắc, hỏi, ngã, nặng.
_TONE_MARKS = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
# Letters that can carry a tone: the plain vowels and the ones with a quality mark.
_TONE_BEARERS = "aăâeêioôơuưyAĂÂEÊIOÔƠUƯY"

# (toneless letter, tone) -> precomposed letter, and back.
_COMPOSE: dict[tuple[str, int], str] = {}
_DECOMPOSE: dict[str, tuple[str, int]] = {}
for _base in _TONE_BEARERS:
    _COMPOSE[(_base, 0)] = _base
    for _tone in range(1, 6):
        _composed = unicodedata.normalize("NFC", _base + _TONE_MARKS[_tone])
        _COMPOSE[(_base, _tone)] = _composed
        _DECOMPOSE[_composed] = (_base, _tone)

# A syllable, lower case and without its tone: onset, vowel cluster, final consonant.
# "gi" and "qu" are onsets (giữa, quý); the regex backtracks to g + i for gì, gìn.
_SYLLABLE_RE = re.compile(
    r"(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx]?)"
    r"([aăâeêioôơuưy]+)"
    r"(ch|ng|nh|[cmnptk]?)"
)

# Vowel cluster -> the final consonants it accepts ("-" = open syllable). Medial o/u and the
# glides written i, y, o, u belong to the cluster, so "oai" and "uyê" are clusters. Final k
# only occurs in official place names of the Central Highlands (Đắk Lắk, Krông Búk).
_RHYMES: dict[str, frozenset[str]] = {
    cluster: frozenset("" if coda == "-" else coda for coda in codas.split())
    for cluster, codas in {
        "a": "- c ch m n ng nh p t",
        "ai": "-",
        "ao": "-",
        "au": "-",
        "ay": "-",
        "ă": "c k m n ng p t",
        "â": "c m n ng p t",
        "âu": "-",
        "ây": "-",
        "e": "- c m n ng p t",
        "eo": "-",
        "ê": "- ch m n nh p t",
        "êu": "-",
        "i": "- ch m n nh p t",
        "ia": "-",
        "iu": "-",
        "iê": "c m n ng p t",
        "iêu": "-",
        "o": "- c m n ng p t",
        "oi": "-",
        "oo": "c ng",
        "ô": "- c k m n ng p t",
        "ôi": "-",
        "ơ": "- m n p t",
        "ơi": "-",
        "u": "- c k m n ng p t",
        "ua": "-",
        "ui": "-",
        "uô": "c m n ng t",
        "uôi": "-",
        "ư": "- c m n ng t",
        "ưa": "-",
        "ưi": "-",
        "ưu": "-",
        "ươ": "c m n ng p t",
        "ươi": "-",
        "ươu": "-",
        "y": "-",
        "yê": "m n t",
        "yêu": "-",
        "oa": "- c ch m n ng nh p t",
        "oai": "-",
        "oao": "-",
        "oay": "-",
        "oă": "c m n ng t",
        "oe": "- n t",
        "oeo": "-",
        "uâ": "n ng t",
        "uây": "-",
        "uê": "- ch n nh t",
        "uơ": "-",
        "uy": "- ch n nh p t",
        "uya": "-",
        "uyu": "-",
        "uyê": "n t",
    }.items()
}
# After "qu" the u is part of the onset: quý, quỳnh, quýt, quyên, quyết, and the old spelling quí.
_QU_EXTRA: dict[str, frozenset[str]] = {
    "y": frozenset(["", "ch", "nh", "t"]),
    "i": frozenset([""]),
    "yê": frozenset(["n", "t"]),
}
_STOP_CODAS = frozenset(["c", "ch", "k", "p", "t"])
_QUALITY_VOWELS = frozenset("ăâêôơư")
# Open clusters whose first vowel is a medial glide: the two accepted styles disagree here
# only. "glide" puts the tone on the glide (hòa, khỏe, thủy), "nucleus" on the main vowel
# (hoà, khoẻ, thuỷ).
_MEDIAL_PAIRS = frozenset(["oa", "oe", "uy"])


@dataclass(frozen=True, slots=True)
class _Syllable:
    onset: str
    cluster: str
    coda: str


def _strip_tone(word: str) -> tuple[str, int, int] | None:
    """Return (word without its tone, tone 0..5, index of the toned letter or -1).

    Return None when the word carries more than one tone mark: no syllable does.
    """
    letters: list[str] = []
    tone = 0
    index = -1
    for position, char in enumerate(word):
        found = _DECOMPOSE.get(char)
        if found is None:
            letters.append(char)
            continue
        if tone:
            return None
        letters.append(found[0])
        tone = found[1]
        index = position
    return "".join(letters), tone, index


def _parse(bare: str) -> _Syllable | None:
    """Return the parts of a toneless, lower-case syllable, or None if it is not one."""
    match = _SYLLABLE_RE.fullmatch(bare)
    if match is None:
        return None
    onset, cluster, coda = match.groups()
    if onset == "gi" and cluster[0] in "ê" and coda:
        # giếng, giêng: the i of "iê" is written once, shared with the onset.
        return _Syllable(onset, cluster, coda) if coda in _RHYMES["iê"] else None
    if onset in ("gh", "ngh") and cluster[0] not in "eêi":
        return None
    if onset == "c" and cluster[0] in "eêiy":
        return None
    codas = _RHYMES.get(cluster)
    if onset == "qu":
        if cluster[0] in "uo":
            return None
        codas = _QU_EXTRA.get(cluster, codas)
    elif cluster[0] == "y" and onset and cluster != "y":
        # "yê" only opens a syllable (yên) or follows qu/medial u (quyên, nguyên).
        return None
    if codas is None or coda not in codas:
        return None
    return _Syllable(onset, cluster, coda)


def _tone_positions(syllable: _Syllable) -> tuple[int, int]:
    """Return the index of the toned letter in the "glide" and in the "nucleus" style."""
    cluster = syllable.cluster
    start = len(syllable.onset)
    marked = [i for i, vowel in enumerate(cluster) if vowel in _QUALITY_VOWELS]
    if marked:
        # The vowel with a quality mark carries the tone; in ươ it is the ơ.
        index = marked[-1]
        return start + index, start + index
    if syllable.coda:
        index = len(cluster) - 1
        return start + index, start + index
    if len(cluster) == 1:
        return start, start
    if len(cluster) == 2:
        if cluster in _MEDIAL_PAIRS:
            return start, start + 1
        return start, start
    return start + 1, start + 1


def _analyse_word(word: str) -> tuple[str, int, int, _Syllable] | None:
    """Return (toneless word, tone, tone index, parts) for a Vietnamese syllable, else None."""
    stripped = _strip_tone(word)
    if stripped is None:
        return None
    bare, tone, index = stripped
    syllable = _parse(bare.lower())
    if syllable is None:
        return None
    if syllable.coda in _STOP_CODAS and tone not in (2, 5):
        # Syllables closed by p, t, c, ch only take the sắc or nặng tone.
        return None
    return bare, tone, index, syllable


@lru_cache(maxsize=65536)
def is_vietnamese_syllable(word: str) -> bool:
    """Return True if `word` (one word, NFC, any case) is a well-formed Vietnamese syllable.

    Checks the onset, the rhyme, the tone against a stop final, and that the tone sits where
    one of the two accepted placement styles puts it.
    """
    analysed = _analyse_word(word)
    if analysed is None:
        return False
    _bare, tone, index, syllable = analysed
    return tone == 0 or index in _tone_positions(syllable)


@lru_cache(maxsize=65536)
def _place_tone_word(word: str, style: ToneStyle) -> str:
    """Return `word` with its tone on the vowel that `style` names; other words unchanged."""
    analysed = _analyse_word(word)
    if analysed is None:
        return word
    bare, tone, index, syllable = analysed
    if tone == 0:
        return word
    glide, nucleus = _tone_positions(syllable)
    target = glide if style == "glide" else nucleus
    if target == index:
        return word
    return bare[:target] + _COMPOSE[(bare[target], tone)] + bare[target + 1 :]


# Letter runs inside a whitespace-separated token ("Hoà," -> "Hoà", ","; "H'Hen" -> 3 parts).
_LETTERS_RE = re.compile(r"[^\W\d_]+")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def _title(run: str) -> str:
    return run[:1].upper() + run[1:].lower()


def _normalise_token(token: str, titlecase: bool) -> str:
    """Return one token with tones placed as in hòa, thủy, title-cased when asked."""
    if titlecase:
        token = _LETTERS_RE.sub(lambda m: _title(m.group()), token)
    if token.isascii():
        return token
    if token.isalpha():
        return _place_tone_word(token, "glide")
    return _LETTERS_RE.sub(lambda m: _place_tone_word(m.group(), "glide"), token)


# Per-token caches as plain dicts: a dict.get is cheaper than an lru_cache call, and the
# vocabulary of names is small. Cleared when full, which is rare and keeps memory bounded.
_CACHE_LIMIT = 200_000
_TOKENS: dict[str, str] = {}
_TOKENS_TITLED: dict[str, str] = {}
_FOLDED: dict[str, str] = {}


def _cached(cache: dict[str, str], function: Callable[[str], str], token: str) -> str:
    if len(cache) >= _CACHE_LIMIT:
        cache.clear()
    result = cache[token] = function(token)
    return result


def _normalise_plain(token: str) -> str:
    return _normalise_token(token, False)


def _normalise_titled(token: str) -> str:
    return _normalise_token(token, True)


def _clean(s: str) -> str:
    if not s.isascii():
        if not unicodedata.is_normalized("NFC", s):
            s = unicodedata.normalize("NFC", s)
        if not s.isprintable():
            # Zero-width characters pasted from web pages or Word; isprintable() is the cheap
            # test (they are format characters), translate() the slow removal.
            s = s.translate(_INVISIBLE)
    return s


def normalise(s: str) -> str:
    """Return `s` in NFC, single-spaced, stripped, with tones placed as in hòa, thủy, khỏe.

    Case is kept. Words that are not Vietnamese syllables are kept as written. Legacy-encoded
    text must be repaired first (see ``hotich.lib.legacy.repair``).
    """
    get = _TOKENS.get
    return " ".join([get(t) or _cached(_TOKENS, _normalise_plain, t) for t in _clean(s).split()])


def normalise_name(s: str) -> str:
    """Return a personal or place name normalised like ``normalise``, title-cased if in CAPITALS.

    "NGUYỄN THỊ PHƯỢNG" becomes "Nguyễn Thị Phượng". Input with any lower-case letter is taken
    as the writer's choice and its case is kept (so "McDonald" and "nguyễn" stay as they are).
    """
    s = _clean(s)
    if s.isupper():
        cache, function = _TOKENS_TITLED, _normalise_titled
    else:
        cache, function = _TOKENS, _normalise_plain
    get = cache.get
    return " ".join([get(t) or _cached(cache, function, t) for t in s.split()])


def place_tones(s: str, style: ToneStyle = "glide") -> str:
    """Return `s` with the tone marks of open syllables placed in `style`.

    "glide": hòa, khỏe, thủy. "nucleus": hoà, khoẻ, thuỷ. Whitespace and case are kept
    as they are; closed syllables (hoàn, huỳnh) and non-Vietnamese words are never changed.
    """
    s = _clean(s)
    return _LETTERS_RE.sub(lambda m: _place_tone_word(m.group(), style), s)


# --- folding -------------------------------------------------------------------------------


def _build_fold_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for code in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00)):
        base = unicodedata.normalize("NFD", chr(code))[0]
        if base.isascii() and base.isalpha() and base != chr(code):
            table[code] = base
    # Unicode gives đ/Đ no decomposition. Ð (U+00D0, eth) is a common typo for Đ.
    table.update({ord("đ"): "d", ord("Đ"): "D", ord("Ð"): "D", ord("ð"): "d"})
    # Combining marks, for text that arrives in NFD.
    for code in range(0x300, 0x370):
        table[code] = None
    return table


_FOLD_TABLE = _build_fold_table()


def _fold_word(word: str) -> str:
    return word.translate(_FOLD_TABLE).lower()


def fold(s: str) -> str:
    """Return `s` without diacritics, with đ/Đ as d/D, in lower case. Whitespace is kept."""
    if s.isascii():
        return s.lower()
    # Per word through a cache: translate() costs far more than a dict lookup. Splitting on
    # " " and joining with " " gives back the exact spacing.
    get = _FOLDED.get
    return " ".join([get(w) or _cached(_FOLDED, _fold_word, w) for w in s.split(" ")])


# i/y variation: only a bare final i/y after a consonant onset (Lý/Lí, Kỳ/Kì, Mỹ/Mĩ, Quý/Quí,
# Vy/Vi) and the standalone word (Y/I). Thùy/Thùi, Tuy/Tui or Huy/Hui differ in the vowel
# (uy, ui), so they stay apart.
_IY_RE = re.compile(r"(b|ch|c|d|h|kh|k|l|m|nh|n|ph|p|qu|r|s|th|tr|t|v|x)?[iy]")


@lru_cache(maxsize=65536)
def _key_word(folded: str) -> str:
    if _IY_RE.fullmatch(folded):
        return folded[:-1] + "i"
    return folded


def comparison_key(s: str) -> str:
    """Return the matching key of `s`: folded, i/y unified, single-spaced.

    Two spellings of one name get one key: "NGUYỄN  Thị Lý", "Nguyen Thi Li" and
    "Nguyễn Thị Lí" all give "nguyen thi li". Tone placement cannot matter (tones are dropped).
    """
    return " ".join([_key_word(w) for w in fold(s).split()])


@dataclass(frozen=True, slots=True)
class NormalisedText:
    """A raw value with its normalised, folded and key forms (the original is never lost)."""

    original: str
    normalised: str
    folded: str
    key: str


def analyse(raw: str, *, name: bool = True) -> NormalisedText:
    """Return the original, normalised, folded and comparison-key forms of `raw`.

    With ``name=True`` (default) CAPITALS are title-cased as in ``normalise_name``.
    """
    normalised = normalise_name(raw) if name else normalise(raw)
    folded = fold(normalised)
    return NormalisedText(
        original=raw,
        normalised=normalised,
        folded=folded,
        key=" ".join([_key_word(w) for w in folded.split()]),
    )
