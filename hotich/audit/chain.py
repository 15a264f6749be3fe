"""The hash chain of the audit log: each event sealed with the hash of the one before.

Every event carries ``seq`` (1, 2, 3 … without gaps), ``prev_hash`` (the ``hash`` of event
``seq - 1``, or :data:`GENESIS` for the first) and ``hash`` = SHA-256 over ``prev_hash``
and the event's canonical content (:func:`event_content`). One row of
:class:`~hotich.audit.models.AuditChainHead` holds the last ``seq`` and ``hash``; appending
takes that row's lock first (SQLite: the database's write lock), so appenders wait for
each other on SQLite and PostgreSQL alike and the chain never forks.

Editing an event breaks its hash, deleting one leaves a gap in ``seq``, and truncating
the log (or its tail) leaves the head pointing past the last event: :func:`chain_verify`
names the first event where any of this happened. An attacker who owns the database can
rewrite every hash after the point they changed, head included; the head printed by
``hotich audit verify`` and kept outside the database (``--anchor``) detects that too.

The canonical content is frozen: changing :func:`event_content` breaks every stored chain.
"""

import hashlib
import ipaddress
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import IntegrityError, transaction

GENESIS = "0" * 64

#: The fields sealed by the hash, in the order they are read back for verification.
SEALED_FIELDS = (
    "seq",
    "at",
    "user_id",
    "username",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "commune_id",
    "changes",
    "ip_address",
    "path",
)


def _at(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="microseconds")


#: What ``json.dumps(…, sort_keys=True, ensure_ascii=False, separators=(",", ":"))`` makes,
#: built once (``json.dumps`` with options builds an encoder at every call).
_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def event_content(fields: dict[str, Any]) -> bytes:
    """Return the canonical bytes of an event: its sealed fields as sorted, compact JSON."""
    content = {name: fields[name] for name in SEALED_FIELDS}
    content["at"] = _at(content["at"])
    return _CANONICAL.encode(content).encode()


def event_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    """Return the hash sealing an event with FIELDS after the event whose hash is PREV_HASH."""
    return _sealed(prev_hash, event_content(fields))


def _sealed(prev_hash: str, content: bytes) -> str:
    return hashlib.sha256(prev_hash.encode() + b"\n" + content).hexdigest()


_deferred = threading.local()


@contextmanager
def chain_deferred() -> Iterator[None]:
    """Append the events recorded inside this block together, when it ends.

    The head row's lock is held from an event's append to the commit: a long transaction
    that records an event early (a keying save: the entry, then its lookups' outcomes, its
    tracking case…) would make every other writer of the log wait the whole of it. Inside
    this block, used within such a transaction, events wait in a list and are chained on
    leaving it — still in the transaction, in the order recorded — so the lock is held only
    from there to the commit. An exception leaving the block drops them with the
    transaction's rollback. Nested blocks append with the outermost.

    Not for a block that catches an error of a savepoint it rolls back and goes on: the
    events of that savepoint would still be chained.
    """
    if getattr(_deferred, "events", None) is not None:
        yield
        return
    _deferred.events = []
    try:
        yield
        events = _deferred.events
    finally:
        _deferred.events = None
    chain_append(events)


