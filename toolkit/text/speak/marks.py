"""Cutting a printed word into leading marks, a core and trailing marks.

cut_word(word) -> Word(lead, core, trail, pause, pause_before, context): quotes, brackets
and punctuation are split off (the period of a known abbreviation stays with the core), the
trailing marks reduce to the one pause worth passing to the engine, and `context` says
whether the core's reading depends on its neighbours (then it is never memoised).
word_core is the public form, used by the lexicon and lint.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from toolkit.text.speak.money import CURRENCIES, UNITS
from toolkit.text.speak.numbers import has_numeric
from toolkit.text.speak.words import ABBREVIATIONS, CAPS_RE, DOTTED_RE, ROMAN_RE

# Words whose reading depends on their neighbours; never memoised per word.
CONTEXT_WORDS = frozenset(
    {"St.", "St", "Dr.", "Dr", "No.", "no.", "Nos.", "c.", "ca."} | set(UNITS) | set(CURRENCIES)
)

QUOTES = "\"'“”‘’„‚«»‹›`´"

DASHES = "—–―‒"

_LEAD_MARKS = QUOTES + "()[]{}<>*_¡¿•·" + DASHES + "…"

_TRAIL_MARKS = QUOTES + "()[]{}<>*_" + DASHES + "…,.;:!?-"

_WORD_RE = re.compile(
    "([" + re.escape(_LEAD_MARKS) + "]*)(.*?)([" + re.escape(_TRAIL_MARKS) + "]*)", re.S
)

# "(!)", "(?)", "(sic)" and footnote marks ("[1]", "[citation needed]", copied from wikis)
# are for the reader; a narrator skips them.
_ASIDE_RE = re.compile(
    r"[(\[](?:[!?]+|(?i:sic))[)\]]|\[(?:\d+|[a-z]|(?i:citation needed|note \d+))\]"
)

# Cores that take their trailing period with them ("Dr." is not the end of a sentence).
_DOT_TAKERS = frozenset({"No", "no", "Nos", "c", "ca", "St", "Dr"})

PAUSES = ",.;:!?"


def _pause_of(marks: str) -> str:
    """The one punctuation mark worth passing to the engine for a run of trailing marks.

    Quotes and brackets are dropped; an ellipsis or a dash becomes a comma (a pause, which the
    last word of a sentence turns into a period); "?!" keeps the strongest mark.
    """
    if not marks:
        return ""
    if "?" in marks:
        return "?"
    if "!" in marks:
        return "!"
    if "…" in marks or ".." in marks:
        return ","
    for mark in ".;:,":
        if mark in marks:
            return mark
    if any(dash in marks for dash in DASHES):
        return ","
    return ""


class Word(NamedTuple):
    lead: str
    core: str
    trail: str
    pause: str  # punctuation to keep after the spoken core
    pause_before: bool  # a dash or ellipsis opens the word: pause after the previous word
    context: bool  # the reading depends on neighbouring words


@lru_cache(maxsize=65536)
def cut_word(word: str) -> Word:
    """Cut a printed word into marks and core, and decide whether its reading needs context."""
    stripped = _ASIDE_RE.sub("", word) if "(" in word or "[" in word else word
    m = _WORD_RE.fullmatch(stripped)
    lead, core, trail = m.groups() if m else ("", stripped, "")
    if trail.startswith(".") and not trail.startswith(".."):
        dotted = core + "."
        if dotted in ABBREVIATIONS or core in _DOT_TAKERS or DOTTED_RE.fullmatch(dotted):
            core, trail = dotted, trail[1:]
    pause = _pause_of(trail)
    pause_before = any(mark in lead for mark in DASHES + "…")
    base = core[:-2] if core.endswith(("'s", "’s")) else core
    context = (
        not core
        or pause_before
        or core in CONTEXT_WORDS
        or has_numeric(core)
        or CAPS_RE.fullmatch(core) is not None
        or ROMAN_RE.fullmatch(base) is not None
        or (len(core) == 1 and pause == ".")
        or ("[" in lead and core.lower() == "citation")
    )
    return Word(lead, core, trail, pause, pause_before, context)


def word_core(word: str) -> str:
    """The part of a printed word that rules and the lexicon match: "(Belenko’s," -> "Belenko’s".

    Quotes, brackets and trailing punctuation are removed; the period of a known abbreviation
    ("Dr.", "U.S.") is kept.
    """
    return cut_word(word).core
