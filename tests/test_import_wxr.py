"""WordPress exports: published posts only, oldest first, block editor and shortcodes read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_import_readback import check_structured, read_episode
from toolkit.errors import SourceError
from toolkit.importers import import_sources
from toolkit.importers.post import Post, Unusable
from toolkit.importers.wxr import expand_shortcodes, read_wxr

FIXTURES = Path(__file__).parent / "fixtures" / "import" / "wxr"
EXPORT = FIXTURES / "northern-lines.xml"

NAMESPACES = (
    'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
    'xmlns:wp="http://wordpress.org/export/1.2/"'
)


def _posts(text: str, source: str = "site.xml") -> list[Post | Unusable]:
    return [outcome for draft in read_wxr(text, source) for outcome in draft()]


def item(
    title: str,
    content: str,
    *,
    post_id: int = 1,
    date: str = "2024-01-01 10:00:00",
    status: str = "publish",
    post_type: str = "post",
) -> str:
    return (
        f"<item><title><![CDATA[{title}]]></title><link>https://blog.example/{post_id}/</link>"
        f"<content:encoded><![CDATA[{content}]]></content:encoded>"
        f"<wp:post_id>{post_id}</wp:post_id><wp:post_date>{date}</wp:post_date>"
        f"<wp:status>{status}</wp:status><wp:post_type>{post_type}</wp:post_type></item>"
    )


def export(*items: str) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" {NAMESPACES}><channel>'
        f"<title>Blog</title>{''.join(items)}</channel></rss>"
    )


BODY = (
    "<p>" + "The harbour froze solid in the winter of 1740, and the ships stayed put. " * 3 + "</p>"
)


def test_fixture_export_published_posts_in_order() -> None:
    truth = json.loads(EXPORT.with_suffix(".json").read_text(encoding="utf-8"))["posts"]
    posts = _posts(EXPORT.read_text(encoding="utf-8"), str(EXPORT))
    assert all(isinstance(post, Post) for post in posts)
    assert [post.title for post in posts if isinstance(post, Post)] == [t["title"] for t in truth]
    for post, expected in zip(posts, truth, strict=True):
        assert isinstance(post, Post)
        check_structured(post, expected)
        meta = dict(post.meta)
        for key in ("link", "date", "categories", "tags"):
            assert meta[key] == expected[key]
        assert post.source == expected["link"]


def test_front_matter_order_and_values(tmp_path: Path) -> None:
    import_sources([EXPORT], tmp_path)
    first = (tmp_path / "001-the-night-the-tay-bridge-fell.md").read_text(encoding="utf-8")
    assert first.startswith(
        "---\ntitle: The Night the Tay Bridge Fell\nnumber: 1\n"
        "source: https://northernlines.example/2023/12/28/tay-bridge/\n"
        "link: https://northernlines.example/2023/12/28/tay-bridge/\n"
        "date: '2023-12-28T19:00:00'\ncategories:\n- Engineering\n- Disasters\ntags:\n"
    )
    meta, _ = read_episode(first)
    assert list(meta) == ["title", "number", "source", "link", "date", "categories", "tags"]


def test_pages_drafts_attachments_revisions_skipped() -> None:
    text = export(
        item("A page", BODY, post_id=1, post_type="page"),
        item("A draft", BODY, post_id=2, status="draft"),
        item("A file", "", post_id=3, post_type="attachment", status="inherit"),
        item("A revision", BODY, post_id=4, post_type="revision", status="inherit"),
        item("Private", BODY, post_id=5, status="private"),
        item("The Frost Fair", BODY, post_id=6),
    )
    assert [post.title for post in _posts(text)] == ["The Frost Fair"]


def test_publication_order_not_file_order() -> None:
    text = export(
        item("Second", BODY, post_id=9, date="2024-02-01 08:00:00"),
        item("First", BODY, post_id=12, date="2023-05-01 08:00:00"),
        item("Third", BODY, post_id=3, date="2024-02-01 09:30:00"),
    )
    assert [post.title for post in _posts(text)] == ["First", "Second", "Third"]


def test_classic_editor_blank_lines_and_caption_shortcodes() -> None:
    content = (
        "The river froze in 1740.\nNobody could cross by boat.\n\n"
        '[caption id="attachment_9" width="300"]<img src="a.jpg" alt="ice" /> Skaters on the '
        "Thames, 1740[/caption]\n\nA second paragraph, with [sic] kept.\n\n"
        '[caption caption="From an old print"]<img src="b.jpg" alt="" />[/caption]\n\n'
        '[embed]https://video.example/1[/embed][gallery ids="1,2"]'
    )
    (post,) = _posts(export(item("The Frost Fair", content)))
    assert isinstance(post, Post)
    assert [(b.kind, b.text) for b in post.blocks] == [
        ("paragraph", "The river froze in 1740. Nobody could cross by boat."),
        ("caption", "Skaters on the Thames, 1740"),
        ("paragraph", "A second paragraph, with [sic] kept."),
        ("caption", "From an old print"),
    ]


def test_shortcode_scanner_leaves_other_brackets() -> None:
    assert expand_shortcodes("[sic] [1] [captioned] [caption") == "[sic] [1] [captioned] [caption"


def test_post_without_text_is_reported_not_fatal(tmp_path: Path) -> None:
    source = tmp_path / "site.xml"
    source.write_text(
        export(
            item("Only a video", "[embed]https://v.example/1[/embed]", post_id=1),
            item("", BODY, post_id=2),
            item("The Frost Fair", BODY, post_id=3),
        ),
        encoding="utf-8",
    )
    report = import_sources([source], tmp_path / "episodes")
    assert [w.title for w in report.written] == ["The Frost Fair"]
    lines = report.lines()
    assert any("Only a video" in line and "nothing to narrate" in line for line in lines)
    assert any("(no title)" in line for line in lines)


def test_export_without_posts_is_an_error(tmp_path: Path) -> None:
    source = tmp_path / "pages.xml"
    source.write_text(export(item("About", BODY, post_type="page")), encoding="utf-8")
    with pytest.raises(SourceError, match="no published posts") as caught:
        import_sources([source], tmp_path / "episodes")
    assert str(caught.value).startswith(f"{source}: ")
    assert not (tmp_path / "episodes").exists()


def test_billion_laughs_is_refused(tmp_path: Path) -> None:
    # Ten levels of ten references each: 10**9 "lol"s if a parser expanded them.
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    ]
    text = (
        '<?xml version="1.0"?>\n<!DOCTYPE rss [\n' + "\n".join(entities) + "\n]>\n"
        f"<rss {NAMESPACES}><channel><item><title>&lol9;</title></item></channel></rss>"
    )
    source = tmp_path / "lol.xml"
    source.write_text(text, encoding="utf-8")
    with pytest.raises(SourceError, match="declares entities") as caught:
        import_sources([source], tmp_path / "episodes")
    assert str(caught.value).startswith(f"{source}: ")
    assert "\n" not in str(caught.value)
    assert not (tmp_path / "episodes").exists()


def test_external_entities_are_refused() -> None:
    text = (
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/hostname">]>'
        f"<rss {NAMESPACES}><channel><item><title>&secret;</title></item></channel></rss>"
    )
    with pytest.raises(SourceError, match="refused as unsafe"):
        read_wxr(text, "x.xml")


def test_truncated_export_names_the_line() -> None:
    text = EXPORT.read_text(encoding="utf-8")
    cut = text[: len(text) // 2]
    with pytest.raises(SourceError, match="malformed XML") as caught:
        read_wxr(cut, "cut.xml")
    assert caught.value.line is not None
    assert str(caught.value).startswith(f"cut.xml:{caught.value.line}: ")


def test_xml_that_is_not_an_export() -> None:
    with pytest.raises(SourceError, match="not a WordPress export"):
        read_wxr('<?xml version="1.0"?><svg></svg>', "pic.xml")


def _big_export(count: int) -> str:
    paragraph = (
        "<!-- wp:paragraph --><p>The lighthouse keepers kept a log of every ship, every storm "
        "and every failure of the lamp, and in 1851 the log ran to four volumes.</p>"
        "<!-- /wp:paragraph -->"
    )
    items = []
    for number in range(count):
        body = "\n\n".join(
            [paragraph * 3, f'<h2 class="wp-block-heading">Part {number}</h2>', paragraph * 4] * 4
        )
        items.append(
            item(
                f"Story {number}",
                body,
                post_id=number + 1,
                date=f"2020-01-01 00:{number // 60:02d}:{number % 60:02d}",
            )
        )
    return export(*items)


def test_five_hundred_posts_with_progress(tmp_path: Path) -> None:
    source = tmp_path / "big.xml"
    source.write_text(_big_export(500), encoding="utf-8")
    calls: list[tuple[int, int]] = []
    report = import_sources(
        [source], tmp_path / "episodes", progress=lambda d, t: calls.append((d, t))
    )
    assert len(report.written) == 500
    assert calls == [(done, 500) for done in range(1, 501)]
    assert report.written[-1].path.name == "500-story-499.md"
