"""Legacy 8-bit Vietnamese encodings: TCVN3 (ABC), VNI-Windows and VISCII.

Old Excel and CSV files reach us as Python ``str`` holding *mojibake*: the bytes of a legacy
font read as Windows-1252 characters ("NguyÔn V¨n H¶i" for "Nguyễn Văn Hải" in TCVN3,
"Nguyeãn Vaên Haûi" in VNI). Each character stands for one byte; the five bytes that
Windows-1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) arrive as the C1 controls of the
same number, and text read as Latin-1 instead (C1 controls for all of 0x80-0x9F) is accepted
too.

The tables are written from the definitions: TCVN3 is TCVN 5712:1993 VN3 (bytes 0xA1-0xFE,
the subset in the ABC ".Vn" fonts), VNI-Windows writes a letter with a tone as a base letter
plus a mark byte, VISCII is RFC 1456.

Detection is conservative, because correct text must never be altered:

1. plain ASCII, or text whose non-ASCII words are all well-formed Vietnamese syllables made
   of known name and address syllables, is left alone;
2. otherwise each legacy reading that explains every non-ASCII character is decoded, and kept
   only if all its non-ASCII words are well-formed syllables (written in lower case, Title
   case or CAPITALS); the reading with most known syllables wins, ties going to TCVN3, then
   VNI, then VISCII (the order of their use in old files);
3. well-formed Unicode containing an unknown syllable ("Phan Thò Nhung": Thò is a word, and
   VNI for Thị) is replaced only by a reading made entirely of known syllables, and never
   when it is a single word.

Capitals in TCVN3: the ABC fonts have no code for a capital letter with a tone (Ấ, Ễ, Ố ...);
writers typed the lower-case code, shown as a capital by the ``.VnXxxH`` fonts. So those
codes decode to lower case, and then: a word whose other letters are capitals is upper-cased
("NGUYễN" -> "NGUYỄN"); a word standing in an all-capitals text is upper-cased; a word that
starts with such a letter is capitalised when the word next to it is capitalised ("Nguyễn Thị
ánh" -> "Nguyễn Thị Ánh"), except the lower-case designators "ấp" and "ở". ``from_unicode``
writes capitals with a tone as the lower-case code, as the ABC keyboard did.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal, get_args

from hotich.lib.names import NAME_SYLLABLES
from hotich.lib.text import is_vietnamese_syllable, place_tones

__all__ = ["Detected", "Encoding", "detect", "from_unicode", "repair", "to_unicode"]

Encoding = Literal["tcvn3", "vni", "viscii"]
Detected = Literal["unicode", "tcvn3", "vni", "viscii", "ascii"]

_ENCODINGS: tuple[Encoding, ...] = get_args(Encoding)


def _cp1252_char(byte: int) -> str:
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return chr(byte)


# How a byte looks in the text we receive, and back. Both the cp1252 and the Latin-1 reading
# of 0x80-0x9F map to the byte.
_BYTE_TO_CHAR: dict[int, str] = {b: _cp1252_char(b) for b in range(0x80, 0x100)}
_CHAR_TO_BYTE: dict[str, int] = {chr(b): b for b in range(0x80, 0x100)}
_CHAR_TO_BYTE.update({char: b for b, char in _BYTE_TO_CHAR.items()})

# --- TCVN3 ---------------------------------------------------------------------------------
# Rows of 16 bytes; 0xB0-0xB4 are combining tone marks; "_" marks a byte VN3 leaves free.
# (VN1 puts a few capitals with a tone there, but the ABC fonts do not have them, and reading
# them would turn clean text such as "ÂN" into "ẨN".)
_TCVN3_ROWS = {
    0xA0: "_ĂÂÊÔƠƯĐăâêôơưđ_",
    0xB0: "\u0300\u0309\u0303\u0301\u0323àảãáạ_ằẳẵắ_",
    0xC0: "______ặầẩẫấậè_ẻẽ",
    0xD0: "éẹềểễếệìỉ___ĩíịò",
    0xE0: "_ỏõóọồổỗốộờởỡớợù",
    0xF0: "_ủũúụừửữứựỳỷỹýỵ_",
}
_TCVN3_DECODE: dict[int, str] = {
    start + offset: char
    for start, row in _TCVN3_ROWS.items()
    for offset, char in enumerate(row)
    if char != "_"
}
# Letters with a tone exist only in lower case; their codes are "ambiguous" for case.
_TCVN3_LOWER_ONLY = frozenset(
    b
    for b, char in _TCVN3_DECODE.items()
    if char.islower() and len(unicodedata.normalize("NFD", char)) > 1 and char not in "ăâêôơư"
)
_TCVN3_ENCODE: dict[str, int] = {
    char: b for b, char in _TCVN3_DECODE.items() if b not in range(0xB0, 0xB5) and char.islower()
}
_TCVN3_ENCODE.update({"Ă": 0xA1, "Â": 0xA2, "Ê": 0xA3, "Ô": 0xA4, "Ơ": 0xA5, "Ư": 0xA6, "Đ": 0xA7})
for _b in _TCVN3_LOWER_ONLY:
    _TCVN3_ENCODE.setdefault(_TCVN3_DECODE[_b].upper(), _b)

# --- VISCII (RFC 1456) ---------------------------------------------------------------------
_VISCII_ROWS = {
    0x80: "ẠẮẰẶẤẦẨẬẼẸẾỀỂỄỆỐ",
    0x90: "ỒỔỖỘỢỚỜỞỊỎỌỈỦŨỤỲ",
    0xA0: "Õắằặấầẩậẽẹếềểễệố",
    0xB0: "ồổỗỠƠộờởịỰỨỪỬơớƯ",
    0xC0: "ÀÁÂÃẢĂẳẵÈÉÊẺÌÍĨỳ",
    0xD0: "ĐứÒÓÔạỷừửÙÚỹỵÝỡư",
    0xE0: "àáâãảăữẫèéêẻìíĩỉ",
    0xF0: "đựòóôõỏọụùúũủýợỮ",
}
_VISCII_DECODE: dict[int, str] = {
    start + offset: char for start, row in _VISCII_ROWS.items() for offset, char in enumerate(row)
}
# Six capitals live among the C0 controls.
_VISCII_DECODE.update({0x02: "Ẳ", 0x05: "Ẵ", 0x06: "Ẫ", 0x14: "Ỷ", 0x19: "Ỹ", 0x1E: "Ỵ"})
_VISCII_ENCODE: dict[str, int] = {char: b for b, char in _VISCII_DECODE.items()}
_VISCII_CONTROLS = frozenset(chr(b) for b in _VISCII_DECODE if b < 0x80)

# --- VNI-Windows ---------------------------------------------------------------------------
# Tone marks as bytes (shown as their cp1252 characters), indexed like text.py: 1 huyền,
# 2 sắc, 3 hỏi, 4 ngã, 5 nặng. Capitals take the capital form of the mark.
_VNI_TONE = ("", "øùûõï", "ØÙÛÕÏ")
_VNI_CIRCUMFLEX = ("âàáåãä", "ÂÀÁÅÃÄ")  # â, then with each tone
_VNI_BREVE = ("êèéúüë", "ÊÈÉÚÜË")
_VNI_I = ("ìíæóò", "ÌÍÆÓÒ")  # i with a tone is one byte
_TONE_MARKS = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")


def _with_tone(base: str, tone: int) -> str:
    return unicodedata.normalize("NFC", base + _TONE_MARKS[tone])


def _build_vni() -> dict[str, str]:
    """Return Unicode letter -> VNI text for every Vietnamese letter that needs a mark."""
    table: dict[str, str] = {}
    for case in (0, 1):
        tones = _VNI_TONE[case + 1]

        def up(s: str, case: int = case) -> str:
            return s.upper() if case else s

        for base in "aeouy":
            for tone in range(1, 6):
                table[_with_tone(up(base), tone)] = up(base) + tones[tone - 1]
        for base in "aeo":
            quality = unicodedata.normalize("NFC", up(base) + "\u0302")
            for tone in range(6):
                table[_with_tone(quality, tone)] = up(base) + _VNI_CIRCUMFLEX[case][tone]
        breve = up("ă")
        for tone in range(6):
            table[_with_tone(breve, tone)] = up("a") + _VNI_BREVE[case][tone]
        for letter, byte in (("ơ", "ô"), ("ư", "ö")):
            table[up(letter)] = up(byte)
            for tone in range(1, 6):
                table[_with_tone(up(letter), tone)] = up(byte) + tones[tone - 1]
        for tone in range(1, 6):
            table[_with_tone(up("i"), tone)] = _VNI_I[case][tone - 1]
        table[up("đ")] = up("ñ")
        table[_with_tone(up("y"), 5)] = up("î")
    return table


_VNI_ENCODE = _build_vni()
_VNI_DECODE: dict[str, str] = {code: letter for letter, code in _VNI_ENCODE.items()}
# Be lenient about the case of the mark byte: the base letter decides the case.
for _code, _letter in list(_VNI_DECODE.items()):
    if len(_code) == 2:
        for _mark in (_code[1].lower(), _code[1].upper()):
            _VNI_DECODE.setdefault(_code[0] + _mark, _letter)


def _decode_vni(s: str) -> tuple[str, bool]:
    """Return (decoded text, True if every non-ASCII character was part of a VNI letter)."""
    out: list[str] = []
    ok = True
    i = 0
    n = len(s)
    while i < n:
        pair = s[i : i + 2]
        if len(pair) == 2 and pair in _VNI_DECODE:
            out.append(_VNI_DECODE[pair])
            i += 2
            continue
        char = s[i]
        letter = _VNI_DECODE.get(char)
        if letter is not None:
            out.append(letter)
        else:
            if not char.isascii():
                ok = False
            out.append(char)
        i += 1
    return "".join(out), ok


def _decode_bytewise(s: str, table: dict[int, str]) -> tuple[str, bool, list[bool]]:
    """Return (decoded, all non-ASCII characters known, which characters were TCVN3-ambiguous)."""
    out: list[str] = []
    ambiguous: list[bool] = []
    ok = True
    for char in s:
        byte = ord(char) if char in _VISCII_CONTROLS else _CHAR_TO_BYTE.get(char)
        decoded = table.get(byte) if byte is not None else None
        if decoded is None:
            if not char.isascii():
                ok = False
            out.append(char)
            ambiguous.append(False)
            continue
        # TCVN3 0xB0-0xB4 are combining tone marks: kept as such, composed by the final NFC.
        out.append(decoded)
        ambiguous.append(byte in _TCVN3_LOWER_ONLY if table is _TCVN3_DECODE else False)
    return "".join(out), ok, ambiguous


# A word: a run of characters that are not ASCII separators. Non-ASCII characters always count
# as word characters, because in mojibake they stand for letters (¨ is ă in TCVN3).
_SEPARATORS = "".join(
    chr(c) for c in range(0x80) if not chr(c).isalpha() and chr(c) not in _VISCII_CONTROLS
)
_WORD_RE = re.compile("[^" + re.escape(_SEPARATORS) + "]+")
_LOWER_DESIGNATORS = frozenset(["ấp", "ở"])


def _tcvn3_fix_case(text: str, ambiguous: list[bool]) -> str:
    """Return TCVN3-decoded `text` with lower-case-only letters upper-cased where context says."""
    if not any(ambiguous):
        return text
    words = list(_WORD_RE.finditer(text))
    starts = {match.start() for match in words}
    certain = [(i, c) for i, c in enumerate(text) if not ambiguous[i] and c.isalpha()]
    # All capitals: no certain lower-case letter, and a capital inside a word ("Hå H¹" is
    # "Hồ Hạ" in Title case, "NGUYÔN" is in capitals).
    all_caps = all(c.isupper() for _, c in certain) and any(i not in starts for i, _ in certain)
    chars = list(text)
    for w, match in enumerate(words):
        start, end = match.span()
        if not any(ambiguous[start:end]):
            continue
        others = [(i, text[i]) for i in range(start, end) if not ambiguous[i] and text[i].isalpha()]
        if others and all(c.isupper() for _, c in others):
            if any(i > start for i, _ in others) or all_caps:
                chars[start:end] = text[start:end].upper()
            continue
        if not others and all_caps:
            chars[start:end] = text[start:end].upper()
            continue
        if ambiguous[start] and match.group().lower() not in _LOWER_DESIGNATORS:
            # A name inside a clause: "Thị ánh", "huyện ứng Hòa" -> Ánh, Ứng.
            if _clause_neighbour_capitalised(text, words, w, ambiguous):
                chars[start] = text[start].upper()
    return "".join(chars)


def _clause_neighbour_capitalised(
    text: str, words: list[re.Match[str]], w: int, ambiguous: list[bool]
) -> bool:
    """Return True if the nearest word on either side, in the same clause, is capitalised.

    Words that themselves start with a lower-case-only letter carry no evidence and are
    looked past ("Nguyễn ánh út" -> both capitalised).
    """
    for step in (-1, 1):
        j = w
        while 0 <= j + step < len(words):
            left, right = (words[j + step], words[j]) if step < 0 else (words[j], words[j + step])
            if not text[left.end() : right.start()].isspace():
                break  # punctuation between: another clause
            j += step
            if not ambiguous[words[j].start()]:
                if words[j].group()[:1].isupper():
                    return True
                break
    return False


def _decode(s: str, encoding: Encoding) -> tuple[str, bool]:
    if encoding == "vni":
        text, ok = _decode_vni(s)
    elif encoding == "viscii":
        text, ok, _ = _decode_bytewise(s, _VISCII_DECODE)
    elif encoding == "tcvn3":
        text, ok, ambiguous = _decode_bytewise(s, _TCVN3_DECODE)
        text = _tcvn3_fix_case(text, ambiguous)
    else:
        raise ValueError(f"unknown encoding: {encoding!r}")
    return unicodedata.normalize("NFC", text), ok


def to_unicode(s: str, encoding: Encoding) -> str:
    """Return `s`, mojibake of the legacy `encoding`, decoded to NFC Unicode.

    Characters that the encoding does not explain are kept as they are. Does no detection:
    use ``repair`` for text of unknown origin.
    """
    return _decode(s, encoding)[0]


def from_unicode(s: str, encoding: Encoding) -> str:
    """Return `s` as the mojibake that `encoding` would show in a Windows-1252 spreadsheet.

    Used to build test corpora. TCVN3 writes capitals with a tone in lower case (see the
    module docstring). Raise ValueError for a non-ASCII character the encoding cannot write.
    """
    s = unicodedata.normalize("NFC", s)
    out: list[str] = []
    for char in s:
        if char.isascii():
            out.append(char)
            continue
        if encoding == "vni":
            code = _VNI_ENCODE.get(char)
            if code is None:
                raise ValueError(f"{char!r} cannot be written in VNI")
            out.append(code)
            continue
        table = _TCVN3_ENCODE if encoding == "tcvn3" else _VISCII_ENCODE
        byte = table.get(char)
        if byte is None:
            raise ValueError(f"{char!r} cannot be written in {encoding}")
        out.append(chr(byte) if byte < 0x80 else _BYTE_TO_CHAR[byte])
    return "".join(out)


# Syllables of names and addresses. A reading made of them is likelier than one that is merely
# well formed: "Thò" is a valid syllable, but in a name it is VNI for "Thị".
_ADDRESS_SYLLABLES = """
    xã phường thị trấn huyện quận thành phố tỉnh thôn ấp xóm bản buôn làng khu tổ số đường ngõ
    hẻm ngách kiệt khóm việt nam hà nội hải phòng đà nẵng cần thơ giang cao bằng lào cai yên bái
    thái nguyên lạng sơn quảng ninh bắc phú thọ vĩnh phúc dương hưng bình định hòa nghệ an tĩnh
    trị thừa thiên huế ngãi khánh thuận kon tum gia lai đắk lắk nông lâm đồng phước tây nai long
    tiền bến tre trà tháp kiên hậu sóc trăng bạc liêu cà mau điện biên châu hồ chí minh rịa vũng
    tàu hóa ngọc trung đông nhất nhì ba tư năm sáu bảy tám chín mười
