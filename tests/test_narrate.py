"""The narrated draft: cache, edits, loudness, chapters, sync with the voice, determinism.

Audio is checked with ffmpeg's own measurements (ebur128, silencedetect, ffmetadata) and
mutagen, on real builds with the offline voice.
"""

from __future__ import annotations

import itertools
import re
import shutil
import socket
import ssl  # noqa: F401  (before socket.socket is patched: ssl subclasses it)
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from mutagen.id3 import ID3

from tests.conftest import use_espeak
from toolkit.audio.cache import decode_entry, encode_entry
from toolkit.audio.engine import Speech, WordMark
from toolkit.audio.ffmpeg import ffmpeg_exe, measure_loudness, read_chapters, run_ffmpeg
from toolkit.cli import cli
from toolkit.errors import NetworkError

BODY = """Opening words come first. The keeper climbed the stairs, one at a time, every night.

## The Storm

The barometer fell faster than anyone could remember. Nobody slept that night.

![The lighthouse in a storm]()

By morning the boat was gone. The keeper wrote one word in the log: ice.

## Afterwards

The supply ship came back in April. It brought oil, letters and a new lamp for the tower.
"""


def build(folder: Path, *args: str) -> Any:
    result = CliRunner(mix_stderr=False).invoke(cli, ["-C", str(folder), "build", *args])
    return result


def synthesized(output: str) -> int:
    match = re.search(r"(\d+) synthesized, (\d+) from cache", output)
    assert match, output
    return int(match.group(1))


@pytest.fixture
def small_channel(channel_dir: Path, write_episode: Callable[..., Path]) -> Path:
    write_episode("001-keeper.md", BODY, title="The Keeper")
    return channel_dir


