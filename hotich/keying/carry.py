"""What a new entry's form brings over from its book, and which fields it folds away.

Most of a book's entries repeat the same registration place, signer and title, the same
registration type, nationality and ethnicity: those are *carried* into the new form (shown
marked, skipped by Enter, changed by typing over them). The page number and registration
date of the entry keyed before are *proposed* (the cursor stops on them, Enter accepts).
Each carried value is the book's usual one — the most common among its latest entries —
so a book keeps what it writes (``Mường``, ``UBND xã Đông Văn``) however it writes it;
values its team leader set on the book (``RegisterBook.usual_values``) come before those;
in a book not keyed yet, the registration place falls back to the book's commune
(``UBND xã …``, the unit of the time the book was kept), nationality and ethnicity to
``Việt Nam`` and ``Kinh``.
The keyer (người thực hiện) is the officer keying.

A person's carried values are saved only with something typed for that person
(:func:`lone_carries`): an unknown father gets no ethnicity from the book's habit.

Pure: the book's entries and the officer come in as arguments (docs/keying.md).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from hotich.registers.spec import Fact, Field, FieldType, PersonRole, RegisterType

#: Registration columns carried from the book's usual value.
CARRIED_COLUMNS = ("loaiDangKy", "noiDangKy", "noiCap", "nguoiKy", "chucVuNguoiKy")
#: Columns proposed from the entry keyed just before: the cursor stops on them.
PROPOSED_COLUMNS = ("trangSo", "ngayDangKy")
#: The keyer: the officer keying.
KEYER_COLUMN = "nguoiThucHien"
#: A person's facts carried from the book's usual value, with the value for a new book.
CARRIED_FACTS: dict[Fact, str] = {Fact.NATIONALITY: "Việt Nam", Fact.ETHNICITY: "Kinh"}
#: What a team leader may set on the book itself (``RegisterBook.usual_values``), used before
#: what the book's entries show: registration columns, and facts by these keys (each person's
#: first column of the fact).
BOOK_COLUMNS = ("noiDangKy", "nguoiKy", "chucVuNguoiKy", "loaiDangKy")
BOOK_FACTS: dict[str, Fact] = {"nationality": Fact.NATIONALITY, "ethnicity": Fact.ETHNICITY}
SET_ON_BOOK = "đặt cho sổ"

#: Facts a book rarely writes: folded away until asked for (F8) unless they hold a value.
RARE_FACTS = frozenset(
    {
        Fact.BIRTH_DATE_IN_WORDS,
        Fact.BIRTHPLACE_UNIT,
        Fact.OTHER_NATIONALITY,
        Fact.ID_DOCUMENT_OTHER,
        Fact.ID_DOCUMENT_DATE,
        Fact.ID_DOCUMENT_PLACE,
    }
)
RARE_COLUMNS = frozenset({"ghiChu", "ngayXacLapQuanHeHonNhan"})
#: Entries a book needs before "none of them fills this field" folds it.
LEARN_FROM = 3

CARRIED = "carried"
PROPOSED = "proposed"


@dataclass(frozen=True)
class Carry:
    """The values a new form starts with: ``values`` by column, ``kinds`` by column
    (:data:`CARRIED` or :data:`PROPOSED`), ``sources`` by column (Vietnamese, for the
    officer) and the columns folded because the book's entries leave them empty."""

    values: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    folded: frozenset[str] = frozenset()

    def held_in(self, data: Mapping[str, str]) -> Carry:
        """Return this carry without the values DATA (a form as posted) no longer holds."""
        kept = [n for n, v in self.values.items() if data.get(n, "") == v]
        return Carry(
            {n: self.values[n] for n in kept},
            {n: self.kinds[n] for n in kept},
            {n: self.sources[n] for n in kept},
            self.folded,
        )

    @property
    def carried(self) -> list[str]:
        """Return the columns carried (not merely proposed), sorted: the form's ``_carried``."""
        return sorted(n for n, kind in self.kinds.items() if kind == CARRIED)


def _usual(values: Iterable[str]) -> str:
    """Return the most common non-empty value, the latest (first given) on a tie."""
    seen = [v for v in values if v]
    if not seen:
        return ""
    counts = Counter(seen)
    top = max(counts.values())
    return next(v for v in seen if counts[v] == top)


#: register id → (the register, its first field of each fact): worked out once per process.
_FIRST_OF_FACT: dict[int, tuple[RegisterType, dict[tuple[PersonRole, Fact], Field]]] = {}


