"""Designations: aircraft, ships and weapons named by letters and a number.

say_code reads the letters (spelled, or as a word: MiG, Yak) and then the number as pilots and
historians say it: MiG-25 -> MiG twenty-five, F-104 -> F one oh four, B-52s -> B fifty-twos,
U-2 -> U two, Y2K -> Y two K. MAKER_PREFIXES lists the makers' prefixes written apart from
the type number ("Bf 109"), which grouping.py joins into one token.
"""

from __future__ import annotations

import re

from toolkit.text.speak.numbers import code_number, pluralize
from toolkit.text.speak.words import VOWEL_RE, say_letters, spell

_CODE_RE = re.compile(r"(?=.*\d)(?=.*[A-Za-z])[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*")

_CODE_RUN_RE = re.compile(r"[A-Za-z]+|\d+")

_CODE_UNIT_RE = re.compile(r"[A-Z][a-z]*|[a-z]")

# Letter parts of designations said as words rather than spelled.
_CODE_WORDS = {"MiG": "MiG", "Yak": "Yak", "Mk": "Mark", "No": "number", "Nr": "number"}


def _code_letters(run: str) -> str:
    """The letters of a designation: B -> B, SR -> S R, PPSh -> P P Sh, Su -> S U (Sukhoi,
    Tupolev: a two-letter maker's prefix is spelled), MiG and Yak as words, Apollo as a word."""
    if run in _CODE_WORDS:
        return _CODE_WORDS[run]
    if len(run) >= 3 and run[1:].islower() and VOWEL_RE.search(run):
        return say_letters(run)
    if len(run) == 2 and run[0].isupper() and run[1].islower():
        return spell(run)
    units = _CODE_UNIT_RE.findall(run)
    return " ".join(unit.upper() if len(unit) == 1 else say_letters(unit) for unit in units)


def say_code(core: str) -> str | None:
    """Designations: letters then number words. MiG-25 -> MiG twenty-five, B-59 -> B
    fifty-nine, PPSh-41 -> P P Sh forty-one, SR-71 -> S R seventy-one, F-104 -> F one oh four,
    B-52s -> B fifty-twos, Y2K -> Y two K."""
    if _CODE_RE.fullmatch(core) is None:
        return None
    runs = _CODE_RUN_RE.findall(core)
    out: list[str] = []
    for index, run in enumerate(runs):
        if run.isdigit():
            out.append(code_number(run))
        elif run == "s" and index == len(runs) - 1 and index and runs[index - 1].isdigit():
            out[-1] = pluralize(out[-1])
        else:
            out.append(_code_letters(run))
    return " ".join(out)


# Aircraft makers' prefixes written apart from the type number: "Bf 109", "He 111".
MAKER_PREFIXES = {
    "Bf": "B F",
    "Me": "M E",
    "He": "H E",
    "Ju": "J U",
    "Fw": "F W",
    "Ar": "A R",
    "Hs": "H S",
    "Boeing": "Boeing",
    "Airbus": "Airbus",
    "Tupolev": "Tupolev",
    "Ilyushin": "Ilyushin",
}
