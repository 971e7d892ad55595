"""Benchmark: a back catalogue of real prose, through the CLI (`make bench` runs it).

The three sample articles (history prose full of dates, numbers, names and quotes) are
repeated into a 200-episode channel, each copy with its own number and slug, and built
without audio through `toolkit build --jobs 1`: one process, start-up included. Then the
same command with nothing changed, and again after one episode was edited (each of these
short builds five times, the median kept, since they are short enough for the machine's
other work to move them by a fifth).

Targets (issue: a whole back catalogue): a cold build of at least 60,000 words a second
(goal 200,000); a build with nothing changed, and one with one changed episode, at most a
tenth of the cold build. CPU seconds are printed beside the wall-clock ones, since on a
shared machine the wall clock also measures the neighbours.

A cold build creates some 3,000 files. Beside it the benchmark prints the CPU seconds the
kernel spent, what the disk alone takes to create the files (a plain loop writing the same
files) and, where the system has a folder in memory (/dev/shm), the same cold build there:
on a disk that spends a millisecond creating a file, those show how much of the figure is
the toolkit's. (One such disk: ext4 without a journal skips, one by one, every inode freed
in the last minute when it looks for a free one, in the last six while the freed inode's
table block is not yet written out; so for minutes after thousands of files were deleted,
by this benchmark's previous run or by `make test`, each file created costs up to a
millisecond of kernel time, against some 50 microseconds on a quiet disk.) And the time a
fixed piece of plain Python work takes, so figures from different machines (or from one
shared machine at different times) can be compared.
"""

from __future__ import annotations

import compileall
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

REPO = Path(__file__).resolve().parent.parent
EPISODES = 200


def make_real_catalogue(folder: Path, count: int = EPISODES) -> None:
    """The sample channel with its articles repeated into `count` episodes, numbered 1..count
    (file names NNN-<slug>-N.md, front matter numbers to match)."""
    samples = sorted((REPO / "episodes").glob("[0-9]*.md"))
    shutil.copytree(
        REPO / "episodes", folder / "episodes", ignore=shutil.ignore_patterns("[0-9]*.md")
    )
    shutil.copytree(REPO / "voices", folder / "voices")
    (folder / "build").mkdir(exist_ok=True)
    for n in range(1, count + 1):
        sample = samples[(n - 1) % len(samples)]
        slug = sample.stem.split("-", 1)[1]
        text = re.sub(r"(?m)^number: \d+$", f"number: {n}", sample.read_text("utf-8"), count=1)
        (folder / "episodes" / f"{n:03d}-{slug}-{n}.md").write_text(text, "utf-8")


def snapshot_code(tmp: Path) -> dict[str, str]:
    """A copy of the toolkit's code for the runs to use: the code is one of a kit's inputs,
    so an edit made to the working tree while the benchmark runs would rebuild every kit."""
    shutil.copytree(
        REPO / "toolkit", tmp / "code" / "toolkit", ignore=shutil.ignore_patterns("__pycache__")
    )
    # Compiled as an installed package is (pip compiles on install): the cold build measures
    # building, not Python compiling the toolkit's modules once.
    compileall.compile_dir(tmp / "code" / "toolkit", quiet=1)
    # A cache folder of the runs' own: the cold build compiles the templates, as a first
    # build does, and the benchmark leaves nothing in the user's cache.
    return {
        **os.environ,
        "PYTHONPATH": str(tmp / "code"),
        "XDG_CACHE_HOME": str(tmp / "user-cache"),
    }


class Run(NamedTuple):
    wall: float  # seconds
    cpu: float  # CPU seconds, the kernel's included
    kernel: float  # of that, CPU seconds in the kernel (creating files, mostly)
    stdout: str


