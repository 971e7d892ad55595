"""The command line: exit codes, messages and what lands in build/.

`cli` is driven with click's CliRunner; `main()` (the one place that turns library errors
into a line on stderr and an exit code) is driven in-process with sys.argv, and a few runs
go through a real `python -m toolkit` process.
"""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from toolkit import __version__
from toolkit.cli import cli, main
from toolkit.errors import ToolkitError

REPO = Path(__file__).resolve().parent.parent

KIT = (
    "chapters.json",
    "chapters.txt",
    "description.txt",
    "index.html",
    "labels.txt",
    "markers.edl",
    "markers.fcpxml",
    "narration.txt",
    "script.md",
    "shotlist.csv",
    "shownotes.html",
    "subtitles.srt",
    "subtitles.vtt",
    "timing.json",
    "transcript.json",
)

LIGHTHOUSE = """\
In 1931 the lamp at Skerry Point was still lit by hand. Ada Morrow climbed its 112 steps
twice a night. She kept a log of every ship that passed.

## Early Years

![Ada Morrow in 1934](ada.jpg)

Ada grew up on the mainland, the youngest of five. Her father mended nets and her mother
kept the accounts of the harbour. When the post of keeper fell vacant, nobody else applied.

## The Storm

On the night of 3 March 1937 the barometer fell faster than anyone could remember. The wind
tore the slates from the cottage roof. Ada kept the lamp burning until morning, and a
fishing boat found its way home by its light.
"""

HEIST = """\
Nobody noticed the painting was gone until the next morning. The guards thought it had been
taken away to be photographed.

## The Thief

He was a glazier who had worked in the museum. He hid in a cupboard overnight and walked out
with the panel under his smock. For two years it lay in a trunk in his room.
"""


Write = Callable[..., Path]


@pytest.fixture
def two_episodes(channel_dir: Path, write_episode: Write) -> Path:
    write_episode("001-the-lighthouse.md", LIGHTHOUSE, title="The Lighthouse Keeper", number=1)
    write_episode("002-the-heist.md", HEIST, title="The Heist", number=2)
    return channel_dir


