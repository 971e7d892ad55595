"""`make bench`: what the hand-off adds to a build (markers, labels, shot list; music bed).

1. A cold no-audio build of the samples through the CLI (a fresh process each time, so
   importing OpenTimelineIO is counted) with the hand-off files against the same build
   with them switched off (target: under 5%), in seconds and, where valgrind is installed,
   in instructions (which the machine's load does not change); the same in one warm
   process; the composition alone; and the import on its own.
2. The music bed's cost on an audio build: the mix alone (decoding the theme included) on
   one sample's real narration (espeak voice), against that narration's MP3 encode.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parent.parent

# A build whose hand-off files are switched off, for comparison (the run is otherwise
# the CLI's own).
_WITHOUT = (
    "import sys, toolkit.build as b; b.compose_handoff_files = lambda *a: {}; "
    "from toolkit.cli import main; sys.argv = ['toolkit', *sys.argv[1:]]; main()"
)
_WITH = "import sys; from toolkit.cli import main; sys.argv = ['toolkit', *sys.argv[1:]]; main()"


def _copy_samples(tmp: Path, name: str, voice: str | None = None) -> Path:
    folder = tmp / name
    shutil.copytree(REPO / "episodes", folder / "episodes")
    shutil.copytree(REPO / "voices", folder / "voices")
    (folder / "build").mkdir()
    if voice:
        path = folder / "episodes" / "channel.toml"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace('voice = "natural"', f'voice = "{voice}"', 1), "utf-8")
    return folder


def run_from_scratch(code: str, folder: Path, *args: str) -> float:
    """Seconds for `code` (a CLI entry point) run as `toolkit -C folder ARGS`, build/ emptied."""
    shutil.rmtree(folder / "build")
    (folder / "build").mkdir()
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", code, "-C", str(folder), *args],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def compare_builds(
    with_code: str, without_code: str, folder: Path, *args: str, repeat: int
) -> tuple[float, float]:
    """Best of `repeat` runs of each, interleaved: the machine's load varies."""
    with_s, without_s = float("inf"), float("inf")
    for _ in range(repeat):
        with_s = min(with_s, run_from_scratch(with_code, folder, *args))
        without_s = min(without_s, run_from_scratch(without_code, folder, *args))
    return with_s, without_s


