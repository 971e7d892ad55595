"""A WordPress export (WXR): one episode per published post, in publication order.

The export is RSS with WordPress's own namespace. Pages, attachments, menu items, drafts,
private posts and revisions are skipped. The XML is parsed with defusedxml, which refuses
entity declarations at once, so a "billion laughs" file fails in milliseconds instead of
expanding into gigabytes; an export never declares entities.

Post content is the editor's HTML: block-editor posts wrap each block in
`<!-- wp:… -->` comments (skipped like any comment; the markup inside says what the
block is), classic posts rely on blank lines between paragraphs (WordPress adds the <p>
tags only on display) and `[caption]…[/caption]` shortcodes around images.
"""

from __future__ import annotations

import email.utils
import functools
import html as htmllib
import xml.etree.ElementTree as ElementTree
from collections.abc import Sequence
from dataclasses import dataclass

import defusedxml
import defusedxml.ElementTree as SafeElementTree
from bs4 import BeautifulSoup, Comment, Tag

from toolkit.errors import SourceError
from toolkit.importers.boilerplate import finish_post
from toolkit.importers.html import blocks_from_html, image_caption
from toolkit.importers.post import Draft, Post, Unusable, clean_text

_CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
_WP_NAMESPACE = "{http://wordpress.org/export/"
# Shortcodes whose text between the opening and closing tag is not narrated.
_ENCLOSING = frozenset({"caption", "wp_caption", "embed", "video", "audio", "playlist"})
_DROPPED = frozenset(
    """gallery playlist youtube vimeo soundcloud spotify contact-form contact-form-7 wpforms
    mc4wp_form jetpack_subscription_form instagram tweet googlemaps iframe audio video embed
    caption wp_caption""".split()
)


@dataclass(frozen=True)
class Entry:
    """One published post as the export states it, before its content is parsed."""

    post_id: str
    title: str
    link: str
    date: str  # ISO 8601, or "" when the export has none
    categories: tuple[str, ...]
    tags: tuple[str, ...]
    content: str


def parse_xml(text: str, source: str) -> ElementTree.Element:
    """Parse XML safely, with errors that name the file, the line and what to do."""
    try:
        root: ElementTree.Element = SafeElementTree.fromstring(text)
    except defusedxml.EntitiesForbidden as exc:
        raise SourceError(
            "the XML declares entities, which a WordPress export never does; refused as "
            "unsafe (entity expansion)",
            path=source,
            hint="export the site again from WordPress (Tools > Export)",
        ) from exc
    except defusedxml.DefusedXmlException as exc:
        raise SourceError(
            f"the XML uses a feature refused as unsafe ({type(exc).__name__})",
            path=source,
            hint="export the site again from WordPress (Tools > Export)",
        ) from exc
    except ElementTree.ParseError as exc:
        line: int | None = exc.position[0] if exc.position else None
        reason = str(exc).split(":", 1)[0]
        raise SourceError(
            f"malformed XML ({reason})",
            path=source,
            line=line,
            hint="the export may be cut short: export it again from WordPress (Tools > Export)",
        ) from exc
    return root


def _wp(item: ElementTree.Element, name: str) -> str:
    """A wp:name child, whichever version of the export namespace the file uses."""
    for child in item:
        tag = child.tag
        if tag.startswith(_WP_NAMESPACE) and tag.endswith("}" + name):
            return (child.text or "").strip()
    return ""


def _iso_date(post_date: str, pub_date: str) -> str:
    value = post_date.strip()
    if len(value) >= 10 and value[:4].isdigit() and not value.startswith("0000"):
        return value.replace(" ", "T", 1)
    if pub_date.strip():
        try:
            return email.utils.parsedate_to_datetime(pub_date.strip()).isoformat()
        except (TypeError, ValueError, IndexError, OverflowError):
            return ""
    return ""


def _entries(root: ElementTree.Element, source: str) -> list[Entry]:
    channel = root.find("channel") if root.tag == "rss" else None
    if channel is None:
        raise SourceError(
            f"this XML is not a WordPress export (its root is <{root.tag}>, not <rss>)",
            path=source,
            hint="export the site from WordPress with Tools > Export",
        )
    entries: list[tuple[str, int, Entry]] = []
    for order, item in enumerate(channel.iter("item")):
        post_type = _wp(item, "post_type") or "post"
        status = _wp(item, "status") or "publish"
        if post_type != "post" or status != "publish":
            continue
        categories: list[str] = []
        tags: list[str] = []
        for category in item.findall("category"):
            name = clean_text(category.text or "")
            target = tags if category.get("domain") == "post_tag" else categories
            if (
                name
                and name not in target
                and category.get("domain") in (None, "category", "post_tag")
            ):
                target.append(name)
        date = _iso_date(_wp(item, "post_date"), item.findtext("pubDate") or "")
        entry = Entry(
            post_id=_wp(item, "post_id") or str(order + 1),
            title=item.findtext("title") or "",
            link=clean_text(item.findtext("link") or ""),
            date=date,
            categories=tuple(categories),
            tags=tuple(tags),
            content=item.findtext(_CONTENT) or "",
        )
        entries.append((date, order, entry))
    entries.sort(key=lambda triple: (triple[0], triple[1]))
    return [entry for _, _, entry in entries]


