from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from toolkit.text.sentences import split_sentences

CASES = [
    ("One. Two.", ["One.", "Two."]),
    ("Dr. Ada Morrow arrived. She stayed.", ["Dr. Ada Morrow arrived.", "She stayed."]),
    (
        "J. W. Bazalgette built sewers. They still work.",
        ["J. W. Bazalgette built sewers.", "They still work."],
    ),
    ("He sailed to St. Kilda in May.", ["He sailed to St. Kilda in May."]),
    (
        "He moved to the U.S. The next year he left.",
        ["He moved to the U.S.", "The next year he left."],
    ),
    ("The U.S. Navy agreed.", ["The U.S. Navy agreed."]),
    ("It cost $3.50 a day. Nobody paid.", ["It cost $3.50 a day.", "Nobody paid."]),
    ("Version 2.0 shipped? Yes!", ["Version 2.0 shipped?", "Yes!"]),
    ('"Stop!" he said. They stopped.', ['"Stop!" he said.', "They stopped."]),
    ('He said "Enough." Then he left.', ['He said "Enough."', "Then he left."]),
    ("(See the map.) The road bends.", ["(See the map.)", "The road bends."]),
    ("They waited... Then the guns fell silent.", ["They waited...", "Then the guns fell silent."]),
    ("It sank at 3 a.m. on Friday.", ["It sank at 3 a.m. on Friday."]),
    ("Bring tools, e.g. hammers and saws. Go.", ["Bring tools, e.g. hammers and saws.", "Go."]),
    ("See Fig. 3 for details.", ["See Fig. 3 for details."]),
    ("Around c. 1450 printing began.", ["Around c. 1450 printing began."]),
    ("The pyramid (c. 2560 BC) still stands.", ["The pyramid (c. 2560 BC) still stands."]),
    (
        "The letter is quoted on p. 23 of the diary.",
        ["The letter is quoted on p. 23 of the diary."],
    ),
    ("Henry VIII (r. 1509-1547) broke with Rome.", ["Henry VIII (r. 1509-1547) broke with Rome."]),
    (
        "Ada Morrow (b. 1905, d. 1988) kept the lamp.",
        ["Ada Morrow (b. 1905, d. 1988) kept the lamp."],
    ),
    ("Gen. Grant and Lt. Col. Moore met.", ["Gen. Grant and Lt. Col. Moore met."]),
    ("It was 1941. In 1942 it ended.", ["It was 1941.", "In 1942 it ended."]),
    ("no capital after. so it goes on.", ["no capital after. so it goes on."]),
    ("", []),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert list(split_sentences(text)) == expected


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_split_keeps_every_word_in_order(text: str) -> None:
    sentences = split_sentences(text)
    assert " ".join(sentences) == " ".join(text.split())
    assert all(s == s.strip() and s for s in sentences)
