"""kill -9 of ``hotich match``: its feature processes (hotich.matching.engine.stream) go too.

Found on the full province benchmark: the benchmark killed the command above its memory
bound and the two feature processes ran on, orphaned, still busy computing features.
"""

import subprocess

from tests.faults.conftest import HOTICH
from tests.faults.test_checking_helper import all_gone_soon

KILLED = """
import os, signal
from hotich.matching.engine.stream import _Workers
workers = _Workers(2)
assert workers.pool is not None
list(workers.pool.map(abs, [-1, -2, -3, -4]))  # both processes started
print(*workers.pool._processes, flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_the_feature_processes_exit_when_hotich_match_is_killed(process_env):
    done = subprocess.run(
        [*HOTICH, "shell", "--no-imports", "-c", KILLED],
        env=process_env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == -9, done.stderr[-3000:]
    processes = [int(pid) for pid in done.stdout.split()]
    assert len(processes) == 2
    assert all_gone_soon(processes)
