"""Issuing a personal ID to a new person: structure, uniqueness under concurrency, audit."""

import contextlib
import random
import threading

import pytest
from django.db import connection

from hotich.accounts.models import Role, User
from hotich.audit.models import AuditEvent
from hotich.lib.dates import PartialDate
from hotich.lib.idnumbers import generate_personal_id, parse_personal_id
from hotich.registry.models import Citizen
from hotich.registry.services import PersonalIdIssueError, personal_id_issue


@pytest.fixture
def officer(personas):
    return personas["justice_officer"]


def test_the_number_follows_the_domain_guide_and_is_audited(officer):
    citizen = personal_id_issue(
        full_name="TRẦN THỊ MAI",
        sex="Nữ",
        birth_date="05/06/2007",
        province_code="38",
        father_name="Trần Văn Nam",
        user=officer,
    )

    number = parse_personal_id(citizen.personal_id)
    assert (number.province_code, number.sex, number.birth_year) == ("038", "female", 2007)
    assert citizen.personal_id[3:6] == "307"  # 2000s female = 3, then the year's last digits
    stored = Citizen.objects.get(personal_id=citizen.personal_id)
    assert (stored.full_name, stored.source) == ("Trần Thị Mai", Citizen.Source.CREATED)
    assert stored.birth_date == PartialDate(2007, 6, 5)
    assert stored.bk1 and stored.bk3
    event = AuditEvent.objects.get(object_id=citizen.personal_id)
    assert (event.action, event.user, event.object_type) == ("create", officer, "citizen")


def test_a_collision_draws_a_new_number(officer):
    taken = generate_personal_id(province_code="38", sex="1", birth_year=1990, rng=random.Random(5))
    Citizen.objects.create(personal_id=taken, full_name="Người Đã Có", name_key="x", sex="1")

    citizen = personal_id_issue(
        full_name="Lê Văn Tâm",
        sex="Nam",
        birth_date="1990",
        province_code="038",
        user=officer,
        rng=random.Random(5),
    )

    rng = random.Random(5)
    first = generate_personal_id(province_code="38", sex="1", birth_year=1990, rng=rng)
    second = generate_personal_id(province_code="38", sex="1", birth_year=1990, rng=rng)
    assert first == taken
    assert citizen.personal_id == second
    assert Citizen.objects.count() == 2
    event = AuditEvent.objects.get(object_id=second)
    assert event.changes["attempts"] == 2


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"full_name": ""}, "Thiếu họ và tên"),
        ({"sex": ""}, "Nam hoặc Nữ"),
        ({"birth_date": "31/02/2001"}, "tháng 2"),
        ({"birth_date": "1850"}, "1900"),
        ({"province_code": "03"}, "Mã tỉnh 003"),
    ],
)
def test_it_refuses_facts_that_cannot_give_a_number(officer, kwargs, message):
    facts = {"full_name": "Lê Văn Tâm", "sex": "Nam", "birth_date": "2001", "province_code": "38"}
    with pytest.raises(PersonalIdIssueError, match=message):
        personal_id_issue(**{**facts, **kwargs}, user=officer)
    assert Citizen.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_never_give_the_same_number():
    officer = User.objects.create(username="quantri", role=Role.ADMINISTRATOR)
    threads_count = 6
    barrier = threading.Barrier(threads_count)
    issued: list[str] = []
    failures: list[BaseException] = []
    # PostgreSQL runs the threads truly concurrently. SQLite's in-memory test database (shared
    # cache) has table locks that fail instead of waiting, unlike the file database in
    # production, which waits its busy timeout: there the threads take turns.
    turns = threading.Lock() if connection.vendor == "sqlite" else contextlib.nullcontext()

    def issue(n: int) -> None:
        try:
            barrier.wait()
            # Every thread draws the same sequence of serials: all but one collide at first.
            with turns:
                citizen = personal_id_issue(
                    full_name=f"Nguyễn Văn Số {n}",
                    sex="Nam",
                    birth_date="2001",
                    province_code="38",
                    user=officer,
                    rng=random.Random(42),
                )
            issued.append(citizen.personal_id)
        except BaseException as exc:  # reported below, in the test's thread
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(n,)) for n in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert len(issued) == len(set(issued)) == threads_count
    assert Citizen.objects.count() == threads_count
    assert (
        AuditEvent.objects.filter(action="create", object_type="citizen").count() == threads_count
    )
