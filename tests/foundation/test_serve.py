"""hotich serve --processes: several server processes share one port and stop together."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.migrated import sqlite_data_dir


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def test_serve_with_two_processes_answers_on_one_port_and_stops_them_on_sigterm(
    tmp_path, migrated_sqlite
):
    sqlite_data_dir(tmp_path, migrated_sqlite)  # what `hotich migrate` leaves (not tested here)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"HOTICH_DATA_DIR": str(tmp_path), "PYTHONPATH": str(Path(__file__).parents[2])}
    server = subprocess.Popen(
        [sys.executable, "-m", "hotich.cli", "serve", "--processes", "2", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        answered = 0
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and answered < 20 and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:  # noqa: S310
                    answered += r.status == 200
            except OSError:
                time.sleep(0.5)
        assert answered == 20, server.stdout.read() if server.poll() is not None else "no answer"
        children = _children(server.pid)
        assert len(children) == 2
        server.send_signal(signal.SIGTERM)
        server.communicate(timeout=60)
    finally:
        if server.poll() is None:
            server.kill()
    time.sleep(0.5)
    assert not [pid for pid in children if Path(f"/proc/{pid}").exists()]
