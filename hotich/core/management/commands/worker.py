"""hotich worker: drain the database-backed task queue (django_tasks_db's worker loop), with
a heartbeat, and recovery of the tasks a killed worker left running (hotich.jobs.workers)."""

from django.core.management.base import BaseCommand
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Command as DbWorker
from django_tasks_db.management.commands.db_worker import Worker

from hotich.jobs.workers import Heartbeat, tasks_orphaned_recover, worker_beat, worker_beat_end


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
        # BaseCommand wraps any writable stream, its own OutputWrapper included; the stubs
        # ask for a TextIO, which OutputWrapper (a TextIOBase) is not.
        db_worker = DbWorker(stdout=self.stdout, stderr=self.stderr)  # type: ignore[arg-type]
        db_worker.configure_logging(options["verbosity"])
        worker_id = get_random_string(32)
        worker_beat(worker_id=worker_id)
        recovered = tasks_orphaned_recover()
        if any(recovered.values()) and options["verbosity"]:
            self.stdout.write(
                f"Tác vụ bị bỏ dở: chạy lại {recovered['resumed']}, "
                f"đánh dấu lỗi {recovered['failed']}."
            )
        heartbeat = Heartbeat(worker_id)
        heartbeat.start()
        worker = Worker(
            queue_names=queues or ["*"],
            interval=interval,
            batch=batch,
            backend_name="default",
            startup_delay=False,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        worker.configure_signals()
        try:
            worker.run()
        finally:
            heartbeat.stop()
            worker_beat_end(worker_id=worker_id)
