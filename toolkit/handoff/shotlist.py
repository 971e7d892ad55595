"""Shots and markers: where the narration reaches each visual cue, and shotlist.csv.

A caption sits between paragraphs of the script. The narration reaches it when the first
cue after it (in script order, in its segment) starts; a caption with nothing narrated
after it in its segment is reached at the segment's end. A shot lasts from there until the
next visual of the same segment or the end of the segment. Markers are one per chapter
(the chapters chapters.json publishes: one per segment, the first at zero) and one per
visual cue. All times are int milliseconds on the kit's timeline.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache

from toolkit.channel import VideoSettings
from toolkit.errors import ToolkitError
from toolkit.outputs.chapters import segment_chapters
from toolkit.text.assemble import Episode, Paragraph, Visual
from toolkit.timing.cue import Cue
from toolkit.timing.timeline import Timeline

CHAPTER = "chapter"
VISUAL = "visual"
SHOTLIST_HEADER = (
    "shot",
    "start_timecode",
    "end_timecode",
    "start_seconds",
    "end_seconds",
    "segment",
    "caption",
    "sentence",
)


@dataclass(frozen=True)
class Shot:
    number: int  # 1-based, in script order
    start_ms: int
    end_ms: int
    segment: int  # index into the episode's segments
    segment_title: str
    caption: str
    sentence: str  # what is being said when the shot starts (display text)


@dataclass(frozen=True)
class Marker:
    at_ms: int
    kind: str  # CHAPTER or VISUAL
    name: str  # the chapter title, or "Visual N: caption"
    note: str  # the caption for a visual, the chapter title for a chapter
    end_ms: int  # a chapter's end; a visual's shot end


def one_line(text: str) -> str:
    """Labels, CSV cells and locators hold one line: white space runs become a space."""
    return " ".join(text.split())


def place_shots(episode: Episode, cues: tuple[Cue, ...], timeline: Timeline) -> tuple[Shot, ...]:
    """Every visual cue of the episode with the moment the narration reaches it.

    `cues` are the cues the timeline was laid out from (one timed cue each, same order)."""
    if len(cues) != len(timeline.cues) or len(episode.segments) != len(timeline.segments):
        raise ToolkitError(
            f"the timeline has {len(timeline.cues)} cues and {len(timeline.segments)} "
            f"segments, the plan {len(cues)} and {len(episode.segments)}",
            path=episode.path,
            hint="place shots on the timeline laid out from the same cues",
        )
    sentences = episode.sentences
    shots: list[Shot] = []
    base = 0  # index of the segment's first sentence in the episode
    cue_index = 0
    for si, segment in enumerate(episode.segments):
        timed = timeline.segments[si]
        placed: list[tuple[int, str, str]] = []  # (at_ms, caption, sentence)
        paragraph_base = base
        for bi, block in enumerate(segment.blocks):
            if isinstance(block, Paragraph):
                paragraph_base += len(block.sentences)
                continue
            if not isinstance(block, Visual):
                continue
            following = next(
                (b for b in segment.blocks[bi + 1 :] if isinstance(b, Paragraph) and b.sentences),
                None,
            )
            if following is None:
                last = sentences[paragraph_base - 1].text if paragraph_base > base else ""
                placed.append((timed.end_ms, block.text, last))
                continue
            # The first cue that starts at or after the paragraph's first sentence.
            while cue_index < len(cues) and cues[cue_index].first[0] < paragraph_base:
                cue_index += 1
            if cue_index < len(cues) and cues[cue_index].segment == si:
                at = timeline.cues[cue_index].start_ms
            else:
                at = timed.end_ms
            placed.append((at, block.text, sentences[paragraph_base].text))
        for k, (at, caption, sentence) in enumerate(placed):
            end = placed[k + 1][0] if k + 1 < len(placed) else timed.end_ms
            shots.append(
                Shot(
                    number=len(shots) + 1,
                    start_ms=at,
                    end_ms=max(at, end),
                    segment=si,
                    segment_title=segment.title,
                    caption=one_line(caption),
                    sentence=one_line(sentence),
                )
            )
        base += len(segment.sentences)
    return tuple(shots)


def place_markers(timeline: Timeline, shots: tuple[Shot, ...]) -> tuple[Marker, ...]:
    """One marker per chapter and one per visual cue, in time order (a chapter before a
    visual at the same moment)."""
    marks = [
        Marker(c.start_ms, CHAPTER, one_line(c.title), one_line(c.title), c.end_ms)
        for c in segment_chapters(timeline)
    ]
    marks += [
        Marker(s.start_ms, VISUAL, f"Visual {s.number}: {s.caption}", s.caption, s.end_ms)
        for s in shots
    ]
    order = {CHAPTER: 0, VISUAL: 1}
    return tuple(sorted(marks, key=lambda m: (m.at_ms, order[m.kind])))


def start_frames(video: VideoSettings) -> int:
    """The timeline's first frame number, counted as the timecode says (drop-frame
    timecode skips frame numbers 0 and 1 each minute except every tenth)."""
    return _start_frames(video.start_timecode, video.fps, video.drop_frame)


@cache  # a channel has one start timecode: asked for once a marker and a shot
def _start_frames(start_timecode: str, fps: float, drop_frame: bool) -> int:
    digits = start_timecode.replace(";", ":").split(":")
    hours, minutes, seconds, frames = (int(d) for d in digits)
    base = round(fps)
    total = ((hours * 60 + minutes) * 60 + seconds) * base + frames
    if drop_frame:
        drop = 2 if base == 30 else 4
        all_minutes = hours * 60 + minutes
        total -= drop * (all_minutes - all_minutes // 10)
    return total


def frames_at(ms: int, video: VideoSettings) -> int:
    """The frame (counted from the timeline start) that is showing at `ms`: the nearest."""
    num, den = video.rate
    # round(Fraction(ms * num, den * 1000)) in integers: the nearest, a half to even.
    whole, rest = divmod(ms * num, den * 1000)
    twice = 2 * rest
    if twice > den * 1000 or (twice == den * 1000 and whole % 2):
        return whole + 1
    return whole


def timecode(frame: int, video: VideoSettings) -> str:
    """A frame number as SMPTE timecode ("HH:MM:SS:FF"; ";" before the frames when the
    rate is drop-frame)."""
    base = round(video.fps)
    if video.drop_frame:
        drop = 2 if base == 30 else 4
        per_ten = base * 600 - drop * 9  # frames in ten minutes
        per_minute = base * 60 - drop
        tens, rest = divmod(frame, per_ten)
        extra = drop * 9 * tens
        if rest > drop:
            extra += drop * ((rest - drop) // per_minute)
        frame += extra
    frames = frame % base
    seconds = frame // base
    sep = ";" if video.drop_frame else ":"
    return (
        f"{seconds // 3600 % 24:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}{sep}{frames:02d}"
    )


def editor_timecode(ms: int, video: VideoSettings, first: int | None = None) -> str:
    """Where `ms` of the narration falls on the editor's timeline (`first`: the
    timeline's first frame, start_frames(video), when the caller has it)."""
    if first is None:
        first = start_frames(video)
    return timecode(first + frames_at(ms, video), video)


def compose_shotlist(shots: tuple[Shot, ...], video: VideoSettings) -> str:
    """shotlist.csv: a header row, then one row per visual cue (RFC 4180 quoting)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(SHOTLIST_HEADER)
    first = start_frames(video)
    for shot in shots:
        writer.writerow(
            (
                shot.number,
                editor_timecode(shot.start_ms, video, first),
                editor_timecode(shot.end_ms, video, first),
                f"{shot.start_ms / 1000:.3f}",
                f"{shot.end_ms / 1000:.3f}",
                shot.segment_title,
                shot.caption,
                shot.sentence,
            )
        )
    return out.getvalue()
