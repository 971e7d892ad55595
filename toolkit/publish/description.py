"""description.txt: the YouTube description, from a template the channel can override.

The template (description.md.j2, package default or the channel's episodes/templates/)
renders in the same sandbox as the intro and outro. YouTube refuses a description over
5,000 characters or with angle brackets, so every value loses its angle brackets (turned
into ‹ ›), and a description that is too long is shortened one part at a time: patron
names, then sources, then the summary, then the links. The chapters are never shortened:
they are what makes YouTube show chapters at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from toolkit.channel import Channel
from toolkit.publish.notes import Link, Notes
from toolkit.templates import Templates

DESCRIPTION = "description.md.j2"
YOUTUBE_MAX_CHARS = 5000


def strip_brackets(text: str) -> str:
    """YouTube refuses "<" and ">" anywhere in a description: they become ‹ and ›."""
    # Two replaces, and only when needed: str.translate with a table is far slower.
    if "<" in text or ">" in text:
        return text.replace("<", "‹").replace(">", "›")
    return text


@dataclass(frozen=True)
class Description:
    text: str
    warnings: tuple[str, ...] = ()


def description_context(notes: Notes, channel: Channel) -> dict[str, Any]:
    """The names description.md.j2 can use (documented in the README)."""
    clean = strip_brackets
    return {
        "channel": {
            "name": clean(channel.name),
            "host": clean(channel.host),
            "tagline": clean(channel.tagline),
            "sign_off": clean(channel.sign_off),
            "links": {
                "website": clean(channel.links.website),
                "shop": clean(channel.links.shop),
                "patreon": clean(channel.links.patreon),
            },
        },
        "episode": {"title": clean(notes.title), "number": notes.number},
        "summary": clean(notes.summary),
        "chapters": clean("\n".join(notes.chapters)),
        "links": [{"label": clean(x.label), "url": clean(x.url)} for x in notes.links],
        "patrons": [
            {"tier": clean(tier), "names": [clean(n) for n in names]}
            for tier, names in notes.patrons
        ],
        "patron_count": sum(len(names) for _, names in notes.patrons),
        "sources": [clean(s) for s in notes.sources],
    }


def _fewer(items: tuple[str, ...], keep: int, noun: str = "") -> tuple[str, ...]:
    """The first `keep` items and one "N more" item standing for the rest."""
    if len(items) <= keep:
        return items
    rest = len(items) - keep
    return (*items[:keep], f"{rest} more" + (f" {noun}" if noun else ""))


def _cut_words(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word boundary, with an ellipsis."""
    if len(text) <= limit:
        return text
    if limit <= 1:
        return ""
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:.")
    return cut + "…" if cut else ""


Step = Callable[[Notes, int], Notes]


def _fewer_patrons(keep: int) -> Step:
    def step(n: Notes, _over: int) -> Notes:
        return replace(n, patrons=tuple((t, _fewer(names, keep)) for t, names in n.patrons))

    return step


def _fewer_sources(keep: int) -> Step:
    def step(n: Notes, _over: int) -> Notes:
        return replace(n, sources=_fewer(n.sources, keep, "sources"))

    return step


def _shorter_summary(n: Notes, over: int) -> Notes:
    return replace(n, summary=_cut_words(n.summary, len(n.summary) - over))


def _shortenings() -> list[tuple[str, Step]]:
    """Ways to shorten, gentlest first; each gets the notes and the characters to lose."""
    steps: list[tuple[str, Step]] = [("patron names", _fewer_patrons(k)) for k in (8, 4, 1, 0)]
    steps += [("sources", _fewer_sources(k)) for k in (5, 2, 0)]
    steps.append(("summary", _shorter_summary))
    steps.append(("links", lambda n, _over: replace(n, links=())))
    steps.append(("summary", lambda n, _over: replace(n, summary="")))
    steps.append(("patrons", lambda n, _over: replace(n, patrons=())))
    return steps


def compose_description(notes: Notes, channel: Channel, templates: Templates) -> Description:
    """Render description.txt and keep it within YouTube's limits."""

    def render(n: Notes) -> str:
        text = templates.render(DESCRIPTION, description_context(n, channel))
        return strip_brackets(text.strip("\n")) + "\n"

    text = render(notes)
    if len(text) <= YOUTUBE_MAX_CHARS:
        return Description(text)
    original = len(text)
    shortened: list[str] = []
    current = notes
    for what, step in _shortenings():
        changed = step(current, len(text) - YOUTUBE_MAX_CHARS)
        if changed == current:
            continue
        current = changed
        text = render(current)
        if what not in shortened:
            shortened.append(what)
        if len(text) <= YOUTUBE_MAX_CHARS:
            break
    parts = ", ".join(shortened)
    if len(text) > YOUTUBE_MAX_CHARS:
        warning = (
            f"description.txt: the chapters alone make it {len(text)} characters, over "
            f"YouTube's {YOUTUBE_MAX_CHARS}; shortened the {parts} and kept the chapters "
            "(fewer sections would fit)"
        )
    else:
        warning = (
            f"description.txt: {original} characters is over YouTube's {YOUTUBE_MAX_CHARS}; "
            f"shortened the {parts} (chapters kept whole)"
        )
    return Description(text, (warning,))


__all__ = ["DESCRIPTION", "Description", "Link", "compose_description", "strip_brackets"]