def chain_append(events: list[Any]) -> None:
    """Give EVENTS (unsaved, in order) their places in the chain, insert them, move the head.

    Runs in its own (nested) transaction; the head row's write lock is held until the
    outermost transaction commits, so concurrent appends are serialised. Inside
    :func:`chain_deferred`, the events wait until its block ends.
    """
    from hotich.audit.models import AuditChainHead
    from hotich.db.bulk import objects_insert

    if not events:
        return
    waiting = getattr(_deferred, "events", None)
    if waiting is not None:
        waiting.extend(events)
        return
    # No savepoint inside a caller's transaction (a keying save): a failure here fails the
    # whole transaction anyway — nothing may go on after an event it could not record.
    with transaction.atomic(savepoint=False):
        # PostgreSQL: FOR UPDATE locks the head row until commit. SQLite: the transaction
        # began IMMEDIATE (settings), holding the database's write lock already. Should
        # either fail, the unique seq and the conditional head move below refuse a fork.
        # The head's two statements are written out: every page view appends an event, and
        # building them through the ORM cost more than running them.
        connection = transaction.get_connection()
        quote = connection.ops.quote_name
        table, seq_, hash_, id_ = (
            quote(n) for n in (AuditChainHead._meta.db_table, "seq", "hash", "id")
        )
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        read = f"SELECT {seq_}, {hash_} FROM {table} WHERE {id_} = 1{lock}"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(read)
            row = cursor.fetchone()
            if row is None:
                _head_create()
                cursor.execute(read)
                row = cursor.fetchone()
        head_seq, prev = row
        seq = head_seq
        for event in events:
            _normalise(event)
            seq += 1
            event.seq, event.prev_hash = seq, prev
            event.hash = prev = event_hash(prev, {f: getattr(event, f) for f in SEALED_FIELDS})
        objects_insert(events)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET {seq_} = %s, {hash_} = %s "  # noqa: S608
                f"WHERE {id_} = 1 AND {seq_} = %s",
                [seq, prev, head_seq],
            )
            moved = cursor.rowcount
        if moved != 1:  # the lock above makes this impossible; never write a forked chain
            raise RuntimeError("audit chain head moved while locked")


def chain_rows_append(rows: list[dict[str, Any]]) -> None:
    """Append events given as field values (no model instance each), in order, in one pass.

    Each of ROWS maps every name of :data:`SEALED_FIELDS` but ``seq`` to its value (``at``
    an aware datetime, ``changes`` JSON-able). Normalised, numbered, hashed and stored
    exactly as :func:`chain_append` stores instances: for the thousands of events of a file
    import, where building and compiling an instance each is most of the audit's time.
    """
    from hotich.audit.models import AuditChainHead, AuditEvent
    from hotich.db.bulk import rows_insert

    if not rows:
        return
    waiting = getattr(_deferred, "events", None)
    if waiting is not None:
        waiting.extend(AuditEvent(**row) for row in rows)
        return
    limits = [
        (f.attname, f.max_length)
        for f in AuditEvent._meta.concrete_fields
        if f.attname in SEALED_FIELDS and getattr(f, "max_length", None)
    ]
    columns = [*SEALED_FIELDS, "prev_hash", "hash"]
    with transaction.atomic():
        head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            _head_create()
            head = AuditChainHead.objects.select_for_update().get(pk=1)
        seq, prev = head.seq, head.hash
        values = []
        # The events of one import batch share their instant: its text is made once.
        at: list[Any] = [None, ""]
        for given in rows:
            row = dict(given)
            if row["at"] is not at[0]:
                at[:] = [row["at"], _at(row["at"])]
            # Stored as this text: what JSON reads back is what the hash seals.
            changes = json.dumps(row["changes"] or {})
            row["changes"] = json.loads(changes)
            for name, limit in limits:
                if isinstance(row[name], str):
                    row[name] = row[name][:limit]
            row["ip_address"] = address_clean(row["ip_address"])
            seq += 1
            row["seq"] = seq
            content = {name: row[name] for name in SEALED_FIELDS}
            content["at"] = at[1]
            # event_content's bytes (tested equal), with the instant's text made once.
            digest = _sealed(prev, _CANONICAL.encode(content).encode())
            row["changes"] = changes
            values.append((*(row[name] for name in SEALED_FIELDS), prev, digest))
            prev = digest
        rows_insert(AuditEvent, columns, values, encoded=("changes",))
        moved = AuditChainHead.objects.filter(pk=1, seq=head.seq).update(seq=seq, hash=prev)
        if moved != 1:  # the lock above makes this impossible; never write a forked chain
            raise RuntimeError("audit chain head moved while locked")


def _normalise(event: Any) -> None:
    """Bring EVENT's fields to what the database will give back, so the hash still matches.

    ``changes`` as JSON reads it back, text cut to its column, an address that is not one
    stored as unknown (PostgreSQL's inet column would refuse it).
    """
    event.changes = json.loads(json.dumps(event.changes or {}))
    for field in event._meta.concrete_fields:
        value = getattr(event, field.attname)
        if isinstance(value, str) and field.max_length:
            setattr(event, field.attname, value[: field.max_length])
    event.ip_address = address_clean(event.ip_address)


