"""The preview pages as HTML text: what they list, how they escape, that they are stable.

The browser half (playing, seeking, keyboard) is in test_page_browser.py."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from toolkit.build import BuildOptions, Plan, build_episode, episode_files, plan_episode
from toolkit.channel import Channel, load_channel
from toolkit.errors import ToolkitError
from toolkit.outputs.chapters import clock, segment_chapters
from toolkit.outputs.page import (
    CatalogueEntry,
    _cue_json,
    catalogue_entry,
    compose_catalogue,
    compose_page,
    read_catalogue_entry,
    script_json,
    stamp,
)
from toolkit.text.article import load_article
from toolkit.timing.timeline import AUDIO, ESTIMATE, TimedCue, Timeline, compose_timing_json

BODY = """The opening lines set the scene. It was 1815 when the mountain blew, and the sky over
Sumbawa turned black for three days while ash fell like snow on the villages below.

## The Eruption
The first blast was heard a thousand miles away. Soldiers marched out, thinking it was cannon fire.

![The crater of Mount Tambora today](crater.jpg)

Nobody in the villages below lived to tell of it.

## The Year Without A Summer
Snow fell in June. Crops failed across two continents, and prices rose everywhere.
"""

# Title, heading, caption and text all carry HTML's special characters; the title also
# reaches the cues through the intro and outro templates ("This is episode 1: …").
NASTY_TITLE = 'Tom & Jerry <b>"quoted"</b> </script>'
NASTY_BODY = """Is 3 < 4 & "yes" said Tom's dog.

![Caption <i>&</i> "quoted" </script><script>alert(1)</script>](x.jpg)

## Part <Two> & 'more'
The end is near. It really is.
"""


class Page(HTMLParser):
    """Collects what the tests look at: element counts, cue spans, chapter links, texts."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: dict[str, int] = {}
        self.cues: list[dict[str, str]] = []
        self.chapters: list[dict[str, str]] = []
        self.scripts: list[tuple[dict[str, str], str]] = []
        self.audio: list[dict[str, str]] = []
        self.paragraphs: list[str] = []  # the script's (the page's other <p> have a class)
        self._open: list[tuple[str, dict[str, str], list[str]]] = []
        self.texts: dict[str, str] = {}  # element id -> text
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        self.tags[tag] = self.tags.get(tag, 0) + 1
        if tag == "audio":
            self.audio.append(attributes)
        if tag in ("meta", "link", "br", "input", "img"):
            return
        self._open.append((tag, attributes, []))

    def handle_endtag(self, tag: str) -> None:
        while self._open:
            name, attributes, parts = self._open.pop()
            text = "".join(parts)
            if self._open:
                self._open[-1][2].append(text)
            if name == "span" and "cue" in attributes.get("class", "").split():
                self.cues.append({**attributes, "text": text})
            if name == "a" and "data-chapter" in attributes:
                self.chapters.append({**attributes, "text": text})
            if name == "script":
                self.scripts.append((attributes, text))
            if name == "p" and "class" not in attributes:
                self.paragraphs.append(text)
            if "id" in attributes:
                self.texts[attributes["id"]] = text
            if name == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._open:
            self._open[-1][2].append(data)


