"""build/feed.xml: parsed back with feedparser and checked against the Podcasting 2.0 rules."""

from __future__ import annotations

import json
import shutil
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner

from toolkit.channel import load_channel
from toolkit.cli import cli
from toolkit.publish.feed import (
    PODCAST_GUID_NAMESPACE,
    PODCAST_NS,
    compose_feed,
    itunes_duration,
    podcast_guid,
    write_feed,
)
from toolkit.publish.kit import audio_length_ms
from toolkit.text.article import load_article

BASE = "https://podcast.example.org/history/"
FEED = """
[feed]
base_url = "https://podcast.example.org/history"
owner_email = "host@example.org"
category = "History"
"""
ONE = """---
title: The Bell That Rang Twice
number: 1
date: 2026-02-01
summary: A village bell, a storm and a mystery.
---
The bell in the tower rang twice that night, though nobody had climbed the stairs.

## The Morning After
By morning the whole village was talking about it, and the priest said nothing at all.
"""
TWO = """---
title: The Orchard Wall
number: 2
date: 2026-03-01T18:30:00+01:00
---
An old wall ran along the orchard, and every spring it leaned a little further.

## A Letter
The owner wrote to the council, which wrote back a year later to say it would look.
"""
UNDATED = """---
title: The Missing Ledger
number: 3
---
The ledger went missing on a Tuesday, and it has not been seen since.
"""


