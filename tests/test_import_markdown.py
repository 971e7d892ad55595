"""Markdown drafts: front matter kept, # title, ## and ### sections, images as captions."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest

from tests.test_import_readback import check_structured, read_episode
from toolkit.errors import SourceError
from toolkit.files import read_text
from toolkit.importers import import_sources
from toolkit.importers.markdown import parse_markdown

FIXTURES = Path(__file__).parent / "fixtures" / "import" / "markdown"


@pytest.mark.parametrize("name", ["codwars", "radium"])
def test_markdown_fixtures(name: str) -> None:
    source = FIXTURES / f"{name}.md"
    truth = json.loads(source.with_suffix(".json").read_text(encoding="utf-8"))
    post = parse_markdown(read_text(source), str(source))
    check_structured(post, truth)
    meta = {
        key: str(value) if isinstance(value, datetime.date) else value for key, value in post.meta
    }
    assert meta == truth["meta"]


def test_front_matter_fields_kept_in_the_episode(tmp_path: Path) -> None:
    import_sources([FIXTURES / "codwars.md"], tmp_path)
    (written,) = tmp_path.glob("*.md")
    meta, _ = read_episode(written.read_text(encoding="utf-8"))
    assert list(meta) == ["title", "number", "source", "author", "date", "tags", "series"]
    assert meta["date"] == datetime.date(2024, 4, 9)
    assert meta["tags"] == ["fishing", "Iceland", "NATO"]


def test_front_matter_title_wins_and_matching_h1_is_dropped() -> None:
    text = "---\ntitle: The Frost Fair\n---\n# The Frost Fair\n\nThe Thames froze in 1683.\n"
    post = parse_markdown(text, "f.md")
    assert post.title == "The Frost Fair"
    assert [(b.kind, b.text) for b in post.blocks] == [("paragraph", "The Thames froze in 1683.")]


def test_broken_front_matter_names_the_line() -> None:
    text = "---\ntitle: The Frost Fair\ntags: [a, b\n---\n# The Frost Fair\n\nText.\n"
    with pytest.raises(SourceError, match="front matter is not valid YAML") as caught:
        parse_markdown(text, "f.md")
    assert caught.value.line is not None
    assert "\n" not in str(caught.value)


def test_no_title_is_refused() -> None:
    with pytest.raises(SourceError, match="no title"):
        parse_markdown("Just a paragraph about the Thames freezing in 1683.\n", "f.md")


def test_title_only_is_refused() -> None:
    with pytest.raises(SourceError, match="no text to narrate"):
        parse_markdown("# The Frost Fair\n", "f.md")


def test_episode_file_reimported_as_markdown_keeps_its_blocks(tmp_path: Path) -> None:
    import_sources([FIXTURES / "radium.md"], tmp_path / "a")
    (first,) = (tmp_path / "a").glob("*.md")
    post = parse_markdown(read_text(first), str(first))
    original = parse_markdown(read_text(FIXTURES / "radium.md"), "radium.md")
    assert post.blocks == original.blocks


def test_fields_the_import_owns_are_not_copied() -> None:
    text = (
        "---\ntitle: The Frost Fair\nnumber: 99\nslug: other\nvoice: uk\nsource: x\n"
        "author: Tom\n---\nThe Thames froze in 1683.\n"
    )
    assert parse_markdown(text, "f.md").meta == (("author", "Tom"),)
