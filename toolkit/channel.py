"""The channel: who makes the show, how it signs off, who supports it, its subtitle rules.

Read from episodes/channel.toml in a channel folder. Everything is validated here, so a
mistake is reported once, with the file and the setting, before any episode is built.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from toolkit.errors import ConfigError
from toolkit.files import parse_toml, read_text

CHANNEL_FILE = Path("episodes") / "channel.toml"


@dataclass(frozen=True)
class SubtitleRules:
    """Professional subtitle limits. Defaults follow the Netflix English timed-text guide."""

    name: str = "netflix"
    max_line_chars: int = 42
    max_lines: int = 2
    max_cps: float = 20.0  # characters a second, spaces included
    min_duration_ms: int = 833
    max_duration_ms: int = 7000
    min_gap_ms: int = 84  # two frames at 24 fps

    @property
    def max_cue_chars(self) -> int:
        return self.max_line_chars * self.max_lines


RULE_PROFILES: dict[str, SubtitleRules] = {
    "netflix": SubtitleRules(),
    # BBC subtitle guidelines: 37 characters a line, about 160-180 words a minute.
    "bbc": SubtitleRules(name="bbc", max_line_chars=37, max_cps=17.0, min_duration_ms=1000),
}


@dataclass(frozen=True)
class PatronTier:
    tier: str
    names: tuple[str, ...]


@dataclass(frozen=True)
class Links:
    website: str = ""
    shop: str = ""
    patreon: str = ""


@dataclass(frozen=True)
class FeedSettings:
    """[feed]: the podcast feed, written when base_url names where build/ is served."""

    base_url: str = ""  # e.g. "https://example.org/podcast/" (build/ is served there)
    image: str = ""  # cover art, relative to the channel folder (or absolute)
    category: str = "History"
    subcategory: str = ""
    explicit: bool = False
    author: str = ""  # defaults to the channel's host, else its name
    owner_name: str = ""
    owner_email: str = ""
    locked: bool = True  # podcast:locked: other platforms may not import the feed
    title: str = ""  # defaults to the channel's name

    @property
    def enabled(self) -> bool:
        return bool(self.base_url)


# Frame rates editors use, as exact fractions (NTSC rates are 1000/1001 of the round one).
EXACT_FPS: dict[float, tuple[int, int]] = {
    23.976: (24000, 1001),
    24.0: (24, 1),
    25.0: (25, 1),
    29.97: (30000, 1001),
    30.0: (30, 1),
    48.0: (48, 1),
    50.0: (50, 1),
    59.94: (60000, 1001),
    60.0: (60, 1),
}


@dataclass(frozen=True)
class VideoSettings:
    """[video]: the editors' timeline (markers) and the look of `toolkit video`."""

    fps: float = 30.0  # one of EXACT_FPS
    start_timecode: str = "00:00:00:00"  # where the editor's timeline starts
    background: str = ""  # picture behind the video (cover art); empty: a plain colour
    background_colour: str = "#1b1b1f"
    font: str = "Noto Sans"  # bundled (fontpkg-noto-sans); others go in episodes/fonts/
    font_size: int = 54  # pixels on a 1080-line frame
    text_colour: str = "#ffffff"
    outline_colour: str = "#000000"
    position: str = "bottom"  # "bottom" or "top"
    margin: int = 60  # pixels from the edge
    title_card_ms: int = 4000  # how long a chapter's title card stays

    @property
    def rate(self) -> tuple[int, int]:
        """The frame rate as an exact fraction (numerator, denominator)."""
        return EXACT_FPS[self.fps]

    @property
    def drop_frame(self) -> bool:
        """29.97 and 59.94 use drop-frame timecode, as editors expect."""
        return self.rate[1] == 1001 and self.fps in (29.97, 59.94)


@dataclass(frozen=True)
class MusicSettings:
    """[music]: the theme under the intro and the outro (files relative to the channel)."""

    intro: str = ""
    outro: str = ""
    level_db: float = -20.0  # how far under the voice the bed sits
    duck_db: float = -8.0  # further down while the voice speaks
    fade_ms: int = 2000


@dataclass(frozen=True)
class Channel:
    name: str
    host: str
    tagline: str
    sign_off: str
    voice: str
    links: Links
    patrons: tuple[PatronTier, ...]
    rules: SubtitleRules
    language: str = "en"
    source: str = str(CHANNEL_FILE)
    voice_line: int | None = None  # where channel.toml names the voice
    feed: FeedSettings = FeedSettings()
    video: VideoSettings = VideoSettings()
    music: MusicSettings = MusicSettings()

    @property
    def patron_count(self) -> int:
        return sum(len(t.names) for t in self.patrons)


