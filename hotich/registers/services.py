"""Writes to books and entries. Views, commands, importers and tasks call these; nobody else writes."""

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hotich.accounts.models import User
from hotich.audit.actor import Actor
from hotich.audit.chain import chain_rows_append
from hotich.audit.models import AuditEvent
from hotich.audit.services import audit_record
from hotich.db.bulk import json_text, rows_insert
from hotich.registers.models import Entry, EntryPerson, EntryStatus, FieldMark, RegisterBook
from hotich.registers.people import (
    compared_facts,
    compared_fields,
    entry_people,
    entry_summary,
    people_summary,
)
from hotich.registers.spec import PersonRole, RegisterType

#: States that say every person was reconciled; a save that changes a person's compared facts
#: takes the entry back to "keyed", to be reconciled (and reviewed, approved) again.
NEEDS_RECONCILING_AGAIN = (
    EntryStatus.RECONCILED,
    EntryStatus.REVIEWED,
    EntryStatus.APPROVED,
    EntryStatus.EXPORTED,
)


class EntryConflict(Exception):
    """Someone saved the entry since this writer read it; carries the stored version."""

    def __init__(self, current: Entry) -> None:
        super().__init__(
            _("Trường hợp này vừa được %(user)s lưu (phiên bản %(version)s). Hãy xem lại hai bản.")
            % {"user": current.updated_by or "", "version": current.version}
        )
        self.current = current


class InvalidEntryData(ValueError):
    """The submitted values name columns the register does not have, or bad marks."""


_FIELD_NAMES: dict[int, tuple[RegisterType, frozenset[str]]] = {}


def _field_names(register: RegisterType) -> frozenset[str]:
    """Return the names of REGISTER's columns (register types are module-level constants:
    each keeps its set for the process's life, instead of one set built per entry)."""
    cached = _FIELD_NAMES.get(id(register))
    if cached is None or cached[0] is not register:
        cached = _FIELD_NAMES[id(register)] = (register, frozenset(f.name for f in register.fields))
    return cached[1]


def _clean_values(
    register: RegisterType, values: dict[str, Any], marks: dict[str, str]
) -> tuple[dict[str, str], dict[str, str]]:
    """Return (values, marks) restricted to the register's columns; text kept as written."""
    known = _field_names(register)
    unknown = sorted((values.keys() | marks.keys()) - known)
    if unknown:
        raise InvalidEntryData(
            _("Sổ %(book)s không có cột: %(cols)s")
            % {"book": register.label, "cols": ", ".join(unknown)}
        )
    bad_marks = {k: v for k, v in marks.items() if v not in FieldMark.values}
    if bad_marks:
        raise InvalidEntryData(_("Đánh dấu không hợp lệ: %s") % bad_marks)
    # Values are stored as written; only surrounding whitespace is dropped. A marked field
    # holds no value.
    clean = {k: str(v).strip() for k, v in values.items() if v not in (None, "") and k not in marks}
    return {k: v for k, v in clean.items() if v}, dict(marks)


#: Audit key of the personal IDs a save took away from people whose facts changed.
UNLINKED_KEY = "số định danh gỡ do sửa"


def _compared_columns(register: RegisterType, role: str) -> tuple[str, ...]:
    """Return the columns whose values the registry comparison of ROLE reads."""
    return tuple(f.name for f in compared_fields(register, role))


@dataclass(frozen=True)
class PeopleSync:
    """What :func:`entry_people_sync` changed: roles whose compared facts changed (their
    registry links were taken away and must be reconciled again), roles added and removed,
    and the personal ID each changed or removed person had."""

    changed: tuple[str, ...] = ()
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    unlinked: dict[str, str] = field(default_factory=dict)
    dropped: tuple[str, ...] = ()  # changed roles whose outcome (match result) was removed

    @property
    def to_reconcile(self) -> tuple[str, ...]:
        """Return the roles to reconcile again: outcomes dropped, and people added."""
        return self.dropped + self.added


def _linked_id(person: EntryPerson) -> str:
    """Return the personal ID PERSON is linked to (registry person, else the match result)."""
    if person.citizen_id is not None and person.citizen is not None:
        return person.citizen.personal_id
    match = getattr(person, "match", None)
    return match.personal_id if match is not None else ""