"""
_LEXICON = frozenset(place_tones(word) for word in (*NAME_SYLLABLES, *_ADDRESS_SYLLABLES.split()))


def _plausible(text: str) -> tuple[int, int] | None:
    """Return (words in the lexicon, words not in it) for a plausible Vietnamese `text`.

    Only words with a non-ASCII character count. Return None if one of them is not a
    well-formed syllable written in lower case, Title case or CAPITALS.
    """
    known = unknown = 0
    for match in _WORD_RE.finditer(text):
        word = match.group()
        if word.isascii() and not any(c in _VISCII_CONTROLS for c in word):
            continue
        if not any(c.isalpha() for c in word):
            continue  # stray symbol such as "–": no evidence either way
        if not (word.islower() or word.isupper() or word.istitle()):
            return None
        if not is_vietnamese_syllable(word):
            return None
        if place_tones(word.lower()) in _LEXICON:
            known += 1
        else:
            unknown += 1
    return known, unknown


def _is_ascii(s: str) -> bool:
    return s.isascii() and not any(c in _VISCII_CONTROLS for c in s)


def _candidates(s: str) -> list[tuple[Encoding, str, tuple[int, int]]]:
    """Return (encoding, decoding, (known, unknown)) for each plausible legacy reading of `s`."""
    found: list[tuple[Encoding, str, tuple[int, int]]] = []
    for encoding in _ENCODINGS:
        decoded, ok = _decode(s, encoding)
        if not ok or decoded == s:
            continue
        score = _plausible(decoded)
        if score is not None and score[0] + score[1]:
            found.append((encoding, decoded, score))
    return found


def _classify(s: str) -> tuple[Detected, str]:
    if _is_ascii(s):
        return "ascii", s
    as_unicode = _plausible(unicodedata.normalize("NFC", s))
    if as_unicode is not None and as_unicode[1] == 0:
        return "unicode", s
    candidates = _candidates(s)
    if as_unicode is not None:
        # Well-formed Unicode with a word we do not know ("Phan Thò Nhung"): only a reading
        # made entirely of known words, and more of them, may replace it; and never a lone
        # word, where there is no context to go on.
        if len(_WORD_RE.findall(s)) < 2:
            return "unicode", s
        candidates = [c for c in candidates if c[2][1] == 0 and c[2][0] > as_unicode[0]]
    if not candidates:
        return "unicode", s
    # Prefer the reading with more known words, then fewer unknown ones, then the order of
    # _ENCODINGS (max keeps the first of equals).
    encoding, decoded, _score = max(candidates, key=lambda c: (c[2][0], -c[2][1]))
    return encoding, decoded


def detect(s: str) -> Detected:
    """Return which encoding `s` is in (rules in the module docstring).

    "ascii" for plain ASCII; "tcvn3", "vni" or "viscii" when that legacy reading of `s` is
    Vietnamese and `s` itself is not; "unicode" otherwise, including text we cannot
    explain, which is then left alone.
    """
    return _classify(s)[0]


def repair(s: str) -> tuple[str, Encoding | None]:
    """Return (text in Unicode, legacy encoding found or None).

    Text that is already Unicode or ASCII is returned unchanged with None.
    """
    detected, text = _classify(s)
    if detected == "unicode" or detected == "ascii":
        return s, None
    return text, detected
