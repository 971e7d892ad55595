"""`toolkit lint`: each finding, with file and line, and the exit codes."""

from __future__ import annotations

import html
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from toolkit.cli import cli
from toolkit.text.lint import is_inflection

CLEAN = """The keeper climbed the stairs every night.

## The Storm

Ada Morrow kept the lamp burning. Morrow never missed a night. Everyone knew Morrow.
"""


def lint(folder: Path, *args: str) -> tuple[int, list[str], str]:
    result = CliRunner(mix_stderr=False).invoke(cli, ["-C", str(folder), "lint", *args])
    return result.exit_code, result.output.splitlines(), result.stderr


def test_a_clean_episode_exits_0(channel_dir: Path, write_episode: Callable[..., Path]) -> None:
    write_episode("001-clean.md", CLEAN)
    code, lines, stderr = lint(channel_dir)
    assert (code, lines) == (0, [])
    assert "no problems" in stderr


def test_each_kind_of_problem_is_found_with_its_line(
    channel_dir: Path, write_episode: Callable[..., Path]
) -> None:
    body = (
        CLEAN
        + "\nMorow came back in the spring.\n"  # line 11: a one-letter variant
        + "\n"
        + " ".join(["word"] * 45)
        + ".\n"  # line 13: too long to narrate
        + "\nShe said (quietly that it was over.\n"  # line 15: unbalanced bracket
        + "\nThe **bold claim was wrong.\n"  # line 17: leftover markup
        + "\nThe code was 12:34:56:78 that day.\n"  # line 19: cannot be said
    )
    path = write_episode("001-problems.md", body)
    code, lines, _ = lint(channel_dir)
    assert code == 1
    text = "\n".join(lines)
    assert f"{path}:11: 'Morow' may be a misspelling of 'Morrow'" in text
    assert f"{path}:13: a sentence of 45 words is hard to narrate" in text
    assert f"{path}:15: unbalanced ( )" in text
    assert f"{path}:17: leftover markup '**'" in text
    assert f"{path}:19: '12:34:56:78' cannot be said as words" in text
    assert all(line.startswith(f"{path}:") for line in lines)


def test_characters_that_count_are_found_though_they_are_word_characters(
    channel_dir: Path, write_episode: Callable[..., Path]
) -> None:
    """², ½ and Ⅳ are word characters to a regular expression, but the voice can only
    guess at them: lint says so, whether or not the rest of the sentence has digits."""
    body = (
        CLEAN
        + "\nThe field measured x² across.\n"  # line 11
        + "\nHe drank ½ of the wine.\n"  # line 13
        + "\nThe treaty of Article Ⅳ held.\n"  # line 15
    )
    path = write_episode("001-symbols.md", body)
    code, lines, _ = lint(channel_dir)
    text = "\n".join(lines)
    assert code == 1
    assert f"{path}:11: 'x²' cannot be said as words" in text
    assert f"{path}:15: 'Ⅳ' cannot be said as words" in text
    # ½ has a name the voice says ("half"): not a finding.
    assert f"{path}:13:" not in text


def test_lint_may_be_unspeakable_never_skips_what_can_be_flagged() -> None:
    """The quick test that lets lint skip a sentence without speaking it again (with
    another lexicon) skips nothing that find_unspeakable would flag, in and between words:
    every character of the first three planes but letters, and every 13th letter."""
    import unicodedata

    from toolkit.text.lint import _may_be_unspeakable
    from toolkit.text.speak import EMPTY_LEXICON, find_unspeakable

    missed = []
    for point in range(0x20, 0x30000):
        char = chr(point)
        if unicodedata.category(char) in ("Cs", "Cn", "Co", "Cc", "Zl", "Zp"):
            continue
        if char.isalpha() and not char.isnumeric() and point % 13:
            continue
        if _may_be_unspeakable(f"a{char}b"):
            continue  # the sentence is spoken: nothing to check
        for text in (f"The a{char}b was here.", f"The {char} was here."):
            if find_unspeakable(text, EMPTY_LEXICON):
                missed.append(text)
    assert missed == []


def test_names_are_checked_across_the_channel_on_request(
    channel_dir: Path, write_episode: Callable[..., Path]
) -> None:
    write_episode("001-first.md", CLEAN, number=1)
    write_episode(
        "002-second.md", "The lamp was lit by Ada Morrrow that winter.\n", title="Two", number=2
    )
    code, lines, _ = lint(channel_dir, "--channel-names", "2")
    assert code == 1
    assert any("'Morrrow' may be a misspelling of 'Morrow'" in line for line in lines)
    assert all("002-second.md" in line for line in lines)
    # By default each episode counts its own names, as its page does.
    assert lint(channel_dir, "2")[:2] == (0, [])