def entry_people_sync(
    *, entry: Entry, previous_values: dict[str, str] | None = None, created: bool = False
) -> PeopleSync:
    """Bring the people named in ENTRY in line with its values (book values untouched).

    A person whose compared facts (:func:`hotich.registers.people.compared_facts`) are the same as in
    PREVIOUS_VALUES is left as it is, with its registry link, match result and tracking
    case. A person whose facts changed keeps its row, takes the new facts, and loses its
    link and match result: they were decided on other facts. Without PREVIOUS_VALUES only
    the derived columns are compared. CREATED: ENTRY was created just now and has nobody
    yet (nothing to read).
    """
    register = entry.register_type
    wanted = {p["role"]: p for p in _people_values(entry.values, register)}
    existing = (
        {}
        if created
        else {
            p.role: p
            for p in EntryPerson.objects.filter(entry=entry).select_related("citizen", "match")
        }
    )
    changed, removed, dropped, unlinked = [], [], [], {}
    for role, person in existing.items():
        new = wanted.get(role)
        if new is None:
            removed.append(role)
            if pid := _linked_id(person):
                unlinked[role] = pid
            person.delete()
            continue
        same_row = all(getattr(person, k) == v for k, v in new.items())
        same_facts = previous_values is None or compared_facts(
            register, previous_values, role
        ) == compared_facts(register, entry.values, role)
        if same_row and same_facts:
            continue
        if same_facts:
            # Only a derived column moved (a cleaner normalisation): nothing compared changed.
            EntryPerson.objects.filter(pk=person.pk).update(**new)
            continue
        changed.append(role)
        if pid := _linked_id(person):
            unlinked[role] = pid
        EntryPerson.objects.filter(pk=person.pk).update(**new, citizen=None)
        if (match := getattr(person, "match", None)) is not None:
            match.delete()
            dropped.append(role)
        elif role in unlinked:
            dropped.append(role)
    added = [role for role in wanted if role not in existing]
    EntryPerson.objects.bulk_create(EntryPerson(entry=entry, **wanted[role]) for role in added)
    return PeopleSync(tuple(changed), tuple(added), tuple(removed), unlinked, tuple(dropped))


def _people_values(values: dict[str, str], register: RegisterType) -> list[dict[str, Any]]:
    """Return the people named in an entry's VALUES, as EntryPerson field values."""
    return [person.row() for person in entry_people(register, values)]


def _people_rows(entry: Entry, register: RegisterType) -> list[EntryPerson]:
    """Return the (unsaved) people named in ENTRY's values."""
    return [EntryPerson(entry=entry, **person) for person in _people_values(entry.values, register)]


#: An entry as a file import writes it: (values, marks, summary, people rows), the values
#: and marks as the text of their JSON columns (:func:`hotich.db.bulk.json_text`), each
#: person as (role, full name, name key, birth date ISO, sex, personal ID).
PreparedEntry = tuple[str, str, str, list[tuple[Any, ...]]]


def entry_prepare(
    register: RegisterType, values: dict[str, Any], marks: dict[str, str]
) -> PreparedEntry:
    """Return what an entry of REGISTER with VALUES and MARKS stores (no database).

    Pure, so an import computes it in its checking helper process
    (:mod:`hotich.exchange.checking`) and hands it to :func:`entries_bulk_create`; the JSON
    of the values is encoded there too, off the writing process.
    """
    clean, clean_marks = _clean_values(register, values, marks)
    persons = entry_people(register, clean)  # once, for the summary and the people rows
    people = []
    for person in persons:
        p = person.row()
        birth = p["birth_date"]
        people.append(
            (
                p["role"],
                p["full_name"],
                p["name_key"],
                birth.isoformat() if birth is not None else None,
                p["sex"],
                p["personal_id"],
            )
        )
    return json_text(clean), json_text(clean_marks), people_summary(persons), people


