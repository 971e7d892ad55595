"""channel.toml: validated once, every mistake reported with the file and the setting."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.channel import RULE_PROFILES, SubtitleRules, load_channel, parse_channel
from toolkit.errors import ConfigError, InputError

SOURCE = "episodes/channel.toml"

FULL = """\
name = "Footnotes of History"
host = "Mara Lindqvist"
tagline = "The small stories behind the big ones."
sign_off = "Until next time."
voice = "uk"
language = "en"

[links]
website = "https://footnotes.example"
shop = "https://shop.footnotes.example"
patreon = "https://www.patreon.com/footnotes"

[patrons]
"Archivist" = ["Helena Varga", "Tomasz Wierzbicki"]
"Chronicler" = ["Benedikt Auer"]
"Reader" = ["Aino Laine", "Bram Claes", "Carmen Ruiz"]

[subtitles]
profile = "bbc"
max_cps = 16
"""


def error_of(text: str) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        parse_channel(text, SOURCE)
    assert info.value.path == SOURCE
    assert str(info.value).startswith(SOURCE)
    return info.value


def test_full_channel() -> None:
    channel = parse_channel(FULL, SOURCE)
    assert channel.name == "Footnotes of History"
    assert channel.host == "Mara Lindqvist"
    assert channel.sign_off == "Until next time."
    assert channel.voice == "uk"
    assert channel.links.patreon == "https://www.patreon.com/footnotes"
    assert channel.links.shop == "https://shop.footnotes.example"
    assert channel.rules == SubtitleRules(
        name="bbc", max_line_chars=37, max_cps=16.0, min_duration_ms=1000
    )
    assert channel.source == SOURCE
    assert channel.patron_count == 6


def test_patrons_keep_the_tier_order_of_the_file() -> None:
    text = 'name = "A"\n[patrons]\n"Zeta" = ["z"]\n"Alpha" = ["b", "  ", " c "]\n"Mid" = []\n'
    channel = parse_channel(text, SOURCE)
    assert [t.tier for t in channel.patrons] == ["Zeta", "Alpha", "Mid"]
    assert [t.names for t in channel.patrons] == [("z",), ("b", "c"), ()]
    assert channel.patron_count == 3


def test_defaults_of_a_minimal_channel() -> None:
    channel = parse_channel('name = "A"\n', SOURCE)
    assert channel.voice == "default"
    assert channel.language == "en"
    assert channel.patrons == ()
    assert channel.rules == RULE_PROFILES["netflix"] == SubtitleRules()
    assert (channel.links.website, channel.links.shop, channel.links.patreon) == ("", "", "")


def test_text_is_stripped() -> None:
    channel = parse_channel('name = "  A Channel  "\nhost = " Me "\n', SOURCE)
    assert (channel.name, channel.host) == ("A Channel", "Me")


def test_bad_toml() -> None:
    exc = error_of('name = "A"\nhost = \n')
    assert "TOML" in str(exc)
    assert ":2: " in str(exc)


def test_bad_toml_names_the_line_as_file_colon_line() -> None:
    exc = error_of('name = "A"\nhost = \n')
    assert exc.line == 2
    assert str(exc).startswith(f"{SOURCE}:2: ")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("name = 3\n", ["name", "text"]),
        ('name = "A"\nhost = ["x"]\n', ["host", "text"]),
        ('name = "A"\n[links]\nwebsite = 3\n', ["website", "text"]),
        ('name = "A"\nlinks = "https://x"\n', ["[links]", "table"]),
        ('name = "A"\npatrons = ["Ann"]\n', ["[patrons]", "table"]),
        ('name = "A"\nsubtitles = 3\n', ["[subtitles]", "table"]),
        ('name = "A"\n[patrons]\ngold = "Ann"\n', ["patrons.gold", "list"]),
        ('name = "A"\n[patrons]\ngold = ["Ann", 3]\n', ["patrons.gold", "list"]),
        (
            'name = "A"\n[subtitles]\nmax_line_chars = "42"\n',
            ["subtitles.max_line_chars", "number"],
        ),
        ('name = "A"\n[subtitles]\nmax_lines = true\n', ["subtitles.max_lines", "number"]),
    ],
)
def test_wrong_types(text: str, words: list[str]) -> None:
    message = str(error_of(text))
    for word in words:
        assert word in message


@pytest.mark.parametrize("text", ['host = "x"\n', 'name = ""\n', 'name = "   "\n', ""])
def test_missing_name(text: str) -> None:
    message = str(error_of(text))
    assert "name is missing" in message
    assert 'name = "' in message  # the hint says what to add


def test_unknown_subtitle_profile_lists_the_known_ones() -> None:
    message = str(error_of('name = "A"\n[subtitles]\nprofile = "itv"\n'))
    assert "'itv'" in message
    for name in RULE_PROFILES:
        assert name in message


def test_subtitle_profile_of_the_wrong_type() -> None:
    error_of('name = "A"\n[subtitles]\nprofile = ["netflix"]\n')


def test_unknown_subtitle_setting() -> None:
    message = str(error_of('name = "A"\n[subtitles]\nmax_chars = 40\n'))
    assert "unknown subtitle setting 'max_chars'" in message


@pytest.mark.parametrize(
    "setting",
    [
        "max_line_chars = 10",
        "max_line_chars = 100",
        "max_lines = 0",
        "max_lines = 4",
        "max_cps = 2",
        "max_cps = 41",
        "max_cps = nan",
        "max_cps = inf",
        "min_duration_ms = 100",
        "min_duration_ms = 8000",
        "max_duration_ms = 30000",
        "min_duration_ms = 3000\nmax_duration_ms = 3000",
        "min_gap_ms = -1",
        "min_gap_ms = 5000",
    ],
)
def test_out_of_range_rules(setting: str) -> None:
    message = str(error_of(f'name = "A"\n[subtitles]\n{setting}\n'))
    assert "out of range" in message


@pytest.mark.parametrize(
    "setting",
    [
        "max_line_chars = 16",
        "max_line_chars = 80",
        "max_lines = 3",
        "max_cps = 17.5",
        "min_gap_ms = 0",
    ],
)
def test_rules_at_the_edges_are_accepted(setting: str) -> None:
    key, value = (part.strip() for part in setting.split("="))
    rules = parse_channel(f'name = "A"\n[subtitles]\n{setting}\n', SOURCE).rules
    assert getattr(rules, key) == float(value)


def test_settings_override_the_chosen_profile() -> None:
    rules = parse_channel(
        'name = "A"\n[subtitles]\nprofile = "bbc"\nmin_gap_ms = 120\n', SOURCE
    ).rules
    assert rules.name == "bbc"
    assert rules.max_line_chars == 37
    assert rules.min_gap_ms == 120
    assert isinstance(rules.max_cps, float) and isinstance(rules.min_gap_ms, int)


def test_fractional_line_count_is_refused() -> None:
    error_of('name = "A"\n[subtitles]\nmax_lines = 2.5\n')


def test_load_channel_without_channel_toml(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_channel(tmp_path)
    message = str(info.value)
    assert "toolkit init" in message
    assert "channel.toml" in message


def test_load_channel_from_init(channel_dir: Path) -> None:
    channel = load_channel(channel_dir)
    assert channel.name
    assert channel.rules == SubtitleRules()
    assert channel.source == str(channel_dir / "episodes" / "channel.toml")


def test_load_channel_error_names_the_file(channel_dir: Path) -> None:
    path = channel_dir / "episodes" / "channel.toml"
    path.write_text('name = "A"\n[subtitles]\nprofile = "itv"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_channel(channel_dir)
    assert info.value.path == str(path)


def test_empty_channel_file_is_refused(channel_dir: Path) -> None:
    (channel_dir / "episodes" / "channel.toml").write_text("\n\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_channel(channel_dir)
    assert "channel.toml" in str(info.value)
