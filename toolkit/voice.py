"""Voice profiles: which engine speaks, how fast, and the pauses between sentences.

Profiles are TOML files. A default set ships inside the package (toolkit/voices/); a
channel's voices/ folder adds profiles or overrides them by name.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, partial
from importlib import resources
from pathlib import Path
from typing import Any

from toolkit.errors import ConfigError
from toolkit.files import parse_toml, read_text

ENGINES = ("espeak", "gtts", "piper")


@dataclass(frozen=True)
class VoiceProfile:
    name: str
    engine: str  # "espeak" or "piper" (offline) or "gtts" (online)
    language: str  # espeak voice ("en-us", "en-gb") or gTTS language ("en")
    rate: int  # engine speaking rate setting, words per minute (espeak)
    pitch: int  # 0..99 (espeak)
    tld: str  # gTTS top-level domain ("com", "co.uk")
    slow: bool  # gTTS slow mode
    sentence_pause_ms: int
    paragraph_pause_ms: int
    segment_pause_ms: int
    sample_rate: int  # Hz of the narration PCM and MP3
    words_per_minute: float  # the measured speaking rate used for estimates
    comma_pause_ms: int = 120  # measured pause at a comma, semicolon, colon or dash
    sentence_ms: int = 0  # measured time every sentence takes beyond its words
    lexicon: str | None = None  # extra lexicon file, relative to the voices folder
    source: str = "<built-in>"  # the file the profile came from
    model: str | None = None  # piper: a voice .onnx (relative to the profile); None: bundled
    length_scale: float = 1.0  # piper: phoneme lengths (> 1 speaks slower)
    noise_scale: float = 0.0  # piper: generator noise (0 keeps rebuilds byte-identical)
    noise_w_scale: float = 0.0  # piper: phoneme width noise (0 keeps rebuilds byte-identical)

    @property
    def online(self) -> bool:
        return self.engine == "gtts"


@lru_cache(maxsize=1)
def _builtin_files() -> dict[str, Callable[[], tuple[str, str]]]:
    """The profiles shipped in the package (listed once: they do not change while it runs)."""
    found: dict[str, Callable[[], tuple[str, str]]] = {}
    folder = resources.files("toolkit") / "voices"
    for entry in folder.iterdir():
        if entry.name.endswith(".toml"):
            found[entry.name[:-5]] = partial(
                lambda e: (e.read_text(encoding="utf-8"), f"<built-in>/{e.name}"), entry
            )
    return found


def _channel_files(channel_dir: Path | None) -> dict[str, Callable[[], tuple[str, str]]]:
    """The channel's profiles, read only when asked for: a broken profile that an
    episode does not use must not stop its build."""
    found: dict[str, Callable[[], tuple[str, str]]] = {}
    if channel_dir is None:
        return found
    folder = channel_dir / "voices"
    if folder.is_dir():
        for path in sorted(folder.glob("*.toml")):
            if path.stem.startswith("lexicon"):
                continue
            found[path.stem] = partial(lambda p: (read_text(p), str(p)), path)
    return found


def available_voices(channel_dir: Path | None) -> dict[str, VoiceProfile]:
    """Every profile by name: the built-in ones, then the channel's on top."""
    files = {**_builtin_files(), **_channel_files(channel_dir)}
    profiles = {}
    for name in sorted(files):
        text, source = files[name]()
        if _is_lexicon(text):
            continue  # a voice's own lexicon file ("names.toml") lives beside the profiles
        profiles[name] = parse_voice(name, text, source)
    return profiles


def _is_lexicon(text: str) -> bool:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return False
    return "words" in data and "engine" not in data


def load_voice(name: str, channel_dir: Path | None) -> VoiceProfile:
    files = {**_builtin_files(), **_channel_files(channel_dir)}
    if name not in files:
        known = ", ".join(sorted(files))
        raise ConfigError(
            f"unknown voice {name!r}",
            hint=f"use one of: {known} (or add voices/{name}.toml)",
        )
    return parse_voice(name, *files[name]())


def _get(
    table: dict[str, Any], key: str, kind: type, default: Any, source: str, prefix: str = ""
) -> Any:
    value = table.get(key, default)
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ConfigError(
            f"{prefix}{key} must be {kind.__name__}, not {value!r}",
            path=source,
            hint="fix the voice profile",
        )
    return value