def test_captions_are_checked_too(channel_dir: Path, write_episode: Callable[..., Path]) -> None:
    write_episode("001-caption.md", CLEAN + "\n![Ada Morow in 1934]()\n")
    code, lines, _ = lint(channel_dir)
    assert code == 1
    assert any(":11: 'Morow' may be a misspelling" in line for line in lines)


def test_subtitle_rule_breaks_are_reported(
    channel_dir: Path, write_episode: Callable[..., Path]
) -> None:
    toml = channel_dir / "episodes/channel.toml"
    toml.write_text(toml.read_text().replace("# max_cps = 20", "max_cps = 8"))
    write_episode("001-fast.md", CLEAN)
    code, lines, _ = lint(channel_dir)
    assert code == 1
    assert any("subtitles: cue" in line and "characters a second" in line for line in lines)


def test_unknown_episode_is_an_input_error(channel_dir: Path) -> None:
    code, _, stderr = lint(channel_dir, "nope")
    assert code == 1
    assert stderr.startswith("error: ")


INFLECTED = """The Koreans crossed the river at dawn.

## The Border

Every Korean soldier knew the road. A Korean officer led them. The Korean line held.
Korea was quiet that week. Korea's winter came early. Korea had seen worse.
West-Germany signed first; a West-German envoy, a West-German banker and a West-German
judge watched. Germany waited. Russia waited too, and a Russian envoy, a Russian clerk and a
Russian guard stood by the door. The Dutchman's boat was late. The Dutchman waited. The
Dutchman slept. The Dutchman woke. The Dutchmans were unknown there.
"""


def test_inflections_of_a_name_are_not_misspellings(
    channel_dir: Path, write_episode: Callable[..., Path]
) -> None:
    write_episode("001-border.md", INFLECTED)
    assert lint(channel_dir)[:2] == (0, [])


def test_a_rare_spelling_beside_a_frequent_one_is_still_found(
    channel_dir: Path, write_episode: Callable[..., Path]
) -> None:
    told = " ".join(f"Brenlow walked the fence on day {n}." for n in range(8))
    path = write_episode("001-fence.md", f"{told}\n\nThen Benlow stopped by the gate.\n")
    code, lines, _ = lint(channel_dir)
    assert code == 1
    assert f"{path}:7: 'Benlow' may be a misspelling of 'Brenlow' (used 8 times)" in lines


def _page_findings(index: Path) -> list[str]:
    section = index.read_text(encoding="utf-8").split('id="findings"', 1)[1]
    section = section.split("</section>", 1)[0]
    return [html.unescape(item) for item in re.findall(r"<li>(.*?)</li>", section, re.S)]


def _lint_findings(folder: Path, episode: str) -> list[str]:
    _, lines, _ = lint(folder, episode)
    return [line.replace(f"{folder}{os.sep}", "") for line in lines]


@pytest.mark.parametrize("audio", [False, True], ids=["no-audio", "audio"])
def test_the_page_shows_what_lint_finds(
    channel_dir: Path, write_episode: Callable[..., Path], runner: CliRunner, audio: bool
) -> None:
    toml = channel_dir / "episodes/channel.toml"
    toml.write_text(toml.read_text().replace("# max_cps = 20", "max_cps = 12"))
    # Halvorson is rare here but frequent in the other episode: counted per episode, it is a
    # variant of Halvorsen in both the page and lint (they once counted differently).
    write_episode(
        "001-keeper.md",
        "Halvorsen rowed out. Halvorsen rowed back. Halvorsen slept. Halvorsen woke.\n\n"
        "Then Halvorson (the brother, rowed out at 12:34:56:78 without a lamp.\n",
        number=1,
    )
    write_episode(
        "002-brother.md",
        "Halvorson kept goats. Halvorson sold them. Halvorson left the island.\n",
        title="The Brother",
        number=2,
    )
    args = ["-C", str(channel_dir), "build", "1"] + ([] if audio else ["--no-audio"])
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output + result.stderr
    (index,) = (channel_dir / "build").glob("*/index.html")
    page = _page_findings(index)
    assert page == _lint_findings(channel_dir, "1")
    assert any("'Halvorson' may be a misspelling of 'Halvorsen'" in line for line in page)
    assert any("unbalanced ( )" in line for line in page)
    assert any("'12:34:56:78' cannot be said" in line for line in page)


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Koreans", "Korean", True),
        ("Korea", "Korean", True),
        ("Germany", "German", True),
        ("West-Germany", "West-German", True),
        ("Iraqi", "Iraq", True),
        ("Benlow", "Brenlow", False),
        ("Stalis", "Stalin", False),
        ("Bergmann", "Bergman", False),
        ("East-German", "West-German", False),
    ],
)
def test_inflections_are_told_from_misspellings(a: str, b: str, same: bool) -> None:
    assert is_inflection(a, b) is same
    assert is_inflection(b, a) is same