def read_wxr(text: str, source: str) -> list[Draft]:
    """Check the export and prepare one draft per published post, oldest first.

    Raises SourceError for malformed or unsafe XML and for an export without posts.
    """
    entries = _entries(parse_xml(text, source), source)
    if not entries:
        raise SourceError(
            "the WordPress export has no published posts",
            path=source,
            hint="export 'Posts' (or 'All content') from Tools > Export, and check they are "
            "published",
        )
    return [functools.partial(convert_entry, entry, source) for entry in entries]


def convert_entry(entry: Entry, source: str) -> Sequence[Post | Unusable]:
    """One post of the export as a Post, or why it cannot be an episode."""
    where = f"{source}, post {entry.post_id}"
    title = clean_text(htmllib.unescape(entry.title))
    if not title:
        return [Unusable(source, where, "(no title)", "the post has no title")]
    blocks = blocks_from_html(
        expand_shortcodes(entry.content), source=source, autop=True, title=title
    )
    meta: list[tuple[str, object]] = []
    if entry.link:
        meta.append(("link", entry.link))
    if entry.date:
        meta.append(("date", entry.date))
    if entry.categories:
        meta.append(("categories", list(entry.categories)))
    if entry.tags:
        meta.append(("tags", list(entry.tags)))
    post = finish_post(
        title,
        blocks,
        source=entry.link or f"{source}#post-{entry.post_id}",
        where=where,
        meta=tuple(meta),
    )
    if post.count("paragraph") == 0:
        return [Unusable(source, where, title, "nothing to narrate in the post")]
    return [post]


def expand_shortcodes(content: str) -> str:
    """Replace WordPress shortcodes: [caption] becomes a figure, embeds and forms go.

    Shortcodes are WordPress's own bracket syntax, not HTML, and they enclose HTML, so
    they are found by scanning for their names; anything else in brackets ("[sic]") stays.
    """
    if "[" not in content:
        return content
    lowered = content.lower()
    out: list[str] = []
    position = 0
    while True:
        start = content.find("[", position)
        if start < 0:
            out.append(content[position:])
            break
        name_end = start + 1
        while name_end < len(content) and (
            content[name_end].isalnum() or content[name_end] in "_-"
        ):
            name_end += 1
        name = lowered[start + 1 : name_end]
        follows = content[name_end : name_end + 1]
        if name not in _DROPPED or follows not in (" ", "]", "/"):
            out.append(content[position : start + 1])
            position = start + 1
            continue
        open_end = content.find("]", name_end)
        if open_end < 0:
            out.append(content[position:])
            break
        out.append(content[position:start])
        position = open_end + 1
        closing = f"[/{name}]"
        close = lowered.find(closing, position) if name in _ENCLOSING else -1
        if close >= 0:
            inner = content[position:close]
            position = close + len(closing)
            if name in ("caption", "wp_caption"):
                out.append(_caption_figure(content[start : open_end + 1], inner))
    return "".join(out)


def _caption_figure(opening: str, inner: str) -> str:
    """A [caption] shortcode as a figure: the text after the image, else its attribute."""
    soup = BeautifulSoup(inner, "html.parser")
    image = soup.find("img")
    alt = image_caption(image) if isinstance(image, Tag) else ""
    for tag in soup.find_all("img"):
        tag.decompose()
    for comment in soup.find_all(string=lambda node: isinstance(node, Comment)):
        comment.extract()
    caption = clean_text(soup.get_text())
    if not caption:
        caption = _attribute(opening, "caption")
    if not caption:
        caption = alt
    if not caption:
        return ""
    return f"<figure><figcaption>{htmllib.escape(caption)}</figcaption></figure>"


def _attribute(opening: str, name: str) -> str:
    """An attribute of a shortcode's opening tag: name="value" (older exports use it)."""
    lowered = opening.lower()
    for quote in ('"', "'"):
        key = f"{name}={quote}"
        start = lowered.find(key)
        if start >= 0:
            start += len(key)
            end = opening.find(quote, start)
            if end > start:
                return clean_text(htmllib.unescape(opening[start:end]))
    return ""