def invoke(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(cli, list(args), catch_exceptions=True)


@pytest.fixture
def run(runner: CliRunner) -> Callable[..., tuple[int, str, str]]:
    """Run `toolkit ARGS...` with CliRunner: (exit code, stdout, stderr)."""

    def go(*args: str) -> tuple[int, str, str]:
        result = invoke(runner, *args)
        return result.exit_code, result.stdout, result.stderr

    return go


@pytest.fixture(autouse=True)
def restore_toolkit_logger() -> Iterator[None]:
    """The CLI installs its warning handler on the "toolkit" logger: undo it after a test."""
    logger = logging.getLogger("toolkit")
    saved = (list(logger.handlers), logger.propagate, logger.level)
    yield
    logger.handlers[:] = saved[0]
    logger.propagate, logger.level = saved[1], saved[2]


@pytest.fixture
def run_main(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[..., tuple[int, str, str]]:
    """Run `toolkit ARGS...` through main() in this process: (exit code, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["toolkit", *args])
        capsys.readouterr()
        with pytest.raises(SystemExit) as info:
            main()
        out, err = capsys.readouterr()
        code = info.value.code
        return (code if isinstance(code, int) else 1), out, err

    return run


def run_process(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "toolkit", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def assert_one_line_error(err: str) -> str:
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("error: ")]
    assert len(errors) == 1, err
    return errors[0]


# --- help and version ---------------------------------------------------------------------------


def test_every_command_has_help(runner: CliRunner) -> None:
    assert len(cli.commands) >= 4
    for name, command in cli.commands.items():
        result = invoke(runner, name, "--help")
        assert result.exit_code == 0, name
        assert f"Usage: cli {name}" in result.output or f"{name} [OPTIONS]" in result.output
        assert command.help and command.help.strip(), name
        first_words = " ".join(command.help.split()[:6])
        assert first_words in " ".join(result.output.split()), name


def test_group_help_lists_the_commands(runner: CliRunner) -> None:
    result = invoke(runner, "--help")
    assert result.exit_code == 0
    for name in ("init", "import", "build", "timing"):
        assert name in result.output
    assert "-C DIR" in result.output
    assert invoke(runner, "-h").output == result.output


def test_version(runner: CliRunner) -> None:
    result = invoke(runner, "--version")
    assert result.exit_code == 0
    assert result.output.strip() == f"toolkit, version {__version__}"


# --- init ---------------------------------------------------------------------------------------

INIT_FILES = (
    "episodes/channel.toml",
    "episodes/templates/intro.md.j2",
    "episodes/templates/outro.md.j2",
    "voices/default.toml",
    "voices/natural.toml",
    "voices/lexicon.toml",
    "build/.gitkeep",
)


def test_init_creates_a_channel(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "new channel"
    result = invoke(runner, "init", str(folder))
    assert result.exit_code == 0, result.output
    for name in INIT_FILES:
        assert (folder / name).is_file(), name
        assert f"created {folder / name}" in result.output
    assert "toolkit import" in result.output  # says what to do next
    # The new channel works at once.
    assert invoke(runner, "-C", str(folder), "voices").exit_code == 0


def test_init_keeps_existing_files(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "channel"
    (folder / "episodes").mkdir(parents=True)
    mine = 'name = "Mine"\n'
    (folder / "episodes" / "channel.toml").write_text(mine, encoding="utf-8")
    result = invoke(runner, "init", str(folder))
    assert result.exit_code == 0
    assert (folder / "episodes" / "channel.toml").read_text(encoding="utf-8") == mine
    assert "kept" in result.output and "channel.toml" in result.output
    before = snapshot(folder)
    again = invoke(runner, "init", str(folder))
    assert again.exit_code == 0
    assert "created" not in again.output
    assert snapshot(folder) == before


def test_channel_folder_that_is_a_file_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "file.txt"
    path.write_text("x", encoding="utf-8")
    result = invoke(runner, "-C", str(path), "build", "--no-audio")
    assert result.exit_code == 2
    assert "-C" in result.stderr


def test_init_on_a_file_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "file.txt"
    path.write_text("x", encoding="utf-8")
    assert invoke(runner, "init", str(path)).exit_code == 2


# --- build --------------------------------------------------------------------------------------


def test_build_writes_the_kit_and_a_summary(runner: CliRunner, two_episodes: Path) -> None:
    result = invoke(runner, "-C", str(two_episodes), "build", "--no-audio")
    assert result.exit_code == 0, (result.output, result.stderr)
    for slug in ("the-lighthouse", "the-heist"):
        folder = two_episodes / "build" / slug
        assert sorted(p.name for p in folder.iterdir()) == list(KIT)
        for name in KIT:
            data = (folder / name).read_bytes()
            assert data and not data.startswith(b"\xef\xbb\xbf")
            data.decode("utf-8")
    lines = result.output.splitlines()
    assert len(lines) == 2
    assert re.match(r"^the-lighthouse: \d+ sentences, \d+ cues, 5 segments, \d+:\d\d", lines[0])
    assert re.match(r"^the-heist: \d+ sentences, \d+ cues, 4 segments, \d+:\d\d", lines[1])
    timing = json.loads((two_episodes / "build/the-lighthouse/timing.json").read_text("utf-8"))
    assert timing["episode"] == {
        "title": "The Lighthouse Keeper",
        "slug": "the-lighthouse",
        "number": 1,
    }
    assert timing["timing_source"] == "estimate"
    assert [s["visuals"] for s in timing["segments"]][2] == ["Ada Morrow in 1934"]
    script = (two_episodes / "build/the-lighthouse/script.md").read_text("utf-8")
    assert "Ada Morrow in 1934" in script
    narration = (two_episodes / "build/the-lighthouse/narration.txt").read_text("utf-8")
    assert "Ada Morrow in 1934" not in narration  # captions are never narrated
    assert "Early Years" not in narration.split("\n", 6)[-1]  # headings are not read out
    # Nothing else was left behind (no temporary files); .cache holds the kits' manifests.
    assert sorted(p.name for p in (two_episodes / "build").iterdir()) == [
        ".cache",
        ".gitkeep",
        "index.html",
        "the-heist",
        "the-lighthouse",
    ]


def test_build_is_byte_identical_when_repeated(runner: CliRunner, two_episodes: Path) -> None:
    assert invoke(runner, "-C", str(two_episodes), "build", "--no-audio").exit_code == 0
    first = {k: v[0] for k, v in snapshot(two_episodes / "build").items()}
    assert (
        invoke(runner, "-C", str(two_episodes), "build", "--no-audio", "--jobs", "2").exit_code == 0
    )
    second = {k: v[0] for k, v in snapshot(two_episodes / "build").items()}
    assert first == second


@pytest.mark.parametrize("selector", ["the-heist", "2", "002", "002-the-heist"])
def test_build_one_episode_by_slug_or_number(
    runner: CliRunner, two_episodes: Path, selector: str
) -> None:
    result = invoke(runner, "-C", str(two_episodes), "build", "--no-audio", selector)
    assert result.exit_code == 0, result.output
    assert (two_episodes / "build" / "the-heist" / "timing.json").is_file()
    assert not (two_episodes / "build" / "the-lighthouse").exists()
    assert result.output.startswith("the-heist: ")
    assert len(result.output.splitlines()) == 1


def test_build_by_path(
    runner: CliRunner, two_episodes: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = two_episodes / "episodes" / "001-the-lighthouse.md"
    result = invoke(runner, "-C", str(two_episodes), "build", "--no-audio", str(path))
    assert result.exit_code == 0, result.output
    assert (two_episodes / "build" / "the-lighthouse" / "script.md").is_file()
    assert not (two_episodes / "build" / "the-heist").exists()
    # A path relative to the current folder, in the channel folder.
    monkeypatch.chdir(two_episodes)
    result = invoke(runner, "build", "--no-audio", "episodes/002-the-heist.md")
    assert result.exit_code == 0, result.output
    assert (two_episodes / "build" / "the-heist" / "script.md").is_file()


def test_build_several_selectors(runner: CliRunner, two_episodes: Path) -> None:
    result = invoke(
        runner, "-C", str(two_episodes), "build", "--no-audio", "2", "the-lighthouse", "1"
    )
    assert result.exit_code == 0
    assert [line.split(":")[0] for line in result.output.splitlines()] == [
        "the-heist",
        "the-lighthouse",
    ]


def test_unknown_episode(
    runner: CliRunner, two_episodes: Path, run: Callable[..., tuple[int, str, str]]
) -> None:
    code, _out, err = run("-C", str(two_episodes), "build", "--no-audio", "nope")
    assert code == 1
    line = assert_one_line_error(err)
    assert "'nope'" in line
    assert "slug" in line and "number" in line  # says what to give instead
    assert not (two_episodes / "build" / "the-heist").exists()


def test_no_channel(tmp_path: Path, run: Callable[..., tuple[int, str, str]]) -> None:
    code, _out, err = run("-C", str(tmp_path), "build", "--no-audio")
    assert code == 1
    line = assert_one_line_error(err)
    assert "toolkit init" in line
    code, _, err = run("-C", str(tmp_path), "timing", "1")
    assert code == 1 and "toolkit init" in assert_one_line_error(err)


def test_no_episodes(channel_dir: Path, run: Callable[..., tuple[int, str, str]]) -> None:
    code, _, err = run("-C", str(channel_dir), "build", "--no-audio")
    assert code == 1
    assert "toolkit import" in assert_one_line_error(err)


@pytest.mark.parametrize(
    "args",
    [
        ["build", "--bogus"],
        ["--bogus"],
        ["no-such-command"],
        ["build", "--jobs", "0"],
        ["build", "--jobs", "many"],
        ["timing"],
        ["init"],
        ["import"],
    ],
)
def test_usage_errors_exit_2(runner: CliRunner, two_episodes: Path, args: list[str]) -> None:
    result = invoke(runner, "-C", str(two_episodes), *args)
    assert result.exit_code == 2, result.output
    [line] = result.stderr.splitlines()  # one line, naming the help to read
    assert line.startswith("error: ") and "--help'" in line
    assert not (two_episodes / "build" / "the-heist").exists()


def test_broken_episode_is_one_line_with_file_and_line(
    runner: CliRunner, two_episodes: Path, run: Callable[..., tuple[int, str, str]]
) -> None:
    assert invoke(runner, "-C", str(two_episodes), "build", "--no-audio").exit_code == 0
    before = snapshot(two_episodes / "build")
    broken = two_episodes / "episodes" / "001-the-lighthouse.md"
    broken.write_text("---\ntitle: The Lighthouse\nnumber: 1\nvoice: [oops\n---\nText.\n", "utf-8")
    code, _out, err = run("-C", str(two_episodes), "build", "--no-audio")
    assert code == 1
    line = assert_one_line_error(err)
    assert line.startswith(f"error: {broken}:4: ")
    assert "YAML" in line
    # Earlier outputs, of this episode and of the other one, are untouched.
    assert snapshot(two_episodes / "build") == before


def test_failure_in_a_later_episode_leaves_its_old_kit_intact(
    runner: CliRunner, two_episodes: Path, run: Callable[..., tuple[int, str, str]]
) -> None:
    assert invoke(runner, "-C", str(two_episodes), "build", "--no-audio").exit_code == 0
    before = snapshot(two_episodes / "build" / "the-heist")
    lighthouse = {k: v[0] for k, v in snapshot(two_episodes / "build" / "the-lighthouse").items()}
    broken = two_episodes / "episodes" / "002-the-heist.md"
    broken.write_text("---\ntitle: The Heist\nnumber: 2\n---\n## Only a heading\n", "utf-8")
    code, _, err = run("-C", str(two_episodes), "build", "--no-audio")
    assert code == 1
    line = assert_one_line_error(err)
    assert line.startswith(f"error: {broken}")
    assert "nothing to narrate" in line
    assert snapshot(two_episodes / "build" / "the-heist") == before
    after = {k: v[0] for k, v in snapshot(two_episodes / "build" / "the-lighthouse").items()}
    assert after == lighthouse  # rebuilt to the same bytes
    assert not [p for p in (two_episodes / "build").rglob("*.tmp")]


def test_error_deep_in_the_body_names_the_line(
    two_episodes: Path, write_episode: Write, run: Callable[..., tuple[int, str, str]]
) -> None:
    word = "Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch" * 2
    path = write_episode("003-long.md", f"Fine first line.\n\nSecond {word} paragraph.\n", number=3)
    code, _, err = run("-C", str(two_episodes), "build", "--no-audio", "3")
    assert code == 1
    line = assert_one_line_error(err)
    assert line.startswith(f"error: {path}:7: ")  # front matter is lines 1-4
    assert "characters" in line


def test_broken_episode_with_jobs_keeps_file_and_line(
    runner: CliRunner, two_episodes: Path, run: Callable[..., tuple[int, str, str]]
) -> None:
    broken = two_episodes / "episodes" / "002-the-heist.md"
    broken.write_text("---\nnumber: 2\n---\nText.\n", "utf-8")
    code, _, err = run("-C", str(two_episodes), "build", "--no-audio", "--jobs", "2")
    assert code == 1
    assert assert_one_line_error(err).startswith(f"error: {broken}:1: ")


def test_broken_template_names_the_template(
    two_episodes: Path, run: Callable[..., tuple[int, str, str]]
) -> None:
    outro = two_episodes / "episodes" / "templates" / "outro.md.j2"
    outro.write_text("Thanks.\n\n{{ ''.__class__.__mro__ }}\n", encoding="utf-8")
    code, _, err = run("-C", str(two_episodes), "build", "--no-audio")
    assert code == 1
    assert assert_one_line_error(err).startswith(f"error: {outro}:3: ")
    assert not (two_episodes / "build" / "the-lighthouse").exists()


def test_broken_channel_names_the_file(
    two_episodes: Path, run: Callable[..., tuple[int, str, str]]
) -> None:
    channel = two_episodes / "episodes" / "channel.toml"
    channel.write_text('name = "A"\n[subtitles]\nprofile = "itv"\n', encoding="utf-8")
    code, _, err = run("-C", str(two_episodes), "build", "--no-audio")
    assert code == 1
    assert assert_one_line_error(err).startswith(f"error: {channel}: ")


def test_unknown_voice_names_the_episode(
    two_episodes: Path, write_episode: Write, run: Callable[..., tuple[int, str, str]]
) -> None:
    path = two_episodes / "episodes" / "003-voiced.md"
    path.write_text("---\ntitle: Voiced\nnumber: 3\nvoice: robot\n---\nSome text here.\n", "utf-8")
    code, _, err = run("-C", str(two_episodes), "build", "--no-audio", "3")
    assert code == 1
    line = assert_one_line_error(err)
    assert str(path) in line and "robot" in line
    code, _, err = run("-C", str(two_episodes), "build", "--no-audio", "--voice", "robot", "1")
    assert code == 1 and "robot" in assert_one_line_error(err)


def test_debug_lets_the_error_through(runner: CliRunner, two_episodes: Path) -> None:
    result = invoke(runner, "-C", str(two_episodes), "--debug", "build", "--no-audio", "nope")
    assert result.exit_code == 1
    assert isinstance(result.exception, ToolkitError)
    assert "nope" in str(result.exception)


def test_main_debug_raises(
    two_episodes: Path,
    run_main: Callable[..., tuple[int, str, str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        sys, "argv", ["toolkit", "-C", str(two_episodes), "--debug", "build", "nope"]
    )
    with pytest.raises(ToolkitError, match="nope"):
        main()


def test_main_exits_0_on_success(
    two_episodes: Path, run_main: Callable[..., tuple[int, str, str]]
) -> None:
    code, out, _err = run_main("-C", str(two_episodes), "build", "--no-audio", "1")
    assert code == 0
    assert out.startswith("the-lighthouse: ")


def test_main_exits_2_on_usage_errors(
    two_episodes: Path, run_main: Callable[..., tuple[int, str, str]]
) -> None:
    code, _, err = run_main("-C", str(two_episodes), "build", "--bogus")
    assert code == 2
    assert "--bogus" in err and "Traceback" not in err


def test_main_exits_1_on_input_errors(
    two_episodes: Path, run_main: Callable[..., tuple[int, str, str]]
) -> None:
    code, _, err = run_main("-C", str(two_episodes), "build", "--no-audio", "nope")
    assert err.startswith("error: ") and "nope" in err
    assert code == 1


def test_duplicate_episode_numbers(
    two_episodes: Path, write_episode: Write, run: Callable[..., tuple[int, str, str]]
) -> None:
    write_episode("002-another.md", "Another story starts here. It goes on.\n", number=2)
    code, _, err = run("-C", str(two_episodes), "build", "--no-audio")
    assert code == 1
    line = assert_one_line_error(err)
    assert "002-another.md" in line and "002-the-heist.md" in line
    assert "twice" in line
    assert not (two_episodes / "build" / "the-lighthouse").exists()


def test_duplicate_front_matter_numbers(
    two_episodes: Path, write_episode: Write, run: Callable[..., tuple[int, str, str]]
) -> None:
    write_episode("005-another.md", "Another story starts here. It goes on.\n", number=1)
    code, _, err = run("-C", str(two_episodes), "build", "--no-audio")
    assert code == 1
    assert "twice" in assert_one_line_error(err)


def test_duplicate_slugs(two_episodes: Path, run: Callable[..., tuple[int, str, str]]) -> None:
    path = two_episodes / "episodes" / "003-copy.md"
    path.write_text("---\ntitle: Copy\nnumber: 3\nslug: the-heist\n---\nText here.\n", "utf-8")
    code, _, err = run("-C", str(two_episodes), "build", "--no-audio")
    assert code == 1
    assert "the-heist" in assert_one_line_error(err)
    assert not (two_episodes / "build" / "the-heist").exists()


# --- timing -------------------------------------------------------------------------------------

_ROW = re.compile(r"^(?P<title>.+?)\s+(?P<start>\d+:\d\d)\s+(?P<dur>\d+:\d\d)\s+(?P<words>\d+)$")
_TOTAL = re.compile(r"^total\s+(?P<dur>\d+:\d\d)\s+(?P<words>\d+)$")


def seconds(text: str) -> int:
    parts = [int(p) for p in text.split(":")]
    return sum(v * 60**i for i, v in enumerate(reversed(parts)))


def test_timing_prints_a_table_with_a_total(runner: CliRunner, two_episodes: Path) -> None:
    result = invoke(runner, "-C", str(two_episodes), "timing", "the-lighthouse")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["segment", "start", "duration", "words"]
    rows = [_ROW.match(line) for line in lines[1:6]]
    assert all(rows), lines
    titles = [m["title"].strip() for m in rows if m]
    assert titles == ["Intro", "The Lighthouse Keeper", "Early Years", "The Storm", "Outro"]
    total = _TOTAL.match(lines[6])
    assert total, lines[6]
    assert int(total["words"]) == sum(int(m["words"]) for m in rows if m)
    timing_json = json.loads(
        json.dumps([(seconds(m["start"]), seconds(m["dur"])) for m in rows if m])
    )
    assert timing_json[0][0] == 0
    assert abs(seconds(total["dur"]) - sum(d for _, d in timing_json)) <= len(rows)
    assert "estimate" in lines[-1]
    # The same episode by number gives the same table; nothing is written.
    assert invoke(runner, "-C", str(two_episodes), "timing", "1").output == result.output
    assert not (two_episodes / "build" / "the-lighthouse").exists()


def test_timing_agrees_with_a_build(runner: CliRunner, two_episodes: Path) -> None:
    table = invoke(runner, "-C", str(two_episodes), "timing", "2").output.splitlines()
    assert invoke(runner, "-C", str(two_episodes), "build", "--no-audio", "2").exit_code == 0
    doc = json.loads((two_episodes / "build/the-heist/timing.json").read_text("utf-8"))
    rows = [m for m in (_ROW.match(line) for line in table[1:]) if m]
    assert [int(m["words"]) for m in rows] == [s["words"] for s in doc["segments"]]
    total = _TOTAL.match(table[len(rows) + 1])
    assert total and abs(seconds(total["dur"]) * 1000 - doc["total_ms"]) <= 500


def test_timing_starts_match_the_script(runner: CliRunner, two_episodes: Path) -> None:
    assert invoke(runner, "-C", str(two_episodes), "build", "--no-audio", "1").exit_code == 0
    doc = json.loads((two_episodes / "build/the-lighthouse/timing.json").read_text("utf-8"))
    if all(s["start_ms"] % 1000 < 500 for s in doc["segments"]):
        pytest.skip("no segment start would round differently")
    script = (two_episodes / "build/the-lighthouse/script.md").read_text("utf-8")
    script_starts = [seconds(m) for m in re.findall(r"^## (\d+:\d\d(?::\d\d)?) ", script, re.M)]
    table = invoke(runner, "-C", str(two_episodes), "timing", "1").output.splitlines()
    table_starts = [seconds(m["start"]) for m in (_ROW.match(line) for line in table[1:]) if m]
    assert table_starts == script_starts


def test_unknown_episode_for_timing(
    two_episodes: Path, run: Callable[..., tuple[int, str, str]]
) -> None:
    code, _, err = run("-C", str(two_episodes), "timing", "99")
    assert code == 1
    assert "'99'" in assert_one_line_error(err)


def test_voices_lists_the_profiles(runner: CliRunner, channel_dir: Path) -> None:
    result = invoke(runner, "-C", str(channel_dir), "voices")
    assert result.exit_code == 0
    names = [line.split()[0] for line in result.output.splitlines()]
    assert {"default", "uk", "gtts-us", "gtts-uk"} <= set(names)
    assert "lexicon" not in names


# --- real processes -----------------------------------------------------------------------------


def test_process_build_and_usage_error(two_episodes: Path) -> None:
    ok = run_process("build", "--no-audio", "1", cwd=two_episodes)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("the-lighthouse: ")
    assert (two_episodes / "build" / "the-lighthouse" / "subtitles.vtt").is_file()
    usage = run_process("build", "--bogus", cwd=two_episodes)
    assert usage.returncode == 2
    assert "Traceback" not in usage.stderr


def test_process_input_errors_exit_1(two_episodes: Path, tmp_path: Path) -> None:
    missing = run_process("build", "--no-audio", "nope", cwd=two_episodes)
    assert missing.stdout == ""
    assert missing.stderr.startswith("error: ") and missing.stderr.count("\n") == 1
    assert "Traceback" not in missing.stderr
    no_channel = run_process("build", "--no-audio", cwd=tmp_path)
    assert "toolkit init" in no_channel.stderr
    assert "Traceback" not in no_channel.stderr
    assert (missing.returncode, no_channel.returncode) == (1, 1)


def test_process_debug_shows_the_traceback(tmp_path: Path) -> None:
    debug = run_process("--debug", "build", "--no-audio", cwd=tmp_path)
    assert debug.returncode == 1
    assert "Traceback" in debug.stderr
    assert "ConfigError" in debug.stderr


def test_process_version_and_help(tmp_path: Path) -> None:
    version = run_process("--version", cwd=tmp_path)
    assert version.returncode == 0
    assert version.stdout.strip() == f"toolkit, version {__version__}"
    helped = run_process("build", "--help", cwd=tmp_path)
    assert helped.returncode == 0 and "--no-audio" in helped.stdout
