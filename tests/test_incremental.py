"""Incremental builds: a kit is built again only when something it is made from changed.

Covers the manifest (pure: round trip, comparison, the cheap front matter scan against
YAML), which input changes make a kit stale (each of them), that an unchanged kit and
catalogue are not rewritten (their times stay), --force, that a kit built incrementally
equals one built from scratch, and that building one episode never parses the others.
"""

from __future__ import annotations

import io
import os
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st

import toolkit.build as build_module
import toolkit.text.article as article_module
from toolkit.channel import SubtitleRules, load_channel
from toolkit.cli import cli
from toolkit.errors import EpisodeError
from toolkit.outputs import kits
from toolkit.outputs.manifest import (
    Manifest,
    changed_inputs,
    compose_manifest,
    digest_bytes,
    is_current,
    make_manifest,
    parse_manifest,
)
from toolkit.outputs.page import CatalogueEntry, read_catalogue_entry
from toolkit.timing.cue import _best_breaks, _best_breaks_known, break_cost

Write = Callable[..., Path]

BODY = (
    "The keeper climbed the tower in 1931.\n\n## The Storm\n\n"
    "On 3 March 1937 the glass fell fast. Ada Morrow lit the lamp at dusk.\n"
)


# --- the manifest, pure ---------------------------------------------------------------------

labels = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1)
manifests = st.builds(
    make_manifest,
    st.dictionaries(labels, st.text(max_size=70), max_size=8),
    st.dictionaries(labels, st.integers(min_value=0, max_value=2**40), max_size=8),
)


@settings(deadline=None)
@given(manifests)
def test_manifest_round_trip(manifest: Manifest) -> None:
    text = compose_manifest(manifest)
    assert parse_manifest(text) == manifest
    assert compose_manifest(parse_manifest(text) or manifest) == text


@settings(deadline=None)
@given(st.text(max_size=200))
def test_anything_else_is_not_a_manifest(text: str) -> None:
    assert parse_manifest(text) is None


def test_a_manifest_with_a_wrong_key_is_refused() -> None:
    text = compose_manifest(make_manifest({"episode": "a"}, {"timing.json": 3}))
    assert parse_manifest(text.replace('"a"', '"b"')) is None


def test_current_needs_the_same_inputs_and_every_output_at_its_size() -> None:
    old = make_manifest({"episode": "a", "channel": "b"}, {"timing.json": 10, "x.srt": 5})
    sizes: dict[str, int | None] = {"timing.json": 10, "x.srt": 5}
    assert is_current(old, {"episode": "a", "channel": "b"}, sizes)
    assert not is_current(None, {"episode": "a", "channel": "b"}, sizes)
    assert not is_current(old, {"episode": "a", "channel": "c"}, sizes)
    assert not is_current(old, {"episode": "a"}, sizes)  # an input went away
    assert not is_current(old, {"episode": "a", "channel": "b", "recording": "r"}, sizes)
    assert not is_current(old, {"episode": "a", "channel": "b"}, {**sizes, "x.srt": None})
    assert not is_current(old, {"episode": "a", "channel": "b"}, {**sizes, "x.srt": 4})
    assert changed_inputs(old, {"episode": "z", "recording": "r"}) == (
        "channel",
        "episode",
        "recording",
    )


# --- building ------------------------------------------------------------------------------


def build(runner: CliRunner, folder: Path, *args: str) -> Result:
    result = runner.invoke(cli, ["-C", str(folder), "build", "--no-audio", *args])
    assert result.exit_code == 0, (result.output, result.stderr)
    return result


def stamps(folder: Path) -> dict[str, tuple[int, bytes]]:
    """Every visible file under build/ with its time and bytes."""
    found = {}
    for path in sorted((folder / "build").rglob("*")):
        name = path.relative_to(folder / "build").as_posix()
        if path.is_file() and not any(part.startswith(".") for part in name.split("/")):
            found[name] = (path.stat().st_mtime_ns, path.read_bytes())
    return found


def rebuilt(result: Result) -> list[str]:
    """Slugs whose kits this build wrote (their summary lines)."""
    return [line.split(":")[0] for line in result.output.splitlines() if " sentences, " in line]


@pytest.fixture
def channel(channel_dir: Path, write_episode: Write) -> Path:
    write_episode("001-the-lamp.md", BODY, title="The Lamp", number=1)
    write_episode("002-the-storm.md", BODY.replace("1931", "1932"), title="The Storm", number=2)
    return channel_dir


