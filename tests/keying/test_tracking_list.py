"""Danh sách theo dõi riêng: filters, assign, verification result, close, printable Excel;
permissions by persona, every access audited."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from hotich.audit.models import AuditEvent
from hotich.reconciliation.models import TrackingCase
from tests.keying.conftest import DISCREPANCY, form_data


def listed(html: str) -> str:
    """Return the case table of the page (flash messages may name the person too)."""
    return html.split('data-testid="cases"')[1].split("</table>")[0]


@pytest.fixture
def case(book, personas, login, registry_people):
    choice = "discrepancy:038208004321"
    login(personas["helper"]).post(
        reverse("keying_new", args=[book.pk]),
        form_data(DISCREPANCY, **{"_choice:subject": choice, "_engine:subject": choice}),
    )
    return TrackingCase.objects.get()


SEES = [
    ("justice_officer", True),
    ("police_officer", True),
    ("helper", True),
    ("supervisor", True),
    ("district_supervisor", True),
    ("inspector", True),
    ("outsider", False),
    ("outsider_supervisor", False),
]


@pytest.mark.parametrize(("persona", "sees"), SEES)
def test_the_list_shows_the_cases_of_the_users_scope(persona, sees, case, personas, client):
    client.force_login(personas[persona])
    html = client.get(reverse("tracking_list")).content.decode()
    assert ("Trần Văn Khải" in listed(html)) is sees
    detail = client.get(reverse("tracking_case", args=[case.pk]))
    assert detail.status_code == (200 if sees else 403)
    assert AuditEvent.objects.filter(user=personas[persona], object_type="trackingcase").exists()


FILTERS = [
    ({}, True),
    ({"type": "KS"}, True),
    ({"type": "KT"}, False),
    ({"field": "ethnicity"}, True),
    ({"field": "sex"}, False),
    ({"age": "30"}, False),
    ({"assignee": "none"}, True),
    ({"status": "closed"}, False),
]


@pytest.mark.parametrize(("query", "shown"), FILTERS)
def test_filters(query, shown, case, personas, client):
    client.force_login(personas["justice_officer"])
    html = client.get(reverse("tracking_list"), query).content.decode()
    assert ("Trần Văn Khải" in listed(html)) is shown


def test_the_case_shows_the_book_value_beside_the_registry_value(case, personas, client):
    client.force_login(personas["police_officer"])
    html = client.get(reverse("tracking_case", args=[case.pk])).content.decode()
    assert "<td>Mường</td><td>Kinh</td>" in html


def test_assign_record_the_result_and_close(case, personas, client):
    client.force_login(personas["justice_officer"])
    client.post(
        reverse("tracking_assign", args=[case.pk]), {"assignee": personas["police_officer"].pk}
    )
    case.refresh_from_db()
    assert case.assignee == personas["police_officer"]
    client.force_login(personas["police_officer"])
    client.post(
        reverse("tracking_close", args=[case.pk]),
        {"result": "registry_right", "note": "Giấy khai sinh bản chính ghi Kinh"},
    )
    case.refresh_from_db()
    assert (case.status, case.result, case.closed_by) == (
        "closed",
        "registry_right",
        personas["police_officer"],
    )
    assert "cải chính hộ tịch" in case.procedure
    assert AuditEvent.objects.filter(object_type="trackingcase", action="update").count() == 2
    # Closing twice changes nothing.
    client.post(reverse("tracking_close", args=[case.pk]), {"result": "book_right"})
    case.refresh_from_db()
    assert case.result == "registry_right"


@pytest.mark.parametrize("persona", ["helper", "inspector", "supervisor"])
def test_only_the_justice_officer_and_the_police_close_cases(persona, case, personas, client):
    client.force_login(personas[persona])
    response = client.post(reverse("tracking_close", args=[case.pk]), {"result": "book_right"})
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == "open"


def test_a_case_cannot_be_given_to_an_officer_of_another_commune(case, personas, client):
    client.force_login(personas["justice_officer"])
    client.post(reverse("tracking_assign", args=[case.pk]), {"assignee": personas["outsider"].pk})
    case.refresh_from_db()
    assert case.assignee is None


def test_the_excel_export_is_printable_and_signable(case, personas, client):
    client.force_login(personas["justice_officer"])
    response = client.get(reverse("tracking_export"))
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    rows = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    text = "\n".join(" | ".join(map(str, r)) for r in rows)
    assert "DANH SÁCH THEO DÕI RIÊNG" in text
    data = next(r for r in rows if "Trần Văn Khải" in r)
    assert "038208004321" in data and "Dân tộc: Mường" in data and "Dân tộc: Kinh" in data
    assert "(Ký, ghi rõ họ tên)" in text and "CÔNG AN XÃ" in text
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.print_title_rows
    assert AuditEvent.objects.filter(action="export", object_type="trackingcase").exists()


@pytest.mark.parametrize("persona", ["inspector", "supervisor", "outsider"])
def test_read_only_and_outside_users_cannot_key(persona, book, personas, client):
    client.force_login(personas[persona])
    assert client.get(reverse("keying_new", args=[book.pk])).status_code == 403
    assert client.post(reverse("keying_check", args=[book.pk]), {}).status_code == 403
    assert AuditEvent.objects.filter(user=personas[persona], action="denied").exists()


def test_an_outsider_cannot_open_an_entry_of_another_commune(entry, personas, client):
    client.force_login(personas["outsider"])
    assert client.get(reverse("keying_edit", args=[entry.pk])).status_code == 403
    assert client.get(reverse("keying_book", args=[entry.book_id])).status_code == 403
