"""One build at a time per channel, and no litter from builds that were killed.

Two commands that write build/ (build, preview) take an exclusive lock on the build folder
itself, so a second one waits instead of interleaving with the first. Whoever holds the
lock may delete temporary files a killed run left behind, because no other run can be
writing them. Where file locks do not exist, unique temporary names and atomic renames
still keep every output whole.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from toolkit.files import remove_stale_temps

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Windows
    fcntl = None  # type: ignore[assignment]


@contextlib.contextmanager
def channel_lock(build_dir: Path, waiting: Callable[[], None] | None = None) -> Iterator[int]:
    """Hold the channel's build lock; yields how many stale temporary files were removed."""
    build_dir.mkdir(parents=True, exist_ok=True)
    if fcntl is None:  # pragma: no cover
        yield 0
        return
    fd = os.open(build_dir, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if waiting is not None:
                waiting()
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield remove_stale_temps(build_dir)
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def die_with_parent() -> None:
    """Process-pool initializer: a worker ends when the process that started it dies, even
    by SIGKILL, instead of lingering (Linux; elsewhere workers end when their queue
    closes)."""
    if sys.platform.startswith("linux"):
        import ctypes  # (only here: most builds start no workers)

        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            pr_set_pdeathsig = 1
            libc.prctl(pr_set_pdeathsig, int(signal.SIGKILL), 0, 0, 0)