def _text(data: dict[str, Any], key: str, source: str, *, required: bool = False) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        raise ConfigError(f"{key} must be text, not {value!r}", path=source)
    if required and not value.strip():
        raise ConfigError(f"{key} is missing", path=source, hint=f'add {key} = "…"')
    return value.strip()


@lru_cache(maxsize=8)
def parse_channel(text: str, source: str) -> Channel:
    """The channel file's settings, validated. Every episode of a build reads the same file:
    the same text parses once (a Channel is frozen, so sharing it is safe)."""
    data = parse_toml(text, source, "channel file")
    links_table = data.get("links", {})
    patrons_table = data.get("patrons", {})
    subtitles_table = data.get("subtitles", {})
    for name, table in (
        ("links", links_table),
        ("patrons", patrons_table),
        ("subtitles", subtitles_table),
    ):
        if not isinstance(table, dict):
            raise ConfigError(f"[{name}] must be a table", path=source)
    links = Links(**{f.name: _text(links_table, f.name, source) for f in fields(Links)})
    tiers = []
    for tier, names in patrons_table.items():
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise ConfigError(
                f"patrons.{tier} must be a list of names", path=source, hint='e.g. ["Ann", "Bo"]'
            )
        tiers.append(PatronTier(tier, tuple(n.strip() for n in names if n.strip())))
    return Channel(
        name=_text(data, "name", source, required=True),
        host=_text(data, "host", source),
        tagline=_text(data, "tagline", source),
        sign_off=_text(data, "sign_off", source),
        voice=_text(data, "voice", source) or "default",
        language=_text(data, "language", source) or "en",
        links=links,
        patrons=tuple(tiers),
        rules=parse_rules(subtitles_table, source),
        feed=_feed(data, source),
        video=_video(data, source),
        music=_music(data, source),
        source=source,
        voice_line=next(
            (n for n, line in enumerate(text.split("\n"), 1) if line.lstrip().startswith("voice")),
            None,
        ),
    )


_SettingsT = TypeVar("_SettingsT", FeedSettings, VideoSettings, MusicSettings)


def _settings(kind: type[_SettingsT], data: dict[str, Any], name: str, source: str) -> _SettingsT:
    """A settings table: every key known, every value of its default's type."""
    table = data.get(name, {})
    if not isinstance(table, dict):
        raise ConfigError(f"[{name}] must be a table", path=source)
    known = {f.name: f for f in fields(kind)}
    defaults = kind()
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in known:
            raise ConfigError(
                f"unknown setting {name}.{key}",
                path=source,
                hint=f"known [{name}] settings: {', '.join(known)}",
            )
        default = getattr(defaults, key)
        if isinstance(default, bool):
            ok = isinstance(value, bool)
        elif isinstance(default, float):
            ok = isinstance(value, int | float) and not isinstance(value, bool)
            value = float(value) if ok else value
        elif isinstance(default, int):
            ok = isinstance(value, int) and not isinstance(value, bool)
        else:
            ok = isinstance(value, str)
            value = value.strip() if ok else value
        if not ok:
            kind_name = type(default).__name__.replace("str", "text").replace("float", "number")
            raise ConfigError(
                f"{name}.{key} must be {kind_name.replace('int', 'a whole number')}, not {value!r}",
                path=source,
            )
        values[key] = value
    return kind(**values)


def _music(data: dict[str, Any], source: str) -> MusicSettings:
    """[music] with its levels in ranges that make sense for a bed under a voice."""
    music = _settings(MusicSettings, data, "music", source)
    if not -60.0 <= music.level_db <= 0.0:
        raise ConfigError(
            f"music.level_db {music.level_db:g} is outside -60 to 0 dB",
            path=source,
            hint="how far under the voice the music sits, e.g. level_db = -20",
        )
    if not -40.0 <= music.duck_db <= 0.0:
        raise ConfigError(
            f"music.duck_db {music.duck_db:g} is outside -40 to 0 dB",
            path=source,
            hint="how much further the music dips while the voice speaks, e.g. duck_db = -8",
        )
    if not 0 <= music.fade_ms <= 30_000:
        raise ConfigError(
            f"music.fade_ms {music.fade_ms} is outside 0 to 30000 milliseconds",
            path=source,
            hint="e.g. fade_ms = 2000",
        )
    return music


