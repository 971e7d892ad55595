"""The publishing settings: [feed], [video] and [music] in channel.toml, and the front matter
fields that go with them (recording, date, summary, sources)."""

from __future__ import annotations

import pytest

from toolkit.channel import EXACT_FPS, FeedSettings, MusicSettings, VideoSettings, parse_channel
from toolkit.errors import ConfigError, EpisodeError
from toolkit.text.article import parse_article

SOURCE = "episodes/channel.toml"
PATH = "episodes/007-the-stolen-jet.md"


def channel(extra: str = ""):
    return parse_channel('name = "Footnotes"\n' + extra, SOURCE)


def config_error(extra: str) -> str:
    with pytest.raises(ConfigError) as info:
        channel(extra)
    return str(info.value)


def test_defaults_when_the_tables_are_absent() -> None:
    c = channel()
    assert c.feed == FeedSettings() and not c.feed.enabled
    assert c.video == VideoSettings() and c.video.rate == (30, 1) and not c.video.drop_frame
    assert c.music == MusicSettings()


def test_every_setting_is_read() -> None:
    c = channel(
        "[feed]\n"
        'base_url = "https://footnotes.example/podcast/"\n'
        'image = "art/cover.jpg"\n'
        "explicit = true\n"
        'owner_email = "mara@footnotes.example"\n'
        "[video]\n"
        "fps = 29.97\n"
        'start_timecode = "01:00:00;00"\n'
        "font_size = 60\n"
        'position = "top"\n'
        "[music]\n"
        'intro = "music/theme.mp3"\n'
        "level_db = -18\n"
        "fade_ms = 1500\n"
    )
    assert c.feed.enabled and c.feed.explicit and c.feed.image == "art/cover.jpg"
    assert c.video.rate == (30000, 1001) and c.video.drop_frame
    assert c.video.start_timecode == "01:00:00;00" and c.video.position == "top"
    assert c.music.intro == "music/theme.mp3" and c.music.level_db == -18.0
    assert c.music.fade_ms == 1500 and c.music.outro == ""


@pytest.mark.parametrize("fps", sorted(EXACT_FPS))
def test_frame_rates_are_exact_fractions(fps: float) -> None:
    num, den = channel(f"[video]\nfps = {fps}\n").video.rate
    assert abs(num / den - fps) < 0.001
    assert den in (1, 1001)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("[feed]\ncolour = 1\n", "unknown setting feed.colour"),
        ("[feed]\nexplicit = 'yes'\n", "feed.explicit must be bool"),
        ("[video]\nfps = 31\n", "video.fps 31 is not a frame rate"),
        ("[video]\nstart_timecode = '1:00:00:00'\n", "is not HH:MM:SS:FF"),
        ("[video]\nfps = 25\nstart_timecode = '00:00:00:25'\n", "more frames than 25 fps"),
        ("[video]\ntext_colour = 'white'\n", "video.text_colour must be a colour"),
        ("[video]\nposition = 'middle'\n", "video.position must be"),
        ("[music]\nfade_ms = 'long'\n", "music.fade_ms must be a whole number"),
        ("music = 3\n", "[music] must be a table"),
    ],
)
def test_bad_settings_say_which(extra: str, message: str) -> None:
    error = config_error(extra)
    assert message in error
    assert error.startswith(SOURCE)


def article(front: str):
    return parse_article(f"---\ntitle: T\nnumber: 7\n{front}---\nBody.\n", PATH)


def test_publishing_front_matter() -> None:
    a = article(
        "recording: recordings/007.wav\n"
        "date: 2026-03-01\n"
        "summary: |\n  A jet stolen\n  in broad daylight.\n"
        "sources:\n  - The Archive, 1976\n  - https://example.org/jet\n"
    )
    assert a.recording == "recordings/007.wav" and a.recording_line == 4
    assert a.date == "2026-03-01"
    assert a.summary == "A jet stolen in broad daylight."
    assert a.sources == ("The Archive, 1976", "https://example.org/jet")


def test_fields_are_optional() -> None:
    a = article("")
    assert (a.recording, a.date, a.summary, a.sources) == (None, None, None, ())


def test_date_times_and_quoted_dates() -> None:
    assert article("date: 2026-03-01 18:30:00+01:00\n").date == "2026-03-01T18:30:00+01:00"
    assert article("date: '2026-03-01'\n").date == "2026-03-01"


@pytest.mark.parametrize(
    ("front", "message", "line"),
    [
        ("date: next tuesday\n", "is not a date", 4),
        ("recording: 12\n", "recording must be text", 4),
        ("sources: 3\n", "sources must be a list", 4),
        ("summary: ''\n", "summary must be text", 4),
    ],
)
def test_bad_fields_point_at_their_line(front: str, message: str, line: int) -> None:
    with pytest.raises(EpisodeError) as info:
        article(front)
    assert message in str(info.value)
    assert info.value.line == line
