"""Decoding a recording: a file whose name or tags say "corrupt" is not a damaged file."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.align.decode import decode_recording
from toolkit.audio.ffmpeg import run_ffmpeg
from toolkit.errors import InputError


def tone(path: Path, *tags: str) -> Path:
    metadata = [arg for tag in tags for arg in ("-metadata", tag)]
    run_ffmpeg(["-f", "lavfi", "-i", "sine=frequency=220:duration=3", *metadata, "-y", str(path)])
    return path


def test_a_title_or_name_that_says_corrupt_decodes(tmp_path: Path) -> None:
    path = tone(tmp_path / "Corrupt Courts ep7.wav", "title=The Corrupt Governor, truncated")
    pcm = decode_recording(path, 16000)
    assert abs(len(pcm) // 2 - 3 * 16000) < 160


def test_a_cut_file_is_still_refused(tmp_path: Path) -> None:
    whole = tone(tmp_path / "whole.mp3", "title=A Quiet Harbour")
    cut = tmp_path / "cut.mp3"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    with pytest.raises(InputError):
        decode_recording(cut, 16000)


def test_a_chapter_past_the_end_of_the_recording_is_left_out() -> None:
    from toolkit.align.follow import audible_chapters
    from toolkit.timing.timeline import RECORDING, TimedSegment, Timeline

    def seg(title: str, start: int, end: int) -> TimedSegment:
        return TimedSegment("section", title, start, end, 10, ())

    timeline = Timeline(
        RECORDING,
        "default",
        40_000,
        (
            seg("Intro", 0, 12_000),
            seg("The Storm", 12_000, 29_500),
            seg("A Light Restored", 29_500, 29_500),  # not recorded: no time
            seg("Outro", 39_600, 40_000),  # after the recording ends
        ),
        (),
    )
    chapters = audible_chapters(timeline, 39_500)
    assert [(c.start_ms, c.end_ms, c.title) for c in chapters] == [
        (0, 12_000, "Intro"),
        (12_000, 29_500, "The Storm"),
        (29_500, 39_500, "A Light Restored"),  # runs to the next chapter, cut at the end
    ]


def test_naming_the_recording_keeps_a_linked_file_and_its_permissions(tmp_path: Path) -> None:
    from toolkit.align.follow import name_recording

    own = tmp_path / "drafts" / "lamp.md"
    own.parent.mkdir()
    own.write_text("---\ntitle: The Lamp\n---\nText.\n", encoding="utf-8")
    own.chmod(0o600)
    link = tmp_path / "episodes" / "001-the-lamp.md"
    link.parent.mkdir()
    link.symlink_to(own)
    recording = tone(tmp_path / "take.wav")
    assert name_recording(tmp_path, link, recording) == "take.wav"
    assert link.is_symlink()
    assert (
        own.read_text(encoding="utf-8") == "---\ntitle: The Lamp\nrecording: take.wav\n---\nText.\n"
    )
    assert own.stat().st_mode & 0o777 == 0o600


def test_naming_the_recording_in_a_file_that_is_not_utf8_says_what_to_do(tmp_path: Path) -> None:
    from toolkit.align.follow import name_recording

    episode = tmp_path / "001-the-lamp.md"
    episode.write_bytes("---\ntitle: Café\n---\n".encode("cp1252"))
    with pytest.raises(InputError) as info:
        name_recording(tmp_path, episode, tone(tmp_path / "take.wav"))
    assert "not UTF-8" in str(info.value) and "recording: take.wav" in str(info.value)
    assert episode.read_bytes() == "---\ntitle: Café\n---\n".encode("cp1252")
