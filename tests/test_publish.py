"""Publishing files of a kit: description.txt, shownotes.html and transcript.json."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.build import BuildOptions, build_episode
from toolkit.channel import Channel, load_channel, parse_channel
from toolkit.errors import TemplateError
from toolkit.publish.description import (
    DESCRIPTION,
    YOUTUBE_MAX_CHARS,
    compose_description,
    description_context,
)
from toolkit.publish.notes import Link, Notes
from toolkit.publish.shownotes import ALLOWED_TAGS, compose_shownotes
from toolkit.templates import Templates

STORY = """The canal froze on the last night of the year, and the barge men walked home across it.

## The Hard Winter
Nobody in the town had seen ice so thick. Children skated where the coal boats usually
waited, and the miller charged a penny to cross his pond.

## The Thaw
When the thaw came in February, it came all at once. The water rose a yard in an hour and
carried three bridges down towards the sea.
"""


def _front(extra: str = "", title: str = "The Frozen Canal", number: int = 1) -> str:
    return f"---\ntitle: {title}\nnumber: {number}\n{extra}---\n"


def _build(channel_dir: Path, text: str, name: str = "001-the-frozen-canal.md") -> Path:
    path = channel_dir / "episodes" / name
    path.write_text(text, encoding="utf-8")
    result = build_episode(channel_dir, path, BuildOptions(audio=False))
    return result.folder


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.hrefs: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.hrefs.extend(v or "" for k, v in attrs if k == "href")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _tags(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser


def test_kit_has_the_publishing_files(channel_dir: Path) -> None:
    kit = _build(channel_dir, _front() + STORY)
    description = (kit / "description.txt").read_text(encoding="utf-8")
    chapters = (kit / "chapters.txt").read_text(encoding="utf-8")
    # The summary falls back to the story's first sentence; the chapters block is chapters.txt.
    assert description.startswith(
        "The canal froze on the last night of the year, and the barge men walked home across it."
    )
    assert chapters in description
    assert "https://example.com" in description  # the channel's links
    assert len(description) <= YOUTUBE_MAX_CHARS
    assert "<" not in description and ">" not in description


def test_transcript_follows_the_kit_timing(channel_dir: Path) -> None:
    kit = _build(channel_dir, _front() + STORY)
    transcript = json.loads((kit / "transcript.json").read_text(encoding="utf-8"))
    timing = json.loads((kit / "timing.json").read_text(encoding="utf-8"))
    assert transcript["version"] == "1.0.0"
    assert set(transcript) == {"version", "segments"}
    assert len(transcript["segments"]) == len(timing["cues"])
    speaker = load_channel(channel_dir).host
    for segment, cue in zip(transcript["segments"], timing["cues"], strict=True):
        assert set(segment) == {"speaker", "startTime", "endTime", "body"}
        assert segment["speaker"] == speaker
        assert segment["startTime"] == cue["start_ms"] / 1000
        assert segment["endTime"] == cue["end_ms"] / 1000
        assert segment["body"] == " ".join(cue["text"].split())
        assert segment["startTime"] < segment["endTime"]
    starts = [s["startTime"] for s in transcript["segments"]]
    assert starts == sorted(starts)


def test_show_notes_keep_to_the_tag_subset(channel_dir: Path) -> None:
    sources = (
        'sources:\n  - "A History of Canals <2nd edition> & More"\n'
        "  - https://example.org/canal-records\n"
    )
    kit = _build(channel_dir, _front("summary: Ice, a penny toll & a flood.\n" + sources) + STORY)
    html = (kit / "shownotes.html").read_text(encoding="utf-8")
    parsed = _tags(html)
    assert set(parsed.tags) <= ALLOWED_TAGS
    assert {"p", "h2", "ul", "li", "a", "ol"} <= set(parsed.tags)
    assert "https://example.org/canal-records" in parsed.hrefs
    text = "".join(parsed.text)
    assert "Ice, a penny toll & a flood." in text  # unescaped back by the parser
    assert "A History of Canals <2nd edition> & More" in text
    description = (kit / "description.txt").read_text(encoding="utf-8")
    assert description.startswith("Ice, a penny toll & a flood.")
    assert "A History of Canals ‹2nd edition› & More" in description


def test_title_with_angle_brackets_never_reaches_the_description(channel_dir: Path) -> None:
    kit = _build(channel_dir, _front("summary: When 1 < 2 and 3 > 2.\n") + STORY)
    description = (kit / "description.txt").read_text(encoding="utf-8")
    assert "<" not in description and ">" not in description
    assert "When 1 ‹ 2 and 3 › 2." in description


def test_a_long_episode_with_many_chapters_keeps_every_chapter(channel_dir: Path) -> None:
    toml = channel_dir / "episodes" / "channel.toml"
    names = ", ".join(f'"Supporter Number {i:03d}"' for i in range(400))
    text = toml.read_text(encoding="utf-8").replace('"Patron" = []', f'"Patron" = [{names}]')
    toml.write_text(text, encoding="utf-8")
    paragraph = (
        "The surveyors walked the line again that spring, counting every lock and weir, "
        "and they wrote down what each village said about the water and the old mill."
    )
    sections = "\n".join(f"## Stretch {i} of the Canal\n{paragraph}\n" for i in range(1, 61))
    sources = "sources:\n" + "".join(f"  - A county record book, volume {i}\n" for i in range(40))
    path = channel_dir / "episodes" / "001-the-long-canal.md"
    path.write_text(_front(sources, "The Long Canal") + paragraph + "\n\n" + sections, "utf-8")
    result = build_episode(channel_dir, path, BuildOptions(audio=False))
    description = (result.folder / "description.txt").read_text(encoding="utf-8")
    chapters = (result.folder / "chapters.txt").read_text(encoding="utf-8")
    assert len(chapters.splitlines()) >= 50
    assert len(description) <= YOUTUBE_MAX_CHARS
    assert chapters in description  # every chapter, exactly as chapters.txt
    warnings = [w for w in result.warnings if w.startswith("description.txt")]
    assert len(warnings) == 1
    assert "chapters kept whole" in warnings[0] and "patron names" in warnings[0]
    assert "more" in description  # patrons stand as "… and N more"


def _notes(chapters: int, patrons: int = 0, sources: int = 0, summary: str = "S.") -> Notes:
    return Notes(
        title="T",
        number=1,
        summary=summary,
        chapters=tuple(f"{i // 60:02d}:{i % 60:02d} Chapter {i}" for i in range(chapters)),
        links=(Link("Website", "https://example.com"),),
        patrons=(("gold", tuple(f"Name {i}" for i in range(patrons))),) if patrons else (),
        sources=tuple(f"Source {i}" for i in range(sources)),
    )


def test_chapters_alone_over_the_limit_are_kept_and_warned() -> None:
    notes = _notes(400, patrons=50, sources=10)
    result = compose_description(notes, _channel("C"), Templates(None))
    assert "\n".join(notes.chapters) in result.text
    assert len(result.text) > YOUTUBE_MAX_CHARS
    assert len(result.warnings) == 1 and "chapters alone" in result.warnings[0]


@settings(max_examples=40, deadline=None)
@given(
    chapters=st.integers(3, 120),
    patrons=st.integers(0, 900),
    sources=st.integers(0, 80),
    summary=st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=3000),
)
def test_description_limits_hold(chapters: int, patrons: int, sources: int, summary: str) -> None:
    notes = _notes(chapters, patrons, sources, summary)
    result = compose_description(notes, _channel("C <b>"), Templates(None))
    assert "<" not in result.text and ">" not in result.text
    assert "\n".join(notes.chapters) in result.text
    assert len(result.text) <= YOUTUBE_MAX_CHARS
    full = _full_length(notes, _channel("C <b>"))
    assert bool(result.warnings) == (full > YOUTUBE_MAX_CHARS)


def _full_length(notes: Notes, channel: Channel) -> int:
    text = Templates(None).render(DESCRIPTION, description_context(notes, channel))
    return len(text.strip("\n")) + 1


def _channel(name: str) -> Channel:
    return parse_channel(f"name = {json.dumps(name)}\n", "channel.toml")


def test_show_notes_escape_everything() -> None:
    notes = Notes(
        title="T",
        number=1,
        summary="<script>alert(1)</script>",
        chapters=("00:00 <i>Intro</i>",),
        links=(Link("Site", 'https://example.com/?a=1&b="2"'),),
        patrons=(("gold", ("Ann <Ann@example.com>",)),),
        sources=("javascript:alert(1)",),
    )
    parsed = _tags(compose_shownotes(notes))
    assert set(parsed.tags) <= ALLOWED_TAGS
    assert parsed.hrefs == ['https://example.com/?a=1&b="2"']


def test_channel_template_overrides_the_description(channel_dir: Path) -> None:
    templates = channel_dir / "episodes" / "templates"
    (templates / "description.md.j2").write_text(
        "{{ episode.title }} ({{ patron_count }} patrons)\n\n{{ chapters }}\n", "utf-8"
    )
    kit = _build(channel_dir, _front() + STORY)
    description = (kit / "description.txt").read_text(encoding="utf-8")
    chapters = (kit / "chapters.txt").read_text(encoding="utf-8")
    assert description == f"The Frozen Canal (0 patrons)\n\n{chapters}"


def test_a_broken_description_template_names_its_file(channel_dir: Path) -> None:
    templates = channel_dir / "episodes" / "templates"
    (templates / "description.md.j2").write_text("Hello\n{{ nobody }}\n", "utf-8")
    with pytest.raises(TemplateError) as caught:
        _build(channel_dir, _front() + STORY)
    assert "description.md.j2:2" in str(caught.value)
