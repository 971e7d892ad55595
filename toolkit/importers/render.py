"""Writing a post as an episode file: YAML front matter, then Markdown the parser reads back.

The rest of the toolkit parses the file with markdown-it-py (CommonMark): `##` starts a
section, a paragraph that is only `![caption]()` is a caption, HTML comments are ignored,
everything else is narrated. So text is escaped until the parser gives back exactly the
characters imported (a paragraph starting "1." must not become a list, "*" must not
become emphasis, "<" must not become HTML), and each import decision is recorded in an
HTML comment on the line above the block it concerns.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import yaml

from toolkit.importers.post import Block, LeftOut, Post

# Characters that start inline syntax anywhere in a line (CommonMark, plus "~" for the
# strikethrough of GitHub-flavoured presets). Escaping any ASCII punctuation is allowed.
_INLINE_ESCAPES = str.maketrans({char: "\\" + char for char in "\\`*_[]<~|"})
_HEADING_ESCAPES = str.maketrans({char: "\\" + char for char in "\\`*_[]<~|#"})
_ENTITY_START = re.compile(r"&(?=[#A-Za-z0-9])")
_LIST_MARKER = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")
_LINE_START_SPECIAL = frozenset("#>-+=")
_QUOTE_LIMIT = 90


def escape_inline(text: str, *, heading: bool = False) -> str:
    """Escape `text` (already one clean line) so CommonMark reads it back unchanged.

    Guarantees, for a paragraph line, a `## ` heading or an image's alt text: the parsed
    text equals the input. Only characters that could start syntax are escaped, so the file
    stays readable: "St. Paul's" is left alone, "*" becomes "\\*".
    """
    escaped = text.translate(_HEADING_ESCAPES if heading else _INLINE_ESCAPES)
    if "&" in escaped:
        escaped = _ENTITY_START.sub(r"\\&", escaped)
    marker = _LIST_MARKER.match(escaped)
    if marker:
        escaped = f"{marker.group(1)}\\{escaped[marker.end(1) :]}"
    elif escaped[:1] in _LINE_START_SPECIAL:
        escaped = "\\" + escaped
    return escaped


def comment(text: str) -> str:
    """An HTML comment the Markdown parser skips: one line, never closed early."""
    safe = " ".join(text.split()).replace("--", "–").replace("<!", "<").rstrip("-")
    return f"<!-- import: {safe} -->"


def quote(text: str) -> str:
    """A short quotation of left-out text for a comment or a report line."""
    words = " ".join(text.split())
    if len(words) <= _QUOTE_LIMIT:
        return f'"{words}"'
    return f'"{words[: _QUOTE_LIMIT - 1].rstrip()}…"'


def front_matter(post: Post, number: int) -> dict[str, object]:
    """Front matter in its fixed order: title, number, source, then the post's own fields."""
    fields: dict[str, object] = {"title": post.title, "number": number, "source": post.source}
    for key, value in post.meta:
        if key not in fields:
            fields[key] = value
    return fields


def render_block(block: Block) -> str:
    if block.kind == "heading":
        return f"## {escape_inline(block.text, heading=True)}"
    if block.kind == "caption":
        return f"![{escape_inline(block.text)}]()"
    return escape_inline(block.text)


def render_episode(post: Post, number: int) -> str:
    """The whole episode file for `post`, deterministic byte for byte."""
    header = yaml.safe_dump(
        front_matter(post, number),
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=10_000,
    )
    parts: list[str] = [f"---\n{header}---"]
    left = sorted(post.left_out, key=lambda item: item.position)
    for position, block in enumerate(post.blocks):
        parts.extend(_left_out_comments(item for item in left if item.position == position))
        line = render_block(block)
        parts.append(f"{comment(block.note)}\n{line}" if block.note else line)
    parts.extend(_left_out_comments(item for item in left if item.position >= len(post.blocks)))
    return "\n\n".join(parts) + "\n"


def _left_out_comments(items: Iterable[LeftOut]) -> list[str]:
    """Boilerplate is recorded where it was, so the creator can restore it; page chrome
    (share buttons, comment forms) never belonged to the article and is only reported."""
    return [
        comment(f"left out as channel boilerplate (the outro says it): {quote(item.text)}")
        for item in items
        if item.kind == "boilerplate"
    ]
