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
    call_command("makemigrations", "keying", "matching", "reconciliation", check=True, dry_run=True)


def test_the_book_reconciliation_is_queued_under_the_name_queued_rows_have():
    from hotich.jobs.workers import RESUMABLE_TASKS
    from hotich.reconciliation.tasks import book_reconcile_task

    assert book_reconcile_task.module_path == "hotich.matching.tasks.book_reconcile_task"
    assert import_string(book_reconcile_task.module_path) is book_reconcile_task
    assert book_reconcile_task.module_path in RESUMABLE_TASKS


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
