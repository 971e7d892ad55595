"""Chapters for YouTube (description text) and podcast apps (Podcasting 2.0 JSON, 1.2).

YouTube shows chapters only when the first is at 00:00, there are at least three and
each lasts at least ten seconds; a segment shorter than that is folded into the chapter
before it rather than breaking the whole list.
"""

from __future__ import annotations

from dataclasses import dataclass

from toolkit.files import json_text
from toolkit.timing.timeline import Timeline

YOUTUBE_MIN_MS = 10_000
YOUTUBE_MIN_COUNT = 3


@dataclass(frozen=True)
class Chapter:
    start_ms: int
    end_ms: int
    title: str


def segment_chapters(timeline: Timeline) -> tuple[Chapter, ...]:
    """One chapter per segment, the first starting at zero."""
    chapters = []
    for i, seg in enumerate(timeline.segments):
        start = 0 if i == 0 else seg.start_ms
        end = (
            timeline.segments[i + 1].start_ms
            if i + 1 < len(timeline.segments)
            else timeline.total_ms
        )
        chapters.append(Chapter(start, end, seg.title))
    return tuple(chapters)


def youtube_chapters(timeline: Timeline) -> tuple[Chapter, ...]:
    """Segment chapters with those under ten seconds folded into their neighbours."""
    merged: list[Chapter] = []
    for ch in segment_chapters(timeline):
        if merged and merged[-1].end_ms - merged[-1].start_ms < YOUTUBE_MIN_MS:
            prev = merged.pop()
            keep_title = prev.title if prev.start_ms == 0 else ch.title
            ch = Chapter(prev.start_ms, ch.end_ms, keep_title)
        merged.append(ch)
    if len(merged) > 1 and merged[-1].end_ms - merged[-1].start_ms < YOUTUBE_MIN_MS:
        last = merged.pop()
        prev = merged.pop()
        merged.append(Chapter(prev.start_ms, last.end_ms, prev.title))
    return tuple(merged)


def clock(ms: int, force_hours: bool = False) -> str:
    """00:00 style; H:MM:SS once an episode passes an hour (YouTube accepts both)."""
    seconds = ms // 1000
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours or force_hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes:02d}:{secs:02d}"


def compose_youtube(timeline: Timeline) -> tuple[str, list[str]]:
    """chapters.txt and the warnings about YouTube's rules it could not meet."""
    chapters = youtube_chapters(timeline)
    long = timeline.total_ms >= 3_600_000
    lines = [f"{clock(c.start_ms, long)} {c.title}" for c in chapters]
    warnings = []
    if len(chapters) < YOUTUBE_MIN_COUNT:
        warnings.append(
            f"only {len(chapters)} chapter{'s' if len(chapters) != 1 else ''} of at least "
            "10 s: YouTube needs "
            f"{YOUTUBE_MIN_COUNT} to show them (add a section heading)"
        )
    return "\n".join(lines) + "\n", warnings


def compose_podcast_json(timeline: Timeline, title: str, podcast: str, audio: str) -> str:
    """Podcasting 2.0 JSON chapters, version 1.2.0 (startTime and endTime in seconds)."""
    doc = {
        "version": "1.2.0",
        "title": title,
        "podcastName": podcast,
        "fileName": audio,
        "chapters": [
            {
                "startTime": c.start_ms / 1000,
                "endTime": c.end_ms / 1000,
                "title": c.title,
            }
            for c in segment_chapters(timeline)
        ],
    }
    return json_text(doc)
