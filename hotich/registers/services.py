"""Writes to books and entries. Views, commands, importers and tasks call these; nobody else writes."""

from functools import lru_cache
from typing import Any

from django.db import connection, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from hotich.accounts.models import User
from hotich.audit.models import AuditEvent
from hotich.audit.services import audit_record
from hotich.lib.dates import DateParseError, PartialDate, parse_partial_date
from hotich.lib.text import comparison_key, normalise_name
from hotich.registers.models import Entry, EntryPerson, EntryStatus, FieldMark, RegisterBook
from hotich.registers.spec import FieldType, RegisterType


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


def _clean_values(
    register: RegisterType, values: dict[str, Any], marks: dict[str, str]
) -> tuple[dict[str, str], dict[str, str]]:
    """Return (values, marks) restricted to the register's columns; text kept as written."""
    known = {f.name for f in register.fields}
    unknown = sorted((set(values) | set(marks)) - known)
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


def _summary(register: RegisterType, values: dict[str, str]) -> str:
    names = [
        values[f.name] for f in register.fields if f.type == FieldType.NAME and f.name in values
    ]
    return " – ".join(names[:2])[:300]


def entry_people_sync(*, entry: Entry) -> None:
    """Rebuild the people named in ENTRY from its values (derived data, book values untouched)."""
    rows = _people_rows(entry, entry.register_type)
    EntryPerson.objects.filter(entry=entry).delete()
    EntryPerson.objects.bulk_create(rows)


@lru_cache(maxsize=50_000)
def _birth_date(text: str) -> PartialDate | None:
    try:
        return parse_partial_date(text, allow_future=True)
    except DateParseError:
        return None  # kept as written in values; validation reports it


@lru_cache(maxsize=50_000)
def _name_key(name: str) -> str:
    return comparison_key(normalise_name(name))


def _people_values(values: dict[str, str], register: RegisterType) -> list[dict[str, Any]]:
    """Return the people named in an entry's VALUES, as EntryPerson field values."""
    people = []
    for role in register.persons:
        fields = register.fields_for(role)
        name = next((values.get(f.name) for f in fields if f.type == FieldType.NAME), None)
        if not name:
            continue
        birth = next(
            (
                values.get(f.name)
                for f in fields
                if f.type == FieldType.PARTIAL_DATE and f.name.endswith("NgaySinh")
            ),
            None,
        )
        sex = next((values.get(f.name, "") for f in fields if f.name.endswith("GioiTinh")), "")
        # The first ID column that holds a number: personal ID, else the identity document.
        pid = next(
            (
                values[f.name]
                for f in fields
                if f.type == FieldType.ID_NUMBER and values.get(f.name)
            ),
            "",
        )
        people.append(
            {
                "role": role.value,
                "full_name": name,
                "name_key": _name_key(name),
                "birth_date": _birth_date(birth) if birth else None,
                "sex": sex[:1] if sex in ("1", "2", "3") else "",
                "personal_id": pid[:20],
            }
        )
    return people


def _people_rows(entry: Entry, register: RegisterType) -> list[EntryPerson]:
    """Return the (unsaved) people named in ENTRY's values."""
    return [EntryPerson(entry=entry, **person) for person in _people_values(entry.values, register)]


def _people_insert(entries: list[Entry], register: RegisterType) -> None:
    """Insert the people of many saved ENTRIES with one executemany.

    Imports create four or five people per entry; building a model instance for each and
    going through bulk_create costs a third of an import's time, so the rows go straight to
    the table (plain columns only: text, the partial date as stored, the entry's key).
    """
    columns = ("entry_id", "role", "full_name", "name_key", "birth_date", "sex", "personal_id")
    birth_field = EntryPerson._meta.get_field("birth_date")
    params = [
        (
            entry.pk,
            p["role"],
            p["full_name"],
            p["name_key"],
            birth_field.get_prep_value(p["birth_date"]),
            p["sex"],
            p["personal_id"],
        )
        for entry in entries
        for p in _people_values(entry.values, register)
    ]
    if not params:
        return
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 (names from the model)
        quote(EntryPerson._meta.db_table),
        ", ".join(quote(c) for c in columns),
        ", ".join(["%s"] * len(columns)),
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


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
    request: Any = None,
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
        summary=_summary(register, clean),
        status=status,
        created_by=user,
        updated_by=user,
    )
    entry_people_sync(entry=entry)
    audit_record(
        request=request,
        user=user,
        action=AuditEvent.Action.CREATE,
        obj=entry,
        changes={k: [None, v] for k, v in clean.items()},
    )
    return entry


@transaction.atomic
def entry_update(
    *,
    entry: Entry,
    user: User,
    expected_version: int,
    values: dict[str, Any],
    marks: dict[str, str] | None = None,
    page: int | None = None,
    registration_date: str | None = None,
    request: Any = None,
) -> Entry:
    """Save new values for ENTRY if nobody saved it since EXPECTED_VERSION.

    Raise :class:`EntryConflict` (nothing written) when the stored version moved on.
    Return the refreshed entry; the audit event lists changed fields as [old, new].
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
        summary=_summary(register, clean),
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
    entry_people_sync(entry=entry)
    audit_record(
        request=request, user=user, action=AuditEvent.Action.UPDATE, obj=entry, changes=changes
    )
    return entry


def entry_status_set(*, entry: Entry, user: User, old: str, new: str, request: Any = None) -> bool:
    """Move ENTRY from status OLD to NEW; return False (nothing written) if it was not in OLD."""
    moved = Entry.objects.filter(pk=entry.pk, status=old).update(
        status=new, updated_by=user, version=F("version") + 1
    )
    if moved:
        audit_record(
            request=request,
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
) -> list[Entry]:
    """Create many entries in BOOK at once (file imports); derive their people; audit each.

    Each row holds ``year``, ``number``, ``page``, ``registration_date``, ``values`` and
    ``marks`` as for :func:`entry_create`. Each entry's audit event names SOURCE (the file
    and its row) instead of repeating the values, which the file and the entry both hold.
    Runs in the caller's transaction: the importer commits a batch of rows, their people and
    their audit events together.
    """
    register = book.register_type_spec
    entries = []
    for row in rows:
        clean, clean_marks = _clean_values(register, row["values"], row.get("marks") or {})
        entries.append(
            Entry(
                book=book,
                year=row["year"],
                number=row["number"],
                page=row.get("page"),
                registration_date=row.get("registration_date") or None,
                values=clean,
                marks=clean_marks,
                summary=_summary(register, clean),
                status=status,
                created_by=user,
                updated_by=user,
            )
        )
    Entry.objects.bulk_create(entries)
    _people_insert(entries, register)
    username = getattr(user, "username", "") or ""
    AuditEvent.objects.bulk_create(
        AuditEvent(
            user=user,
            username=username,
            action=AuditEvent.Action.CREATE,
            object_type="entry",
            object_id=str(entry.pk),
            object_repr=str(entry)[:200],
            commune_id=book.commune_id,
            changes={"source": [None, f"{source}, dòng {row.get('row', '?')}"]},
        )
        for entry, row in zip(entries, rows, strict=True)
    )
    return entries