@pytest.fixture(scope="module")
def feed_channel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A channel with [feed], two dated episodes with audio and one undated episode; a
    fourth dated episode is built without audio."""
    from tests.conftest import use_espeak
    from toolkit.scaffold import init_channel

    folder = tmp_path_factory.mktemp("feed") / "channel"
    init_channel(folder)
    use_espeak(folder)
    toml = folder / "episodes" / "channel.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + FEED, encoding="utf-8")
    episodes = folder / "episodes"
    (episodes / "001-the-bell-that-rang-twice.md").write_text(ONE, encoding="utf-8")
    (episodes / "002-the-orchard-wall.md").write_text(TWO, encoding="utf-8")
    (episodes / "003-the-missing-ledger.md").write_text(UNDATED, encoding="utf-8")
    runner = CliRunner(mix_stderr=False)
    result = runner.invoke(cli, ["-C", str(folder), "build"])
    assert result.exit_code == 0, result.stderr
    folder.joinpath("stderr-1.txt").write_text(result.stderr, encoding="utf-8")
    silent = ONE.replace("number: 1", "number: 4").replace("Rang Twice", "Stayed Silent")
    (episodes / "004-the-bell-that-stayed-silent.md").write_text(silent, encoding="utf-8")
    result = runner.invoke(cli, ["-C", str(folder), "build", "--no-audio", "4"])
    assert result.exit_code == 0, result.stderr
    folder.joinpath("stderr-2.txt").write_text(result.stderr, encoding="utf-8")
    return folder


def test_feedparser_reads_the_feed(feed_channel: Path) -> None:
    parsed = feedparser.parse((feed_channel / "build" / "feed.xml").read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.title == "My History Channel"
    assert parsed.feed.language == "en"
    titles = [e.title for e in parsed.entries]
    assert titles == ["The Orchard Wall", "The Bell That Rang Twice"]  # newest first
    for entry, slug in zip(
        parsed.entries, ["the-orchard-wall", "the-bell-that-rang-twice"], strict=True
    ):
        kit = feed_channel / "build" / slug
        [enclosure] = entry.enclosures
        assert enclosure.href == f"{BASE}{slug}/narration.mp3"
        assert enclosure.type == "audio/mpeg"
        assert int(enclosure.length) == (kit / "narration.mp3").stat().st_size
        audio_ms = audio_length_ms(kit / "narration.mp3")
        assert entry.itunes_duration == itunes_duration(audio_ms)
        timing = json.loads((kit / "timing.json").read_text(encoding="utf-8"))
        assert abs(timing["total_ms"] - audio_ms) < 1000
        assert entry.content[0].value == (kit / "shownotes.html").read_text("utf-8").strip()
        assert entry.guidislink is False
    assert parsed.entries[1].summary == "A village bell, a storm and a mystery."
    assert parsed.entries[0].published_parsed[:5] == (2026, 3, 1, 17, 30)  # in UTC
    assert parsed.entries[1].itunes_episode == "1"


def test_episodes_without_date_or_audio_are_left_out_with_one_warning(
    feed_channel: Path,
) -> None:
    # (The CLI says each distinct warning once a process, and both runs share this one.)
    first = (feed_channel / "stderr-1.txt").read_text(encoding="utf-8").splitlines()
    second = (feed_channel / "stderr-2.txt").read_text(encoding="utf-8").splitlines()
    missing_date = [line for line in first if line.startswith("warning: feed: left out")]
    no_audio = [line for line in second if line.startswith("warning: feed: left out")]
    assert len(missing_date) == 1 and "the-missing-ledger: no date" in missing_date[0]
    assert len(no_audio) == 1 and "the-bell-that-stayed-silent: no audio" in no_audio[0]


def _channel_and_items(root: Path) -> tuple[ET.Element, list[ET.Element]]:
    tree = ET.fromstring((root / "build" / "feed.xml").read_bytes())
    channel = tree.find("channel")
    assert channel is not None
    return channel, channel.findall("item")


def test_podcasting_namespace_elements(feed_channel: Path) -> None:
    channel, items = _channel_and_items(feed_channel)
    p = f"{{{PODCAST_NS}}}"
    guid = channel.findtext(f"{p}guid")
    bare = "podcast.example.org/history/feed.xml"
    assert guid == str(uuid.uuid5(PODCAST_GUID_NAMESPACE, bare))
    assert uuid.UUID(guid).version == 5
    locked = channel.find(f"{p}locked")
    assert locked is not None and locked.text == "yes"
    assert locked.get("owner") == "host@example.org"
    assert channel.findtext("{http://www.itunes.com/dtds/podcast-1.0.dtd}explicit") == "no"
    assert len(items) == 2
    for item in items:
        [chapters] = item.findall(f"{p}chapters")
        assert chapters.get("type") == "application/json+chapters"
        assert str(chapters.get("url")).endswith("/chapters.json")
        types = {t.get("type"): t.get("url") for t in item.findall(f"{p}transcript")}
        assert set(types) == {"application/x-subrip", "text/vtt", "application/json"}
        assert str(types["application/x-subrip"]).endswith("/subtitles.srt")
        assert str(types["text/vtt"]).endswith("/subtitles.vtt")
        assert str(types["application/json"]).endswith("/transcript.json")
        for url in [chapters.get("url"), *types.values()]:
            name = str(url).removeprefix(BASE)
            assert (feed_channel / "build" / name).is_file()


def test_podcast_guid_follows_the_spec_example() -> None:
    # The namespace's documented example.
    assert podcast_guid("https://podnews.net/rss") == "9b024349-ccf0-5f69-a609-6b82873eab3c"
    assert podcast_guid("http://podnews.net/rss/") == podcast_guid("podnews.net/rss")


def test_rebuilds_keep_the_same_bytes_and_guids(feed_channel: Path, tmp_path: Path) -> None:
    feed = feed_channel / "build" / "feed.xml"
    before = feed.read_bytes()
    stamp = feed.stat().st_mtime_ns
    runner = CliRunner(mix_stderr=False)
    result = runner.invoke(cli, ["-C", str(feed_channel), "build", "--no-audio", "3"])
    assert result.exit_code == 0, result.stderr
    assert feed.read_bytes() == before
    assert feed.stat().st_mtime_ns == stamp  # not rewritten when nothing changed
    guids = [e.id for e in feedparser.parse(before).entries]
    assert len(set(guids)) == 2
    # A rebuild elsewhere (another folder, another day) gives the same guids.
    copy = tmp_path / "copy"
    shutil.copytree(feed_channel, copy)
    (copy / "build" / "feed.xml").unlink()
    articles = [load_article(p) for p in sorted((copy / "episodes").glob("00*.md"))]
    write_feed(copy, load_channel(copy), articles)
    assert (copy / "build" / "feed.xml").read_bytes() == before
    assert [e.id for e in feedparser.parse(before).entries] == guids


def test_the_recording_wins_over_the_draft(feed_channel: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(feed_channel, copy)
    kit = copy / "build" / "the-orchard-wall"
    # Stand-in for a recording: the draft with some bytes more (a different length).
    (kit / "episode.mp3").write_bytes((kit / "narration.mp3").read_bytes() * 2)
    articles = [load_article(p) for p in sorted((copy / "episodes").glob("00*.md"))]
    write_feed(copy, load_channel(copy), articles)
    parsed = feedparser.parse((copy / "build" / "feed.xml").read_bytes())
    [enclosure] = parsed.entries[0].enclosures
    assert enclosure.href.endswith("/the-orchard-wall/episode.mp3")
    assert int(enclosure.length) == (kit / "episode.mp3").stat().st_size


def test_cover_art_is_served_beside_the_feed(feed_channel: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(feed_channel, copy)
    (copy / "episodes" / "cover.jpg").write_bytes(b"\xff\xd8\xff not really a jpeg")
    toml = copy / "episodes" / "channel.toml"
    toml.write_text(toml.read_text("utf-8") + 'image = "cover.jpg"\n', "utf-8")
    articles = [load_article(p) for p in sorted((copy / "episodes").glob("00*.md"))]
    write_feed(copy, load_channel(copy), articles)
    parsed = feedparser.parse((copy / "build" / "feed.xml").read_bytes())
    assert parsed.feed.image.href == BASE + "cover.jpg"
    assert (copy / "build" / "cover.jpg").read_bytes() == b"\xff\xd8\xff not really a jpeg"


def test_no_base_url_no_feed(channel_dir: Path) -> None:
    assert write_feed(channel_dir, load_channel(channel_dir), []) is None
    assert not (channel_dir / "build" / "feed.xml").exists()


def test_an_empty_feed_has_no_clock_time(feed_channel: Path) -> None:
    channel = load_channel(feed_channel)
    first = compose_feed(channel, [])
    assert first == compose_feed(channel, [])
    assert b"lastBuildDate" not in first
    parsed = feedparser.parse(first)
    assert not parsed.bozo and parsed.entries == []


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ('base_url = "example.org/podcast"', "is not a web address"),
        ('base_url = "https://e.org/"\nowner_email = "nobody"', "is not an e-mail address"),
    ],
)
def test_feed_settings_are_checked(setting: str, message: str) -> None:
    from toolkit.channel import parse_channel
    from toolkit.errors import ConfigError

    with pytest.raises(ConfigError, match=message):
        parse_channel(f'name = "C"\n[feed]\n{setting}\n', "channel.toml")


def test_a_build_parses_only_the_episodes_that_changed_for_the_feed(
    feed_channel: Path, tmp_path: Path, parsed_articles: list[str]
) -> None:
    """The feed needs every episode's title, date and summary: what it took from an
    unchanged episode file is kept in build/.cache/, so editing one episode parses that
    one alone, and the feed is the one a build from scratch makes."""
    copy = tmp_path / "copy"
    shutil.copytree(feed_channel, copy)
    runner = CliRunner(mix_stderr=False)
    result = runner.invoke(cli, ["-C", str(copy), "build", "--force"])  # keeps the cache
    assert result.exit_code == 0, result.stderr
    assert (copy / "build" / ".cache" / "kits" / "_feed-articles.json").is_file()
    episode = copy / "episodes" / "002-the-orchard-wall.md"
    episode.write_text(TWO.replace("An old wall", "A crooked old wall"), encoding="utf-8")
    parsed_articles.clear()
    result = runner.invoke(cli, ["-C", str(copy), "build", "2"])
    assert result.exit_code == 0, result.stderr
    assert set(parsed_articles) == {"002-the-orchard-wall.md"}  # the build's, and the feed's
    feed = (copy / "build" / "feed.xml").read_bytes()
    assert b"A crooked old wall ran along the orchard" in feed
    articles = [load_article(p) for p in sorted((copy / "episodes").glob("00*.md"))]
    (copy / "build" / "feed.xml").unlink()
    write_feed(copy, load_channel(copy), articles)
    assert (copy / "build" / "feed.xml").read_bytes() == feed
