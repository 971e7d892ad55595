"""Speakable text: the words the engine says, linked token by token to the printed words.

Interface (stable; other stages rely on it):
- Token(display, spoken): `display` is one or more printed words exactly as in the article
  (joined by single spaces), `spoken` what the engine says for them ("" for nothing).
- speak_sentence(text, lexicon) -> tuple[Token, ...] with
  " ".join(t.display for t in tokens) == " ".join(text.split()).
Cue splitting breaks only between tokens, so a cue's spoken text is always exact.

A script is written to be read and a narration to be heard: "In 1962, 21-year-old" must
reach the engine as "In nineteen sixty-two, twenty-one-year-old", while the subtitles keep
the printed form. Every engine gets some of these wrong on its own (espeak reads "40.000" as
forty point zero zero zero), so the spoken text holds plain words only: no digits, and no
symbol a narrator would not say. Commas, colons, semicolons and a final period, question or
exclamation mark stay because they shape the engine's pauses and intonation.

How it works. The sentence is split at whitespace into printed words (sentence.py). Each
word is cut into leading marks, a core and trailing marks (marks.py); the core goes through
small named rules, one module per kind of thing a narrator reads differently, dispatched in
order by rules.py:
  numbers.py   cardinals, ordinals, years, decimals, fractions (1962, 24th, 3.5, 2¾, 3/4)
  dates.py     dates and clock times (1941-12-07, 4:30, 10:01 a.m.)
  money.py     money and measures ($5, £3.50, 50%, 5km, -40°C)
  codes.py     designations (MiG-25, B-52s, F-104, U-2)
  words.py     abbreviations, acronyms, capitals, Roman numerals after names
A few rules look at the neighbouring words and group them into one token when they are
spoken as one unit ("November 24, 1941", "3 PM", "Louis XIV", "$2 million"), so a subtitle
never splits them (grouping.py). The result of most words depends on the word alone and is
memoised per lexicon (tokens.py), which keeps ordinary prose fast.

Guarantees (checked by property tests): the spoken text never contains a digit, speaking the
spoken text again gives the same spoken text, the display text is untouched, and no input
makes it raise.
"""

from toolkit.text.speak.marks import word_core
from toolkit.text.speak.sentence import (
    count_spoken_words,
    find_unspeakable,
    speak_checked,
    speak_sentence,
    spoken_text,
)
from toolkit.text.speak.tokens import EMPTY_LEXICON, Lexicon, Token

__all__ = [
    "EMPTY_LEXICON",
    "Lexicon",
    "Token",
    "count_spoken_words",
    "find_unspeakable",
    "speak_checked",
    "speak_sentence",
    "spoken_text",
    "word_core",
]
