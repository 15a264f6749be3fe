"""The database refuses rewriting the log on SQLite too, and TRUNCATE on PostgreSQL."""

from django.db import migrations

from hotich.audit.triggers import audit_guard_drop, audit_guard_install


def forwards(apps, schema_editor):
    audit_guard_install(schema_editor.connection)


def backwards(apps, schema_editor):
    audit_guard_drop(schema_editor.connection)
    if schema_editor.connection.vendor == "postgresql":  # back to 0002's row trigger
        schema_editor.execute(
            "CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_auditevent "
            "FOR EACH ROW EXECUTE FUNCTION audit_event_refuse();"
        )


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_chain_existing_events")]
    operations = [migrations.RunPython(forwards, backwards)]
