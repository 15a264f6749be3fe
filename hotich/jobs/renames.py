"""Moving a task to another module without losing the jobs queued under its old path.

The queue stores each task by its import path. When a task moves (its app split, its module
renamed), the app that now owns it ships a migration with :func:`task_path_rename`, which
rewrites the stored path of every job, queued, running or finished, so that queued ones
still run and finished ones still show their result.
"""

from typing import Any

from django.db import migrations

#: The migration of the queue's app that a rename must run after.
QUEUE_MIGRATION = ("django_tasks_database", "0021_conditional_partial_index_ordering")


def _rename(old: str, new: str) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        results = apps.get_model("django_tasks_database", "DBTaskResult")
        results.objects.using(schema_editor.connection.alias).filter(task_path=old).update(
            task_path=new
        )

    return run


def task_path_rename(old: str, new: str) -> migrations.RunPython:
    """Return a migration operation moving the stored jobs of task OLD to NEW (and back)."""
    return migrations.RunPython(_rename(old, new), _rename(new, old), elidable=False)
