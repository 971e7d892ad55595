"""Front matter read without YAML: whatever the readers say they read exactly, YAML reads
the same way (properties over generated blocks), and they step aside for the rest."""

from __future__ import annotations

import datetime
import subprocess
import sys
from pathlib import Path

import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from toolkit.text.frontmatter import plain_front_matter, scan_front_matter, scanned_number

HEAD_KEYS = frozenset({"slug", "number", "recording"})

# Values made of the characters that change how YAML reads a line, and whole ones that
# YAML reads as something other than text.
_CHARACTERS = "ab-9 0:#'\"\\[]{}|>&*!%@`,?.~=+\t\u2028\x85é"
values = st.one_of(
    st.text(st.sampled_from(_CHARACTERS), max_size=12),
    st.sampled_from(
        [
            "yes", "No", "on", "OFF", "null", "~", "true", "0", "010", "12", "-3", "1_000",
            "1.5", ".inf", "12:30", "2026-03-01", "2026-02-30", "2026-3-1",
            "2026-03-01 10:00:00", "'A: B'", '"x"', "'it''s'", "Why:", "a: b", "x # note",
            "[a, b]", "[a,", "{a: 1}", '"open', "'open", "| ", "> ", "-x", "Rock 'n' roll",
        ]
    ),
)  # fmt: skip
keys = st.sampled_from(["title", "slug", "number", "recording", "date", "voice", "on", "y"])
# What may follow a key line: another key, a line going on with the value, a list item, a
# comment, a blank line, a closing bracket or quote at the start of a line.
lines = st.one_of(
    st.builds(lambda k, v: f"{k}: {v}", keys, values),
    st.builds(lambda k: f"{k}:", keys),
    st.builds(lambda v: f"  {v}", values),
    st.builds(lambda v: f"- {v}", values),
    st.builds(lambda k, v: f"{k}: {v}]", keys, values),
    st.builds(lambda k, v: f'{k}: {v}"', keys, values),
    st.sampled_from(["# a note", "", "   ", "  # indented note", "\t", "%YAML 1.1"]),
)
# Lines as front matter usually has them, with a little of everything else mixed in: so
# that many blocks are ones the readers read on their own.
usual_values = st.one_of(
    st.text(st.sampled_from("abcyYnNoOtT é'-:#.,0123456789"), min_size=1, max_size=10),
    st.integers(0, 3000).map(str),
    st.dates(datetime.date(1000, 1, 1), datetime.date(2099, 12, 31)).map(str),
    st.sampled_from(["'A: B'", '"the-lamp"', "take 2.wav  # x", "on", "Yes", "n"]),
)
usual_lines = st.one_of(
    st.builds(lambda k, v: f"{k}: {v}", keys, usual_values),
    st.builds(
        lambda k, v: f"{k}: {v}",
        st.from_regex(r"[a-z_][a-z0-9_-]{0,8}", fullmatch=True),
        usual_values,
    ),
    st.sampled_from(["# a note", ""]),
)
# Any printable character (and a few spaces and breaks that are not YAML's) anywhere.
_ANY = "".join(chr(c) for c in range(0x20, 0x7F)) + "\té\u00a0\u2028\x85\ufeff\u3000"
any_values = st.text(st.sampled_from(_ANY), max_size=14)
any_lines = st.one_of(
    st.builds(lambda k, v: f"{k}: {v}", st.one_of(keys, any_values), any_values),
    st.builds(lambda v: f"  {v}", any_values),
    any_values,
)
blocks = st.one_of(
    st.lists(lines, max_size=6),
    st.lists(usual_lines, max_size=6),
    st.lists(any_lines, max_size=5),
)


def _yaml(block: list[str]) -> object:
    """What YAML reads, or the exception it raises (a ValueError for an impossible date)."""
    try:
        return yaml.safe_load("\n".join(block))
    except (yaml.YAMLError, ValueError) as exc:
        return exc


@settings(deadline=None, max_examples=400)
@given(blocks)
@example(["title: x", "slug: abc", "  def"])  # a value that goes on over the next line
@example(["title: x", "recording: take", "", "  two.wav"])
@example(['title: "a', 'slug: b"'])  # a quoted value over two lines
@example(["tags: [a,", "slug: b]"])
@example(["date: 2026-02-30"])
def test_the_head_scan_agrees_with_yaml(block: list[str]) -> None:
    scan = scan_front_matter("---\n" + "\n".join([*block, "---", "body"]), HEAD_KEYS)
    # The block ends at the first line that is "---" or "..." once stripped, as an
    # episode's does (toolkit.text.article.split_front_matter).
    ends = [i for i, line in enumerate(block) if line.strip() in ("---", "...")]
    data = _yaml(block[: ends[0]] if ends else block)
    if not scan.exact or isinstance(data, Exception):
        return  # YAML reads it (and reports what is wrong)
    data = data if isinstance(data, dict) else {}
    for key in HEAD_KEYS:
        if key not in scan.fields:
            assert key not in data or not isinstance(data[key], str | int)
            continue
        parsed = data[key]
        if isinstance(parsed, str):
            assert scan.fields[key] == parsed
        elif isinstance(parsed, int) and not isinstance(parsed, bool):
            assert scanned_number(scan.fields[key]) in (parsed, None)


