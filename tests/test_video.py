"""toolkit video: a real render of a tiny episode, measured with ffmpeg (there is no ffprobe)."""

from __future__ import annotations

import itertools
import json
import re
import subprocess
from pathlib import Path

import pysubs2
import pytest
from click.testing import CliRunner

from toolkit.audio.ffmpeg import ffmpeg_exe
from toolkit.build import BuildOptions, build_episode
from toolkit.channel import VideoSettings, load_channel
from toolkit.cli import cli
from toolkit.errors import EngineError
from toolkit.files import read_text
from toolkit.publish import video
from toolkit.publish.kit import audio_length_ms
from toolkit.publish.video import compose_ass, render_video
from toolkit.timing.timeline import read_timing_json

TINY = """---
title: The Lantern on the Pier
number: 1
---
Every evening the harbour master lit a lantern at the end of the pier.

## The Night It Stayed Dark
One winter night the lantern stayed dark, and two fishing boats waited outside until dawn.
"""
SLUG = "the-lantern-on-the-pier"


@pytest.fixture(scope="module")
def tiny_kit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A channel with one short episode built with audio (espeak: about 15 seconds)."""
    from tests.conftest import use_espeak
    from toolkit.scaffold import init_channel

    folder = tmp_path_factory.mktemp("video") / "channel"
    init_channel(folder)
    use_espeak(folder)
    templates = folder / "episodes" / "templates"
    (templates / "intro.md.j2").write_text("Welcome to {{ channel.name }}.\n", "utf-8")
    (templates / "outro.md.j2").write_text("Thank you for listening.\n", "utf-8")
    path = folder / "episodes" / f"001-{SLUG}.md"
    path.write_text(TINY, encoding="utf-8")
    build_episode(folder, path, BuildOptions(audio=True))
    return folder


@pytest.fixture(scope="module")
def rendered(tiny_kit: Path) -> Path:
    seen: list[tuple[int, int]] = []
    result = render_video(tiny_kit, SLUG, load_channel(tiny_kit), lambda d, t: seen.append((d, t)))
    assert result.path == tiny_kit / "build" / SLUG / "video.mp4"
    assert result.audio == "narration.mp3"
    assert seen and seen[-1][1] == result.duration_ms  # progress was reported
    assert all(b[0] >= a[0] for a, b in itertools.pairwise(seen))
    return result.path


def _probe(path: Path) -> str:
    """What `ffmpeg -i` says about a file (it exits 1 for want of an output)."""
    proc = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-i", str(path)], capture_output=True, check=False
    )
    return proc.stderr.decode("utf-8", errors="replace")


def _seconds(probe: str) -> float:
    match = re.search(r"Duration: (\d+):(\d+):(\d+\.\d+)", probe)
    assert match, probe
    h, m, s = match.groups()
    return int(h) * 3600 + int(m) * 60 + float(s)


def _frame(path: Path, at_ms: int) -> bytes:
    """One frame as raw grey pixels at a quarter of the size."""
    proc = subprocess.run(
        [
            *(ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-ss", f"{at_ms / 1000:.3f}"),
            *("-i", str(path), "-frames:v", "1", "-vf", "scale=480:270,format=gray"),
            *("-f", "rawvideo", "-"),
        ],
        capture_output=True,
        check=True,
    )
    assert len(proc.stdout) == 480 * 270
    return proc.stdout


def test_streams_size_and_duration(rendered: Path, tiny_kit: Path) -> None:
    probe = _probe(rendered)
    video_line = next(line for line in probe.splitlines() if "Video:" in line)
    audio_line = next(line for line in probe.splitlines() if "Audio:" in line)
    assert "h264" in video_line and "1920x1080" in video_line and "yuv420p" in video_line
    assert "aac" in audio_line
    audio_ms = audio_length_ms(tiny_kit / "build" / SLUG / "narration.mp3")
    assert 8_000 < audio_ms < 30_000  # the tiny episode really is tiny
    assert abs(_seconds(probe) * 1000 - audio_ms) < 300
    assert rendered.stat().st_mode & 0o777 == 0o644
    leftovers = [p.name for p in rendered.parent.iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_frames_under_different_subtitles_differ(rendered: Path, tiny_kit: Path) -> None:
    timing = tiny_kit / "build" / SLUG / "timing.json"
    timeline, _ = read_timing_json(read_text(timing), str(timing))
    settings = load_channel(tiny_kit).video
    # Two cues with different text, both after every title card has gone.
    late = [c for c in timeline.cues if c.start_ms > settings.title_card_ms + 1000]
    cards_end = {s.start_ms + settings.title_card_ms for s in timeline.segments}
    cues = [c for c in late if all(not (c.start_ms <= e <= c.end_ms) for e in cards_end)]
    first, second = next(
        (a, b) for a in cues for b in cues if a.text != b.text and b.start_ms > a.end_ms
    )
    one = _frame(rendered, (first.start_ms + first.end_ms) // 2)
    two = _frame(rendered, (second.start_ms + second.end_ms) // 2)
    assert one != two
    # The caption is drawn at the bottom (white on the dark default background); the top
    # of the frame is plain.
    width = 480
    assert max(one[width * 200 :]) > 200
    assert max(one[: width * 90]) < 100


def test_no_audio_says_to_build_with_audio_first(tmp_path: Path) -> None:
    from tests.conftest import use_espeak
    from toolkit.scaffold import init_channel

    folder = tmp_path / "channel"
    init_channel(folder)
    use_espeak(folder)
    (folder / "episodes" / f"001-{SLUG}.md").write_text(TINY, encoding="utf-8")
    runner = CliRunner(mix_stderr=False)
    result = runner.invoke(cli, ["-C", str(folder), "video", "1"])
    assert result.exit_code == 1
    assert "no kit" in result.stderr and "toolkit build" in result.stderr
    assert runner.invoke(cli, ["-C", str(folder), "build", "--no-audio"]).exit_code == 0
    result = runner.invoke(cli, ["-C", str(folder), "video", SLUG])
    assert result.exit_code == 1
    assert "no audio" in result.stderr and "build it with audio first" in result.stderr
    assert not (folder / "build" / SLUG / "video.mp4").exists()


def test_ctrl_c_leaves_no_partial_file(tiny_kit: Path, tmp_path: Path) -> None:
    kit = tiny_kit / "build" / SLUG
    before = {p.name for p in kit.iterdir()}

    def interrupt(done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        render_video(tiny_kit, SLUG, load_channel(tiny_kit), interrupt)
    assert {p.name for p in kit.iterdir()} == before


def test_a_failed_render_leaves_no_partial_file(
    tiny_kit: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kit = tiny_kit / "build" / SLUG
    before = {p.name for p in kit.iterdir()}
    real = video.ffmpeg_args
    monkeypatch.setattr(
        video, "ffmpeg_args", lambda *a: [*real(*a)[:-1], "-c:v", "no-such-codec", real(*a)[-1]]
    )
    with pytest.raises(EngineError) as caught:
        render_video(tiny_kit, SLUG, load_channel(tiny_kit))
    assert "ffmpeg failed to render the video" in str(caught.value)
    assert {p.name for p in kit.iterdir()} == before


def test_ass_script_carries_cues_cards_and_style(tiny_kit: Path) -> None:
    timing = tiny_kit / "build" / SLUG / "timing.json"
    timeline, title = read_timing_json(read_text(timing), str(timing))
    settings = VideoSettings(position="top", font_size=40, text_colour="#ffcc00")
    subs = pysubs2.SSAFile.from_string(compose_ass(timeline, settings, title, "The Channel"))
    captions = [e for e in subs.events if e.style == "Caption"]
    cards = [e for e in subs.events if e.style == "Title"]
    assert len(captions) == len(timeline.cues)
    for event, cue in zip(captions, timeline.cues, strict=True):  # ASS keeps centiseconds
        assert abs(event.start - cue.start_ms) <= 5 and abs(event.end - cue.end_ms) <= 5
    assert len(cards) == len(timeline.segments)
    assert cards[0].plaintext == title and cards[-1].plaintext == "The Channel"
    assert all(e.end - e.start <= settings.title_card_ms + 10 for e in cards)
    style = subs.styles["Caption"]
    assert style.alignment == pysubs2.Alignment.TOP_CENTER
    assert style.fontsize == 40 and style.fontname == "Noto Sans"
    assert (style.primarycolor.r, style.primarycolor.g, style.primarycolor.b) == (255, 204, 0)
    assert subs.info["PlayResX"] == "1920" and subs.info["PlayResY"] == "1080"


def test_braces_and_backslashes_stay_text() -> None:
    from toolkit.timing.timeline import TimedCue, TimedSegment, Timeline

    timeline = Timeline(
        "estimate",
        "v",
        2000,
        (TimedSegment("section", "A {\\b1} title", 0, 2000, 3, ()),),
        (TimedCue(0, 2000, "Braces {\\i1} and\nC:\\Nope", "x", 0),),
    )
    subs = pysubs2.SSAFile.from_string(compose_ass(timeline, VideoSettings(), "T", "C"))
    caption = next(e for e in subs.events if e.style == "Caption")
    assert "{" not in caption.text and caption.text.count("\\N") == 1
    assert json.dumps(caption.plaintext).count("\\n") == 1


def _one_frame_with(font: str, folder: Path, root: Path) -> bytes:
    """A caption in `font`, drawn the way render_video draws it (our font folder only)."""
    timeline = read_timing_json(
        json.dumps(
            {
                "episode": {"title": "T", "slug": "t", "number": 1},
                "timing_source": "estimate",
                "voice": "v",
                "total_ms": 2000,
                "segments": [],
                "cues": [
                    {"start_ms": 0, "end_ms": 2000, "text": "Ragged", "spoken": "", "segment": 0}
                ],
            }
        ),
        "timing.json",
    )[0]
    folder.mkdir()
    (folder / "video.ass").write_text(
        compose_ass(timeline, VideoSettings(font=font), "T", "C"), encoding="utf-8"
    )
    env = video._fontconfig(folder, video.font_folder(root, folder))
    proc = subprocess.run(
        [
            *(ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-f", "lavfi"),
            *(
                "-i",
                "color=c=black:s=1920x1080:r=1",
                "-vf",
                "ass=filename=video.ass:fontsdir=fonts",
            ),
            *("-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "gray", "-"),
        ],
        cwd=folder,
        env=env,
        capture_output=True,
        check=True,
    )
    return proc.stdout


def test_captions_never_use_system_fonts(tmp_path: Path) -> None:
    """A font only a system could have falls back to the bundled Noto Sans: the captions
    look the same on a machine with no fonts at all."""
    root = tmp_path / "channel"
    root.mkdir()
    noto = _one_frame_with("Noto Sans", tmp_path / "a", root)
    other = _one_frame_with("DejaVu Sans", tmp_path / "b", root)
    assert max(noto) > 200  # the caption is drawn
    assert noto == other
    assert video.font_warnings(root, VideoSettings(font="DejaVu Sans"))
    assert not video.font_warnings(root, VideoSettings())
