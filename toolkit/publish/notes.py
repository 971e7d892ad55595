"""What an episode's description and show notes say, gathered once.

`gather_notes` is pure: the article (summary, sources), the channel (links, patrons) and the
kit's timeline (chapters exactly as chapters.txt) in, a frozen `Notes` out.
"""

from __future__ import annotations

from dataclasses import dataclass

from toolkit.channel import Channel
from toolkit.outputs.chapters import compose_youtube
from toolkit.text.article import PARAGRAPH, Article
from toolkit.text.sentences import split_sentences
from toolkit.timing.timeline import Timeline


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class Notes:
    title: str
    number: int
    summary: str
    chapters: tuple[str, ...]  # the lines of chapters.txt ("00:00 Intro")
    links: tuple[Link, ...]
    patrons: tuple[tuple[str, tuple[str, ...]], ...]  # (tier, names), tiers with names only
    sources: tuple[str, ...]


def first_sentence(article: Article) -> str:
    """The story's first sentence: what the summary falls back to."""
    for block in article.blocks:
        if block.kind == PARAGRAPH:
            sentences = split_sentences(block.text)
            if sentences:
                return sentences[0]
    return article.title


def summary_of(article: Article) -> str:
    return article.summary or first_sentence(article)


def channel_links(channel: Channel) -> tuple[Link, ...]:
    pairs = (
        ("Website", channel.links.website),
        ("Patreon", channel.links.patreon),
        ("Shop", channel.links.shop),
    )
    return tuple(Link(label, url) for label, url in pairs if url)


def gather_notes(article: Article, channel: Channel, timeline: Timeline) -> Notes:
    chapters_text, _ = compose_youtube(timeline)
    return Notes(
        title=article.title,
        number=article.number,
        summary=summary_of(article),
        chapters=tuple(chapters_text.rstrip("\n").split("\n")),
        links=channel_links(channel),
        patrons=tuple((t.tier, t.names) for t in channel.patrons if t.names),
        sources=article.sources,
    )