def address_clean(value: object) -> str | None:
    """Return VALUE as a canonical IP address, or None when it is not one."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def _head_create() -> None:
    """Create the head row from the last chained event (none after a fresh install)."""
    from hotich.audit.models import AuditChainHead, AuditEvent

    last = AuditEvent.objects.filter(seq__isnull=False).order_by("-seq").first()
    try:
        with transaction.atomic():
            AuditChainHead.objects.create(
                pk=1, seq=(last.seq or 0) if last else 0, hash=last.hash if last else GENESIS
            )
    except IntegrityError:
        pass  # another appender created it first


@dataclass(frozen=True)
class ChainReport:
    """What :func:`chain_verify` found: the events checked and the first break, if any."""

    checked: int
    head_seq: int
    head_hash: str
    broken_seq: int | None = None
    broken_id: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem


def chain_verify(*, anchor: tuple[int, str] | None = None) -> ChainReport:
    """Walk the chain from the first event and return the first break (or none).

    ANCHOR is a ``(seq, hash)`` pair recorded earlier outside the database: the event
    ``seq`` must still carry that hash.
    """
    from hotich.audit.models import AuditChainHead, AuditEvent

    prev, expected, checked = GENESIS, 1, 0
    rows = (
        AuditEvent.objects.filter(seq__isnull=False)
        .order_by("seq")
        .values("id", "prev_hash", "hash", *SEALED_FIELDS)
    )

    def broken(seq: int, pk: int | None, problem: str) -> ChainReport:
        return ChainReport(checked, expected - 1, prev, seq, pk, problem)

    for row in rows.iterator(chunk_size=2000):
        if row["seq"] != expected:
            return broken(
                expected,
                None,
                f"sự kiện số {expected} đã bị xóa (sau số {expected - 1} là số {row['seq']}, "
                f"mã {row['id']})",
            )
        if row["prev_hash"] != prev:
            return broken(
                expected,
                row["id"],
                f"sự kiện số {expected} (mã {row['id']}) không nối với sự kiện trước: "
                f"sự kiện số {expected - 1} đã bị sửa hoặc mã băm của nó bị ghi lại",
            )
        if event_hash(prev, row) != row["hash"]:
            return broken(
                expected, row["id"], f"nội dung sự kiện số {expected} (mã {row['id']}) đã bị sửa"
            )
        if anchor is not None and anchor[0] == expected and anchor[1] != row["hash"]:
            return broken(
                expected,
                row["id"],
                f"sự kiện số {expected} (mã {row['id']}) không còn mang mã băm đã ghi lại "
                "bên ngoài: nhật ký từ đó trở đi đã bị viết lại",
            )
        prev, expected, checked = row["hash"], expected + 1, checked + 1
    last = expected - 1
    if anchor is not None and anchor[0] > last:
        return broken(
            last + 1,
            None,
            f"nhật ký chỉ còn {last} sự kiện, đã ghi lại đến số {anchor[0]}: mất phần cuối",
        )
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.seq != last or head.hash != prev):
        if head.seq > last:
            problem = (
                f"nhật ký dừng ở số {last} nhưng đã ghi đến số {head.seq}: "
                f"sự kiện từ số {last + 1} đã bị xóa (cắt cụt)"
            )
            return broken(last + 1, None, problem)
        return broken(last, None, f"đầu chuỗi (số {head.seq}) không khớp sự kiện cuối (số {last})")
    if head is None and last:
        return broken(last, None, "mất bản ghi đầu chuỗi nhật ký")
    outside = AuditEvent.objects.filter(seq__isnull=True).order_by("id").first()
    if outside is not None:
        return broken(
            last + 1,
            outside.pk,
            f"sự kiện mã {outside.pk} được chèn ngoài chuỗi (không có số thứ tự)",
        )
    return ChainReport(checked, last, prev)