def _first_of_fact(register: RegisterType) -> dict[tuple[PersonRole, Fact], Field]:
    """Return each person's first field of each fact (the person's, in template order)."""
    known = _FIRST_OF_FACT.get(id(register))
    if known is not None and known[0] is register:
        return known[1]
    first: dict[tuple[PersonRole, Fact], Field] = {}
    for f in register.fields:
        if f.person is not None and f.fact is not None:
            first.setdefault((f.person, f.fact), f)
    _FIRST_OF_FACT[id(register)] = (register, first)
    return first


def is_rare(register: RegisterType, f: Field) -> bool:
    """Return whether the book's page rarely holds F: folded in every book.

    A field only the interconnection layout carries (not in the Ministry template: the
    birth-certificate code, unit codes, the requester's phone …) is one: books predate it.
    """
    if not f.in_template or f.name in RARE_COLUMNS or f.fact in RARE_FACTS:
        return True
    # The nationality written a second time (QuocTichStr beside QuocTich) repeats the first.
    if f.person is not None and f.fact is Fact.NATIONALITY:
        return _first_of_fact(register)[(f.person, f.fact)] is not f
    return False


def registration_place(unit_name: str) -> str:
    """Return how a book names the commune UNIT_NAME ("Xã Đông Văn") as the place of
    registration: "UBND xã Đông Văn"."""
    name = " ".join(unit_name.split())
    return f"UBND {name[:1].lower()}{name[1:]}" if name else ""


def book_carry(
    register: RegisterType,
    recent: Sequence[dict[str, str]],
    *,
    keyer: str,
    place: str = "",
    book_values: Mapping[str, str] | None = None,
) -> Carry:
    """Return what a new form of REGISTER brings over from RECENT (the book's latest
    entries' values, newest first), for the officer named KEYER; PLACE is the book's
    commune as a place of registration, for a book whose entries name none.

    BOOK_VALUES are the usual values set on the book (:data:`BOOK_COLUMNS`, :data:`BOOK_FACTS`):
    they come first, before what the entries show."""
    names = {f.name for f in register.fields}
    values: dict[str, str] = {}
    kinds: dict[str, str] = {}
    sources: dict[str, str] = {}
    learned = "thường ghi trong sổ này"
    own = book_values or {}
    for name in CARRIED_COLUMNS:
        if name in names and own.get(name):
            values[name], kinds[name], sources[name] = own[name], CARRIED, SET_ON_BOOK
            continue
        usual = _usual(e.get(name, "") for e in recent)
        if name in names and usual:
            values[name], kinds[name], sources[name] = usual, CARRIED, learned
    if "noiDangKy" in names and "noiDangKy" not in values and place:
        values["noiDangKy"], kinds["noiDangKy"] = place, CARRIED
        sources["noiDangKy"] = "xã của sổ"
    first = set(_first_of_fact(register).values())
    by_fact = {fact: own.get(key, "") for key, fact in BOOK_FACTS.items()}
    for f in register.fields:
        if f.fact not in CARRIED_FACTS or is_rare(register, f):
            continue
        if f in first and by_fact.get(f.fact):
            values[f.name], kinds[f.name], sources[f.name] = by_fact[f.fact], CARRIED, SET_ON_BOOK
            continue
        usual = _usual(e.get(f.name, "") for e in recent)
        if usual:
            values[f.name], kinds[f.name], sources[f.name] = usual, CARRIED, learned
        elif f in first and f.fact is not None and len(recent) < LEARN_FROM:
            values[f.name] = CARRIED_FACTS[f.fact]
            kinds[f.name], sources[f.name] = CARRIED, "mặc định của sổ mới"
    if KEYER_COLUMN in names and keyer:
        values[KEYER_COLUMN], kinds[KEYER_COLUMN] = keyer, CARRIED
        sources[KEYER_COLUMN] = "người đang nhập"
    if recent:
        for name in PROPOSED_COLUMNS:
            if name in names and recent[0].get(name):
                values[name], kinds[name] = recent[0][name], PROPOSED
                sources[name] = "như trường hợp trước"
    folded: frozenset[str] = frozenset()
    if len(recent) >= LEARN_FROM:
        # The fields some recent entry fills, gathered once (not one pass per field).
        filled = {name for e in recent for name, value in e.items() if value}
        folded = frozenset(
            f.name
            for f in register.fields
            if not f.required
            and f.name not in values
            and f.type is not FieldType.NAME
            and f.name not in filled
        )
    return Carry(values, kinds, sources, folded)


def lone_carries(register: RegisterType, values: dict[str, str], carried: set[str]) -> set[str]:
    """Return the CARRIED columns of VALUES to drop: a person's carried values when
    nothing else of that person was typed (the book does not name them)."""
    drop: set[str] = set()
    for role in register.persons:
        fields = [f.name for f in register.fields_for(role) if values.get(f.name)]
        if fields and all(name in carried for name in fields):
            drop.update(fields)
    return drop
