"""An import read with a saved mapping records which one and which version; its page links
to it; deleting the mapping keeps the run with the name and version as text."""

import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from hotich.audit.models import AuditEvent
from hotich.exchange.models import ColumnMapping, ImportRun
from hotich.exchange.services import column_mapping_delete, column_mapping_save
from tests.exchange.test_mapping import PEOPLE, client_for, legacy_file, upload
from tests.exchange.test_mapping_edit import saved_mapping

pytestmark = pytest.mark.django_db(transaction=True)


def next_version(mapping: ColumnMapping, user) -> ColumnMapping:
    """Save MAPPING again unchanged but for its name: its next version."""
    return column_mapping_save(
        user=user,
        name="Phần mềm cũ, sửa lần 2",
        register_type=mapping.register_type,
        headers=mapping.headers,
        columns=mapping.columns,
        signature=mapping.signature,
        fixed=mapping.fixed,
        value_maps=mapping.value_maps,
        expected_version=mapping.version,
    )


def test_a_run_records_the_mapping_and_version_it_was_read_with_and_its_page_links_to_it(
    personas, book, tmp_path
):
    helper = client_for(personas["helper"])
    mapping = saved_mapping(helper, tmp_path / "cu.xlsx", name="Phần mềm cũ")
    call_command("worker", batch=True, verbosity=0)
    first = ImportRun.objects.get()
    assert (first.mapping, first.mapping_version, first.mapping_name) == (mapping, 1, "Phần mềm cũ")

    # Next month's file is read with the saved mapping at once, now at version 2.
    mapping = next_version(mapping, personas["helper"])
    legacy_file(tmp_path / "cu.xlsx", [("Vũ Văn Em", "Nam", "Đúng hạn")], start=5)
    queued_url = upload(helper, tmp_path / "cu.xlsx").url
    assert "ghep-cot" not in queued_url
    # Queued, not read yet: the page already names the mapping found by the header row.
    page = helper.get(queued_url).content.decode()
    assert f'href="{reverse("mapping_edit", args=[mapping.pk])}"' in page and "phiên bản 2." in page
    call_command("worker", batch=True, verbosity=0)
    second = ImportRun.objects.latest("pk")

    assert (second.mapping, second.mapping_version) == (mapping, 2)
    assert second.mapping_name == "Phần mềm cũ, sửa lần 2" and second.imported == 1
    page = helper.get(reverse("import_detail", args=[second.pk])).content.decode()
    assert f'href="{reverse("mapping_edit", args=[mapping.pk])}"' in page
    assert "Phần mềm cũ, sửa lần 2</a>, phiên bản 2." in page
    # The first run says which version it was read with, and that the mapping changed since.
    page = helper.get(reverse("import_detail", args=[first.pk])).content.decode()
    assert "phiên bản 1 (nay là phiên bản 2)" in page
    # Each entry's audit event names the mapping and the version its row was read with.
    created = AuditEvent.objects.filter(object_type="entry", action=AuditEvent.Action.CREATE)
    sources = [e.changes["source"][1] for e in created]
    assert sum(f"mã {mapping.pk} phiên bản 1)" in s for s in sources) == len(PEOPLE)
    assert sum(f"mã {mapping.pk} phiên bản 2)" in s for s in sources) == 1


def test_deleting_the_mapping_keeps_the_run_with_its_name_and_version(personas, book, tmp_path):
    helper = client_for(personas["helper"])
    mapping = saved_mapping(helper, tmp_path / "cu.xlsx", name="Phần mềm cũ")
    call_command("worker", batch=True, verbosity=0)
    run = ImportRun.objects.get()

    column_mapping_delete(mapping=mapping, expected_version=1)

    run.refresh_from_db()
    assert (run.mapping, run.mapping_name, run.mapping_version) == (None, "Phần mềm cũ", 1)
    assert run.imported == len(PEOPLE)
    page = helper.get(reverse("import_detail", args=[run.pk])).content.decode()
    assert "Phần mềm cũ, phiên bản 1 (bảng ghép này đã bị xóa)." in page
    assert reverse("mapping_edit", args=[mapping.pk]) not in page


def test_another_communes_user_sees_neither_the_run_nor_its_mapping(personas, book, tmp_path):
    helper = client_for(personas["helper"])
    mapping = saved_mapping(helper, tmp_path / "cu.xlsx", name="Phần mềm cũ")
    call_command("worker", batch=True, verbosity=0)
    run = ImportRun.objects.get()
    outsider = client_for(personas["outsider"])
    denied = AuditEvent.objects.filter(action=AuditEvent.Action.DENIED)

    before = denied.count()
    page = outsider.get(reverse("import_detail", args=[run.pk]))
    assert page.status_code == 403 and "Phần mềm cũ" not in page.content.decode()
    assert outsider.get(reverse("mapping_edit", args=[mapping.pk])).status_code == 403
    assert denied.count() == before + 2


def test_the_command_records_and_reports_the_mapping_it_was_given(personas, book, tmp_path):
    helper = client_for(personas["helper"])
    mapping = saved_mapping(helper, tmp_path / "cu.xlsx", name="Phần mềm cũ")
    legacy_file(tmp_path / "sau.xlsx", [("Vũ Văn Em", "Nam", "Đúng hạn")], start=5)
    out = io.StringIO()

    call_command(
        "import", str(tmp_path / "sau.xlsx"), "--mapping", str(mapping.pk), "--json",
        "--no-reconcile", stdout=out,
    )  # fmt: skip

    result = json.loads(out.getvalue())
    assert result["mapping"] == {"id": mapping.pk, "name": "Phần mềm cũ", "version": 1}
    run = ImportRun.objects.latest("pk")
    assert (run.mapping, run.mapping_version, run.imported) == (mapping, 1, 1)
    out = io.StringIO()
    call_command(
        "import", str(tmp_path / "sau.xlsx"), "--mapping", str(mapping.pk), "--no-reconcile",
        "--language", "en", stdout=out,
    )  # fmt: skip
    assert f"Read with the column mapping “Phần mềm cũ” (id {mapping.pk}, version 1)." in (
        out.getvalue()
    )


def test_the_migration_names_the_runs_linked_before_it(units):
    """Runs linked to a mapping before 0008 keep its name; their version is not known."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("exchange", "0007_bookexport_kind_interconnection")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    mapping = old.get_model("exchange", "ColumnMapping").objects.create(
        name="Phần mềm cũ", register_type="KS", signature="d" * 32, commune_id=units["commune"].pk
    )
    Run = old.get_model("exchange", "ImportRun")
    linked = Run.objects.create(original_name="a.xlsx", sha256="0" * 64, mapping=mapping)
    unlinked = Run.objects.create(original_name="b.xlsx", sha256="1" * 64)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes("exchange"))

    runs = ImportRun.objects.in_bulk([linked.pk, unlinked.pk])
    assert (runs[linked.pk].mapping_name, runs[linked.pk].mapping_version) == ("Phần mềm cũ", None)
    assert (runs[unlinked.pk].mapping_name, runs[unlinked.pk].mapping_id) == ("", None)
