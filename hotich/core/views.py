"""The interface shell: the home page of each role, errors (login is hotich.accounts.login)."""

from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from hotich.accounts.models import Role
from hotich.accounts.requests import UserRequest
from hotich.audit.models import AuditEvent
from hotich.audit.services import audit_record
from hotich.registers.models import EntryStatus
from hotich.registers.selectors import books_for_user, entries_for_user


@login_not_required
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness probe for deployments."""
    return HttpResponse("ok", content_type="text/plain")


def home(request: UserRequest) -> HttpResponse:
    """Home page: what this role does next."""
    user = request.user
    books = books_for_user(user).filter(already_electronic=False)
    entries = entries_for_user(user)
    counts = dict(entries.values_list("status").annotate(n=Count("id")).order_by())
    status_counts = [(s.value, s.label, counts.get(s.value, 0)) for s in EntryStatus]
    context = {
        "role": user.role,
        "books": books.annotate(
            n_entries=Count("entries"),
            n_drafts=Count("entries", filter=Q(entries__status=EntryStatus.DRAFT)),
        ).order_by("register_type", "year_from")[:12],
        "book_count": books.count(),
        "status_counts": status_counts,
        "drafts": entries.filter(status=EntryStatus.DRAFT, updated_by=user)[:10],
        "to_approve": counts.get(EntryStatus.REVIEWED, 0),
        "to_review": counts.get(EntryStatus.RECONCILED, 0),
        "Role": Role,
    }
    if not user.is_commune_user:
        context["communes"] = (
            books.values("commune__code", "commune__name", "commune__type_name")
            .annotate(
                n_books=Count("id", distinct=True),
                n_entries=Count("entries"),
                n_approved=Count(
                    "entries",
                    filter=Q(entries__status__in=[EntryStatus.APPROVED, EntryStatus.EXPORTED]),
                ),
            )
            .order_by("commune__name")
        )
    return render(request, "core/home.html", context)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = (
        str(exception)
        if exception and str(exception)
        else "Bạn không có quyền thực hiện thao tác này."
    )
    return render(request, "403.html", {"message": message}, status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """The CSRF refusal (CSRF_FAILURE_VIEW): a Vietnamese page, and an audited refusal."""
    audit_record(
        request=request,
        action=AuditEvent.Action.DENIED,
        object_type="csrf",
        object_repr=f"Biểu mẫu bị từ chối (CSRF): {reason}"[:200],
    )
    return render(request, "403_csrf.html", status=403)
