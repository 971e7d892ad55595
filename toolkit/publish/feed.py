"""build/feed.xml: the podcast feed (RSS 2.0 with the iTunes and Podcasting 2.0 namespaces).

Written once per build run, after every kit, from the kits on disk: one item per episode
that has a `date:` and audio in its kit (the recording's episode.mp3, else the draft
narration.mp3); every other episode is left out with one warning line. `compose_feed` is
pure and deterministic: items newest first (ties by number), lastBuildDate is the newest
item's date (never the clock), so a rebuild with nothing changed gives the same bytes, and
`write_feed` leaves an unchanged feed file untouched.

feedgen writes RSS and iTunes; the Podcasting 2.0 elements (podcast:guid, podcast:locked,
podcast:chapters, podcast:transcript) go through feedgen's extension mechanism.
"""

from __future__ import annotations

import datetime
import logging
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from feedgen.util import xml_elem

from toolkit.channel import Channel, channel_file
from toolkit.errors import ConfigError, InputError
from toolkit.files import read_text, write_all_atomic
from toolkit.outputs.kits import EpisodeHead, read_kept_rows, write_kept_rows
from toolkit.publish.kit import audio_length_ms, kit_audio
from toolkit.publish.notes import summary_of
from toolkit.text.article import Article, load_article

log = logging.getLogger("toolkit")

FEED_FILE = "feed.xml"
PODCAST_NS = "https://podcastindex.org/namespace/1.0"
# The namespace's own UUID for podcast:guid (UUIDv5 of the feed URL without its scheme
# and trailing slashes); the spec's example: "podnews.net/rss" gives 9b024349-ccf0-5f69-…
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")

# Files a kit offers podcast apps, with the types the Podcasting 2.0 namespace names.
CHAPTERS = ("chapters.json", "application/json+chapters")
TRANSCRIPTS = (
    ("subtitles.srt", "application/x-subrip"),
    ("subtitles.vtt", "text/vtt"),
    ("transcript.json", "application/json"),
)


def podcast_guid(feed_url: str) -> str:
    """podcast:guid: the UUIDv5 of the feed URL without scheme and trailing slashes."""
    bare = re.sub(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", "", feed_url.strip()).rstrip("/")
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, bare))


@dataclass(frozen=True)
class Transcript:
    url: str
    type: str
    rel: str = ""  # "captions" for timed formats


@dataclass(frozen=True)
class FeedItem:
    """One episode, as the feed shows it."""

    guid: str
    title: str
    number: int
    published: datetime.datetime  # timezone-aware
    audio_url: str
    audio_bytes: int
    duration_ms: int
    summary: str
    shownotes: str  # HTML for content:encoded ("" when the kit has none)
    chapters_url: str = ""
    transcripts: tuple[Transcript, ...] = ()


class PodcastExtension(BaseExtension):  # type: ignore[misc]
    """Channel-level Podcasting 2.0 elements: podcast:guid and podcast:locked."""

    def __init__(self) -> None:
        self.guid = ""
        self.locked: bool | None = None
        self.owner = ""

    def extend_ns(self) -> dict[str, str]:
        return {"podcast": PODCAST_NS}

    def extend_rss(self, rss: Any) -> Any:
        channel = rss[0]
        if self.locked is not None:
            locked = xml_elem(f"{{{PODCAST_NS}}}locked", channel)
            locked.text = "yes" if self.locked else "no"
            if self.owner:
                locked.attrib["owner"] = self.owner
        if self.guid:
            xml_elem(f"{{{PODCAST_NS}}}guid", channel).text = self.guid
        return rss


