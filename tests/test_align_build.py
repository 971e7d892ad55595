"""`toolkit align` and `toolkit build` with a recording named in the front matter: the kit
follows the recording, the alignment is cached, bad recordings are one-line errors that
leave the kit alone, and the front matter is edited by one line only."""

from __future__ import annotations

import json
import wave
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.align_fixtures import perform, performer, write_channel
from toolkit.align.decode import ANALYSIS_RATE, decode_recording
from toolkit.align.frontmatter import set_recording
from toolkit.audio.ffmpeg import measure_loudness, read_chapters, run_ffmpeg
from toolkit.build import plan_episode
from toolkit.channel import load_channel
from toolkit.cli import cli
from toolkit.errors import InputError
from toolkit.text.article import load_article

SLUG = "the-lamp"


def write_wav(path: Path, pcm: bytes, rate: int, channels: int = 1) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm)
    return path


def convert(source: Path, target: Path, *args: str) -> Path:
    run_ffmpeg(["-loglevel", "error", "-y", "-i", str(source), *args, str(target)])
    return target


def run(folder: Path, *args: str) -> Any:
    result = CliRunner(mix_stderr=False).invoke(cli, ["-C", str(folder), *args])
    return result


@pytest.fixture(scope="module")
def aligned_channel(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any, bytes]:
    """A channel whose episode 7 was aligned (`toolkit align`) with a recording that
    leaves a sentence out and adds one; the CLI result and the episode's bytes before."""
    folder = tmp_path_factory.mktemp("kit") / "channel"
    episode_file = write_channel(folder)
    before = episode_file.read_bytes()
    plan = plan_episode(folder, load_article(episode_file), load_channel(folder))
    performance = perform(plan.episode, performer(), seed=5, drop=[9], add_after=12)
    write_wav(folder / "recordings" / "007.wav", performance.pcm, performance.rate)
    result = run(folder, "align", "7", str(folder / "recordings" / "007.wav"))
    return folder, result, before


def test_align_writes_one_front_matter_line_and_builds_on_the_recording(
    aligned_channel: tuple[Path, Any, bytes],
) -> None:
    folder, result, before = aligned_channel
    assert result.exit_code == 0, result.stderr
    after = (folder / "episodes" / "007-the-lamp.md").read_bytes()
    assert after == before.replace(b"number: 7\n", b"number: 7\nrecording: recordings/007.wav\n")
    kit = folder / "build" / SLUG
    timing = json.loads((kit / "timing.json").read_text(encoding="utf-8"))
    assert timing["timing_source"] == "recording"
    assert timing["recording"]["file"] == "recordings/007.wav"
    assert len(timing["recording"]["sha256"]) == 64
    assert 85_000 < timing["recording"]["duration_ms"] < 100_000
    assert all(0.0 <= c["confidence"] <= 1.0 for c in timing["cues"])
    assert [m["kind"] for m in timing["mismatches"]] == ["unrecorded", "unscripted"]
    assert timing["mismatches"][0]["line"] > 0
    assert (kit / "episode.mp3").is_file() and not (kit / "narration.mp3").exists()
    page = (kit / "index.html").read_text(encoding="utf-8")
    assert 'src="episode.mp3"' in page and 'id="mismatches"' in page
    assert "aligned to your recording" in page


def test_mismatches_are_reported_as_lines_to_act_on(
    aligned_channel: tuple[Path, Any, bytes],
) -> None:
    folder, result, _ = aligned_channel
    timing = json.loads((folder / "build" / SLUG / "timing.json").read_text(encoding="utf-8"))
    missing = timing["mismatches"][0]
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert (
        f"warning: {SLUG}: episodes/007-the-lamp.md:{missing['line']}: not found in the "
        f'recording: "{missing["text"]}"' in warnings
    )
    assert any(
        line.startswith(f"warning: {SLUG}: recording 0:5")
        and line.endswith(": speech that is not in the script (a retake?)")
        for line in warnings
    )


