"""Synthesis progress when output is not a terminal (CliRunner's streams are not ttys):
plain lines, no carriage-return progress bar."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner

from toolkit.cli import cli

BODY = """Opening words come first. The keeper climbed the stairs, one at a time, every night.

## The Storm

The barometer fell faster than anyone could remember. Nobody slept that night.

By morning the boat was gone. The keeper wrote one word in the log: ice.
"""

LINE = re.compile(r"^keeper: synthesizing, (\d+)/(\d+) sentences ready$")


def test_build_prints_plain_progress_lines_off_a_terminal(
    channel_dir: Path, write_episode: Callable[..., Path]
) -> None:
    write_episode("001-keeper.md", BODY, title="The Keeper")
    runner = CliRunner(mix_stderr=False)
    result = runner.invoke(cli, ["-C", str(channel_dir), "build"])
    assert result.exit_code == 0, result.output + result.stderr
    total = int(re.search(r"keeper: (\d+) sentences", result.output).group(1))  # type: ignore[union-attr]
    assert "\r" not in result.stderr and "\r" not in result.output
    assert "\x1b" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines and lines[0] == f"keeper: synthesizing, 0/{total} sentences ready"
    done = []
    for line in lines:
        match = LINE.match(line)
        assert match, line
        assert int(match.group(2)) == total
        done.append(int(match.group(1)))
    assert done == sorted(done) and done[-1] < total
    assert len(lines) <= 4  # one a quarter at most

    again = runner.invoke(cli, ["-C", str(channel_dir), "build"])
    assert again.exit_code == 0
    assert "synthesizing" not in again.stderr  # all from the cache: nothing to report
