"""Writing episodes: numbers, slugs, re-import without duplicates, --force, the report."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.test_import_readback import read_episode
from toolkit.errors import SourceError, ToolkitError
from toolkit.files import write_atomic
from toolkit.importers import episodes, import_sources, slugify
from toolkit.importers.sources import detect_format

FIXTURES = Path(__file__).parent / "fixtures" / "import"
TAY = FIXTURES / "blogcopy" / "taybridge.txt"
FOOTNOTES = FIXTURES / "blogcopy" / "footnotes.txt"
EXPORT = FIXTURES / "wxr" / "northern-lines.xml"


def snapshot(folder: Path) -> dict[str, bytes]:
    if not folder.exists():
        return {}
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        (
            "The Lighthouse Keeper Who Stayed: Ada Morrow",
            "the-lighthouse-keeper-who-stayed-ada-morrow",
        ),
        ("All Saints’ Day, 1755", "all-saints-day-1755"),
        ("Łódź, Straße & Æthelred", "lodz-strasse-and-aethelred"),
        ("!!!", "episode"),
        ("東京", "episode"),
        ("../../etc/passwd", "etc-passwd"),
        ("Crème brûlée at Versailles", "creme-brulee-at-versailles"),
    ],
)
def test_slugs(title: str, slug: str) -> None:
    assert slugify(title) == slug


def test_long_titles_are_cut_at_a_word() -> None:
    slug = slugify("Tulip Mania: Did the Dutch Really Lose Their Minds Over Flowers in 1637?")
    assert slug == "tulip-mania-did-the-dutch-really-lose-their-minds-over"
    assert len(slug) <= episodes.SLUG_LIMIT


@given(st.text())
def test_slugs_are_always_safe_file_names(title: str) -> None:
    slug = slugify(title)
    assert slug and len(slug) <= episodes.SLUG_LIMIT
    assert set(slug) <= set("abcdefghijklmnopqrstuvwxyz0123456789-")
    assert not slug.startswith("-") and not slug.endswith("-") and "--" not in slug


def test_numbers_continue_after_the_highest(tmp_path: Path) -> None:
    (tmp_path / "001-first.md").write_text("---\ntitle: First\n---\nText.\n", encoding="utf-8")
    (tmp_path / "007-seventh.md").write_text("not front matter at all", encoding="utf-8")
    (tmp_path / "notes.md").write_text("ignored", encoding="utf-8")
    report = import_sources([FOOTNOTES], tmp_path)
    assert [item.path.name for item in report.written] == [
        "008-owney-the-dog-who-rode-the-mail-trains.md",
        "009-a-comet-in-broad-daylight-january-1910.md",
    ]
    meta, _ = read_episode(report.written[1].path.read_text(encoding="utf-8"))
    assert meta["number"] == 9
    assert meta["source"] == str(FOOTNOTES)


def test_report_lines(tmp_path: Path) -> None:
    report = import_sources([TAY], tmp_path)
    lines = report.lines()
    assert (
        lines[0]
        == f"wrote {tmp_path / '001-the-night-the-tay-bridge-fell.md'}: 5 sections, 3 captions"
    )
    assert lines[1] == (
        '  left out 3 boilerplate paragraphs: "Before we go on: this episode…", '
        '"Thanks for watching…", "See you next time!"'
    )
    assert lines[2].startswith("  guessed 7 headings and captions from plain text")


def test_reimport_skips_and_changes_nothing(tmp_path: Path) -> None:
    import_sources([TAY, FOOTNOTES, EXPORT], tmp_path)
    before = snapshot(tmp_path)
    report = import_sources([TAY, FOOTNOTES, EXPORT], tmp_path)
    assert report.written == ()
    assert len(report.skipped) == 5
    assert snapshot(tmp_path) == before
    assert report.lines()[0] == (
        f'skipped {TAY} "The Night the Tay Bridge Fell": already imported as '
        f"{tmp_path / '001-the-night-the-tay-bridge-fell.md'} (same source); "
        "use --force to replace it"
    )


def test_same_title_from_another_source_is_already_imported(tmp_path: Path) -> None:
    """The blog copy and the WordPress export of the same post give one episode."""
    import_sources([TAY], tmp_path)
    report = import_sources([EXPORT], tmp_path)
    assert [item.title for item in report.written] == ["Owney, the Dog Who Rode the Mail Trains"]
    assert [(item.title, item.reason) for item in report.skipped] == [
        ("The Night the Tay Bridge Fell", "same title")
    ]


def test_link_matches_even_after_a_title_change(tmp_path: Path) -> None:
    source = tmp_path / "site.xml"
    shutil.copy(EXPORT, source)
    import_sources([source], tmp_path / "episodes")
    text = source.read_text(encoding="utf-8")
    source.write_text(
        text.replace("The Night the Tay Bridge Fell", "When the Tay Bridge Fell"), encoding="utf-8"
    )
    report = import_sources([source], tmp_path / "episodes")
    assert {item.reason for item in report.skipped} == {"same link"}
    report = import_sources([source], tmp_path / "episodes", force=True)
    names = sorted(path.name for path in (tmp_path / "episodes").iterdir())
    assert names == [
        "001-when-the-tay-bridge-fell.md",
        "002-owney-the-dog-who-rode-the-mail-trains.md",
    ]
    assert (
        report.written[0].replaced == tmp_path / "episodes" / "001-the-night-the-tay-bridge-fell.md"
    )
    assert "(replaced " in report.lines()[0]


def test_force_replaces_in_place_keeping_numbers(tmp_path: Path) -> None:
    source = tmp_path / "tay.txt"
    shutil.copy(TAY, source)
    import_sources([FOOTNOTES, source], tmp_path / "episodes")
    target = tmp_path / "episodes" / "003-the-night-the-tay-bridge-fell.md"
    source.write_text(
        source.read_text(encoding="utf-8").replace("seven in the evening", "7 p.m."),
        encoding="utf-8",
    )
    report = import_sources([source], tmp_path / "episodes", force=True)
    assert [item.path for item in report.written] == [target]
    assert report.lines()[0].endswith("(replaced the earlier import)")
    assert "7 p.m." in target.read_text(encoding="utf-8")
    assert len(list((tmp_path / "episodes").iterdir())) == 3


def test_an_error_in_any_source_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_text("<?xml version='1.0'?><rss><channel><item>", encoding="utf-8")
    folder = tmp_path / "episodes"
    folder.mkdir()
    (folder / "001-kept.md").write_text("---\ntitle: Kept\n---\nText.\n", encoding="utf-8")
    before = snapshot(folder)
    with pytest.raises(SourceError) as caught:
        import_sources([TAY, FOOTNOTES, bad], folder, force=True)
    assert str(caught.value).startswith(f"{bad}:1: malformed XML")
    assert snapshot(folder) == before


def test_a_failed_write_removes_what_this_import_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []
    real = write_atomic

    def failing(path: Path, data: bytes | str) -> None:
        calls.append(path)
        if len(calls) == 2:
            raise OSError(28, "No space left on device", str(path))
        real(path, data)

    monkeypatch.setattr(episodes, "write_atomic", failing)
    with pytest.raises(ToolkitError, match="No space left on device"):
        import_sources([FOOTNOTES], tmp_path)
    assert snapshot(tmp_path) == {}


def test_same_inputs_same_bytes(tmp_path: Path) -> None:
    sources = [TAY, FOOTNOTES, EXPORT, FIXTURES / "html" / "harrison-page.html"]
    import_sources(sources, tmp_path / "a")
    import_sources(sources, tmp_path / "b")
    assert snapshot(tmp_path / "a") == snapshot(tmp_path / "b")
    assert len(snapshot(tmp_path / "a")) == 6


def test_two_posts_with_one_title_get_distinct_files(tmp_path: Path) -> None:
    text = "Posted on Leave a comment\n\nThe Bell\n\nThe bell rang in 1822 at midnight.\n\n" * 2
    source = tmp_path / "bells.txt"
    source.write_text(text, encoding="utf-8")
    report = import_sources([source], tmp_path / "episodes")
    assert [item.path.name for item in report.written] == ["001-the-bell.md", "002-the-bell-2.md"]


def test_the_same_file_twice_is_read_once(tmp_path: Path) -> None:
    report = import_sources([TAY, TAY], tmp_path)
    assert len(report.written) == 1


@pytest.mark.parametrize(
    ("text", "suffix", "kind"),
    [
        ("Title\n\nText.", ".txt", "blogcopy"),
        ("# Title\n\nText.", ".txt", "markdown"),
        ("---\ntitle: T\n---\nText.", "", "markdown"),
        ("Title\n\nText.", ".md", "markdown"),
        ("<!DOCTYPE html><html></html>", ".txt", "html"),
        ("<?xml version='1.0'?><rss></rss>", ".txt", "wxr"),
        ("<rss version='2.0'></rss>", "", "wxr"),
        ("plain words", ".html", "html"),
        ("<div><p>x</p></div>", ".htm", "html"),
    ],
)
def test_format_by_content_with_extension_as_hint(text: str, suffix: str, kind: str) -> None:
    assert detect_format(text, suffix) == kind


def test_the_toolkit_reads_every_imported_episode_as_imported(tmp_path: Path) -> None:
    """The episode parser the build uses sees the same blocks as the strict reader."""
    from toolkit.text.article import parse_article

    sources = [
        TAY,
        FOOTNOTES,
        EXPORT,
        FIXTURES / "html" / "harrison-page.html",
        FIXTURES / "markdown" / "codwars.md",
        *sorted((Path(__file__).parent / "fixtures" / "blogcopy").glob("*.txt")),
    ]
    report = import_sources(sources, tmp_path)
    assert report.written
    for item in report.written:
        text = item.path.read_text(encoding="utf-8")
        article = parse_article(text, str(item.path))
        meta, blocks = read_episode(text)
        assert [(block.kind, block.text) for block in article.blocks] == blocks
        assert article.title == meta["title"] == item.title
        assert article.number == meta["number"]
        assert article.voice is None
