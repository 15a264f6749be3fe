"""Job status page and downloads of job results."""

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from hotich.accounts.capabilities import refuse
from hotich.accounts.requests import UserRequest
from hotich.accounts.scope import REFUSED
from hotich.audit.models import AuditEvent
from hotich.audit.services import audit_record
from hotich.jobs.models import Job
from hotich.jobs.services import exports_dir, job_state


@require_GET
def job_list(request: UserRequest) -> HttpResponse:
    """The user's jobs with their state; the table refreshes itself with htmx while one runs."""
    jobs = [job_state(job) for job in Job.objects.filter(user=request.user)[:50]]
    running = any(j["status"] in ("READY", "RUNNING") for j in jobs)
    template = "jobs/_job_rows.html" if request.htmx else "jobs/job_list.html"
    return render(request, template, {"jobs": jobs, "running": running})


@require_GET
def job_download(request: UserRequest, pk: str) -> FileResponse:
    """Download the file a finished job produced; only its owner may, and it is audited."""
    job = Job.objects.filter(pk=pk, user=request.user).first()
    if job is None:
        # Another's job is refused like a missing one, with every object's answer.
        refuse(request, REFUSED, object_type="job", object_id=pk)
    name = job_state(job)["file"]
    if not name:
        raise Http404("Tác vụ chưa xong hoặc không có tệp kết quả.")
    path = (exports_dir() / name).resolve()
    if path.parent != exports_dir().resolve() or not path.exists():
        raise Http404("Không tìm thấy tệp kết quả.")
    audit_record(
        request=request,
        action=AuditEvent.Action.EXPORT,
        object_type="job",
        object_id=str(job.pk),
        object_repr=job.label,
    )
    return FileResponse(path.open("rb"), as_attachment=True, filename=name)
