"""markers.edl and markers.fcpxml: chapter and visual-cue markers for video editors.

Both are written through OpenTimelineIO's adapters (CMX 3600 and FCP X XML) from one
model, built once per kit: a video track holding one clip, the narration, that starts at
the channel's start timecode and carries every marker at the frame nearest its kit time.
The FCPXML is written first; the EDL then gets a gap as long as the start timecode before
the clip, so its record and source timecodes agree. Frame rates are exact fractions
(29.97 is 30000/1001); 29.97 and 59.94 count drop-frame timecode.

What the adapters cannot say, and how it is done instead (kept small and documented):
- CMX 3600: the writer leaves out the `FCM:` line (its own TODO), so it is added after the
  title; a locator holds one upper-cased text, so a visual's marker reads
  "VISUAL N: CAPTION". OTIO's EDL reader skips drop-frame locators ("01:00:03;10", its
  pattern wants colons), though its writer makes them.
- FCP X XML: the writer knows rates only as rounded numbers (29.97 written exactly is
  missed), probes media with ffprobe, and has no sequence start. A subclass of its writer
  fills those in through its own hooks: the exact frame duration, a fixed format name,
  tcStart/tcFormat, and the clip's offset at tcStart (FCP counts spine offsets from it;
  this model has no leading gap). A visual's caption also goes in the marker's note.
  The writer pretty-prints by serialising its element tree, parsing that back with minidom
  and printing it again; the subclass prints the same text straight from the tree.
  OTIO's FCPXML reader rounds rates down to whole frames a second (29.97 reads as 29), so
  reading back is within about a frame, not exact; the file itself is exact.
Both outputs are the same bytes for the same inputs: neither writer embeds a clock or an id
here (the FCPXML writer dates an event only when it holds several timelines; this is one).
"""

from __future__ import annotations

import re
from fractions import Fraction
from functools import cache
from typing import Any

from toolkit.channel import VideoSettings
from toolkit.handoff.shotlist import CHAPTER, Marker, frames_at, one_line, start_frames

MEDIA_NAME = "narration"
MEDIA_FILE = "narration.mp3"  # beside the marker files in the kit
REEL = "NARR"
CHAPTER_COLOUR = "BLUE"
VISUAL_COLOUR = "YELLOW"


def _model(title: str, total_ms: int, markers: tuple[Marker, ...], video: VideoSettings) -> Any:
    """The OTIO timeline both files are written from (without the lead gap; see
    `_add_lead_gap`). The FCPXML writer takes the markers' notes from `markers` itself,
    in the same order."""
    import opentimelineio as otio

    num, den = video.rate
    rate = num / den
    first = start_frames(video)
    frames = [frames_at(m.at_ms, video) for m in markers]
    length = max(1, frames_at(total_ms, video), *(f + 1 for f in frames))
    rational, time_range = otio.opentime.RationalTime, otio.opentime.TimeRange
    zero = rational(0, rate)

    timeline = otio.schema.Timeline(name=one_line(title))
    track = otio.schema.Track(name="V1", kind=otio.schema.TrackKind.Video)
    timeline.tracks.append(track)
    span = time_range(rational(first, rate), rational(length, rate))
    clip = otio.schema.Clip(
        name=MEDIA_NAME,
        media_reference=otio.schema.ExternalReference(target_url=MEDIA_FILE, available_range=span),
        source_range=span,
        metadata={"cmx_3600": {"reel": REEL}},
    )
    placed = []
    for mark, frame in zip(markers, frames, strict=True):
        marker = otio.schema.Marker(
            name=mark.name,
            marked_range=time_range(rational(first + frame, rate), zero),
            color=CHAPTER_COLOUR if mark.kind == CHAPTER else VISUAL_COLOUR,
        )
        # The EDL writer looks up every marker's "cmx_3600" metadata (a colour it would
        # use only for a marker without one); a missing key costs OTIO a C++ exception,
        # several times what an empty entry costs to make.
        marker.metadata["cmx_3600"] = None
        placed.append(marker)
    clip.markers.extend(placed)
    track.append(clip)
    return timeline


