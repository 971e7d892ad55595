"""SRT and WebVTT writers, and the rule checker.

SRT is read back with the `srt` library; WebVTT is checked with a small validator of the
W3C WebVTT file syntax written here, independent of the writer.
"""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
import srt
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.channel import SubtitleRules
from toolkit.errors import ToolkitError
from toolkit.outputs.subtitles import check_cues, compose_srt, compose_vtt, vtt_escape, vtt_time
from toolkit.timing.timeline import TimedCue

RULES = SubtitleRules()

# --- a WebVTT syntax validator (W3C WebVTT: file structure, timings, cue text) ---------------

_TIMESTAMP = r"(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})"
_TIMING_LINE = re.compile(rf"^{_TIMESTAMP}[ \t]+-->[ \t]+{_TIMESTAMP}(?:[ \t]+.*)?$")
# After escaping, "&" only starts a character reference and "<" only starts a tag; we
# write no tags, so no "<" at all.
_BAD_AMPERSAND = re.compile(r"&(?!(?:amp|lt|gt|nbsp|lrm|rlm);|#\d+;|#x[0-9a-fA-F]+;)")


def _ms(groups: tuple[str | None, ...]) -> int:
    hours, minutes, seconds, millis = groups
    return ((int(hours or 0) * 60 + int(minutes or 0)) * 60 + int(seconds or 0)) * 1000 + int(
        millis or 0
    )


def parse_vtt(text: str) -> list[tuple[int, int, list[str]]]:
    """Validate a WebVTT file; return (start ms, end ms, raw payload lines) per cue.

    Raises AssertionError naming the first rule that is broken.
    """
    assert "\r" not in text and "\x00" not in text, "only LF line ends, no NUL"
    lines = text.split("\n")
    header = lines[0].removeprefix("\ufeff")
    assert header == "WEBVTT" or re.match(r"^WEBVTT[ \t]", header), f"bad header {header!r}"
    assert len(lines) > 1 and lines[1] == "", "the header must be followed by a blank line"
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in lines[2:]:
        if line == "":
            if current:
                blocks.append(current)
                current = []
        else:
            current.append(line)
    if current:
        blocks.append(current)
    cues: list[tuple[int, int, list[str]]] = []
    previous_start = -1
    for block in blocks:
        if block[0].startswith(("NOTE", "STYLE", "REGION")) and "-->" not in block[0]:
            assert not cues or block[0].startswith("NOTE"), "STYLE/REGION after a cue"
            continue
        if "-->" not in block[0]:
            identifier, *rest = block
            assert rest, f"cue {identifier!r} has no timing line"
        else:
            rest = block
        match = _TIMING_LINE.match(rest[0])
        assert match, f"bad timing line {rest[0]!r}"
        start = _ms(match.groups()[:4])
        end = _ms(match.groups()[4:])
        assert start < end, f"cue ends before it starts: {rest[0]!r}"
        assert start >= previous_start, "cue start times must not decrease"
        previous_start = start
        payload = rest[1:]
        assert payload, f"cue at {rest[0]!r} has no text"
        for line in payload:
            assert "-->" not in line, f"'-->' in cue text {line!r}"
            assert "<" not in line, f"unescaped '<' in cue text {line!r}"
            assert not _BAD_AMPERSAND.search(line), f"unescaped '&' in cue text {line!r}"
        cues.append((start, end, payload))
    return cues


def test_validator_rejects_broken_files() -> None:
    good = "WEBVTT\n\n1\n00:00:00.000 --> 00:00:01.000\nHello\n"
    assert parse_vtt(good) == [(0, 1000, ["Hello"])]
    broken = [
        "WEBVTX\n\n00:00:00.000 --> 00:00:01.000\nHello\n",
        "WEBVTT\n00:00:00.000 --> 00:00:01.000\nHello\n",
        "WEBVTT\n\n00:00:00,000 --> 00:00:01,000\nHello\n",
        "WEBVTT\n\n00:00:02.000 --> 00:00:01.000\nHello\n",
        "WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nFish & chips\n",
        "WEBVTT\n\n00:00:00.000 --> 00:00:01.000\na <b\n",
        "WEBVTT\n\n00:00:00.000 --> 00:00:01.000\na --> b\n",
        "WEBVTT\n\n00:00:05.000 --> 00:00:06.000\nA\n\n00:00:01.000 --> 00:00:02.000\nB\n",
        "WEBVTT\n\n00:00:00.000 --> 00:00:01.000\n",
        "WEBVTT\n\n00:00:00.00 --> 00:00:01.000\nHello\n",
        "WEBVTT\n\n00:61:00.000 --> 01:01:01.000\nHello\n",
    ]
    for text in broken:
        with pytest.raises(AssertionError):
            parse_vtt(text)


