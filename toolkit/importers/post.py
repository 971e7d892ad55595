"""What every importer produces: a post with a title and a flat list of blocks.

Each source format (blog copy, Markdown, a saved page, a WordPress export) is parsed into
the same `Post`, so boilerplate detection, numbering and writing are shared. A block's
text is always "clean": one line, runs of whitespace collapsed, no control characters,
because that is what survives a round trip through the episode file unchanged.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

BlockKind = Literal["heading", "paragraph", "caption"]
LeftOutKind = Literal["boilerplate", "chrome"]

# Web pages are full of soft hyphens: invisible in a browser, but a stray "-" or a box in
# subtitles and a hiccup in speech.
_INVISIBLE_CONTROL = {"\u00ad"}


def clean_text(text: str) -> str:
    """One line of text: whitespace runs become one space, control characters are dropped.

    Guarantees: no leading or trailing whitespace, no newline, no C0/C1 control character
    (Markdown parsers replace NUL and treat others inconsistently), idempotent.
    """
    if text.isascii() and text.isprintable():
        return " ".join(text.split())
    kept = []
    for char in text:
        if char.isspace():
            kept.append(" ")
        elif unicodedata.category(char) == "Cc" or char in _INVISIBLE_CONTROL:
            continue
        else:
            kept.append(char)
    return " ".join("".join(kept).split())


@dataclass(frozen=True)
class Block:
    """One piece of an article: a section heading, a narrated paragraph, or an image caption.

    `note` says why an importer decided the kind when the source did not state it (blog copy);
    it is written next to the block in the episode file so the creator can check it.
    """

    kind: BlockKind
    text: str
    note: str = ""


@dataclass(frozen=True)
class LeftOut:
    """Text an importer did not keep: the channel's own sign-off, or page chrome.

    `position` is the number of kept blocks before it, so the episode file can record it
    where it was.
    """

    kind: LeftOutKind
    text: str
    position: int


@dataclass(frozen=True)
class Post:
    """One article, ready to be written as an episode file.

    `meta` holds extra front matter in the order it is written (link, date, categories,
    tags for WordPress; the author's own fields for Markdown). `where` names the post in
    messages ("export.xml, post 42").
    """

    title: str
    blocks: tuple[Block, ...]
    source: str
    where: str
    meta: tuple[tuple[str, object], ...] = ()
    left_out: tuple[LeftOut, ...] = ()

    @property
    def link(self) -> str:
        for key, value in self.meta:
            if key == "link" and isinstance(value, str):
                return value
        return ""

    def count(self, kind: BlockKind) -> int:
        return sum(1 for block in self.blocks if block.kind == kind)


@dataclass(frozen=True)
class Unusable:
    """A post in a source that cannot become an episode (no title, nothing to narrate)."""

    source: str
    where: str
    title: str
    reason: str


# Parses one post (or one file of posts) when called: lets a caller report progress post
# by post through a large WordPress export.
Draft = Callable[[], Sequence[Post | Unusable]]