@settings(deadline=None, max_examples=400)
@given(blocks)
@example(["title: 'A: B'", "number: 12", "date: 2026-03-01", "source: a/b.txt  # where"])
@example(["on: x"])  # YAML reads the key as True
@example(["\u3000"])  # not a blank line to YAML: a text, not a mapping
@example(["title: a\u3000 # note"])  # YAML keeps the ideographic space
@example(["title: x", "slug: abc", "  def"])
def test_the_plain_reading_is_what_yaml_reads(block: list[str]) -> None:
    plain = plain_front_matter(block)
    if plain is None:
        return
    data = _yaml(block) or {}
    assert isinstance(data, dict), data  # not an error either
    assert plain == data
    assert [type(v) for v in plain.values()] == [type(v) for v in data.values()]


def test_the_plain_reading_of_a_usual_front_matter() -> None:
    block = [
        "title: 'The Volcano That Cancelled Summer: Mount Tambora, 1815'",
        "number: 1",
        "date: 2026-03-01",
        "",
        "# where it came from",
        "source: episodes/sources/history-blog-page.txt",
    ]
    assert plain_front_matter(block) == {
        "title": "The Volcano That Cancelled Summer: Mount Tambora, 1815",
        "number": 1,
        "date": datetime.date(2026, 3, 1),
        "source": "episodes/sources/history-blog-page.txt",
    }


def test_the_plain_reading_steps_aside_for_what_yaml_must_read() -> None:
    for block in (
        ["title: x", "sources:", "  - one"],  # a list
        ["title: x", "slug: a", "  b"],  # a value over two lines
        ["title: yes"],  # true, not text
        ["number: 010"],  # octal in YAML 1.1
        ["rating: 4.50"],  # a float
        ["date: 2026-02-30"],  # not a real date: YAML says so
        ["title: x", "title: y"],  # twice
        ["title: a\tb"],
        ["title: Why:"],
        ["voice:"],  # null
    ):
        assert plain_front_matter(block) is None, block


def test_the_head_scan_reads_plain_and_quoted_values() -> None:
    text = "---\ntitle: 'A: B'\nnumber: 12\nslug: \"the-lamp\"\nrecording: take 2.wav  # x\n---\n"
    scan = scan_front_matter(text, HEAD_KEYS)
    assert scan.exact
    assert dict(scan.fields) == {"number": "12", "slug": "the-lamp", "recording": "take 2.wav"}
    assert not scan_front_matter("---\nslug: [a]\n---\n", frozenset({"slug"})).exact
    assert not scan_front_matter("---\nslug: a\nslug: b\n---\n", frozenset({"slug"})).exact
    assert not scan_front_matter("---\nslug: a\n", frozenset({"slug"})).exact  # not closed
    assert scanned_number("010") is None  # YAML 1.1 reads it as octal: ask YAML


def test_a_recording_named_over_two_lines_is_read_by_yaml() -> None:
    """YAML reads "take" and "two.wav" on the next line as one name, "take two.wav": the
    scan must not take "take" for the recording (the manifest would watch the wrong file)."""
    text = "---\ntitle: x\nrecording: take\n  two.wav\n---\nbody\n"
    assert not scan_front_matter(text, HEAD_KEYS).exact


def test_a_build_of_plain_front_matter_does_not_load_yaml(sample_channel: Path) -> None:
    """The samples' front matter is plain lines: a no-audio build reads it without PyYAML
    (its import alone costs as much as building a short episode); an episode with a list
    in its front matter still gets it."""
    script = (
        "import sys\n"
        "from toolkit.cli import main\n"
        "sys.argv = ['toolkit', '-C', sys.argv[1], 'build', '--no-audio']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        "print('yaml' in sys.modules)\n"
    )

    def loads_yaml() -> bool:
        done = subprocess.run(
            [sys.executable, "-c", script, str(sample_channel)],
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout.strip().splitlines()[-1] == "True"

    assert not loads_yaml()
    episode = sorted((sample_channel / "episodes").glob("001-*.md"))[0]
    text = episode.read_text(encoding="utf-8")
    episode.write_text(text.replace("number: 1\n", "number: 1\nsources:\n  - a\n", 1), "utf-8")
    assert loads_yaml()