def test_nothing_changed_nothing_rewritten(runner: CliRunner, channel: Path) -> None:
    first = build(runner, channel)
    assert rebuilt(first) == ["the-lamp", "the-storm"]
    assert "up to date" not in first.output
    before = stamps(channel)
    again = build(runner, channel)
    assert again.output == "2 episodes up to date\n"
    assert stamps(channel) == before  # kits and catalogue: same bytes, same times
    one = build(runner, channel, "1")
    assert one.output == "1 episode up to date\n"
    assert stamps(channel) == before


def test_force_builds_again(runner: CliRunner, channel: Path) -> None:
    build(runner, channel)
    before = stamps(channel)
    forced = build(runner, channel, "--force")
    assert rebuilt(forced) == ["the-lamp", "the-storm"]
    assert "up to date" not in forced.output
    assert {k: v[1] for k, v in stamps(channel).items()} == {k: v[1] for k, v in before.items()}


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


CHANGES: dict[str, Callable[[Path], object]] = {
    "channel": lambda c: _edit(c / "episodes/channel.toml", "\n", "\n# a comment\n"),
    "template": lambda c: _edit(c / "episodes/templates/outro.md.j2", "\n", "\n\n"),
    "new template": lambda c: (c / "episodes/templates/extra.md.j2").write_text("x\n"),
    "voice profile": lambda c: _edit(c / "voices/default.toml", "\n", "\n# tuned\n"),
    "lexicon": lambda c: _edit(c / "voices/lexicon.toml", "\n", "\n# more words\n"),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_shared_input_rebuilds_every_kit(runner: CliRunner, channel: Path, change: str) -> None:
    build(runner, channel)
    CHANGES[change](channel)
    assert rebuilt(build(runner, channel)) == ["the-lamp", "the-storm"]
    assert build(runner, channel).output == "2 episodes up to date\n"


def test_an_edited_episode_rebuilds_its_kit_and_the_catalogue(
    runner: CliRunner, channel: Path
) -> None:
    build(runner, channel)
    before = stamps(channel)
    _edit(channel / "episodes/002-the-storm.md", "title: The Storm", "title: The Great Storm")
    result = build(runner, channel)
    assert rebuilt(result) == ["the-storm"]
    assert result.output.endswith("1 episode up to date\n")
    after = stamps(channel)
    assert all(after[k] == v for k, v in before.items() if k.startswith("the-lamp/"))
    assert after["index.html"] != before["index.html"]
    assert b"The Great Storm" in after["index.html"][1]


def test_the_catalogue_reads_only_the_kits_that_changed(
    runner: CliRunner, channel: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(runner, channel)
    read: list[str] = []
    real = read_catalogue_entry

    def spy(text: str | bytes, source: str = "timing.json") -> CatalogueEntry:
        read.append(Path(source).parent.name)
        return real(text, source)

    monkeypatch.setattr(build_module, "read_catalogue_entry", spy)
    _edit(channel / "episodes/002-the-storm.md", "title: The Storm", "title: The Great Storm")
    build(runner, channel)
    assert read == ["the-storm"]  # the lamp's row is kept from the last catalogue
    assert b"The Great Storm" in (channel / "build/index.html").read_bytes()
    # Another command rewrote a kit's timing.json (at the same size: the kit stays current):
    # its row is read again.
    timing = channel / "build/the-lamp/timing.json"
    timing.write_text(timing.read_text("utf-8").replace("The Lamp", "The Lump"), "utf-8")
    read.clear()
    assert build(runner, channel).output == "2 episodes up to date\n"
    assert read == ["the-lamp"]
    assert b"The Lump" in (channel / "build/index.html").read_bytes()
    # Kept rows that are damaged are not trusted.
    rows = channel / kits.MANIFEST_DIR / kits.CATALOGUE_ROWS
    rows.write_text(rows.read_text("utf-8").replace('"The Lump"', "true"), "utf-8")
    (channel / "build/index.html").unlink()
    read.clear()
    build(runner, channel)
    assert read == ["the-lamp"]
    rows.write_text("not json", "utf-8")
    (channel / "build/index.html").unlink()
    read.clear()
    build(runner, channel)
    assert sorted(read) == ["the-lamp", "the-storm"]
    assert b"The Lump" in (channel / "build/index.html").read_bytes()


def test_options_and_the_toolkit_itself_are_inputs(
    runner: CliRunner, channel: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(runner, channel)
    assert rebuilt(build(runner, channel, "--voice", "default")) == ["the-lamp", "the-storm"]
    assert build(runner, channel, "--voice", "default").output == "2 episodes up to date\n"
    assert rebuilt(build(runner, channel)) == ["the-lamp", "the-storm"]  # no override again
    monkeypatch.setattr(kits, "toolkit_digest", lambda: "a newer toolkit")
    assert rebuilt(build(runner, channel)) == ["the-lamp", "the-storm"]
    assert build(runner, channel).output == "2 episodes up to date\n"


def test_the_toolkit_digest_covers_its_code() -> None:
    kits.toolkit_digest.cache_clear()
    assert kits.toolkit_digest() == kits.toolkit_digest()
    assert len(kits.toolkit_digest()) == 64


def test_a_missing_or_resized_output_rebuilds_the_kit(runner: CliRunner, channel: Path) -> None:
    build(runner, channel)
    (channel / "build/the-lamp/subtitles.srt").unlink()
    assert rebuilt(build(runner, channel)) == ["the-lamp"]
    with (channel / "build/the-storm/script.md").open("a", encoding="utf-8") as handle:
        handle.write("an edit by hand\n")
    assert rebuilt(build(runner, channel)) == ["the-storm"]
    (channel / "build/index.html").unlink()
    result = build(runner, channel)
    assert result.output == "2 episodes up to date\n"
    assert (channel / "build/index.html").is_file()


def test_recording_and_music_are_inputs_where_set(channel: Path) -> None:
    root = channel
    episode = root / "episodes/001-the-lamp.md"
    chan = load_channel(root)

    def inputs() -> dict[str, str]:
        return kits.kit_inputs(root, episode, load_channel(root), audio=False, voice=None)

    plain = inputs()
    assert not any(k.startswith(("recording", "music")) for k in plain)
    assert plain == kits.kit_inputs(root, episode, chan, audio=False, voice=None)
    (root / "takes").mkdir()
    (root / "takes/lamp.wav").write_bytes(b"RIFF" + bytes(100))
    _edit(episode, "number: 1\n", "number: 1\nrecording: takes/lamp.wav\n")
    with_take = inputs()
    assert "recording" in with_take
    (root / "takes/lamp.wav").write_bytes(b"RIFF" + bytes(200))
    assert inputs()["recording"] != with_take["recording"]
    (root / "theme.mp3").write_bytes(bytes(50))
    with (root / "episodes/channel.toml").open("a", encoding="utf-8") as handle:
        handle.write('\n[music]\nintro = "theme.mp3"\n')
    with_music = inputs()
    assert "music/intro" in with_music
    (root / "theme.mp3").write_bytes(bytes(60))
    assert inputs()["music/intro"] != with_music["music/intro"]


def test_the_feed_cover_is_an_input_where_the_feed_finds_it(
    runner: CliRunner, channel: Path
) -> None:
    """Cover art in episodes/ (where the feed looks first): a new picture refreshes the
    kits' manifests and the copy in build/."""
    cover = channel / "episodes" / "cover.png"
    cover.write_bytes(b"\x89PNG first picture")
    with (channel / "episodes/channel.toml").open("a", encoding="utf-8") as handle:
        handle.write('\n[feed]\nbase_url = "https://podcast.example.org/"\nimage = "cover.png"\n')
    episode = channel / "episodes/001-the-lamp.md"
    before = kits.kit_inputs(channel, episode, load_channel(channel), audio=False, voice=None)
    assert before["feed/image"] != "missing"
    build(runner, channel)
    assert (channel / "build" / "cover.png").read_bytes() == b"\x89PNG first picture"
    cover.write_bytes(b"\x89PNG second, larger picture")
    build(runner, channel)
    assert (channel / "build" / "cover.png").read_bytes() == b"\x89PNG second, larger picture"


def test_an_incremental_kit_equals_one_from_scratch(
    runner: CliRunner, channel: Path, tmp_path: Path
) -> None:
    build(runner, channel)
    _edit(channel / "episodes/001-the-lamp.md", "lit the lamp", "lit the great lamp")
    with (channel / "voices/lexicon.toml").open("a", encoding="utf-8") as handle:
        handle.write('"Morrow" = "morr oh"\n')
    build(runner, channel)
    fresh = tmp_path / "fresh"
    shutil.copytree(channel, fresh, ignore=shutil.ignore_patterns("build"))
    (fresh / "build").mkdir()
    build(runner, fresh)
    incremental = {k: v[1] for k, v in stamps(channel).items()}
    scratch = {k: v[1] for k, v in stamps(fresh).items()}
    assert incremental == scratch
    assert b"morr oh" in incremental["the-lamp/narration.txt"]


def test_one_episode_never_parses_the_others(
    runner: CliRunner, channel: Path, write_episode: Write, parsed_articles: list[str]
) -> None:
    # A third episode with a body nobody should read (the parser is spied on).
    broken = write_episode("003-the-wreck.md", "## \n\n" * 10, title="The Wreck", number=3)
    broken.write_bytes(broken.read_bytes() + b"\n\n" + "\u0000".encode() * 3)
    result = build(runner, channel, "2")
    assert parsed_articles == ["002-the-storm.md"]
    assert rebuilt(result) == ["the-storm"]


def test_numbers_and_slugs_still_unique(
    runner: CliRunner, channel: Path, write_episode: Write
) -> None:
    clash = write_episode("003-the-wreck.md", BODY, title="The Wreck", number=2)
    result = runner.invoke(cli, ["-C", str(channel), "build", "--no-audio", "3"])
    assert result.exit_code == 1
    assert "episode number 2 is used twice (also in 002-the-storm.md)" in result.stderr
    assert "003-the-wreck.md" in result.stderr
    clash.write_text("---\ntitle: W\nslug: 'the-lamp'\n---\nText.\n", encoding="utf-8")
    result = runner.invoke(cli, ["-C", str(channel), "build", "--no-audio"])
    assert result.exit_code == 1
    assert "slug the-lamp is used twice" in result.stderr
    clash.write_text("---\ntitle: W\nnumber: 0o1\n---\nText.\n", encoding="utf-8")
    assert kits.read_head(clash).number is None  # not a plain number: YAML reads a string
    clash.write_text("---\ntitle: W\nnumber: [1\n---\nText.\n", encoding="utf-8")
    build(runner, channel, "1")  # unreadable front matter: only its own build fails


def test_an_impossible_date_in_a_head_read_by_yaml_is_that_episodes_error(
    runner: CliRunner, channel: Path, write_episode: Write
) -> None:
    """A head the plain scan leaves to YAML (a slug over two lines) with a date that does
    not exist: the other episodes build, and this one says which line is wrong."""
    odd = write_episode("003-the-wreck.md", BODY, title="The Wreck", number=3)
    text = odd.read_text(encoding="utf-8")
    odd.write_text(
        text.replace("number: 3\n", "number: 3\nslug: the\n  wreck\ndate: 2026-02-30\n"),
        encoding="utf-8",
    )
    with pytest.raises(EpisodeError, match="2026-02-30 is not a date"):
        kits.read_head(odd)
    build(runner, channel, "1")
    result = runner.invoke(cli, ["-C", str(channel), "build", "--no-audio"])
    assert result.exit_code == 1
    assert "003-the-wreck.md:6: 2026-02-30 is not a date" in result.stderr
    assert "a bug in toolkit" not in result.stderr


@pytest.mark.parametrize("relative", [False, True], ids=["absolute", "relative"])
def test_a_manifest_the_build_writes_again_is_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, relative: bool
) -> None:
    """A build remembers the manifests it read; one it writes (or removes) is read again,
    even where the file system cannot tell the new file from the old (same inode, size
    and times, as with a clock of whole seconds). Also for a channel given as a relative
    path ("."), which a path object and a plain string spell differently."""
    (tmp_path / "build").mkdir()
    root = tmp_path
    if relative:
        monkeypatch.chdir(tmp_path)
        root = Path(".")
    real_stat = os.stat
    manifests = str(tmp_path / kits.MANIFEST_DIR)

    def coarse(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        found = real_stat(path, *args, **kwargs)
        if not os.path.abspath(path).startswith(manifests):
            return found
        # Every manifest the same to the file system: inode, size and times.
        same = (found.st_mode, 7, 1, 1, 0, 0, 100, 0, 0, 0, 1.0, 1.0, 1.0, 10**9, 10**9, 10**9)
        return os.stat_result(same)

    def episode_of(manifest: Manifest | None) -> str:
        assert manifest is not None
        return dict(manifest.inputs)["episode"]

    kits.record_kit(root, "the-lamp", {"episode": "first"}, [])
    monkeypatch.setattr(os, "stat", coarse)
    assert episode_of(kits.read_manifest(root, "the-lamp")) == "first"
    kits.record_kit(root, "the-lamp", {"episode": "second"}, [])
    assert episode_of(kits.read_manifest(root, "the-lamp")) == "second"
    kits.forget_kit(root, "the-lamp")
    assert kits.read_manifest(root, "the-lamp") is None


def test_an_episode_is_chosen_by_its_own_number_and_slug(runner: CliRunner, channel: Path) -> None:
    """Front matter that renumbers or renames an episode is what `toolkit build N` and
    `toolkit build SLUG` go by; the file's name without .md chooses it too."""
    renamed = channel / "episodes" / "003-draft.md"
    renamed.write_text(
        "---\ntitle: The Wreck\nnumber: 9\nslug: the-wreck\n---\n" + BODY, encoding="utf-8"
    )
    assert rebuilt(build(runner, channel, "9")) == ["the-wreck"]
    _edit(renamed, "1931", "1933")
    assert rebuilt(build(runner, channel, "the-wreck")) == ["the-wreck"]
    _edit(renamed, "1933", "1934")
    assert rebuilt(build(runner, channel, "003-draft")) == ["the-wreck"]
    # Its file name's number and slug are not its own: they choose nothing.
    for stale in ("3", "draft"):
        result = runner.invoke(cli, ["-C", str(channel), "build", "--no-audio", stale])
        assert result.exit_code == 1
        assert f"no episode matches '{stale}'" in result.stderr
    # A front matter number that is not a number leaves the file name's.
    renamed.write_text("---\ntitle: W\nnumber: three\n---\n" + BODY, encoding="utf-8")
    assert kits.select_episodes(channel, ["3"]) == [renamed]
    assert kits.select_episodes(channel, ["2", "the-lamp"]) == [
        channel / "episodes" / "002-the-storm.md",
        channel / "episodes" / "001-the-lamp.md",
    ]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@dataclass(frozen=True)
class _Result:
    slug: str
    warnings: tuple[str, ...] = ()

    def summary(self) -> str:
        return f"{self.slug}: built"


def test_a_bar_over_more_than_a_few_episodes_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from toolkit.cli import _EpisodeProgress

    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    with _EpisodeProgress(5, synthesis_shown=False) as bar:
        for n in range(5):
            bar.report(_Result(f"episode-{n}"))
            bar.advance()
            assert capsys.readouterr().out == ""  # held while the bar is drawn
    assert "building" in terminal.getvalue() and "100%" in terminal.getvalue()
    assert capsys.readouterr().out.splitlines() == [f"episode-{n}: built" for n in range(5)]
    for total, synthesis in ((3, False), (10, True)):  # a few, or synthesis bars instead
        terminal.truncate(0)
        with _EpisodeProgress(total, synthesis_shown=synthesis) as bar:
            bar.report(_Result("one"))
            assert capsys.readouterr().out == "one: built\n"
        assert terminal.getvalue() == ""


# --- the faster line breaker gives the same breaks ----------------------------------------

cue_words = st.lists(
    st.text(st.sampled_from("abcXY.,;—(\"'"), min_size=1, max_size=14), min_size=1, max_size=24
)


@settings(deadline=None)
@given(cue_words, st.integers(min_value=14, max_value=60), st.integers(min_value=1, max_value=3))
def test_known_breaks_equal_the_plain_ones(words: list[str], width: int, lines: int) -> None:
    rules = SubtitleRules(max_line_chars=width, max_lines=lines)
    ends: list[int] = []
    pairs: list[float] = []
    for i, word in enumerate(words):
        pairs.append(break_cost(words[i - 1], word) if i else 0.0)
        ends.append((ends[-1] if ends else 0) + len(word) + 1)
    assert _best_breaks_known(words, ends, pairs, rules) == _best_breaks(words, rules)


def test_the_head_is_read_like_the_whole_file(tmp_path: Path) -> None:
    """Windows line endings, a byte-order mark, a long body: the same number and slug as the
    article parser finds."""
    body = "Words in the body. " * 2000
    cases = {
        "001-a.md": b"---\r\ntitle: A\r\nslug: the-crlf\r\nnumber: 4\r\n---\r\n" + body.encode(),
        "002-b.md": b"\xef\xbb\xbf---\ntitle: B\nslug: the-bom\n---\n" + body.encode(),
        "003-c.md": "---\ntitle: Café\nslug: 'the-quoted'\n...\n".encode("cp1252") + b"x\n",
    }
    for name, data in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        head = kits.read_head(path)
        article = article_module.load_article(path)
        assert (head.number, head.slug) == (article.number, article.slug), name
        assert head.digest == digest_bytes(data)
    plain = tmp_path / "004-no-front-matter.md"
    plain.write_bytes(b"No front matter at all.\n")
    assert (kits.read_head(plain).number, kits.read_head(plain).slug) == (4, "no-front-matter")