def _cli(folder: Path, env: dict[str, str], *args: str) -> Run:
    """One `toolkit` run in its own process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "toolkit", "-C", str(folder), *args],
        check=True,
        capture_output=True,
        text=True,
        env=env,
        cwd=folder.parent,  # not the repository: `-m` would import its toolkit first
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    kernel = after.ru_stime - before.ru_stime
    return Run(wall, (after.ru_utime - before.ru_utime) + kernel, kernel, done.stdout)


REPEAT = 5


def _median(runs: list[Run]) -> tuple[float, float]:
    """The median run's wall and CPU seconds."""
    middle = sorted(runs, key=lambda run: run.wall)[len(runs) // 2]
    return middle.wall, middle.cpu


def _words(folder: Path) -> int:
    total = 0
    for timing in (folder / "build").glob("*/timing.json"):
        total += sum(s["words"] for s in json.loads(timing.read_text("utf-8"))["segments"])
    return total


def file_system_floor(kits: Path, scratch: Path) -> float:
    """Seconds to write the files of the kits in `kits` again into a new folder beside
    them with a plain loop (one create and write each): what the file system alone costs
    a cold build, whatever the toolkit does. Some disks spend a millisecond a file here."""
    files = [(p.relative_to(kits), p.read_bytes()) for p in sorted(kits.rglob("*")) if p.is_file()]
    start = time.perf_counter()
    for name, data in files:
        target = scratch / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return time.perf_counter() - start


def python_speed() -> float:
    """Seconds this machine takes for a fixed piece of plain Python work (words split,
    looked up and joined, as a build does), best of three: figures taken on different
    machines, or on a shared machine at different times, compare through it."""
    text = " ".join(f"word{n % 997} {n}" for n in range(20_000))
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        seen: dict[str, int] = {}
        for _ in range(20):
            for word in text.split():
                seen[word] = seen.get(word, 0) + len(word)
            "-".join(sorted(seen)).upper()
        best = min(best, time.process_time() - start)
    return best


def _memory_folder() -> Path | None:
    """A folder in memory (tmpfs) to build in, where the system has one."""
    shm = Path("/dev/shm")
    return shm if shm.is_dir() and os.access(shm, os.W_OK) else None


def bench_real_catalogue(tmp: Path) -> dict[str, float]:
    folder = tmp / "real-catalogue"
    make_real_catalogue(folder)
    env = snapshot_code(tmp)
    build = ("build", "--no-audio", "--jobs", "1")
    cold, cold_cpu, cold_kernel, _ = _cli(folder, env, *build)
    words = _words(folder)
    files = sum(1 for p in (folder / "build").rglob("*") if p.is_file())
    floor = file_system_floor(folder / "build", tmp / "floor")
    in_memory = in_memory_cpu = in_memory_kernel = 0.0
    shm = _memory_folder()
    if shm is not None:
        with tempfile.TemporaryDirectory(dir=shm) as name:
            memory = Path(name) / "real-catalogue"
            make_real_catalogue(memory)
            cold_env = {**env, "XDG_CACHE_HOME": str(memory / "user-cache")}  # compiles too
            in_memory, in_memory_cpu, in_memory_kernel, _ = _cli(memory, cold_env, *build)
    # The short builds are taken REPEAT times each and their median kept: a run of under a
    # second moves by 10 to 20% with what else the machine is doing.
    runs = [_cli(folder, env, *build) for _ in range(REPEAT)]
    for run in runs:
        assert run.stdout.strip().endswith(f"{EPISODES} episodes up to date"), run.stdout[-300:]
    unchanged, unchanged_cpu = _median(runs)
    episode = sorted((folder / "episodes").glob("007-*.md"))[0]
    text = episode.read_text("utf-8")
    runs = []
    for n in range(REPEAT):  # a new edit each time: one kit to build again
        episode.write_text(text.replace(". ", f", it seems ({n}). ", 1), "utf-8")
        runs.append(_cli(folder, env, *build))
        assert f"{EPISODES - 1} episodes up to date" in runs[-1].stdout, runs[-1].stdout[-300:]
    one, one_cpu = _median(runs)
    one_range = (min(r.wall for r in runs), max(r.wall for r in runs))
    runs = []
    for n in range(REPEAT):
        episode.write_text(text.replace(". ", f", as told ({n}). ", 1), "utf-8")
        runs.append(_cli(folder, env, *build, "7"))
    one_only, one_only_cpu = _median(runs)
    return {
        "speed": python_speed(),
        "words": words,
        "cold": cold,
        "cold_cpu": cold_cpu,
        "cold_kernel": cold_kernel,
        "rate": words / cold,
        "rate_cpu": words / cold_cpu,
        "files": files,
        "floor": floor,
        "in_memory": in_memory,
        "in_memory_cpu": in_memory_cpu,
        "in_memory_kernel": in_memory_kernel,
        "unchanged": unchanged,
        "unchanged_cpu": unchanged_cpu,
        "one_changed": one,
        "one_changed_cpu": one_cpu,
        "one_changed_min": one_range[0],
        "one_changed_max": one_range[1],
        "one_named": one_only,
        "one_named_cpu": one_only_cpu,
    }


def report(figures: dict[str, float]) -> list[str]:
    cold = figures["cold"]
    lines = [
        f"real-prose catalogue: {EPISODES} episodes, {figures['words']:,.0f} words, no audio, "
        f"one process through the CLI: {cold:.2f} s ({figures['cold_cpu']:.2f} s CPU, "
        f"{figures['cold_kernel']:.2f} s of it in the kernel): "
        f"{figures['rate']:,.0f} words a second ({figures['rate_cpu']:,.0f} per CPU second; "
        "target 60,000, goal 200,000)",
        f"  the file system alone (the same {figures['files']:,.0f} files written by a plain "
        f"loop, same disk): {figures['floor']:.2f} s",
    ]
    if figures["in_memory"]:
        lines.append(
            f"  the same build in a folder in memory (tmpfs): {figures['in_memory']:.2f} s "
            f"({figures['in_memory_cpu']:.2f} s CPU, {figures['in_memory_kernel']:.2f} s of it "
            "in the kernel): "
            f"{figures['words'] / figures['in_memory']:,.0f} words a second"
        )
    return [
        *lines,
        f"  this machine's speed: {figures['speed']:.2f} s for a fixed piece of plain Python "
        "work (the README's figures say what it was where they were measured)",
        f"  nothing changed: {figures['unchanged']:.2f} s ({figures['unchanged_cpu']:.2f} s "
        f"CPU), {figures['unchanged'] / cold:.3f} of the cold build (target <= 0.1)",
        f"  one episode changed, `toolkit build`: {figures['one_changed']:.2f} s "
        f"({figures['one_changed_cpu']:.2f} s CPU; {figures['one_changed_min']:.2f} to "
        f"{figures['one_changed_max']:.2f} s), {figures['one_changed'] / cold:.3f} of the "
        "cold build (target <= 0.1)",
        f"  one episode changed, `toolkit build 7`: {figures['one_named']:.2f} s "
        f"({figures['one_named_cpu']:.2f} s CPU), {figures['one_named'] / cold:.3f} of the "
        "cold build",
    ]


def main() -> None:
    with tempfile.TemporaryDirectory() as name:
        for line in report(bench_real_catalogue(Path(name))):
            print(line)


if __name__ == "__main__":
    main()