def _add_lead_gap(timeline: Any, video: VideoSettings) -> None:
    """Put a gap as long as the start timecode before the clip, so that its record and
    source timecodes agree (what the EDL needs; FCPXML says tcStart instead)."""
    import opentimelineio as otio

    first = start_frames(video)
    if first:
        num, den = video.rate
        rate = num / den
        gap = otio.schema.Gap(
            source_range=otio.opentime.TimeRange(
                otio.opentime.RationalTime(0, rate), otio.opentime.RationalTime(first, rate)
            )
        )
        timeline.tracks[0].insert(0, gap)


def compose_marker_files(
    title: str, total_ms: int, markers: tuple[Marker, ...], video: VideoSettings
) -> tuple[str, str]:
    """markers.edl (one event, the narration, with a `* LOC:` locator per marker: the form
    DaVinci Resolve imports as timeline markers) and markers.fcpxml (a project whose one
    clip, the narration, carries every marker), both written from one OTIO model."""
    timeline = _model(title, total_ms, markers, video)
    fcpxml = _write_fcpxml(timeline, markers, video)
    _add_lead_gap(timeline, video)
    return _write_edl(timeline, video), fcpxml


def _write_edl(timeline: Any, video: VideoSettings) -> str:
    """The EDL of the model with its lead gap, the `FCM:` line added after the title."""
    from otio_cmx3600_adapter import cmx_3600

    num, den = video.rate
    text: str = cmx_3600.write_to_string(timeline, rate=num / den, style="avid", reelname_len=8)
    fcm = "FCM: DROP FRAME" if video.drop_frame else "FCM: NON-DROP FRAME"
    head, sep, rest = text.partition("\n\n")
    if head.startswith("TITLE:") and sep:
        return f"{head}\n{fcm}\n\n{rest}"
    return f"{fcm}\n\n{text}"


def _write_fcpxml(timeline: Any, markers: tuple[Marker, ...], video: VideoSettings) -> str:
    """The FCPXML of the model without a lead gap, through the adapter's writer."""
    num, den = video.rate
    writer = _fcpx_writer_class()(
        timeline,
        frame_duration=f"{den}/{num}s" if den != 1 else f"1/{num}s",
        format_name=f"FFVideoFormat1080p{f'{video.fps:g}'.replace('.', '')}",
        tc_start=fcpx_time(start_frames(video), video),
        drop_frame=video.drop_frame,
        notes=[m.note if m.kind != CHAPTER and m.note != m.name else "" for m in markers],
    )
    text: str = writer.to_xml()
    # The adapter's pretty-printer leaves a blank line after the DOCTYPE.
    return text.replace("<!DOCTYPE fcpxml>\n\n", "<!DOCTYPE fcpxml>\n", 1)


