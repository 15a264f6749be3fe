"""The audit search page: a search button (Enter searches, it never starts an export),
day filters typed dd/mm/yyyy, objects named in Vietnamese and officers by their full name."""

import pytest
from django.urls import reverse

from hotich.jobs.models import Job
from hotich.oversight.selectors import object_type_label


@pytest.mark.parametrize(
    ("object_type", "label"),
    [
        ("entry", "trường hợp đăng ký"),
        ("registerbook", "sổ hộ tịch"),
        ("citizen", "công dân"),
        ("workqueue", "hàng chờ nhập liệu"),
        ("somethingnew", "somethingnew"),
    ],
)
def test_object_types_are_named_in_vietnamese(object_type, label, db):
    assert object_type_label(object_type) == label


def test_the_page_names_objects_and_officers_not_their_codes(personas, login, entry):
    personas["police_officer"].first_name = "Trần Văn Công An"
    personas["police_officer"].save()
    login(personas["police_officer"]).get(reverse("entry_detail", args=[entry.pk]))
    page = login(personas["inspector"]).get(reverse("audit_search"), {"user": "congan"})
    html = page.content.decode()
    assert "Trần Văn Công An" in html and "(congan)" in html
    assert f"trường hợp đăng ký {entry.pk}" in html
    assert ">entry " not in html


def test_the_first_button_of_the_filters_searches(personas, login, db):
    html = login(personas["inspector"]).get(reverse("audit_search")).content.decode()
    form = html[html.index('id="audit-filters"') :]
    buttons = form[: form.index("</form>")].split("<button")[1:]
    assert "Tìm kiếm" in buttons[0] and "formaction" not in buttons[0]
    assert 'type="date"' not in html


@pytest.mark.parametrize(
    ("date_from", "date_to", "found"),
    [
        ("01/01/2000", "02/01/2000", False),
        ("01/01/2000", "31/12/2999", True),
        ("2000-01-01", "2999-12-31", True),  # links made before keep working
    ],
)
def test_the_day_filters_read_day_month_year(date_from, date_to, found, personas, login, entry):
    client = login(personas["inspector"])
    response = client.get(
        reverse("audit_search"),
        {"entry": str(entry.pk), "date_from": date_from, "date_to": date_to},
    )
    assert bool(list(response.context["page"])) is found


def test_a_day_that_is_not_a_day_is_said_not_ignored_silently(personas, login, entry):
    response = login(personas["inspector"]).get(reverse("audit_search"), {"date_from": "31/02"})
    assert response.status_code == 200
    assert "ngày/tháng/năm" in response.content.decode()


def test_searching_starts_no_export(personas, login, entry):
    login(personas["inspector"]).get(reverse("audit_search"), {"user": "tuphap"})
    assert not Job.objects.exists()
