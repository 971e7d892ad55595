"""One build at a time per channel, and no litter from builds that were killed.

The commands that write build/ (build, preview, video) take an exclusive lock on the build
folder itself, so a second one waits instead of interleaving with the first. Whoever holds
the lock may delete temporary files a killed run left behind, because no other run can be
writing them. It looks for them only when the last run that held the lock did not finish
(a mark left by each run that did says so): a channel's cache can hold tens of thousands
of files. Where file locks do not exist, unique temporary names and atomic renames still
keep every output whole.
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


# FINISHED_MARK (in build/) is there while no run holds the lock and the last one that
# held it finished, so no temporary files can be left. A run renames it to RUNNING_MARK
# first and back only when its work ended without an exception: a run killed, interrupted
# or failing (a worker process killed, say) leaves it renamed, and the next one looks for
# litter. So does a run after the cache folder was deleted, or before any run made it.
# (Renamed, not made again: a build that writes nothing leaves every file in build/ as it
# was, times included.)
FINISHED_MARK = os.path.join(".cache", "finished")
RUNNING_MARK = os.path.join(".cache", "running")


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
        finished = os.path.join(build_dir, FINISHED_MARK)
        running = os.path.join(build_dir, RUNNING_MARK)
        try:
            os.replace(finished, running)  # from here on a death may leave temporary files
            removed = 0
        except OSError:  # the last run did not finish (or no run said so): look for litter
            removed = remove_stale_temps(build_dir)
        yield removed
        with contextlib.suppress(OSError):  # (without the mark the next run looks again)
            try:
                os.replace(running, finished)
            except FileNotFoundError:
                # Made in the cache folder only once a run made that folder: a run that
                # failed on its input writes nothing at all.
                os.close(os.open(finished, os.O_WRONLY | os.O_CREAT, 0o644))
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
