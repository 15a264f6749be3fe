"""A helper process that ends with its parent: kill -9 of the parent leaves no process behind.

A spawned helper (the import's row checker, the streamed match's feature processes) only
learns of its parent's death if it looks: a busy helper never reads the closed pipe. Call
:func:`exit_with_parent` at the helper's start with the parent's pid.
"""

from __future__ import annotations

import os
import threading
import time


def _watch(parent: int, every: float) -> None:
    while os.getppid() == parent:
        time.sleep(every)
    os._exit(1)


def exit_with_parent(parent: int, every: float = 0.5) -> None:
    """Start a daemon thread that ends this process once ``parent`` is no longer its parent."""
    threading.Thread(target=_watch, args=(parent, every), daemon=True).start()
