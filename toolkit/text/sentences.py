"""Split narrated paragraphs into sentences.

A sentence ends at ".", "!", "?" or an ellipsis, possibly followed by closing quotes or
brackets, then white space and something that can start a sentence. Each exception below
is a small named rule with its reason, because a wrong split puts half a sentence on a
subtitle and a pause in the middle of the narration.
"""

from __future__ import annotations

import re

# Abbreviations that are followed by more of the same sentence ("Dr. Morrow", "St. Kilda").
TITLES = frozenset(
    "mr mrs ms dr prof st mt ft gen col lt capt sgt cpl adm cmdr gov sen rep rev fr sr jr "
    "no nos vol vols pp fig figs ch art sec approx ca cf vs etc e.g i.e jan feb mar apr jun jul "
    "aug sep sept oct nov dec mon tue wed thu fri sat sun inc ltd co corp bros dept est".split()
)

# Words that, after an abbreviation ending in a period, show that a new sentence begins
# ("He moved to the U.S. The next year ..."). Everything else continues the sentence.
STARTERS = frozenset(
    "The A An He She It They We I You In On At But And This That These Those There His Her "
    "Its Their Our When After Before By For As Then So Yet Still Soon Later Meanwhile Today "
    "Nobody No None Some Most Many Few One Two Three What Why How Who Where Even Only".split()
)

# Short abbreviations that stand before a number in history writing: "c. 1450" (circa),
# "p. 23" (page), "b. 1920" (born), "d. 1980" (died), "r. 1509-1547" (reigned), "fl. 1200"
# (flourished). Followed by a digit they continue the sentence; elsewhere "c." may end one.
BEFORE_NUMBERS = frozenset("c p b d r fl".split())

# ".", "!" or "?" (one or more) or an ellipsis, then closing quotes or brackets, then white
# space; the lookahead captures the opening quotes or brackets and the word after it.
# Written to start with one character class, which lets the regex engine skip quickly to
# the candidates: (?:[.!?]+|…) would be tried at every position.
_END = re.compile(r"[.!?…](?:(?<=…)|(?<=[.!?])[.!?]*)[\"'”’)\]]*(?=\s+([\"'“‘(\[]*)(\S+))")


def _word_before(text: str, end: int) -> str:
    """The word that carries the final punctuation, without leading brackets or quotes."""
    start = text.rfind(" ", 0, end) + 1
    return text[start:end].lstrip("\"'“‘([")


def _is_initial(word: str) -> bool:
    """A single capital letter and a period: "J. W. Bazalgette" is one sentence."""
    return len(word) == 2 and word[0].isupper() and word[1] == "."


def _is_dotted_acronym(word: str) -> bool:
    """U.S., U.K., a.m., e.g.: letters separated by periods."""
    core = word.rstrip(".")
    return "." in core and all(len(p) == 1 and p.isalpha() for p in core.split("."))


def _can_start(next_word: str, opener: str) -> bool:
    """A sentence starts with a capital, a digit or an opening quote or bracket."""
    first = next_word[0]
    return first.isupper() or first.isdigit() or bool(opener)


def split_sentences(paragraph: str) -> tuple[str, ...]:
    """Split one paragraph of plain text; white space inside sentences is normalised."""
    text = " ".join(paragraph.split())
    if not text:
        return ()
    sentences: list[str] = []
    start = 0
    for match in _END.finditer(text):
        opener, next_word = match.groups()
        if not _can_start(next_word, opener):
            continue
        end = match.end()
        punct = match.group(0)
        if punct[0] == "." and (len(punct) == 1 or len(punct.rstrip("\"'”’)]")) == 1):
            word = _word_before(text, match.start() + 1)
            bare = word[:-1].lower()
            if _is_initial(word):
                continue
            if bare in TITLES and not (bare == "etc" and next_word in STARTERS):
                continue
            if bare in BEFORE_NUMBERS and next_word[0].isdigit() and not opener:
                continue
            if _is_dotted_acronym(word) and next_word.strip("\"'“‘") not in STARTERS:
                continue
        sentences.append(text[start:end].strip())
        start = end
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return tuple(s for s in sentences if s)
