"""Parse an episode file (Markdown with YAML front matter) into an Article.

Headings start sections, image syntax marks a caption (a visual cue, never narrated),
everything else is narrated. A real Markdown parser (markdown-it-py) reads the body.
The front matter is read by toolkit.text.frontmatter (plain `key: value` lines without
PyYAML, exactly as YAML reads them; any other by YAML).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token as MdToken

from toolkit.errors import EpisodeError
from toolkit.files import read_text
from toolkit.text.frontmatter import split_front_matter as split_front_matter

HEADING = "heading"
PARAGRAPH = "paragraph"
CAPTION = "caption"

_FILE_NAME = re.compile(r"^(?P<number>\d{1,4})-(?P<slug>[a-z0-9][a-z0-9-]*)\.md$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,80}$")


@dataclass(frozen=True)
class Block:
    kind: str  # HEADING, PARAGRAPH or CAPTION
    text: str
    line: int  # 1-based line in the episode file


@dataclass(frozen=True)
class Article:
    title: str
    number: int
    slug: str
    voice: str | None
    blocks: tuple[Block, ...]
    path: str
    meta: tuple[tuple[str, str], ...] = ()
    voice_line: int = 1  # where the front matter names the voice
    recording: str | None = (
        None  # the creator's recording, as written (channel-relative or absolute)
    )
    recording_line: int = 1
    date: str | None = None  # publication date or date-time, ISO 8601 ("2026-03-01")
    summary: str | None = None  # one or two sentences for the description and the feed
    sources: tuple[str, ...] = ()  # where the facts come from (titles or links)


# Inline text is parsed by _inline_text, only where an inline rule could apply (most
# paragraphs of prose are plain text), so the parser's own inline pass is left out, and
# with it text_join, which only rewrites the children that pass would have made.
_MD = MarkdownIt("commonmark").disable(["inline", "text_join"])

# A block rule is tried at the start of every block (and of every line of a paragraph, to
# see whether it ends there), but can match only where its marks begin a line, after white
# space and the marks of block quotes and lists. Where a body has no such place, the rule is
# left out of its parse: the tokens are the same, with less work (most prose has no lists,
# quotes, code, rules or link definitions). _LINE_HEAD finds the head of each line: its
# white space and marks and the character after them (searched for from the line break,
# which is faster than from "^" in multi-line mode).
_LINE_HEAD = re.compile(r"\n[ \t>*+\-\d.)]*.?")
# In the heads of the lines, every place each rule could match (a superset).
_RULE_MARKS = (
    ("blockquote", re.compile(">")),
    ("list", re.compile(r"[-*+]|\d[.)]")),
    ("hr", re.compile("[-*_]")),
    ("reference", re.compile(r"\[")),
    ("lheading", re.compile("[-=]")),  # the underline of a heading
)


def _unneeded_rules(body: str) -> tuple[str, ...]:
    """The block rules that cannot match anywhere in `body`."""
    unneeded = []
    if "\t" not in body and "    " not in body:
        unneeded.append("code")  # indented by four columns
    if "```" not in body and "~~~" not in body:
        unneeded.append("fence")
    lines = "\n" + (body.replace("\r", "\n") if "\r" in body else body)
    heads = "".join(_LINE_HEAD.findall(lines))
    unneeded.extend(rule for rule, marks in _RULE_MARKS if not marks.search(heads))
    return tuple(unneeded)


@cache
def _block_parser(unneeded: tuple[str, ...]) -> MarkdownIt:
    """_MD without the block rules named (at most one parser per set of rules)."""
    return MarkdownIt("commonmark").disable(["inline", "text_join", *unneeded])


def _parse_blocks(body: str, env: dict[str, Any]) -> list[MdToken]:
    """_MD.parse(body, env), without the block rules that cannot match in `body`."""
    return _block_parser(_unneeded_rules(body)).parse(body, env)


# The characters at which a CommonMark inline rule can start (escape, code span, emphasis,
# link, image, autolink, inline HTML, entity); text without them is one run of plain text.
_INLINE_MARKS = re.compile(r"[\\`*_\[!<&]")


def _inline_text(inline: MdToken, env: dict[str, Any]) -> tuple[str, list[str]]:
    """Plain text of an inline run, and the captions (image alt texts) found in it."""
    content = inline.content
    if not _INLINE_MARKS.search(content):
        return " ".join(content.split()), []  # what the inline rules would make of it
    children: list[MdToken] = []
    _MD.inline.parse(content, _MD, env, children)
    parts: list[str] = []
    captions: list[str] = []
    for child in children:
        if child.type == "image":
            alt = "".join(c.content for c in child.children or []) or child.content
            if alt.strip():
                captions.append(" ".join(alt.split()))
        elif child.type in ("text", "text_special", "code_inline"):
            parts.append(child.content)  # text_special: an escaped character or an entity
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "html_inline" and child.content.lower().startswith("<br"):
            parts.append(" ")  # a line break in HTML still separates words
    return " ".join("".join(parts).split()), captions


def _key_lines(text: str, offset: int) -> dict[str, int]:
    """The line of each top-level front matter key, so errors point at the setting."""
    lines: dict[str, int] = {}
    for number, line in enumerate(text.split("\n")[:offset], 1):
        match = re.match(r"^([A-Za-z_][\w-]*)\s*:", line)
        if match and match.group(1) not in lines:
            lines[match.group(1)] = number
    return lines


def parse_article(text: str, path: str) -> Article:
    meta, body, offset = split_front_matter(text, path)
    key_line = _key_lines(text, offset)
    name = Path(path).name
    match = _FILE_NAME.match(name)
    title = meta.get("title")
    if isinstance(title, bool):
        raise EpisodeError(
            f"the title reads as {str(title).lower()} in YAML",
            path=path,
            line=key_line.get("title", 1),
            hint="put the title in quotes",
        )
    if isinstance(title, int | float):
        title = str(title)  # "title: 1066" is a fine title
    if not isinstance(title, str) or not title.strip():
        raise EpisodeError(
            "the episode has no title", path=path, line=1, hint="add 'title: …' to the front matter"
        )
    number = meta.get("number", int(match["number"]) if match else None)
    if number is not None and (
        isinstance(number, bool) or not isinstance(number, int) or number < 0
    ):
        raise EpisodeError(
            f"the episode number must be a whole number from 0, not {number!r}",
            path=path,
            line=key_line.get("number", 1),
            hint="fix 'number:' in the front matter",
        )
    if number is None:
        raise EpisodeError(
            "the episode has no number",
            path=path,
            line=1,
            hint="add 'number: N' to the front matter or name the file NNN-slug.md",
        )
    slug = meta.get("slug", match["slug"] if match else Path(path).stem.lower())
    if not isinstance(slug, str) or not _SLUG.match(slug):
        raise EpisodeError(
            f"slug {slug!r} is not allowed",
            path=path,
            line=key_line.get("slug", 1),
            hint="use lower-case letters, digits and hyphens only",
        )
    voice = meta.get("voice")
    if voice is not None and not isinstance(voice, str):
        raise EpisodeError("voice must be a name", path=path, line=key_line.get("voice", 1))
    recording = _optional_text(meta, "recording", path, key_line)
    summary = _optional_text(meta, "summary", path, key_line)
    published = _date(meta, path, key_line)
    sources = _sources(meta, path, key_line)
    blocks: list[Block] = []
    env: dict[str, Any] = {}  # the link references, for the inline text
    tokens = _parse_blocks(body, env)
    pending_heading: int | None = None
    for i, tok in enumerate(tokens):
        line = offset + (tok.map[0] if tok.map else 0) + 1
        if tok.type == "heading_open":
            pending_heading = line
        elif tok.type == "inline" and pending_heading is not None:
            heading, _ = _inline_text(tok, env)
            if heading:
                blocks.append(Block(HEADING, heading, pending_heading))
            pending_heading = None
        elif tok.type == "inline" and i > 0 and tokens[i - 1].type == "paragraph_open":
            plain, captions = _inline_text(tok, env)
            blocks.extend(Block(CAPTION, c, line) for c in captions)
            if plain:
                blocks.append(Block(PARAGRAPH, plain, line))
    meta_items = tuple(
        (str(k), str(v))
        for k, v in meta.items()
        if k not in ("title", "number", "slug", "voice") and isinstance(v, str | int | float)
    )
    return Article(
        title=" ".join(title.split()),
        number=number,
        slug=slug,
        voice=voice,
        blocks=tuple(blocks),
        path=path,
        meta=meta_items,
        voice_line=key_line.get("voice", 1),
        recording=recording,
        recording_line=key_line.get("recording", 1),
        date=published,
        summary=summary,
        sources=sources,
    )


def _optional_text(
    meta: dict[str, Any], key: str, path: str, key_line: dict[str, int]
) -> str | None:
    value = meta.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise EpisodeError(
            f"{key} must be text", path=path, line=key_line.get(key, 1), hint=f"write '{key}: …'"
        )
    return " ".join(value.split()) if key != "recording" else value.strip()


def _date(meta: dict[str, Any], path: str, key_line: dict[str, int]) -> str | None:
    """`date: 2026-03-01` (YAML reads it as a date), a date-time, or the same as text."""
    value = meta.get("date")
    if value is None:
        return None
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        for kind in (datetime.date, datetime.datetime):
            try:
                return kind.fromisoformat(value.strip()).isoformat()
            except ValueError:
                continue
    raise EpisodeError(
        f"date {value!r} is not a date",
        path=path,
        line=key_line.get("date", 1),
        hint="write it as 'date: 2026-03-01' (or '2026-03-01T18:00:00+00:00')",
    )


def _sources(meta: dict[str, Any], path: str, key_line: dict[str, int]) -> tuple[str, ...]:
    value = meta.get("sources")
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise EpisodeError(
            "sources must be a list of texts",
            path=path,
            line=key_line.get("sources", 1),
            hint="write one '- source' line per source under 'sources:'",
        )
    return tuple(" ".join(v.split()) for v in value)


def load_article(path: Path) -> Article:
    return parse_article(read_text(path), str(path))
