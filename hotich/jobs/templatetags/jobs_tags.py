"""{% worker_banner %}: says when no background worker has answered recently."""

from typing import Any

from django import template
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from hotich.jobs.workers import LEASE_SECONDS, workers_alive

register = template.Library()

#: Pages where jobs are started or watched: the banner shows there even with no job waiting.
JOB_PAGES = {"job_list", "import_upload", "import_detail", "book_exports", "audit_search"}


@register.inclusion_tag("jobs/_worker_banner.html", takes_context=True)
def worker_banner(context: template.Context) -> dict[str, Any]:
    """Show the banner to a signed-in user when no worker answered within the lease and jobs
    wait (or the page is one where jobs are started or watched)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show": False}
    match = getattr(request, "resolver_match", None)
    on_job_page = match is not None and match.url_name in JOB_PAGES
    waiting = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
    )
    if not on_job_page and not waiting.exists():
        return {"show": False}
    if workers_alive():
        return {"show": False}
    return {"show": True, "waiting": waiting.count(), "lease": int(LEASE_SECONDS)}
