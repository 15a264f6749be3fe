"""kill -9 of an importing process: its checking helper (hotich.exchange.checking) goes too."""

import subprocess
import time
from pathlib import Path

from tests.faults.conftest import HOTICH

KILLED = """
import os, signal
from hotich.exchange import checking
from hotich.exchange.importer import RowChecker
from hotich.exchange.layout import Layout
from hotich.registers.spec import REGISTER_TYPES
layout = Layout(kind='ministry', register=REGISTER_TYPES['KS'], columns={0: 'so'}, headers=['so'])
helper = checking.Helper(RowChecker(layout))
rows = checking.rows_checked(
    iter([(2, ('01/2008',))]), helper=helper, meta={}, wanted=bool, wait=True
)
assert len(list(rows)) == 1
print(*[process.pid for process in helper.pool._pool], flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def gone(pid: int) -> bool:
    status = Path(f"/proc/{pid}/status")
    try:
        state = next(line for line in status.read_text().splitlines() if line.startswith("State"))
    except FileNotFoundError:
        return True
    return "Z" in state.split()[1]  # a zombie has exited; only its parent's reaping is left


def all_gone_soon(pids: list[int], seconds: float = 30) -> bool:
    """Return whether every process of ``pids`` has exited within ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not all(gone(pid) for pid in pids):
        time.sleep(0.2)
    return all(gone(pid) for pid in pids)


def test_the_helper_exits_when_the_importing_process_is_killed(process_env):
    done = subprocess.run(
        [*HOTICH, "shell", "--no-imports", "-c", KILLED],
        env=process_env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == -9, done.stderr[-3000:]
    helpers = [int(pid) for pid in done.stdout.split()]
    assert helpers
    assert all_gone_soon(helpers)