@lru_cache(maxsize=32)
def parse_voice(name: str, text: str, source: str) -> VoiceProfile:
    """Parse and validate one profile; every problem names the file and the setting. The
    same text parses once (every episode of a build loads its voice; profiles are frozen)."""
    data = parse_toml(text, source, "voice profile")
    known = {"engine", "language", "rate", "pitch", "tld", "slow", "sample_rate", "lexicon"}
    known |= {"model", "length_scale", "noise_scale", "noise_w_scale"}
    tables = {
        "pauses": {"sentence", "paragraph", "segment"},
        "estimate": {"words_per_minute", "comma_pause_ms", "sentence_ms"},
    }
    for key, value in data.items():
        if key in tables and isinstance(value, dict):
            for sub in value:
                if sub not in tables[key]:
                    raise ConfigError(
                        f"unknown setting {key}.{sub}",
                        path=source,
                        hint=f"[{key}] takes {', '.join(sorted(tables[key]))}",
                    )
        elif key not in known and key not in tables:
            raise ConfigError(
                f"unknown setting {key!r}",
                path=source,
                hint=f"a voice profile takes {', '.join(sorted(known | set(tables)))}",
            )
    pauses = data.get("pauses", {})
    estimate = data.get("estimate", {})
    if not isinstance(pauses, dict) or not isinstance(estimate, dict):
        raise ConfigError("[pauses] and [estimate] must be tables", path=source)
    engine = _get(data, "engine", str, "espeak", source)
    if engine not in ENGINES:
        raise ConfigError(
            f"engine must be one of {', '.join(ENGINES)}, not {engine!r}", path=source
        )
    rate = _get(data, "rate", int, 160, source)
    profile = VoiceProfile(
        name=name,
        engine=engine,
        language=_get(data, "language", str, "en-us" if engine == "espeak" else "en", source),
        rate=rate,
        pitch=_get(data, "pitch", int, 50, source),
        tld=_get(data, "tld", str, "com", source),
        slow=_get(data, "slow", bool, False, source),
        sentence_pause_ms=_get(pauses, "sentence", int, 350, source, "pauses."),
        paragraph_pause_ms=_get(pauses, "paragraph", int, 700, source, "pauses."),
        segment_pause_ms=_get(pauses, "segment", int, 1200, source, "pauses."),
        sample_rate=_get(data, "sample_rate", int, 24000 if engine == "gtts" else 22050, source),
        words_per_minute=_get(
            estimate, "words_per_minute", float, float(rate), source, "estimate."
        ),
        comma_pause_ms=_get(estimate, "comma_pause_ms", int, 120, source, "estimate."),
        sentence_ms=_get(estimate, "sentence_ms", int, 0, source, "estimate."),
        lexicon=data.get("lexicon"),
        source=source,
        model=_get(data, "model", str, "", source) or None,
        length_scale=_get(data, "length_scale", float, 1.0, source),
        noise_scale=_get(data, "noise_scale", float, 0.0, source),
        noise_w_scale=_get(data, "noise_w_scale", float, 0.0, source),
    )
    _check_ranges(profile)
    return profile


def _check_ranges(p: VoiceProfile) -> None:
    checks: list[tuple[bool, str]] = [
        (80 <= p.rate <= 450, f"rate must be between 80 and 450 words per minute, not {p.rate}"),
        (0 <= p.pitch <= 99, f"pitch must be between 0 and 99, not {p.pitch}"),
        (
            8000 <= p.sample_rate <= 48000,
            f"sample_rate must be between 8000 and 48000 Hz, not {p.sample_rate}",
        ),
        (
            60 <= p.words_per_minute <= 450,
            f"estimate.words_per_minute must be between 60 and 450, not {p.words_per_minute:g}",
        ),
    ]
    checks.append(
        (0 <= p.sentence_ms <= 2000, f"estimate.sentence_ms must be 0 to 2000, not {p.sentence_ms}")
    )
    checks.append(
        (
            0 <= p.comma_pause_ms <= 2000,
            f"estimate.comma_pause_ms must be 0 to 2000, not {p.comma_pause_ms}",
        )
    )
    checks.append(
        (
            0.25 <= p.length_scale <= 4.0,
            f"length_scale must be between 0.25 and 4, not {p.length_scale:g}",
        )
    )
    for noise, label in ((p.noise_scale, "noise_scale"), (p.noise_w_scale, "noise_w_scale")):
        checks.append((0.0 <= noise <= 2.0, f"{label} must be between 0 and 2, not {noise:g}"))
    for pause, label in (
        (p.sentence_pause_ms, "sentence"),
        (p.paragraph_pause_ms, "paragraph"),
        (p.segment_pause_ms, "segment"),
    ):
        checks.append((0 <= pause <= 10000, f"pauses.{label} must be 0 to 10000 ms, not {pause}"))
    if p.lexicon is not None and not isinstance(p.lexicon, str):
        checks.append((False, "lexicon must be a file name"))
    for ok, message in checks:
        if not ok:
            raise ConfigError(message, path=p.source, hint="fix the voice profile")
