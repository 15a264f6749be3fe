"""The audit log: every access recorded, never rewritten, searchable by the right people."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from hotich.audit.models import AppendOnlyError, AuditEvent


def test_viewing_an_entry_records_who_what_and_from_where(personas, entry, login):
    client = login(personas["police_officer"])
    client.get(reverse("entry_detail", args=[entry.pk]), REMOTE_ADDR="10.1.2.3")
    event = AuditEvent.objects.get(action="view", object_type="entry")
    assert event.user == personas["police_officer"]
    assert event.object_id == str(entry.pk)
    assert event.ip_address == "10.1.2.3"
    assert event.commune_id == entry.book.commune_id
    assert event.path == reverse("entry_detail", args=[entry.pk])


def test_creating_an_entry_records_its_values(entry):
    event = AuditEvent.objects.get(action="create", object_type="entry")
    assert event.changes["nksHoTen"] == [None, "Nguyễn Thị Phượng"]


def test_viewing_a_citizen_is_audited(personas, units, login, db):
    from hotich.registry.models import Citizen

    Citizen.objects.create(
        personal_id="038308001234",
        full_name="Nguyễn Thị Phượng",
        name_key="nguyen thi phuong",
        sex="2",
        birthplace_unit=units["commune"],  # born in the officer's commune: in their area
    )
    client = login(personas["justice_officer"])
    assert client.get(reverse("citizen_detail", args=["038308001234"])).status_code == 200
    assert (
        AuditEvent.objects.filter(
            action="view", object_type="citizen", object_id="038308001234"
        ).count()
        == 1
    )


def test_login_success_and_failure_are_audited(client, personas):
    from tests.conftest import PASSWORD

    client.post(reverse("login"), {"username": "tuphap", "password": "sai"})
    client.post(reverse("login"), {"username": "tuphap", "password": PASSWORD})
    assert AuditEvent.objects.filter(action="login_failed", object_repr="tuphap").count() == 1
    assert AuditEvent.objects.filter(action="login", username="tuphap").count() == 1


def test_the_application_cannot_change_or_delete_an_event(entry):
    event = AuditEvent.objects.first()
    event.action = "view"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().update(action="view")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET username = 'x' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id >= %s",
    ],
)
def test_the_database_itself_refuses_rewriting_the_log(sql, entry):
    event = AuditEvent.objects.first()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        connection.cursor().execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).username == event.username


@pytest.mark.django_db(transaction=True)
def test_postgresql_refuses_truncating_the_log():
    # Committed first: inside a test's transaction PostgreSQL refuses TRUNCATE for its own
    # reason (pending constraint checks), which would prove nothing.
    from hotich.audit.services import audit_record

    audit_record(action=AuditEvent.Action.LOGIN)
    if connection.vendor != "postgresql":
        # SQLite has no TRUNCATE: its "DELETE FROM" without WHERE is refused above.
        assert connection.vendor == "sqlite"
        return
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        connection.cursor().execute("TRUNCATE audit_auditevent CASCADE")
    assert AuditEvent.objects.exists()


SEARCHERS = [
    ("administrator", 200),
    ("inspector", 200),
    ("supervisor", 403),
    ("justice_officer", 403),
    ("helper", 403),
]


@pytest.mark.parametrize(("persona", "status"), SEARCHERS)
def test_only_administrators_and_inspectors_search_the_log(persona, status, personas, login, entry):
    assert login(personas[persona]).get(reverse("audit_search")).status_code == status


@pytest.mark.parametrize(
    ("filters", "expected_actions"),
    [
        ({"user": "tuphap"}, {"create"}),
        ({"user": "congan"}, {"view"}),
        ({"action": "view"}, {"view"}),
        ({"commune": "15943"}, {"create", "view"}),
        ({"commune": "16000"}, set()),
        ({"date_from": "2000-01-01", "date_to": "2000-01-02"}, set()),
    ],
)
def test_the_log_is_searched_by_user_commune_entry_action_and_date(
    filters, expected_actions, personas, login, entry
):
    login(personas["police_officer"]).get(reverse("entry_detail", args=[entry.pk]))
    client = login(personas["inspector"])
    response = client.get(reverse("audit_search"), {"entry": str(entry.pk), **filters})
    actions = {e.action for e in response.context["page"]}
    assert actions == expected_actions


def test_an_actor_carries_what_the_audit_log_records_of_a_request(personas, db, rf):
    from hotich.audit.actor import Actor
    from hotich.audit.services import audit_record

    request = rf.get("/so/1/?trang=2", REMOTE_ADDR="10.9.8.7")
    request.user = personas["police_officer"]
    actor = Actor.of(request)
    assert (actor.user, actor.address, actor.path) == (
        personas["police_officer"],
        "10.9.8.7",
        "/so/1/?trang=2",
    )
    event = audit_record(action=AuditEvent.Action.VIEW, actor=actor, object_type="book")
    assert (event.user, event.ip_address, event.path) == (
        personas["police_officer"],
        "10.9.8.7",
        "/so/1/?trang=2",
    )


def test_a_system_actor_is_recorded_with_its_user_and_no_address(personas, db):
    from hotich.audit.actor import Actor
    from hotich.audit.services import audit_record

    actor = Actor.system(personas["justice_officer"])
    assert actor.is_system
    event = audit_record(action=AuditEvent.Action.UPDATE, actor=actor, object_type="book")
    assert (event.user, event.ip_address, event.path) == (personas["justice_officer"], None, "")
