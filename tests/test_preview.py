"""`toolkit preview`: one segment (or the whole episode) as a real MP3, from the shared cache.

Audio is checked with ffmpeg's own measurements (ebur128, ffmetadata chapters) and mutagen,
on previews rendered with the offline voice. No test reaches the network or plays sound:
`--play` runs against an empty PATH or a fake player script.
"""

from __future__ import annotations

import json
import re
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from mutagen.mp3 import MP3

from tests.conftest import use_espeak
from toolkit.audio.ffmpeg import measure_loudness, read_chapters
from toolkit.cli import cli
from toolkit.scaffold import init_channel
from toolkit.voice import load_voice

BODY = """Opening words come first. The keeper climbed the stairs, one at a time, every night.

## The Storm

The barometer fell faster than anyone could remember. Nobody slept that night.

By morning the boat was gone. The keeper wrote one word in the log: ice.

## Afterwards

The supply ship came back in April. It brought oil, letters and a new lamp for the tower.
"""

# The segments as `toolkit timing` numbers them: the text before the first heading is
# named after the episode.
TITLES = ["Intro", "The Keeper", "The Storm", "Afterwards", "Outro"]


def run(folder: Path, *args: str) -> Any:
    return CliRunner(mix_stderr=False).invoke(cli, ["-C", str(folder), *args])


def preview(folder: Path, *args: str) -> Any:
    return run(folder, "preview", "keeper", *args)


def synthesized(output: str) -> int:
    match = re.search(r"(\d+) synthesized, (\d+) from cache", output)
    assert match, output
    return int(match.group(1))


def seconds(path: Path) -> float:
    """The length of an MP3 as mutagen reads it from its frames."""
    info: Any = MP3(path).info
    return float(info.length)


def kit(folder: Path) -> Path:
    return folder / "build" / "keeper"


def segment_ms(folder: Path, number: int) -> int:
    """How long segment `number` (from 1) lasts in the built narration, as timing.json
    measured it, without the pause that follows it (a preview ends on its last word)."""
    timing = json.loads((kit(folder) / "timing.json").read_text(encoding="utf-8"))
    seg = timing["segments"][number - 1]
    length = int(seg["end_ms"]) - int(seg["start_ms"])
    if number < len(timing["segments"]):
        length -= load_voice("default", folder).segment_pause_ms
    return length