def test_episode_mp3_is_the_recording_at_podcast_loudness_with_its_chapters(
    aligned_channel: tuple[Path, Any, bytes],
) -> None:
    folder, _, _ = aligned_channel
    kit = folder / "build" / SLUG
    loudness = measure_loudness(kit / "episode.mp3")
    assert abs(loudness.integrated_lufs + 16.0) <= 1.0
    assert loudness.true_peak_dbtp <= -1.0
    timing = json.loads((kit / "timing.json").read_text(encoding="utf-8"))
    starts = [c[0] for c in read_chapters(kit / "episode.mp3")]
    assert starts == [0] + [s["start_ms"] for s in timing["segments"][1:]]
    chapters = json.loads((kit / "chapters.json").read_text(encoding="utf-8"))
    assert chapters["fileName"] == "episode.mp3"


def test_a_rebuild_with_nothing_changed_does_no_alignment_work(
    aligned_channel: tuple[Path, Any, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, _, _ = aligned_channel
    kit = folder / "build" / SLUG
    timing = (kit / "timing.json").read_bytes()

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("aligned again")

    monkeypatch.setattr("toolkit.align.follow.align_recording", refuse)
    result = run(folder, "build", "--force", "7")
    assert result.exit_code == 0, result.stderr
    assert "alignment from cache" in result.stdout
    assert (kit / "timing.json").read_bytes() == timing


def kit_bytes(kit: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(kit.iterdir())}


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("missing", "not found"),
        ("not audio", "cannot be decoded"),
        ("truncated", "cut short"),
        ("truncated mp3", "cut short"),
        ("silent", "is silent"),
        ("too short", "far shorter than the script"),
    ],
)
def test_a_bad_recording_is_one_line_and_the_kit_stays(
    aligned_channel: tuple[Path, Any, bytes], tmp_path: Path, damage: str, message: str
) -> None:
    folder, _, _ = aligned_channel
    kit = folder / "build" / SLUG
    before = kit_bytes(kit)
    good = folder / "recordings" / "007.wav"
    bad = tmp_path / "bad.wav"
    if damage == "not audio":
        bad.write_text("these are notes, not a recording\n", encoding="utf-8")
    elif damage == "truncated":
        bad.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    elif damage == "truncated mp3":
        whole = convert(good, tmp_path / "whole.mp3", "-b:a", "64k")
        bad = tmp_path / "bad.mp3"
        bad.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    elif damage == "silent":
        write_wav(bad, bytes(2 * 16000 * 90), 16000)
    elif damage == "too short":
        with wave.open(str(good)) as source:
            pcm = source.readframes(16000 * 8)
        write_wav(bad, pcm, 16000)
    if damage == "missing":
        episode = folder / "episodes" / "007-the-lamp.md"
        text = episode.read_text(encoding="utf-8")
        episode.write_text(set_recording(text, str(bad)), encoding="utf-8")
        try:
            result = run(folder, "build", "7")
        finally:
            episode.write_text(text, encoding="utf-8")
    else:
        result = run(folder, "align", "7", str(bad))
        episode = folder / "episodes" / "007-the-lamp.md"
        episode.write_text(
            set_recording(episode.read_text(encoding="utf-8"), "recordings/007.wav"),
            encoding="utf-8",
        )
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and message in errors[0], result.stderr
    assert "episodes/007-the-lamp.md:" in errors[0]
    assert kit_bytes(kit) == before


def test_any_format_stereo_and_low_rates_decode(
    aligned_channel: tuple[Path, Any, bytes], tmp_path: Path
) -> None:
    folder, _, _ = aligned_channel
    good = folder / "recordings" / "007.wav"
    reference = np.frombuffer(decode_recording(good, ANALYSIS_RATE), dtype="<i2")
    variants = [
        convert(good, tmp_path / "a.flac", "-ac", "2", "-ar", "44100"),
        convert(good, tmp_path / "a.mp3", "-ac", "2", "-ar", "48000", "-b:a", "96k"),
        convert(good, tmp_path / "a.m4a", "-c:a", "aac", "-b:a", "64k"),
        convert(good, tmp_path / "a.ogg", "-c:a", "libvorbis"),
        convert(good, tmp_path / "b.wav", "-ar", "8000"),
    ]
    for path in variants:
        samples = np.frombuffer(decode_recording(path, ANALYSIS_RATE), dtype="<i2")
        assert abs(samples.size - reference.size) <= ANALYSIS_RATE // 10, path.name


