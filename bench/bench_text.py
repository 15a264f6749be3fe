"""Benchmark of hotich.lib text handling; run as `.venv/bin/python bench/bench_text.py`.

Prints:
1. names normalised + folded per second (hotich.lib.text) against a naive reference
   (NFC, str.title, NFD-based fold, no cache) on the same generated names;
2. legacy-encoding recovery per encoding on generated names and addresses, and false
   conversions of the clean Unicode and ASCII versions of the same corpus (must be 0);
3. a stress figure: false conversions of random well-formed syllables that are not names.
"""

from __future__ import annotations

import random
import sys
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hotich.lib.legacy import Encoding, from_unicode, repair  # noqa: E402
from hotich.lib.names import (  # noqa: E402
    COMMON_GIVEN_NAMES_FEMALE,
    COMMON_GIVEN_NAMES_MALE,
    random_full_name,
)
from hotich.lib.text import (  # noqa: E402
    fold,
    is_vietnamese_syllable,
    normalise_name,
    place_tones,
)

SEED = 20240501
N_NAMES = 200_000
N_LEGACY = 10_000
N_STRESS = 20_000

PROVINCES = (
    "Hà Nội, Hải Phòng, Đà Nẵng, Cần Thơ, Hà Giang, Cao Bằng, Lào Cai, Yên Bái, Thái Nguyên, "
    "Lạng Sơn, Quảng Ninh, Bắc Giang, Phú Thọ, Vĩnh Phúc, Bắc Ninh, Hải Dương, Hưng Yên, "
    "Thái Bình, Hà Nam, Nam Định, Ninh Bình, Thanh Hóa, Nghệ An, Hà Tĩnh, Quảng Bình, Quảng Trị, "
    "Thừa Thiên Huế, Quảng Nam, Quảng Ngãi, Bình Định, Phú Yên, Khánh Hòa, Ninh Thuận, "
    "Bình Thuận, Kon Tum, Gia Lai, Đắk Lắk, Đắk Nông, Lâm Đồng, Bình Phước, Tây Ninh, Bình Dương, "
    "Đồng Nai, Long An, Tiền Giang, Bến Tre, Trà Vinh, Vĩnh Long, Đồng Tháp, An Giang, "
    "Kiên Giang, Hậu Giang, Sóc Trăng, Bạc Liêu, Cà Mau, Điện Biên, Sơn La, Hòa Bình"
).split(", ")
PLACE_SYLLABLES = [name for name, _ in COMMON_GIVEN_NAMES_MALE + COMMON_GIVEN_NAMES_FEMALE]


def generate_name(rng: random.Random) -> str:
    """Return a full name; a quarter in CAPITALS as in the registry handover."""
    name = random_full_name(rng, rng.choice(("male", "female")))
    return name.upper() if rng.random() < 0.25 else name


def generate_address(rng: random.Random) -> str:
    """Return "xã …, huyện …, tỉnh …" with place names built from name syllables."""

    def place() -> str:
        return f"{rng.choice(PLACE_SYLLABLES)} {rng.choice(PLACE_SYLLABLES)}"

    lower = rng.choice(("xã", "phường", "thị trấn"))
    middle = rng.choice(("huyện", "quận", "thị xã", "thành phố"))
    top = rng.choice(("tỉnh", "thành phố"))
    address = f"{lower} {place()}, {middle} {place()}, {top} {rng.choice(PROVINCES)}"
    roll = rng.random()
    if roll < 0.15:
        return address.upper()
    if roll < 0.30:
        return address[0].upper() + address[1:]
    return address


def messy(rng: random.Random, name: str) -> str:
    """Return `name` as it arrives: sometimes old-style tones, doubled spaces or NFD."""
    roll = rng.random()
    if roll < 0.2:
        name = place_tones(name, "nucleus")
    elif roll < 0.3:
        name = name.replace(" ", "  ")
    elif roll < 0.35:
        name = unicodedata.normalize("NFD", name)
    return name