class PodcastEntryExtension(BaseEntryExtension):  # type: ignore[misc]
    """Item-level Podcasting 2.0 elements: podcast:chapters and podcast:transcript."""

    def __init__(self) -> None:
        self.chapters_url = ""
        self.transcripts: tuple[Transcript, ...] = ()

    def extend_ns(self) -> dict[str, str]:
        return {"podcast": PODCAST_NS}

    def extend_rss(self, item: Any) -> Any:
        if self.chapters_url:
            chapters = xml_elem(f"{{{PODCAST_NS}}}chapters", item)
            chapters.attrib["url"] = self.chapters_url
            chapters.attrib["type"] = CHAPTERS[1]
        for t in self.transcripts:
            element = xml_elem(f"{{{PODCAST_NS}}}transcript", item)
            element.attrib["url"] = t.url
            element.attrib["type"] = t.type
            if t.rel:
                element.attrib["rel"] = t.rel
        return item


def itunes_duration(ms: int) -> str:
    seconds = round(ms / 1000)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def base_of(channel: Channel) -> str:
    base = channel.feed.base_url.strip()
    return base if base.endswith("/") else base + "/"


def compose_feed(channel: Channel, items: list[FeedItem], image_url: str = "") -> bytes:
    """The feed's bytes: deterministic for the same channel and items."""
    feed = channel.feed
    base = base_of(channel)
    feed_url = base + FEED_FILE
    fg = FeedGenerator()
    fg.load_extension("podcast")
    fg.register_extension("podcast20", PodcastExtension, PodcastEntryExtension)
    fg.title(feed.title or channel.name)
    fg.description(channel.tagline or feed.title or channel.name)
    fg.link(href=feed_url, rel="self")
    fg.link(href=channel.links.website or base, rel="alternate")  # last: RSS's <link>
    fg.language(channel.language)
    author = feed.author or channel.host or channel.name
    fg.author({"name": author})
    fg.podcast.itunes_author(author)
    if feed.owner_name or feed.owner_email:
        fg.podcast.itunes_owner(
            name=feed.owner_name or author, email=feed.owner_email or "nobody@example.invalid"
        )
    fg.podcast.itunes_category(feed.category, feed.subcategory or None)
    fg.podcast.itunes_explicit("yes" if feed.explicit else "no")
    fg.podcast.itunes_type("episodic")
    if image_url:
        fg.image(
            url=image_url, title=feed.title or channel.name, link=channel.links.website or base
        )
        fg.podcast.itunes_image(image_url)
    fg.podcast20.guid = podcast_guid(feed_url)
    fg.podcast20.locked = feed.locked
    fg.podcast20.owner = feed.owner_email
    ordered = sorted(items, key=lambda i: (i.published, i.number), reverse=True)
    for item in ordered:
        entry = fg.add_entry(order="append")
        entry.guid(item.guid, permalink=False)
        entry.title(item.title)
        entry.pubDate(item.published)
        entry.description(item.summary)
        if item.shownotes:
            entry.content(item.shownotes, type="CDATA")
        entry.enclosure(item.audio_url, str(item.audio_bytes), "audio/mpeg")
        entry.podcast.itunes_duration(itunes_duration(item.duration_ms))
        entry.podcast.itunes_episode(item.number)
        entry.podcast.itunes_episode_type("full")
        entry.podcast20.chapters_url = item.chapters_url
        entry.podcast20.transcripts = item.transcripts
    if ordered:
        fg.lastBuildDate(max(i.published for i in ordered))
    else:
        # feedgen would put the clock's time here; an empty feed has no date to give.
        fg._FeedGenerator__rss_lastBuildDate = None
    data: bytes = fg.rss_str(pretty=True)
    return data


def published_at(date: str) -> datetime.datetime:
    """A front matter date as a moment: a bare date is midnight UTC, a time without a zone
    is UTC."""
    moment = datetime.datetime.fromisoformat(date)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment


