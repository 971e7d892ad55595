"""`toolkit lint`: each finding, with file and line, and the exit codes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner

from toolkit.cli import cli

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


def test_names_are_checked_across_the_channel(
    channel_dir: Path, write_episode: Callable[..., Path]
) -> None:
    write_episode("001-first.md", CLEAN, number=1)
    write_episode(
        "002-second.md", "The lamp was lit by Ada Morrrow that winter.\n", title="Two", number=2
    )
    code, lines, _ = lint(channel_dir, "2")
    assert code == 1
    assert any("'Morrrow' may be a misspelling of 'Morrow'" in line for line in lines)
    assert all("002-second.md" in line for line in lines)


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
