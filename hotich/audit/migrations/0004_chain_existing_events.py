"""Seal the events recorded before the hash chain existed, oldest first, into the chain.

After this migration every event has a ``seq`` and a hash and ``hotich audit verify``
checks the whole log from its first event (docs/deployment.md).
"""

from django.db import migrations

from hotich.audit.chain import GENESIS, SEALED_FIELDS, address_clean, event_hash


def forwards(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:  # the append-only trigger of 0002 refuses this one sealing update
        schema_editor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_change")
    seq, prev, batch = 0, GENESIS, []
    for event in AuditEvent.objects.order_by("at", "id").iterator(chunk_size=2000):
        seq += 1
        event.ip_address = address_clean(event.ip_address)
        event.seq, event.prev_hash = seq, prev
        event.hash = prev = event_hash(prev, {f: getattr(event, f) for f in SEALED_FIELDS})
        batch.append(event)
        if len(batch) == 2000:
            AuditEvent.objects.bulk_update(batch, ["seq", "prev_hash", "hash", "ip_address"])
            batch = []
    AuditEvent.objects.bulk_update(batch, ["seq", "prev_hash", "hash", "ip_address"])
    AuditChainHead.objects.update_or_create(pk=1, defaults={"seq": seq, "hash": prev})
    if postgres:
        schema_editor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_no_change")


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_chain_fields")]
    # Going back leaves the hashes in place; the columns go with 0003.
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
