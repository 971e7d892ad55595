"""A kit does not depend on where the command was run, and never holds stale audio.

Two channels with the same content in different folders, built from different working
directories (one with -C, one from inside the channel), give byte-identical kits; files
in a kit are named relative to the channel folder. A build without audio after one with
audio leaves no narration in the kit whose timing no longer matches the page.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import use_espeak
from toolkit.cli import cli
from toolkit.scaffold import init_channel

# A lint finding on purpose (an unclosed bracket), so the page names the episode file.
TINY = """\
The ferry (an old steamer left the pier at dawn. Nobody on board knew the captain's name.

## The Crossing

Halfway over, the fog came down. The bell rang twice and then fell silent.
"""

NAME = "001-the-ferry.md"


def _channel(folder: Path, body: str = TINY) -> Path:
    init_channel(folder)
    use_espeak(folder)  # the offline espeak voice keeps audio builds fast
    (folder / "episodes" / NAME).write_text(
        f"---\ntitle: The Ferry\nnumber: 1\n---\n{body}", encoding="utf-8"
    )
    return folder


@contextmanager
def _working_dir(folder: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def _kit(channel: Path, *, audio: bool = True) -> dict[str, bytes]:
    folder = channel / "build" / "the-ferry"
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and (audio or path.suffix != ".mp3")
    }


def _build(runner: CliRunner, args: list[str]) -> None:
    result = runner.invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output + result.stderr


@pytest.fixture
def two_channels(tmp_path: Path) -> tuple[Path, Path]:
    return _channel(tmp_path / "one" / "channel"), _channel(tmp_path / "two" / "deeper" / "other")


def _build_both(runner: CliRunner, one: Path, two: Path, tmp_path: Path, *extra: str) -> None:
    with _working_dir(tmp_path):  # -C with an absolute path, run from elsewhere
        _build(runner, ["-C", str(one), "build", *extra])
    with _working_dir(two):  # from inside the channel, no -C
        _build(runner, ["build", *extra, f"episodes/{NAME}"])


def test_kits_built_from_different_folders_are_identical(
    two_channels: tuple[Path, Path], tmp_path: Path
) -> None:
    one, two = two_channels
    runner = CliRunner(mix_stderr=False)
    _build_both(runner, one, two, tmp_path, "--no-audio")
    first, second = _kit(one), _kit(two)
    assert sorted(first) == sorted(second)
    for name in first:
        assert first[name] == second[name], name
    page = first["index.html"].decode("utf-8")
    assert f"episodes/{NAME}:" in page  # the finding names the file within the channel
    for kit_file in first.values():
        text = kit_file.decode("utf-8")
        assert str(tmp_path) not in text
        assert str(tmp_path.resolve()) not in text


def test_kits_with_audio_from_different_folders_are_identical(
    two_channels: tuple[Path, Path], tmp_path: Path
) -> None:
    one, two = two_channels
    runner = CliRunner(mix_stderr=False)
    _build_both(runner, one, two, tmp_path)
    first, second = _kit(one), _kit(two)
    assert "narration.mp3" in first
    assert sorted(first) == sorted(second)
    for name in first:
        assert first[name] == second[name], name


def test_no_audio_after_audio_leaves_no_stale_narration(tmp_path: Path) -> None:
    channel = _channel(tmp_path / "channel")
    runner = CliRunner(mix_stderr=False)
    _build(runner, ["-C", str(channel), "build"])
    kit = channel / "build" / "the-ferry"
    assert (kit / "narration.mp3").is_file()
    assert 'src="narration.mp3"' in (kit / "index.html").read_text(encoding="utf-8")
    (channel / "episodes" / NAME).write_text(
        f"---\ntitle: The Ferry\nnumber: 1\n---\n{TINY}\nThe ferry was never seen again.\n",
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["-C", str(channel), "build", "--no-audio"])
    assert result.exit_code == 0, result.stderr
    assert "narration.mp3" in result.stderr  # the build says the old narration went
    assert not (kit / "narration.mp3").exists()
    page = (kit / "index.html").read_text(encoding="utf-8")
    assert "narration.mp3" not in page
    timing = json.loads((kit / "timing.json").read_text(encoding="utf-8"))
    assert timing["timing_source"] == "estimate"
    # An audio build brings it back, matching the new script.
    _build(runner, ["-C", str(channel), "build"])
    assert (kit / "narration.mp3").is_file()


def test_a_recording_master_is_stale_without_a_recording_timeline(tmp_path: Path) -> None:
    """episode.mp3 belongs to a "recording" timeline: any other build drops it."""
    channel = _channel(tmp_path / "channel")
    kit = channel / "build" / "the-ferry"
    kit.mkdir(parents=True)
    (kit / "episode.mp3").write_bytes(b"an older master")
    runner = CliRunner(mix_stderr=False)
    result = runner.invoke(cli, ["-C", str(channel), "build", "--no-audio"])
    assert result.exit_code == 0, result.stderr
    assert not (kit / "episode.mp3").exists()
    assert "episode.mp3" in result.stderr
    assert "episode.mp3" not in (kit / "index.html").read_text(encoding="utf-8")