# --- strategies ---------------------------------------------------------------------------------

WORD = st.text(
    alphabet=st.sampled_from(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,;:!?'\"()&<>-—–…$%é ü’“”"
    ),
    min_size=1,
    max_size=12,
).map(lambda w: w.replace(" ", "") or "x")
LINE = st.lists(WORD, min_size=1, max_size=6).map(" ".join)


@st.composite
def cue_lists(draw: st.DrawFn, max_size: int = 12) -> tuple[TimedCue, ...]:
    cues = []
    clock = draw(st.integers(0, 5_000))
    for _ in range(draw(st.integers(0, max_size))):
        start = clock + draw(st.integers(0, 3_000))
        end = start + draw(st.integers(1, 8_000))
        lines = draw(st.lists(LINE, min_size=1, max_size=3))
        cues.append(TimedCue(start, end, "\n".join(lines), "", draw(st.integers(0, 5))))
        clock = end
    return tuple(cues)


def cue(start: int, end: int, text: str = "Hello there.") -> TimedCue:
    return TimedCue(start, end, text, text, 0)


# --- SRT ----------------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(cue_lists())
def test_srt_reads_back_identically(cues: tuple[TimedCue, ...]) -> None:
    parsed = list(srt.parse(compose_srt(cues)))
    assert [(s.index, s.start, s.end, s.content) for s in parsed] == [
        (i, timedelta(milliseconds=c.start_ms), timedelta(milliseconds=c.end_ms), c.text)
        for i, c in enumerate(cues, 1)
    ]


def test_srt_format() -> None:
    text = compose_srt((cue(0, 1500, "First line\nsecond line"), cue(3_723_004, 3_724_000, "B")))
    assert text == (
        "1\n00:00:00,000 --> 00:00:01,500\nFirst line\nsecond line\n\n"
        "2\n01:02:03,004 --> 01:02:04,000\nB\n\n"
    )
    assert not text.startswith("\ufeff")


@pytest.mark.parametrize(
    "cues",
    [
        (cue(1000, 1000),),
        (cue(2000, 1000),),
        (cue(-5, 1000),),
        (cue(0, 2000), cue(1500, 3000)),
        (cue(0, 1000, "   "),),
        (cue(0, 1000, ""),),
    ],
    ids=["zero-length", "backwards", "negative", "overlap", "blank", "empty"],
)
def test_writers_refuse_bad_cues_instead_of_dropping_them(cues: tuple[TimedCue, ...]) -> None:
    with pytest.raises(ToolkitError):
        compose_srt(cues)
    with pytest.raises(ToolkitError):
        compose_vtt(cues)


def test_touching_cues_are_allowed() -> None:
    cues = (cue(0, 1000), cue(1000, 2000))
    assert len(list(srt.parse(compose_srt(cues)))) == 2
    assert len(parse_vtt(compose_vtt(cues))) == 2


# --- WebVTT -------------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(cue_lists())
def test_vtt_is_valid_and_keeps_times_and_text(cues: tuple[TimedCue, ...]) -> None:
    parsed = parse_vtt(compose_vtt(cues))
    assert [(s, e) for s, e, _ in parsed] == [(c.start_ms, c.end_ms) for c in cues]
    assert ["\n".join(html.unescape(line) for line in lines) for _, _, lines in parsed] == [
        c.text for c in cues
    ]


def test_vtt_special_characters() -> None:
    text = "Fish & chips <b>cost</b> 5 > 4\nand --> arrows &amp; more"
    [(start, end, lines)] = parse_vtt(compose_vtt((cue(61_000, 62_500, text),)))
    assert (start, end) == (61_000, 62_500)
    assert lines == [
        "Fish &amp; chips &lt;b&gt;cost&lt;/b&gt; 5 &gt; 4",
        "and --&gt; arrows &amp;amp; more",
    ]
    assert "\n".join(html.unescape(line) for line in lines) == text


def test_vtt_format() -> None:
    text = compose_vtt((cue(0, 1500, "First line\nsecond line"), cue(3_723_004, 3_724_000, "B")))
    assert text == (
        "WEBVTT\n\n"
        "1\n00:00:00.000 --> 00:00:01.500\nFirst line\nsecond line\n\n"
        "2\n01:02:03.004 --> 01:02:04.000\nB\n"
    )


