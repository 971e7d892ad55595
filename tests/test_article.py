"""Episode files: YAML front matter and a Markdown body, parsed into blocks with lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.errors import EpisodeError
from toolkit.text.article import CAPTION, HEADING, PARAGRAPH, load_article, parse_article

PATH = "episodes/007-the-stolen-jet.md"


def error_of(text: str, path: str = PATH) -> EpisodeError:
    with pytest.raises(EpisodeError) as info:
        parse_article(text, path)
    return info.value


def blocks_of(body: str) -> list[tuple[str, str, int]]:
    article = parse_article("---\ntitle: T\nnumber: 1\n---\n" + body, PATH)
    return [(b.kind, b.text, b.line) for b in article.blocks]


# --- front matter ---------------------------------------------------------------------------


def test_front_matter_fields() -> None:
    text = (
        "---\ntitle: The Stolen Jet\nnumber: 7\nvoice: uk\nauthor: Mara\nyear: 1976\n---\nText.\n"
    )
    article = parse_article(text, PATH)
    assert article.title == "The Stolen Jet"
    assert article.number == 7
    assert article.slug == "the-stolen-jet"
    assert article.voice == "uk"
    assert article.path == PATH
    assert dict(article.meta) == {"author": "Mara", "year": "1976"}


def test_number_and_slug_come_from_the_file_name_when_not_given() -> None:
    article = parse_article("---\ntitle: T\n---\nText.\n", "episodes/042-the-long-night.md")
    assert (article.number, article.slug) == (42, "the-long-night")


def test_front_matter_number_and_slug_win_over_the_file_name() -> None:
    text = "---\ntitle: T\nnumber: 9\nslug: other-name\n---\nText.\n"
    article = parse_article(text, "episodes/042-the-long-night.md")
    assert (article.number, article.slug) == (9, "other-name")


def test_title_white_space_is_normalised() -> None:
    article = parse_article("---\ntitle: '  The   Long\tNight '\n---\nText.\n", PATH)
    assert article.title == "The Long Night"


def test_front_matter_may_end_with_dots() -> None:
    assert blocks_of("") == []
    article = parse_article("---\ntitle: T\n...\nText.\n", PATH)
    assert [(b.text, b.line) for b in article.blocks] == [("Text.", 4)]


def test_unclosed_front_matter() -> None:
    exc = error_of("---\ntitle: T\nnumber: 1\nText that never ends the block.\n")
    assert (exc.path, exc.line) == (PATH, 1)
    assert str(exc).startswith(f"{PATH}:1: ")
    assert "not closed" in str(exc)
    assert "---" in str(exc)  # says what to do


@pytest.mark.parametrize(
    ("front", "line"),
    [
        ("title: T\nnumber: 1\nfoo: [unclosed\nbar: 2\n", 5),
        ("title: The Heist: Part Two\n", 2),
        ("title: T\nnumber: 1\nauthor: a: b\n", 4),
        ("title: T\n\tnumber: 1\n", 3),
        ("title: T\nnumber: 1\n- item\n", 4),
        ('title: T\nnumber: 1\nauthor: "unclosed\n', 4),
    ],
    ids=["flow-list", "colon-in-title", "colon-later", "tab", "list-item", "open-quote"],
)
def test_invalid_yaml_names_the_file_line(front: str, line: int) -> None:
    exc = error_of(f"---\n{front}---\nText.\n")
    assert exc.path == PATH
    assert exc.line == line
    assert str(exc).startswith(f"{PATH}:{line}: front matter is not valid YAML")


@pytest.mark.parametrize(
    ("front", "line"),
    [
        ("title: T\nnumber: 1\ndate: 2026-02-30\n", 4),
        ("title: T\nnumber: 1\nsources:\n  - a\nupdated: 2026-13-01 10:00:00\n", 6),
    ],
    ids=["plain", "yaml"],
)
def test_a_date_that_does_not_exist_names_its_line(front: str, line: int) -> None:
    """YAML reads a value shaped like a date as one and datetime refuses a day that does
    not exist: one clear line about it, not a crash."""
    exc = error_of(f"---\n{front}---\nText.\n")
    assert (exc.path, exc.line) == (PATH, line)
    assert "is not a date" in str(exc) and "YYYY-MM-DD" in str(exc)


def test_front_matter_that_is_not_a_mapping() -> None:
    exc = error_of("---\n- a list\n- of things\n---\nText.\n")
    assert exc.path == PATH and exc.line is not None
    assert "key: value" in str(exc)


@pytest.mark.parametrize(
    "front",
    ["number: 1\n", "title: ''\nnumber: 1\n", "title: '   '\n", "title:\nnumber: 1\n", ""],
    ids=["absent", "empty", "blank", "null", "no-fields"],
)
def test_missing_title(front: str) -> None:
    exc = error_of(f"---\n{front}---\nText.\n")
    assert exc.path == PATH and exc.line == 1
    assert "no title" in str(exc)
    assert "title:" in str(exc)  # the hint says what to add


def test_no_front_matter_means_no_title() -> None:
    exc = error_of("Just some text.\n\n## A heading\n\nMore.\n")
    assert "no title" in str(exc)


@pytest.mark.parametrize(
    "slug",
    ["../etc", "Upper", "has space", "-leading", "a/b", "a" * 82, "'dot.dot'", "ümlaut"],
)
def test_bad_slug(slug: str) -> None:
    exc = error_of(f"---\ntitle: T\nnumber: 1\nslug: {slug}\n---\nText.\n")
    assert exc.path == PATH and exc.line is not None
    assert "slug" in str(exc)
    assert "lower-case" in str(exc)


@pytest.mark.parametrize("number", ["-3", "true", "2.5", "[1]"])
def test_bad_number(number: str) -> None:
    exc = error_of(f"---\ntitle: T\nnumber: {number}\n---\nText.\n")
    assert exc.path == PATH and exc.line is not None
    assert str(exc).startswith(f"{PATH}:{exc.line}: ")
    assert "number" in str(exc)


def test_no_number_without_a_numbered_file_name() -> None:
    exc = error_of("---\ntitle: T\n---\nText.\n", "drafts/the-long-night.md")
    assert exc.path == "drafts/the-long-night.md"
    assert "NNN-slug.md" in str(exc)


def test_negative_number_message_names_the_value() -> None:
    exc = error_of("---\ntitle: T\nnumber: -3\n---\nText.\n")
    assert "-3" in str(exc) or "negative" in str(exc)


def test_numeric_title_is_a_title() -> None:
    article = parse_article("---\ntitle: 1066\nnumber: 1\n---\nText.\n", PATH)
    assert article.title == "1066"


def test_voice_must_be_a_name() -> None:
    exc = error_of("---\ntitle: T\nnumber: 1\nvoice: [a, b]\n---\nText.\n")
    assert exc.path == PATH and "voice" in str(exc)


# --- body -----------------------------------------------------------------------------------

BODY = """\
Opening paragraph, before any heading.
It goes on over a second line.

