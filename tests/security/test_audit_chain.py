"""The audit log is tamper-evident: a hash chain that `hotich audit verify` walks.

Tampering is done by raw SQL with the triggers dropped first, as someone owning the database
would; verification must then name the first broken event.
"""

import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.test import RequestFactory

from hotich.audit.chain import GENESIS, chain_verify
from hotich.audit.models import AuditChainHead, AuditEvent
from hotich.audit.services import audit_record
from hotich.audit.triggers import audit_guard_drop, audit_guard_missing
from tests.migrated import sqlite_data_dir


def _events(n: int) -> list[AuditEvent]:
    request = RequestFactory().get("/so/1/", REMOTE_ADDR="2001:db8::1")
    request.user = type("Anon", (), {"is_authenticated": False})()
    return [
        audit_record(
            request=request,
            action=AuditEvent.Action.VIEW,
            object_type="entry",
            object_id=str(i),
            changes={"nksHoTen": [None, f"Nguyễn Thị {i}"], "số": [1, 2.5]},
        )
        for i in range(n)
    ]


def _sql(statement: str, params: list | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])


def test_each_event_is_chained_to_the_previous_one(db):
    events = _events(3)
    assert [e.seq for e in events] == [1, 2, 3]
    assert events[0].prev_hash == GENESIS
    assert events[1].prev_hash == events[0].hash
    head = AuditChainHead.objects.get(pk=1)
    assert (head.seq, head.hash) == (3, events[2].hash)
    report = chain_verify()
    assert report.ok, report.problem
    assert report.checked == 3


def test_events_of_a_deferred_block_are_chained_together_when_it_ends(db):
    from django.db import transaction

    from hotich.audit.chain import chain_deferred

    first = _events(1)[0]
    with transaction.atomic(), chain_deferred():
        waiting = _events(3)
        # Nothing written yet, the head not touched (nor locked) until the block ends.
        assert AuditEvent.objects.count() == 1
        assert AuditChainHead.objects.get(pk=1).seq == 1
        with chain_deferred():  # nested: appended with the outermost
            waiting += _events(1)
        assert AuditEvent.objects.count() == 1
    assert [e.seq for e in waiting] == [2, 3, 4, 5]
    assert waiting[0].prev_hash == first.hash
    assert [e.object_id for e in AuditEvent.objects.order_by("seq")] == ["0", "0", "1", "2", "0"]
    assert chain_verify().ok


def test_an_error_leaving_a_deferred_block_drops_its_events(db):
    from django.db import transaction

    from hotich.audit.chain import chain_deferred

    _events(1)
    with pytest.raises(ZeroDivisionError), transaction.atomic(), chain_deferred():
        _events(2)
        1 / 0  # noqa: B018
    assert AuditEvent.objects.count() == 1
    _events(1)
    assert chain_verify().ok and AuditChainHead.objects.get(pk=1).seq == 2


def test_events_written_in_bulk_enter_the_chain_in_order(db):
    first = _events(1)[0]
    made = AuditEvent.objects.bulk_create(
        [AuditEvent(action="create", object_type="entry", object_id=str(i)) for i in range(4)]
    )
    assert [e.seq for e in made] == [2, 3, 4, 5]
    assert made[0].prev_hash == first.hash
    assert chain_verify().ok


# (what the attacker does, which event verify must name first)
TAMPERING = [
    ("UPDATE audit_auditevent SET username = 'ke-gian' WHERE seq = 3", 3),
    ("UPDATE audit_auditevent SET changes = '{}' WHERE seq = 2", 2),
    ("UPDATE audit_auditevent SET ip_address = NULL WHERE seq = 4", 4),
    ("DELETE FROM audit_auditevent WHERE seq = 3", 3),
    ("DELETE FROM audit_auditevent WHERE seq >= 4", 4),  # the tail cut off
    ("DELETE FROM audit_auditevent", 1),  # everything
    ("UPDATE audit_auditevent SET seq = NULL WHERE seq = 5", 5),
]


@pytest.mark.parametrize(("sql", "first_broken"), TAMPERING)
def test_verify_names_the_first_event_broken_by_raw_sql(sql, first_broken, db):
    _events(5)
    assert chain_verify().ok
    audit_guard_drop(connection)
    assert audit_guard_missing(connection)
    _sql(sql)
    report = chain_verify()
    assert not report.ok
    assert report.broken_seq == first_broken, report.problem
    with pytest.raises(CommandError, match=f"Sự kiện hỏng đầu tiên: số {first_broken}"):
        call_command("audit_verify")


def test_a_rewritten_hash_breaks_the_link_to_the_next_event(db):
    events = _events(4)
    audit_guard_drop(connection)
    _sql("UPDATE audit_auditevent SET username = 'x', hash = %s WHERE seq = 2", ["f" * 64])
    report = chain_verify()
    assert report.broken_seq == 2  # its content no longer gives its hash
    # Recomputing the event's hash correctly still breaks the link to event 3.
    from hotich.audit.chain import SEALED_FIELDS, event_hash

    row = AuditEvent.objects.filter(seq=2).values(*SEALED_FIELDS).get()
    _sql(
        "UPDATE audit_auditevent SET hash = %s WHERE seq = 2",
        [event_hash(events[0].hash, row)],
    )
    report = chain_verify()
    assert report.broken_seq == 3
    assert "sự kiện số 2 đã bị sửa" in report.problem