def texts_by_class(html: str, html_class: str) -> list[str]:
    """The text of every element with this class (the parser above keys by id only)."""

    class Collect(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.stack: list[tuple[bool, list[str]]] = []
            self.found: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag in ("meta", "link", "br"):
                return
            classes = (dict(attrs).get("class") or "").split()
            self.stack.append((set(html_class.split()) <= set(classes), []))

        def handle_endtag(self, tag: str) -> None:
            if not self.stack:
                return
            wanted, parts = self.stack.pop()
            text = "".join(parts)
            if self.stack:
                self.stack[-1][1].append(text)
            if wanted:
                self.found.append(text)

        def handle_data(self, data: str) -> None:
            if self.stack:
                self.stack[-1][1].append(data)

    collect = Collect()
    collect.feed(html)
    return collect.found


def make_plan(
    channel_dir: Path, write_episode: Callable[..., Path], body: str = BODY, title: str = "Tambora"
) -> tuple[Plan, Channel]:
    path = write_episode("001-tambora.md", body, title=json.dumps(title))
    channel = load_channel(channel_dir)
    return plan_episode(channel_dir, load_article(path), channel), channel


def test_page_lists_every_chapter_and_every_cue(channel_dir, write_episode):
    plan, channel = make_plan(channel_dir, write_episode)
    html = compose_page(plan.episode, plan.timeline, channel, [], None)
    page = Page(html)

    assert [c["text"] for c in page.cues] == [" ".join(c.text.split()) for c in plan.timeline.cues]
    assert [(int(c["data-start"]), int(c["data-end"])) for c in page.cues] == [
        (c.start_ms, c.end_ms) for c in plan.timeline.cues
    ]
    assert [c["id"] for c in page.cues] == [f"cue-{i}" for i in range(len(plan.timeline.cues))]

    chapters = segment_chapters(plan.timeline)
    assert [" ".join(c["text"].split()) for c in page.chapters] == [
        f"{clock(ch.start_ms)} {ch.title}" for ch in chapters
    ]
    assert [c.title for c in chapters] == [
        "Intro",
        "Tambora",
        "The Eruption",
        "The Year Without A Summer",
        "Outro",
    ]
    # A chapter link goes to its segment without JavaScript and names its first cue for it.
    for i, link in enumerate(page.chapters):
        assert link["href"] == f"#segment-{i}"
        first = int(link["data-cue"])
        assert plan.timeline.cues[first].segment == i
        assert all(c.segment != i for c in plan.timeline.cues[:first])
        assert int(link["data-start"]) == plan.timeline.cues[first].start_ms


def test_cues_sit_in_their_own_paragraph_and_captions_between(channel_dir, write_episode):
    plan, channel = make_plan(channel_dir, write_episode)
    html = compose_page(plan.episode, plan.timeline, channel, [], None)
    assert texts_by_class(html, "caption") == ["The crater of Mount Tambora today"]
    eruption = html[html.index('id="segment-2"') : html.index('id="segment-3"')]
    before, after = eruption.split("The crater of Mount Tambora today")
    assert "Soldiers marched out" in before
    assert "Nobody in the villages below" in after
    assert "Nobody in the villages below" not in before


def test_sample_paragraphs_are_made_of_their_cues(sample_channel):
    """On real articles every paragraph of the page is its cues, and in the right place."""
    channel = load_channel(sample_channel)
    for path in episode_files(sample_channel):
        plan = plan_episode(sample_channel, load_article(path), channel)
        page = Page(compose_page(plan.episode, plan.timeline, channel, [], None))
        expected = [
            " ".join(s.text for s in paragraph.sentences)
            for segment in plan.episode.segments
            for paragraph in segment.paragraphs
        ]
        assert [p.split() for p in page.paragraphs] == [p.split() for p in expected]
        assert len(page.cues) == len(plan.timeline.cues)


def test_special_characters_show_as_text(channel_dir, write_episode):
    plan, channel = make_plan(channel_dir, write_episode, NASTY_BODY, NASTY_TITLE)
    findings = ['line 3: "<b>" & </script> is not narrated']
    html = compose_page(plan.episode, plan.timeline, channel, findings, "narration.mp3")
    page = Page(html)

    assert page.tags["script"] == 2  # the cue data and the page's own script, nothing injected
    assert "<b>" not in html and "<i>" not in html and "alert(1)</script>" not in html
    assert NASTY_TITLE in page.texts["segment-1-title"]
    assert page.texts["findings-title"].startswith("Findings")
    assert findings[0] in texts_by_class(html, "findings card")[0]
    captions = texts_by_class(html, "caption")
    assert captions == ['Caption <i>&</i> "quoted" </script><script>alert(1)</script>']
    assert any(NASTY_TITLE in c["text"] for c in page.cues)
    assert any('Is 3 < 4 & "yes"' in c["text"] for c in page.cues)


def test_embedded_cue_json_cannot_break_out(channel_dir, write_episode):
    plan, channel = make_plan(channel_dir, write_episode, NASTY_BODY, NASTY_TITLE)
    html = compose_page(plan.episode, plan.timeline, channel, [], "narration.mp3")
    start = html.index('<script type="application/json" id="cue-data">')
    raw = html[start:].split(">", 1)[1].split("</script>", 1)[0]
    assert "<" not in raw and ">" not in raw and "&" not in raw
    data = json.loads(raw)
    assert [c["text"] for c in data["cues"]] == [c.text for c in plan.timeline.cues]
    assert [(c["start"], c["end"], c["segment"]) for c in data["cues"]] == [
        (c.start_ms, c.end_ms, c.segment) for c in plan.timeline.cues
    ]
    # The only "</script>" sequences left are the real closing tags of the two scripts.
    assert html.count("</script>") == 2


@given(st.recursive(st.text(), lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner)))
def test_script_json_round_trips_and_never_closes_a_script(value):
    text = str(script_json(value))
    assert json.loads(text) == value
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\u2028" not in text and "\u2029" not in text