_TIMECODE = re.compile(r"^\d{2}:[0-5]\d:[0-5]\d[:;]\d{2}$")
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def _feed(data: dict[str, Any], source: str) -> FeedSettings:
    feed = _settings(FeedSettings, data, "feed", source)
    if feed.base_url and not re.match(r"^https?://[^/\s]+", feed.base_url):
        raise ConfigError(
            f"feed.base_url {feed.base_url!r} is not a web address",
            path=source,
            hint='write where build/ is served, e.g. base_url = "https://example.org/podcast/"',
        )
    if feed.owner_email and "@" not in feed.owner_email:
        raise ConfigError(
            f"feed.owner_email {feed.owner_email!r} is not an e-mail address", path=source
        )
    return feed


def _video(data: dict[str, Any], source: str) -> VideoSettings:
    video = _settings(VideoSettings, data, "video", source)
    if video.fps not in EXACT_FPS:
        raise ConfigError(
            f"video.fps {video.fps:g} is not a frame rate editors use",
            path=source,
            hint="use one of " + ", ".join(f"{f:g}" for f in EXACT_FPS),
        )
    if not _TIMECODE.match(video.start_timecode):
        raise ConfigError(
            f"video.start_timecode {video.start_timecode!r} is not HH:MM:SS:FF",
            path=source,
            hint='e.g. start_timecode = "01:00:00:00"',
        )
    if int(video.start_timecode[-2:]) >= round(video.fps):
        raise ConfigError(
            f"video.start_timecode {video.start_timecode!r} has more frames than "
            f"{video.fps:g} fps allows",
            path=source,
        )
    for key in ("background_colour", "text_colour", "outline_colour"):
        if not _COLOUR.match(getattr(video, key)):
            raise ConfigError(f'video.{key} must be a colour like "#ffffff"', path=source)
    if video.position not in ("bottom", "top"):
        raise ConfigError('video.position must be "bottom" or "top"', path=source)
    if not 12 <= video.font_size <= 200 or not 0 <= video.margin <= 500:
        raise ConfigError(
            "video.font_size must be 12-200 and video.margin 0-500 pixels", path=source
        )
    return video


def parse_rules(table: dict[str, Any], source: str) -> SubtitleRules:
    profile = table.get("profile", "netflix")
    if not isinstance(profile, str) or profile not in RULE_PROFILES:
        raise ConfigError(
            f"unknown subtitle profile {profile!r}",
            path=source,
            hint=f"use one of: {', '.join(RULE_PROFILES)}",
        )
    rules = RULE_PROFILES[profile]
    changes: dict[str, Any] = {}
    for f in fields(SubtitleRules):
        if f.name == "name" or f.name not in table:
            continue
        value = table[f.name]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"subtitles.{f.name} must be a number", path=source)
        if f.name != "max_cps" and not isinstance(value, int):
            raise ConfigError(
                f"subtitles.{f.name} must be a whole number, not {value!r}", path=source
            )
        changes[f.name] = float(value) if f.name == "max_cps" else int(value)
    unknown = set(table) - {f.name for f in fields(SubtitleRules)} - {"profile"}
    if unknown:
        raise ConfigError(
            f"unknown subtitle setting {sorted(unknown)[0]!r}",
            path=source,
            hint="see the README for the [subtitles] settings",
        )
    rules = replace(rules, **changes)
    ok = (
        16 <= rules.max_line_chars <= 80
        and 1 <= rules.max_lines <= 3
        and 5 <= rules.max_cps <= 40
        and 200 <= rules.min_duration_ms < rules.max_duration_ms <= 20000
        and 0 <= rules.min_gap_ms <= 1000
    )
    if not ok:
        raise ConfigError(
            "subtitle rules out of range (line 16-80 characters, 1-3 lines, 5-40 characters "
            "a second, durations 200-20000 ms with min below max, gap 0-1000 ms)",
            path=source,
        )
    return rules


def channel_file(root: Path, name: str) -> Path | None:
    """A file the channel names (cover art, a background): absolute, in episodes/, or in the
    channel folder."""
    given = Path(name)
    for path in (given,) if given.is_absolute() else (root / "episodes" / given, root / given):
        if path.is_file():
            return path
    return None


def load_channel(channel_dir: Path) -> Channel:
    path = channel_dir / CHANNEL_FILE
    if not path.is_file():
        raise ConfigError(
            f"no channel here: {path} is missing",
            hint="run `toolkit init DIR` to create a channel, or pick one with -C DIR",
        )
    return parse_channel(read_text(path), str(path))