def count_instructions(code: str, folder: Path, *args: str) -> int | None:
    """Instructions the CPU runs for `code` run as in `run_from_scratch`, counted by valgrind
    (cachegrind, no cache simulation); None where valgrind is not installed.

    A count does not depend on what else the machine is doing, unlike seconds: on a shared
    machine two runs of the same build differ by 10 to 30% in wall and CPU time, more than
    the few percent these comparisons look for, while two counts of it differ by well
    under 0.1% (a fixed hash seed, so sets and dictionaries iterate alike)."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        return None
    shutil.rmtree(folder / "build")
    (folder / "build").mkdir()
    done = subprocess.run(
        [
            valgrind,
            "--tool=cachegrind",
            "--cache-sim=no",
            "--cachegrind-out-file=/dev/null",
            sys.executable,
            "-c",
            code,
            "-C",
            str(folder),
            *args,
        ],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    found = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
    if found is None:
        raise RuntimeError(f"valgrind printed no instruction count: {done.stderr[-300:]}")
    return int(found.group(1).replace(",", ""))


def compare_instructions(
    with_code: str, without_code: str, folder: Path, *args: str
) -> tuple[int, int] | None:
    """count_instructions of each (one run each: counts repeat), or None without valgrind.
    Run after the build has run once, so both find the compiled templates in the cache."""
    with_count = count_instructions(with_code, folder, *args)
    without_count = count_instructions(without_code, folder, *args)
    if with_count is None or without_count is None:
        return None
    return with_count, without_count


def instructions_line(counts: tuple[int, int] | None) -> str:
    """How a comparison of instruction counts is printed."""
    if counts is None:
        return "instructions: not counted (valgrind is not installed)"
    with_count, without_count = counts
    added = 100 * (with_count - without_count) / without_count
    return (
        f"instructions (valgrind, independent of the machine's load): "
        f"{with_count / 1e9:.3f} G against {without_count / 1e9:.3f} G ({added:+.1f}%)"
    )


def bench_handoff_files(tmp: Path, repeat: int = 5) -> dict[str, Any]:
    from toolkit.build import episode_files, plan_episode
    from toolkit.channel import load_channel
    from toolkit.handoff.kit import compose_handoff_files
    from toolkit.text.article import load_article

    folder = _copy_samples(tmp, "handoff")
    run_from_scratch(_WITH, folder, "build", "--no-audio")  # warm the file cache
    with_s, without_s = compare_builds(
        _WITH, _WITHOUT, folder, "build", "--no-audio", repeat=repeat
    )
    counts = compare_instructions(_WITH, _WITHOUT, folder, "build", "--no-audio")
    import pytest

    import toolkit.build
    from toolkit.build import BuildOptions, build_episode

    def build_all() -> float:
        start = time.perf_counter()
        for path in episode_files(folder):
            build_episode(folder, path, BuildOptions())
        return time.perf_counter() - start

    build_all()  # warm: every import done
    in_with, in_without = float("inf"), float("inf")
    patch = pytest.MonkeyPatch()
    for _ in range(repeat):
        in_with = min(in_with, build_all())
        patch.setattr(toolkit.build, "compose_handoff_files", lambda *a: {})
        in_without = min(in_without, build_all())
        patch.undo()
    channel = load_channel(folder)
    plans = [plan_episode(folder, load_article(p), channel) for p in episode_files(folder)]
    compose_handoff_files(plans[0].episode, plans[0].cues, plans[0].timeline, channel.video)
    start = time.perf_counter()
    for plan in plans:
        compose_handoff_files(plan.episode, plan.cues, plan.timeline, channel.video)
    compose_s = time.perf_counter() - start
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", "import otio_cmx3600_adapter.cmx_3600, otio_fcpx_xml_adapter"],
        check=True,
    )
    otio_s = time.perf_counter() - start
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    python_s = time.perf_counter() - start
    return {
        "with": with_s,
        "without": without_s,
        "in_with": in_with,
        "in_without": in_without,
        "compose": compose_s,
        "import_otio": otio_s - python_s,
        "instructions": counts,
    }


def bench_handoff_audio(tmp: Path, repeat: int = 2) -> dict[str, float]:
    """A cold build with audio (the default build; espeak voice, empty speech cache) with
    and without the hand-off files, through the CLI."""
    folder = _copy_samples(tmp, "handoff-audio", voice="default")
    with_s, without_s = compare_builds(_WITH, _WITHOUT, folder, "build", repeat=repeat)
    return {"with": with_s, "without": without_s}


def _write_theme(path: Path) -> None:
    t = np.arange(20 * 44100) / 44100
    tone = (np.sin(2 * np.pi * 220.0 * t) + np.sin(2 * np.pi * 329.63 * t)) / 2
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(44100)
        out.writeframes((0.4 * tone * 32767).astype("<i2").tobytes())


def bench_music(tmp: Path, repeat: int = 3) -> dict[str, float]:
    """The mix alone on a sample's real narration, against the MP3 encode it precedes."""
    from dataclasses import replace

    from toolkit.audio.cache import SpeechCache
    from toolkit.audio.mp3 import Tags, encode_mp3
    from toolkit.audio.music import mix_music
    from toolkit.audio.narrate import CACHE_DIR, join_audio, synthesize_all
    from toolkit.build import episode_files, plan_episode
    from toolkit.channel import load_channel
    from toolkit.text.article import load_article
    from toolkit.timing.timeline import lay_out

    folder = _copy_samples(tmp, "music", voice="default")
    channel = load_channel(folder)
    plan = plan_episode(folder, load_article(episode_files(folder)[0]), channel)
    texts = [s.spoken for s in plan.episode.sentences]
    speeches = synthesize_all(texts, plan.voice, SpeechCache(folder / CACHE_DIR)).speeches
    pcm, speech = join_audio(plan.episode, speeches, plan.voice)
    timeline = lay_out(plan.episode, plan.cues, speech, channel.rules)
    spoken = [(s.start_ms, s.end_ms) for s in speech.sentences]
    _write_theme(folder / "theme.wav")
    music = replace(channel.music, intro="theme.wav", outro="theme.wav")
    rate = plan.voice.sample_rate
    mix_s = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        mix_music(pcm, rate, timeline, spoken, music, folder, channel.source)
        mix_s = min(mix_s, time.perf_counter() - start)
    start = time.perf_counter()
    encode_mp3(pcm, rate, tmp / "draft.mp3", Tags("t", "a", "a", 1), [])
    encode_s = time.perf_counter() - start
    return {"mix": mix_s, "encode": encode_s, "audio_s": len(pcm) / 2 / rate}


def main() -> None:
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        files = bench_handoff_files(tmp)
        added = 100 * (files["with"] - files["without"]) / files["without"]
        print(
            f"hand-off files (markers, labels, shot list): cold no-audio build of the samples "
            f"{files['with']:.2f} s against {files['without']:.2f} s without ({added:+.1f}%; "
            f"target < 5%); composing them for 3 episodes, warm: "
            f"{1000 * files['compose']:.0f} ms; importing OpenTimelineIO and its adapters: "
            f"{1000 * files['import_otio']:.0f} ms a process"
        )
        added = 100 * (files["in_with"] - files["in_without"]) / files["in_without"]
        print(
            f"  the same builds in one warm process: {files['in_with']:.2f} s against "
            f"{files['in_without']:.2f} s ({added:+.1f}%)"
        )
        print(f"  the cold CLI builds in {instructions_line(files['instructions'])}")
        cold = bench_handoff_audio(tmp)
        added = 100 * (cold["with"] - cold["without"]) / cold["without"]
        print(
            f"  a cold build with audio (espeak, nothing cached): {cold['with']:.2f} s against "
            f"{cold['without']:.2f} s without ({added:+.1f}%; target < 5%)"
        )
        music = bench_music(tmp)
        print(
            f"music bed: mixing a theme under the intro and outro of one sample "
            f"({music['audio_s'] / 60:.1f} min of narration): {music['mix']:.2f} s, against "
            f"{music['encode']:.2f} s for its MP3 encode "
            f"(+{100 * music['mix'] / music['encode']:.0f}% of the encode)"
        )


if __name__ == "__main__":
    main()