@cache
def _fcpx_writer_class() -> Any:
    """The adapter's writer with what it cannot say on its own (its hooks, v1.0); made
    once, on first use (the adapter is imported only when hand-off files are written)."""
    from xml.dom import minidom
    from xml.etree import ElementTree

    from otio_fcpx_xml_adapter import fcpx_xml

    class Writer(fcpx_xml.FcpxOtio):  # type: ignore[misc]
        def __init__(
            self,
            timeline: Any,
            *,
            frame_duration: str,
            format_name: str,
            tc_start: str,
            drop_frame: bool,
            notes: list[str],
        ) -> None:
            super().__init__(timeline)
            self.exact_frame_duration = frame_duration
            self.fixed_format_name = format_name
            self.tc_start = tc_start
            self.drop_frame = drop_frame
            self.notes = notes  # one per marker of the clip, in order; "" for none

        def _framerate_to_frame_duration(self, framerate: float) -> str:
            return self.exact_frame_duration  # its table misses 30000/1001 and 48

        def _clip_format_name(self, clip: Any) -> str:
            return self.fixed_format_name  # instead of running ffprobe on the media

        def _stack_to_sequence(self, stack: Any, compound_clip: bool = False) -> Any:
            sequence = super()._stack_to_sequence(stack, compound_clip)
            sequence.set("tcStart", self.tc_start)
            sequence.set("tcFormat", "DF" if self.drop_frame else "NDF")
            return sequence

        def _element_for_clip(self, item: Any, asset_id: str, duration: str, lane: Any) -> Any:
            element = super()._element_for_clip(item, asset_id, duration, lane)
            element.set("offset", self.tc_start)  # spine offsets count from tcStart
            return element

        def _element_for_item(self, item: Any, lane: Any, *args: Any, **kwargs: Any) -> Any:
            element = super()._element_for_item(item, lane, *args, **kwargs)
            if element is not None and element.tag == "clip":
                # The model's one clip holds every marker, in the order of the notes.
                for tag, note in zip(element.findall("marker"), self.notes, strict=True):
                    if note:
                        tag.set("note", note)
            return element

        def to_xml(self) -> str:
            """The adapter's to_xml (v1.0) for this one-timeline model, but pretty-printed
            straight from the element tree: the adapter serialises the tree, parses that
            back with minidom and prints it again, most of the writer's time. The text is
            the same; a tree the shortcut does not cover takes the adapter's way."""
            for project in self.timelines:
                top_sequence = self._stack_to_sequence(project.tracks)
                project_element = ElementTree.Element(
                    "project",
                    {"name": project.name, "uid": project.metadata.get("fcpx", {}).get("uid", "")},
                )
                project_element.append(top_sequence)
                self.event_resource.append(project_element)
            # As the adapter: every marker moves to the end of its parent element.
            child_parent_map = {c: p for p in self.fcpx_xml.iter() for c in p}
            for marker in list(self.fcpx_xml.iter("marker")):
                parent = child_parent_map[marker]
                attributes = marker.attrib.copy()
                parent.remove(marker)
                ElementTree.SubElement(parent, "marker", attributes)
            pretty = _pretty_xml(self.fcpx_xml)
            if pretty is None:
                xml = ElementTree.tostring(self.fcpx_xml, encoding="UTF-8", method="xml")
                pretty = minidom.parseString(xml).toprettyxml(indent="    ")
            return pretty.replace(
                '<?xml version="1.0" ?>',
                '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE fcpxml>\n',
            )

    return Writer


# Characters XML 1.0 cannot hold: the adapter's minidom round trip refuses them.
# (Spelt as the characters left out, which compiles in a fraction of the time the ranges
# allowed take.)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _pretty_xml(root: Any) -> str | None:
    """What minidom's toprettyxml(indent="    ") prints for the element tree after a round
    trip through ElementTree.tostring: four spaces an indent level, one element a line,
    attributes in order with &, <, " and > escaped, an element without children closed
    with "/>". None for a tree with more than elements and string attributes (text,
    comments) or with a character XML cannot hold: those take the adapter's way."""
    out = ['<?xml version="1.0" ?>\n']

    def element(node: Any, indent: str) -> bool:
        tag = node.tag
        if not isinstance(tag, str) or "{" in tag or node.text or node.tail:
            return False  # a comment, a namespace, text: minidom's way
        attributes = "".join(f' {k}="{_escape_attribute(v)}"' for k, v in node.attrib.items())
        if not len(node):
            out.append(f"{indent}<{tag}{attributes}/>\n")
            return True
        out.append(f"{indent}<{tag}{attributes}>\n")
        inner = indent + "    "
        if not all(element(child, inner) for child in node):
            return False
        out.append(f"{indent}</{tag}>\n")
        return True

    try:
        if not element(root, ""):
            return None
    except TypeError:  # an attribute value that is not a string
        return None
    text = "".join(out)
    return None if _NOT_XML.search(text) else text


def _escape_attribute(value: str) -> str:
    """An attribute value as minidom writes it (its _write_data)."""
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if '"' in value:
        value = value.replace('"', "&quot;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    return value


def fcpx_time(frames: int, video: VideoSettings) -> str:
    """An FCPXML time: a whole number of frames as a fraction of a second ("1001/30000s")."""
    if frames == 0:
        return "0s"
    num, den = video.rate
    value = Fraction(frames * den, num)
    return f"{value.numerator}s" if value.denominator == 1 else f"{value}s"