<!-- a note for myself, never narrated -->

## A Heading Starts A Section
Paragraph text with **bold**, *emphasis*, `code` and [a link](https://example.com).

![Caption of an image](photo.jpg)

Text with an inline ![The *Mary Rose* in 1545](x.png) image.

- item one
- item two

> A quoted letter.

1. first
2. second

### A Smaller Heading

Setext Heading
--------------

<div>raw html block</div>

<!--
a comment
over lines
-->

Final words &amp; more.
"""


def test_body_blocks_kinds_texts_and_lines() -> None:
    # Front matter takes lines 1-4, so the body starts on line 5.
    assert blocks_of(BODY) == [
        (PARAGRAPH, "Opening paragraph, before any heading. It goes on over a second line.", 5),
        (HEADING, "A Heading Starts A Section", 10),
        (PARAGRAPH, "Paragraph text with bold, emphasis, code and a link.", 11),
        (CAPTION, "Caption of an image", 13),
        (CAPTION, "The Mary Rose in 1545", 15),
        (PARAGRAPH, "Text with an inline image.", 15),
        (PARAGRAPH, "item one", 17),
        (PARAGRAPH, "item two", 18),
        (PARAGRAPH, "A quoted letter.", 20),
        (PARAGRAPH, "first", 22),
        (PARAGRAPH, "second", 23),
        (HEADING, "A Smaller Heading", 25),
        (HEADING, "Setext Heading", 27),
        (PARAGRAPH, "Final words & more.", 37),
    ]


def test_comments_are_never_narrated() -> None:
    texts = " ".join(text for _, text, _ in blocks_of(BODY))
    assert "note for myself" not in texts
    assert "a comment" not in texts
    assert "raw html" not in texts


def test_lines_after_a_long_front_matter() -> None:
    front = "---\ntitle: T\nnumber: 1\nvoice: uk\nauthor: A\n---\n"
    article = parse_article(front + "\n\n## Head\nText.\n", PATH)
    assert [(b.kind, b.line) for b in article.blocks] == [(HEADING, 9), (PARAGRAPH, 10)]


def test_image_without_alt_text_is_no_caption() -> None:
    assert blocks_of("![](photo.jpg)\n\n![   ](other.jpg)\n\nText.\n") == [(PARAGRAPH, "Text.", 9)]


def test_hard_and_soft_breaks_become_spaces() -> None:
    assert blocks_of("One line  \nnext line\\\nlast\nend.\n") == [
        (PARAGRAPH, "One line next line last end.", 5)
    ]


def test_inline_html_does_not_glue_words() -> None:
    assert blocks_of("One line<br>two line.\n") == [(PARAGRAPH, "One line two line.", 5)]


def test_inline_comment_is_dropped() -> None:
    assert blocks_of("Some <!-- not said --> text.\n") == [(PARAGRAPH, "Some text.", 5)]


def test_code_blocks_are_not_narrated() -> None:
    assert blocks_of("```\nprint('x')\n```\n\nText.\n") == [(PARAGRAPH, "Text.", 9)]


def test_empty_heading_is_dropped() -> None:
    assert blocks_of("##\n\nText.\n") == [(PARAGRAPH, "Text.", 7)]


def test_load_article_reads_crlf_and_bom(tmp_path: Path) -> None:
    path = tmp_path / "003-crlf.md"
    text = "---\r\ntitle: T\r\n---\r\nFirst.\r\n\r\n## Head\r\nSecond.\r\n"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    article = load_article(path)
    assert (article.title, article.number, article.slug) == ("T", 3, "crlf")
    assert [(b.kind, b.text, b.line) for b in article.blocks] == [
        (PARAGRAPH, "First.", 4),
        (HEADING, "Head", 6),
        (PARAGRAPH, "Second.", 7),
    ]
    assert article.path == str(path)


def test_load_article_error_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "004-broken.md"
    path.write_text("---\ntitle: [oops\n---\nText.\n", encoding="utf-8")
    with pytest.raises(EpisodeError) as info:
        load_article(path)
    assert info.value.path == str(path)
    assert info.value.line == 2