def test_a_stereo_8_khz_recording_aligns(aligned_channel: tuple[Path, Any, bytes]) -> None:
    folder, _, _ = aligned_channel
    low = convert(
        folder / "recordings" / "007.wav", folder / "recordings" / "007-phone.mp3",
        "-ac", "2", "-ar", "8000", "-b:a", "48k",
    )  # fmt: skip
    result = run(folder, "align", "7", str(low))
    assert result.exit_code == 0, result.stderr
    timing = json.loads((folder / "build" / SLUG / "timing.json").read_text(encoding="utf-8"))
    assert timing["recording"]["file"] == "recordings/007-phone.mp3"
    assert [m["kind"] for m in timing["mismatches"]] == ["unrecorded", "unscripted"]
    text = (folder / "episodes" / "007-the-lamp.md").read_text(encoding="utf-8")
    assert text.count("recording:") == 1


def test_the_recording_line_is_replaced_or_added_and_nothing_else_changes() -> None:
    crlf = "---\r\ntitle: A\r\nrecording: old.wav\r\nnumber: 2\r\n---\r\nBody.\r\n"
    assert set_recording(crlf, "new.wav") == crlf.replace("old.wav", "new.wav")
    folded = "---\ntitle: A\nrecording: >\n  old.wav\nnumber: 2\n---\nBody.\n"
    assert (
        set_recording(folded, "n.wav") == "---\ntitle: A\nrecording: n.wav\nnumber: 2\n---\nBody.\n"
    )
    bare = "---\ntitle: A\n---\nBody"
    assert set_recording(bare, "x.wav") == "---\ntitle: A\nrecording: x.wav\n---\nBody"
    assert set_recording("Body.\n", "x.wav") == "---\nrecording: x.wav\n---\nBody.\n"


@settings(deadline=None)
@given(
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1).filter(
        lambda s: s.strip() == s and s.strip() != ""
    )
)
def test_any_recording_name_reads_back(name: str) -> None:
    text = "---\ntitle: A Story\nnumber: 3\n---\nThe body stays.\n"
    updated = set_recording(text, name)
    front = updated.split("---\n")[1]
    assert yaml.safe_load(front) == {"title": "A Story", "number": 3, "recording": name}
    assert updated.endswith("---\nThe body stays.\n")


def test_a_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        decode_recording(tmp_path / "no-such-file.wav", ANALYSIS_RATE)


def test_the_page_lists_mismatches_and_marks_uncertain_cues(
    aligned_channel: tuple[Path, Any, bytes],
) -> None:
    from dataclasses import replace

    from toolkit.outputs.page import compose_page

    folder, _, _ = aligned_channel
    episode_file = folder / "episodes" / "007-the-lamp.md"
    channel = load_channel(folder)
    plan = plan_episode(folder, load_article(episode_file), channel)
    timeline = replace(plan.timeline, source="recording")
    line = "recording 0:57.6-1:02.0: speech that is not in the script (a retake?)"
    page = compose_page(
        plan.episode, timeline, channel, [], "episode.mp3", cues=plan.cues,
        recording={"mismatches": [line], "low_cues": [2]},
    )  # fmt: skip
    assert line in page
    assert 'class="cue low-confidence" id="cue-2"' in page
    assert 'class="cue" id="cue-1"' in page


def test_a_changed_recording_rebuilds_the_kit(aligned_channel: tuple[Path, Any, bytes]) -> None:
    folder, _, _ = aligned_channel
    original = (folder / "recordings" / "007.wav").read_bytes()
    copy = folder / "recordings" / "007-copy.wav"
    copy.write_bytes(original[:-2000] + bytes(2000))  # the last few milliseconds silent
    assert run(folder, "align", "7", str(copy)).exit_code == 0
    assert "up to date" in run(folder, "build", "7").stdout
    middle = len(original) // 2
    copy.write_bytes(original[:middle] + b"\x10" * 200 + original[middle + 200 :])  # a click
    result = run(folder, "build", "7")
    assert result.exit_code == 0, result.stderr
    assert "aligned with recordings/007-copy.wav" in result.stdout
