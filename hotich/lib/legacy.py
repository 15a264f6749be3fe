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

Repair decides word by word, because a cell of an old spreadsheet can be a long sentence
with acronyms, punctuation, English or rare words, or Unicode next to legacy text; and it is
conservative, because correct text must never be altered. For each encoding, every word of
the text (letters and the characters the encoding gives a meaning; other punctuation such as
“ ” – … separates words) is one of: plain ASCII; *legacy* (the encoding reads a well-formed
or known syllable, and the word as it stands is none: "NguyÔn", "ng­êi"); *both* (a
syllable either way: "Sè" is Unicode "Sè" and TCVN3 "Số"); *unicode*; an *acronym* with
Vietnamese capitals ("N§" -> NĐ, "BL§TBXH"); *symbols* the encoding explains ("Ph.¡ngghen");
*nonsense* (the encoding reads letters into no syllable); other. Then:

1. the text is in an encoding when that reading finds legacy words: two, or one known
   syllable, or one among few plain words; never when nonsense words are more than half the
   legacy words, nor in a sentence (eight words or more) where fewer than 30 % of the words
   read as syllables with a mark (text whose marks OCR lost). The encoding with most legacy
   words wins, then most syllables of names and addresses, then most known syllables, ties
   going to TCVN3, then VNI, then VISCII;
2. in that encoding legacy words, acronyms and symbols are converted; Unicode, ASCII, other
   and nonsense words stay as they are; words that are syllables either way are converted
   in a text without Unicode words, and in a mixed text follow the decided words beside them
   in their clause;
