"""The database-backed task queue, end to end: enqueue from a page, run the worker, download."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from hotich.audit.models import AuditEvent
from hotich.jobs.models import Job

# The worker closes database connections between tasks, as a long-running process should;
# so these tests commit for real instead of running inside one rolled-back transaction.
pytestmark = pytest.mark.django_db(transaction=True)


def test_an_audit_export_is_queued_run_by_the_worker_and_downloaded(personas, login, entry):
    client = login(personas["inspector"])
    response = client.post(reverse("audit_export"), {"commune": "15943"})
    assert response.status_code == 302
    job = Job.objects.get(user=personas["inspector"])
    page = client.get(reverse("job_list")).content.decode()
    assert "Xuất nhật ký truy cập ra Excel" in page
    assert "Đang chờ" in page

    call_command("worker", batch=True, verbosity=0)

    page = client.get(reverse("job_list")).content.decode()
    assert "Hoàn thành" in page
    assert reverse("job_download", args=[job.pk]) in page
    download = client.get(reverse("job_download", args=[job.pk]))
    assert download.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Thời điểm"
    assert {r[2] for r in rows[1:]} == {"Tạo"}  # the entry's creation, in commune 15943
    assert AuditEvent.objects.filter(
        action="export", object_type="job", object_id=str(job.pk)
    ).exists()


def test_someone_elses_job_result_is_refused(personas, login, entry):
    login(personas["inspector"]).post(reverse("audit_export"), {})
    call_command("worker", batch=True, verbosity=0)
    job = Job.objects.get()
    assert (
        login(personas["administrator"]).get(reverse("job_download", args=[job.pk])).status_code
        == 403
    )