def _people_insert(entry_ids: list[int], people: list[list[tuple[Any, ...]]]) -> None:
    """Insert the people of many saved entries (ENTRY_IDS, PEOPLE in the same order) at once.

    Imports create four or five people per entry; building a model instance for each and
    going through bulk_create costs a third of an import's time, so the rows go straight to
    the table (plain columns only: text, the partial date as stored, the entry's key).
    """
    columns = ["entry_id", "role", "full_name", "name_key", "birth_date", "sex", "personal_id"]
    rows = [
        (entry_id, *person)
        for entry_id, persons in zip(entry_ids, people, strict=True)
        for person in persons
    ]
    rows_insert(EntryPerson, columns, rows)


@transaction.atomic
def entry_create(
    *,
    book: RegisterBook,
    user: User | None,
    year: int,
    number: int,
    page: int | None = None,
    registration_date: str | None = None,
    values: dict[str, Any] | None = None,
    marks: dict[str, str] | None = None,
    status: str = EntryStatus.DRAFT,
    actor: Actor | None = None,
) -> Entry:
    """Create an entry in BOOK with its values as written, derive its people, audit it."""
    register = book.register_type_spec
    clean, clean_marks = _clean_values(register, values or {}, marks or {})
    entry = Entry.objects.create(
        book=book,
        year=year,
        number=number,
        page=page,
        registration_date=registration_date or None,
        values=clean,
        marks=clean_marks,
        summary=entry_summary(register, clean),
        status=status,
        created_by=user,
        updated_by=user,
    )
    entry_people_sync(entry=entry, created=True)
    audit_record(
        actor=actor,
        user=user,
        action=AuditEvent.Action.CREATE,
        obj=entry,
        changes={k: [None, v] for k, v in clean.items()},
    )
    return entry


def entry_update(
    *,
    entry: Entry,
    user: User,
    expected_version: int,
    values: dict[str, Any],
    marks: dict[str, str] | None = None,
    page: int | None = None,
    registration_date: str | None = None,
    actor: Actor | None = None,
) -> Entry:
    """Save new values for ENTRY if nobody saved it since EXPECTED_VERSION.

    Raise :class:`EntryConflict` (nothing written) when the stored version moved on.
    Return the refreshed entry; the audit event lists changed fields as [old, new]. See
    :func:`entry_update_people` for what happens to the people named.
    """
    saved, _people = entry_update_people(
        entry=entry,
        user=user,
        expected_version=expected_version,
        values=values,
        marks=marks,
        page=page,
        registration_date=registration_date,
        actor=actor,
    )
    return saved


@transaction.atomic
def entry_update_people(
    *,
    entry: Entry,
    user: User,
    expected_version: int,
    values: dict[str, Any],
    marks: dict[str, str] | None = None,
    page: int | None = None,
    registration_date: str | None = None,
    actor: Actor | None = None,
) -> tuple[Entry, PeopleSync]:
    """Save as :func:`entry_update` does; return the entry and what changed of its people.

    People whose compared facts did not change keep their registry links, match results and
    tracking cases. Those whose facts changed lose their outcome (the personal IDs taken
    away are written to the audit event); if any had one, or someone was added, an entry
    that was reconciled or further goes back to "keyed", to be reconciled again
    (``PeopleSync.to_reconcile`` says whom).
    """
    register = entry.register_type
    clean, clean_marks = _clean_values(register, values, marks or {})
    old = Entry.objects.get(pk=entry.pk)
    updated = Entry.objects.filter(pk=entry.pk, version=expected_version).update(
        values=clean,
        marks=clean_marks,
        page=page if page is not None else old.page,
        registration_date=registration_date
        if registration_date is not None
        else old.registration_date,
        summary=entry_summary(register, clean),
        updated_by=user,
        version=F("version") + 1,
    )
    if updated != 1:
        raise EntryConflict(Entry.objects.select_related("updated_by").get(pk=entry.pk))
    entry.refresh_from_db()
    changes: dict[str, list[Any]] = {}
    for key in sorted(set(old.values) | set(clean)):
        if old.values.get(key) != clean.get(key):
            changes[key] = [old.values.get(key), clean.get(key)]
    for key in sorted(set(old.marks) | set(clean_marks)):
        if old.marks.get(key) != clean_marks.get(key):
            changes[f"{key}#mark"] = [old.marks.get(key), clean_marks.get(key)]
    people = entry_people_sync(entry=entry, previous_values=old.values)
    if people.unlinked:
        # Kept in the log so that approval and export can tell an ID was lost (see
        # personal_ids_lost) and say whose.
        changes[UNLINKED_KEY] = [people.unlinked, None]
    audit_record(
        actor=actor, user=user, action=AuditEvent.Action.UPDATE, obj=entry, changes=changes
    )
    if people.to_reconcile and entry.status in NEEDS_RECONCILING_AGAIN:
        # Someone reconciled was corrected (or added): the entry is no longer reconciled.
        entry_status_set(
            entry=entry, user=user, old=entry.status, new=EntryStatus.KEYED, actor=actor
        )
        entry.refresh_from_db()
    return entry, people


