"""Giấy hướng dẫn: the printable notice for the citizen of a tracking case (PDF), read back
with pypdf: the differing fields with both values, where the verification stands, what to
bring; for whoever may see the case, refused to another commune, audited."""

import datetime
import unicodedata
from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader

from hotich.accounts.scope import REFUSED
from hotich.audit.models import AuditEvent
from hotich.lib.official_pdf import MOTTO, NATION
from hotich.reconciliation.models import TrackingCase
from hotich.reconciliation.notice import IDENTITY, tracking_notice_pdf
from tests.keying.conftest import DISCREPANCY, form_data


def pdf_lines(content: bytes) -> list[str]:
    reader = PdfReader(BytesIO(content))
    text = "\n".join(p.extract_text() for p in reader.pages)
    return unicodedata.normalize("NFC", text).splitlines()


def flat(lines: list[str]) -> str:
    return " ".join(lines)


@pytest.fixture
def case(book, personas, login, registry_people):
    """A birth keyed from the book whose subject the registry knows with another ethnicity."""
    choice = "discrepancy:038208004321"
    login(personas["helper"]).post(
        reverse("keying_new", args=[book.pk]),
        form_data(DISCREPANCY, **{"_choice:subject": choice, "_engine:subject": choice}),
    )
    return TrackingCase.objects.get()


def test_the_notice_of_an_open_case_names_the_differences_and_what_to_bring(case, personas, login):
    response = login(personas["police_officer"]).get(reverse("tracking_notice", args=[case.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="giay-huong-dan-{case.pk}.pdf"' in response["Content-Disposition"]
    lines = pdf_lines(response.content)
    text = flat(lines)
    for expected in [
        NATION,
        MOTTO,
        "XÃ ĐÔNG SƠN",
        "GIẤY HƯỚNG DẪN",
        "Kính gửi: Ông/Bà Trần Văn Khải",
    ]:
        assert expected in lines, expected
    # The differing field, the book's value beside the registry's, in one table row.
    assert "Dân tộc Mường Kinh" in lines
    assert "số 08, sổ đăng ký khai sinh quyển số 01/2008" in text
    assert "Số định danh cá nhân: 038208004321" in lines
    assert "đang xác minh thông tin nào là đúng" in text
    assert IDENTITY in text
    assert "Giấy khai sinh hoặc trích lục khai sinh" in text
    # Signed by the officer who prints it.
    assert "CÔNG CHỨC TƯ PHÁP – HỘ TỊCH" not in lines and "CÔNG AN XÃ" in lines
    assert "congan" in lines


def test_the_notice_of_a_closed_case_gives_the_result_and_the_procedure(case, personas, login):
    client = login(personas["justice_officer"])
    client.post(reverse("tracking_close", args=[case.pk]), {"result": "registry_right"})
    lines = pdf_lines(client.get(reverse("tracking_notice", args=[case.pk])).content)
    text = flat(lines)
    assert "Kết quả xác minh: CSDL dân cư đúng." in lines
    assert "thủ tục cải chính hộ tịch" in text
    assert "đang xác minh" not in text


def test_a_parent_s_name_asks_for_the_parents_papers(case):
    case.fields = [
        {"field": "mother_name", "label": "Họ tên mẹ", "book": "Phạm Thị Lan", "registry": ""}
    ]
    lines = pdf_lines(
        tracking_notice_pdf(case, officer=case.opened_by, issued=datetime.date(2026, 12, 3))
    )
    text = flat(lines)
    assert "Họ tên mẹ Phạm Thị Lan –" in lines
    assert "Giấy tờ có ghi họ tên cha, mẹ" in text
    assert "Giấy khai sinh hoặc trích lục khai sinh" not in text
    assert "Đông Sơn, ngày 03 tháng 12 năm 2026" in lines


def test_the_case_page_links_the_notice(case, personas, login):
    page = login(personas["helper"]).get(reverse("tracking_case", args=[case.pk]))
    assert reverse("tracking_notice", args=[case.pk]) in page.content.decode()


def test_the_notice_is_audited_as_an_export(case, personas, login):
    login(personas["helper"]).get(reverse("tracking_notice", args=[case.pk]))
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT, object_type="trackingcase")
    assert (event.username, event.object_id) == ("nhaplieu", str(case.pk))
    assert event.commune == case.commune
    assert event.changes["giấy hướng dẫn"] == [None, ["ethnicity"]]


@pytest.mark.parametrize("persona", ["outsider", "outsider_supervisor"])
def test_another_area_is_refused_like_the_case_page_and_audited(case, persona, personas, login):
    client = login(personas[persona])
    page = client.get(reverse("tracking_case", args=[case.pk]))
    response = client.get(reverse("tracking_notice", args=[case.pk]))
    assert (response.status_code, response.context["message"]) == (403, REFUSED)
    assert (page.status_code, page.context["message"]) == (403, REFUSED)
    denied = AuditEvent.objects.filter(action="denied", username=personas[persona].username)
    assert denied.filter(path__contains="giay-huong-dan.pdf").count() == 1
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()
