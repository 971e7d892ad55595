"""Bad sources: each one a single-line SourceError naming the file (and line), nothing written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from toolkit.errors import InputError, SourceError
from toolkit.importers import import_sources

PARAGRAPH = "The lamp at Skerry Point was lit by hand every night until 1931, by one keeper. " * 3
NS = (
    'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
    'xmlns:wp="http://wordpress.org/export/1.2/"'
)


def _export(items: str) -> str:
    return f'<?xml version="1.0"?><rss version="2.0" {NS}><channel>{items}</channel></rss>'


def _item(title: str, content: str, post_type: str = "post") -> str:
    return (
        f"<item><title>{title}</title><content:encoded><![CDATA[{content}]]></content:encoded>"
        f"<wp:status>publish</wp:status><wp:post_type>{post_type}</wp:post_type></item>"
    )


# name, file content, expected part of the message, expected line (None: no line)
CASES: list[tuple[str, bytes | str, str, int | None]] = [
    ("empty.txt", b"", "the file is empty", None),
    ("blank.txt", "  \n\n\t\n", "the file is empty", None),
    ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file", None),
    ("no-title.txt", PARAGRAPH + "\n", "no title line", 1),
    ("title-only.txt", "Posted on Leave a comment\n\nThe Lamp\n", "title but no text", 3),
    (
        "separators-only.txt",
        "Posted on Leave a comment\n\nPosted on Leave a comment\n",
        "no post found",
        None,
    ),
    ("chrome-only.txt", "Share this:\n\nTwitter\n\nLike this:\n", "only page chrome", None),
    ("truncated.xml", _export(_item("The Lamp", f"<p>{PARAGRAPH}</p>"))[:150], "malformed XML", 1),
    (
        "laughs.xml",
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        "<rss><channel><item><title>&b;</title></item></channel></rss>",
        "declares entities",
        None,
    ),
    (
        "pages-only.xml",
        _export(_item("About", f"<p>{PARAGRAPH}</p>", "page")),
        "no published posts",
        None,
    ),
    ("svg.xml", '<?xml version="1.0"?><svg><circle r="1"/></svg>', "not a WordPress export", None),
    ("empty-posts.xml", _export(_item("The Lamp", "[gallery]")), "no post with text", None),
    (
        "not-found.html",
        "<html><body><nav>Home</nav><main><h1>Not found</h1><p>Sorry.</p></main></body></html>",
        "no article found",
        None,
    ),
    ("words.html", "just some words, no markup at all", "not an HTML page", None),
    (
        "untitled.html",
        f"<html><body><article><p>{PARAGRAPH}</p></article></body></html>",
        "no title",
        None,
    ),
    ("broken-yaml.md", "---\ntitle: The Lamp\ntags: [a, b\n---\n\nText.\n", "not valid YAML", 3),
    (
        "bad-key.md",
        "---\ntitle: The Lamp\n  bad: indent: here\n---\n\nText.\n",
        "not valid YAML",
        3,
    ),
    ("untitled.md", PARAGRAPH + "\n", "no title", None),
    ("title-only.md", "---\ntitle: The Lamp\n---\n", "no text to narrate", None),
]


@pytest.mark.parametrize(("name", "content", "expected", "line"), CASES, ids=[c[0] for c in CASES])
def test_bad_source(
    tmp_path: Path, name: str, content: bytes | str, expected: str, line: int | None
) -> None:
    source = tmp_path / name
    if isinstance(content, bytes):
        source.write_bytes(content)
    else:
        source.write_text(content, encoding="utf-8")
    episodes = tmp_path / "episodes"
    with pytest.raises(SourceError) as caught:
        import_sources([source], episodes)
    message = str(caught.value)
    where = f"{source}:{line}: " if line is not None else f"{source}: "
    assert message.startswith(where), message
    assert expected in message
    assert "\n" not in message
    assert caught.value.hint, "every error says what to do"
    assert not episodes.exists()


@pytest.mark.parametrize(
    "make",
    [
        lambda tmp: tmp / "missing.txt",
        lambda tmp: tmp,
    ],
    ids=["missing", "folder"],
)
def test_unreadable_paths(tmp_path: Path, make: Callable[[Path], Path]) -> None:
    with pytest.raises(InputError) as caught:
        import_sources([make(tmp_path)], tmp_path / "episodes")
    assert isinstance(caught.value, SourceError)
    assert "\n" not in str(caught.value)


def test_other_encodings_are_read(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    text = "Café Society\n\nIn 1938 the café on Sheridan Square opened its doors to everyone.\n"
    utf16 = tmp_path / "utf16.txt"
    utf16.write_bytes(text.encode("utf-16"))
    cp1252 = tmp_path / "cp1252.txt"
    cp1252.write_bytes(text.encode("cp1252"))
    report = import_sources([utf16], tmp_path / "a")
    assert report.written[0].title == "Café Society"
    report = import_sources([cp1252], tmp_path / "b")
    assert report.written[0].title == "Café Society"
    assert "cp1252" in caplog.text
