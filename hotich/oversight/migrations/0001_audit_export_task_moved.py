"""The audit export task moved from hotich.audit.tasks to hotich.oversight.tasks."""

from django.db import migrations

from hotich.jobs.renames import QUEUE_MIGRATION, task_path_rename


class Migration(migrations.Migration):
    dependencies = [QUEUE_MIGRATION]

    operations = [
        task_path_rename("hotich.audit.tasks.audit_export", "hotich.oversight.tasks.audit_export"),
    ]
