"""The pronunciation lexicon in real builds: it changes narration.txt and the audio, never
the subtitles or the script; only the sentences it touches are synthesized again; a broken
lexicon is one error line naming the file and line; a voice's own lexicon goes on top.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from toolkit.cli import cli

BODY = """Captain Morrow kept the light for twenty years. The island was small and cold.

## The Storm

The barometer fell faster than anyone could remember. Morrow did not sleep that night.

By morning the boat was gone. NATO later sent a ship, and Nato sailors searched the bay.

## Afterwards

The supply ship came back in April. It brought letters for Morrow's family.
"""
MORROW_SENTENCES = 3  # "Morrow" and "Morrow's": the entry matches the word inside both


def run(folder: Path, *args: str) -> Any:
    return CliRunner(mix_stderr=False).invoke(cli, ["-C", str(folder), *args])


def build(folder: Path, *args: str) -> Any:
    result = run(folder, "build", *args)
    assert result.exit_code == 0, result.output + result.stderr
    return result


def synthesized(output: str) -> int:
    match = re.search(r"(\d+) synthesized, (\d+) from cache", output)
    assert match, output
    return int(match.group(1))


def kit_text(folder: Path, name: str) -> str:
    return (folder / "build" / "light" / name).read_text(encoding="utf-8")


def set_lexicon(folder: Path, text: str, name: str = "lexicon.toml") -> Path:
    path = folder / "voices" / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def light(channel_dir: Path, write_episode: Callable[..., Path]) -> Path:
    write_episode("001-light.md", BODY, title="The Light")
    return channel_dir


def test_an_entry_changes_the_speech_and_the_audio_but_not_the_subtitles(light: Path) -> None:
    plain = build(light)
    assert "more oh" not in kit_text(light, "narration.txt")
    narration_lines = kit_text(light, "narration.txt").splitlines()
    with_word = [line for line in narration_lines if re.search(r"\bMorrow\b", line)]
    assert len(with_word) == MORROW_SENTENCES
    mp3 = light / "build/light/narration.mp3"
    before = mp3.read_bytes()
    total = int(re.search(r"light: (\d+) sentences", plain.output).group(1))  # type: ignore[union-attr]

    set_lexicon(light, '[words]\n"Morrow" = "more oh"\n')
    result = build(light)
    assert synthesized(result.output) == len(with_word), result.output
    assert f"{total - len(with_word)} from cache" in result.output

    narration = kit_text(light, "narration.txt")
    assert "Morrow" not in narration
    assert narration.count("more oh") == MORROW_SENTENCES
    assert "Captain more oh kept the light" in narration
    assert "letters for more oh's family" in narration
    for name in ("subtitles.srt", "subtitles.vtt", "script.md"):
        text = kit_text(light, name)
        assert "more oh" not in text, name
        assert "Captain Morrow" in text and "Morrow's family" in text, name
    cues = json.loads(kit_text(light, "timing.json"))["cues"]  # display and spoken text
    assert not [c for c in cues if "more oh" in c["text"]]
    assert len([c for c in cues if "more oh" in c["spoken"]]) >= MORROW_SENTENCES
    assert mp3.read_bytes() != before

    set_lexicon(light, "[words]\n")  # back as it was: every sentence is in the cache
    again = build(light)
    assert synthesized(again.output) == 0
    assert mp3.read_bytes() == before


def test_an_entry_for_a_word_not_in_the_episode_changes_nothing(light: Path) -> None:
    build(light)
    mp3 = (light / "build/light/narration.mp3").read_bytes()
    set_lexicon(light, '[words]\n"Belenko" = "bell yen koh"\n"morrow" = "more oh"\n')
    result = build(light)
    assert synthesized(result.output) == 0  # "morrow" is case-sensitive: Morrow is untouched
    assert (light / "build/light/narration.mp3").read_bytes() == mp3


def test_an_any_case_entry_matches_every_capitalisation(light: Path) -> None:
    set_lexicon(light, '[words]\n"nato" = { say = "nay toe", case = "any" }\n')
    build(light, "--no-audio")
    narration = kit_text(light, "narration.txt")
    assert "nay toe later sent a ship, and nay toe sailors" in narration
    assert not re.search(r"\bnato\b", narration, re.IGNORECASE)
    for name in ("subtitles.srt", "script.md"):
        text = kit_text(light, name)
        assert "NATO later sent a ship" in text and "Nato sailors" in text, name
        assert "nay toe" not in text, name


def test_an_exact_entry_matches_only_its_spelling(light: Path) -> None:
    set_lexicon(light, '[words]\n"NATO" = "nay toe"\n')
    build(light, "--no-audio")
    narration = kit_text(light, "narration.txt")
    assert "nay toe later sent a ship" in narration
    assert narration.count("nay toe") == 1  # "Nato sailors" is another spelling


@pytest.mark.parametrize(
    ("text", "line", "says"),
    [
        ('[words]\n"A" = 3\n', 2, "must be a string or a table"),
        ('# names\n[words]\n"Morrow" = "more oh"\n"A" = \n', 4, "not valid TOML"),
        ('[words]\n"Morrow." = "more oh"\n', 2, "punctuation"),
        ('[words]\n"Morrow" = { say = "more oh", case = "some" }\n', 2, "case"),
        ('[words]\n"Morrow" = { spell = "more oh" }\n', 2, "unknown field"),
        ('[words]\n"Morrow" = "  "\n', 2, "says nothing"),
        ('[word]\n"Morrow" = "more oh"\n', 1, "unknown setting"),
    ],
)
def test_a_malformed_lexicon_is_one_error_naming_the_file_and_line(
    light: Path, text: str, line: int, says: str
) -> None:
    set_lexicon(light, text)
    result = run(light, "build")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    errors = [x for x in lines if x.startswith("error: ")]
    assert len(errors) == 1, result.stderr
    assert f"voices/lexicon.toml:{line}: " in errors[0]
    assert says in errors[0]
    assert "Traceback" not in result.stderr
    assert not (light / "build/light").exists()


def test_a_voice_lexicon_goes_on_top_of_the_channel_lexicon(light: Path) -> None:
    set_lexicon(light, '[words]\n"Morrow" = "more oh"\n"Captain" = "cap tin"\n')
    set_lexicon(light, '[words]\n"Morrow" = "mar row"\n', name="names.toml")
    profile = light / "voices/default.toml"
    profile.write_text('lexicon = "names.toml"\n' + profile.read_text(encoding="utf-8"))
    build(light, "--no-audio")
    narration = kit_text(light, "narration.txt")
    assert "cap tin mar row kept the light" in narration  # both files apply; the voice's wins
    assert "more oh" not in narration and "Morrow" not in narration
    assert "Captain Morrow" in kit_text(light, "subtitles.srt")

    # Another voice does not use the default voice's own lexicon, only the channel's.
    build(light, "--no-audio", "--voice", "uk")
    narration = kit_text(light, "narration.txt")
    assert "cap tin more oh kept the light" in narration
    assert "mar row" not in narration


def test_a_missing_voice_lexicon_names_the_profile(light: Path) -> None:
    profile = light / "voices/default.toml"
    profile.write_text('lexicon = "names.toml"\n' + profile.read_text(encoding="utf-8"))
    result = run(light, "build", "--no-audio")
    assert result.exit_code == 1
    [error] = result.stderr.splitlines()
    assert error.startswith("error: ") and "voices/default.toml" in error
    assert "names.toml" in error


def test_voices_lists_profiles_beside_a_voice_lexicon(light: Path) -> None:
    set_lexicon(light, '[words]\n"Morrow" = "mar row"\n', name="names.toml")
    profile = light / "voices/default.toml"
    profile.write_text('lexicon = "names.toml"\n' + profile.read_text(encoding="utf-8"))
    result = run(light, "voices")
    assert result.exit_code == 0, result.stderr
    assert "default" in result.output
    assert "names" not in result.output
