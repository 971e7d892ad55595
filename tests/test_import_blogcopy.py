"""Blog copy import: headings, captions and boilerplate decided from plain text.

Two corpora: tests/fixtures/blogcopy (an evaluation corpus written apart from the
importer: it is held to an overall accuracy, so a new hard case there shows up as a lower
figure rather than a broken build), and tests/fixtures/import/blogcopy (this importer's
own fixtures in other styles: hard-wrapped lines, no blank lines, captions with full
stops, page chrome and comments, several posts per file; held to every decision).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.test_import_readback import assert_round_trip
from toolkit.errors import SourceError
from toolkit.files import decode_text, read_text
from toolkit.importers.blogcopy import classify, is_separator, parse_blogcopy
from toolkit.importers.boilerplate import is_boilerplate, is_promotion
from toolkit.importers.post import Post

FIXTURES = Path(__file__).parent / "fixtures"
EVALUATION = FIXTURES / "blogcopy"
OWN = FIXTURES / "import" / "blogcopy"


@dataclass
class Score:
    """Decisions checked against the truth of a corpus."""

    right: int = 0
    total: int = 0
    misses: list[str] | None = None

    def add(self, ok: bool, what: str) -> None:
        self.total += 1
        self.right += ok
        if not ok:
            self.misses = [*(self.misses or []), what]


def _cases(folder: Path) -> list[Path]:
    return sorted(path for path in folder.glob("*.json") if path.with_suffix(".txt").exists())


def _score(posts: list[Post], truth: list[dict[str, object]], name: str) -> Score:
    """Every expected heading, caption and boilerplate paragraph, and every extra one."""
    score = Score()
    score.add(len(posts) == len(truth), f"{name}: {len(posts)} posts, expected {len(truth)}")
    for post, expected in zip(posts, truth, strict=False):
        headings = [b.text for b in post.blocks if b.kind == "heading"]
        captions = [b.text for b in post.blocks if b.kind == "caption"]
        left = [item.text for item in post.left_out if item.kind == "boilerplate"]
        want_headings = list(expected["headings"])  # type: ignore[call-overload]
        want_captions = list(expected["captions"])  # type: ignore[call-overload]
        want_left = list(expected["boilerplate"])  # type: ignore[call-overload]
        for text in want_headings:
            score.add(text in headings, f"{name}: heading {text!r} missed")
        for text in want_captions:
            score.add(text in captions, f"{name}: caption {text!r} missed")
        for prefix in want_left:
            score.add(
                any(item.startswith(prefix) for item in left),
                f"{name}: boilerplate {prefix!r} kept",
            )
        extras = [h for h in headings if h not in want_headings]
        extras += [c for c in captions if c not in want_captions]
        extras += [t for t in left if not any(t.startswith(p) for p in want_left)]
        for text in extras:
            score.add(
                False, f"{name}: {text[:50]!r} wrongly taken for a heading, caption or boilerplate"
            )
    return score


def _parse(txt: Path) -> list[Post]:
    return parse_blogcopy(read_text(txt), str(txt))


def test_evaluation_corpus_accuracy() -> None:
    """The figure reported for the evaluation corpus: at least 95% of decisions right."""
    cases = _cases(EVALUATION)
    if not cases:
        pytest.skip("the evaluation corpus is not there")
    score = Score()
    for case in cases:
        truth = json.loads(case.read_text(encoding="utf-8"))["posts"]
        part = _score(_parse(case.with_suffix(".txt")), truth, case.stem)
        score.right += part.right
        score.total += part.total
        score.misses = [*(score.misses or []), *(part.misses or [])]
    accuracy = score.right / score.total
    assert accuracy >= 0.95, f"{accuracy:.1%} of {score.total}: {score.misses}"


@pytest.mark.parametrize("case", _cases(EVALUATION) + _cases(OWN), ids=lambda path: path.stem)
def test_titles_and_first_sentences(case: Path) -> None:
    truth = json.loads(case.read_text(encoding="utf-8"))["posts"]
    posts = _parse(case.with_suffix(".txt"))
    assert [post.title for post in posts] == [post["title"] for post in truth]
    for post, expected in zip(posts, truth, strict=True):
        first = next(block for block in post.blocks if block.kind == "paragraph")
        assert first.text.startswith(expected["first_sentence"])
        assert_round_trip(post)


@pytest.mark.parametrize("case", _cases(OWN), ids=lambda path: path.stem)
def test_own_fixtures_every_decision(case: Path) -> None:
    truth = json.loads(case.read_text(encoding="utf-8"))["posts"]
    posts = _parse(case.with_suffix(".txt"))
    score = _score(posts, truth, case.stem)
    assert not score.misses
    for post, expected in zip(posts, truth, strict=True):
        narrated = " ".join(b.text for b in post.blocks)
        for chrome in expected.get("chrome", []):
            assert chrome not in narrated
            assert any(chrome in item.text for item in post.left_out)


def test_every_guess_carries_a_note_and_paragraphs_none() -> None:
    (post,) = _parse(OWN / "taybridge.txt")
    for block in post.blocks:
        if block.kind == "paragraph":
            assert block.note == ""
        else:
            assert block.note.startswith(f"guessed {block.kind}")
    text = assert_round_trip(post)
    assert "<!-- import: guessed caption: a person's name (Sir Thomas Bouch)" in text
    assert "<!-- import: left out as channel boilerplate" in text


@pytest.mark.parametrize(
    "line",
    [
        "Posted on Leave a comment",
        "Posted on 3 March 2024 by footnotesfieldwork Leave a comment",
        "Posted on March 3, 2024 4 Comments",
        "Posted on 12/01/2023",
    ],
)
def test_separator_lines(line: str) -> None:
    assert is_separator(line)


@pytest.mark.parametrize(
    "line",
    ["Posted on the church door was a list of names.", "Leave a comment", "Posted"],
)
def test_sentences_are_not_separators(line: str) -> None:
    assert not is_separator(line)


def test_one_post_per_file_without_separator() -> None:
    text = "The Bell\n\nThe bell rang at midnight in 1822, and it woke the town.\n"
    (post,) = parse_blogcopy(text, "bell.txt")
    assert post.title == "The Bell"
    assert post.where == "bell.txt"


def test_crlf_and_bom_copy_reads_the_same() -> None:
    raw = (OWN / "harrison.txt").read_bytes()
    windows = b"\xef\xbb\xbf" + raw.replace(b"\n", b"\r\n")
    assert parse_blogcopy(decode_text(windows, "x.txt"), "x.txt") == parse_blogcopy(
        decode_text(raw, "x.txt"), "x.txt"
    )


def test_first_line_paragraph_is_no_title() -> None:
    text = (
        "In 1822 the bell rang at midnight and woke the whole town, which had never heard it "
        "ring at night before. Nobody ever found out who rang it, and the rope was cut.\n"
    )
    with pytest.raises(SourceError) as caught:
        parse_blogcopy(text, "bell.txt")
    message = str(caught.value)
    assert message.startswith("bell.txt:1: ")
    assert "title" in message and "\n" not in message


def test_title_without_text_is_refused() -> None:
    with pytest.raises(SourceError, match="title but no text"):
        parse_blogcopy("Posted on Leave a comment\n\nThe Bell\n", "bell.txt")


def test_hard_wrapped_paragraphs_are_joined() -> None:
    (post,) = _parse(OWN / "harrison.txt")
    first = post.blocks[0].text
    assert first.startswith(
        "In the autumn of 1707 four British warships ran onto the rocks of the Scilly"
    )
    assert first.endswith("could prove otherwise.")


def test_a_short_narrative_sentence_stays_narrated() -> None:
    text = (
        "The Bell\n\nThe bell rang at midnight in 1822, and the whole town woke at once.\n\n"
        "It made things worse.\n\nThe rope was cut the next morning, and the bell never rang "
        "again, though people swore they heard it on stormy nights for years.\n"
    )
    (post,) = parse_blogcopy(text, "bell.txt")
    assert [block.kind for block in post.blocks] == ["paragraph"] * 3


@pytest.mark.parametrize(
    "text",
    [
        "Thanks for watching! If you enjoyed this story, please subscribe.",
        "See you next time!",
        "This channel runs on the support of our patrons on Patreon.",
        "Our merch store is open: mugs, posters and T-shirts.",
        "Thank you so much for reading.",
        "If you'd like to help us keep the lights on, membership starts at two dollars a month.",
        "Take care!",
    ],
)
def test_boilerplate_paragraphs(text: str) -> None:
    assert is_boilerplate(text)


@pytest.mark.parametrize(
    "text",
    [
        "Thanks to the fog, the ship slipped past the blockade in 1813 unseen.",
        "He thanked the crew and went below, where the captain was waiting with the log.",
        "The shop on the corner sold bread to the garrison throughout the siege of 1871.",
        "Members of the crew were given a medal by the king.",
        "Today the lighthouse is a museum with a small shop, and visitors can climb the steps.",
        "The theatre's wealthy patrons never returned.",
        "The bridge was paid for by public subscription.",
        "If you visit Lisbon today, we think you will find the Baixa much as Pombal left it.",
        "Take care of the children, she wrote.",
        "Members of the guild paid a membership fee.",
    ],
)
def test_narrative_that_mentions_thanks_or_shops_stays(text: str) -> None:
    assert not is_boilerplate(text)
    assert not is_promotion(text)


def test_boilerplate_only_at_the_end_or_when_purely_promotional() -> None:
    text = (
        "The Bell\n\nThanks for reading this far: the story gets stranger. The bell rang at "
        "midnight in 1822, and nobody in the town ever owned up to it.\n\n"
        "Please subscribe and support us on Patreon.\n\n"
        "The rope was found cut the next morning, and the bell never rang again.\n\n"
        "Thanks for watching!\n"
    )
    (post,) = parse_blogcopy(text, "bell.txt")
    assert [block.text[:14] for block in post.blocks] == ["Thanks for rea", "The rope was f"]
    assert [item.text for item in post.left_out] == [
        "Please subscribe and support us on Patreon.",
        "Thanks for watching!",
    ]


STORY = (
    "The bell rang at midnight in 1822, and the whole town woke at once to hear it. Nobody "
    "ever owned up to ringing it, and the rope was found cut the next morning."
)


def test_title_above_the_posted_on_line() -> None:
    text = (
        "Coast Stories\n\nThe Bell\n\nPosted on 3 May 2024 by Anna Leave a comment\n\n"
        f"{STORY}\n\nThe Fog?\n\nPosted on 10 May 2024 by Anna Leave a comment\n\n{STORY}\n"
    )
    posts = parse_blogcopy(text, "copy.txt")
    assert [post.title for post in posts] == ["The Bell", "The Fog?"]
    assert [post.where for post in posts] == ["copy.txt, post 1", "copy.txt, post 2"]
    assert [item.text for item in posts[0].left_out] == ["Coast Stories"]


def test_post_before_the_first_posted_on_line() -> None:
    """Themes that print the date line under the post: the first post comes first."""
    text = f"The Bell\n\n{STORY}\n\nPosted on Leave a comment\n\nThe Fog\n\n{STORY}\n"
    assert [post.title for post in parse_blogcopy(text, "copy.txt")] == ["The Bell", "The Fog"]


PARAGRAPH = (
    "The river rose through the night and the keepers of the lock worked until dawn, when "
    "Captain Hale arrived from Dunmore with forty men, and the water finally began to fall."
)


def _kinds(*lines: str) -> list[tuple[str, str]]:
    """The decisions for short lines placed between copies of one paragraph."""
    texts: list[str] = [PARAGRAPH]
    for line in lines:
        texts += [line, PARAGRAPH]
    blocks = classify(texts, [text != PARAGRAPH for text in texts])
    return [(block.kind, block.text) for block in blocks if block.kind != "paragraph"]


def test_a_date_alone_is_a_step_in_a_timeline() -> None:
    assert _kinds("Monday, 21 August 1911", "14 April 1912") == [
        ("heading", "Monday, 21 August 1911"),
        ("heading", "14 April 1912"),
    ]


def test_a_person_is_a_portrait_a_place_is_a_topic() -> None:
    assert _kinds("Captain Edward Hale", "Monte Cassino", "From Dunmore to the Sea") == [
        ("caption", "Captain Edward Hale"),
        ("heading", "Monte Cassino"),
        ("heading", "From Dunmore to the Sea"),
    ]


def test_sentence_case_among_title_case_headings_is_a_caption() -> None:
    assert _kinds(
        "The Night of the Flood",
        "Keepers and Their Locks",
        "Why the Water Fell",
        "The lock gates at Dunmore after the flood",
        "What Came After",
    ) == [
        ("heading", "The Night of the Flood"),
        ("heading", "Keepers and Their Locks"),
        ("heading", "Why the Water Fell"),
        ("caption", "The lock gates at Dunmore after the flood"),
        ("heading", "What Came After"),
    ]


def test_two_short_lines_never_make_two_headings_in_a_row() -> None:
    texts = [PARAGRAPH, "The Storm", "Early Years", PARAGRAPH]
    kinds = [block.kind for block in classify(texts, [False, True, True, False])]
    assert kinds.count("heading") == 1
