"""A saved article page, and the HTML inside WordPress posts, turned into blocks.

The markup states the structure, so nothing is guessed: h2 to h6 are headings, a figure
is one caption (its figcaption, else its image's alt text), an image outside a figure is
a caption from its alt text, and paragraphs, list items, quotes and table rows are
narrated. The page around the article (navigation, header, footer, sidebars, share
buttons, comments) is recognised by tag, role, class and id and skipped; nothing here
runs a regular expression over markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bs4 import BeautifulSoup, Tag
from bs4.element import CData, NavigableString, PageElement
from bs4.exceptions import ParserRejectedMarkup

from toolkit.errors import SourceError
from toolkit.importers.boilerplate import finish_post
from toolkit.importers.chrome import (
    CHROME_ROLES,
    CHROME_TAGS,
    is_chrome_line,
    is_chrome_token,
)
from toolkit.importers.post import Block, Post, clean_text

_BLOCK_TAGS = frozenset(
    """address article blockquote center dd details div dl dt fieldset figcaption figure
    hgroup hr li main ol p pre section summary table tbody thead tfoot tr ul body html
    """.split()
)
_HEADINGS = frozenset("h1 h2 h3 h4 h5 h6".split())
_CANDIDATE_CLASSES = frozenset(
    """entry-content post-content article-content article-body post-body entry-body
    single-content story-body article__body c-article-body blog-post-content post-entry
    td-post-content wp-block-post-content page-content content-body""".split()
)
_WEAK_CANDIDATE_CLASSES = frozenset("entry post hentry type-post content main-content".split())
_EMOJI_CLASSES = frozenset({"emoji", "wp-smiley"})
# "IMG_2041.jpg", "DSC0045", "image-3": alt text a camera or uploader made up, not a caption.
_FILE_NAME_ALT = re.compile(
    r"^(?:img|dsc|dscn|dscf|pxl|photo|image|screenshot|untitled)?[-_ ]?\d*(?:\.(?:jpe?g|png"
    r"|gif|webp|tiff?|heic))?$|^\S+\.(?:jpe?g|png|gif|webp|tiff?|heic|svg)$",
    re.IGNORECASE,
)
# Fewer narrated words than this is an error page or a teaser, not an article.
MIN_ARTICLE_WORDS = 40


def _classes(tag: Tag) -> list[str]:
    value = tag.get("class")
    if value is None:
        return []
    if isinstance(value, str):
        return value.split()
    return [str(item) for item in value]


def _attr(tag: Tag, name: str) -> str:
    value = tag.get(name)
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return " ".join(str(item) for item in value)


def is_chrome_element(tag: Tag) -> bool:
    """True for a part of the page around the article (or hidden from readers)."""
    if tag.name in CHROME_TAGS:
        return True
    if _attr(tag, "role").lower() in CHROME_ROLES:
        return True
    tokens = [*_classes(tag), *_attr(tag, "id").split()]
    if any(is_chrome_token(token) for token in tokens):
        return True
    if tag.has_attr("hidden") or _attr(tag, "aria-hidden").lower() == "true":
        return True
    style = _attr(tag, "style").replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


def _plain_strings(tag: Tag) -> Iterator[str]:
    """The text of `tag` as a reader sees it, without scripts, comments or hidden parts."""
    for node in tag.descendants:
        if isinstance(node, Tag):
            if node.name == "br":
                yield " "
            continue
        if type(node) is not NavigableString and not isinstance(node, CData):
            continue  # comments, doctype, processing instructions, script text
        parent = node.parent
        hidden = False
        while parent is not None and parent is not tag:
            if parent.name in CHROME_TAGS or _is_footnote_mark(parent):
                hidden = True
                break
            parent = parent.parent
        if not hidden:
            yield str(node)


def inline_text(tag: Tag) -> str:
    return clean_text("".join(_plain_strings(tag)))


def _is_footnote_mark(tag: Tag) -> bool:
    """A superscript reference ("[3]") that points to a note: read aloud it is noise."""
    if tag.name != "sup":
        return False
    link = tag.find("a")
    href = _attr(link, "href") if isinstance(link, Tag) else ""
    return href.startswith("#") or "footnote" in " ".join(_classes(tag)).lower()


def image_caption(img: Tag) -> str:
    """The alt text of an image when it describes the image (not a file name, not empty)."""
    alt = clean_text(_attr(img, "alt")) or clean_text(_attr(img, "title"))
    if not alt or _FILE_NAME_ALT.match(alt):
        return ""
    return alt


class _Collector:
    """Walks a tree in document order and collects blocks.

    Inline text accumulates until a block-level element starts or ends. With `autop`
    (WordPress post content, where the editor's blank lines are the paragraph breaks, as
    WordPress's own wpautop treats them) blank lines in text also end a paragraph.
    """

    def __init__(self, *, autop: bool, title: str) -> None:
        self.autop = autop
        self.title = title
        self.blocks: list[Block] = []
        self.buffer: list[str] = []

    def flush(self) -> None:
        raw = "".join(self.buffer)
        self.buffer = []
        if not raw.strip():
            return
        pieces = re.split(r"\n[^\S\n]*\n", raw) if "\n" in raw else [raw]
        for piece in pieces:
            text = clean_text(piece)
            if text and not is_chrome_line(text):
                self.blocks.append(Block("paragraph", text))

    def add(self, kind: str, text: str) -> None:
        self.flush()
        if not text:
            return
        if kind == "caption":
            self.blocks.append(Block("caption", text))
        elif not is_chrome_line(text):
            self.blocks.append(Block("heading", text))

    def walk(self, root: Tag) -> list[Block]:
        # An explicit stack, not recursion: a page nested thousands of levels deep must
        # not crash the import.
        stack: list[tuple[PageElement, bool]] = [
            (child, False) for child in reversed(list(root.children))
        ]
        while stack:
            node, leaving = stack.pop()
            if isinstance(node, Tag):
                if leaving:
                    self._leave(node)
                elif self._enter(node):
                    stack.append((node, True))
                    stack.extend((child, False) for child in reversed(list(node.children)))
            elif type(node) is NavigableString or isinstance(node, CData):
                text = str(node)
                self.buffer.append(text if self.autop else text.replace("\n", " "))
        self.flush()
        return self.blocks

    def _enter(self, tag: Tag) -> bool:
        """Handle `tag` on the way in; True when its children should be walked."""
        name = tag.name
        if is_chrome_element(tag) or _is_footnote_mark(tag):
            return False
        if name in _HEADINGS:
            text = inline_text(tag)
            if name == "h1" and text == self.title:
                self.flush()
                return False
            self.add("heading", text)
            return False
        if name == "figure" or "wp-caption" in _classes(tag):
            # WordPress's classic [caption] output is a div.wp-caption holding the image
            # and a p.wp-caption-text: one caption, as a figure is.
            return self._figure(tag)
        if name in ("figcaption", "caption"):
            self.add("caption", inline_text(tag))
            return False
        if name == "img":
            if _EMOJI_CLASSES & set(_classes(tag)):
                self.buffer.append(_attr(tag, "alt"))
            else:
                self.add("caption", image_caption(tag))
            return False
        if name == "br":
            self.buffer.append("\n")
            return False
        if name == "hr":
            self.flush()
            return False
        if name in ("td", "th") and "".join(self.buffer).strip():
            self.buffer.append("; ")
        if name in _BLOCK_TAGS:
            self.flush()
        return True

    def _leave(self, tag: Tag) -> None:
        if tag.name in _BLOCK_TAGS:
            self.flush()

    def _figure(self, figure: Tag) -> bool:
        classes = " ".join(_classes(figure)).lower()
        if "pullquote" in classes:
            self.flush()
            return False  # a pull quote repeats a line of the article for the eye
        if figure.find("figure") is not None or figure.find("table") is not None:
            self.flush()
            return True  # a gallery of figures or a table: walk it, its figcaption follows
        caption = ""
        for child in figure.find_all("figcaption") + figure.find_all(class_="wp-caption-text"):
            caption = inline_text(child)
            if caption:
                break
        if not caption:
            for img in figure.find_all("img"):
                caption = image_caption(img)
                if caption:
                    break
        self.add("caption", caption)
        return False


def blocks_from_html(
    markup: str, *, source: str, autop: bool = False, title: str = ""
) -> list[Block]:
    """The blocks of an HTML fragment (a post's content, a figure inside Markdown)."""
    soup = _soup(markup, source)
    return _Collector(autop=autop, title=title).walk(soup)


def _soup(markup: str, source: str) -> BeautifulSoup:
    try:
        return BeautifulSoup(markup, "html.parser")
    except (ParserRejectedMarkup, AssertionError, ValueError) as exc:
        raise SourceError(
            f"the HTML cannot be parsed ({exc})",
            path=source,
            hint="save the page again from the browser (File > Save Page As)",
        ) from exc


def _inside_chrome(tag: Tag, within: Tag | None = None) -> bool:
    """True when an ancestor of `tag` (below `within`, if given) is page chrome.

    Inside the article, a header is the post's own (its title and date line), not the
    site's, so it does not hide the article's h1.
    """
    parent = tag.parent
    while isinstance(parent, Tag) and parent is not within:
        if parent.name in ("body", "html", "[document]"):
            break
        if is_chrome_element(parent) and not (within is not None and parent.name == "header"):
            return True
        parent = parent.parent
    return False


def _narrated_words(tag: Tag) -> int:
    """How much the element would narrate: words of its paragraphs, chrome left out."""
    blocks = _Collector(autop=False, title="").walk(tag)
    return sum(len(block.text.split()) for block in blocks if block.kind == "paragraph")


def _depth(tag: Tag) -> int:
    return sum(1 for _ in tag.parents)


def _is_candidate(tag: Tag) -> bool:
    if tag.name in ("article", "main") or _attr(tag, "role").lower() == "main":
        return True
    if _attr(tag, "itemprop") == "articleBody":
        return True
    classes = set(_classes(tag))
    return bool(classes & _CANDIDATE_CLASSES or classes & _WEAK_CANDIDATE_CLASSES)


def find_article(soup: BeautifulSoup) -> Tag | None:
    """The element holding the article: the candidate that narrates the most words.

    An `article` is preferred to the content div inside it, when it holds nearly all the
    same text, because themes put the featured image and its caption beside that div.
    Without a candidate, the page body stands in if it has an article's worth of text;
    an error page or a list of teasers does not.
    """
    candidates = [
        tag
        for tag in soup.find_all(True)
        if isinstance(tag, Tag) and _is_candidate(tag) and not _inside_chrome(tag)
    ]
    if not candidates:
        body = soup.find("body")
        candidates = [body if isinstance(body, Tag) else soup]
    scored = [(tag, _narrated_words(tag)) for tag in candidates]
    best = max(score for _, score in scored)
    if best < MIN_ARTICLE_WORDS:
        return None
    close = [tag for tag, score in scored if score >= 0.8 * best]
    articles = [tag for tag in close if tag.name == "article"]
    pool = articles or close
    return max(pool, key=_depth)


def _meta_content(soup: BeautifulSoup, *names: str) -> str:
    for tag in soup.find_all("meta"):
        if not isinstance(tag, Tag):
            continue
        key = _attr(tag, "property") or _attr(tag, "name")
        if key in names:
            content = clean_text(_attr(tag, "content"))
            if content:
                return content
    return ""


def _page_title(soup: BeautifulSoup, article: Tag) -> str:
    for heading in article.find_all("h1"):
        if isinstance(heading, Tag) and not _inside_chrome(heading, within=article):
            text = inline_text(heading)
            if text:
                return text
    title = _meta_content(soup, "og:title", "twitter:title")
    if title:
        return title
    for heading in soup.find_all("h1"):
        if isinstance(heading, Tag) and not _inside_chrome(heading):
            text = inline_text(heading)
            if text:
                return text
    title_tag = soup.find("title")
    if isinstance(title_tag, Tag):
        text = clean_text(title_tag.get_text())
        site = _meta_content(soup, "og:site_name")
        for separator in (" | ", " – ", " — ", " - ", " :: ", " · "):
            if separator in text:
                parts = [part.strip() for part in text.split(separator)]
                parts = [part for part in parts if part and part != site] or parts
                return parts[0]
        return text
    return ""


def parse_page(text: str, source: str) -> Post:
    """A saved article page: find the article, drop the site around it, read its blocks."""
    soup = _soup(text, source)
    if soup.find(True) is None:
        raise SourceError(
            "this is not an HTML page (no tags found)",
            path=source,
            hint="save the article page from the browser as HTML",
        )
    article = find_article(soup)
    if article is None:
        raise SourceError(
            "no article found on the page",
            path=source,
            hint="save the page of the post itself, not a list of posts or an error page",
        )
    title = _page_title(soup, article)
    if not title:
        raise SourceError(
            "the page has no title (no h1 and no <title>)",
            path=source,
            hint="add an <h1> with the post's title",
        )
    blocks = _Collector(autop=False, title=title).walk(article)
    meta: list[tuple[str, object]] = []
    link = _canonical_link(soup)
    if link:
        meta.append(("link", link))
    published = _meta_content(soup, "article:published_time")
    if published:
        meta.append(("date", published))
    post = finish_post(title, blocks, source=source, where=source, meta=tuple(meta))
    if post.count("paragraph") == 0:
        raise SourceError(
            "the article on the page has no text to narrate",
            path=source,
            hint="save the page of the post itself",
        )
    return post


def _canonical_link(soup: BeautifulSoup) -> str:
    for tag in soup.find_all("link"):
        if isinstance(tag, Tag) and "canonical" in _attr(tag, "rel").lower().split():
            href = clean_text(_attr(tag, "href"))
            if href:
                return href
    return _meta_content(soup, "og:url")
