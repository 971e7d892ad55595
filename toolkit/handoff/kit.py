"""The hand-off files of a kit, by file name (markers, labels, shot list)."""

from __future__ import annotations

from toolkit.channel import VideoSettings
from toolkit.handoff.labels import compose_labels
from toolkit.handoff.markers import compose_marker_files
from toolkit.handoff.shotlist import (
    Marker,
    Shot,
    compose_shotlist,
    place_markers,
    place_shots,
)
from toolkit.text.assemble import Episode
from toolkit.timing.cue import Cue
from toolkit.timing.timeline import Timeline

HANDOFF_FILES = ("markers.edl", "markers.fcpxml", "labels.txt", "shotlist.csv")

Placed = tuple[tuple[Shot, ...], tuple[Marker, ...]]  # what place_handoff gives


def place_handoff(episode: Episode, cues: tuple[Cue, ...], timeline: Timeline) -> Placed:
    """The shots and markers of the hand-off files (and of the page's hand-off section)."""
    shots = place_shots(episode, cues, timeline)
    return shots, place_markers(timeline, shots)


def compose_handoff_files(
    episode: Episode,
    cues: tuple[Cue, ...],
    timeline: Timeline,
    video: VideoSettings,
    placed: Placed | None = None,
) -> dict[str, str]:
    """markers.edl, markers.fcpxml, labels.txt and shotlist.csv at the timeline's timing.
    `placed`: what place_handoff gives for these, when the caller has it."""
    shots, markers = placed if placed is not None else place_handoff(episode, cues, timeline)
    edl, fcpxml = compose_marker_files(episode.title, timeline.total_ms, markers, video)
    return {
        "markers.edl": edl,
        "markers.fcpxml": fcpxml,
        "labels.txt": compose_labels(markers),
        "shotlist.csv": compose_shotlist(shots, video),
    }