def test_vtt_of_no_cues_is_a_valid_empty_file() -> None:
    assert parse_vtt(compose_vtt(())) == []


@pytest.mark.parametrize(
    ("ms", "stamp"),
    [
        (0, "00:00:00.000"),
        (1, "00:00:00.001"),
        (59_999, "00:00:59.999"),
        (3_600_000, "01:00:00.000"),
        (36_000_000 * 10, "100:00:00.000"),
    ],
)
def test_vtt_time(ms: int, stamp: str) -> None:
    assert vtt_time(ms) == stamp


def test_vtt_escape() -> None:
    assert vtt_escape("a & b < c > d") == "a &amp; b &lt; c &gt; d"
    assert vtt_escape("&amp;") == "&amp;amp;"


def test_vtt_never_writes_a_blank_line_inside_a_cue() -> None:
    cues = (cue(0, 1000, "First line\n\nafter a blank line"), cue(2000, 3000, "Next"))
    try:
        text = compose_vtt(cues)
    except ToolkitError:
        return  # refusing the cue is fine too
    assert len(parse_vtt(text)) == 2
    assert parse_vtt(text)[0][2] == ["First line", "after a blank line"]


# --- check_cues ---------------------------------------------------------------------------------


def test_clean_cues_have_no_problems() -> None:
    cues = (cue(0, 1000, "Short."), cue(1084, 3000, "Another short line\nand a second one."))
    assert check_cues(cues, RULES) == []


@pytest.mark.parametrize(
    ("cues", "fragment"),
    [
        ((cue(0, 5000, "one\ntwo\nthree"),), "3 lines, at most 2"),
        ((cue(0, 5000, "x" * 43),), "a line of 43 characters, at most 42"),
        ((cue(0, 832, "Hi."),), "on screen 832 ms, at least 833"),
        ((cue(0, 7001, "A slow one."),), "on screen 7001 ms, at most 7000"),
        ((cue(0, 1000, "x" * 21),), "21.0 characters a second, at most 20"),
        ((cue(0, 1000, "One."), cue(1083, 2000, "Two.")), "83 ms before the next cue, at least 84"),
        ((cue(0, 2000, "One."), cue(1500, 3000, "Two.")), "-500 ms before the next cue"),
    ],
    ids=["lines", "line-length", "too-short", "too-long", "too-fast", "gap", "overlap"],
)
def test_check_cues_finds_each_violation(cues: tuple[TimedCue, ...], fragment: str) -> None:
    problems = check_cues(cues, RULES)
    assert len(problems) == 1, problems
    assert fragment in problems[0]
    assert problems[0].startswith("cue 1 (00:00:00.000)")


def test_check_cues_limits_are_inclusive() -> None:
    cues = (
        cue(0, 833, "Hi."),
        cue(917, 7917, "x" * 42 + "\n" + "y" * 42),
        cue(8001, 9001, "x" * 20),
    )
    assert check_cues(cues, RULES) == []


def test_check_cues_reading_speed_counts_the_line_break_as_a_space() -> None:
    # 10 + 1 + 10 = 21 characters in one second: too fast at 20 a second.
    problems = check_cues((cue(0, 1000, "a" * 10 + "\n" + "b" * 10),), RULES)
    assert len(problems) == 1 and "21.0 characters a second" in problems[0]


def test_check_cues_reports_every_problem_with_its_cue() -> None:
    cues = (cue(0, 100, "x" * 50), cue(150, 1000, "fine"), cue(2000, 9500, "one\ntwo\nthree"))
    problems = check_cues(cues, RULES)
    assert sum(p.startswith("cue 1 ") for p in problems) == 4  # line, short, fast, gap
    assert sum(p.startswith("cue 2 ") for p in problems) == 0
    assert sum(p.startswith("cue 3 ") for p in problems) == 2  # lines, long
    assert (
        check_cues(
            cues,
            SubtitleRules(
                max_lines=3,
                max_line_chars=50,
                min_duration_ms=50,
                max_cps=1000,
                max_duration_ms=8000,
                min_gap_ms=50,
            ),
        )
        == []
    )


def test_check_cues_uses_the_profile() -> None:
    bbc = SubtitleRules(name="bbc", max_line_chars=37, max_cps=17.0, min_duration_ms=1000)
    problems = check_cues((cue(0, 3000, "x" * 38),), bbc)
    assert problems == ["cue 1 (00:00:00.000): a line of 38 characters, at most 37"]