# --- naive reference ---------------------------------------------------------------------


def reference_normalise(s: str) -> str:
    s = unicodedata.normalize("NFC", " ".join(s.split()))
    return s.title() if s.isupper() else s


def reference_fold(s: str) -> str:
    decomposed = unicodedata.normalize("NFD", s.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def throughput(
    names: list[str], normalise: Callable[[str], str], fold_: Callable[[str], str]
) -> float:
    start = time.perf_counter()
    for name in names:
        fold_(normalise(name))
    return len(names) / (time.perf_counter() - start)


def bench_names() -> None:
    rng = random.Random(SEED)
    names = [messy(rng, generate_name(rng)) for _ in range(N_NAMES)]
    ours = throughput(names, normalise_name, fold)  # cold caches: the warm-up is included
    ours_warm = throughput(names, normalise_name, fold)
    reference = throughput(names, reference_normalise, reference_fold)
    print(f"names: {N_NAMES:,} generated names, normalise_name + fold")
    print(f"  hotich.lib.text     {ours:>12,.0f} names/s (first pass, cold caches)")
    print(f"  hotich.lib.text     {ours_warm:>12,.0f} names/s (second pass)")
    print(f"  naive reference     {reference:>12,.0f} names/s (NFC + str.title + NFD fold)")
    print("  (the reference does no tone placement, so it is the cheaper job)")


def bench_legacy() -> None:
    rng = random.Random(SEED + 1)
    corpus = [generate_name(rng) if i % 2 else generate_address(rng) for i in range(N_LEGACY)]
    print(f"legacy: {len(corpus):,} names and addresses, each written in each encoding")
    encodings: tuple[Encoding, ...] = ("tcvn3", "vni", "viscii")
    for encoding in encodings:
        start = time.perf_counter()
        exact = sum(repair(from_unicode(text, encoding))[0] == text for text in corpus)
        elapsed = time.perf_counter() - start
        print(
            f"  {encoding:<7} exact recovery {100 * exact / len(corpus):7.2f} %"
            f"   ({len(corpus) / elapsed:,.0f} texts/s)"
        )
    clean = sum(repair(text) != (text, None) for text in corpus)
    ascii_corpus = [fold(text) for text in corpus]
    ascii_ = sum(repair(text) != (text, None) for text in ascii_corpus)
    print(f"  false conversions, clean Unicode {100 * clean / len(corpus):7.3f} %")
    print(f"  false conversions, ASCII         {100 * ascii_ / len(corpus):7.3f} %")


def random_syllable(rng: random.Random) -> str:
    onsets = "b c ch d đ g gh gi h k kh l m n ng ngh nh p ph qu r s t th tr v x".split() + [""]
    while True:
        cluster = "".join(rng.choice("aăâeêioôơuưy") for _ in range(rng.choice((1, 1, 2, 2, 3))))
        word = (
            rng.choice(onsets)
            + cluster
            + rng.choice(("", "", "c", "ch", "m", "n", "ng", "nh", "p", "t"))
        )
        tone = rng.choice(("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"))
        position = rng.randrange(len(word))
        word = unicodedata.normalize("NFC", word[: position + 1] + tone + word[position + 1 :])
        if is_vietnamese_syllable(word):
            return word


def bench_stress() -> None:
    rng = random.Random(SEED + 2)
    texts = []
    for _ in range(N_STRESS):
        text = " ".join(random_syllable(rng).title() for _ in range(rng.randint(1, 4)))
        texts.append(text.upper() if rng.random() < 0.3 else text)
    changed = [text for text in texts if repair(text) != (text, None)]
    print(f"stress: {N_STRESS:,} texts of random well-formed syllables (not names)")
    print(f"  false conversions {100 * len(changed) / len(texts):.3f} %  e.g. {changed[:3]}")


def main() -> None:
    start = time.perf_counter()
    bench_names()
    bench_legacy()
    bench_stress()
    print(f"total {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