def entry_status_set(
    *, entry: Entry, user: User | None, old: str, new: str, actor: Actor | None = None
) -> bool:
    """Move ENTRY from status OLD to NEW; return False (nothing written) if it was not in OLD.

    USER is None for a move made by a batch with no officer behind it.
    """
    moved = Entry.objects.filter(pk=entry.pk, status=old).update(
        status=new, updated_by=user, version=F("version") + 1
    )
    if moved:
        audit_record(
            actor=actor,
            user=user,
            action=AuditEvent.Action.UPDATE,
            obj=entry,
            changes={"status": [old, new]},
        )
    return bool(moved)


def entries_bulk_create(
    *,
    book: RegisterBook,
    user: User | None,
    rows: list[dict[str, Any]],
    source: str,
    status: str = EntryStatus.KEYED,
) -> list[int]:
    """Create many entries in BOOK at once (file imports); derive their people; audit each.

    Return the new entries' keys, in the rows' order.

    Each row holds ``year``, ``number``, ``page``, ``registration_date``, ``values`` and
    ``marks`` as for :func:`entry_create`, and may hold ``prepared``: what
    :func:`entry_prepare` returns for them, computed before. Each entry's audit event names SOURCE (the file
    and its row) instead of repeating the values, which the file and the entry both hold.
    Runs in the caller's transaction: the importer commits a batch of rows, their people and
    their audit events together.
    """
    register = book.register_type_spec
    # Plain tuples, no Entry instance each (hotich.db.bulk.rows_insert): a file import makes
    # 100,000 of them. The values are prepared as the fields would prepare them.
    date_field = Entry._meta.get_field("registration_date")
    dates: dict[Any, str | None] = {}
    user_id = getattr(user, "pk", None)
    now = timezone.now()
    entries, people = [], []
    for row in rows:
        clean, clean_marks, summary, persons = row.get("prepared") or entry_prepare(
            register, row["values"], row.get("marks") or {}
        )
        people.append(persons)
        given = row.get("registration_date") or None
        if given not in dates:
            dates[given] = date_field.get_prep_value(given)
        entries.append(
            (
                book.pk,
                row["year"],
                row["number"],
                row.get("page"),
                dates[given],
                clean,
                clean_marks,
                summary,
                status,
                1,
                user_id,
                user_id,
                now,
                now,
            )
        )
    columns = [
        "book_id",
        "year",
        "number",
        "page",
        "registration_date",
        "values",
        "marks",
        "summary",
        "status",
        "version",
        "created_by_id",
        "updated_by_id",
        "created_at",
        "updated_at",
    ]
    ids = rows_insert(Entry, columns, entries, returning=True, encoded=("values", "marks"))
    _people_insert(ids, people)
    username = getattr(user, "username", "") or ""
    chain_rows_append(
        [
            {
                # The batch's instant, as its entries' created_at (the log orders by at, id).
                "at": now,
                "user_id": user_id,
                "username": username,
                "action": AuditEvent.Action.CREATE.value,
                "object_type": "entry",
                "object_id": str(entry_id),
                # str(Entry): "Số 07/2008"
                "object_repr": f"Số {entry[2]:02d}/{entry[1]}"[:200],
                "commune_id": book.commune_id,
                "changes": {"source": [None, f"{source}, dòng {row.get('row', '?')}"]},
                "ip_address": None,
                "path": "",
            }
            for entry_id, entry, row in zip(ids, entries, rows, strict=True)
        ]
    )
    return ids


