"""`make bench`: aligning a long recording (issue: at most 4x the offline voice speaking the
script plus one decode of the recording, peak memory at most 1 GB, growing linearly).

A generated script of plain prose is read by another espeak voice (other accent, rate and
pitch) with random pauses, written as a 16 kHz WAV; then, in a fresh process each (so the
peak memory is the alignment's own), for 15 and 60 minutes:
- the floor: the reference voice speaking the whole script (nothing cached) plus one
  decode of the recording;
- the aligner: decode, reference from the speech cache, features, warp, mismatches.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent

WORDS = (
    "the a of and in to was his her that with as for on by at from it had were which "
    "ship harbour storm lamp keeper island night morning letter treaty soldier village "
    "river bridge winter summer merchant cathedral fortress archive mountain canal "
    "railway engineer chronicle parliament famine garden window market road tower "
    "quietly slowly carefully afterwards never always again across under over beyond"
).split()


def generated_story(minutes: int, seed: int = 11) -> str:
    """About `minutes` of narration: sections of a dozen sentences of 8-20 words."""
    rng = random.Random(seed)
    words = minutes * 150  # at about 150 words a minute
    parts = ["---\ntitle: A Long Story\nnumber: 1\n---\n"]
    count = 0
    section = 0
    while count < words:
        if section:
            parts.append(f"## Part {section}\n")
        for _ in range(3):
            sentences = []
            for _ in range(4):
                n = rng.randint(8, 20)
                count += n
                text = " ".join(rng.choice(WORDS) for _ in range(n))
                sentences.append(text[0].upper() + text[1:] + ".")
            parts.append(" ".join(sentences) + "\n")
        section += 1
    return "\n".join(parts)


def make_recording(folder: Path, minutes: int) -> dict[str, Any]:
    """A channel with the generated episode and its reading as recordings/long.wav."""
    import wave

    from tests.align_fixtures import perform, performer, write_channel
    from toolkit.build import plan_episode
    from toolkit.channel import load_channel
    from toolkit.text.article import load_article

    path = write_channel(folder)
    path.write_text(generated_story(minutes), encoding="utf-8")
    plan = plan_episode(folder, load_article(path), load_channel(folder))
    performance = perform(plan.episode, performer(), seed=minutes)
    wav = folder / "recordings" / "long.wav"
    wav.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(wav), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(performance.rate)
        out.writeframes(performance.pcm)
    starts = {str(k): v for k, v in performance.starts.items()}
    (folder / "starts.json").write_text(json.dumps(starts), encoding="utf-8")
    return {"audio_ms": len(performance.pcm) * 500 // performance.rate}


def child(folder: Path, stage: str) -> dict[str, Any]:
    """Run in a fresh process: the floor ("floor") or the aligner ("align")."""
    import numpy as np

    from toolkit.align.decode import ANALYSIS_RATE, decode_recording
    from toolkit.align.recording import align_recording
    from toolkit.audio.cache import SpeechCache
    from toolkit.audio.narrate import synthesize_all
    from toolkit.build import plan_episode
    from toolkit.channel import load_channel
    from toolkit.text.article import load_article
    from toolkit.voice import load_voice

    path = folder / "episodes" / "007-the-lamp.md"
    episode = plan_episode(folder, load_article(path), load_channel(folder)).episode
    texts = [s.spoken for s in episode.sentences]
    voice = load_voice("default", None)
    wav = folder / "recordings" / "long.wav"
    out: dict[str, Any] = {}
    if stage == "floor":
        start = time.perf_counter()
        synthesize_all(texts, voice, SpeechCache(folder / "speech"))  # fills the cache
        out["speak"] = time.perf_counter() - start
        start = time.perf_counter()
        decode_recording(wav, ANALYSIS_RATE)
        out["decode"] = time.perf_counter() - start
    else:
        start = time.perf_counter()
        pcm = decode_recording(wav, ANALYSIS_RATE)
        speeches = synthesize_all(texts, voice, SpeechCache(folder / "speech")).speeches
        alignment = align_recording(episode, speeches, pcm, ANALYSIS_RATE)
        out["align"] = time.perf_counter() - start
        truth = json.loads((folder / "starts.json").read_text(encoding="utf-8"))
        errors = [
            abs(found.start_ms - truth[str(k)])
            for k, found in enumerate(alignment.sentences)
            if found is not None and str(k) in truth
        ]
        out["p95_ms"] = float(np.percentile(errors, 95))
        out["mismatches"] = len(alignment.mismatches)
    out["peak_mb"] = peak_mb()
    return out


def peak_mb() -> float:
    """This process's own peak resident memory in MB.

    From VmHWM where Linux has it: ru_maxrss also counts the parent's peak, since a child
    started by vfork and exec keeps the high-water mark of the memory it was started from
    (under `make bench`, the benchmark process that ran the voices before)."""
    try:
        with open("/proc/self/status", encoding="utf-8", errors="replace") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(folder: Path, stage: str) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, "-m", "tests.bench_align", "--child", str(folder), stage],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def bench_align(tmp: Path, lengths: tuple[int, ...] = (15, 60)) -> list[dict[str, Any]]:
    rows = []
    for minutes in lengths:
        folder = tmp / f"align-{minutes}"
        made = make_recording(folder, minutes)
        floor = run_child(folder, "floor")
        floor["floor_peak_mb"] = floor.pop("peak_mb")
        aligned = run_child(folder, "align")
        rows.append({"minutes": minutes, **made, **floor, **aligned})
    return rows


def report(rows: list[dict[str, Any]]) -> list[str]:
    lines = []
    for row in rows:
        audio_min = row["audio_ms"] / 60000
        floor = row["speak"] + row["decode"]
        lines.append(
            f"align {audio_min:.1f} min recording: {row['align']:.1f} s "
            f"({row['align'] / audio_min:.2f} s per audio minute), floor (espeak speaks the "
            f"script {row['speak']:.1f} s + one decode {row['decode']:.1f} s) {floor:.1f} s: "
            f"ratio {row['align'] / floor:.2f} (target <= 4); peak memory {row['peak_mb']:.0f} MB "
            f"(target <= 1024; the floor's process: {row['floor_peak_mb']:.0f} MB); "
            f"sentence starts p95 {row['p95_ms']:.0f} ms, "
            f"{row['mismatches']} mismatches reported"
        )
    if len(rows) >= 2:
        small, large = rows[0], rows[-1]
        scale = large["audio_ms"] / small["audio_ms"]
        lines.append(
            f"  growth {small['minutes']} -> {large['minutes']} min ({scale:.1f}x audio): "
            f"time {large['align'] / small['align']:.1f}x, "
            f"peak memory {large['peak_mb'] / small['peak_mb']:.1f}x"
        )
    return lines


def main() -> None:
    with tempfile.TemporaryDirectory() as name:
        for line in report(bench_align(Path(name))):
            print(line)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        print(json.dumps(child(Path(sys.argv[2]), sys.argv[3])))
    elif len(sys.argv) == 2 and sys.argv[1] == "--quick":
        with tempfile.TemporaryDirectory() as name:
            for line in report(bench_align(Path(name), (2, 6))):
                print(line)
    else:
        main()
