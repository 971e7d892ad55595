"""Saved article pages: the article found, the site around it dropped, the markup obeyed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_import_readback import check_structured
from toolkit.errors import SourceError
from toolkit.files import read_text
from toolkit.importers.html import blocks_from_html, parse_page

FIXTURES = Path(__file__).parent / "fixtures" / "import" / "html"


def test_saved_wordpress_page() -> None:
    page = FIXTURES / "harrison-page.html"
    truth = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
    post = parse_page(read_text(page), str(page))
    check_structured(post, truth)
    assert dict(post.meta)["link"] == truth["link"]
    assert post.source == str(page)


def _page(body: str, head: str = "<title>Fallback Title | Site</title>") -> str:
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>"


LONG = "The keeper climbed the hundred and twelve steps twice a night, every night. " * 4


def test_title_from_og_title_then_title_tag() -> None:
    body = f"<main><p>{LONG}</p><p>{LONG}</p></main>"
    post = parse_page(_page(body, '<meta property="og:title" content="The Keeper">'), "k.html")
    assert post.title == "The Keeper"
    post = parse_page(_page(body, "<title>The Keeper &#8211; Coast Stories</title>"), "k.html")
    assert post.title == "The Keeper"


def test_site_title_in_header_is_not_the_post_title() -> None:
    body = (
        '<header class="site-header"><h1 class="site-title">Coast Stories</h1></header>'
        f"<div class='entry-content'><p>{LONG}</p></div>"
    )
    post = parse_page(_page(body, "<title>The Keeper | Coast Stories</title>"), "k.html")
    assert post.title == "The Keeper"


def test_one_caption_per_figure_figcaption_first() -> None:
    blocks = blocks_from_html(
        '<figure><img alt="A lamp room"><figcaption>The lamp, <em>1931</em></figcaption>'
        '</figure><figure><img alt="IMG_2041.jpg"></figure><figure><img alt="The keeper">'
        "</figure>",
        source="f.html",
    )
    assert [(b.kind, b.text) for b in blocks] == [
        ("caption", "The lamp, 1931"),
        ("caption", "The keeper"),
    ]


def test_headings_h2_to_h6_and_line_breaks() -> None:
    blocks = blocks_from_html(
        "<h2>One</h2><p>a<br>b</p><h3>Two</h3><h4>Three</h4><p>c&nbsp;d <sup><a href='#n1'>1</a>"
        "</sup></p>",
        source="f.html",
    )
    assert [(b.kind, b.text) for b in blocks] == [
        ("heading", "One"),
        ("paragraph", "a b"),
        ("heading", "Two"),
        ("heading", "Three"),
        ("paragraph", "c d"),
    ]


def test_posted_on_and_share_lines_are_dropped() -> None:
    body = (
        f"<article><h1>The Keeper</h1><p>Posted on 3 May 2024 by Anna</p><p>{LONG}</p>"
        "<p>Share this:</p><p>Like this:</p><p>Like Loading…</p></article>"
    )
    post = parse_page(_page(body), "k.html")
    assert [b.text for b in post.blocks] == [LONG.strip()]


def test_archive_page_takes_the_article_with_the_most_text() -> None:
    body = (
        f"<main><article><h2>Teaser</h2><p>Short teaser text.</p></article>"
        f"<article><h1>The Keeper</h1><p>{LONG}</p><p>{LONG}</p></article>"
        f"<aside><article><p>{LONG}{LONG}{LONG}</p></article></aside></main>"
    )
    post = parse_page(_page(body), "k.html")
    assert post.title == "The Keeper"
    assert post.count("paragraph") == 2


def test_page_without_article_is_refused() -> None:
    body = (
        "<header><nav><a href='/'>Home</a></nav></header><main><h1>Page not found</h1>"
        "<p>Sorry, that page does not exist.</p></main><footer>Powered by WordPress</footer>"
    )
    with pytest.raises(SourceError, match="no article found") as caught:
        parse_page(_page(body), "missing.html")
    assert str(caught.value).startswith("missing.html: ")


def test_not_html_at_all() -> None:
    with pytest.raises(SourceError, match="not an HTML page"):
        parse_page("just words, no markup", "words.html")


def test_deeply_nested_markup_does_not_crash() -> None:
    deep = "<div>" * 5000 + f"<p>{LONG}</p>" + "</div>" * 5000
    post = parse_page(_page(f"<article><h1>Deep</h1>{deep}</article>"), "deep.html")
    assert post.count("paragraph") == 1
