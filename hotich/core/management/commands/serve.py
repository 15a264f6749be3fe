"""hotich serve: run the web application with waitress (a production-ready WSGI server)."""

import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Chạy máy chủ web (waitress). Dùng PORT/HOST hoặc --port/--host."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--threads", type=int, default=int(os.environ.get("WEB_THREADS", "8")))
        parser.add_argument(
            "--no-migrate", action="store_true", help="Không tự áp dụng migration trước khi chạy."
        )

    def handle(
        self, *args, host: str, port: int, threads: int, no_migrate: bool, **options
    ) -> None:
        from waitress import serve

        from hotich.wsgi import application

        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=0)
        if not settings.DEBUG:
            call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"hotich đang chạy tại http://{host}:{port}/  (Ctrl+C để dừng)")
        # waitress cuts off a body past twice the largest legitimate upload, also one sent
        # without a Content-Length; below that, RequestSizeLimitMiddleware refuses a body past
        # the limit with a Vietnamese page and an audit event.
        serve(
            application,
            host=host,
            port=port,
            threads=threads,
            max_request_body_size=2 * settings.HOTICH_REQUEST_MAX_BYTES,
        )
