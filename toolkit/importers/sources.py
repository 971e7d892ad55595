"""Reading a source file and recognising its format by what it contains.

The extension is only a hint: a copied page saved as .txt that is really HTML, or a
WordPress export saved without .xml, is still read as what it is. Reading returns drafts,
small functions that each parse one post (or one file of posts), so that a caller can
report progress post by post through a large WordPress export.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from toolkit.errors import InputError, SourceError
from toolkit.files import read_text
from toolkit.importers import blogcopy, html, markdown, wxr
from toolkit.importers.post import Draft

Format = Literal["blogcopy", "markdown", "html", "wxr"]


_MARKDOWN_SUFFIXES = {".md", ".markdown", ".mdown", ".mkd", ".mdx"}
_HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
_HTML_OPENINGS = ("<!doctype html", "<html", "<head", "<body", "<article", "<main", "<meta")


def detect_format(text: str, suffix: str = "") -> Format:
    """Recognise the format from the text, using the file extension to settle doubt."""
    head = text.lstrip()[:4096].lower()
    if head.startswith(("<?xml", "<rss")):
        # An XML declaration also opens XHTML pages; an export is RSS.
        return "html" if "<html" in head and "<rss" not in head else "wxr"
    if head.startswith(_HTML_OPENINGS) or (head.startswith("<!--") and "<html" in head):
        return "html"  # browsers' "saved from url" comment comes before <html>
    suffix = suffix.lower()
    if suffix in _HTML_SUFFIXES and head.startswith("<"):
        return "html"
    if suffix == ".xml" and head.startswith("<"):
        return "wxr"
    if suffix in _MARKDOWN_SUFFIXES:
        return "markdown"
    if head.startswith("---\n") and "\n---" in head[3:]:
        return "markdown"
    first_line = head.split("\n", 1)[0]
    if first_line.startswith("# "):
        return "markdown"
    if suffix in _HTML_SUFFIXES:
        return "html"
    return "blogcopy"


def read_source(path: Path) -> list[Draft]:
    """Read `path` and prepare the parsing of its posts.

    Raises SourceError (naming the file) for files that cannot be read, are empty or
    binary, or whose XML is malformed.
    """
    try:
        text = read_text(path)
    except SourceError:
        raise
    except InputError as exc:
        raise SourceError(exc.what, path=exc.path, line=exc.line, hint=exc.hint) from exc
    source = str(path)
    kind = detect_format(text, path.suffix)
    if kind == "wxr":
        return list(wxr.read_wxr(text, source))
    if kind == "html":
        return [lambda: [html.parse_page(text, source)]]
    if kind == "markdown":
        return [lambda: [markdown.parse_markdown(text, source)]]
    return [lambda: blogcopy.parse_blogcopy(text, source)]
