"""MatchResult and TrackingCase moved to hotich.reconciliation without touching their tables."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils.module_loading import import_string

from hotich.reconciliation.models import MatchResult, TrackingCase

#: The migrations of the apps before the move (keying, matching) and of none of reconciliation.
BEFORE_THE_MOVE = [
    ("keying", "0003_entry_creation_token"),
    ("matching", "0001_initial"),
    ("reconciliation", None),
]


def test_the_models_keep_the_tables_of_the_apps_they_came_from():
    assert MatchResult._meta.db_table == "matching_matchresult"
    assert TrackingCase._meta.db_table == "keying_trackingcase"


def test_the_models_and_the_migrations_agree(db):
    # Every app's: the register types added for guardianship and corrections had left the
    # choices of campaigns and exchange without their migration.
    call_command("makemigrations", check=True, dry_run=True)


def test_a_book_reconciliation_queued_before_the_move_runs_after_it(db):
    from importlib import import_module
    from types import SimpleNamespace

    from django.apps import apps as django_apps
    from django_tasks_db.models import DBTaskResult

    from hotich.jobs.workers import RESUMABLE_TASKS
    from hotich.reconciliation.tasks import book_reconcile_task

    assert book_reconcile_task.module_path == "hotich.reconciliation.tasks.book_reconcile_task"
    assert import_string(book_reconcile_task.module_path) is book_reconcile_task
    assert book_reconcile_task.module_path in RESUMABLE_TASKS
    queued = DBTaskResult.objects.create(
        status="READY",
        args_kwargs={"args": [], "kwargs": {"book_id": 1, "user_id": None}},
        task_path="hotich.matching.tasks.book_reconcile_task",
        backend_name="default",
        queue_name="matching",
    )
    moved = import_module("hotich.reconciliation.migrations.0002_book_reconcile_task_moved")
    (operation,) = moved.Migration.operations
    operation.code(django_apps, SimpleNamespace(connection=connection))
    queued.refresh_from_db()
    assert queued.task.func is book_reconcile_task.func


@pytest.mark.django_db(transaction=True)
def test_a_case_opened_before_the_move_is_read_after_it(entry, units):
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE_THE_MOVE)
    old = executor.loader.project_state(BEFORE_THE_MOVE[:2]).apps
    assert "reconciliation" not in old.all_models
    case = old.get_model("keying", "TrackingCase").objects.create(
        entry_id=entry.pk, role="subject", full_name="Lò Văn A", commune_id=units["commune"].pk
    )
    person, _new = old.get_model("registers", "EntryPerson").objects.get_or_create(
        entry_id=entry.pk, role="subject"
    )
    old.get_model("matching", "MatchResult").objects.update_or_create(
        person_id=person.pk, defaults={"outcome": "not_found", "path": "batch"}
    )

    executor = MigrationExecutor(connection)
    executor.migrate(leaves)

    moved = TrackingCase.objects.get(pk=case.pk)
    assert (moved.entry, moved.full_name, moved.status) == (entry, "Lò Văn A", "open")
    assert MatchResult.objects.get(person_id=person.pk).outcome == "not_found"
