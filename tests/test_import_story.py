"""Headings and captions told apart by the story around them (blog copy without markup).

A heading opens a new part of the story; a caption shows a picture of what was just said
and the story goes on after it. Fixtures are written for these tests: posts with no
headings at all whose short lines are captions, two-name captions, a possessive naming an
object, and the opposite cases (names as headings over a new part about that person).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from toolkit.importers.blogcopy import parse_blogcopy
from toolkit.importers.post import Post
from toolkit.importers.story import introduces, is_name_line, owners, story_evidence


def _known(*names: str) -> Callable[[str], str]:
    return lambda word: "name" if word in names else "unknown"


NO_HEADINGS = """\
Posted on Leave a comment

The Raft of the Kon-Tiki

In 1947 a Norwegian zoologist set out to prove that people from South America could have
reached Polynesia on a raft. He had nine balsa logs cut in the forests of Ecuador, lashed
together with hemp rope, and named the raft after an Inca sun god. Thor Heyerdahl had never
sailed anything larger than a rowing boat.

Thor Heyerdahl

His crew of five included a radio operator who had served with the resistance in Norway and
a Swedish sociologist who spoke Spanish. They sailed from Callao on 28 April 1947, towed out
of the harbour by a tug, and let the Humboldt Current carry them west.

Kon-Tiki

For a hundred and one days they drifted, fishing, patching the rope and logging whales and
sharks. In August the raft ran onto the reef of Raroia in the Tuamotus. Nobody was hurt, and
the balsa logs, which experts had said would soak through within weeks, were still afloat.

Heyerdahl's Logbook

He wrote it all down in a small waterproofed book that is now in the museum in Oslo, beside
the raft itself.
"""

WITH_HEADINGS = """\
Posted on Leave a comment

A Bridge Built Twice

When the first bridge over the gorge at Kinzua was finished in 1882 it was the highest
railway viaduct in the world. Octave Chanute designed it in iron, and Adolphus Bonzano
supervised the work. Trains crossed at walking pace because of the wind.

Chanute and Bonzano

The iron was too light for the heavier engines that came later, and in 1900 the whole
structure was taken down and rebuilt in steel on the same foundations, in just over four
months.

A Tornado in 2003

On 21 July 2003 a tornado struck the viaduct from the side and knocked down eleven of its
towers. The rebuilt steel had rusted at the bolts, and the towers broke at their bases.

The viaduct after the storm

The Park Today

What is left is now a walkway that ends in mid-air, with glass panels in the floor.
"""


def _parse(text: str) -> Post:
    [post] = parse_blogcopy(text, "copy.txt")
    return post


def _kinds(post: Post) -> dict[str, tuple[str, str]]:
    return {b.text: (b.kind, b.note) for b in post.blocks if b.kind != "paragraph"}


def test_a_post_without_headings_gets_captions_only_with_reasons() -> None:
    kinds = _kinds(_parse(NO_HEADINGS))
    assert {text: kind for text, (kind, _) in kinds.items()} == {
        "Thor Heyerdahl": "caption",
        "Kon-Tiki": "caption",
        "Heyerdahl's Logbook": "caption",
    }
    assert "no line that reads as a heading" in kinds["Kon-Tiki"][1]


def test_two_names_and_a_possession_between_continuing_paragraphs_are_captions() -> None:
    kinds = _kinds(_parse(WITH_HEADINGS))
    assert kinds["Chanute and Bonzano"][0] == "caption"
    assert "two names from the paragraphs around it" in kinds["Chanute and Bonzano"][1]
    assert kinds["A Tornado in 2003"][0] == "heading"
    assert kinds["The Park Today"][0] == "heading"
    assert kinds["The viaduct after the storm"][0] == "caption"


def test_a_name_over_a_new_part_about_that_person_stays_a_heading() -> None:
    text = NO_HEADINGS.replace(
        "Heyerdahl's Logbook\n\nHe wrote it all down",
        "Knut Haugland\n\nKnut Haugland, the radio operator, kept the set dry.\nHe wrote it down",
    )
    kinds = _kinds(_parse(text))
    assert kinds["Knut Haugland"][0] == "heading"
    assert "opens a new part about Knut Haugland" in kinds["Knut Haugland"][1]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("I-58", True),
        ("USS Indianapolis", True),
        ("Lubang Island", True),
        ("Garbo's Iron Cross", True),
        ("Taking the Foxbat Apart", False),
        ("Inventing Major Martin", False),
        ("What Became of Balto", False),
        ("The raft at sea", False),
        ("A Mountain on Sumbawa", False),
        ("Ben Abruzzo, Maxie Anderson and Larry Newman", True),
        ("Charles B. McVay III", True),
    ],
)
def test_lines_that_only_name_someone_or_something(line: str, expected: bool) -> None:
    names = _known(
        "Garbo",
        "Lubang",
        "Indianapolis",
        "Foxbat",
        "Major",
        "Martin",
        "Balto",
        "Sumbawa",
        "Abruzzo",
        "Anderson",
        "Newman",
        "McVay",
    )
    assert is_name_line(line, names) is expected


def test_owners_of_a_possession() -> None:
    assert owners("Major Martin's Identity Card") == 2
    assert owners("Garbo's Iron Cross") == 1
    assert owners("Pujol and Harris") == 0


def test_story_evidence_reads_the_paragraphs_around() -> None:
    known = _known("Garbo", "Pujol", "Harris")
    possession = story_evidence(
        "Garbo's Iron Cross",
        "They awarded him the Iron Cross by radio.",
        "The British...",
        "",
        known,
    )
    assert possession[0][0] < 0 and "iron cross" in possession[0][1]
    assert story_evidence("Pujol and Harris", "Pujol sailed.", "Harris met him.", "", known)
    assert introduces("Joan Clarke", "Three women.", "A mathematician, Joan Clarke came.")
    assert not introduces("Joan Clarke", "Joan Clarke came.", "Joan Clarke stayed.")
