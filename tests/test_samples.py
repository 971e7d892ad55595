"""The sample episodes, end to end: imported from blog copy, built without audio, and
checked against what the posts really contain, the subtitle rules and the golden files."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import srt

from toolkit.build import BuildOptions, build_episode, episode_files
from toolkit.channel import load_channel
from toolkit.importers import import_sources
from toolkit.outputs.subtitles import check_cues
from toolkit.timing.timeline import TimedCue

REPO = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
KIT = (
    "script.md",
    "narration.txt",
    "subtitles.srt",
    "subtitles.vtt",
    "chapters.txt",
    "chapters.json",
    "timing.json",
    "markers.edl",
    "markers.fcpxml",
    "labels.txt",
    "shotlist.csv",
)

# What the posts in episodes/sources/ contain, as their author wrote them.
TRUTH = {
    "The Volcano That Cancelled Summer: Mount Tambora, 1815": (
        [
            "A Mountain on Sumbawa",
            "5 April 1815: Gunfire in the Distance",
            "The Night the Mountain Fell",
            "A Kingdom Buried",
            "1816: The Year Without a Summer",
            "Ghost Stories by the Lake",
        ],
        [
            "The caldera of Mount Tambora today, about six kilometres across",
            "Villa Diodati on the shore of Lake Geneva",
            "A blazing sunset by J. M. W. Turner, painted in the years after the eruption",
        ],
    ),
    "The Great Stink: How a Smelly Summer Built Modern London": (
        [
            "A City Flushing Itself Into the River",
            "Bad Air and Dr. Snow",
            "June 1858: The River Boils Over",
            "Enter Mr. Bazalgette",
            "Building Under a Living City",
            "Chains on the River",
        ],
        [
            "Faraday giving his card to Father Thames, a Punch cartoon of 1855",
            "Sir Joseph Bazalgette, chief engineer of the Metropolitan Board of Works",
            "The restored beam engines at Crossness Pumping Station",
        ],
    ),
    "The Day the Mona Lisa Vanished": (
        [
            "Monday, 21 August 1911",
            "An Empty Wall",
            "The Poet and the Painter",
            "Twenty-Eight Months in a Trunk",
            "A Letter to Florence",
            "A Patriot or a Thief?",
            "How a Theft Made an Icon",
        ],
        [
            "The empty space in the Salon Carré, with the four iron hooks still on the wall",
            "Vincenzo Peruggia's police record card, 1909",
            "The Mona Lisa on display at the Uffizi Gallery in Florence, December 1913",
        ],
    ),
}
BOILERPLATE = re.compile(r"\b(subscribe|patreon|thanks for watching)\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample channel, re-imported from its sources and built without audio."""
    folder = tmp_path_factory.mktemp("samples")
    shutil.copytree(REPO / "episodes", folder / "episodes")
    shutil.copytree(REPO / "voices", folder / "voices")
    for old in episode_files(folder):
        old.unlink()
    sources = sorted((folder / "episodes" / "sources").glob("*.txt"))
    import_sources(sources, folder / "episodes")
    for path in episode_files(folder):
        build_episode(folder, path, BuildOptions(audio=False))
    return folder


def kits(folder: Path) -> list[Path]:
    return sorted(p for p in (folder / "build").iterdir() if p.is_dir() and p.name[0] != ".")


def timing_of(kit: Path) -> dict:  # type: ignore[type-arg]
    return json.loads((kit / "timing.json").read_text(encoding="utf-8"))


def test_reimport_matches_the_committed_episodes(built: Path) -> None:
    """The committed episodes are exactly what importing the sources gives."""
    fresh = {p.name: p.read_text() for p in episode_files(built)}
    committed = {p.name: p.read_text() for p in episode_files(REPO)}
    assert fresh.keys() == committed.keys()
    for name in fresh:
        # Only the recorded source path may differ (it is relative to where it was run).
        strip = re.compile(r"^source: .*$", re.MULTILINE)
        assert strip.sub("", fresh[name]) == strip.sub("", committed[name]), name


