"""Voice profiles: the built-in set, channel overrides, and validation with the file named."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.errors import ConfigError
from toolkit.voice import available_voices, load_voice, parse_voice

SOURCE = "voices/test.toml"

VALID = """\
engine = "espeak"
language = "en-gb"
rate = 170
pitch = 40
sample_rate = 22050

[pauses]
sentence = 300
paragraph = 800
segment = 1600

[estimate]
words_per_minute = 158.5
"""


def error_of(text: str) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        parse_voice("test", text, SOURCE)
    assert info.value.path == SOURCE
    assert str(info.value).startswith(SOURCE)
    return info.value


@pytest.mark.parametrize(
    ("name", "engine", "online"),
    [
        ("default", "espeak", False),
        ("uk", "espeak", False),
        ("gtts-us", "gtts", True),
        ("gtts-uk", "gtts", True),
    ],
)
def test_built_in_profiles(name: str, engine: str, online: bool) -> None:
    voice = load_voice(name, None)
    assert voice.name == name
    assert voice.engine == engine
    assert voice.online is online
    assert voice.source.endswith(f"{name}.toml")
    assert 60 <= voice.words_per_minute <= 450
    assert voice.sentence_pause_ms < voice.paragraph_pause_ms < voice.segment_pause_ms


def test_built_in_languages() -> None:
    assert load_voice("default", None).language == "en-us"
    assert load_voice("uk", None).language == "en-gb"
    assert load_voice("gtts-uk", None).tld == "co.uk"
    assert load_voice("gtts-us", None).tld == "com"


def test_available_voices_lists_the_built_ins_in_order() -> None:
    voices = available_voices(None)
    assert {"default", "uk", "gtts-us", "gtts-uk"} <= set(voices)
    assert list(voices) == sorted(voices)


def test_channel_voice_overrides_a_built_in(channel_dir: Path) -> None:
    path = channel_dir / "voices" / "uk.toml"
    path.write_text(VALID.replace("158.5", "201"), encoding="utf-8")
    voice = load_voice("uk", channel_dir)
    assert voice.words_per_minute == 201.0
    assert voice.source == str(path)
    assert available_voices(channel_dir)["uk"].source == str(path)
    assert load_voice("uk", None).words_per_minute != 201.0


def test_channel_adds_a_voice(channel_dir: Path) -> None:
    (channel_dir / "voices" / "slow.toml").write_text(
        VALID.replace("158.5", "120"), encoding="utf-8"
    )
    assert load_voice("slow", channel_dir).words_per_minute == 120.0
    voices = available_voices(channel_dir)
    assert "slow" in voices and "default" in voices
    assert "lexicon" not in voices  # voices/lexicon.toml is not a voice


def test_init_default_voice_is_the_built_in_one(channel_dir: Path) -> None:
    copied = load_voice("default", channel_dir)
    built_in = load_voice("default", None)
    assert copied.source == str(channel_dir / "voices" / "default.toml")
    assert {**vars(copied), "source": ""} == {**vars(built_in), "source": ""}


def test_unknown_voice_lists_the_known_ones(channel_dir: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_voice("robot", channel_dir)
    message = str(info.value)
    assert "unknown voice 'robot'" in message
    for name in ("default", "uk", "gtts-us", "gtts-uk"):
        assert name in message
    assert "voices/robot.toml" in message


def test_invalid_channel_voice_names_its_file(channel_dir: Path) -> None:
    path = channel_dir / "voices" / "default.toml"
    path.write_text('engine = "espeak"\nrate = \n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_voice("default", channel_dir)
    assert info.value.path == str(path)
    assert "TOML" in str(info.value)


def test_parse_full_profile() -> None:
    voice = parse_voice("test", VALID, SOURCE)
    assert (voice.engine, voice.language, voice.rate, voice.pitch) == ("espeak", "en-gb", 170, 40)
    assert (voice.sentence_pause_ms, voice.paragraph_pause_ms, voice.segment_pause_ms) == (
        300,
        800,
        1600,
    )
    assert voice.words_per_minute == 158.5
    assert voice.source == SOURCE


def test_defaults_of_an_empty_profile() -> None:
    espeak = parse_voice("e", "", SOURCE)
    assert espeak.engine == "espeak" and espeak.sample_rate == 22050
    assert espeak.words_per_minute == float(espeak.rate)
    gtts = parse_voice("g", 'engine = "gtts"\n', SOURCE)
    assert gtts.language == "en" and gtts.sample_rate == 24000 and gtts.online


def test_integer_words_per_minute_is_a_float() -> None:
    voice = parse_voice("test", "[estimate]\nwords_per_minute = 150\n", SOURCE)
    assert voice.words_per_minute == 150.0 and isinstance(voice.words_per_minute, float)


def test_invalid_toml() -> None:
    exc = error_of('engine = "espeak"\n[pauses\nsentence = 3\n')
    assert "TOML" in str(exc)
    assert ":2: " in str(exc)


def test_invalid_toml_names_the_line_as_file_colon_line() -> None:
    exc = error_of('engine = "espeak"\n[pauses\nsentence = 3\n')
    assert exc.line == 2
    assert str(exc).startswith(f"{SOURCE}:2: ")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('rate = "fast"\n', ["rate", "int"]),
        ("rate = 170.5\n", ["rate", "int"]),
        ("pitch = true\n", ["pitch", "int"]),
        ("engine = 3\n", ["engine", "str"]),
        ('slow = "no"\n', ["slow", "bool"]),
        ("language = 1\n", ["language", "str"]),
        ('[pauses]\nsentence = "long"\n', ["pauses.sentence", "int"]),
        ("[pauses]\nparagraph = 1.5\n", ["pauses.paragraph", "int"]),
        ('[estimate]\nwords_per_minute = "150"\n', ["estimate.words_per_minute", "float"]),
        ("[estimate]\nwords_per_minute = true\n", ["estimate.words_per_minute"]),
        ("pauses = 3\n", ["[pauses]", "table"]),
        ('estimate = "x"\n', ["[estimate]", "table"]),
        ('engine = "polly"\n', ["engine", "espeak", "gtts", "'polly'"]),
        ("lexicon = 3\n", ["lexicon"]),
    ],
)
def test_wrong_types(text: str, words: list[str]) -> None:
    message = str(error_of(text))
    for word in words:
        assert word in message


@pytest.mark.parametrize(
    ("text", "setting"),
    [
        ("rate = 10\n", "rate"),
        ("rate = 1000\n", "rate"),
        ("pitch = -1\n", "pitch"),
        ("pitch = 120\n", "pitch"),
        ("sample_rate = 1000\n", "sample_rate"),
        ("sample_rate = 96000\n", "sample_rate"),
        ("[pauses]\nsentence = -1\n", "pauses.sentence"),
        ("[pauses]\nsegment = 60000\n", "pauses.segment"),
        ("[estimate]\nwords_per_minute = 5\n", "estimate.words_per_minute"),
        ("[estimate]\nwords_per_minute = 5000\n", "estimate.words_per_minute"),
        ("[estimate]\nwords_per_minute = nan\n", "estimate.words_per_minute"),
        ("[estimate]\nwords_per_minute = inf\n", "estimate.words_per_minute"),
        ("rate = 30\n", "rate"),  # and words_per_minute follows it when not given
    ],
)
def test_impossible_settings(text: str, setting: str) -> None:
    message = str(error_of(text))
    assert setting in message
    assert "must be" in message


@pytest.mark.parametrize(
    "text",
    [
        "rate = 80\n",
        "rate = 450\n",
        "pitch = 0\n",
        "pitch = 99\n",
        "[pauses]\nsentence = 0\n",
        "[estimate]\nwords_per_minute = 60\n",
    ],
)
def test_limits_are_inclusive(text: str) -> None:
    parse_voice("test", text, SOURCE)
