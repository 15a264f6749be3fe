"""The database's own refusal to rewrite the audit log (triggers), on SQLite and PostgreSQL.

SQLite: triggers abort any UPDATE or DELETE of ``audit_auditevent``. PostgreSQL: a row
trigger refuses UPDATE and DELETE, a statement trigger refuses TRUNCATE. Whoever owns the
database can drop them; the hash chain (chain.py) is what shows that they did.
"""

from typing import Any

MESSAGE = "audit log is append-only"

SQLITE_INSTALL = [
    f"""CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_auditevent
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
    f"""CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON audit_auditevent
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_event_no_update;",
    "DROP TRIGGER IF EXISTS audit_event_no_delete;",
]
POSTGRES_INSTALL = [
    f"""CREATE OR REPLACE FUNCTION audit_event_refuse() RETURNS trigger AS $$
        BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql;""",
    "DROP TRIGGER IF EXISTS audit_event_no_change ON audit_auditevent;",
    """CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_auditevent
        FOR EACH ROW EXECUTE FUNCTION audit_event_refuse();""",
    "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_auditevent;",
    """CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_auditevent
        FOR EACH STATEMENT EXECUTE FUNCTION audit_event_refuse();""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS audit_event_no_change ON audit_auditevent;",
    "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_auditevent;",
]
#: The triggers each backend must have (checked by ``hotich audit verify``).
EXPECTED = {
    "sqlite": {"audit_event_no_update", "audit_event_no_delete"},
    "postgresql": {"audit_event_no_change", "audit_event_no_truncate"},
}


def audit_guard_install(connection: Any) -> None:
    """Create the triggers refusing changes to the audit log on CONNECTION's database."""
    _run(connection, {"sqlite": SQLITE_INSTALL, "postgresql": POSTGRES_INSTALL})


def audit_guard_drop(connection: Any) -> None:
    """Remove those triggers (reversing the migration; tests that flush the database)."""
    _run(connection, {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP})


def audit_guard_missing(connection: Any) -> set[str]:
    """Return the names of the expected triggers that the database does not have."""
    expected = EXPECTED.get(connection.vendor, set())
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                ["audit_auditevent"],
            )
        elif connection.vendor == "postgresql":
            # Disabled triggers (ALTER TABLE … DISABLE TRIGGER) count as missing.
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_auditevent'::regclass "
                "AND tgenabled <> 'D'"
            )
        else:
            return set()
        present = {row[0] for row in cursor.fetchall()}
    return expected - present


def _run(connection: Any, statements: dict[str, list[str]]) -> None:
    with connection.cursor() as cursor:
        for sql in statements.get(connection.vendor, []):
            cursor.execute(sql)