def test_every_heading_is_a_section_and_every_caption_a_visual(built: Path) -> None:
    seen = set()
    for kit in kits(built):
        timing = timing_of(kit)
        title = timing["episode"]["title"]
        headings, captions = TRUTH[title]
        seen.add(title)
        sections = [s["title"] for s in timing["segments"] if s["kind"] == "section"]
        assert sections == [title, *headings]
        visuals = [v for s in timing["segments"] for v in s["visuals"]]
        assert visuals == captions
        script = (kit / "script.md").read_text()
        narrated = " ".join(c["text"].replace("\n", " ") for c in timing["cues"])
        for caption in captions:
            assert f"> **Visual:** {caption}" in script
            assert caption not in narrated
    assert seen == set(TRUTH)


def test_boilerplate_is_narrated_once_by_the_outro(built: Path) -> None:
    for kit in kits(built):
        timing = timing_of(kit)
        outro = len(timing["segments"]) - 1
        hits = [c for c in timing["cues"] if BOILERPLATE.search(c["text"])]
        assert hits, "the outro asks for subscriptions and support"
        assert all(c["segment"] == outro for c in hits)
        narration = (kit / "narration.txt").read_text()
        assert len(re.findall(r"\bsubscribe\b", narration, re.IGNORECASE)) == 1


def test_every_cue_meets_the_rule_profile(built: Path) -> None:
    rules = load_channel(built).rules
    for kit in kits(built):
        cues = tuple(
            TimedCue(c["start_ms"], c["end_ms"], c["text"], c["spoken"], c["segment"])
            for c in timing_of(kit)["cues"]
        )
        assert check_cues(cues, rules) == [], kit.name


def test_subtitles_read_back(built: Path) -> None:
    for kit in kits(built):
        cues = timing_of(kit)["cues"]
        parsed = list(srt.parse((kit / "subtitles.srt").read_text(encoding="utf-8")))
        assert [s.content for s in parsed] == [c["text"] for c in cues]
        assert [round(s.start.total_seconds() * 1000) for s in parsed] == [
            c["start_ms"] for c in cues
        ]
        raw = (kit / "subtitles.srt").read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf")


def test_youtube_and_podcast_chapters(built: Path) -> None:
    for kit in kits(built):
        lines = (kit / "chapters.txt").read_text().splitlines()
        assert lines[0].startswith("00:00 ")
        assert len(lines) >= 3
        seconds = []
        for line in lines:
            stamp = line.split(" ", 1)[0]
            parts = [int(x) for x in stamp.split(":")]
            seconds.append(parts[-1] + 60 * parts[-2] + (3600 * parts[0] if len(parts) == 3 else 0))
        total = timing_of(kit)["total_ms"] / 1000
        ends = [*seconds[1:], total]
        assert all(e - s >= 10 for s, e in zip(seconds, ends, strict=True))
        doc = json.loads((kit / "chapters.json").read_text())
        assert doc["version"] == "1.2.0"
        starts = [c["startTime"] for c in doc["chapters"]]
        assert starts == sorted(starts) and starts[0] == 0
        assert all(isinstance(c["title"], str) and c["title"] for c in doc["chapters"])


@pytest.mark.parametrize("name", KIT)
def test_golden_files(built: Path, name: str, update_golden: bool) -> None:
    for kit in kits(built):
        produced = (kit / name).read_text(encoding="utf-8")
        golden = GOLDEN / kit.name / name
        if update_golden:
            golden.parent.mkdir(parents=True, exist_ok=True)
            golden.write_text(produced, encoding="utf-8")
            continue
        assert golden.is_file(), f"no golden file {golden}: run with --update-golden"
        assert produced == golden.read_text(encoding="utf-8"), (
            f"{kit.name}/{name} changed: if intended, run with --update-golden and review"
        )
