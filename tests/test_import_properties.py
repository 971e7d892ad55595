"""Every importer, fed anything: a SourceError or posts whose episode file reads back exactly.

The inputs are built from pieces of each format (tags, shortcodes, Markdown marks, blog
theme lines) mixed with arbitrary text, so Hypothesis reaches the interesting paths
rather than only plain words.
"""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_import_readback import assert_round_trip
from toolkit.errors import SourceError
from toolkit.importers.blogcopy import parse_blogcopy
from toolkit.importers.html import parse_page
from toolkit.importers.markdown import parse_markdown
from toolkit.importers.post import Post, Unusable
from toolkit.importers.sources import detect_format
from toolkit.importers.wxr import read_wxr

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

WORDS = st.text(st.characters(codec="utf-8"), max_size=25)


def pieces(fragments: Sequence[str]) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(fragments) | WORDS, max_size=30).map("".join)


BLOG = [
    "\n",
    "\n\n",
    "Posted on Leave a comment\n",
    "The Storm\n",
    "Ada Morrow in 1934\n",
    "Thanks for watching! Subscribe and join us on Patreon.\n",
    "In 1931 the lamp at Skerry Point was still lit by hand, every night of the year. ",
    "Share this:\n",
    "Leave a Reply\n",
    "(photo: archive)",
    "1914: ",
    "?",
    ", ",
    ". ",
    "Source: Museum\n",
    "*",
    "#",
    "1. ",
    "<b>",
    "&amp;",
    "\r\n",
    "\t",
    "—",
    "’",
]
MARKDOWN = [
    "---\n",
    "title: T\n",
    "tags: [a\n",
    "# ",
    "## ",
    "### ",
    "\n",
    "\n\n",
    "![",
    "](x.jpg)",
    "*",
    "_",
    "`",
    "> ",
    "- ",
    "1. ",
    "<figure><img alt='A'><figcaption>",
    "</figcaption>",
    "</figure>",
    "<!-- c -->",
    "```\n",
    "[link](u)",
    "\\",
    "&copy;",
    "The keeper climbed.",
    "Thanks for reading! Please subscribe.",
]
HTML = [
    "<html>",
    "<body>",
    "<article>",
    "</article>",
    "<main>",
    "<h1>",
    "</h1>",
    "<h2>",
    "</h2>",
    "<p>",
    "</p>",
    "<figure>",
    "</figure>",
    "<figcaption>",
    "</figcaption>",
    "<img alt='A b'>",
    "<nav>",
    "</nav>",
    "<div class='entry-content'>",
    "</div>",
    "<br>",
    "<!--",
    "-->",
    "<script>",
    "</script>",
    "<title>T</title>",
    "<table><tr><td>",
    "<![CDATA[x]]>",
    "&#0;",
    "<ul><li>",
    "<sup><a href='#f'>1</a></sup>",
    "<aside>",
    "<header>",
    "</header>",
    "The keeper climbed the steps twice a night, every night, for forty years. " * 4,
]
WXR_BODY = [
    *HTML,
    "[caption id='1']",
    "[/caption]",
    "[gallery ids='1']",
    "[embed]",
    "[/embed]",
    "[sic]",
    "<!-- wp:paragraph -->",
    "<!-- /wp:paragraph -->",
    "\n\n",
    'caption="A"',
]
WXR_OUTER = [
    "<?xml version='1.0'?>",
    "<rss>",
    "</rss>",
    "<channel>",
    "</channel>",
    "<item>",
    "</item>",
    "<title>",
    "</title>",
    "<!DOCTYPE r [<!ENTITY a 'b'>]>",
    "&a;",
    "<wp:status>",
    "<![CDATA[",
    "]]>",
]


LONG = "The keeper climbed the steps twice a night, every night, for forty years. " * 4
TITLE = st.text(st.characters(codec="utf-8", exclude_characters="\n\r"), min_size=1, max_size=40)


def blog_posts() -> st.SearchStrategy[str]:
    """Mostly well-formed copy: a title line, then paragraphs and short lines."""
    block = st.one_of(
        st.builds(lambda extra: LONG + extra, WORDS),
        pieces(BLOG).map(lambda text: text.replace("\n", " ")[:80]),
        WORDS,
    )
    return st.builds(
        lambda title, blocks: "\n\n".join([title, LONG, *blocks]),
        TITLE.map(lambda text: text[:60]),
        st.lists(block, max_size=12),
    )


def markdown_drafts() -> st.SearchStrategy[str]:
    return st.builds(lambda title, body: f"# {title}\n\n{LONG}\n\n{body}", TITLE, pieces(MARKDOWN))


def article_pages() -> st.SearchStrategy[str]:
    return st.builds(
        lambda title, body: (
            f"<html><body><article><h1>{title}</h1><p>{LONG}</p>{body}</article></body></html>"
        ),
        TITLE,
        pieces(HTML),
    )


def check(posts: Sequence[Post | Unusable]) -> None:
    for post in posts:
        if isinstance(post, Post):
            assert post.title and post.blocks
            assert_round_trip(post)


@SETTINGS
@given(pieces(BLOG) | blog_posts())
def test_blog_copy_never_crashes(text: str) -> None:
    try:
        check(parse_blogcopy(text, "copy.txt"))
    except SourceError as error:
        assert "\n" not in str(error) and str(error).startswith("copy.txt")


@SETTINGS
@given(pieces(MARKDOWN) | markdown_drafts())
def test_markdown_never_crashes(text: str) -> None:
    try:
        check([parse_markdown(text, "draft.md")])
    except SourceError as error:
        assert "\n" not in str(error) and str(error).startswith("draft.md")


@SETTINGS
@given(pieces(HTML) | article_pages())
def test_saved_page_never_crashes(text: str) -> None:
    try:
        check([parse_page(text, "page.html")])
    except SourceError as error:
        assert "\n" not in str(error) and str(error).startswith("page.html")


@SETTINGS
@given(pieces(WXR_OUTER + WXR_BODY))
def test_any_xml_never_crashes(text: str) -> None:
    try:
        for draft in read_wxr(text, "site.xml"):
            check(draft())
    except SourceError as error:
        assert "\n" not in str(error) and str(error).startswith("site.xml")


@SETTINGS
@given(WORDS, pieces(WXR_BODY))
def test_any_post_in_a_valid_export(title: str, body: str) -> None:
    def cdata(text: str) -> str:
        return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"

    export = (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:wp="http://wordpress.org/export/1.2/"><channel><item>'
        f"<title>{cdata(title)}</title><content:encoded>{cdata(body)}</content:encoded>"
        "<wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item></channel></rss>"
    )
    try:
        drafts = read_wxr(export, "site.xml")
    except SourceError as error:
        # XML 1.0 cannot carry every character (control characters, for one).
        assert "malformed XML" in str(error)
        return
    for draft in drafts:
        check(draft())


@given(st.text(max_size=200), st.sampled_from(["", ".txt", ".md", ".html", ".xml", ".doc"]))
def test_format_detection_is_total(text: str, suffix: str) -> None:
    assert detect_format(text, suffix) in ("blogcopy", "markdown", "html", "wxr")
