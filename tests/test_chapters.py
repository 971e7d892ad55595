"""Chapters: YouTube description lines and Podcasting 2.0 JSON chapters."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.outputs.chapters import (
    YOUTUBE_MIN_COUNT,
    YOUTUBE_MIN_MS,
    clock,
    compose_podcast_json,
    compose_youtube,
    segment_chapters,
    youtube_chapters,
)
from toolkit.timing.timeline import ESTIMATE, TimedSegment, Timeline


def timeline_of(durations: Sequence[int], titles: Sequence[str] | None = None) -> Timeline:
    """Segments of the given lengths (ms), back to back, intro first and outro last."""
    titles = list(titles) if titles else [f"Part {i}" for i in range(len(durations))]
    segments = []
    start = 0
    for i, (length, title) in enumerate(zip(durations, titles, strict=True)):
        kind = "intro" if i == 0 else "outro" if i == len(durations) - 1 else "section"
        segments.append(TimedSegment(kind, title, start, start + length, 10, ()))
        start += length
    return Timeline(ESTIMATE, "default", start, tuple(segments), ())


_YOUTUBE_LINE = re.compile(r"^(?:(\d+):)?(\d{2}):(\d{2}) (\S.*)$")


def parse_youtube(text: str) -> list[tuple[int, str]]:
    """Read chapters.txt as YouTube does: (start seconds, title) per line."""
    assert text.endswith("\n") and not text.endswith("\n\n")
    out = []
    for line in text.rstrip("\n").split("\n"):
        match = _YOUTUBE_LINE.match(line)
        assert match, f"not a chapter line: {line!r}"
        hours, minutes, seconds, title = match.groups()
        assert int(minutes) < 60 and int(seconds) < 60
        out.append(((int(hours or 0) * 60 + int(minutes)) * 60 + int(seconds), title))
    return out


def assert_youtube_rules(text: str, total_ms: int) -> None:
    chapters = parse_youtube(text)
    assert chapters[0][0] == 0, "the first chapter starts at 00:00"
    assert len(chapters) >= YOUTUBE_MIN_COUNT, "at least three chapters"
    ends = [start for start, _ in chapters[1:]] + [total_ms / 1000]
    for (start, title), end in zip(chapters, ends, strict=True):
        assert end - start >= 10, f"chapter {title!r} is shorter than 10 s"


# --- YouTube ----------------------------------------------------------------------------------


def test_plain_episode() -> None:
    tl = timeline_of(
        [15_000, 60_000, 120_000, 20_000], ["Intro", "The Heist", "The Chase", "Outro"]
    )
    text, warnings = compose_youtube(tl)
    assert text == "00:00 Intro\n00:15 The Heist\n01:15 The Chase\n03:15 Outro\n"
    assert warnings == []
    assert_youtube_rules(text, tl.total_ms)


def test_short_segments_are_folded() -> None:
    # A 6 s intro, a 4 s cold open, two real sections, a 5 s outro.
    tl = timeline_of(
        [6_000, 4_000, 50_000, 40_000, 5_000],
        ["Intro", "Cold Open", "Early Years", "The Storm", "Outro"],
    )
    text, warnings = compose_youtube(tl)
    assert warnings == []
    assert_youtube_rules(text, tl.total_ms)
    chapters = youtube_chapters(tl)
    assert [c.title for c in chapters] == ["Intro", "Early Years", "The Storm"]
    assert chapters[-1].end_ms == tl.total_ms
    assert [c.start_ms for c in chapters] == [0, 10_000, 60_000]


def test_short_section_in_the_middle_is_folded_into_its_neighbour() -> None:
    tl = timeline_of([20_000, 30_000, 3_000, 30_000, 20_000])
    chapters = youtube_chapters(tl)
    assert all(c.end_ms - c.start_ms >= YOUTUBE_MIN_MS for c in chapters)
    assert len(chapters) == 4
    assert_youtube_rules(compose_youtube(tl)[0], tl.total_ms)


def test_too_short_for_three_chapters_warns() -> None:
    tl = timeline_of([8_000, 12_000, 5_000])
    text, warnings = compose_youtube(tl)
    assert len(warnings) == 1
    assert "YouTube" in warnings[0]
    assert parse_youtube(text)[0][0] == 0


def test_one_long_segment_warns() -> None:
    text, warnings = compose_youtube(timeline_of([90_000]))
    assert text == "00:00 Part 0\n"
    assert warnings and "only 1 chapter of" in warnings[0]


def test_past_an_hour_every_line_has_hours() -> None:
    tl = timeline_of(
        [30_000, 1_800_000, 1_800_000, 60_000], ["Intro", "First Half", "Second Half", "Outro"]
    )
    text, _ = compose_youtube(tl)
    assert text == "0:00:00 Intro\n0:00:30 First Half\n0:30:30 Second Half\n1:00:30 Outro\n"
    assert_youtube_rules(text, tl.total_ms)


@pytest.mark.parametrize(
    ("ms", "force", "text"),
    [
        (0, False, "00:00"),
        (9_999, False, "00:09"),
        (61_000, False, "01:01"),
        (3_599_999, False, "59:59"),
        (3_600_000, False, "1:00:00"),
        (3_723_000, False, "1:02:03"),
        (36_000_000, False, "10:00:00"),
        (5_000, True, "0:00:05"),
    ],
)
def test_clock(ms: int, force: bool, text: str) -> None:
    assert clock(ms, force) == text


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(1, 400_000), min_size=1, max_size=12))
def test_youtube_rules_hold_for_any_timeline(durations: list[int]) -> None:
    tl = timeline_of(durations)
    chapters = youtube_chapters(tl)
    text, warnings = compose_youtube(tl)
    assert chapters[0].start_ms == 0
    assert chapters[-1].end_ms == tl.total_ms
    for a, b in itertools.pairwise(chapters):
        assert a.end_ms == b.start_ms
    segment_starts = {s.start_ms for s in tl.segments}
    assert all(c.start_ms in segment_starts for c in chapters)
    if tl.total_ms >= YOUTUBE_MIN_MS:
        assert all(c.end_ms - c.start_ms >= YOUTUBE_MIN_MS for c in chapters)
    assert len(parse_youtube(text)) == len(chapters)
    if len(chapters) >= YOUTUBE_MIN_COUNT:
        assert warnings == []
        assert_youtube_rules(text, tl.total_ms)
    else:
        assert len(warnings) == 1


def most_chapters(durations: Sequence[int]) -> int:
    """Brute force: the most chapters of at least 10 s that start at segment starts."""
    starts = [sum(durations[:i]) for i in range(len(durations))]
    total = sum(durations)
    best = 1
    for mask in range(1 << (len(starts) - 1)):
        cuts = [0] + [s for i, s in enumerate(starts[1:]) if mask >> i & 1] + [total]
        if all(b - a >= YOUTUBE_MIN_MS for a, b in itertools.pairwise(cuts)):
            best = max(best, len(cuts) - 1)
    return best


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(1_000, 30_000), min_size=1, max_size=9))
def test_folding_keeps_as_many_chapters_as_possible(durations: list[int]) -> None:
    tl = timeline_of(durations)
    assert len(youtube_chapters(tl)) == most_chapters(durations)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(10_000, 400_000), min_size=3, max_size=12))
def test_long_enough_segments_are_never_folded(durations: list[int]) -> None:
    tl = timeline_of(durations)
    assert [c.title for c in youtube_chapters(tl)] == [s.title for s in tl.segments]


# --- Podcasting 2.0 ---------------------------------------------------------------------------


def test_podcast_json() -> None:
    tl = timeline_of([6_000, 60_500, 20_250], ["Intro", "The Heist", "Outro"])
    doc = json.loads(compose_podcast_json(tl, "The Heist", "Footnotes", "narration.mp3"))
    assert doc["version"] == "1.2.0"
    assert doc["title"] == "The Heist"
    assert doc["podcastName"] == "Footnotes"
    assert doc["fileName"] == "narration.mp3"
    assert doc["chapters"] == [
        {"startTime": 0, "endTime": 6.0, "title": "Intro"},
        {"startTime": 6.0, "endTime": 66.5, "title": "The Heist"},
        {"startTime": 66.5, "endTime": 86.75, "title": "Outro"},
    ]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(1, 900_000), min_size=1, max_size=12))
def test_podcast_json_is_valid_chapters(durations: list[int]) -> None:
    tl = timeline_of(durations)
    text = compose_podcast_json(tl, "Ep — “quoted”", "Pod", "narration.mp3")
    doc = json.loads(text)
    assert doc["version"] == "1.2.0"
    chapters = doc["chapters"]
    assert len(chapters) == len(tl.segments)  # podcast apps show every segment
    starts = [c["startTime"] for c in chapters]
    assert starts[0] == 0
    assert all(isinstance(s, int | float) and not isinstance(s, bool) for s in starts)
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    for c in chapters:
        assert isinstance(c["title"], str) and c["title"]
        assert c["endTime"] > c["startTime"]
    assert chapters[-1]["endTime"] == tl.total_ms / 1000
    assert "“quoted”" in text  # UTF-8, not \u escapes


def test_segment_chapters_start_at_zero_even_if_the_first_segment_does_not() -> None:
    tl = Timeline(
        ESTIMATE,
        "default",
        30_000,
        (
            TimedSegment("intro", "Intro", 250, 10_000, 5, ()),
            TimedSegment("section", "Body", 10_000, 30_000, 50, ()),
        ),
        (),
    )
    assert [(c.start_ms, c.end_ms) for c in segment_chapters(tl)] == [(0, 10_000), (10_000, 30_000)]