def read_feed_item(article: Article, folder: Path, base: str) -> FeedItem | str:
    """The item for one episode's kit, or why it is left out."""
    path = kit_audio(folder)
    if article.date is None:
        return "no date: in its front matter (add 'date: 2026-03-01' to publish it)"
    if not (folder / "timing.json").is_file():
        return f"not built yet (run `toolkit build {article.slug}`)"
    if path is None:
        return f"no audio in {folder.name}/ (build it with audio, or record it)"
    url = base + quote(folder.name) + "/"
    transcripts = tuple(
        Transcript(url + name, kind, "captions" if name.startswith("subtitles") else "")
        for name, kind in TRANSCRIPTS
        if (folder / name).is_file()
    )
    shownotes = folder / "shownotes.html"
    return FeedItem(
        guid=podcast_guid(base + FEED_FILE) + "/" + article.slug,
        title=article.title,
        number=article.number,
        published=published_at(article.date),
        audio_url=url + path.name,
        audio_bytes=path.stat().st_size,
        duration_ms=audio_length_ms(path),
        summary=summary_of(article),
        shownotes=read_text(shownotes) if shownotes.is_file() else "",
        chapters_url=url + CHAPTERS[0] if (folder / CHAPTERS[0]).is_file() else "",
        transcripts=transcripts,
    )


def feed_image(root: Path, channel: Channel) -> tuple[str, dict[Path, bytes]]:
    """The cover's URL, and the copy of it to serve beside the feed (build/cover.EXT)."""
    image = channel.feed.image
    if not image:
        return "", {}
    if urlsplit(image).scheme in ("http", "https"):
        return image, {}
    path = channel_file(root, image)
    if path is None:
        raise ConfigError(
            f"feed.image {image} is missing",
            path=channel.source,
            hint="name the cover art relative to the episodes folder, or a https:// address",
        )
    name = "cover" + path.suffix.lower()
    return base_of(channel) + name, {root / "build" / name: path.read_bytes()}


def write_feed(root: Path, channel: Channel, articles: list[Article]) -> Path | None:
    """build/feed.xml over `articles` (their kits in build/<slug>/), when [feed] base_url
    is set; the file is rewritten only when its bytes change."""
    if not channel.feed.enabled:
        return None
    base = base_of(channel)
    image_url, extra = feed_image(root, channel)
    items = []
    for article in sorted(articles, key=lambda a: a.number):
        found = read_feed_item(article, root / "build" / article.slug, base)
        if isinstance(found, str):
            log.warning(f"feed: left out {article.slug}: {found}")
        else:
            items.append(found)
    target = root / "build" / FEED_FILE
    write_all_atomic({target: compose_feed(channel, items, image_url), **extra})
    return target


# What the feed takes from each episode file, kept between builds beside the manifests
# (toolkit.outputs.kits.write_kept_rows), by file name: the file's digest, then its
# title, number, slug, date and summary.
FEED_ARTICLES = "_feed-articles.json"


def feed_articles(root: Path, heads: Mapping[Path, EpisodeHead | None]) -> list[Article]:
    """The episodes that parse, for the feed (a broken one is reported by its own build),
    from every episode file's head as the build read it. An episode file whose digest is the
    one the last feed was made from is not parsed again: its title, number, slug, date
    and summary are taken from then (an Article with only those). One changed episode in
    a catalogue of hundreds costs one parse, not hundreds."""
    known = read_kept_rows(root, FEED_ARTICLES)
    kept: dict[str, tuple[str, list[object]]] = {}
    articles = []
    for path, head in heads.items():
        digest = head.digest if head is not None else ""
        digest_then, values = known.get(path.name, ("", []))
        article = _article_of(path, values) if digest and digest == digest_then else None
        if article is None:
            try:
                article = load_article(path)
            except InputError:
                continue
            values = [article.title, article.number, article.slug, article.date]
            values.append(summary_of(article))
        articles.append(article)
        if digest:
            kept[path.name] = (digest, values)
    if kept != known:
        write_kept_rows(root, FEED_ARTICLES, kept)
    return articles


def _article_of(path: Path, values: list[object]) -> Article | None:
    """The feed's Article from kept values, None for values this version did not write."""
    if len(values) != 5:
        return None
    title, number, slug, date, summary = values
    if not (isinstance(title, str) and isinstance(slug, str) and isinstance(summary, str)):
        return None
    if type(number) is not int or not (date is None or isinstance(date, str)):
        return None
    return Article(title, number, slug, None, (), str(path), date=date, summary=summary)
