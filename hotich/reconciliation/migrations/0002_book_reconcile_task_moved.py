"""The book reconciliation task moved from hotich.matching.tasks to hotich.reconciliation.tasks."""

from django.db import migrations

from hotich.jobs.renames import QUEUE_MIGRATION, task_path_rename


class Migration(migrations.Migration):
    dependencies = [("reconciliation", "0001_initial"), QUEUE_MIGRATION]

    operations = [
        task_path_rename(
            "hotich.matching.tasks.book_reconcile_task",
            "hotich.reconciliation.tasks.book_reconcile_task",
        ),
    ]
