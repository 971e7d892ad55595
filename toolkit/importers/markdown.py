"""A Markdown draft (with or without YAML front matter) turned into a post.

`#` is the title, `##` and deeper headings start sections, images are captions (their
alt text, else their title), and raw HTML blocks (a figure pasted from a blog) go
through the HTML reader. The author's front matter fields are kept, except the ones the
import owns (title, number, source, slug, voice).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

import frontmatter
import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from toolkit.errors import SourceError
from toolkit.importers.boilerplate import finish_post
from toolkit.importers.html import blocks_from_html
from toolkit.importers.post import Block, Post, clean_text

# Fields the import decides: the number and source, the slug (the file name carries it)
# and the voice (the channel's default applies until the creator picks one).
_OWNED_FIELDS = frozenset({"title", "number", "source", "slug", "voice"})
_PARSER = MarkdownIt("commonmark")


def inline_text(token: Token) -> tuple[str, list[str]]:
    """The readable text of an inline token, and the captions of the images in it."""
    text: list[str] = []
    captions: list[str] = []
    for child in token.children or []:
        if child.type == "image":
            caption = clean_text(_plain(child.children or []))
            if not caption:
                caption = clean_text(str(child.attrs.get("title") or ""))
            if caption:
                captions.append(caption)
        elif child.type in ("text", "code_inline"):
            text.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            text.append(" ")
    return clean_text("".join(text)), captions


def _plain(children: Sequence[Token]) -> str:
    parts: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(_plain(child.children or []))
    return "".join(parts)


def _front_matter(text: str, source: str) -> tuple[dict[str, object], str]:
    try:
        post = frontmatter.loads(text)
    except yaml.YAMLError as exc:
        raise SourceError(
            f"the front matter is not valid YAML ({getattr(exc, 'problem', None) or exc})",
            path=source,
            line=_yaml_error_line(exc, text),
            hint="fix the lines between the two '---' lines",
        ) from exc
    except (ValueError, TypeError) as exc:
        raise SourceError(
            f"the front matter cannot be read ({exc})",
            path=source,
            hint="fix the lines between the two '---' lines",
        ) from exc
    metadata = post.metadata
    if not isinstance(metadata, dict):
        raise SourceError(
            "the front matter is not a list of 'key: value' fields",
            path=source,
            hint="write it as 'title: …' lines between two '---' lines",
        )
    return {str(key): value for key, value in metadata.items()}, post.content


def _yaml_error_line(error: yaml.YAMLError, text: str) -> int | None:
    """The file line of a front matter error.

    The front matter is parsed again here from its own lines, so the line numbers do not
    depend on how python-frontmatter cut the text. YAML reports an unclosed bracket where
    the text ran out; the line where the bracket opened is then the useful one.
    """
    lines = text.split("\n")
    closing = next(
        (index for index, line in enumerate(lines[1:], start=1) if line.strip() == "---"),
        len(lines),
    )
    try:
        yaml.safe_load("\n".join(lines[1:closing]))
    except yaml.YAMLError as again:
        error = again
    for mark in (getattr(error, "problem_mark", None), getattr(error, "context_mark", None)):
        if mark is not None and int(mark.line) + 1 < closing:
            return int(mark.line) + 2  # 1-based, after the opening "---"
    return None


def parse_markdown(text: str, source: str) -> Post:
    """Read a Markdown article. Raises SourceError for broken front matter or no title."""
    fields, body = _front_matter(text, source)
    title_value = fields.get("title")
    title = clean_text(str(title_value)) if title_value is not None else ""
    blocks: list[Block] = []
    tokens = _PARSER.parse(body)
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type == "heading_open":
            heading_text, captions = inline_text(tokens[index + 1])
            if token.tag == "h1" and not title:
                title = heading_text
            elif not (token.tag == "h1" and heading_text == title) and heading_text:
                blocks.append(Block("heading", heading_text))
            blocks.extend(Block("caption", caption) for caption in captions)
            index += 3
            continue
        if token.type == "inline":
            paragraph, captions = inline_text(token)
            if paragraph:
                blocks.append(Block("paragraph", paragraph))
            blocks.extend(Block("caption", caption) for caption in captions)
        elif token.type in ("fence", "code_block"):
            code = clean_text(token.content)
            if code:
                blocks.append(Block("paragraph", code))
        elif token.type == "html_block":
            blocks.extend(blocks_from_html(token.content, source=source, title=title))
        index += 1
    if not title:
        raise SourceError(
            "the Markdown file has no title",
            path=source,
            hint="add a '# Title' line at the top, or 'title:' in the front matter",
        )
    meta = tuple(
        (key, value)
        for key, value in fields.items()
        if key not in _OWNED_FIELDS and _is_plain(value)
    )
    post = finish_post(title, blocks, source=source, where=source, meta=meta)
    if post.count("paragraph") == 0:
        raise SourceError(
            "the Markdown file has a title but no text to narrate",
            path=source,
            hint="write the article below the title",
        )
    return post


def _is_plain(value: object) -> bool:
    """Only values YAML writes back as they came (strings, numbers, dates, lists, maps)."""
    if value is None or isinstance(value, str | int | float | bool | datetime.date):
        return True
    if isinstance(value, list):
        return all(_is_plain(item) for item in value)
    if isinstance(value, dict):
        return all(isinstance(key, str) and _is_plain(item) for key, item in value.items())
    return False
