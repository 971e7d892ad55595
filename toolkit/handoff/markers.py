"""markers.edl and markers.fcpxml: chapter and visual-cue markers for video editors.

Both are written through OpenTimelineIO's adapters (CMX 3600 and FCP X XML) from one
model: a video track holding one clip, the narration, that starts at the channel's start
timecode (a gap of that length before it, so its record and source timecodes agree) and
carries every marker at the frame nearest its kit time. Frame rates are exact fractions
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
  OTIO's FCPXML reader rounds rates down to whole frames a second (29.97 reads as 29), so
  reading back is within about a frame, not exact; the file itself is exact.
Both outputs are the same bytes for the same inputs: neither writer embeds a clock or an id
here (the FCPXML writer dates an event only when it holds several timelines; this is one).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from toolkit.channel import VideoSettings
from toolkit.handoff.shotlist import CHAPTER, Marker, frames_at, one_line, start_frames

MEDIA_NAME = "narration"
MEDIA_FILE = "narration.mp3"  # beside the marker files in the kit
REEL = "NARR"
CHAPTER_COLOUR = "BLUE"
VISUAL_COLOUR = "YELLOW"
_OTIO_NOTE = "toolkit_note"


def _model(
    title: str,
    total_ms: int,
    markers: tuple[Marker, ...],
    video: VideoSettings,
    lead_gap: bool = True,
) -> Any:
    """The OTIO timeline both files are written from."""
    import opentimelineio as otio

    num, den = video.rate
    rate = num / den
    first = start_frames(video)
    length = max(1, frames_at(total_ms, video), *(frames_at(m.at_ms, video) + 1 for m in markers))

    def at(frame: int) -> Any:
        return otio.opentime.RationalTime(frame, rate)

    timeline = otio.schema.Timeline(name=one_line(title))
    track = otio.schema.Track(name="V1", kind=otio.schema.TrackKind.Video)
    timeline.tracks.append(track)
    if first and lead_gap:
        track.append(otio.schema.Gap(source_range=otio.opentime.TimeRange(at(0), at(first))))
    span = otio.opentime.TimeRange(at(first), at(length))
    clip = otio.schema.Clip(
        name=MEDIA_NAME,
        media_reference=otio.schema.ExternalReference(target_url=MEDIA_FILE, available_range=span),
        source_range=span,
        metadata={"cmx_3600": {"reel": REEL}},
    )
    for mark in markers:
        clip.markers.append(
            otio.schema.Marker(
                name=mark.name,
                marked_range=otio.opentime.TimeRange(
                    at(first + frames_at(mark.at_ms, video)), at(0)
                ),
                color=CHAPTER_COLOUR if mark.kind == CHAPTER else VISUAL_COLOUR,
                metadata={_OTIO_NOTE: mark.note},
            )
        )
    track.append(clip)
    return timeline


def compose_edl(
    title: str, total_ms: int, markers: tuple[Marker, ...], video: VideoSettings
) -> str:
    """markers.edl: one event (the narration) with a `* LOC:` locator per marker, the form
    DaVinci Resolve imports as timeline markers."""
    from otio_cmx3600_adapter import cmx_3600

    num, den = video.rate
    text: str = cmx_3600.write_to_string(
        _model(title, total_ms, markers, video), rate=num / den, style="avid", reelname_len=8
    )
    fcm = "FCM: DROP FRAME" if video.drop_frame else "FCM: NON-DROP FRAME"
    head, sep, rest = text.partition("\n\n")
    if head.startswith("TITLE:") and sep:
        return f"{head}\n{fcm}\n\n{rest}"
    return f"{fcm}\n\n{text}"


def compose_fcpxml(
    title: str, total_ms: int, markers: tuple[Marker, ...], video: VideoSettings
) -> str:
    """markers.fcpxml: a project whose one clip (the narration) carries every marker."""
    from otio_fcpx_xml_adapter import fcpx_xml

    num, den = video.rate
    frame_duration = f"{den}/{num}s" if den != 1 else f"1/{num}s"
    format_name = f"FFVideoFormat1080p{f'{video.fps:g}'.replace('.', '')}"
    start = fcpx_time(start_frames(video), video)

    class Writer(fcpx_xml.FcpxOtio):  # type: ignore[misc]
        """The adapter's writer with what it cannot say on its own (its hooks, v1.0)."""

        @staticmethod
        def _framerate_to_frame_duration(framerate: float) -> str:
            return frame_duration  # the exact one: its table misses 30000/1001 and 48

        def _clip_format_name(self, clip: Any) -> str:
            return format_name  # instead of running ffprobe on the media

        def _stack_to_sequence(self, stack: Any, compound_clip: bool = False) -> Any:
            sequence = super()._stack_to_sequence(stack, compound_clip)
            sequence.set("tcStart", start)
            sequence.set("tcFormat", "DF" if video.drop_frame else "NDF")
            return sequence

        def _element_for_clip(self, item: Any, asset_id: str, duration: str, lane: Any) -> Any:
            element = super()._element_for_clip(item, asset_id, duration, lane)
            element.set("offset", start)  # spine offsets count from tcStart
            return element

        def _element_for_item(self, item: Any, lane: Any, *args: Any, **kwargs: Any) -> Any:
            element = super()._element_for_item(item, lane, *args, **kwargs)
            if element is not None:
                for tag, marker in zip(element.findall("marker"), item.markers, strict=True):
                    note = marker.metadata.get(_OTIO_NOTE, "")
                    if note and note != marker.name and marker.color != CHAPTER_COLOUR:
                        tag.set("note", note)
            return element

    text: str = Writer(_model(title, total_ms, markers, video, lead_gap=False)).to_xml()
    # The adapter's pretty-printer leaves a blank line after the DOCTYPE.
    return text.replace("<!DOCTYPE fcpxml>\n\n", "<!DOCTYPE fcpxml>\n", 1)


def fcpx_time(frames: int, video: VideoSettings) -> str:
    """An FCPXML time: a whole number of frames as a fraction of a second ("1001/30000s")."""
    if frames == 0:
        return "0s"
    num, den = video.rate
    value = Fraction(frames * den, num)
    return f"{value.numerator}s" if value.denominator == 1 else f"{value}s"