def test_offline_voice_never_opens_a_socket(
    small_channel: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a socket was opened")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    result = build(small_channel)
    assert result.exit_code == 0, result.output + result.stderr
    assert (small_channel / "build/keeper/narration.mp3").stat().st_size > 10_000


def test_cache_serves_unchanged_sentences_and_an_edit_resynthesizes_one(
    small_channel: Path,
) -> None:
    first = build(small_channel)
    assert first.exit_code == 0, first.stderr
    total = synthesized(first.output)
    assert total > 10
    again = build(small_channel, "--force")  # (without it the kit is up to date: no work)
    assert synthesized(again.output) == 0
    assert f"{total} from cache" in again.output or "from cache" in again.output
    episode = small_channel / "episodes/001-keeper.md"
    episode.write_text(episode.read_text().replace("Nobody slept", "Nobody at all slept"))
    edited = build(small_channel)
    assert synthesized(edited.output) == 1, edited.output


def test_damaged_cache_entry_is_discarded_and_made_again(small_channel: Path) -> None:
    assert build(small_channel).exit_code == 0
    entries = sorted((small_channel / "build/.cache").rglob("*.speech"))
    assert entries
    entries[0].write_bytes(entries[0].read_bytes()[:-100])  # truncated
    result = build(small_channel, "--force")
    assert result.exit_code == 0
    assert synthesized(result.output) == 1
    assert "damaged cache entry" in result.stderr


def test_cache_entry_round_trip_and_corruption() -> None:
    speech = Speech(b"\x01\x02" * 500, 22050, (WordMark(0, 3, 0), WordMark(4, 5, 120)))
    raw = encode_entry(speech)
    assert decode_entry(raw) == speech
    flipped = bytearray(raw)
    flipped[-1] ^= 0xFF
    assert decode_entry(bytes(flipped)) is None
    assert decode_entry(raw[:-1]) is None
    assert decode_entry(b"something else") is None


@pytest.fixture(scope="module")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One sample episode built with audio (shared by the measurements below)."""
    repo = Path(__file__).resolve().parent.parent
    folder = tmp_path_factory.mktemp("sample")
    shutil.copytree(repo / "episodes", folder / "episodes")
    shutil.copytree(repo / "voices", folder / "voices")
    use_espeak(folder)
    episodes = sorted((folder / "episodes").glob("0*.md"))
    for extra in episodes[1:]:
        extra.unlink()
    result = build(folder)
    assert result.exit_code == 0, result.stderr
    [kit] = [p for p in (folder / "build").iterdir() if p.is_dir() and p.name[0] != "."]
    return kit


def test_loudness_and_true_peak_measured_by_ffmpeg(sample_build: Path) -> None:
    loudness = measure_loudness(sample_build / "narration.mp3")
    assert abs(loudness.integrated_lufs - (-16.0)) <= 1.0
    assert loudness.true_peak_dbtp <= -1.0


def test_chapters_readable_by_ffmpeg_and_mutagen(sample_build: Path) -> None:
    import json

    timing = json.loads((sample_build / "timing.json").read_text())
    assert timing["timing_source"] == "audio"
    chapters = read_chapters(sample_build / "narration.mp3")
    assert [c[2] for c in chapters] == [s["title"] for s in timing["segments"]]
    starts = [c[0] for c in chapters]
    assert starts == sorted(starts) and starts[0] == 0
    for (start, _end, _title), seg in zip(chapters[1:], timing["segments"][1:], strict=True):
        assert abs(start - seg["start_ms"]) <= 1
    tags = ID3(sample_build / "narration.mp3")
    assert str(tags["TPE1"]) == "Footnotes of History"
    assert str(tags["TALB"]) == "Footnotes of History"
    assert str(tags["TIT2"]) == timing["episode"]["title"]
    assert str(tags["TRCK"]) == str(timing["episode"]["number"])
    toc = tags.getall("CTOC")[0]
    chap = {f.element_id: f for f in tags.getall("CHAP")}
    ordered = [chap[i].start_time for i in toc.child_element_ids]
    assert ordered == sorted(ordered)
    assert len(ordered) == len(timing["segments"])


def speech_onsets(path: Path) -> list[int]:
    """Where speech resumes after a silence, as ffmpeg's silencedetect finds it (ms)."""
    result = run_ffmpeg(
        ["-i", str(path), "-af", "silencedetect=noise=-45dB:d=0.2", "-f", "null", "-"]
    )
    text = result.stderr.decode("utf-8", "replace")
    return [round(float(m) * 1000) for m in re.findall(r"silence_end: ([0-9.]+)", text)]


def test_cues_start_with_the_voice(sample_build: Path) -> None:
    """Each cue that opens a sentence after a pause starts within one frame (40 ms) of the
    speech onset that silencedetect finds there."""
    import json

    timing = json.loads((sample_build / "timing.json").read_text())
    cues = timing["cues"]
    onsets = speech_onsets(sample_build / "narration.mp3")
    assert len(onsets) > 50
    checked = 0
    for prev, cue in itertools.pairwise(cues):
        if cue["start_ms"] - prev["end_ms"] < 250:
            continue  # no pause long enough for silencedetect before this cue
        nearest = min(onsets, key=lambda t: abs(t - cue["start_ms"]))
        assert abs(nearest - cue["start_ms"]) <= 40, (cue, nearest)
        checked += 1
    assert checked > 40


def test_two_builds_give_identical_bytes(small_channel: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    shutil.copytree(small_channel, other)
    assert build(small_channel).exit_code == 0
    assert build(other).exit_code == 0
    names = sorted(p.name for p in (small_channel / "build/keeper").iterdir())
    assert "narration.mp3" in names and len(names) >= 9
    for name in names:
        a = (small_channel / "build/keeper" / name).read_bytes()
        b = (other / "build/keeper" / name).read_bytes()
        assert a == b, name


class FlakyEngine:
    """Speaks like the real engine until it has said `limit` sentences, then the network
    goes away."""

    def __init__(self, real: Any, limit: int) -> None:
        self.real = real
        self.limit = limit
        self.calls = 0

    def identity(self) -> str:
        return str(self.real.identity())

    def synthesize(self, text: str) -> Speech:
        self.calls += 1
        if self.calls > self.limit:
            raise NetworkError(
                "could not reach the online voice 'gtts-us'",
                hint="check the internet connection, or use an offline voice: --voice default",
            )
        result: Speech = self.real.synthesize(text)
        return result


def test_network_failure_keeps_what_was_made_and_the_next_run_resumes(
    small_channel: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import toolkit.audio.narrate as narrate

    real = narrate.make_engine
    flaky = FlakyEngine(None, 4)

    def make_flaky(voice: Any) -> FlakyEngine:
        flaky.real = real(voice)
        return flaky

    monkeypatch.setattr(narrate, "make_engine", make_flaky)
    monkeypatch.setattr(narrate, "PARALLEL_MIN", 10_000)
    failed = build(small_channel)
    assert failed.exit_code == 1
    assert "offline voice" in failed.stderr and "Traceback" not in failed.stderr
    kit = small_channel / "build/keeper"
    assert not (kit / "narration.mp3").exists()
    assert not [p for p in kit.glob(".*")] if kit.exists() else True
    cached = list((small_channel / "build/.cache").rglob("*.speech"))
    assert len(cached) == 4
    monkeypatch.setattr(narrate, "make_engine", real)
    resumed = build(small_channel)
    assert resumed.exit_code == 0
    assert "4 from cache" in resumed.output


def test_ffmpeg_binary_comes_from_the_wheel() -> None:
    assert "imageio_ffmpeg" in ffmpeg_exe()
    assert shutil.which("ffprobe") is None or True  # never used: pydub is not asked to probe


def test_estimate_lands_within_five_percent_of_the_audio(sample_build: Path) -> None:
    import json

    from toolkit.build import episode_files, plan_episode
    from toolkit.channel import load_channel
    from toolkit.text.article import load_article

    root = sample_build.parent.parent
    [path] = episode_files(root)
    plan = plan_episode(root, load_article(path), load_channel(root))
    measured = json.loads((sample_build / "timing.json").read_text())["total_ms"]
    assert abs(plan.timeline.total_ms - measured) <= 0.05 * measured


def test_calibrate_writes_the_measured_rate_into_the_profile(channel_dir: Path) -> None:
    profile = channel_dir / "voices/default.toml"
    text = re.sub(r"words_per_minute = [0-9.]+", "words_per_minute = 100", profile.read_text())
    profile.write_text(text)
    result = CliRunner(mix_stderr=False).invoke(
        cli, ["-C", str(channel_dir), "calibrate", "default"]
    )
    assert result.exit_code == 0, result.stderr
    assert "words a minute" in result.output
    written = profile.read_text()
    assert "# The default voice" in written  # comments are kept
    rate = float(re.search(r"words_per_minute = ([0-9.]+)", written).group(1))  # type: ignore[union-attr]
    assert 150 <= rate <= 200  # what libespeak-ng really does at this setting