# --- personal IDs that must not be lost ---------------------------------------------------

#: Audit key under which the keying workflow records the personal ID it attached to a person
#: (hotich.reconciliation.services.outcome_apply: {"đối chiếu <role>": …, "số định danh": [None, id]}).
ATTACHED_KEY = "số định danh"


@dataclass(frozen=True)
class LostPersonalId:
    """A person of an entry who had a personal ID and has none now."""

    entry: Entry
    role: str
    full_name: str
    personal_id: str

    def __str__(self) -> str:
        return _(
            "Số %(number)s – %(name)s (%(role)s) đã có số định danh %(pid)s, nay không còn"
        ) % {
            "number": str(self.entry).removeprefix("Số "),
            "name": self.full_name,
            "role": PersonRole(self.role).label,
            "pid": self.personal_id,
        }


class PersonalIdsLost(ValueError):
    """Approval or export refused: some people lost the personal ID they had."""

    def __init__(self, lost: list[LostPersonalId], step: str) -> None:
        shown = "; ".join(str(item) for item in lost[:10])
        more = len(lost) - 10
        super().__init__(
            _(
                "Không %(step)s được: %(n)s người mất số định danh đã có (%(shown)s%(more)s). "
                "Hãy đối chiếu lại những người này với CSDL dân cư trước."
            )
            % {
                "step": step,
                "n": len(lost),
                "shown": shown,
                "more": _(" và %s người khác") % more if more > 0 else "",
            }
        )
        self.lost = lost


def personal_ids_had(*, entry_ids: list[int]) -> dict[tuple[int, str], str]:
    """Return {(entry id, role): the last personal ID the audit log shows the person had}."""
    had: dict[tuple[int, str], str] = {}
    for start in range(0, len(entry_ids), 500):
        chunk = [str(pk) for pk in entry_ids[start : start + 500]]
        events = (
            AuditEvent.objects.filter(object_type="entry", object_id__in=chunk)
            .filter(Q(changes__has_key=UNLINKED_KEY) | Q(changes__has_key=ATTACHED_KEY))
            .order_by("id")
            .values_list("object_id", "changes")
        )
        for object_id, changes in events:
            entry_id = int(object_id)
            for role, pid in (changes.get(UNLINKED_KEY) or [{}])[0].items():
                had[(entry_id, role)] = pid
            attached = (changes.get(ATTACHED_KEY) or [None, ""])[1]
            roles = [k.removeprefix("đối chiếu ") for k in changes if k.startswith("đối chiếu ")]
            if attached and roles:
                had[(entry_id, roles[0])] = attached
    return had


def personal_ids_lost(*, entries: list[Entry]) -> list[LostPersonalId]:
    """Return the people of ENTRIES, still named in them, who had a personal ID and lost it.

    "Had" is what the audit log shows: an ID attached by the keying workflow, or one a save
    took away when the person's facts were corrected. A person whose ID was replaced by
    another (an officer chose another registry person) has not lost it.
    """
    by_id = {entry.pk: entry for entry in entries}
    had = personal_ids_had(entry_ids=list(by_id))
    if not had:
        return []
    people = EntryPerson.objects.filter(entry_id__in=list({k[0] for k in had})).select_related(
        "citizen", "match"
    )
    current = {(p.entry_id, p.role): p for p in people}
    lost = []
    for (entry_id, role), pid in sorted(had.items()):
        person = current.get((entry_id, role))
        if person is not None and not _linked_id(person):
            lost.append(LostPersonalId(by_id[entry_id], role, person.full_name, pid))
    return lost


def personal_ids_lost_refuse(*, entries: list[Entry], step: str) -> None:
    """Raise :class:`PersonalIdsLost` (a Vietnamese message naming them) when people of
    ENTRIES lost a personal ID they had; STEP says what was refused ("phê duyệt", "xuất")."""
    lost = personal_ids_lost(entries=entries)
    if lost:
        raise PersonalIdsLost(lost, step)
