"""Reconciling a whole book in the background, and the lookup fragment entry forms call."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from hotich.audit.models import AuditEvent
from hotich.jobs.models import Job
from hotich.lib.dates import PartialDate
from hotich.matching.engine.decide import REASONS
from hotich.matching.engine.features import PersonInput, match_columns
from hotich.reconciliation.models import MatchResult
from hotich.registers.services import entry_create
from hotich.registry.models import Citizen

pytestmark = pytest.mark.django_db(transaction=True)

PLACE = "Xã Đông Văn, Huyện Đông Sơn, Tỉnh Thanh Hóa"


def citizen(pid, name, date, sex, father="", mother="", place=PLACE):
    person = PersonInput(name, date, sex, place, "", "Kinh", father, mother)
    return Citizen.objects.create(
        personal_id=pid,
        full_name=name,
        name_key=name.lower(),
        birth_date=PartialDate.from_iso(date),
        birth_year=int(date[:4]),
        sex=sex,
        birthplace=place,
        father_name=father,
        mother_name=mother,
        **match_columns(person),
    )


def birth(book, user, number, name, date, sex, father, mother):
    return entry_create(
        book=book,
        user=user,
        year=2008,
        number=number,
        values={
            "nksHoTen": name,
            "nksNgaySinh": date,
            "nksGioiTinh": sex,
            "nksNoiSinh": PLACE,
            "chaHoTen": father,
            "meHoTen": mother,
        },
    )


def test_book_is_reconciled_by_the_worker_with_all_outcomes(book, personas, login):
    officer = personas["justice_officer"]
    phuong = citizen(
        "038308001234", "Nguyễn Thị Phượng", "2008-08-15", "2", "Nguyễn Văn Hùng", "Lê Thị Hoà"
    )
    citizen("038088004321", "Nguyễn Văn Hùng", "1988-02-03", "1")
    citizen("038190007777", "Lê Thị Hoà", "1990", "2")
    tam = citizen("038208005555", "Trần Văn Tám", "2008-03-09", "1", "Trần Văn Nam", "Đỗ Thị Lan")
    birth(book, officer, 1, "NGUYEN THI PHUONG", "15/08/2008", "2", "Nguyễn Văn Hùng", "Lê Thị Hoà")
    # The book says a girl; the registry says a boy: found, but inconsistent.
    birth(book, officer, 2, "Trần Văn Tám", "09/03/2008", "2", "Trần Văn Nam", "Đỗ Thị Lan")
    birth(book, officer, 3, "Phạm Minh Khôi", "01/01/2008", "1", "Phạm Văn Đức", "Hồ Thị Yến")

    client = login(officer)
    response = client.post(reverse("book_reconcile", args=[book.pk]))
    assert response.status_code == 302
    job = Job.objects.get(user=officer)
    call_command("worker", batch=True, verbosity=0)
    page = client.get(reverse("job_list")).content.decode()
    assert "Hoàn thành" in page and "Không tìm thấy" in page

    results = {r.person.entry.number: r for r in MatchResult.objects.filter(person__role="subject")}
    assert results[1].outcome == "match" and results[1].citizen == phuong
    assert results[1].person.citizen == phuong
    assert results[2].outcome == "discrepancy" and results[2].fields == ["sex"]
    assert results[2].person.citizen == tam
    assert results[3].outcome == "not_found" and results[3].citizen is None
    assert results[1].path == "batch" and results[1].decided_by == officer
    assert results[1].candidates[0]["personal_id"] == "038308001234"
    # The parents were looked up too; a name alone (no birth date) identifies nobody.
    father = MatchResult.objects.get(person__role="father", person__entry__number=1)
    assert father.outcome == "not_found" and father.personal_id == ""
    book_page = client.get(reverse("book_detail", args=[book.pk])).content.decode()
    assert "Tìm thấy, thông tin thống nhất" in book_page
    assert AuditEvent.objects.filter(object_type="registerbook", object_id=str(book.pk)).exists()
    assert job.label.startswith("Đối chiếu với CSDL dân cư")


def test_only_writers_of_the_commune_may_reconcile_a_book(book, personas, login):
    for persona in ("inspector", "outsider", "supervisor"):
        response = login(personas[persona]).post(reverse("book_reconcile", args=[book.pk]))
        assert response.status_code == 403, persona
    assert not Job.objects.exists()


def test_lookup_fragment_shows_candidates_field_by_field_and_is_audited(personas, login):
    citizen("038308001234", "Nguyễn Thị Phượng", "2008-08-15", "2", "Nguyễn Văn Hùng", "Lê Thị Hoà")
    client = login(personas["helper"])
    url = reverse("registry_lookup")
    empty = client.get(url, {"full_name": "Nguyễn Thị Phượng"}).content.decode()
    assert "Nhập họ tên và ngày sinh" in empty
    page = client.get(
        url, {"full_name": "Nguyen Thi Phuong", "birth_date": "15082008", "sex": "Nữ"}
    ).content.decode()
    assert "038308001234" in page
    assert "Tìm thấy, thông tin thống nhất" in page
    assert "Tên: trùng khi bỏ dấu" in page and "Ngày sinh: trùng khớp" in page
    # Why, in words: the same name born the same day, nothing against.
    assert REASONS["clear"] in page
    event = AuditEvent.objects.get(action="view", object_type="citizen")
    assert event.object_id == "038308001234" and event.user == personas["helper"]
    assert (
        client.get(url, {"full_name": "Lê Văn Ất", "birth_date": "1950"})
        .content.decode()
        .count("Không có ai trong CSDL dân cư")
        == 1
    )
