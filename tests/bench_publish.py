"""`make bench`: what publishing costs.

1. `toolkit video` on a sample episode (espeak draft audio, about eight minutes): render
   time as a fraction of the episode's length (target: at most 0.5x on 2 cores), with the
   CPU time ffmpeg used.
2. What the publishing files (description, show notes, transcript) and the feed add to a
   cold no-audio build of the samples through the CLI (target: under 5%): in seconds, and
   where valgrind is installed in instructions, which the machine's load does not change
   (the seconds of a build this short vary by more than 5% from run to run here).
"""

from __future__ import annotations

import resource
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.bench_handoff import (
    compare_builds,
    compare_instructions,
    instructions_line,
    run_from_scratch,
)

REPO = Path(__file__).resolve().parent.parent
FEED = '\n[feed]\nbase_url = "https://podcast.example.org/"\n'

# A build with the publishing files and the feed switched off, for comparison.
_WITHOUT = (
    "import sys, toolkit.publish.kit as k, toolkit.publish.feed as f; "
    "k.compose_publish_files = lambda *a: ({}, []); f.write_feed = lambda *a: None; "
    "from toolkit.cli import main; sys.argv = ['toolkit', *sys.argv[1:]]; main()"
)
_WITH = "import sys; from toolkit.cli import main; sys.argv = ['toolkit', *sys.argv[1:]]; main()"


def _copy_samples(tmp: Path, name: str) -> Path:
    folder = tmp / name
    shutil.copytree(REPO / "episodes", folder / "episodes")
    shutil.copytree(REPO / "voices", folder / "voices")
    (folder / "build").mkdir()
    path = folder / "episodes" / "channel.toml"
    text = path.read_text(encoding="utf-8").replace('voice = "natural"', 'voice = "default"', 1)
    path.write_text(text + FEED, encoding="utf-8")
    for episode in sorted((folder / "episodes").glob("0*.md")):
        body = episode.read_text(encoding="utf-8")
        number = int(episode.name[:3])
        episode.write_text(
            body.replace("\n---\n", f"\ndate: 2026-0{number}-01\n---\n", 1), encoding="utf-8"
        )
    return folder


def bench_publish_files(tmp: Path, repeat: int = 5) -> dict[str, Any]:
    folder = _copy_samples(tmp, "notes")
    run_from_scratch(_WITH, folder, "build", "--no-audio")  # warm the file cache
    with_s, without_s = compare_builds(
        _WITH, _WITHOUT, folder, "build", "--no-audio", repeat=repeat
    )
    counts = compare_instructions(_WITH, _WITHOUT, folder, "build", "--no-audio")
    return {"with": with_s, "without": without_s, "instructions": counts}


def bench_video(tmp: Path) -> dict[str, float]:
    from toolkit.build import BuildOptions, build_episode, episode_files
    from toolkit.channel import load_channel
    from toolkit.publish.video import render_video

    folder = _copy_samples(tmp, "video")
    path = episode_files(folder)[0]
    slug = build_episode(folder, path, BuildOptions(audio=True)).slug
    channel = load_channel(folder)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = render_video(folder, slug, channel)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {
        "wall": wall,
        "cpu": cpu,
        "duration": result.duration_ms / 1000,
        "megabytes": result.path.stat().st_size / 1e6,
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        files = bench_publish_files(tmp)
        added = 100 * (files["with"] - files["without"]) / files["without"]
        print(
            f"publish: description, show notes, transcript and feed add {added:.1f}% to a "
            f"no-audio build of the samples ({files['with']:.2f} s against "
            f"{files['without']:.2f} s; target < 5%)"
        )
        print(f"  the same builds in {instructions_line(files['instructions'])}")
        v = bench_video(tmp)
        print(
            f"video: {v['duration']:.0f} s episode rendered in {v['wall']:.1f} s = "
            f"{v['wall'] / v['duration']:.2f}x its length (target <= 0.5x on 2 cores); "
            f"ffmpeg CPU {v['cpu']:.1f} s ({v['cpu'] / v['duration']:.2f}x); "
            f"{v['megabytes']:.1f} MB"
        )


if __name__ == "__main__":
    main()