3. a short text of capitalised words that are all syllables either way ("Sè TT", "Phan Thò
   Nhung": Thò is a word, and VNI for Thị) is converted only when its reading is made of
   syllables of names and addresses and the text as it stands has an unknown one; a lone
   word never is.

Known syllables are those of names, addresses, place names and common administrative
words. A soft hyphen ending a TCVN3 word that would otherwise read as nothing ("®éng­") is a
soft hyphen, kept as it is, not "ư".

Capitals in TCVN3: the ABC fonts have no code for a capital letter with a tone (Ấ, Ễ, Ố ...);
writers typed the lower-case code, shown as a capital by the capitals fonts (``.VnTimeH``
and the like, which draw every letter as a capital). So those codes decode to lower case,
and then: a word with two or more other letters, all capitals, is upper-cased ("NGUYễN" ->
"NGUYỄN"); every word is upper-cased in a text in capitals, which needs a syllable with two
capitals and no lower-case letter (an acronym is no such evidence: "Sè TT" is "Số TT", not
"SỐ TT", since a mixed-case cell is not in a capitals font); a word that starts with such a
letter is capitalised when the word next to it is capitalised ("Nguyễn Thị ánh" -> "Nguyễn
Thị Ánh"), except the lower-case designators "ấp" and "ở". Text typed in lower case in a
capitals font is shown in capitals that the bytes do not record: it stays in lower case.
``from_unicode`` writes capitals with a tone as the lower-case code, as the ABC keyboard did.

Measured on real documents and on clean Unicode by ``bench/bench_legacy.py``
(docs/exchange.md, "Legacy text").
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import cache, lru_cache
from typing import Literal, get_args

from hotich.lib.names import NAME_SYLLABLES
from hotich.lib.text import is_vietnamese_syllable, place_tones

__all__ = [
    "Detected",
    "Encoding",
    "detect",
    "detect_document",
    "from_unicode",
    "repair",
    "to_unicode",
]

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


def _decode_word(s: str, encoding: Encoding) -> tuple[str, bool, tuple[bool, ...]]:
    """Return (decoded before NFC, every non-ASCII character explained, TCVN3-ambiguous flags)."""
    if encoding == "vni":
        text, ok = _decode_vni(s)
        return text, ok, (False,) * len(text)
    if encoding == "viscii":
        text, ok, flags = _decode_bytewise(s, _VISCII_DECODE)
    elif encoding == "tcvn3":
        text, ok, flags = _decode_bytewise(s, _TCVN3_DECODE)
    else:
        raise ValueError(f"unknown encoding: {encoding!r}")
    return text, ok, tuple(flags)


def to_unicode(s: str, encoding: Encoding) -> str:
    """Return `s`, mojibake of the legacy `encoding`, decoded to NFC Unicode.

    Characters that the encoding does not explain are kept as they are; TCVN3 capitals are
    restored from context (module docstring). Does no detection: use ``repair`` for text of
    unknown origin.
    """
    text, _ok, ambiguous = _decode_word(s, encoding)
    return unicodedata.normalize("NFC", _fix_case(text, ambiguous))


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


# --- capitals in TCVN3 ----------------------------------------------------------------------

_LETTER_RUN = re.compile(r"(?:[^\W\d_]|[\u0300-\u0323])+")
_LOWER_DESIGNATORS = frozenset(["ấp", "ở"])


def _fix_case(text: str, ambiguous: tuple[bool, ...] | list[bool]) -> str:
    """Return decoded `text` with TCVN3's lower-case-only letters upper-cased where context says.

    The evidence is the letters whose case the bytes do tell ("certain" letters). A word with
    two or more certain letters, all capitals, is in capitals ("NGUYễN"). The whole text is
    in capitals when no certain letter is lower case and some Vietnamese syllable has two
    certain capitals; an acronym ("TT", "UBND") is no such evidence, so "Sè TT" stays "Số TT".
    A word starting with such a letter is capitalised when the nearest word beside it, in the
    same clause, is ("Thị ánh" -> "Thị Ánh"), except "ấp" and "ở".
    """
    if not any(ambiguous):
        return text
    words = _letter_runs(text)
    certain = [
        [i for i in range(*m.span()) if not ambiguous[i] and text[i].isalpha()] for m in words
    ]
    lower_seen = any(text[i].islower() for c in certain for i in c)
    evidence = any(
        len(c) >= 2 and all(text[i].isupper() for i in c) and is_vietnamese_syllable(m.group())
        for m, c in zip(words, certain, strict=True)
    )
    all_caps = evidence and not lower_seen
    chars = list(text)
    for w, (match, sure) in enumerate(zip(words, certain, strict=True)):
        start, end = match.span()
        if not any(ambiguous[start:end]):
            continue
        if all_caps or (len(sure) >= 2 and all(text[i].isupper() for i in sure)):
            chars[start:end] = text[start:end].upper()
        elif ambiguous[start] and match.group().lower() not in _LOWER_DESIGNATORS:
            if _neighbour_capitalised(text, words, w, ambiguous):
                chars[start] = text[start].upper()
    return "".join(chars)


def _letter_runs(text: str) -> list[re.Match[str]]:
    """Return the words of decoded `text`: letters with their combining tone marks."""
    return list(_LETTER_RUN.finditer(text))


def _neighbour_capitalised(
    text: str, words: list[re.Match[str]], w: int, ambiguous: tuple[bool, ...] | list[bool]
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


# --- what a word may be ---------------------------------------------------------------------

# Syllables of names and addresses, and the commonest syllables of administrative text. A
# reading made of them is likelier than one that is merely well formed: "Thò" is a valid
# syllable, but in a name it is VNI for "Thị".
_ADDRESS_SYLLABLES = """
    xã phường thị trấn huyện quận thành phố tỉnh thôn ấp xóm bản buôn làng khu tổ số đường ngõ
    hẻm ngách kiệt khóm việt nam hà nội hải phòng đà nẵng cần thơ giang cao bằng lào cai yên bái
    thái nguyên lạng sơn quảng ninh bắc phú thọ vĩnh phúc dương hưng bình định hòa nghệ an tĩnh
    trị thừa thiên huế ngãi khánh thuận kon tum gia lai đắk lắk nông lâm đồng phước tây nai long
    tiền bến tre trà tháp kiên hậu sóc trăng bạc liêu cà mau điện biên châu hồ chí minh rịa vũng
    tàu hóa ngọc trung đông nhất nhì ba tư năm sáu bảy tám chín mười
"""
_COMMON_SYLLABLES = """
    của và các có được là trong cho không người những một này với đã theo về để đến từ tại thì
    ngày tháng năm số sinh họ tên ông bà anh chị em con cháu cha mẹ vợ chồng nam nữ giới tính
    dân tộc kinh quốc tịch nơi cư trú thường tạm chỗ ở hiện nay quê quán giấy chứng nhận khai
    tử kết hôn đăng ký hộ tịch sổ quyển trang ghi chú cộng hòa hoà xã hội chủ nghĩa độc lập tự
    do hạnh phúc ủy ban nhân uỷ luật nghị quyết thông chỉ văn bản điều khoản mục chương phần
    căn cứ bộ trưởng chính phủ thủ tướng quy qui định hướng dẫn thực hiện thi hành ban ngành
    cơ quan đơn vị tổ chức cá doanh nghiệp công ty nhà nước thuế thu nhập chi phí tiền đồng giá
    trị tăng giảm sản xuất hàng hóa hoá dịch vụ hoạt động đầu tư ngoài cả tài lý hợp đối tượng
    kế toán quản việc trường cấp phải như sau khác còn hoặc nếu khi đó đây bao gồm mới cũ cùng
    lần thứ hai bốn trăm nghìn triệu tỷ đầy đủ hạn kỳ trên dưới trước giữa vào ra lên xuống
    cụ thể riêng chung toàn báo cáo kiểm tra sát thẩm quyền trách nhiệm hồ sơ cán công dân
    chuyển giao nhiệm phó giám đốc trưởng phòng sở tư pháp ký tên đóng dấu lưu văn thư
    mã giá đơn vị tính hạng loại nhóm cái chiếc bộ mét tấm cuộn hộp túi dây nhựa vải tổng
    cộng ghi lời chứng nhận bản sao chép phụ lục biểu mẫu
"""
_NAME_LEXICON = frozenset(
    place_tones(word) for word in (*NAME_SYLLABLES, *_ADDRESS_SYLLABLES.split())
)
_LEXICON = _NAME_LEXICON | {place_tones(word) for word in _COMMON_SYLLABLES.split()}


@cache
def _lexicon() -> frozenset[str]:
    """Return the known syllables: the lists above and every syllable of a unit's name.

    Place names carry syllables of minority languages that are no well-formed Vietnamese
    syllable ("Pék" in "Đắk Pék"); written in Unicode they are still Unicode.
    """
    from hotich.lib.places import iter_units  # the registry loads in about a second

    places = {place_tones(w) for unit in iter_units() for w in unit.name.lower().split()}
    return _LEXICON | places


_SOFT_HYPHEN = "\xad"
_VIETNAMESE_LOWER = "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstu"
_VIETNAMESE_LOWER += "ùúủũụưừứửữựvxyỳýỷỹỵfjwz"
_VIETNAMESE_LETTERS = frozenset(_VIETNAMESE_LOWER + _VIETNAMESE_LOWER.upper())
_PLAIN_VIETNAMESE = _VIETNAMESE_LETTERS | {chr(c) for c in range(0x20, 0x7F)}
# Characters each encoding gives a meaning to, as they arrive (cp1252 or Latin-1 readings).
_MEANINGFUL: dict[Encoding, frozenset[str]] = {
    "tcvn3": frozenset(c for c, b in _CHAR_TO_BYTE.items() if b in _TCVN3_DECODE),
    "vni": frozenset("".join(_VNI_DECODE)),
    "viscii": frozenset(c for c, b in _CHAR_TO_BYTE.items() if b in _VISCII_DECODE)
    | _VISCII_CONTROLS,
}

# Kinds of word, for one encoding:
#   "ascii"   plain ASCII, the same in every reading;
#   "legacy"  the encoding reads a well-formed syllable, and the word as it stands is not one
#             ("NguyÔn", "ng­êi", "Hä");
#   "both"    a well-formed syllable either way ("Sè": Unicode "Sè", TCVN3 "Số");
#   "unicode" a well-formed Unicode syllable the encoding cannot read or reads as nonsense;
#   "acronym" the encoding reads capitals with Đ or another Vietnamese capital ("N§" -> NĐ);
#   "symbols" the encoding explains symbols inside the word (¸ § µ ...), reading no syllable
#             ("Ph.¡ngghen"); converted only inside text the encoding already explains;
#   "nonsense" letters the encoding reads, but into no syllable, and no syllable as they stand
#             ("hién" in text that lost diacritics to OCR): evidence against the encoding;
#   "other"   none of these (a foreign word, a name), left as it is.
Kind = Literal["ascii", "legacy", "both", "unicode", "acronym", "symbols", "nonsense", "other"]


def _case_shape_ok(word: str, ambiguous: tuple[bool, ...] | None = None) -> bool:
    """Return True if the letters whose case is known are lower, CAPITALS or Title case."""
    known = [(i, c) for i, c in enumerate(word) if c.isalpha() and not (ambiguous and ambiguous[i])]
    letters = "".join(c for _, c in known)
    if not letters or letters.islower() or letters.isupper():
        return True
    return known[0][0] == 0 and letters[0].isupper() and letters[1:].islower()


def _is_unicode_syllable(word: str) -> bool:
    """Return True if `word` as it stands is a syllable: well formed, or a known one."""
    # A soft hyphen may end a Unicode word (a hyphenation point); inside one it is a legacy
    # letter (ư in TCVN3, ễ in VISCII).
    text = unicodedata.normalize("NFC", word.strip(_SOFT_HYPHEN))
    if not text or not _case_shape_ok(text):
        return False
    return is_vietnamese_syllable(text) or place_tones(text.lower()) in _lexicon()


@lru_cache(maxsize=100_000)
def _analyse(word: str, encoding: Encoding) -> tuple[Kind, str, tuple[bool, ...]]:
    """Return (kind, reading before NFC, TCVN3-ambiguous flags of the reading) of one word."""
    if _is_ascii(word):
        return "ascii", word, (False,) * len(word)
    as_unicode = _is_unicode_syllable(word)
    decoded, ok, ambiguous = _decode_word(word, encoding)
    if ok and decoded == word:
        # Read the same either way ("Lý" in TCVN3): converting changes nothing but its case.
        if as_unicode or _reading_shape(decoded, ambiguous) == "syllable":
            return "both", decoded, ambiguous
    if ok and decoded != word:
        # A word of symbols alone ("–", "©") is no evidence of a legacy font.
        shape = _reading_shape(decoded, ambiguous) if any(c.isalpha() for c in word) else None
        if shape is None and encoding == "tcvn3" and word.endswith(_SOFT_HYPHEN):
            # A soft hyphen at the end of a word is a soft hyphen, not "ư" ("doanh­").
            head, ok_head, flags = _decode_word(word[:-1], encoding)
            if ok_head and _reading_shape(head, flags) == "syllable":
                decoded, ambiguous, shape = head + _SOFT_HYPHEN, (*flags, False), "syllable"
        if shape == "syllable":
            return ("both" if as_unicode else "legacy"), decoded, ambiguous
        if shape == "acronym" and not as_unicode:
            return "acronym", decoded, ambiguous
        if not as_unicode and any(not c.isascii() and not c.isalpha() for c in word):
            return "symbols", decoded, ambiguous
        if not as_unicode:
            return "nonsense", word, (False,) * len(word)
    return ("unicode" if as_unicode else "other"), word, (False,) * len(word)


def _reading_shape(
    decoded: str, ambiguous: tuple[bool, ...]
) -> Literal["syllable", "acronym"] | None:
    """Return what a legacy reading is: a syllable, an acronym with Vietnamese capitals, neither."""
    text = unicodedata.normalize("NFC", decoded.replace(_SOFT_HYPHEN, ""))
    if not _case_shape_ok(decoded, ambiguous):
        return None
    if is_vietnamese_syllable(text):
        return "syllable"
    if (
        2 <= len(text) <= 10
        and text.isalpha()
        and text.isupper()
        and not any(ambiguous)
        and not text.isascii()
    ):
        return "acronym"
    return None


def _is_ascii(s: str) -> bool:
    return s.isascii() and not any(c in _VISCII_CONTROLS for c in s)


def _word_spans(s: str, encoding: Encoding) -> list[tuple[int, int]]:
    """Return the words of `s` for `encoding`: letters, and the characters it gives a meaning.

    Other characters separate words, so punctuation the encoding does not use (“ ” – …)
    is not part of a word.
    """
    meaningful = _MEANINGFUL[encoding]
    spans: list[tuple[int, int]] = []
    start = -1
    for i, c in enumerate(s):
        inside = (c.isalpha() and (c.isascii() or not c.isdigit())) or c in meaningful
        inside = inside or (not c.isascii() and unicodedata.combining(c) > 0)
        if inside and start < 0:
            start = i
        elif not inside and start >= 0:
            spans.append((start, i))
            start = -1
    if start >= 0:
        spans.append((start, len(s)))
    return spans


_CLAUSE_BREAK = re.compile(r"[,;:()\[\]{}!?\"“”–—…]|\.\s")

# --- the decision for one text --------------------------------------------------------------


class _Reading:
    """One legacy reading of a text: its words and what each is."""

    def __init__(self, s: str, encoding: Encoding) -> None:
        self.encoding = encoding
        self.spans = _word_spans(s, encoding)
        self.words = [_analyse(s[a:b], encoding) for a, b in self.spans]
        kinds = [kind for kind, _, _ in self.words]
        # An acronym with Đ written with a character no Vietnamese text has ("N§", "ÑVT")
        # is a legacy word too.
        self.legacy = kinds.count("legacy") + sum(
            kind == "acronym"
            and "Đ" in decoded
            and any(c not in _VIETNAMESE_LETTERS for c in s[a:b])
            for (a, b), (kind, decoded, _) in zip(self.spans, self.words, strict=True)
        )
        self.both = kinds.count("both")
        self.ascii = kinds.count("ascii")
        self.unicode = kinds.count("unicode")
        self.nonsense = kinds.count("nonsense")
        self.known_legacy = sum(
            kind == "legacy" and _known(decoded) for kind, decoded, _ in self.words
        )
        self.known_names = sum(
            kind in ("legacy", "both") and _known(decoded, _NAME_LEXICON)
            for kind, decoded, _ in self.words
        )
        self.known = sum(
            kind in ("legacy", "both") and _known(decoded) for kind, decoded, _ in self.words
        )

    def explains(self) -> bool:
        """Return True if enough words are legacy for the text to be in this encoding.

        Two words that only this reading makes syllables, or one that is a known syllable
        ("ThÞ" in "Phan ThÞ Thu Mai"), or one in text without Unicode words that comes with
        syllables either way at least half as many as the plain ASCII words: a stray word in
        otherwise plain text is not enough. Nonsense words (read into no syllable) must be
        at most half the legacy words, and in a text of eight words or more at least 30 % of
        the words must read as syllables with a mark: text that lost its diacritics to OCR
        ("véi", "hién" among plain words) is not in a legacy font.
        """
        if self.legacy == 0 or 2 * self.nonsense > self.legacy:
            return False
        marked = self.legacy + self.both
        if len(self.words) >= 8 and 10 * marked < 3 * (marked + self.ascii + self.nonsense):
            # A sentence: about two thirds of Vietnamese syllables carry a mark; when fewer
            # than 30 % of its words read as marked syllables, the text lost its marks (OCR).
            return False
        if self.legacy >= 2:
            return True
        if self.known_legacy:
            return True
        return self.unicode == 0 and 2 * (self.legacy + self.both) >= self.ascii

    def converts(self, s: str) -> list[bool]:
        """Return, per word of `s`, whether to replace it with this reading.

        Legacy words, acronyms and symbols are replaced; Unicode, ASCII and other words stay.
        Words that are syllables either way are replaced in a text without Unicode words;
        in a text that mixes both, they follow the nearest decided word on each side within
        their clause (between , ; : ( ) and the like), and stay when a Unicode word is one
        of those or no word of the clause is decided ("Quaän 3, TP. Hoà Chí Minh").
        """
        kinds = [kind for kind, _, _ in self.words]
        decided = [
            True if k in ("legacy", "acronym", "symbols") else False if k == "unicode" else None
            for k in kinds
        ]
        if False not in decided:
            return [d is True or k == "both" for d, k in zip(decided, kinds, strict=True)]
        clause = [0] * len(kinds)
        for i in range(1, len(kinds)):
            between = s[self.spans[i - 1][1] : self.spans[i][0]]
            clause[i] = clause[i - 1] + bool(_CLAUSE_BREAK.search(between))
        out = []
        for i, kind in enumerate(kinds):
            if kind != "both":
                out.append(bool(decided[i]))
                continue
            same = [j for j in range(len(kinds)) if clause[j] == clause[i]]
            left = next(
                (decided[j] for j in reversed(same) if j < i and decided[j] is not None), None
            )
            right = next((decided[j] for j in same if j > i and decided[j] is not None), None)
            out.append(left is not False and right is not False and (left or right) is True)
        return out

    def name_like(self, s: str) -> bool:
        """Return True for a short text of capitalised words, such as a name or a heading."""
        words = [s[a:b] for a, b in self.spans]
        return 2 <= len(words) <= 8 and all(w[:1].isupper() for w in words)

    def render(self, s: str, convert: list[bool]) -> str:
        pieces: list[str] = []
        flags: list[bool] = []
        last = 0
        for (a, b), (_kind, decoded, ambiguous), yes in zip(
            self.spans, self.words, convert, strict=True
        ):
            pieces.append(s[last:a])
            flags += [False] * (a - last)
            if yes:
                pieces.append(decoded)
                flags += ambiguous
            else:
                pieces.append(s[a:b])
                flags += [False] * (b - a)
            last = b
        pieces.append(s[last:])
        flags += [False] * (len(s) - last)
        text = "".join(pieces)
        if self.encoding == "tcvn3":
            text = _fix_case(text, flags)
        return unicodedata.normalize("NFC", text)


def _known(decoded: str, lexicon: frozenset[str] | None = None) -> bool:
    text = unicodedata.normalize("NFC", decoded.replace(_SOFT_HYPHEN, "")).lower()
    return place_tones(text) in (_lexicon() if lexicon is None else lexicon)


def _repair(s: str) -> tuple[str, Encoding | None]:
    if _is_ascii(s):
        return s, None
    present = set(s)
    if present <= _PLAIN_VIETNAMESE and all(
        w.isascii() or (_case_shape_ok(w) and _known(w, _NAME_LEXICON))
        for w in _LETTER_RUN.findall(s)
    ):
        # Letters and ASCII only, every word a syllable of names and addresses: no reading
        # can find a legacy word in it, nor rule 3 an unknown one (a shortcut, same result).
        return s, None
    readings = [_Reading(s, e) for e in _ENCODINGS if not present.isdisjoint(_MEANINGFUL[e])]
    explaining = [r for r in readings if r.explains()]
    if explaining:
        # More legacy words, then more syllables of names and addresses, then more known
        # syllables, then the order of _ENCODINGS.
        best = max(explaining, key=lambda r: (r.legacy, r.known_names, r.known))
        return _rendered(s, best, best.converts(s))
    # Every word is a syllable either way ("Sè TT", "Phan Thò Nhung"): only a short text of
    # capitalised words whose reading is made entirely of known syllables, where the text
    # as it stands has an unknown one, is read in a legacy encoding.
    for reading in readings:
        kinds = [kind for kind, _, _ in reading.words]
        if not reading.name_like(s) or "both" not in kinds:
            continue
        if any(kind not in ("ascii", "both") for kind in kinds):
            continue
        both = [
            (s[a:b], d)
            for (a, b), (k, d, _) in zip(reading.spans, reading.words, strict=True)
            if k == "both"
        ]
        names = _NAME_LEXICON
        if all(_known(d, names) for _, d in both) and not all(_known(w, names) for w, _ in both):
            return _rendered(s, reading, [k == "both" for k in kinds])
    return s, None


def _rendered(s: str, reading: _Reading, convert: list[bool]) -> tuple[str, Encoding | None]:
    text = reading.render(s, convert)
    return (text, reading.encoding) if text != s else (s, None)


def detect(s: str) -> Detected:
    """Return which encoding `s` is in (rules in the module docstring).

    "ascii" for plain ASCII; "tcvn3", "vni" or "viscii" when ``repair`` reads some of `s` in
    that encoding; "unicode" otherwise, including text we cannot explain, which is then left
    alone.
    """
    if _is_ascii(s):
        return "ascii"
    return _repair(s)[1] or "unicode"


def repair(s: str) -> tuple[str, Encoding | None]:
    """Return (text in Unicode, legacy encoding found or None).

    Converts word by word (module docstring): in a text with legacy words, each word is
    replaced by its legacy reading or kept as it is. Text that is already Unicode or ASCII is
    returned unchanged with None.
    """
    return _repair(s)


_FIELD_SEPARATORS = re.compile(r"[\r\n,;\t]+")


def detect_document(s: str) -> Encoding | None:
    """Return the legacy encoding of a whole file's text (bytes read one per character), or None.

    Each line and each field between ``,`` ``;`` or tabs is one text; the encoding that
    ``repair`` finds in at least half of the texts with non-ASCII characters wins. A file is
    judged by its cells, as ``repair`` judges a cell by its words: the header row and the
    ASCII cells of a file are no evidence either way.
    """
    fields = [f for f in _FIELD_SEPARATORS.split(s) if not _is_ascii(f)]
    votes = Counter(found for f in fields if (found := _repair(f)[1]) is not None)
    if not votes:
        return None
    encoding, count = votes.most_common(1)[0]
    return encoding if 2 * count >= len(fields) else None
