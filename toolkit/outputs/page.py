"""The preview pages: build/<slug>/index.html for one episode and build/index.html for all.

Creators preview a draft by double-clicking a file, offline, so each page is one
self-contained HTML file: CSS and JavaScript inline, no fonts or scripts from elsewhere.
Browsers refuse to load a subtitle track from disk over file://, so the cues travel inside
the page as JSON, which the script uses to show the current subtitle, highlight the
current line of the script and step between cues.

Both functions are pure (strings in, a string out) and deterministic, so a rebuild that
changes nothing rewrites the same bytes. The HTML comes from Jinja2 templates with
autoescaping on, so a `<`, `&` or quote in a title, caption or cue shows as text.
"""

from __future__ import annotations

import json
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import accumulate, count
from operator import le
from typing import Any

import jinja2
from markupsafe import Markup

from toolkit.channel import Channel
from toolkit.errors import ToolkitError
from toolkit.handoff.kit import place_handoff
from toolkit.handoff.shotlist import Marker, Shot, editor_timecode, start_frames
from toolkit.outputs.chapters import clock, segment_chapters
from toolkit.outputs.script import duration
from toolkit.outputs.subtitles import one_line_texts
from toolkit.templates import template_cache
from toolkit.text.assemble import Episode, Paragraph, Visual
from toolkit.timing.cue import Cue
from toolkit.timing.timeline import AUDIO, ESTIMATE, RECORDING, TimedCue, Timeline

PAGE_TEMPLATE = "page.html.j2"
CATALOGUE_TEMPLATE = "catalogue.html.j2"
PAGE_NAME = "index.html"  # in build/<slug>/ for an episode, in build/ for the catalogue

# Characters that must not appear raw in JSON inside <script>: "<" would let "</script>" or
# "<!--" end or confuse the element, ">" and "&" are escaped for symmetry with HTML, and
# U+2028/U+2029 end a line in older JavaScript parsers.
_SCRIPT_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


@dataclass(frozen=True)
class CatalogueEntry:
    """One episode as the catalogue lists it (all of it is in the kit's timing.json)."""

    number: int
    title: str
    slug: str
    total_ms: int
    timing_source: str  # ESTIMATE or AUDIO


def catalogue_entry(episode: Episode, timeline: Timeline) -> CatalogueEntry:
    """The catalogue's line for an episode just built."""
    return CatalogueEntry(
        episode.number, episode.title, episode.slug, timeline.total_ms, timeline.source
    )


