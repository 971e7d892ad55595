"""The music bed, measured on real builds: heard in the intro's pauses, absent from the
story's, the MP3 still on the loudness target, the subtitles unmoved, and the same bytes
from one build to the next."""

from __future__ import annotations

import itertools
import json
import shutil
import wave
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from toolkit.audio.ffmpeg import decode_to_pcm, measure_loudness, run_ffmpeg
from toolkit.build import BuildOptions, build_episode
from toolkit.errors import ConfigError

RATE = 22050
BODY = """The harbour was quiet on the first morning. Boats lay still on the water.

## The Storm

Snow fell for nine days. The road to the town was closed, and the lamp stayed lit.
"""


def write_theme(folder: Path) -> None:
    """Eight seconds of a soft chord (our own tones), as WAV and as MP3."""
    folder.mkdir(parents=True, exist_ok=True)
    t = np.arange(8 * 44100) / 44100
    chord = np.sin(2 * np.pi * 220.0 * t) + np.sin(2 * np.pi * 277.18 * t)
    chord = (chord + np.sin(2 * np.pi * 329.63 * t)) / 3
    samples = (0.5 * chord * 32767).astype("<i2")
    with wave.open(str(folder / "theme.wav"), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(44100)
        out.writeframes(samples.tobytes())
    run_ffmpeg(["-loglevel", "error", "-i", str(folder / "theme.wav"), str(folder / "theme.mp3")])


def add_music(channel: Path, **settings: object) -> None:
    path = channel / "episodes" / "channel.toml"
    lines = ["", "[music]"] + [f"{k} = {json.dumps(v)}" for k, v in settings.items()]
    path.write_text(path.read_text(encoding="utf-8") + "\n".join(lines) + "\n", encoding="utf-8")


def build(channel: Path) -> Path:
    episode = next((channel / "episodes").glob("001-*.md"))
    result = build_episode(channel, episode, BuildOptions(audio=True))
    return result.folder


def window_db(samples: np.ndarray, start_ms: int, end_ms: int) -> float:
    piece = samples[start_ms * RATE // 1000 : end_ms * RATE // 1000].astype(np.float64)
    rms = float(np.sqrt(np.mean(piece**2))) if piece.size else 0.0
    return 20 * np.log10(rms / 32768) if rms > 0 else -120.0


def pauses(timing: dict[str, object], kind: str) -> list[tuple[int, int]]:
    """Gaps between the cues of the segments of `kind` (shrunk away from the voice)."""
    segments = timing["segments"]
    cues = timing["cues"]
    assert isinstance(segments, list) and isinstance(cues, list)
    out = []
    for index, seg in enumerate(segments):
        if seg["kind"] != kind:
            continue
        mine = [c for c in cues if c["segment"] == index]
        for a, b in itertools.pairwise(mine):
            if b["start_ms"] - a["end_ms"] >= 300:
                out.append((a["end_ms"] + 60, b["start_ms"] - 60))
    return out


@pytest.fixture
def two_builds(
    tmp_path: Path, channel_dir: Path, write_episode: Callable[..., Path]
) -> tuple[Path, Path]:
    write_episode("001-the-keeper.md", BODY, title="The Keeper")
    with_music = tmp_path / "with-music"
    shutil.copytree(channel_dir, with_music)
    write_theme(with_music / "music")
    add_music(with_music, intro="music/theme.wav", outro="music/theme.mp3", fade_ms=1500)
    return build(channel_dir), build(with_music)


def test_music_under_the_intro_pauses_not_the_story(two_builds: tuple[Path, Path]) -> None:
    dry, wet = two_builds
    timing = json.loads((dry / "timing.json").read_text(encoding="utf-8"))
    assert json.loads((wet / "timing.json").read_text(encoding="utf-8"))["cues"] == timing["cues"]
    dry_pcm = np.frombuffer(decode_to_pcm((dry / "narration.mp3").read_bytes(), RATE), "<i2")
    wet_pcm = np.frombuffer(decode_to_pcm((wet / "narration.mp3").read_bytes(), RATE), "<i2")
    intro = pauses(timing, "intro")
    story = pauses(timing, "section")
    assert intro and story
    for a, b in intro:
        assert window_db(dry_pcm, a, b) < -60
        assert window_db(wet_pcm, a, b) > -45, (a, b)  # the bed is heard in the pauses
    for a, b in story:
        assert window_db(wet_pcm, a, b) < -60, (a, b)  # the story stays dry
    # The outro's bed rings on after the last word: the file is longer, and not silent there.
    assert len(wet_pcm) > len(dry_pcm) + RATE
    assert window_db(wet_pcm, len(dry_pcm) * 1000 // RATE, len(dry_pcm) * 1000 // RATE + 500) > -50


def test_loudness_still_on_target_with_music(two_builds: tuple[Path, Path]) -> None:
    loudness = measure_loudness(two_builds[1] / "narration.mp3")
    assert abs(loudness.integrated_lufs - (-16.0)) <= 1.0
    assert loudness.true_peak_dbtp <= -1.0


def test_a_build_with_music_is_byte_identical_to_the_next(
    tmp_path: Path, two_builds: tuple[Path, Path]
) -> None:
    wet = two_builds[1]
    channel = wet.parent.parent
    first = {p.name: p.read_bytes() for p in wet.iterdir() if p.is_file()}
    again = tmp_path / "again"
    shutil.copytree(channel, again, ignore=shutil.ignore_patterns("build"))
    second = build(again)
    assert {p.name: p.read_bytes() for p in second.iterdir() if p.is_file()} == first


def test_a_missing_music_file_is_one_clear_line(
    channel_dir: Path, write_episode: Callable[..., Path]
) -> None:
    write_episode("001-the-keeper.md", BODY, title="The Keeper")
    add_music(channel_dir, intro="music/nowhere.mp3")
    with pytest.raises(ConfigError) as caught:
        build(channel_dir)
    message = str(caught.value)
    assert "nowhere.mp3" in message and "channel.toml" in message
    assert "\n" not in message


def test_an_unreadable_music_file_is_one_clear_line(
    channel_dir: Path, write_episode: Callable[..., Path]
) -> None:
    write_episode("001-the-keeper.md", BODY, title="The Keeper")
    (channel_dir / "music").mkdir()
    (channel_dir / "music" / "theme.mp3").write_text("not music at all", encoding="utf-8")
    add_music(channel_dir, outro="music/theme.mp3")
    with pytest.raises(ConfigError) as caught:
        build(channel_dir)
    assert "theme.mp3" in str(caught.value) and "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("setting", "words"),
    [("level_db = 6", "music.level_db"), ("duck_db = -90", "music.duck_db"),
     ("fade_ms = -5", "music.fade_ms"), ("volume = 3", "unknown setting music.volume")],
)  # fmt: skip
def test_music_settings_out_of_range_are_config_errors(setting: str, words: str) -> None:
    from toolkit.channel import parse_channel

    with pytest.raises(ConfigError) as caught:
        parse_channel(f'name = "A Channel"\n\n[music]\n{setting}\n', "episodes/channel.toml")
    assert words in str(caught.value)
    assert str(caught.value).startswith("episodes/channel.toml")


def test_the_cli_names_a_missing_music_file_in_one_line(
    channel_dir: Path, write_episode: Callable[..., Path]
) -> None:
    from click.testing import CliRunner

    from toolkit.cli import cli

    write_episode("001-the-keeper.md", BODY, title="The Keeper")
    add_music(channel_dir, intro="music/theme.mp3")
    result = CliRunner(mix_stderr=False).invoke(cli, ["-C", str(channel_dir), "build"])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if "theme.mp3" in line]
    assert len(errors) == 1 and "channel.toml" in errors[0]
    # Without audio no music is needed: the same channel builds.
    assert CliRunner().invoke(cli, ["-C", str(channel_dir), "build", "--no-audio"]).exit_code == 0
