"""`make bench`: the speed figures the issues ask for (a benchmark, not a test).

1. A back catalogue of real prose (tests/bench_catalogue.py): 200 episodes built without
   audio through the CLI, one process; then with nothing changed and with one changed
   episode. Beside it, labelled as such, a generated catalogue of dictionary words built in
   this one process (what this figure used to be).
2. A no-audio build of the samples through the CLI, start-up included (target: < 1 s).
3. What normalization (speakable text) adds to a no-audio build (target: < 20%).
4. A cold build of the samples with audio against a floor: the same libespeak-ng speaking
   the whole narration in one call plus one ffmpeg MP3 encode of it (target: <= 1.5x),
   and the cost of a rebuild after a one-sentence edit.
5. How close the estimate lands to the real audio length, per sample episode (target: 5%).
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import use_espeak

REPO = Path(__file__).resolve().parent.parent

VOCABULARY = (
    "the a of and in to was his her that with as for on by at from it had were which "
    "ship harbour storm lamp keeper island night morning letters government treaty emperor "
    "soldiers village river bridge winter summer merchants cathedral fortress archive "
    "expedition mountain canal railway engineer chronicle parliament rebellion famine "
    "Morrow Lisbon Vienna Bazalgette Tambora Peruggia Florence Sumbawa London Paris "
    "nevertheless approximately extraordinary circumstances remembered afterwards quietly "
    "1815 1858 1911 3 March 112 $40 Dr. St. U.S. £3 million 21st"
).split()


def generated_article(rng: random.Random, number: int) -> str:
    parts = [f"---\ntitle: Generated Story {number}\nnumber: {number}\n---\n"]
    for section in range(rng.randint(4, 7)):
        if section:
            parts.append(f"## Part {section} of the Story\n")
        if rng.random() < 0.4:
            parts.append("![A photograph of the harbour in 1911]()\n")
        for _ in range(rng.randint(2, 4)):
            sentences = []
            for _ in range(rng.randint(2, 6)):
                words = [rng.choice(VOCABULARY) for _ in range(rng.randint(6, 28))]
                sentence = " ".join(words)
                sentences.append(sentence[0].upper() + sentence[1:] + rng.choice(".!?."))
            parts.append(" ".join(sentences) + "\n")
    return "\n".join(parts)


def make_catalogue(folder: Path, count: int) -> None:
    from toolkit.scaffold import init_channel

    init_channel(folder)
    rng = random.Random(1815)
    for n in range(1, count + 1):
        text = generated_article(rng, n)
        (folder / "episodes" / f"{n:03d}-generated-story-{n}.md").write_text(text)


def timed(action: Callable[[], object], repeat: int = 1) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    return best


def bench_catalogue(tmp: Path) -> tuple[float, int, float]:
    from toolkit.build import BuildOptions, build_episode, episode_files

    folder = tmp / "catalogue"
    make_catalogue(folder, 200)
    paths = episode_files(folder)
    words = 0

    def build_all() -> None:
        nonlocal words
        words = 0
        for path in paths:
            result = build_episode(folder, path, BuildOptions(audio=False))
            words += sum(s.words for s in result.timeline.segments)

    seconds = timed(build_all, repeat=2)
    return words / seconds, words, seconds


def bench_normalization(tmp: Path) -> tuple[float, float]:
    """The no-audio catalogue build with the real normalizer against a plain tokenizer."""
    import toolkit.text.assemble as assemble
    from toolkit.build import BuildOptions, build_episode, episode_files
    from toolkit.text.speak import Token

    folder = tmp / "catalogue"
    paths = episode_files(folder)[:60]

    def build_all() -> None:
        for path in paths:
            build_episode(folder, path, BuildOptions(audio=False))

    real = timed(build_all, repeat=3)

    def plain(text: str, lexicon: object = None) -> tuple[tuple[Token, ...], tuple[Token, ...]]:
        return tuple(Token(w, w) for w in text.split()), ()  # (tokens, guessed)

    patch = pytest.MonkeyPatch()
    patch.setattr(assemble, "speak_checked", plain)
    try:
        bare = timed(build_all, repeat=3)
    finally:
        patch.undo()
    return real, bare


def copy_samples(tmp: Path, name: str) -> Path:
    folder = tmp / name
    shutil.copytree(REPO / "episodes", folder / "episodes")
    shutil.copytree(REPO / "voices", folder / "voices")
    (folder / "build").mkdir()
    # The samples speak with the natural voice; these figures are the espeak voice's
    # (tests/bench_natural.py measures the natural one).
    return use_espeak(folder)


def cli(folder: Path, *args: str) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "toolkit", "-C", str(folder), *args],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def bench_audio(tmp: Path) -> dict[str, float]:
    from toolkit.audio.espeak import EspeakEngine
    from toolkit.audio.ffmpeg import run_ffmpeg
    from toolkit.voice import load_voice

    folder = copy_samples(tmp, "audio")
    cold = cli(folder, "build")
    # The floor: one espeak call for all the narration text, one plain MP3 encode.
    text = " ".join(
        (folder / "build" / d.name / "narration.txt").read_text()
        for d in sorted((folder / "build").iterdir())
        if d.is_dir() and not d.name.startswith(".")
    )
    voice = load_voice("default", folder)

    def floor(quality: list[str]) -> Callable[[], None]:
        def run() -> None:
            speech = EspeakEngine(voice).synthesize(" ".join(text.split()))
            run_ffmpeg(
                ["-loglevel", "error", "-f", "s16le", "-ar", str(voice.sample_rate), "-ac", "1",
                 "-i", "pipe:0", "-ar", "44100", "-c:a", "libmp3lame", "-b:a", "96k", *quality,
                 "-f", "mp3", "-y", str(tmp / "floor.mp3")],
                input=speech.pcm,
            )  # fmt: skip

        return run

    floor_s = timed(floor([]))
    # The build encodes at LAME quality 7 (see toolkit/mp3.py): the same floor at it too.
    floor_q7_s = timed(floor(["-compression_level", "7"]))
    # Rebuild after a one-sentence edit.
    episode = sorted((folder / "episodes").glob("0*.md"))[0]
    text_now = episode.read_text()
    body_start = text_now.index("\n---\n") + 5
    first_stop = text_now.index(". ", body_start)
    episode.write_text(text_now[:first_stop] + " indeed" + text_now[first_stop:])
    rebuild = cli(folder, "build", episode.stem.split("-", 1)[1])
    unchanged = cli(folder, "build")
    return {
        "cold": cold,
        "floor": floor_s,
        "floor_q7": floor_q7_s,
        "rebuild_one_edit": rebuild,
        "rebuild_all": unchanged,
    }


def estimate_accuracy(tmp: Path) -> list[tuple[str, int, int]]:
    return estimate_rows(tmp / "audio")


def estimate_rows(folder: Path) -> list[tuple[str, int, int]]:
    """Per episode of a channel built with audio: slug, estimated and measured length (ms)."""
    from toolkit.build import episode_files, plan_episode
    from toolkit.channel import load_channel
    from toolkit.text.article import load_article

    channel = load_channel(folder)
    rows = []
    for path in episode_files(folder):
        plan = plan_episode(folder, load_article(path), channel)
        timing = json.loads((folder / "build" / plan.episode.slug / "timing.json").read_text())
        rows.append((plan.episode.slug, plan.timeline.total_ms, timing["total_ms"]))
    return rows


def bench_import(tmp: Path) -> float:
    """A WordPress export of 500 posts through the CLI (issue: "finishes in seconds")."""
    from tests.test_import_wxr import _big_export
    from toolkit.scaffold import init_channel

    folder = tmp / "wxr"
    init_channel(folder)
    source = tmp / "export.xml"
    source.write_text(_big_export(500), encoding="utf-8")
    return cli(folder, "import", str(source))


def bench_preview(tmp: Path) -> float:
    """One segment previewed with nothing cached (issue: "in about a second")."""
    folder = copy_samples(tmp, "preview")
    return cli(folder, "preview", "1", "--segment", "3")


def main() -> None:
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        from tests import bench_catalogue as real_prose

        for line in real_prose.report(real_prose.bench_real_catalogue(tmp)):
            print(line)
        rate, words, seconds = bench_catalogue(tmp)
        print(
            f"  beside it, generated dictionary words (not prose), build_episode in this "
            f"process: 200 articles, {words} words in {seconds:.2f} s: {rate:,.0f} words a second"
        )
        real, bare = bench_normalization(tmp)
        print(
            f"normalization: adds {100 * (real - bare) / bare:.1f}% to a no-audio build "
            f"({real:.2f} s against {bare:.2f} s; target < 20%)"
        )
        samples = copy_samples(tmp, "samples")
        cli(samples, "build", "--no-audio")  # warm the file cache
        startup = min(cli(samples, "build", "--no-audio") for _ in range(3))
        print(f"samples, no audio, through the CLI: {startup:.2f} s (target < 1 s)")
        audio = bench_audio(tmp)
        ratio = audio["cold"] / audio["floor"]
        print(
            f"samples with audio, cold: {audio['cold']:.2f} s; floor (one espeak call + one "
            f"MP3 encode): {audio['floor']:.2f} s; ratio {ratio:.2f} (target <= 1.5)"
        )
        ratio_q7 = audio["cold"] / audio["floor_q7"]
        print(
            f"  the same floor at the build's LAME quality 7: {audio['floor_q7']:.2f} s; "
            f"ratio {ratio_q7:.2f}"
        )
        print(
            f"rebuild after a one-sentence edit: {audio['rebuild_one_edit']:.2f} s; "
            f"rebuild of everything unchanged: {audio['rebuild_all']:.2f} s"
        )
        print(
            f"preview of one segment, nothing cached, CLI start-up included: "
            f"{bench_preview(tmp):.2f} s (target: about a second)"
        )
        print(
            f"import of a 500-post WordPress export through the CLI: "
            f"{bench_import(tmp):.2f} s (target: seconds)"
        )
        for slug, estimated, measured in estimate_accuracy(tmp):
            off = 100 * (estimated - measured) / measured
            print(
                f"estimate {slug}: {estimated / 1000:.1f} s against {measured / 1000:.1f} s "
                f"of audio ({off:+.1f}%; target within 5%)"
            )
        from tests.bench_natural import bench_natural, report

        report(bench_natural(tmp))
    from tests import bench_handoff

    bench_handoff.main()
    from tests import bench_publish

    bench_publish.main()
    from tests import bench_align

    bench_align.main()


if __name__ == "__main__":
    main()
