"""Background tasks of the audit log's reading pages: the Excel export.

Exports queued under the audit app's old path (its ``tasks.audit_export``), before the
reading pages left the audit app, are moved to this path by the migration ``oversight 0001``
(see :mod:`hotich.jobs.renames`).
"""

import uuid
from typing import Any

from django.tasks import task
from django.utils import timezone
from openpyxl import Workbook

from hotich.jobs.services import exports_dir
from hotich.lib.sheets import sheet_row
from hotich.oversight.selectors import audit_events_filtered

COLUMNS = (
    "Thời điểm",
    "Người dùng",
    "Thao tác",
    "Đối tượng",
    "Mã",
    "Mô tả",
    "Xã/phường",
    "Địa chỉ IP",
    "Thay đổi",
)


@task(queue_name="default")
def audit_export(*, filters: dict[str, Any], user_id: int) -> dict[str, Any]:
    """Write the audit events USER_ID may read that match FILTERS to an Excel file; return
    its name and row count."""
    from hotich.accounts.models import User

    user = User.objects.get(pk=user_id)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Nhật ký")
    sheet.append(list(COLUMNS))
    rows = 0
    for event in audit_events_filtered(user=user, filters=filters).iterator(chunk_size=2000):
        changes = (
            "; ".join(f"{k}: {v[0]!s} → {v[1]!s}" for k, v in event.changes.items())
            if event.changes
            else ""
        )
        sheet.append(
            sheet_row(
                sheet,
                [
                    timezone.localtime(event.at).replace(tzinfo=None),
                    event.username,
                    event.get_action_display(),
                    event.object_type,
                    event.object_id,
                    event.object_repr,
                    event.commune.full_name if event.commune else "",
                    event.ip_address or "",
                    changes,
                ],
            )
        )
        rows += 1
    name = f"nhat-ky-{uuid.uuid4().hex[:12]}.xlsx"
    workbook.save(exports_dir() / name)
    return {"file": name, "rows": rows, "summary": f"{rows} dòng"}
