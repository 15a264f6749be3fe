"""Entry summaries name the people an entry is about (hotich.registers.people.entry_summary),
no longer the first two name columns (the signer and the keyer): rewrite the stored ones."""

from django.db import migrations

BATCH = 1000


def summaries_rewrite(apps, schema_editor):
    from hotich.registers.people import entry_summary
    from hotich.registers.spec import REGISTER_TYPES

    Entry = apps.get_model("registers", "Entry")
    changed = []
    rows = Entry.objects.only("id", "values", "summary", "book__register_type")
    for entry in rows.select_related("book").iterator(chunk_size=BATCH):
        register = REGISTER_TYPES.get(entry.book.register_type)
        if register is None:
            continue
        summary = entry_summary(register, entry.values or {})
        if summary != entry.summary:
            entry.summary = summary
            changed.append(entry)
        if len(changed) >= BATCH:
            Entry.objects.bulk_update(changed, ["summary"])
            changed = []
    Entry.objects.bulk_update(changed, ["summary"])


class Migration(migrations.Migration):
    dependencies = [("registers", "0003_register_types_guardianship_change_divorce")]

    operations = [migrations.RunPython(summaries_rewrite, migrations.RunPython.noop)]
