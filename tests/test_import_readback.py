"""Reading an imported episode file back the way the toolkit does, and the escaping it needs.

`read_episode` is an independent reader (python-frontmatter + markdown-it-py CommonMark):
other import tests compare what it finds with what the importer meant to write. It is
strict: any token the importer never writes (emphasis, links, lists, code) fails, so an
escaping mistake cannot slip through as "close enough".
"""

from __future__ import annotations

import frontmatter
from hypothesis import example, given
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from toolkit.importers.post import Block, Post, clean_text
from toolkit.importers.render import escape_inline, render_episode

_MD = MarkdownIt("commonmark")


def _text(children: list[Token]) -> str:
    parts = []
    for child in children:
        assert child.type == "text", f"unexpected inline token {child.type}: {child}"
        parts.append(child.content)
    return "".join(parts)


def read_episode(text: str) -> tuple[dict[str, object], list[tuple[str, str]]]:
    """Front matter and (kind, text) blocks of an episode file; comments are skipped."""
    post = frontmatter.loads(text)
    blocks: list[tuple[str, str]] = []
    tokens = _MD.parse(post.content)
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type == "html_block":
            assert token.content.startswith("<!--") and token.content.rstrip().endswith("-->")
            index += 1
        elif token.type == "heading_open":
            assert token.tag == "h2"
            blocks.append(("heading", _text(tokens[index + 1].children or [])))
            index += 3
        elif token.type == "paragraph_open":
            children = tokens[index + 1].children or []
            if len(children) == 1 and children[0].type == "image":
                image = children[0]
                assert image.attrs.get("src") == ""
                blocks.append(("caption", _text(image.children or [])))
            else:
                blocks.append(("paragraph", _text(children)))
            index += 3
        else:
            raise AssertionError(f"unexpected block token {token.type}")
    return dict(post.metadata), blocks


def blocks_of(post: Post) -> list[tuple[str, str]]:
    return [(block.kind, block.text) for block in post.blocks]


def assert_round_trip(post: Post, number: int = 1) -> str:
    """Render `post`, read it back, and check that nothing changed; returns the file text."""
    text = render_episode(post, number)
    meta, blocks = read_episode(text)
    assert blocks == blocks_of(post)
    assert meta["title"] == post.title
    assert meta["number"] == number
    assert meta["source"] == post.source
    assert "voice" not in meta
    return text


# Characters that mean something to Markdown, mixed with ordinary and unusual text.
_MARKDOWN_CHARS = list("*_`[]()<>!#\\&;:-+=.|~^\"' 0123456789aZé")
_TEXT = st.text(
    alphabet=st.sampled_from(_MARKDOWN_CHARS) | st.characters(codec="utf-8"), max_size=60
).map(clean_text)


@given(_TEXT, st.sampled_from(["paragraph", "heading", "caption"]))
@example("1. not a list", "paragraph")
@example("## not a heading #", "heading")
@example("&amp; &#35; <b>not</b> html", "paragraph")
@example("---", "paragraph")
@example("![not an image](x)", "caption")
@example("\\", "caption")
@example("    indented", "paragraph")
def test_every_text_survives_the_episode_file(text: str, kind: str) -> None:
    text = clean_text(text)  # what every importer does to a block's text
    if not text:
        return
    post = Post(
        title="T",
        blocks=(Block("paragraph", "Opening."), Block(kind, text)),  # type: ignore[arg-type]
        source="s.txt",
        where="s.txt",
    )
    assert_round_trip(post)


def test_escaping_leaves_ordinary_prose_readable() -> None:
    prose = "St. Paul's, 1666: the fire (as Pepys saw it) burned for 4 days."
    assert escape_inline(prose) == prose
    assert escape_inline("1914. A year") == "1914\\. A year"
    assert escape_inline("*bold*") == "\\*bold\\*"


def test_notes_are_comments_and_never_read() -> None:
    post = Post(
        title="A title: with a colon",
        blocks=(
            Block("paragraph", "Opening."),
            Block("heading", "Early Years", note="guessed heading -- a note with --> inside"),
            Block("paragraph", "Text."),
        ),
        source="s.txt",
        where="s.txt",
    )
    text = assert_round_trip(post)
    assert "<!-- import: guessed heading" in text


def check_structured(post: Post, truth: dict[str, object]) -> None:
    """A post from markup against its fixture's truth: every heading and caption exactly,
    in order; the paragraph count; the title and first sentence; the boilerplate left out;
    nothing of the page around the article narrated; and a clean round trip."""
    assert post.title == truth["title"]
    structure = [[block.kind, block.text] for block in post.blocks if block.kind != "paragraph"]
    assert structure == truth["structure"]
    assert post.count("paragraph") == truth["paragraphs"]
    first = next(block for block in post.blocks if block.kind == "paragraph")
    assert first.text.startswith(str(truth["first_sentence"]))
    left = [item.text for item in post.left_out if item.kind == "boilerplate"]
    expected_left = list(truth["boilerplate"])  # type: ignore[call-overload]
    assert len(left) == len(expected_left)
    for text, prefix in zip(left, expected_left, strict=True):
        assert text.startswith(prefix)
    everything = "\n".join(block.text for block in post.blocks)
    for chrome in truth.get("never_narrated", []):  # type: ignore[attr-defined]
        assert chrome not in everything
    assert_round_trip(post)
