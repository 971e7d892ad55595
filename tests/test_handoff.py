"""Hand-off files: markers read back with OpenTimelineIO at the kit's times, the Audacity
label track and the shot list parse, and timecodes agree with OpenTimelineIO's."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from xml.etree import ElementTree

import opentimelineio as otio
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit.build import Plan, plan_episode
from toolkit.channel import EXACT_FPS, VideoSettings, load_channel
from toolkit.handoff.kit import compose_handoff_files
from toolkit.handoff.labels import compose_labels
from toolkit.handoff.shotlist import (
    CHAPTER,
    SHOTLIST_HEADER,
    VISUAL,
    Marker,
    Shot,
    editor_timecode,
    frames_at,
    place_markers,
    place_shots,
    start_frames,
    timecode,
)
from toolkit.text.article import load_article

BODY = """The harbour was quiet on the first morning. Boats lay still on the water.

![A chart of the harbour, 1820]()

The keeper wrote to the board about the lamp. Nobody answered the letter for a month.

## The Winter Storm

![The lighthouse in a storm, an engraving]()

Snow fell for nine days without a pause. The road to the town was closed.

![The keeper's logbook, open at 3 March]()

She kept the lamp lit every night, and the ships came home.

![A photograph of the rebuilt tower]()
"""

Planned = tuple[Plan, tuple[Shot, ...], tuple[Marker, ...]]

RATES = [
    (25.0, "00:00:00:00"),
    (25.0, "01:00:00:00"),
    (29.97, "00:00:00;00"),
    (29.97, "01:00:00;00"),
    (30.0, "00:00:00:00"),
    (30.0, "01:00:00:00"),
]


@pytest.fixture
def planned(channel_dir: Path, write_episode: Callable[..., Path]) -> Planned:
    path = write_episode("001-the-keeper.md", BODY, title="The Keeper")
    channel = load_channel(channel_dir)
    plan = plan_episode(channel_dir, load_article(path), channel)
    shots = place_shots(plan.episode, plan.cues, plan.timeline)
    markers = place_markers(plan.timeline, shots)
    return plan, shots, markers


def frame_s(video: VideoSettings) -> float:
    num, den = video.rate
    return den / num


def test_shots_are_placed_where_the_narration_reaches_them(planned: Planned) -> None:
    plan, shots, _ = planned
    timeline = plan.timeline
    segs = timeline.segments
    assert [s.caption for s in shots] == [
        "A chart of the harbour, 1820",
        "The lighthouse in a storm, an engraving",
        "The keeper's logbook, open at 3 March",
        "A photograph of the rebuilt tower",
    ]
    # Before "The keeper wrote…": the first cue of that paragraph.
    keeper = next(c for c in timeline.cues if c.text.startswith("The keeper wrote"))
    assert shots[0].start_ms == keeper.start_ms
    assert shots[0].sentence == "The keeper wrote to the board about the lamp."
    # A caption at the head of a section is reached with its first cue.
    snow = next(c for c in timeline.cues if c.text.startswith("Snow fell"))
    assert shots[1].start_ms == snow.start_ms
    assert shots[1].end_ms == shots[2].start_ms  # until the next visual
    # Nothing narrated after the last caption: reached at the end of its section.
    section = shots[3].segment
    assert shots[3].start_ms == shots[3].end_ms == segs[section].end_ms
    assert shots[3].sentence == "She kept the lamp lit every night, and the ships came home."
    assert shots[0].end_ms == segs[shots[0].segment].end_ms


@pytest.mark.parametrize(("fps", "start"), RATES)
def test_markers_read_back_with_opentimelineio(planned: Planned, fps: float, start: str) -> None:
    plan, _, markers = planned
    timeline = plan.timeline
    video = VideoSettings(fps=fps, start_timecode=start)
    files = compose_handoff_files(plan.episode, plan.cues, timeline, video)
    num, den = video.rate
    rate = num / den
    origin = otio.opentime.from_timecode(start, rate).to_seconds()
    one_frame = frame_s(video)

    # CMX 3600: OTIO's reader keeps locators on the clip; times are timecode.
    edl = files["markers.edl"]
    assert ("FCM: DROP FRAME" in edl) == video.drop_frame
    read = otio.adapters.read_from_string(edl, "cmx_3600", rate=rate)
    (clip,) = list(read.find_clips())
    if video.drop_frame:
        # OTIO's EDL reader skips drop-frame locators ("01:00:03;10"): read those lines with
        # OTIO's own timecode parser instead (documented in toolkit.handoff.markers).
        assert len(clip.markers) in (0, len(markers))
        found = [
            (m.group(2), otio.opentime.from_timecode(m.group(1), rate).to_seconds())
            for m in re.finditer(r"^\* LOC: (\S+) +\w+ +(.*)$", edl, re.M)
        ]
    else:
        found = [(m.name, m.marked_range.start_time.to_seconds()) for m in clip.markers]
    assert len(found) == len(markers)
    for mark, (name, at) in zip(markers, found, strict=True):
        assert name == mark.name.upper()
        assert abs(at - origin - mark.at_ms / 1000) <= one_frame

    # FCP X XML: markers on the clip, times in the clip's source time (from tcStart).
    fcpxml = files["markers.fcpxml"]
    read = otio.adapters.read_from_string(fcpxml, "fcpx_xml")
    (clip,) = list(read.find_clips())
    assert [m.name for m in clip.markers] == [m.name for m in markers]
    # OTIO's FCPXML reader rounds the rate down to whole frames a second (29.97 -> 29).
    read_error = 1 / int(rate) if den != 1 else 0.0
    for mark, got in zip(markers, clip.markers, strict=True):
        at = got.marked_range.start_time.to_seconds()
        assert abs(at - origin - mark.at_ms / 1000) <= one_frame + read_error
    # The file itself is exact: every time is a whole frame, within half a frame.
    root = ElementTree.fromstring(fcpxml.split("\n", 2)[2])
    sequence = root.find(".//sequence")
    assert sequence is not None
    assert sequence.get("tcFormat") == ("DF" if video.drop_frame else "NDF")
    tc_start = Fraction(sequence.get("tcStart", "0s").rstrip("s"))
    assert tc_start == Fraction(start_frames(video) * den, num)
    frame = Fraction(den, num)
    for mark, element in zip(markers, root.iter("marker"), strict=True):
        at = Fraction(element.get("start", "0s").rstrip("s"))
        assert (at / frame).denominator == 1
        assert abs(at - tc_start - Fraction(mark.at_ms, 1000)) <= frame / 2
        if mark.kind == VISUAL:
            assert element.get("note") == mark.note


def test_labels_parse_as_an_audacity_label_track(planned: Planned) -> None:
    plan, shots, markers = planned
    text = compose_labels(markers)
    rows = [line.split("\t") for line in text.splitlines()]
    assert len(rows) == len(markers)
    chapters = [r for r in rows if not r[2].startswith("Visual ")]
    visuals = [r for r in rows if r[2].startswith("Visual ")]
    assert len(visuals) == len(shots)
    assert [r[2] for r in chapters] == [s.title for s in plan.timeline.segments]
    for start, end, _ in rows:
        assert re.fullmatch(r"\d+\.\d{6}", start) and re.fullmatch(r"\d+\.\d{6}", end)
    for start, end, _ in chapters:
        assert float(start) < float(end)
    for start, end, _ in visuals:
        assert start == end
    starts = [float(r[0]) for r in rows]
    assert starts == sorted(starts)


def test_shot_list_parses(planned: Planned) -> None:
    plan, shots, _ = planned
    video = VideoSettings(fps=29.97, start_timecode="01:00:00;00")
    files = compose_handoff_files(plan.episode, plan.cues, plan.timeline, video)
    rows = list(csv.reader(io.StringIO(files["shotlist.csv"], newline="")))
    assert tuple(rows[0]) == SHOTLIST_HEADER
    assert len(rows) == 1 + len(shots)
    for row, shot in zip(rows[1:], shots, strict=True):
        record = dict(zip(SHOTLIST_HEADER, row, strict=True))
        assert int(record["shot"]) == shot.number
        assert float(record["start_seconds"]) == shot.start_ms / 1000
        assert float(record["end_seconds"]) >= float(record["start_seconds"])
        assert record["caption"] == shot.caption
        assert record["segment"] == shot.segment_title
        assert record["start_timecode"] == editor_timecode(shot.start_ms, video)
        assert re.fullmatch(r"01:\d\d:\d\d;\d\d", record["start_timecode"])


def test_hand_off_files_are_deterministic(planned: Planned) -> None:
    plan = planned[0]
    video = VideoSettings(fps=23.976, start_timecode="01:00:00:00")
    args = (plan.episode, plan.cues, plan.timeline, video)
    first = compose_handoff_files(*args)
    assert compose_handoff_files(*args) == first
    assert "/tmp" not in first["markers.fcpxml"] and "file://" not in first["markers.fcpxml"]
    assert 'frameDuration="1001/24000s"' in first["markers.fcpxml"]


@given(st.sampled_from(sorted(EXACT_FPS)), st.integers(0, 24 * 3600 * 60 - 1))
def test_timecodes_agree_with_opentimelineio(fps: float, frame: int) -> None:
    video = VideoSettings(fps=fps)
    num, den = video.rate
    rate = num / den
    if frame >= 24 * 3600 * num // den:
        return
    expected = otio.opentime.to_timecode(otio.opentime.RationalTime(frame, rate), rate)
    assert timecode(frame, video) == expected
    back = otio.opentime.from_timecode(expected, rate).value
    assert back == frame


@given(
    st.sampled_from(sorted(EXACT_FPS)), st.integers(0, 23), st.integers(0, 59), st.integers(0, 59)
)
def test_start_timecode_counts_frames_like_opentimelineio(
    fps: float, hours: int, minutes: int, seconds: int
) -> None:
    sep = ";" if fps in (29.97, 59.94) else ":"
    start = f"{hours:02d}:{minutes:02d}:{seconds:02d}{sep}04"
    video = VideoSettings(fps=fps, start_timecode=start)
    num, den = video.rate
    assert start_frames(video) == otio.opentime.from_timecode(start, num / den).value
    assert frames_at(1000, video) == round(num / den)


def test_a_chapter_sorts_before_a_visual_at_the_same_moment() -> None:
    from toolkit.timing.timeline import TimedSegment, Timeline

    timeline = Timeline(
        "estimate", "default", 5000, (TimedSegment("intro", "Intro", 0, 5000, 3, ()),), ()
    )
    from toolkit.handoff.shotlist import Shot

    shot = Shot(1, 0, 5000, 0, "Intro", "A map", "Hello.")
    marks = place_markers(timeline, (shot,))
    assert [m.kind for m in marks] == [CHAPTER, VISUAL]
    assert marks == (
        Marker(0, CHAPTER, "Intro", "Intro", 5000),
        Marker(0, VISUAL, "Visual 1: A map", "A map", 5000),
    )


def test_every_kit_has_the_hand_off_files_and_the_page_shows_them(
    channel_dir: Path, write_episode: Callable[..., Path]
) -> None:
    from toolkit.build import BuildOptions, build_episode

    path = write_episode("001-the-keeper.md", BODY, title="The Keeper")
    toml = channel_dir / "episodes" / "channel.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8") + '\n[video]\nfps = 25\nstart_timecode = "01:00:00:00"\n',
        encoding="utf-8",
    )
    result = build_episode(channel_dir, path, BuildOptions())
    for name in ("markers.edl", "markers.fcpxml", "labels.txt", "shotlist.csv"):
        assert name in result.files
        assert (result.folder / name).is_file()
    page = (result.folder / "index.html").read_text(encoding="utf-8")
    assert "Shot list" in page and "Markers" in page
    assert "The keeper&#39;s logbook, open at 3 March" in page
    assert "01:00:00:00" in page  # the markers list gives editor timecode
    assert 'href="markers.edl"' in page


@pytest.fixture(scope="module")
def plain_channel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.conftest import use_espeak
    from toolkit.scaffold import init_channel

    folder = tmp_path_factory.mktemp("property") / "channel"
    init_channel(folder)
    return use_espeak(folder)


_BLOCKS = st.lists(
    st.sampled_from(
        [
            "The tide turned before dawn, and the boats went out.",
            "Nobody in the village had seen such a winter. The well froze twice.",
            "![A drawing of the quay]()",
            "![The harbour master's ledger]()",
            "## A New Chapter",
        ]
    ),
    min_size=1,
    max_size=9,
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(_BLOCKS)
def test_every_caption_becomes_one_shot_inside_its_section(
    plain_channel: Path, blocks: list[str]
) -> None:
    body = "Opening words of the story, said first.\n\n" + "\n\n".join(blocks) + "\n"
    path = plain_channel / "episodes" / "001-property.md"
    path.write_text(f"---\ntitle: Property\nnumber: 1\n---\n{body}", encoding="utf-8")
    channel = load_channel(plain_channel)
    plan = plan_episode(plain_channel, load_article(path), channel)
    shots = place_shots(plan.episode, plan.cues, plan.timeline)
    captions = [v for seg in plan.episode.segments for v in seg.visuals]
    assert [s.caption for s in shots] == captions
    assert [s.number for s in shots] == list(range(1, len(shots) + 1))
    for shot in shots:
        seg = plan.timeline.segments[shot.segment]
        assert seg.start_ms <= shot.start_ms <= shot.end_ms <= seg.end_ms
    starts = [s.start_ms for s in shots]
    assert starts == sorted(starts)
    markers = place_markers(plan.timeline, shots)
    assert len(markers) == len(plan.timeline.segments) + len(shots)
    assert [m.at_ms for m in markers] == sorted(m.at_ms for m in markers)