@pytest.fixture
def keeper(channel_dir: Path, write_episode: Callable[..., Path]) -> Path:
    write_episode("001-keeper.md", BODY, title="The Keeper")
    return channel_dir


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A channel whose one episode was built with audio (shared by read-only previews)."""
    folder = tmp_path_factory.mktemp("built") / "channel"
    init_channel(folder)
    use_espeak(folder)
    (folder / "episodes" / "001-keeper.md").write_text(
        f"---\ntitle: The Keeper\nnumber: 1\n---\n{BODY}", encoding="utf-8"
    )
    result = run(folder, "build")
    assert result.exit_code == 0, result.output + result.stderr
    timing = json.loads((kit(folder) / "timing.json").read_text(encoding="utf-8"))
    assert timing["timing_source"] == "audio"
    assert [s["title"] for s in timing["segments"]] == TITLES
    return folder


def test_segment_by_number_is_a_real_mp3_of_that_segment(built: Path) -> None:
    result = preview(built, "--segment", "2")
    assert result.exit_code == 0, result.output + result.stderr
    target = kit(built) / "preview-2-the-keeper.mp3"
    assert target.is_file()
    assert f"wrote {target}" in result.output
    expected = segment_ms(built, 2)
    [(start, end, title)] = read_chapters(target)
    assert (start, title) == (0, "The Keeper")
    assert abs(end - expected) <= 1
    length = seconds(target)
    assert abs(length * 1000 - expected) <= 100, (length, expected)
    loudness = measure_loudness(target)
    assert abs(loudness.integrated_lufs - (-16.0)) <= 1.0
    assert loudness.true_peak_dbtp <= -1.0


@pytest.mark.parametrize("given", ["The Storm", "the storm", "THE STORM", "tHe StOrM"])
def test_segment_by_title_ignores_case(built: Path, given: str) -> None:
    result = preview(built, "--segment", given)
    assert result.exit_code == 0, result.output + result.stderr
    target = kit(built) / "preview-3-the-storm.mp3"
    assert f"wrote {target}" in result.output
    [(_start, end, title)] = read_chapters(target)
    assert title == "The Storm"
    assert abs(end - segment_ms(built, 3)) <= 1


def test_no_segment_renders_the_whole_episode(built: Path) -> None:
    result = preview(built)
    assert result.exit_code == 0, result.output + result.stderr
    target = kit(built) / "preview-all.mp3"
    assert f"wrote {target}" in result.output
    narration = kit(built) / "narration.mp3"
    assert read_chapters(target) == read_chapters(narration)
    assert [c[2] for c in read_chapters(target)] == TITLES
    assert abs(seconds(target) - seconds(narration)) <= 0.05
    loudness = measure_loudness(target)
    assert abs(loudness.integrated_lufs - (-16.0)) <= 1.0


@pytest.mark.parametrize("segment", ["1", "2", "5", "Afterwards", None])
def test_a_preview_after_a_build_synthesizes_nothing(built: Path, segment: str | None) -> None:
    args = [] if segment is None else ["--segment", segment]
    result = preview(built, *args)
    assert result.exit_code == 0, result.output + result.stderr
    assert synthesized(result.output) == 0
    assert "0 synthesized" in result.output


def test_a_build_after_a_preview_synthesizes_only_the_rest(keeper: Path) -> None:
    first = preview(keeper, "--segment", "3")
    assert first.exit_code == 0, first.stderr
    made = synthesized(first.output)
    assert made == 4  # the four sentences of "The Storm"
    build = run(keeper, "build")
    assert build.exit_code == 0, build.stderr
    total = int(re.search(r"keeper: (\d+) sentences", build.output).group(1))  # type: ignore[union-attr]
    assert f"{total - made} synthesized, {made} from cache" in build.output


@pytest.mark.parametrize("segment", ["nope", "Storm", "0", "6", "99"])
def test_an_unknown_segment_is_one_error_line_listing_the_segments(
    built: Path, segment: str
) -> None:
    before = sorted(p.name for p in kit(built).iterdir())
    result = preview(built, "--segment", segment)
    assert result.exit_code == 1
    assert result.output == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert repr(segment) in lines[0]
    for number, title in enumerate(TITLES, 1):
        assert f"{number}. {title}" in lines[0]
    assert sorted(p.name for p in kit(built).iterdir()) == before


def test_a_digit_like_segment_is_an_unknown_segment(built: Path) -> None:
    result = preview(built, "--segment", "²")
    assert result.exit_code == 1
    assert "choose one of" in result.stderr, result.stderr
    assert "unexpected" not in result.stderr


def test_another_voice_changes_the_audio(keeper: Path) -> None:
    default = preview(keeper, "--segment", "2")
    assert default.exit_code == 0, default.stderr
    target = kit(keeper) / "preview-2-the-keeper.mp3"
    before = target.read_bytes()
    uk = preview(keeper, "--segment", "2", "--voice", "uk")
    assert uk.exit_code == 0, uk.stderr
    assert synthesized(uk.output) > 0  # the cache key includes the voice
    after = target.read_bytes()
    assert after != before
    [(_start, _end, title)] = read_chapters(target)
    assert title == "The Keeper"
    loudness = measure_loudness(target)
    assert abs(loudness.integrated_lufs - (-16.0)) <= 1.0
    again = preview(keeper, "--segment", "2")
    assert synthesized(again.output) == 0
    assert target.read_bytes() == before


def test_play_without_a_player_says_so_after_writing_the_file(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    result = preview(built, "--segment", "2", "--play")
    assert result.exit_code == 1
    target = kit(built) / "preview-2-the-keeper.mp3"
    assert target.is_file() and target.stat().st_size > 1000
    assert f"wrote {target}" in result.output
    assert "playing with" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert "no audio player found" in lines[0]
    assert "Traceback" not in result.stderr


def test_play_uses_a_player_found_on_the_path(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    record = tmp_path / "args.txt"
    player = bin_dir / "mpg123"
    player.write_text(f"#!/bin/sh\nprintf '%s\\n' \"$@\" > '{record}'\n", encoding="utf-8")
    player.chmod(player.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    monkeypatch.setenv("PATH", str(bin_dir))
    result = preview(built, "--segment", "2", "--play")
    assert result.exit_code == 0, result.output + result.stderr
    assert "playing with mpg123" in result.output
    target = kit(built) / "preview-2-the-keeper.mp3"
    args = record.read_text(encoding="utf-8").splitlines()
    assert args, "the player was not run"
    assert Path(args[-1]).resolve() == target.resolve()
    assert "-q" in args[:-1]