def test_an_event_inserted_outside_the_chain_is_found(db):
    _events(2)
    _sql(
        "INSERT INTO audit_auditevent (at, username, action, object_type, object_id, "
        "object_repr, changes, path, prev_hash, hash) VALUES "
        "(%s, 'x', 'view', '', '', '', '{}', '', '', '')",
        ["2026-01-01 00:00:00+00:00"],
    )
    report = chain_verify()
    assert not report.ok
    assert "ngoài chuỗi" in report.problem


def test_an_anchor_kept_outside_finds_a_chain_rewritten_with_its_head(db):
    _events(3)
    head = AuditChainHead.objects.get(pk=1)
    anchor = f"{head.seq}:{head.hash}"
    # Rewrite everything consistently from event 1, head included: only the anchor tells.
    audit_guard_drop(connection)
    _sql("DELETE FROM audit_auditevent")
    AuditChainHead.objects.filter(pk=1).update(seq=0, hash=GENESIS)
    _events(3)
    assert chain_verify().ok
    with pytest.raises(CommandError, match="số 3"):
        call_command("audit_verify", anchor=anchor)


def test_verify_reports_an_intact_log_and_its_head(db, capsys):
    _events(2)
    call_command("audit_verify")
    out = capsys.readouterr().out
    head = AuditChainHead.objects.get(pk=1)
    assert "Nhật ký toàn vẹn: 2 sự kiện" in out
    assert f"Đầu chuỗi: 2:{head.hash}" in out
    call_command("audit_verify", anchor=f"2:{head.hash}")


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_never_fork_the_chain():
    """Eight threads, each on its own connection, append at once; the chain stays whole."""
    if connection.vendor == "sqlite":
        # The in-memory test database's connections share one cache, which makes writers
        # fail ("table is locked") instead of waiting: SQLite is tested on a file database,
        # the way it runs, by the next test.
        return
    errors: list[BaseException] = []

    def append() -> None:
        try:
            _events(10)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=append) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert AuditEvent.objects.count() == 80
    report = chain_verify()
    assert report.ok, report.problem
    assert report.checked == 80


APPENDER = """
import django, os, sys
django.setup()
from hotich.audit.models import AuditEvent
from hotich.audit.services import audit_record
for i in range(25):
    audit_record(action=AuditEvent.Action.VIEW, object_type="entry", object_id=sys.argv[1])
"""


def test_concurrent_appends_on_a_sqlite_file_database_never_fork_the_chain(
    tmp_path, migrated_sqlite
):
    """Four processes append at once to a SQLite file (as hotich serve and hotich worker
    do); the chain stays whole and `hotich audit verify` says so."""
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "hotich.settings",
        "HOTICH_DATA_DIR": str(tmp_path),
    }
    hotich = [sys.executable, "-m", "hotich.cli"]
    sqlite_data_dir(tmp_path, migrated_sqlite, name="db.sqlite3")
    appenders = [
        subprocess.Popen([sys.executable, "-c", APPENDER, str(i)], env=env) for i in range(4)
    ]
    assert [p.wait(timeout=120) for p in appenders] == [0, 0, 0, 0]
    verify = subprocess.run(
        [*hotich, "audit", "verify"], env=env, capture_output=True, text=True, check=False
    )
    assert verify.returncode == 0, verify.stderr
    assert "Nhật ký toàn vẹn: 100 sự kiện" in verify.stdout


@pytest.mark.django_db(transaction=True)
def test_events_recorded_before_the_chain_are_sealed_by_the_migration():
    """Events written without seq or hash (as before migration 0004) are chained, oldest
    first, and verify then checks the log from its very first event."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate([("audit", "0003_chain_fields")])
    old = executor.loader.project_state([("audit", "0003_chain_fields")]).apps
    Event = old.get_model("audit", "AuditEvent")
    for i in range(3):
        Event.objects.create(
            action="view", object_type="entry", object_id=str(i), ip_address="10.0.0.1"
        )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    sealed = list(AuditEvent.objects.order_by("seq").values_list("seq", "object_id"))
    assert sealed == [(1, "0"), (2, "1"), (3, "2")]
    assert chain_verify().ok
    assert not audit_guard_missing(connection)
    _events(1)  # the next event continues the chain
    assert chain_verify().checked == 4


def test_verify_warns_when_the_owner_disabled_or_dropped_the_triggers(db, capsys):
    # No event written first: PostgreSQL refuses ALTER TABLE while the test's own inserts
    # have constraint checks pending.
    assert audit_guard_missing(connection) == set()
    if connection.vendor == "postgresql":
        _sql("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_truncate")
        assert audit_guard_missing(connection) == {"audit_event_no_truncate"}
    else:
        _sql("DROP TRIGGER audit_event_no_delete")
        assert audit_guard_missing(connection) == {"audit_event_no_delete"}
    _events(1)
    call_command("audit_verify")
    assert "thiếu trigger chống sửa nhật ký" in capsys.readouterr().err