def read_catalogue_entry(timing_json: str | bytes, source: str = "timing.json") -> CatalogueEntry:
    """The catalogue's line for a kit built earlier, from its timing.json text (or its bytes:
    the toolkit wrote it as UTF-8 JSON, so it needs none of the care a creator's file does).

    The catalogue lists every kit in build/, not only the episodes of this run, and
    timing.json is the one file every kit has that says all the catalogue needs."""
    try:
        doc = json.loads(timing_json)
        episode = doc["episode"]
        entry = CatalogueEntry(
            number=episode["number"],
            title=episode["title"],
            slug=episode["slug"],
            total_ms=doc["total_ms"],
            timing_source=doc["timing_source"],
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise ToolkitError(
            f"not a timing.json the catalogue can read ({exc})",
            path=source,
            hint="rebuild that episode",
        ) from exc
    types_ok = (
        isinstance(entry.number, int)
        and not isinstance(entry.number, bool)
        and isinstance(entry.total_ms, int)
        and not isinstance(entry.total_ms, bool)
        and all(isinstance(v, str) for v in (entry.title, entry.slug, entry.timing_source))
    )
    if not types_ok:
        raise ToolkitError(
            "timing.json has a value of the wrong type", path=source, hint="rebuild that episode"
        )
    return entry


_json_string = json.encoder.encode_basestring  # what json.dumps uses with ensure_ascii=False


def script_json(value: Any) -> Markup:
    """JSON that is safe inside <script type="application/json">: no character in it can
    close the element or start a comment, whatever the cue text says. (The page writes its
    cues with `_cue_json`, the same text made faster; this is what that text must equal.)"""
    return _script_safe(
        json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    )


def _script_safe(text: str) -> Markup:
    """JSON text with every character that could end a script escaped (as JSON reads it)."""
    for char, escape in _SCRIPT_ESCAPES.items():
        text = text.replace(char, escape)
    return Markup(text)


# "SS.t" for each tenth of a second within a minute: stamp() formats thousands of times a page.
_SECONDS_AND_TENTHS = tuple(f"{tenths // 10:02d}.{tenths % 10}" for tenths in range(600))


def stamp(ms: int) -> str:
    """A cue time precise enough to check subtitle timing by eye: "1:02.5", "1:00:02.5"."""
    minutes, tenths = divmod(ms // 100, 600)
    if 0 <= minutes < 60:
        return f"{minutes}:{_SECONDS_AND_TENTHS[tenths]}"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{_SECONDS_AND_TENTHS[tenths]}"


def timing_label(source: str) -> str:
    if source == RECORDING:
        return "aligned to your recording"
    return "measured from the audio" if source == AUDIO else "estimated"


@cache
def _environment() -> jinja2.Environment:
    """One environment for the package's page templates. Unlike the channel's intro and
    outro these are our own files, so no sandbox; autoescaping is what keeps episode text
    from being read as HTML, and StrictUndefined turns a template typo into an error."""
    folder = resources.files("toolkit") / "templates"
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.bytecode_cache = template_cache("page", env)
    env.filters["clock"] = clock
    env.filters["duration"] = duration
    env.filters["stamp"] = stamp
    return env


# View models: the template gets plain, already-computed values, so all the logic lives here
# where it is typed and tested.


@dataclass(frozen=True)
class BlockView:
    kind: str  # "paragraph" or "visual"
    text: str  # a caption, or a paragraph no cue could be matched to
    cues: Markup  # the paragraph's cues as <span> elements (_cue_spans); empty if none


@dataclass(frozen=True)
class SegmentView:
    index: int
    kind: str
    title: str
    start_ms: int
    end_ms: int
    words: int
    blocks: tuple[BlockView, ...]
    first_cue: int  # -1 when the segment has no cue
    seek_ms: int  # where a click on its chapter goes: its first cue, so that cue shows
    chapter_ms: int  # the chapter's start as chapters.txt gives it (the first is 0)
    # As the page shows them (clock, duration): each appears more than once on it.
    start_clock: str
    chapter_clock: str
    length: str

    @property
    def duration_ms(self) -> int:
        return self.end_ms - self.start_ms


def _visible_chars(text: str) -> int:
    # Display text is normalised: its only white space is single spaces and line breaks.
    return len(text) - text.count(" ") - text.count("\n")


def _split_by_paragraph(
    paragraphs: Sequence[str], cues: Sequence[int], visible: Sequence[int]
) -> list[Sequence[int]]:
    """Which cues make up which paragraph of a segment: `paragraphs` are its paragraphs'
    texts, `cues` the indices of its cues, `visible` the _visible_chars of every cue.

    Cues follow the paragraphs' words in order (re-spaced), so counting the characters
    that are not white space assigns each cue to the paragraph it starts in: the first
    whose characters, with those of the paragraphs before it, are more than the cues'
    before it. (A short cue may run on into the next paragraph: its excess carries over.)
    Anything left over (it should not happen) joins the last paragraph rather than
    disappearing from the page."""
    if not paragraphs:
        return []
    # before[k]: the visible characters of the segment's cues before its k-th
    before = list(accumulate([visible[i] for i in cues], initial=0))
    last = len(cues)
    groups: list[Sequence[int]] = []
    first = 0  # the paragraph's first cue, by position in `cues`
    wanted = 0  # the characters of the paragraphs so far
    for text in paragraphs[:-1]:
        wanted += _visible_chars(text)
        end = bisect_left(before, wanted, first, last)
        groups.append(cues[first:end])
        first = end
    groups.append(cues[first:])
    return groups


def _cues_by_segment(cues: Sequence[TimedCue]) -> Mapping[int, Sequence[int]]:
    """The indices of each segment's cues, by segment index (a segment without cues has no
    entry). Cues come in segment order, so each segment's are a range found by bisection;
    otherwise they are gathered one by one."""
    segments = [cue.segment for cue in cues]
    if all(map(le, segments, segments[1:])):
        return {
            si: range(bisect_left(segments, si), bisect_right(segments, si))
            for si in dict.fromkeys(segments)
        }
    by_segment: defaultdict[int, list[int]] = defaultdict(list)
    for i, si in enumerate(segments):
        by_segment[si].append(i)
    return by_segment


def _html_text(text: str) -> str:
    """Text escaped for HTML exactly as the template's autoescaping does it (markupsafe)."""
    return (
        text.replace("&", "&amp;")
        .replace(">", "&gt;")
        .replace("<", "&lt;")
        .replace("'", "&#39;")
        .replace('"', "&#34;")
    )


def _span_title(start_ms: int, end_ms: int) -> str:
    """A cue's times as its <span> shows them on hover: "0:01.2 to 0:03.4" (stamp)."""
    start_minutes, start_tenths = divmod(start_ms // 100, 600)
    end_minutes, end_tenths = divmod(end_ms // 100, 600)
    if 0 <= start_minutes < 60 and 0 <= end_minutes < 60:  # stamp, written out for speed
        return (
            f"{start_minutes}:{_SECONDS_AND_TENTHS[start_tenths]} to "
            f"{end_minutes}:{_SECONDS_AND_TENTHS[end_tenths]}"
        )
    return f"{stamp(start_ms)} to {stamp(end_ms)}"


class _FirstHourStamps(dict[int, str]):
    """stamp() of a tenth of a second in the first hour, by tenths: "0:00.0" to "59:59.9",
    each made the first time it is asked for and kept (the cues of a page need two each,
    and a catalogue's pages ask for the same ones again)."""

    def __missing__(self, tenths: int) -> str:
        text = self[tenths] = f"{tenths // 600}:{_SECONDS_AND_TENTHS[tenths % 600]}"
        return text


_FIRST_HOUR_STAMPS = _FirstHourStamps()


def _cue_spans(timeline: Timeline, low_cues: Set[int]) -> list[str]:
    """Every cue as the script shows it, by cue index: a <span> with its times and its text
    on one line (the script reads as prose); those in `low_cues` are marked uncertain.

    A page has a few thousand of these, so they are built here rather than in a template
    loop (which is several times slower). A line has no line break, so all the texts are
    escaped in one go, joined by one; the rest is numbers and fixed markup."""
    cues = timeline.cues
    texts = _html_text("\n".join(one_line_texts(cues))).split("\n") if cues else []
    stamps = _FIRST_HOUR_STAMPS
    spans = [
        f'<span class="cue" id="cue-{i}" data-start="{start}" data-end="{end}" '
        + (
            f'title="{stamps[start // 100]} to {stamps[end // 100]}">{text}</span>'
            if 0 <= start < 3_600_000 and 0 <= end < 3_600_000
            else f'title="{_span_title(start, end)}">{text}</span>'
        )
        for i, start, end, text in zip(
            count(), [c.start_ms for c in cues], [c.end_ms for c in cues], texts
        )
    ]
    if low_cues:  # only a kit on the creator's recording has cues it could not place well
        for i, cue in enumerate(cues):
            if i in low_cues:
                spans[i] = (
                    f'<span class="cue low-confidence" id="cue-{i}" data-start="{cue.start_ms}" '
                    f'data-end="{cue.end_ms}" title="{_span_title(cue.start_ms, cue.end_ms)} '
                    f'(uncertain: check)">{texts[i]}</span>'
                )
    return spans


def _segment_views(
    episode: Episode, timeline: Timeline, low_cues: Set[int] = frozenset()
) -> tuple[SegmentView, ...]:
    cues = timeline.cues
    by_segment = _cues_by_segment(cues)
    # _visible_chars of each cue, written out: a page has thousands
    visible = [len(text) - text.count(" ") - text.count("\n") for text in [c.text for c in cues]]
    spans = _cue_spans(timeline, low_cues)
    chapters = segment_chapters(timeline)
    long = timeline.total_ms >= 3_600_000
    views = []
    for si, (segment, timed) in enumerate(zip(episode.segments, timeline.segments, strict=True)):
        seg_cues = by_segment.get(si, ())
        texts = [" ".join([s.text for s in p.sentences]) for p in segment.paragraphs]
        groups = iter(zip(texts, _split_by_paragraph(texts, seg_cues, visible), strict=True))
        blocks = []
        for block in segment.blocks:
            if isinstance(block, Visual):
                blocks.append(BlockView("visual", block.text, Markup()))
            elif isinstance(block, Paragraph):
                text, group = next(groups)
                markup = Markup(" ".join([spans[i] for i in group]))
                blocks.append(BlockView("paragraph", text, markup))
        views.append(
            SegmentView(
                index=si,
                kind=timed.kind,
                title=timed.title,
                start_ms=timed.start_ms,
                end_ms=timed.end_ms,
                words=timed.words,
                blocks=tuple(blocks),
                first_cue=seg_cues[0] if seg_cues else -1,
                seek_ms=cues[seg_cues[0]].start_ms if seg_cues else chapters[si].start_ms,
                chapter_ms=chapters[si].start_ms,
                start_clock=clock(timed.start_ms, long),
                chapter_clock=clock(chapters[si].start_ms, long),
                length=duration(timed.end_ms - timed.start_ms),
            )
        )
    return tuple(views)


def _cue_json(timeline: Timeline) -> Markup:
    """What the page's script needs, and nothing it could get wrong from the HTML: the
    text script_json gives for {"cues": [{"start", "end", "text", "segment"}, ...],
    "segments": [{"start", "end"}, ...], "total", "source"}.

    Written directly (keys in sorted order, as script_json sorts them) rather than as dicts
    for json.dumps: a page has thousands of cues, and this is several times faster."""
    cues = ",".join(
        [
            f'{{"end":{c.end_ms},"segment":{c.segment},"start":{c.start_ms},'
            f'"text":{_json_string(c.text)}}}'
            for c in timeline.cues
        ]
    )
    segments = ",".join([f'{{"end":{s.end_ms},"start":{s.start_ms}}}' for s in timeline.segments])
    text = (
        f'{{"cues":[{cues}],"segments":[{segments}],'
        f'"source":{_json_string(timeline.source)},"total":{timeline.total_ms}}}'
    )
    return _script_safe(text)


def compose_page(
    episode: Episode,
    timeline: Timeline,
    channel: Channel,
    findings: Sequence[str],
    audio_file: str | None,
    cues: tuple[Cue, ...] = (),
    recording: Mapping[str, Any] | None = None,
    placed: tuple[tuple[Shot, ...], tuple[Marker, ...]] | None = None,
) -> str:
    """build/<slug>/index.html: player, live subtitle, chapters, the script with every cue,
    the timing summary and the linter's findings. `audio_file` is the narration's name
    relative to the page (None for a kit built without audio). `placed`: the shots and
    markers toolkit.handoff.kit.place_handoff gives for `cues`, when the caller has them."""
    if len(episode.segments) != len(timeline.segments):
        raise ToolkitError(
            f"the timeline has {len(timeline.segments)} segments but the episode "
            f"{len(episode.segments)}",
            path=episode.path,
            hint="compose the page from the timeline of the same build",
        )
    low_cues = frozenset(recording["low_cues"]) if recording else frozenset()
    segments = _segment_views(episode, timeline, low_cues)
    # The hand-off (shot list and markers) needs the cues the timeline was laid out from.
    shots: tuple[Shot, ...] = ()
    markers: tuple[Marker, ...] = ()
    if cues:
        shots, markers = placed if placed is not None else place_handoff(episode, cues, timeline)
    first = start_frames(channel.video)
    context = {
        "shots": [(s, editor_timecode(s.start_ms, channel.video, first)) for s in shots],
        "markers": [(m, editor_timecode(m.at_ms, channel.video, first)) for m in markers],
        "channel": channel,
        "episode": episode,
        "timeline": timeline,
        "segments": segments,
        "findings": list(findings),
        "audio_file": audio_file,
        "timing_label": timing_label(timeline.source),
        "measured": timeline.source in (AUDIO, RECORDING),
        # A kit on the creator's recording: where it and the script disagree, and the cues
        # whose alignment is uncertain (toolkit.align.follow.Following.page_view).
        "mismatches": list(recording["mismatches"]) if recording else [],
        "low_cues": low_cues,
        "cue_json": _cue_json(timeline),
    }
    return _environment().get_template(PAGE_TEMPLATE).render(**context)


def compose_catalogue(channel: Channel, entries: Sequence[CatalogueEntry]) -> str:
    """build/index.html: every episode kit with its number, title, duration and a link.
    Sorted by number, so the order does not depend on the order kits were found in."""
    ordered = sorted(entries, key=lambda e: (e.number, e.slug))
    context = {
        "channel": channel,
        "entries": ordered,
        "total_ms": sum(e.total_ms for e in ordered),
        "audio": AUDIO,
        "estimate": ESTIMATE,
        "page_name": PAGE_NAME,
    }
    return _environment().get_template(CATALOGUE_TEMPLATE).render(**context)