@given(st.lists(st.tuples(st.text(), st.integers(0, 10**7), st.integers(0, 9)), max_size=8))
def test_the_pages_cue_json_is_script_json(cues):
    timeline = Timeline(
        ESTIMATE,
        "default",
        10**7,
        (),
        tuple(TimedCue(start, start + 900, text, text, seg) for text, start, seg in cues),
    )
    expected = {
        "cues": [
            {"start": c.start_ms, "end": c.end_ms, "text": c.text, "segment": c.segment}
            for c in timeline.cues
        ],
        "segments": [],
        "total": timeline.total_ms,
        "source": timeline.source,
    }
    assert _cue_json(timeline) == script_json(expected)


def test_page_with_audio_has_a_player(channel_dir, write_episode):
    plan, channel = make_plan(channel_dir, write_episode)
    measured = replace(plan.timeline, source=AUDIO)
    html = compose_page(plan.episode, measured, channel, [], "narration.mp3")
    page = Page(html)
    assert [a["src"] for a in page.audio] == ["narration.mp3"]
    assert "measured from the audio" in html
    assert "No narration" not in html


def test_page_without_audio_still_shows_script_chapters_and_estimate(channel_dir, write_episode):
    plan, channel = make_plan(channel_dir, write_episode)
    html = compose_page(plan.episode, plan.timeline, channel, [], None)
    page = Page(html)
    assert page.audio == [] and "<audio" not in html
    assert "No narration in this kit" in html
    assert plan.timeline.source == ESTIMATE
    assert texts_by_class(html, "badge estimated") == ["estimated"]
    assert len(page.chapters) == len(plan.timeline.segments)
    assert len(page.cues) == len(plan.timeline.cues)


def test_findings_or_no_problems(channel_dir, write_episode):
    plan, channel = make_plan(channel_dir, write_episode)
    clean = compose_page(plan.episode, plan.timeline, channel, [], None)
    assert "No problems found" in clean
    found = compose_page(plan.episode, plan.timeline, channel, ["first", "second"], None)
    assert "No problems found" not in found
    assert Page(found).texts["findings-title"] == "Findings (2)"


def test_timing_summary_lists_each_segment(channel_dir, write_episode):
    plan, channel = make_plan(channel_dir, write_episode)
    html = compose_page(plan.episode, plan.timeline, channel, [], None)
    rows = texts_by_class(html, "title")
    assert rows[: len(plan.timeline.segments)] == [s.title for s in plan.timeline.segments]


