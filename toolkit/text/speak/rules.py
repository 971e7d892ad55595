"""The dispatch: one printed core -> its spoken words, without context.

say_core(core) -> (spoken, guessed) tries, in order: abbreviations, plain words and
capitals (words.py), the numeric rules (NUMERIC_RULES, from numbers, dates, money and codes),
then words joined by symbols part by part, and a fallback that reads digits one by one and
drops symbols nobody says (`guessed` is then True, for `toolkit lint`). The rules that read a
core part by part live here because they call say_core again: ranges (1941-45), number
compounds (21-year-old), hyphenated words, web addresses and joined words (R&D, he/she).
Cached; never raises.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

from toolkit.text.speak.codes import say_code
from toolkit.text.speak.dates import ERAS, say_iso_date, say_numeric_date, say_time
from toolkit.text.speak.marks import DASHES, PAUSES, QUOTES
from toolkit.text.speak.money import UNITS, say_degrees, say_money, say_percent, say_unit_number
from toolkit.text.speak.numbers import (
    DECADE_RE,
    NUM,
    PLAIN_INT_RE,
    VULGAR_CHARS,
    digit_by_digit,
    fraction_name,
    has_numeric,
    is_year,
    numeric_char_words,
    say_decade,
    say_dimensions,
    say_number,
    say_ordinal,
    say_plural_number,
    say_ratio,
    say_signed,
    say_slashed_numbers,
    say_vulgar_fraction,
    vulgar_value,
    year_suffix,
)
from toolkit.text.speak.words import (
    ABBREVIATIONS,
    CAPS_RE,
    POSSESSIVE_RE,
    fix_numerals,
    is_plain,
    say_abbreviation,
    say_acronym,
    say_plain,
    spell,
)

_RANGE_PART = r"(?:[$€£¥₽₹]?\d(?:[\d.,:]*\d)?(?:st|nd|rd|th|['’]?s|%)?)"

_RANGE_RE = re.compile(rf"({_RANGE_PART})[-–—]({_RANGE_PART})")


def _say_range(core: str) -> str | None:
    """1941-2016 -> nineteen forty-one to twenty sixteen; 1941–45 -> nineteen forty-one to
    forty-five (a short second year is read as written); 20–30% -> twenty to thirty percent."""
    m = _RANGE_RE.fullmatch(core)
    if m is None:
        return None
    first, second = m.group(1), m.group(2)
    left = say_core(first)[0]
    if is_year(first) and len(second) == 2 and second.isdigit():
        right = year_suffix(second)
    else:
        right = say_core(second)[0]
    return f"{left} to {right}"


_NUMBER_FIRST_RE = re.compile(
    rf"({NUM}(?:st|nd|rd|th|['’]?s)?|\d*[{VULGAR_CHARS}])-([a-z][^\W\d_]*(?:-[^\W\d_]+)*)"
)

_WORD_FIRST_RE = re.compile(r"([a-z][^\W\d_]*)-(.*\d.*)")


def _say_number_compound(core: str) -> str | None:
    """A number joined to words keeps the hyphen: 21-year-old -> twenty-one-year-old,
    20th-century -> twentieth-century, mid-1960s -> mid-nineteen sixties, 3½-inch -> three
    and a half-inch, ½-mile -> half-mile."""
    m = _NUMBER_FIRST_RE.fullmatch(core)
    if m:
        number = m.group(1)
        lone = vulgar_value(number) if number in VULGAR_CHARS else None
        left = fraction_name(lone.denominator) if lone and lone.numerator == 1 else None
        return f"{left or say_core(number)[0]}-{_say_hyphenated(m.group(2))}"
    m = _WORD_FIRST_RE.fullmatch(core)
    if m and is_plain(m.group(1)):
        right = say_core(m.group(2))[0]
        return f"{_say_hyphenated(m.group(1))}-{right}" if right else None
    return None


def _say_hyphenated(words: str) -> str:
    """Each part of a hyphenated word as it would be said alone (CIA-led -> C I A-led)."""
    return "-".join(say_core(part)[0] for part in words.split("-"))


_WEB_RE = re.compile(
    r"(?P<scheme>https?://)?(?P<host>(?:[A-Za-z0-9-]{2,}\.)+[A-Za-z]{2,})(?P<path>/[\w./-]*)?"
)

_KNOWN_TLDS = frozenset("com org net edu gov io co uk de fr info tv me blog".split())

_EMAIL_RE = re.compile(r"(?P<user>[A-Za-z0-9._+-]+)@(?P<host>(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,})")


def _say_web_address(core: str) -> str | None:
    """Outros plug websites: www.example.com -> W W W dot example dot com, and
    patreon.com/x -> patreon dot com slash x, the way a host says an address on air."""
    m = _EMAIL_RE.fullmatch(core)
    if m:
        return f"{_say_dotted_name(m.group('user'))} at {_say_dotted_name(m.group('host'))}"
    m = _WEB_RE.fullmatch(core)
    if m is None:
        return None
    host, path = m.group("host"), (m.group("path") or "").strip("/")
    tld = host.rsplit(".", 1)[-1]
    if not (m.group("scheme") or host.startswith("www.") or path or tld in _KNOWN_TLDS):
        return None  # "end.The": a missing space, not an address
    spoken = _say_dotted_name(host)
    if path:
        spoken += " slash " + " slash ".join(_say_dotted_name(p) for p in path.split("/") if p)
    return spoken


def _say_dotted_name(name: str) -> str:
    parts = [p for p in re.split(r"[._+-]", name) if p]
    said = [spell(p) if p.lower() == "www" else say_core(p)[0] for p in parts]
    return " dot ".join(s for s in said if s)


# The rules tried, in order, on a core that contains a digit.
_NUMERIC_RULES: tuple[Callable[[str], str | None], ...] = (
    say_money,
    say_percent,
    say_time,
    say_ordinal,
    say_decade,
    say_plural_number,
    say_iso_date,
    say_numeric_date,
    say_vulgar_fraction,
    say_slashed_numbers,
    say_ratio,
    say_number,
    say_unit_number,
    say_degrees,
    say_signed,
    say_dimensions,
    _say_range,
    _say_number_compound,
    say_code,
    _say_web_address,
)

_SPLIT_RE = re.compile(r"(\.{2,}|[—―…–‒/&+=@×,;:!?()\[\]{}<>\"“”„«»‹›*_|\\~^])")

_SEPARATOR_WORDS = {"&": "and", "+": "plus", "=": "equals", "@": "at", "×": "by"}

_SILENT_SEPARATORS = frozenset('()[]{}<>"“”„«»‹›*_|\\~^')


def _say_joined(core: str) -> tuple[str, bool] | None:
    """Words joined by symbols are read part by part: jet—a -> "jet, a"; R&D -> "R and D";
    he/she -> "he or she"; T-34/85 -> "T thirty-four eighty-five"; Molotov–Ribbentrop keeps
    a hyphen; brackets and quotes inside a word vanish."""
    pieces = _SPLIT_RE.split(core)
    if len(pieces) == 1:
        return None
    out: list[str] = []
    guessed = False
    glue = ""  # what goes between the previous part and the next one
    for index, piece in enumerate(pieces):
        if index % 2 == 0:  # a part between separators
            if not piece:
                continue
            said, unsure = say_core(piece)
            guessed = guessed or unsure
            if not said:
                continue
            if out:
                # A hyphen never follows a pause mark ("24,–in" is "twenty-four, in").
                out.append(" " if glue == "-" and out[-1][-1] in PAUSES else glue)
            out.append(said)
            glue = " "
            continue
        sep = piece
        if sep in _SEPARATOR_WORDS:
            glue = f" {_SEPARATOR_WORDS[sep]} "
        elif sep == "/":
            following = pieces[index + 1] if index + 1 < len(pieces) else ""
            glue = " " if PLAIN_INT_RE.fullmatch(following) else " or "
        elif sep in "–‒":
            following = pieces[index + 1] if index + 1 < len(pieces) else ""
            previous = pieces[index - 1]
            if previous in ERAS or following in ERAS:
                glue = " to "  # "300 BC–AD 200"
            else:
                glue = " " if has_numeric(previous + following) else "-"
        elif sep in _SILENT_SEPARATORS:
            glue = " " if glue.strip() == "" else glue
        else:  # a pause: , ; : ! ? — … ..
            mark = sep if sep in PAUSES else ","
            following = pieces[index + 1] if index + 1 < len(pieces) else ""
            if mark in ",;:" and has_numeric(pieces[index - 1]) and has_numeric(following):
                guessed = True  # "12:34:56:78", "1,2345": numbers no rule recognised
            if out and out[-1][-1:] not in PAUSES:
                out[-1] += mark
            glue = " "
    return " ".join("".join(out).split()), guessed


_INNER_POINT_RE = re.compile(r"(?<=\d)\.(?=\d)")

_PIECE_RE = re.compile(r"([^\W\d_]+(?:['’][^\W\d_]+)*)|(\d+)|(.)", re.S)

_KNOWN_SILENT = frozenset(QUOTES + "()[]{}<>*_-.'#/\\|" + DASHES + "…")


@lru_cache(maxsize=1)
def _numeric_char_re() -> re.Pattern[str]:
    """Every numeric character beyond ASCII (re has no \\p{N}); built on first use."""
    chars = "".join(re.escape(chr(c)) for c in range(0x80, 0x30000) if chr(c).isnumeric())
    return re.compile(f"([{chars}]+)")


def _say_fallback(core: str) -> tuple[str, bool]:
    """The last resort: letters stay, digits are read one by one, known symbols become words
    and other symbols vanish. Marked as a guess when digits or unknown symbols were involved,
    so `toolkit lint` can point at them."""
    out: list[str] = []
    guessed = False
    # A point between digits is read "point" (version numbers: 1.2.3); elsewhere inside a
    # word it is silent, since "A." would read as an initial or the end of a sentence.
    text = _INNER_POINT_RE.sub(" point ", unicodedata.normalize("NFC", core))
    for m in _PIECE_RE.finditer(text):
        letters, digits, other = m.groups()
        if letters:
            if text.isascii() or not any(ch.isnumeric() for ch in letters):
                out.append(say_core(letters)[0] if is_plain(letters) else letters)
                continue
            # Letters mixed with numeric characters (x², 五月): each run on its own.
            for run in _numeric_char_re().split(letters):
                if run and run.isnumeric():
                    out.extend(numeric_char_words(ch) for ch in run)
                    guessed = True
                elif run:
                    out.append(say_core(run)[0])
        elif digits:
            out.append(digit_by_digit(digits))
            guessed = True
        elif other in _SEPARATOR_WORDS or other in ABBREVIATIONS:
            out.append(_SEPARATOR_WORDS.get(other) or ABBREVIATIONS[other])
        elif other in PAUSES and other != ".":
            if out and out[-1][-1:] not in PAUSES:
                out[-1] += other
        elif other.isnumeric():
            out.append(numeric_char_words(other))
            guessed = True
        elif unicodedata.category(other)[0] == "M" and out and out[-1][-1:].isalpha():
            out[-1] += other  # a combining mark belongs to the letter before it
        elif other in _KNOWN_SILENT or unicodedata.category(other) in ("Cc", "Cf", "Zs"):
            continue
        else:
            guessed = True  # an emoji or a symbol nobody reads aloud: dropped
    words = " ".join(" ".join(out).split())
    return words, guessed


@lru_cache(maxsize=32768)
def say_core(core: str) -> tuple[str, bool]:
    """The spoken words for one core, without context, and whether they are a guess."""
    said, guessed = _say_core_rules(core)
    return fix_numerals(said), guessed


def _say_core_rules(core: str) -> tuple[str, bool]:
    """Abbreviations, then plain words and capitals, then the numeric rules in order, then
    words joined by symbols part by part, and the fallback last."""
    if not core:
        return "", False
    said = ABBREVIATIONS.get(core)
    if said is not None:
        return said, False
    if is_plain(core):
        if "-" in core and any(CAPS_RE.fullmatch(part) for part in core.split("-")):
            return _say_hyphenated(core), False  # CIA-backed, post-WWII
        if CAPS_RE.fullmatch(core):
            # A Roman numeral not after a name is a number ("the XX Bomber Command"); a lone
            # I, V or X never gets here: "I" is the pronoun.
            return say_acronym(core) or core, False
        unit = UNITS.get(core)
        return (unit[1] if unit and len(core) > 1 else say_plain(core)), False
    possessive = POSSESSIVE_RE.fullmatch(core)
    if has_numeric(core):
        for rule in _NUMERIC_RULES:
            said = rule(core)
            if said is not None:
                return said, False
        if possessive and not DECADE_RE.fullmatch(core):
            said, guessed = say_core(possessive.group(1))
            return (said + "'s" if said else ""), guessed
    else:
        said = say_abbreviation(core) or _say_web_address(core)
        if said is not None:
            return said, False
        if possessive:
            said, guessed = say_core(possessive.group(1))
            return (said + "'s" if said else ""), guessed
    joined = _say_joined(core)
    if joined is not None:
        return joined
    return _say_fallback(core)
