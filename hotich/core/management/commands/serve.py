"""hotich serve: run the web application with waitress (a production-ready WSGI server);
with --with-worker, a ``hotich worker`` process runs beside it and stops with it."""

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections

#: prctl(2) option: the signal the kernel sends a child when its parent dies (Linux).
PR_SET_PDEATHSIG = 1


def _stop_with_parent() -> None:
    """In the worker child: be sent SIGTERM if the server dies, even by kill -9 (Linux)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass  # elsewhere the finally clause below is what stops the worker


def worker_start() -> subprocess.Popen:
    """Start ``hotich worker`` as a child of this process, with the same settings."""
    return subprocess.Popen(  # noqa: S603 (our own interpreter and module, no user input)
        [sys.executable, "-m", "hotich.cli", "worker"],
        env=os.environ.copy(),
        preexec_fn=_stop_with_parent if sys.platform == "linux" else None,  # noqa: PLW1509
        # Its own session: Ctrl+C in the terminal reaches the server only, which then asks
        # the worker once to stop (a second signal would make it abandon its task).
        start_new_session=True,
    )


def worker_stop(process: subprocess.Popen) -> None:
    """Ask the worker to stop (it finishes its current task), then make sure it has: one
    still busy after 30 s is killed, and the next worker takes its task up again."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def serve_processes(processes: int, host: str, port: int, serve_one: Callable[..., Any]) -> None:
    """Serve with PROCESSES copies of the server sharing one listening socket (POSIX: fork).

    One Python process runs Python on one core at a time whatever its threads; a campaign's
    keyers keep several cores busy (docs/deployment.md, "Processes"). Each child serves the
    socket with its own threads and database connections; the children stop with the parent
    (SIGTERM, Ctrl+C; on Linux even when it is killed).
    """
    listener = socket.create_server((host, port), backlog=2048)
    connections.close_all()  # never share the parent's database connections with a child
    children = []
    for _ in range(processes):
        pid = os.fork()
        if pid == 0:  # the child
            _stop_with_parent()
            signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
            try:
                serve_one(sockets=[listener])
            except KeyboardInterrupt:
                pass
            finally:
                os._exit(0)
        children.append(pid)

    def stop(*_args: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        while children:
            pid, _status = os.wait()
            if pid in children:
                children.remove(pid)
    except KeyboardInterrupt:
        pass
    finally:
        for pid in children:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                continue
        for pid in children:
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                continue
        listener.close()


class Command(BaseCommand):
    help = "Chạy máy chủ web (waitress). Dùng PORT/HOST hoặc --port/--host."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--threads", type=int, default=int(os.environ.get("WEB_THREADS", "8")))
        parser.add_argument(
            "--processes",
            type=int,
            default=int(os.environ.get("WEB_PROCESSES", "1")),
            help="Số tiến trình máy chủ (Linux: dùng chung cổng; mỗi tiến trình --threads luồng).",
        )
        parser.add_argument(
            "--no-migrate", action="store_true", help="Không tự áp dụng migration trước khi chạy."
        )
        parser.add_argument(
            "--with-worker",
            action="store_true",
            help="Chạy kèm tiến trình xử lý tác vụ nền (hotich worker); dừng cùng máy chủ.",
        )

    def handle(
        self,
        *args,
        host: str,
        port: int,
        threads: int,
        processes: int,
        no_migrate: bool,
        with_worker: bool,
        **options,
    ) -> None:
        from waitress import serve

        from hotich.wsgi import application

        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=0)
        if not settings.DEBUG:
            call_command("collectstatic", interactive=False, verbosity=0)
        worker = worker_start() if with_worker else None
        if worker is not None:
            self.stdout.write(f"Tiến trình xử lý tác vụ nền đang chạy (pid {worker.pid}).")
        self.stdout.write(f"hotich đang chạy tại http://{host}:{port}/  (Ctrl+C để dừng)")
        # Behind our own proxies hotich reads X-Forwarded-For itself (the rightmost address
        # they did not add, see audit.services.client_ip); waitress would otherwise drop it.
        # waitress cuts off a body past twice the largest legitimate upload, also one sent
        # without a Content-Length; below that, RequestSizeLimitMiddleware refuses a body past
        # the limit with a Vietnamese page and an audit event.
        keep_forwarded = bool(settings.TRUSTED_PROXIES)

        def serve_one(**where: Any) -> None:
            serve(
                application,
                threads=threads,
                clear_untrusted_proxy_headers=not keep_forwarded,
                max_request_body_size=2 * settings.HOTICH_REQUEST_MAX_BYTES,
                **where,
            )

        try:
            if processes > 1 and hasattr(os, "fork"):
                serve_processes(processes, host, port, serve_one)
            else:
                serve_one(host=host, port=port)
        except KeyboardInterrupt:
            pass
        finally:
            if worker is not None:
                worker_stop(worker)
                self.stdout.write("Đã dừng tiến trình xử lý tác vụ nền.")
