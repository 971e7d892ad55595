"""The channel: who makes the show, how it signs off, who supports it, its subtitle rules.

Read from episodes/channel.toml in a channel folder. Everything is validated here, so a
mistake is reported once, with the file and the setting, before any episode is built.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

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


def parse_channel(text: str, source: str) -> Channel:
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
        source=source,
        voice_line=next(
            (n for n, line in enumerate(text.split("\n"), 1) if line.lstrip().startswith("voice")),
            None,
        ),
    )


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


def load_channel(channel_dir: Path) -> Channel:
    path = channel_dir / CHANNEL_FILE
    if not path.is_file():
        raise ConfigError(
            f"no channel here: {path} is missing",
            hint="run `toolkit init DIR` to create a channel, or pick one with -C DIR",
        )
    return parse_channel(read_text(path), str(path))
