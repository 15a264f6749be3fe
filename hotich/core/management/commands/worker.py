"""hotich worker: drain the database-backed task queue (wraps django_tasks_db's db_worker)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Chạy tiến trình xử lý tác vụ nền (xuất, nhập, đối chiếu). --batch: xử lý hết hàng đợi rồi thoát."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--batch", action="store_true", help="Xử lý hết tác vụ đang chờ rồi thoát."
        )
        parser.add_argument(
            "--queue", action="append", dest="queues", help="Chỉ xử lý hàng đợi này (lặp lại được)."
        )
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Số giây giữa hai lần kiểm tra hàng đợi."
        )
        parser.add_argument("--max-tasks", type=int, default=None)

    def handle(
        self,
        *args,
        batch: bool,
        queues: list[str] | None,
        interval: float,
        max_tasks: int | None,
        **options,
    ) -> None:
        kwargs: dict = {
            "interval": interval,
            "no_startup_delay": True,
            "verbosity": options["verbosity"],
        }
        kwargs["queue_name"] = ",".join(queues) if queues else "*"
        if batch:
            kwargs["batch"] = True
        if max_tasks is not None:
            kwargs["max_tasks"] = max_tasks
        call_command("db_worker", **kwargs)