def test_page_is_deterministic(channel_dir, write_episode):
    plan, channel = make_plan(channel_dir, write_episode)
    first = compose_page(plan.episode, plan.timeline, channel, ["a"], "narration.mp3")
    again, _ = make_plan(channel_dir, write_episode)
    assert compose_page(again.episode, again.timeline, channel, ["a"], "narration.mp3") == first


def test_page_is_self_contained(channel_dir, write_episode):
    plan, channel = make_plan(channel_dir, write_episode)
    html = compose_page(plan.episode, plan.timeline, channel, [], "narration.mp3")
    assert "http://" not in html and "https://" not in html
    assert "@import" not in html and "url(" not in html and '<link rel="stylesheet' not in html
    assert html.count("src=") == 1 and 'src="narration.mp3"' in html
    assert '<meta name="viewport"' in html


def test_page_from_a_built_kit(channel_dir, write_episode):
    """The way the build uses it: the timeline of the build, the episode of the plan."""
    path = write_episode("001-tambora.md", BODY, title="Tambora")
    result = build_episode(channel_dir, path, BuildOptions(audio=False))
    channel = load_channel(channel_dir)
    plan = plan_episode(channel_dir, load_article(path), channel)
    html = compose_page(plan.episode, result.timeline, channel, list(result.warnings), None)
    assert len(Page(html).cues) == len(result.timeline.cues)


def test_page_refuses_a_timeline_of_another_episode(channel_dir, write_episode):
    plan, channel = make_plan(channel_dir, write_episode)
    short = replace(plan.timeline, segments=plan.timeline.segments[:-1])
    with pytest.raises(ToolkitError, match="segments"):
        compose_page(plan.episode, short, channel, [], None)


def test_catalogue_lists_every_entry_with_a_link(channel_dir):
    channel = load_channel(channel_dir)
    entries = [
        CatalogueEntry(12, 'The <Great> Stink & "Co"', "the-great-stink", 754_000, AUDIO),
        CatalogueEntry(3, "Tambora", "tambora", 61_000, ESTIMATE),
    ]
    html = compose_catalogue(channel, entries)
    links = texts_by_class(html, "title")
    assert links == ["Tambora", 'The <Great> Stink & "Co"']
    assert 'href="tambora/index.html"' in html
    assert 'href="the-great-stink/index.html"' in html
    numbers = texts_by_class(html, "number num")
    assert numbers == ["3", "12"]
    assert "1:01" in html and "12:34" in html
    assert "<Great>" not in html
    assert compose_catalogue(channel, list(reversed(entries))) == html


def test_catalogue_without_episodes(channel_dir):
    html = compose_catalogue(load_channel(channel_dir), [])
    assert "No episode kits yet" in html


def test_catalogue_entry_from_timing_json(channel_dir, write_episode):
    plan, _ = make_plan(channel_dir, write_episode)
    ep = plan.episode
    text = compose_timing_json(plan.timeline, ep.title, ep.slug, ep.number)
    assert read_catalogue_entry(text) == catalogue_entry(ep, plan.timeline)
    assert read_catalogue_entry(text).timing_source == ESTIMATE


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "{}",
        '{"episode": {"title": "t", "slug": "s", "number": "1"}, "total_ms": 1, '
        '"timing_source": "audio"}',
    ],
)
def test_catalogue_entry_from_bad_timing_json(text):
    with pytest.raises(ToolkitError, match=r"timing\.json"):
        read_catalogue_entry(text, "build/x/timing.json")


@pytest.mark.parametrize(
    ("ms", "expected"),
    [
        (0, "0:00.0"),
        (1_999, "0:01.9"),
        (62_500, "1:02.5"),
        (3_599_999, "59:59.9"),
        (3_723_400, "1:02:03.4"),
    ],
)
def test_stamp(ms, expected):
    assert stamp(ms) == expected
