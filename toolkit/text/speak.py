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

How it works. The sentence is split at whitespace into printed words. Each word is cut into
leading marks, a core and trailing marks; the core goes through small named rules, one per
kind of thing a narrator reads differently (years, money, dates, designations...). A few
rules look at the neighbouring words and group them into one token when they are spoken as
one unit ("November 24, 1941", "3 PM", "Louis XIV", "$2 million"), so a subtitle never
splits them. The result of most words depends on the word alone and is memoised, which keeps
ordinary prose fast.

Guarantees (checked by property tests): the spoken text never contains a digit, speaking the
spoken text again gives the same spoken text, the display text is untouched, and no input
makes it raise.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from typing import Any, NamedTuple

from num2words import num2words

__all__ = [
    "EMPTY_LEXICON",
    "Lexicon",
    "Token",
    "count_spoken_words",
    "find_unspeakable",
    "speak_sentence",
    "spoken_text",
    "word_core",
]


@dataclass(frozen=True)
class Token:
    """One or more printed words (`display`) and what the engine says for them (`spoken`)."""

    display: str
    spoken: str


@dataclass(frozen=True)
class Lexicon:
    """Printed word -> how it is said, applied to speech only.

    `words` matches a printed word exactly (case-sensitive); `folded` holds entries that match
    regardless of case, keyed by their case-folded spelling. An exact entry wins over a folded
    one. Treat both mappings as read-only: the hash is computed once, so a lexicon can key a
    cache, and each lexicon memoises the tokens it produced for context-free words.
    """

    words: Mapping[str, str] = field(default_factory=dict)
    folded: Mapping[str, str] = field(default_factory=dict)
    _hash: int = field(default=0, init=False, repr=False, compare=False)
    _tokens: dict[str, Token] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Copies, so a caller mutating its own dict cannot change a lexicon already in use.
        words = dict(self.words)
        folded = {key.casefold(): value for key, value in self.folded.items()}
        object.__setattr__(self, "words", words)
        object.__setattr__(self, "folded", folded)
        object.__setattr__(self, "_hash", _lexicon_hash(words, folded))

    def __hash__(self) -> int:
        return self._hash

    def __getstate__(self) -> dict[str, Any]:
        # The token memo is a cache, not state: leave it out of pickles (for process pools).
        return {"words": self.words, "folded": self.folded}

    def __setstate__(self, state: dict[str, Any]) -> None:
        object.__setattr__(self, "words", dict(state["words"]))
        object.__setattr__(self, "folded", dict(state["folded"]))
        # String hashes differ between processes: recompute rather than unpickle it.
        object.__setattr__(self, "_hash", _lexicon_hash(self.words, self.folded))
        object.__setattr__(self, "_tokens", {})

    def lookup(self, word: str) -> str | None:
        """How `word` is said, or None when the lexicon has no entry for it."""
        said = self.words.get(word)
        if said is None and self.folded:
            said = self.folded.get(word.casefold())
        return said


def _lexicon_hash(words: Mapping[str, str], folded: Mapping[str, str]) -> int:
    return hash((frozenset(words.items()), frozenset(folded.items())))


EMPTY_LEXICON = Lexicon()

# Memoised tokens per lexicon are cleared past this size, so odd input cannot grow memory.
_MEMO_LIMIT = 100_000

# ---------------------------------------------------------------------------------------------
# Number words (num2words, cached: it costs tens of microseconds a call)
# ---------------------------------------------------------------------------------------------

_DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_ASCII_DIGIT_RE = re.compile(r"[0-9]")
_DIGITS_RE = re.compile(r"\d+")
# Beyond this many digits num2words either fails or produces a mouthful; read digit by digit.
_MAX_CARDINAL_DIGITS = 15


def _has_numeric(text: str) -> bool:
    """True if any character is a digit or another numeric character (², ½, Ⅻ, 五)."""
    if text.isascii():
        return _ASCII_DIGIT_RE.search(text) is not None
    return any(ch.isnumeric() for ch in text)


def _tidy(words: str) -> str:
    """num2words writes the British "one hundred and twelve" with commas between groups; a
    narrator reads "one hundred twelve" without pausing inside a number (and the issue asks
    for "two thousand two")."""
    return words.replace(",", "").replace(" and ", " ")


def _digits(digits: str) -> str:
    """Digit by digit: for serial numbers, leading zeros and what no rule understands."""
    return " ".join(_DIGIT_WORDS[unicodedata.digit(ch, 0)] for ch in digits)


@lru_cache(maxsize=8192)
def _cardinal(n: int) -> str:
    if n < 0:
        return "minus " + _cardinal(-n)
    if n >= 10**_MAX_CARDINAL_DIGITS:
        return _digits(str(n))
    return _tidy(num2words(n))


@lru_cache(maxsize=4096)
def _ordinal(n: int) -> str:
    if n >= 10**_MAX_CARDINAL_DIGITS:
        return _digits(str(n))
    return _tidy(num2words(n, to="ordinal"))


@lru_cache(maxsize=4096)
def _year_words(n: int) -> str:
    """Years are read in pairs: 1962 -> nineteen sixty-two, 1905 -> nineteen oh five,
    1900 -> nineteen hundred, 2016 -> twenty sixteen; 2000-2009 -> two thousand two."""
    return _tidy(num2words(n, to="year")).replace("oh-", "oh ")


def _is_year(digits: str) -> bool:
    """A bare four-digit number from 1000 to 2099 is read as a year unless a count noun
    follows it (see _COUNT_NOUNS); a history narration mentions far more years than counts."""
    if len(digits) != 4 or not (digits.isascii() and digits.isdigit()):
        return False
    return 1000 <= int(digits) <= 2099


def _int_words(digits: str) -> str:
    """A whole number: cardinal, except leading zeros and very long runs, read digit by digit."""
    if len(digits) > _MAX_CARDINAL_DIGITS or (len(digits) > 1 and digits[0] == "0"):
        return _digits(digits)
    return _cardinal(int(digits))


def _pluralize(words: str) -> str:
    """sixty -> sixties, hundred -> hundreds, six -> sixes: for decades and "the 1900s"."""
    if words.endswith("y"):
        return words[:-1] + "ies"
    if words.endswith(("x", "s")):
        return words + "es"
    return words + "s"


def _capitalize(words: str) -> str:
    return words[:1].upper() + words[1:]


_THOUSANDS_COMMA_RE = re.compile(r"(\d{1,3}(?:,\d{3})+)(?:\.(\d+))?")
_THOUSANDS_POINT_RE = re.compile(r"([1-9]\d{0,2}(?:\.\d{3})+)(?:,(\d+))?")
_DECIMAL_POINT_RE = re.compile(r"(\d*)\.(\d+)")
_DECIMAL_COMMA_RE = re.compile(r"(\d+),(\d{1,2})")
_PLAIN_INT_RE = re.compile(r"\d+")


def _parse_number(text: str) -> tuple[str, str | None] | None:
    """Split a printed number into (whole digits, decimal digits or None), or None.

    Thousands separators: "1,000" and "40.000" (a point followed by exactly three digits, as
    European texts write thousands). Decimals: "3.5", ".5", and "1,95" (a comma followed by
    one or two digits is a decimal comma). Both together: "1,234.56" and "1.234,56".
    """
    if _PLAIN_INT_RE.fullmatch(text):
        return text, None
    m = _THOUSANDS_COMMA_RE.fullmatch(text)
    if m:
        return m.group(1).replace(",", ""), m.group(2)
    m = _THOUSANDS_POINT_RE.fullmatch(text)
    if m:
        return m.group(1).replace(".", ""), m.group(2)
    m = _DECIMAL_POINT_RE.fullmatch(text) or _DECIMAL_COMMA_RE.fullmatch(text)
    if m:
        return m.group(1), m.group(2)
    return None


def _number_words(text: str) -> str | None:
    """Words for a printed number (see _parse_number), or None if `text` is not one."""
    parsed = _parse_number(text)
    if parsed is None:
        return None
    whole, frac = parsed
    if frac is None:
        return _int_words(whole)
    head = _int_words(whole) + " point " if whole else "point "
    return head + _digits(frac)


def _code_number(digits: str) -> str:
    """Numbers inside designations are read the way pilots and historians say them:
    25 -> twenty-five, 104 -> one oh four, 144 -> one forty-four, 109 -> one oh nine,
    262 -> two sixty-two, 1000 -> one thousand, 07 -> oh seven; longer ones digit by digit."""
    if len(digits) > 4:
        return _digits(digits)
    if digits[0] == "0":
        return " ".join("oh" if ch == "0" else _DIGIT_WORDS[int(ch)] for ch in digits)
    if len(digits) <= 2:
        return _cardinal(int(digits))
    if len(digits) == 3:
        if digits[1:] == "00":
            return _cardinal(int(digits))
        head = _DIGIT_WORDS[int(digits[0])]
        if digits[1] == "0":
            return f"{head} oh {_DIGIT_WORDS[int(digits[2])]}"
        return f"{head} {_cardinal(int(digits[1:]))}"
    if digits[1:] == "000":
        return _cardinal(int(digits))
    head = _cardinal(int(digits[:2]))
    if digits[2:] == "00":
        return f"{head} hundred"
    if digits[2] == "0":
        return f"{head} oh {_DIGIT_WORDS[int(digits[3])]}"
    return f"{head} {_cardinal(int(digits[2:]))}"


_FRACTION_NAMES = {
    2: ("half", "halves"),
    3: ("third", "thirds"),
    4: ("quarter", "quarters"),
    5: ("fifth", "fifths"),
    6: ("sixth", "sixths"),
    7: ("seventh", "sevenths"),
    8: ("eighth", "eighths"),
    9: ("ninth", "ninths"),
    10: ("tenth", "tenths"),
}


def _fraction_words(value: Fraction) -> str:
    """3/4 -> three quarters, 1/2 -> one half, 5/16 -> five sixteenths, -1/2 -> minus one half."""
    if value < 0:
        return "minus " + _fraction_words(-value)
    whole, rest = divmod(value, 1)
    num, den = rest.numerator, rest.denominator
    if num == 0:
        return _cardinal(int(whole))
    if den in _FRACTION_NAMES:
        name = _FRACTION_NAMES[den][num != 1]
    else:
        name = _ordinal(den) + ("s" if num != 1 else "")
    words = f"{_cardinal(num)} {name}"
    return f"{_cardinal(int(whole))} and {words}" if whole else words


def _numeric_char_words(ch: str) -> str:
    """Any other numeric character (², ½, Ⅻ, 五) by its Unicode value."""
    value = unicodedata.numeric(ch, None)
    if value is None:
        return ""
    if value == int(value):
        return _cardinal(int(value))
    return _fraction_words(Fraction(value).limit_denominator(1000))


# ---------------------------------------------------------------------------------------------
# Word tables
# ---------------------------------------------------------------------------------------------

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_MONTH_NAMES = frozenset(_MONTHS)
_MONTH_ABBREVIATIONS = {
    "Jan.": "January",
    "Feb.": "February",
    "Mar.": "March",
    "Apr.": "April",
    "Jun.": "June",
    "Jul.": "July",
    "Aug.": "August",
    "Sep.": "September",
    "Sept.": "September",
    "Sept": "September",
    "Oct.": "October",
    "Nov.": "November",
    "Dec.": "December",
}
# A printed month (name or abbreviation) -> its spoken name, for "6 September" and "6 Sept.".
_MONTH_WORDS = {**{m: m for m in _MONTHS}, **_MONTH_ABBREVIATIONS}

# Abbreviations a narrator expands. Lower-case keys also match with a capital first letter
# (at the start of a sentence): "E.g." -> "For example".
_ABBREVIATIONS: dict[str, str] = {
    "e.g.": "for example",
    "i.e.": "that is",
    "etc.": "et cetera",
    "etc": "et cetera",
    "vs.": "versus",
    "vs": "versus",
    "approx.": "approximately",
    "cf.": "compare",
    "viz.": "namely",
    "aka": "also known as",
    "a.k.a.": "also known as",
    "w/": "with",
    "w/o": "without",
    "c/o": "care of",
    "n/a": "not applicable",
    "and/or": "and or",
    "vol.": "volume",
    "pp.": "pages",
    "ch.": "chapter",
    "fig.": "figure",
    "a.m.": "A M",
    "p.m.": "P M",
    "A.M.": "A M",
    "P.M.": "P M",
    # Read by their neighbours in a sentence (see _speak_context_word); these are the
    # readings when nothing around them tells.
    "St.": "Saint",
    "St": "Saint",
    "Dr.": "Doctor",
    "Dr": "Doctor",
    "Mr.": "Mister",
    "Mr": "Mister",
    "Mrs.": "Missus",
    "Mrs": "Missus",
    "Ms.": "Miz",
    "Prof.": "Professor",
    "Lt.": "Lieutenant",
    "Lt": "Lieutenant",
    "Gen.": "General",
    "Capt.": "Captain",
    "Capt": "Captain",
    "Col.": "Colonel",
    "Maj.": "Major",
    "Sgt.": "Sergeant",
    "Sgt": "Sergeant",
    "Cpl.": "Corporal",
    "Pvt.": "Private",
    "Adm.": "Admiral",
    "Cmdr.": "Commander",
    "Cdr.": "Commander",
    "Gov.": "Governor",
    "Sen.": "Senator",
    "Rep.": "Representative",
    "Rev.": "Reverend",
    "Pres.": "President",
    "Hon.": "Honorable",
    "Jr.": "Junior",
    "Sr.": "Senior",
    "Mt.": "Mount",
    "Ft.": "Fort",
    "Bros.": "Brothers",
    "Co.": "Company",
    "Corp.": "Corporation",
    "Inc.": "Incorporated",
    "Ltd.": "Limited",
    "Dept.": "Department",
    "Ave.": "Avenue",
    "Rd.": "Road",
    "Blvd.": "Boulevard",
    "Ph.D.": "P H D",
    "PhD": "P H D",
    "WWI": "World War One",
    "WWII": "World War Two",
    "WW1": "World War One",
    "WW2": "World War Two",
    "km/h": "kilometers per hour",
    "mph": "miles per hour",
    "kph": "kilometers per hour",
    # Symbols standing alone
    "&": "and",
    "%": "percent",
    "‰": "per mille",
    "+": "plus",
    "=": "equals",
    "@": "at",
    "§": "section",
    "°": "degrees",
    "°C": "degrees Celsius",
    "°F": "degrees Fahrenheit",
    "℃": "degrees Celsius",
    "℉": "degrees Fahrenheit",
    "×": "by",
    "~": "about",
    "$": "dollars",
    "€": "euros",
    "£": "pounds",
    "¥": "yen",
    "₽": "rubles",
    "₹": "rupees",
    "¢": "cents",
    **_MONTH_ABBREVIATIONS,
}
for _key, _value in list(_ABBREVIATIONS.items()):
    if _key[:1].islower():
        _ABBREVIATIONS.setdefault(_key[:1].upper() + _key[1:], _capitalize(_value))

# Acronyms said as words rather than spelled. Written in capitals so engines may spell them;
# the spoken text gives them a capital initial only ("Nato"), which every engine says as a word.
_WORD_ACRONYMS = frozenset(
    """NATO NASA UNESCO UNICEF OPEC NAFTA AWOL SWAT NORAD ASEAN SEATO ANZAC ANZUS UEFA FIFA
    AIDS LASER RADAR SONAR SCUBA COVID TASS SALT START DARPA FEMA OSHA HAMAS ISIS INTERPOL
    SMERSH SPETSNAZ GULAG STASI GESTAPO COMECON COMINTERN CENTCOM NAVSTAR UNITA SWAPO
    FRELIMO ZANU NASCAR CERN WASP OVRA UNRRA SHAEF SACEUR NOAA ECOWAS MERCOSUR""".split()
)
# Acronyms always spelled, including ones with vowels that a rule would say as a word.
_SPELLED_ACRONYMS = frozenset(
    """USSR USA US UK UN EU FBI CIA KGB GRU NKVD MGB OGPU GPU MVD FSB SVR BBC CBS NBC ABC CNN
    RAF RN USN USAF USAAF USMC HMS USS SS SA SD POW MIA KIA GI NCO HQ IRA PLO ANC CCCP SSSR
    RSFSR GDR FRG DDR BRD PRC ROC DPRK ROK UAE IBM TV DNA GDP CEO VIP UFO ICBM SLBM MP PM
    JFK FDR LBJ MLK RFK NYC LA DC NYPD LAPD UCLA MIT BC AD BCE CE AM OSS SOE MI SIS NSA DIA
    ATF DEA IRS EPA NAACP KKK HBO AP UPI SOS LSD TNT IED RPG AK MG APC IFV MBT UAV VC NVA
    ARVN GPS PC CD CDS DVD ID OK MGM RKO IOU AWACS FAQ""".split()
)
# Ordinary words a writer may set in capitals for emphasis ("he did NOT return").
_CAPS_WORDS = frozenset(
    """A AN THE AND OR BUT NOT NOR FOR SO YET OF TO IN ON AT BY IS IT BE AS IF UP WE HE ME MY
    NO DO GO OH HIS HER WAS ARE CAN DID HAD HAS GET GOT LET MAY OUR OUT OWN SAY SEE SHE TOO
    WHO WHY YES YOU ALL WAR ONE TWO TEN NOW NEW OLD BIG END HOW ANY FEW""".split()
)
# Regnal and papal names: the only names after which a lone "I", "V" or "X" is a numeral
# ("Elizabeth I", "Henry V", "Pius X"), since "I" is otherwise the pronoun.
_REGNAL_NAMES = frozenset(
    """Elizabeth Charles James Henry Edward George William Richard Louis Napoleon Peter
    Catherine Nicholas Alexander Francis Frederick Wilhelm Philip Philippe John Paul Pius Leo
    Mary Victoria Ferdinand Leopold Alfonso Carlos Juan Pedro Ivan Boris Gregory Innocent
    Benedict Clement Urban Boniface Sixtus Julius Constantine Otto Rudolf Franz Joseph Karl
    Gustav Gustavus Christian Haakon Olaf Umberto Victor Emmanuel Manuel Selim Suleiman Mehmed
    Murad Ramesses Ramses Thutmose Amenhotep Ptolemy Darius Xerxes Cyrus Artaxerxes Antiochus
    David Robert Duncan Alexios Basil Justinian Theodosius Stephen Matilda Anne Isabella
    Ludwig Maximilian Sigismund Casimir Sancho Jaime Enrique Fernando Felipe Hussein Abdullah
    Faisal Rama Vasily Fyodor Michael Mikhail Alexei Anna Harold Edmund Ethelred Henri Jean
    Johann Friedrich Heinrich Konrad Conrad Hugh Baldwin Bohemond Amalric Hadrian Adrian
    Sergius Felix Lucius Marcus Nero Tiberius""".split()
)
# Words after which a Roman numeral is a cardinal: "World War II" -> "World War Two".
_NUMBERED_THINGS = frozenset(
    """War Part Chapter Volume Vol. Book Act Scene Type Class Mark Mk Apollo Vatican Phase
    Stage Round Series Model Block Article Title Section Bowl Annex Appendix Level Grade
    Corps Army Division Fleet Group Wing""".split()
)
_ROMAN_RE = re.compile(r"(?=[IVX])X{0,3}(?:IX|IV|V?I{0,3})")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10}

# Plural nouns that make a four-digit number a count, not a year: "1500 soldiers".
_COUNT_NOUNS = frozenset(
    """people men women soldiers troops sailors airmen pilots officers prisoners civilians
    workers members children refugees casualties deaths dead killed wounded survivors
    inhabitants residents tons tonnes kilometers kilometres km miles meters metres feet ft
    yards kilograms kg pounds lbs dollars euros francs marks rubles roubles yen pesos
    guilders lire crowns aircraft planes ships tanks guns rifles cannons horses cattle steps
    pages copies books letters words units rounds shells bombs missiles warheads votes acres
    hectares calories vehicles trucks boats submarines sorties""".split()
)

_CURRENCIES: dict[str, tuple[str, str, str | None, str | None]] = {
    "$": ("dollar", "dollars", "cent", "cents"),
    "US$": ("U S dollar", "U S dollars", "cent", "cents"),
    "A$": ("Australian dollar", "Australian dollars", "cent", "cents"),
    "C$": ("Canadian dollar", "Canadian dollars", "cent", "cents"),
    "€": ("euro", "euros", "cent", "cents"),
    "£": ("pound", "pounds", "penny", "pence"),
    "¥": ("yen", "yen", None, None),
    "₽": ("ruble", "rubles", "kopeck", "kopecks"),
    "₹": ("rupee", "rupees", "paisa", "paise"),
    "₩": ("won", "won", None, None),
    "¢": ("cent", "cents", None, None),
}
_SCALES = {
    "k": "thousand",
    "K": "thousand",
    "thousand": "thousand",
    "m": "million",
    "M": "million",
    "mn": "million",
    "million": "million",
    "b": "billion",
    "B": "billion",
    "bn": "billion",
    "billion": "billion",
    "tn": "trillion",
    "trillion": "trillion",
}
_SCALE_WORDS = frozenset({"thousand", "million", "billion", "trillion"})

# Units after a number: (singular, plural).
_UNITS: dict[str, tuple[str, str]] = {
    "km": ("kilometer", "kilometers"),
    "kg": ("kilogram", "kilograms"),
    "cm": ("centimeter", "centimeters"),
    "mm": ("millimeter", "millimeters"),
    "m": ("meter", "meters"),
    "ft": ("foot", "feet"),
    "mi": ("mile", "miles"),
    "lb": ("pound", "pounds"),
    "lbs": ("pound", "pounds"),
    "mph": ("mile per hour", "miles per hour"),
    "kph": ("kilometer per hour", "kilometers per hour"),
    "km/h": ("kilometer per hour", "kilometers per hour"),
    "hp": ("horsepower", "horsepower"),
    "kW": ("kilowatt", "kilowatts"),
    "MW": ("megawatt", "megawatts"),
    "kn": ("knot", "knots"),
    "hr": ("hour", "hours"),
    "hrs": ("hour", "hours"),
    "yrs": ("year", "years"),
    "g": ("gram", "grams"),
}
_AMPM = {
    "AM": "A M",
    "PM": "P M",
    "am": "A M",
    "pm": "P M",
    "a.m.": "A M",
    "p.m.": "P M",
    "A.M.": "A M",
    "P.M.": "P M",
}
# Words whose reading depends on their neighbours; never memoised per word.
_CONTEXT_WORDS = frozenset(
    {"St.", "St", "Dr.", "Dr", "No.", "no.", "Nos.", "c.", "ca."} | set(_UNITS) | set(_CURRENCIES)
)

# ---------------------------------------------------------------------------------------------
# Cutting a printed word into leading marks, core and trailing marks
# ---------------------------------------------------------------------------------------------

_QUOTES = "\"'“”‘’„‚«»‹›`´"
_DASHES = "—–―‒"
_LEAD_MARKS = _QUOTES + "()[]{}<>*_¡¿•·" + _DASHES + "…"
_TRAIL_MARKS = _QUOTES + "()[]{}<>*_" + _DASHES + "…,.;:!?-"
_WORD_RE = re.compile(
    "([" + re.escape(_LEAD_MARKS) + "]*)(.*?)([" + re.escape(_TRAIL_MARKS) + "]*)", re.S
)
# "(!)", "(?)", "(sic)" and footnote marks ("[1]", "[citation needed]", copied from wikis)
# are for the reader; a narrator skips them.
_ASIDE_RE = re.compile(
    r"[(\[](?:[!?]+|(?i:sic))[)\]]|\[(?:\d+|[a-z]|(?i:citation needed|note \d+))\]"
)
_DOTTED_RE = re.compile(r"(?:[A-Za-z]\.){2,}")
# Cores that take their trailing period with them ("Dr." is not the end of a sentence).
_DOT_TAKERS = frozenset({"No", "no", "Nos", "c", "ca", "St", "Dr"})
_PAUSES = ",.;:!?"


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
    if any(dash in marks for dash in _DASHES):
        return ","
    return ""


class _Word(NamedTuple):
    lead: str
    core: str
    trail: str
    pause: str  # punctuation to keep after the spoken core
    pause_before: bool  # a dash or ellipsis opens the word: pause after the previous word
    context: bool  # the reading depends on neighbouring words


_CAPS_RE = re.compile(r"([A-Z]{2,})(s|'s|’s)?")
_POSSESSIVE_RE = re.compile(r"(.+?)(['’]s)")


@lru_cache(maxsize=65536)
def _cut(word: str) -> _Word:
    """Cut a printed word into marks and core, and decide whether its reading needs context."""
    stripped = _ASIDE_RE.sub("", word) if "(" in word or "[" in word else word
    m = _WORD_RE.fullmatch(stripped)
    lead, core, trail = m.groups() if m else ("", stripped, "")
    if trail.startswith(".") and not trail.startswith(".."):
        dotted = core + "."
        if dotted in _ABBREVIATIONS or core in _DOT_TAKERS or _DOTTED_RE.fullmatch(dotted):
            core, trail = dotted, trail[1:]
    pause = _pause_of(trail)
    pause_before = any(mark in lead for mark in _DASHES + "…")
    base = core[:-2] if core.endswith(("'s", "’s")) else core
    context = (
        not core
        or pause_before
        or core in _CONTEXT_WORDS
        or _has_numeric(core)
        or _CAPS_RE.fullmatch(core) is not None
        or _ROMAN_RE.fullmatch(base) is not None
        or (len(core) == 1 and pause == ".")
        or ("[" in lead and core.lower() == "citation")
    )
    return _Word(lead, core, trail, pause, pause_before, context)


def word_core(word: str) -> str:
    """The part of a printed word that rules and the lexicon match: "(Belenko’s," -> "Belenko’s".

    Quotes, brackets and trailing punctuation are removed; the period of a known abbreviation
    ("Dr.", "U.S.") is kept.
    """
    return _cut(word).core


# ---------------------------------------------------------------------------------------------
# Rules for one core, without context. Each returns the spoken words or None.
# ---------------------------------------------------------------------------------------------

_PLAIN_RE = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def _is_plain(core: str) -> bool:
    """Letters with inner apostrophes or hyphens ("don't", "Franco-Prussian"), in any script."""
    if _PLAIN_RE.fullmatch(core):
        return core.isascii() or not any(ch.isnumeric() for ch in core)
    if core.isascii():
        return False
    # Decomposed accents and scripts with combining vowel signs (category M) are letters too.
    if not core[0].isalpha() or any(ch.isnumeric() for ch in core):
        return False
    letters = "".join(ch for ch in core if unicodedata.category(ch)[0] != "M")
    return _PLAIN_RE.fullmatch(letters) is not None


def _say_plain(core: str) -> str:
    """A word is said as written; typographic apostrophes become plain ones for the engine."""
    word = core.replace("’", "'")
    return word if word.isascii() else unicodedata.normalize("NFC", word)


def _spell(letters: str) -> str:
    """USSR -> "U S S R": engines say single capital letters by their names."""
    return " ".join(letters.upper())


def _say_acronym(core: str) -> str | None:
    """Capitals are spelled (FBI -> F B I) unless they are a known word-acronym (NATO, said
    as a word), an ordinary word set in capitals for emphasis (NOT), or a long pronounceable
    word (NEVER). Plurals and possessives keep their ending: POWs -> P O W's."""
    m = _CAPS_RE.fullmatch(core)
    if m is None:
        return None
    base, ending = m.group(1), m.group(2) or ""
    if _ROMAN_RE.fullmatch(base):
        return _cardinal(_roman_value(base)) + ("'s" if ending[:1] in "'’" and ending else "")
    if base in _WORD_ACRONYMS:
        return base.capitalize() + ("s" if ending else "")
    spelled_ending = "'s" if ending else ""
    if base in _SPELLED_ACRONYMS:
        return _spell(base) + spelled_ending
    if set(base) <= {"I", "V", "X"}:
        # Not a valid numeral: never spell I, V or X apart, since a lone "I" after a name
        # would read as a numeral when the spoken text is read again.
        return base.lower() + ("s" if ending else "")
    word_ending = "'s" if ending[:1] in "'’" and ending else ("s" if ending else "")
    if base in _CAPS_WORDS:
        return base.lower() + word_ending
    if len(base) <= 3 or not _VOWEL_RE.search(base):
        return _spell(base) + spelled_ending
    return base.lower() + word_ending


def _say_abbreviation(core: str) -> str | None:
    """Abbreviations a narrator expands: Dr., e.g., etc., Lt., Gen., vs. (see _ABBREVIATIONS);
    dotted initials are spelled: U.S. -> U S, J.F.K. -> J F K."""
    said = _ABBREVIATIONS.get(core)
    if said is not None:
        return said
    if _DOTTED_RE.fullmatch(core):
        return _spell(core.replace(".", ""))
    if len(core) == 2 and core[1] == "." and core[0].isascii() and core[0].isalpha():
        return core[0]  # a middle initial: "John F. Kennedy"
    return None


def _roman_value(numeral: str) -> int:
    total = 0
    for ch, nxt in zip(numeral, numeral[1:] + " ", strict=True):
        value = _ROMAN_VALUES[ch]
        total += -value if nxt in _ROMAN_VALUES and _ROMAN_VALUES[nxt] > value else value
    return total


# A printed number: digits with inner separators, never ending in one ("24," is 24 and a comma).
_NUM = r"\d(?:[\d.,]*\d)?"
_CURRENCY_PATTERN = r"US\$|A\$|C\$|[$€£¥₽₹₩¢]"
_SCALE_PATTERN = r"k|K|m|M|mn|bn|b|B|tn|thousand|million|billion|trillion"
_MONEY_BEFORE_RE = re.compile(
    rf"(?P<cur>{_CURRENCY_PATTERN})(?P<num>{_NUM})(?P<scale>{_SCALE_PATTERN})?"
)
_MONEY_AFTER_RE = re.compile(
    rf"(?P<num>{_NUM})(?P<scale>{_SCALE_PATTERN})?(?P<cur>{_CURRENCY_PATTERN})"
)


def _money_words(currency: str, amount: str, scale: str | None) -> str | None:
    """$5 -> five dollars, £3.50 -> three pounds fifty, $0.25 -> twenty-five cents,
    $2.5m -> two point five million dollars, 1$ -> one dollar."""
    parsed = _parse_number(amount)
    if parsed is None:
        return None
    one, many, minor_one, minor_many = _CURRENCIES[currency]
    whole, frac = parsed
    if scale:
        words = _number_words(amount)
        return f"{words} {_SCALES[scale]} {many}"
    if frac is not None and len(frac) == 2 and minor_one and minor_many and whole.strip("0"):
        main = f"{_int_words(whole)} {one if whole == '1' else many}"
        cents = int(frac)
        return main if cents == 0 else f"{main} {_cardinal(cents)}"
    if frac is not None and len(frac) == 2 and minor_one and minor_many:
        cents = int(frac)
        return f"{_cardinal(cents)} {minor_one if cents == 1 else minor_many}"
    if frac is not None:
        return f"{_number_words(amount)} {many}"
    return f"{_int_words(whole)} {one if whole == '1' else many}"


def _say_money(core: str) -> str | None:
    """Money is said amount first: "$5" reads "five dollars", as does "5$"."""
    m = _MONEY_BEFORE_RE.fullmatch(core) or _MONEY_AFTER_RE.fullmatch(core)
    if m is None:
        return None
    return _money_words(m.group("cur"), m.group("num"), m.group("scale"))


_PERCENT_RE = re.compile(rf"(?P<sign>[-−+])?(?P<num>{_NUM})(?P<sym>%|‰)")


def _say_percent(core: str) -> str | None:
    """50% -> fifty percent; 3.5% -> three point five percent."""
    m = _PERCENT_RE.fullmatch(core)
    if m is None:
        return None
    words = _number_words(m.group("num"))
    if words is None:
        return None
    sign = {"-": "minus ", "−": "minus ", "+": "plus "}.get(m.group("sign") or "", "")
    return f"{sign}{words} {'percent' if m.group('sym') == '%' else 'per mille'}"


_TIME_RE = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?(?:(a\.?m\.?|p\.?m\.?|A\.?M\.?|P\.?M\.?))?")
_CLOCK_RE = re.compile(r"(\d{1,2})(?:[.:](\d{2}))?(a\.?m\.?|p\.?m\.?|A\.?M\.?|P\.?M\.?)")


def _time_words(hour: int, minute: int, second: int | None, ampm: str | None) -> str:
    """4:30 -> four thirty, 10:01 -> ten oh one, 4:00 -> four o'clock, 15:00 -> fifteen
    hundred, 3 PM -> three P M: the readings of a speaking clock."""
    parts = [_cardinal(hour)]
    if minute == 0 and second is None:
        if not ampm:
            parts.append("o'clock" if 0 < hour <= 12 else "hundred")
    elif minute < 10:
        parts.append("oh " + _DIGIT_WORDS[minute])
    else:
        parts.append(_cardinal(minute))
    if second is not None:
        parts.append(f"and {_cardinal(second)} {'second' if second == 1 else 'seconds'}")
    if ampm:
        parts.append("P M" if ampm[0] in "pP" else "A M")
    return " ".join(parts)


def _say_time(core: str) -> str | None:
    """Clock times: 4:30, 10:01 a.m., 3pm (the colon alone also marks ratios: only minutes
    00-59 after an hour up to 24 are read as a time)."""
    m = _TIME_RE.fullmatch(core)
    if m:
        hour, minute = int(m.group(1)), int(m.group(2))
        second = int(m.group(3)) if m.group(3) else None
        if hour <= 24 and minute <= 59 and (second is None or second <= 59):
            return _time_words(hour, minute, second, m.group(4))
        return None
    m = _CLOCK_RE.fullmatch(core)
    if m:
        hour = int(m.group(1))
        minute = int(m.group(2)) if m.group(2) else 0
        if hour <= 12 and minute <= 59:
            return _time_words(hour, minute, None, m.group(3))
    return None


_ORDINAL_RE = re.compile(r"(\d+)(?:st|nd|rd|th|ST|ND|RD|TH|ˢᵗ|ⁿᵈ|ʳᵈ|ᵗʰ)")


def _say_ordinal(core: str) -> str | None:
    """24th -> twenty-fourth, 1st -> first, 101st -> one hundred first."""
    m = _ORDINAL_RE.fullmatch(core)
    if m is None:
        return None
    digits = m.group(1)
    # Python refuses int() on thousands of digits: such a run is read digit by digit.
    return _digits(digits) if len(digits) > _MAX_CARDINAL_DIGITS else _ordinal(int(digits))


_DECADE_RE = re.compile(r"(\d{3}0|[1-9]0)['’]?s")
_PLURAL_NUMBER_RE = re.compile(rf"({_NUM})['’]?s")


def _say_decade(core: str) -> str | None:
    """1960s -> nineteen sixties, 1900s -> nineteen hundreds, '60s and 60s -> sixties."""
    m = _DECADE_RE.fullmatch(core)
    if m is None:
        return None
    digits = m.group(1)
    if len(digits) == 4 and _is_year(digits):
        return _pluralize(_year_words(int(digits)))
    return _pluralize(_cardinal(int(digits)))


def _say_plural_number(core: str) -> str | None:
    """747s -> seven forty-sevens (a type, read as a designation), 100s -> hundreds,
    1,000s -> thousands."""
    m = _PLURAL_NUMBER_RE.fullmatch(core)
    if m is None:
        return None
    printed = m.group(1)
    parsed = _parse_number(printed)
    if parsed is None or parsed[1] is not None:
        return None
    round_numbers = {"100": "hundreds", "1000": "thousands", "1000000": "millions"}
    if parsed[0] in round_numbers:
        return round_numbers[parsed[0]]
    if printed.isdigit() and len(printed) <= 4:
        return _pluralize(_code_number(printed))
    return _pluralize(_int_words(parsed[0]))


def _date_words(day: int, month: int, year: str | None) -> str:
    """November twenty-fourth, nineteen forty-one: the American reading, which also serves
    British listeners; two-digit years are read as they are written ("forty-one")."""
    words = f"{_MONTHS[month - 1]} {_ordinal(day)}"
    if year is None:
        return words
    if len(year) == 2:
        return f"{words}, {_year_suffix(year)}"
    return f"{words}, {_year_words(int(year)) if _is_year(year) else _int_words(year)}"


def _year_suffix(digits: str) -> str:
    """The short second year of "1941–45" or "'41": forty-five, oh five."""
    if digits[0] == "0":
        return "oh " + _DIGIT_WORDS[int(digits[1])] if digits[1] != "0" else "hundred"
    return _cardinal(int(digits))


_ISO_DATE_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_NUMERIC_DATE_RE = re.compile(r"(\d{1,2})([/.])(\d{1,2})\2(\d{4}|\d{2})")


def _say_iso_date(core: str) -> str | None:
    """1941-12-07 -> December seventh, nineteen forty-one."""
    m = _ISO_DATE_RE.fullmatch(core)
    if m is None:
        return None
    year, month, day = m.group(1), int(m.group(2)), int(m.group(3))
    if 1 <= month <= 12 and 1 <= day <= 31:
        return _date_words(day, month, year)
    return None


def _say_numeric_date(core: str) -> str | None:
    """7.12.1941 is day first (European); 12/7/1941 is month first unless the first number
    cannot be a month (24/11/1941). Ambiguous slashed dates are read month first."""
    m = _NUMERIC_DATE_RE.fullmatch(core)
    if m is None:
        return None
    first, second = int(m.group(1)), int(m.group(3))
    day, month = (first, second) if m.group(2) == "." or first > 12 else (second, first)
    if 1 <= month <= 12 and 1 <= day <= 31:
        return _date_words(day, month, m.group(4))
    return None


_VULGAR_RE = re.compile(r"(\d*)([½⅓⅔¼¾⅕⅖⅗⅘⅙⅚⅐⅛⅜⅝⅞⅑⅒])")


def _say_vulgar_fraction(core: str) -> str | None:
    """½ -> one half, 2¾ -> two and three quarters."""
    m = _VULGAR_RE.fullmatch(core)
    if m is None:
        return None
    part = _numeric_char_words(m.group(2))
    return f"{_int_words(m.group(1))} and {part}" if m.group(1) else part


_SLASHED_RE = re.compile(r"(\d+)/(\d+)")


def _say_slashed_numbers(core: str) -> str | None:
    """1/2 -> one half, 3/4 -> three quarters (a proper fraction with a small denominator);
    any other pair is said as two numbers: 24/7 -> twenty-four seven, 9/11 -> nine eleven,
    1941/42 -> nineteen forty-one forty-two (a winter or a fiscal year)."""
    m = _SLASHED_RE.fullmatch(core)
    if m is None:
        return None
    first, second = m.group(1), m.group(2)
    if len(first) > 4 or len(second) > 4:
        return f"{_int_words(first)} {_int_words(second)}"
    num, den = int(first), int(second)
    if 0 < num < den <= 10 and first[0] != "0":
        return _fraction_words(Fraction(num, den))
    if _is_year(first) and len(second) == 2:
        return f"{_year_words(num)} {_year_suffix(second)}"
    left = _year_words(num) if _is_year(first) else _int_words(first)
    right = _year_words(den) if _is_year(second) else _int_words(second)
    return f"{left} {right}"


_RATIO_RE = re.compile(r"(\d+):(\d+)")


def _say_ratio(core: str) -> str | None:
    """3:2 -> three to two (a colon that is not a clock time is a ratio or a score)."""
    m = _RATIO_RE.fullmatch(core)
    if m is None:
        return None
    return f"{_int_words(m.group(1))} to {_int_words(m.group(2))}"


def _say_number(core: str) -> str | None:
    """Ordinary numbers (112 -> one hundred twelve), thousands (1,000; 40.000), decimals
    (3.5; 1,95 -> one point nine five), and years (1962 -> nineteen sixty-two)."""
    if _is_year(core):
        return _year_words(int(core))
    return _number_words(core)


_UNIT_NUMBER_RE = re.compile(rf"({_NUM})(" + "|".join(map(re.escape, _UNITS)) + ")")


def _say_unit_number(core: str) -> str | None:
    """5km -> five kilometers, 1.95m -> one point nine five meters, 1kg -> one kilogram."""
    m = _UNIT_NUMBER_RE.fullmatch(core)
    if m is None:
        return None
    words = _number_words(m.group(1))
    if words is None:
        return None
    one, many = _UNITS[m.group(2)]
    return f"{words} {one if m.group(1) == '1' else many}"


_DEGREES_RE = re.compile(rf"([-−+])?({_NUM})(°[CF]?|℃|℉)")


def _say_degrees(core: str) -> str | None:
    """-40°C -> minus forty degrees Celsius, 90° -> ninety degrees."""
    m = _DEGREES_RE.fullmatch(core)
    if m is None:
        return None
    words = _number_words(m.group(2))
    if words is None:
        return None
    sign = "minus " if m.group(1) in ("-", "−") else ""
    unit = {"°C": " Celsius", "℃": " Celsius", "°F": " Fahrenheit", "℉": " Fahrenheit"}
    return f"{sign}{words} degrees{unit.get(m.group(3), '')}"


_SIGNED_RE = re.compile(rf"(?P<pre>[-−+~≈#]|No\.?|no\.?|Nr\.?|c\.|ca\.)(?P<num>{_NUM})")
_PLUS_AFTER_RE = re.compile(rf"({_NUM})\+")
_SIGN_WORDS = {
    "-": "minus",
    "−": "minus",
    "+": "plus",
    "~": "about",
    "≈": "about",
    "#": "number",
    "c.": "circa",
    "ca.": "circa",
}


def _say_signed(core: str) -> str | None:
    """Signs and marks a narrator turns into words: -5 -> minus five, ~500 -> about five
    hundred, #1 and No.1 -> number one, c.1900 -> circa nineteen hundred, 50+ -> fifty plus."""
    m = _SIGNED_RE.fullmatch(core)
    if m:
        number = _say_number(m.group("num"))
        if number is None:
            return None
        pre = m.group("pre")
        return f"{_SIGN_WORDS.get(pre, 'number')} {number}"
    m = _PLUS_AFTER_RE.fullmatch(core)
    if m:
        number = _say_number(m.group(1))
        return None if number is None else f"{number} plus"
    return None


_RANGE_PART = r"(?:[$€£¥₽₹]?\d(?:[\d.,:]*\d)?(?:st|nd|rd|th|['’]?s|%)?)"
_RANGE_RE = re.compile(rf"({_RANGE_PART})[-–—]({_RANGE_PART})")


def _say_range(core: str) -> str | None:
    """1941-2016 -> nineteen forty-one to twenty sixteen; 1941–45 -> nineteen forty-one to
    forty-five (a short second year is read as written); 20–30% -> twenty to thirty percent."""
    m = _RANGE_RE.fullmatch(core)
    if m is None:
        return None
    first, second = m.group(1), m.group(2)
    left = _say_core(first)[0]
    if _is_year(first) and len(second) == 2 and second.isdigit():
        right = _year_suffix(second)
    else:
        right = _say_core(second)[0]
    return f"{left} to {right}"


_NUMBER_FIRST_RE = re.compile(rf"({_NUM}(?:st|nd|rd|th|['’]?s)?)-([a-z][^\W\d_]*(?:-[^\W\d_]+)*)")
_WORD_FIRST_RE = re.compile(r"([a-z][^\W\d_]*)-(.*\d.*)")


def _say_number_compound(core: str) -> str | None:
    """A number joined to words keeps the hyphen: 21-year-old -> twenty-one-year-old,
    20th-century -> twentieth-century, mid-1960s -> mid-nineteen sixties."""
    m = _NUMBER_FIRST_RE.fullmatch(core)
    if m:
        return f"{_say_core(m.group(1))[0]}-{_say_hyphenated(m.group(2))}"
    m = _WORD_FIRST_RE.fullmatch(core)
    if m and _is_plain(m.group(1)):
        right = _say_core(m.group(2))[0]
        return f"{_say_hyphenated(m.group(1))}-{right}" if right else None
    return None


def _say_hyphenated(words: str) -> str:
    """Each part of a hyphenated word as it would be said alone (CIA-led -> C I A-led)."""
    return "-".join(_say_core(part)[0] for part in words.split("-"))


_CODE_RE = re.compile(r"(?=.*\d)(?=.*[A-Za-z])[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*")
_CODE_RUN_RE = re.compile(r"[A-Za-z]+|\d+")
_CODE_UNIT_RE = re.compile(r"[A-Z][a-z]*|[a-z]")
_VOWEL_RE = re.compile(r"[aeiouyAEIOUY]")
# Letter parts of designations said as words rather than spelled.
_CODE_WORDS = {"MiG": "MiG", "Yak": "Yak", "Mk": "Mark", "No": "number", "Nr": "number"}


def _code_letters(run: str) -> str:
    """The letters of a designation: B -> B, SR -> S R, PPSh -> P P Sh, Su -> S U (Sukhoi,
    Tupolev: a two-letter maker's prefix is spelled), MiG and Yak as words, Apollo as a word."""
    if run in _CODE_WORDS:
        return _CODE_WORDS[run]
    if len(run) >= 3 and run[1:].islower() and _VOWEL_RE.search(run):
        return _say_core(run)[0]
    if len(run) == 2 and run[0].isupper() and run[1].islower():
        return _spell(run)
    units = _CODE_UNIT_RE.findall(run)
    return " ".join(unit.upper() if len(unit) == 1 else _say_core(unit)[0] for unit in units)


def _say_code(core: str) -> str | None:
    """Designations: letters then number words. MiG-25 -> MiG twenty-five, B-59 -> B
    fifty-nine, PPSh-41 -> P P Sh forty-one, SR-71 -> S R seventy-one, F-104 -> F one oh four,
    B-52s -> B fifty-twos, Y2K -> Y two K."""
    if _CODE_RE.fullmatch(core) is None:
        return None
    runs = _CODE_RUN_RE.findall(core)
    out: list[str] = []
    for index, run in enumerate(runs):
        if run.isdigit():
            out.append(_code_number(run))
        elif run == "s" and index == len(runs) - 1 and index and runs[index - 1].isdigit():
            out[-1] = _pluralize(out[-1])
        else:
            out.append(_code_letters(run))
    return " ".join(out)


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
    said = [_spell(p) if p.lower() == "www" else _say_core(p)[0] for p in parts]
    return " dot ".join(s for s in said if s)


def _say_dimensions(core: str) -> str | None:
    """4x4 -> four by four, 2×3 -> two by three."""
    parts = re.fullmatch(r"(\d+)[x×](\d+)", core)
    if parts is None:
        return None
    return f"{_int_words(parts.group(1))} by {_int_words(parts.group(2))}"


# The rules tried, in order, on a core that contains a digit.
_NUMERIC_RULES: tuple[Callable[[str], str | None], ...] = (
    _say_money,
    _say_percent,
    _say_time,
    _say_ordinal,
    _say_decade,
    _say_plural_number,
    _say_iso_date,
    _say_numeric_date,
    _say_vulgar_fraction,
    _say_slashed_numbers,
    _say_ratio,
    _say_number,
    _say_unit_number,
    _say_degrees,
    _say_signed,
    _say_dimensions,
    _say_range,
    _say_number_compound,
    _say_code,
    _say_web_address,
)

# ---------------------------------------------------------------------------------------------
# Words joined by symbols, and the last resort
# ---------------------------------------------------------------------------------------------

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
            said, unsure = _say_core(piece)
            guessed = guessed or unsure
            if not said:
                continue
            if out:
                # A hyphen never follows a pause mark ("24,–in" is "twenty-four, in").
                out.append(" " if glue == "-" and out[-1][-1] in _PAUSES else glue)
            out.append(said)
            glue = " "
            continue
        sep = piece
        if sep in _SEPARATOR_WORDS:
            glue = f" {_SEPARATOR_WORDS[sep]} "
        elif sep == "/":
            following = pieces[index + 1] if index + 1 < len(pieces) else ""
            glue = " " if _PLAIN_INT_RE.fullmatch(following) else " or "
        elif sep in "–‒":
            following = pieces[index + 1] if index + 1 < len(pieces) else ""
            previous = pieces[index - 1]
            glue = " " if _has_numeric(previous + following) else "-"
        elif sep in _SILENT_SEPARATORS:
            glue = " " if glue.strip() == "" else glue
        else:  # a pause: , ; : ! ? — … ..
            mark = sep if sep in _PAUSES else ","
            following = pieces[index + 1] if index + 1 < len(pieces) else ""
            if mark in ",;:" and _has_numeric(pieces[index - 1]) and _has_numeric(following):
                guessed = True  # "12:34:56:78", "1,2345": numbers no rule recognised
            if out and out[-1][-1:] not in _PAUSES:
                out[-1] += mark
            glue = " "
    return " ".join("".join(out).split()), guessed


_INNER_POINT_RE = re.compile(r"(?<=\d)\.(?=\d)")
_PIECE_RE = re.compile(r"([^\W\d_]+(?:['’][^\W\d_]+)*)|(\d+)|(.)", re.S)
_KNOWN_SILENT = frozenset(_QUOTES + "()[]{}<>*_-.'#/\\|" + _DASHES + "…")


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
                out.append(_say_core(letters)[0] if _is_plain(letters) else letters)
                continue
            # Letters mixed with numeric characters (x², 五月): each run on its own.
            for run in _numeric_char_re().split(letters):
                if run and run.isnumeric():
                    out.extend(_numeric_char_words(ch) for ch in run)
                    guessed = True
                elif run:
                    out.append(_say_core(run)[0])
        elif digits:
            out.append(_digits(digits))
            guessed = True
        elif other in _SEPARATOR_WORDS or other in _ABBREVIATIONS:
            out.append(_SEPARATOR_WORDS.get(other) or _ABBREVIATIONS[other])
        elif other in _PAUSES and other != ".":
            if out and out[-1][-1:] not in _PAUSES:
                out[-1] += other
        elif other.isnumeric():
            out.append(_numeric_char_words(other))
            guessed = True
        elif unicodedata.category(other)[0] == "M" and out and out[-1][-1:].isalpha():
            out[-1] += other  # a combining mark belongs to the letter before it
        elif other in _KNOWN_SILENT or unicodedata.category(other) in ("Cc", "Cf", "Zs"):
            continue
        else:
            guessed = True  # an emoji or a symbol nobody reads aloud: dropped
    words = " ".join(" ".join(out).split())
    return words, guessed


_SINGLE_NUMERALS = frozenset({"I", "V", "X"})


def _fix_numerals(words: str) -> str:
    """Inside one token, a lone I, V or X after a regnal name is still a numeral
    ("Henry(I" -> Henry the First), as it would be once the spoken text is read again."""
    if not any(f" {numeral}" in words for numeral in _SINGLE_NUMERALS):
        return words
    parts = words.split(" ")
    for k in range(1, len(parts)):
        if parts[k] in _SINGLE_NUMERALS:
            nxt = parts[k + 1] if k + 1 < len(parts) else ""
            said = _numeral_after(parts[k - 1], parts[k], nxt)
            if said is not None:
                parts[k] = said
    return " ".join(parts)


def _numeral_after(name: str, numeral: str, following: str) -> str | None:
    """How a Roman numeral is said after the word `name`, or None if it is not a numeral:
    World War II -> Two, Louis XIV -> the Fourteenth, Elizabeth I -> the First."""
    if not name.isalpha() or len(name) < 2:
        return None
    value = _roman_value(numeral)
    if len(numeral) == 1:
        if name not in _REGNAL_NAMES and name not in _NUMBERED_THINGS:
            return None
        # "Henry I R A" is a name and a spelled acronym, not a king.
        if len(following) == 1 and following.isascii() and following.isupper():
            return None
    if name in _NUMBERED_THINGS:
        return _capitalize(_cardinal(value))
    if name in _REGNAL_NAMES or (name[0].isupper() and name[1:].islower()):
        return "the " + _capitalize(_ordinal(value))
    return None


@lru_cache(maxsize=32768)
def _say_core(core: str) -> tuple[str, bool]:
    """The spoken words for one core, without context, and whether they are a guess."""
    said, guessed = _say_core_rules(core)
    return _fix_numerals(said), guessed


def _say_core_rules(core: str) -> tuple[str, bool]:
    """Abbreviations, then plain words and capitals, then the numeric rules in order, then
    words joined by symbols part by part, and the fallback last."""
    if not core:
        return "", False
    said = _ABBREVIATIONS.get(core)
    if said is not None:
        return said, False
    if _is_plain(core):
        if "-" in core and any(_CAPS_RE.fullmatch(part) for part in core.split("-")):
            return _say_hyphenated(core), False  # CIA-backed, post-WWII
        if _CAPS_RE.fullmatch(core):
            # A Roman numeral not after a name is a number ("the XX Bomber Command"); a lone
            # I, V or X never gets here: "I" is the pronoun.
            return _say_acronym(core) or core, False
        unit = _UNITS.get(core)
        return (unit[1] if unit and len(core) > 1 else _say_plain(core)), False
    possessive = _POSSESSIVE_RE.fullmatch(core)
    if _has_numeric(core):
        for rule in _NUMERIC_RULES:
            said = rule(core)
            if said is not None:
                return said, False
        if possessive and not _DECADE_RE.fullmatch(core):
            said, guessed = _say_core(possessive.group(1))
            return (said + "'s" if said else ""), guessed
    else:
        said = _say_abbreviation(core) or _say_web_address(core)
        if said is not None:
            return said, False
        if possessive:
            said, guessed = _say_core(possessive.group(1))
            return (said + "'s" if said else ""), guessed
    joined = _say_joined(core)
    if joined is not None:
        return joined
    return _say_fallback(core)


# ---------------------------------------------------------------------------------------------
# The sentence: rules that look at neighbouring words
# ---------------------------------------------------------------------------------------------


class _Sentence:
    """One sentence being spoken: its words, lexicon and the tokens made so far."""

    __slots__ = ("_shouting", "fresh", "guesses", "lexicon", "text", "tokens", "words")

    def __init__(
        self, text: str, words: list[str], lexicon: Lexicon, guesses: set[int] | None
    ) -> None:
        self.text = text
        self.words = words
        self.lexicon = lexicon
        self.guesses = guesses
        self.tokens: list[Token] = []
        self.fresh = False  # some token was made now rather than taken from the memo
        self._shouting: bool | None = None

    def cut(self, index: int) -> _Word | None:
        return _cut(self.words[index]) if 0 <= index < len(self.words) else None

    def core(self, index: int) -> str:
        word = self.cut(index)
        return word.core if word else ""

    @property
    def shouting(self) -> bool:
        """A heading set all in capitals ("THE STOLEN JET"): its words are not acronyms."""
        if self._shouting is None:
            lettered = sum(1 for w in self.words if any(ch.isalpha() for ch in w))
            self._shouting = lettered >= 3 and self.text == self.text.upper()
        return self._shouting

    def last_spoken(self) -> int | None:
        """Index of the last token with something to say (skipped marks say nothing)."""
        for index in range(len(self.tokens) - 1, -1, -1):
            if self.tokens[index].spoken:
                return index
        return None

    def attach_pause(self, mark: str) -> None:
        """Put a pause mark after the previous spoken word (for a dash standing alone)."""
        index = self.last_spoken()
        if not mark or index is None:
            return
        token = self.tokens[index]
        if token.spoken[-1] not in _PAUSES:
            self.tokens[index] = Token(token.display, token.spoken + mark)

    def merge_from(self, start: int, words: Sequence[str], spoken: str) -> None:
        """Replace tokens[start:] and the printed `words` with one token saying `spoken`."""
        display = [t.display for t in self.tokens[start:]]
        display.extend(words)
        del self.tokens[start:]
        self.tokens.append(Token(" ".join(display), spoken))


def _with_pause(spoken: str, pause: str) -> str:
    """`spoken` followed by one pause mark; a full stop replaces a weaker mark before it."""
    if not spoken or not pause:
        return spoken
    if pause == ".":
        # "in/Nov." ends with an abbreviation, not a full stop: say it as read alone (the
        # sentence's own period is put back by _finish).
        head, _, last = spoken.rpartition(" ")
        said = _ABBREVIATIONS.get(last + ".")
        if said is not None:
            return f"{head} {said}" if head else said
    if spoken[-1] in _PAUSES:
        return spoken[:-1] + pause if pause in ".?!" else spoken
    return spoken + pause


def _day_of(core: str) -> int | None:
    """The day in "24", "24th", "6th": 1 to 31, or None."""
    m = _ORDINAL_RE.fullmatch(core) or _PLAIN_INT_RE.fullmatch(core)
    if m is None or not core.isascii() or len(core) > 4:
        return None
    day = int(m.group(1) if m.re is _ORDINAL_RE else m.group(0))
    return day if 1 <= day <= 31 else None


def _next_is_count(s: _Sentence, index: int) -> bool:
    return s.core(index + 1).lower() in _COUNT_NOUNS


def _group_month_then_number(s: _Sentence, i: int, word: _Word) -> int | None:
    """Dates that start with the month: "November 24, 1941" -> November twenty-fourth,
    nineteen forty-one; "September 1976" -> September nineteen seventy-six. The month was
    spoken already: this token takes it over."""
    j = s.last_spoken()
    if j is None or word.lead:
        return None
    month = s.tokens[j].spoken
    day = _day_of(word.core)
    if month in _MONTH_NAMES and day is not None and not _next_is_count(s, i):
        spoken = f"{month} {_ordinal(day)}"
        end, pause = i, word.pause
        year = s.cut(i + 1)
        if word.pause in ("", ",") and year and not year.lead and _is_year(year.core):
            spoken += ", " + _year_words(int(year.core))
            end, pause = i + 1, year.pause
        s.merge_from(j, s.words[i : end + 1], spoken + pause)
        return end + 1
    if month.rstrip(",") in _MONTH_NAMES and _is_year(word.core):
        s.merge_from(j, [s.words[i]], f"{month} {_year_words(int(word.core))}{word.pause}")
        return i + 1
    return None


def _group_day_then_month(s: _Sentence, i: int, word: _Word) -> int | None:
    """Dates that start with the day: "6 September 1976" and "the 6th of September" ->
    the sixth of September, nineteen seventy-six."""
    day = _day_of(word.core)
    if day is None or word.pause:
        return None
    k = i + 1
    of = s.cut(k)
    if of and of.core == "of" and not of.pause and not of.lead and _ORDINAL_RE.fullmatch(word.core):
        k += 1
    month_word = s.cut(k)
    if month_word is None or month_word.lead or month_word.core not in _MONTH_WORDS:
        return None
    j = s.last_spoken()
    before = s.tokens[j].spoken.rsplit(" ", 1)[-1].lower() if j is not None else ""
    spoken = ("" if before == "the" else "the ") + _ordinal(day)
    spoken += " of " + _MONTH_WORDS[month_word.core]
    end, pause = k, month_word.pause
    year = s.cut(k + 1)
    if month_word.pause in ("", ",") and year and not year.lead and _is_year(year.core):
        spoken += ", " + _year_words(int(year.core))
        end, pause = k + 1, year.pause
    s.tokens.append(Token(" ".join(s.words[i : end + 1]), spoken + pause))
    return end + 1


def _group_time_of_day(s: _Sentence, i: int, word: _Word) -> int | None:
    """A clock and its suffix are one spoken unit: "3 PM" -> three P M, "10:01 a.m." -> ten
    oh one A M."""
    after = s.cut(i + 1)
    if after is None or word.pause or after.lead or after.core not in _AMPM:
        return None
    m = _TIME_RE.fullmatch(word.core) or _PLAIN_INT_RE.fullmatch(word.core)
    if m is None or not word.core.isascii() or len(word.core) > 5:
        return None
    hour = int(m.group(1) if m.re is _TIME_RE else m.group(0))
    minute = int(m.group(2)) if m.re is _TIME_RE else 0
    if not (hour <= 12 and minute <= 59) or (m.re is _TIME_RE and m.group(3)):
        return None
    spoken = _time_words(hour, minute, None, after.core)
    s.tokens.append(Token(f"{s.words[i]} {s.words[i + 1]}", spoken + after.pause))
    return i + 2


def _group_money_scale(s: _Sentence, i: int, word: _Word) -> int | None:
    """The currency is said after the scale word: "$2 million" -> two million dollars."""
    after = s.cut(i + 1)
    if after is None or word.pause or after.lead or after.core not in _SCALE_WORDS:
        return None
    m = _MONEY_BEFORE_RE.fullmatch(word.core) or _MONEY_AFTER_RE.fullmatch(word.core)
    if m is None or m.group("scale"):
        return None
    spoken = _money_words(m.group("cur"), m.group("num"), after.core)
    if spoken is None:
        return None
    s.tokens.append(Token(f"{s.words[i]} {s.words[i + 1]}", spoken + after.pause))
    return i + 2


def _group_currency_sign(s: _Sentence, i: int, word: _Word) -> int | None:
    """A currency sign set apart from its amount: "€ 20" -> twenty euros."""
    after = s.cut(i + 1)
    if word.core not in _CURRENCIES or word.pause or after is None or after.lead:
        return None
    spoken = _say_money(word.core + after.core)
    if spoken is None:
        return None
    s.tokens.append(Token(f"{s.words[i]} {s.words[i + 1]}", spoken + after.pause))
    return i + 2


def _group_mixed_fraction(s: _Sentence, i: int, word: _Word) -> int | None:
    """A whole number and a fraction: "1 1/2 miles" -> one and one half miles."""
    m = _SLASHED_RE.fullmatch(word.core)
    j = s.last_spoken()
    if m is None or j is None or len(word.core) > 5:
        return None
    if not (0 < int(m.group(1)) < int(m.group(2)) <= 10):
        return None
    whole = s.tokens[j].display.rsplit(" ", 1)[-1]
    if not (_PLAIN_INT_RE.fullmatch(whole) and whole.isascii() and len(whole) <= 3):
        return None
    fraction = _fraction_words(Fraction(int(m.group(1)), int(m.group(2))))
    spoken = f"{_int_words(whole)} and {fraction}{word.pause}"
    s.merge_from(j, [s.words[i]], spoken)
    return i + 1


# Aircraft makers' prefixes written apart from the type number: "Bf 109", "He 111".
_MAKER_PREFIXES = {
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


def _group_maker_and_type(s: _Sentence, i: int, word: _Word) -> int | None:
    """A maker's prefix and a type number are one designation: "Bf 109" -> B F one oh nine,
    "Boeing 747" -> Boeing seven forty-seven (not "seven hundred forty-seven")."""
    j = s.last_spoken()
    if j is None or j != len(s.tokens) - 1 or word.lead or not _PLAIN_INT_RE.fullmatch(word.core):
        return None
    maker = _MAKER_PREFIXES.get(s.tokens[j].display)
    if maker is None or not (2 <= len(word.core) <= 4) or not word.core.isascii():
        return None
    s.merge_from(j, [s.words[i]], f"{maker} {_code_number(word.core)}{word.pause}")
    return i + 1


def _group_spaced_thousands(s: _Sentence, i: int, word: _Word) -> int | None:
    """Thousands set apart by a space (often a no-break space): "10 000" -> ten thousand."""
    if word.pause or not re.fullmatch(r"[1-9]\d{0,2}", word.core):
        return None
    end, digits, pause = i, word.core, ""
    while True:
        group = s.cut(end + 1)
        if group is None or group.lead or not re.fullmatch(r"\d{3}", group.core):
            break
        end, digits, pause = end + 1, digits + group.core, group.pause
        if pause:
            break
    if end == i or not digits.isascii():
        return None
    s.tokens.append(Token(" ".join(s.words[i : end + 1]), _int_words(digits) + pause))
    return end + 1


_NUMBER_GROUPS = (
    _group_currency_sign,
    _group_month_then_number,
    _group_day_then_month,
    _group_time_of_day,
    _group_money_scale,
    _group_mixed_fraction,
    _group_maker_and_type,
    _group_spaced_thousands,
)


def _speak_numeric(s: _Sentence, i: int, word: _Word) -> int:
    """A word with digits: groups with its neighbours first, then the one-word rules."""
    for group in _NUMBER_GROUPS:
        end = group(s, i, word)
        if end is not None:
            return end
    core = word.core
    if _is_year(core) and _next_is_count(s, i):
        spoken, guessed = _cardinal(int(core)), False  # "1500 soldiers": a count, not a year
    else:
        spoken, guessed = _say_core(core)
    if guessed and s.guesses is not None:
        s.guesses.add(i)
    s.tokens.append(Token(s.words[i], _with_pause(spoken, word.pause)))
    return i + 1


def _speak_numeral(s: _Sentence, i: int, word: _Word) -> bool:
    """A Roman numeral after a name joins it: "Louis XIV" -> Louis the Fourteenth,
    "World War II" -> World War Two (one token with "World")."""
    m = _POSSESSIVE_RE.fullmatch(word.core)
    numeral, ending = (m.group(1), "'s") if m else (word.core, "")
    j = s.last_spoken()
    if j is None or _ROMAN_RE.fullmatch(numeral) is None:
        return False
    previous = s.tokens[j].spoken
    name = previous.rsplit(" ", 1)[-1]
    said = _numeral_after(name, numeral, s.core(i + 1))
    if said is None:
        return False
    start = j
    if name == "War" and j > 0 and s.tokens[j - 1].spoken == "World" == s.tokens[j - 1].display:
        start = j - 1
        previous = "World " + previous
    s.merge_from(start, [s.words[i]], f"{previous} {said}{ending}{word.pause}")
    return True


def _speak_context_word(s: _Sentence, i: int, word: _Word) -> tuple[str, str]:
    """Words read according to their neighbours (St., Dr., No., c., units, capitals);
    returns the spoken words and the pause after them."""
    core, pause = word.core, word.pause
    following = s.cut(i + 1)
    next_core = following.core if following else ""
    if core in ("St.", "St", "Dr.", "Dr"):
        # "St. Petersburg" and "Dr. Zhivago" are titles before a name; "Baker St." and
        # "Mulholland Dr." are streets after one.
        prev_core = s.core(i - 1)
        title = next_core[:1].isupper() or not prev_core[:1].isupper()
        if core.startswith("St"):
            return ("Saint" if title else "Street"), pause
        return ("Doctor" if title else "Drive"), pause
    if core in ("c.", "ca.") and next_core[:1].isdigit():
        return "circa", pause
    if core in ("No.", "no.", "Nos.", "c.", "ca."):
        # Not before a number: "no." ends a sentence; the period stays with the word.
        return core[:-1], pause or "."
    if core in _UNITS:
        j = s.last_spoken()
        before = s.tokens[j].display.rsplit(" ", 1)[-1] if j is not None else ""
        before_core = _cut(before).core
        if before_core[-1:].isdigit() and before_core.isascii():
            one, many = _UNITS[core]
            return (one if before_core == "1" else many), pause
        return _say_core(core)[0], pause
    if len(core) == 1 and pause == "." and core.isalpha():
        return core, ""  # a middle initial: the period is not the end of the sentence
    if s.shouting and _CAPS_RE.fullmatch(core):
        return _say_shouted(core), pause
    return _say_core(core)[0], pause


def _say_shouted(core: str) -> str:
    """In a heading set in capitals, known acronyms are still spelled and the rest are
    ordinary words, given a capital initial: "THE USSR FELL" -> The U S S R Fell."""
    m = _CAPS_RE.fullmatch(core)
    base = m.group(1) if m else core
    if (
        base in _SPELLED_ACRONYMS
        or base in _WORD_ACRONYMS
        or core in _ABBREVIATIONS
        or _ROMAN_RE.fullmatch(base)
    ):
        return _say_core(core)[0]
    word = core.capitalize()
    if word in _CONTEXT_WORDS or word in _MONTH_ABBREVIATIONS:
        return word.lower()
    return _say_core(word)[0]


def _group_number_sign(s: _Sentence, i: int, word: _Word) -> int | None:
    """A number sign and its number: "No. 5" -> number five, "Nos. 5" -> numbers five."""
    after = s.cut(i + 1)
    if word.core not in ("No.", "no.", "Nos.") or after is None or after.lead:
        return None
    if not _PLAIN_INT_RE.fullmatch(after.core):
        return None
    number = "numbers " if word.core == "Nos." else "number "
    spoken = number + _int_words(after.core) + after.pause
    s.tokens.append(Token(f"{s.words[i]} {s.words[i + 1]}", spoken))
    return i + 2


def _skip_citation_needed(s: _Sentence, i: int, word: _Word) -> int | None:
    """A wiki's "[citation needed]", copied with the article, is for the reader only."""
    after = s.words[i + 1] if i + 1 < len(s.words) else ""
    if word.core.lower() != "citation" or not after.lower().startswith("needed]"):
        return None
    s.tokens.append(Token(f"{s.words[i]} {after}", ""))
    s.attach_pause(_cut(after).pause)
    return i + 2


_WORD_GROUPS = (_group_number_sign, _skip_citation_needed)


def _speak_word(s: _Sentence, i: int) -> int:
    """Speak the word at `i` (and any neighbours it groups with); return the next index."""
    word_text = s.words[i]
    word = _cut(word_text)
    lexicon = s.lexicon
    s.fresh = True
    if word.pause_before:
        s.attach_pause(",")
    if not word.core:
        s.attach_pause(word.pause)
        s.tokens.append(Token(word_text, ""))
        return i + 1
    if lexicon.words or lexicon.folded:
        said = _lexicon_says(lexicon, word.core)
        if said is not None:
            token = Token(word_text, _with_pause(said, word.pause))
            s.tokens.append(token)
            if not word.pause_before:
                _memo(lexicon, token)
            return i + 1
    if not word.context:
        spoken, guessed = _say_core(word.core)
        token = Token(word_text, _with_pause(spoken, word.pause))
        s.tokens.append(token)
        if guessed:
            if s.guesses is not None:
                s.guesses.add(i)
        else:
            _memo(lexicon, token)
        return i + 1
    if _has_numeric(word.core) or word.core in _CURRENCIES:
        return _speak_numeric(s, i, word)
    if _speak_numeral(s, i, word):
        return i + 1
    for group in _WORD_GROUPS:
        end = group(s, i, word)
        if end is not None:
            return end
    spoken, pause = _speak_context_word(s, i, word)
    s.tokens.append(Token(word_text, _with_pause(spoken, pause)))
    return i + 1


def _memo(lexicon: Lexicon, token: Token) -> None:
    """Remember a context-free word's token for this lexicon, unless _finish might change it."""
    if token.spoken and _needs_review(token.spoken):
        return
    memo = lexicon._tokens
    if len(memo) >= _MEMO_LIMIT:
        memo.clear()
    memo[token.display] = token


def _lexicon_says(lexicon: Lexicon, core: str) -> str | None:
    """The lexicon's reading of a whole word, also for its possessive ("Belenko's")."""
    said = lexicon.lookup(core)
    ending = ""
    if said is None:
        m = _POSSESSIVE_RE.fullmatch(core)
        if m is None:
            return None
        said = lexicon.lookup(m.group(1))
        ending = "'s"
        if said is None:
            return None
    return _lexicon_value(said) + ending


@lru_cache(maxsize=4096)
def _lexicon_value(said: str) -> str:
    """A lexicon value is said as written, but never with digits: "B 52" -> B fifty-two."""
    if not _has_numeric(said):
        return " ".join(said.split())
    return spoken_text(speak_sentence(said))


def _finish(s: _Sentence) -> None:
    """The end of the sentence keeps its period, question or exclamation mark, even when the
    last word was an abbreviation ("etc.") or ended with an ellipsis."""
    final = _cut(s.words[-1])
    mark = final.pause
    ellipsis = mark == "," and ("…" in final.trail or ".." in final.trail)
    if ellipsis or (not mark and final.core.endswith(".")):
        mark = "."
    tokens = s.tokens
    # Memoised tokens never need this review (see _memo): only sentences with fresh ones.
    for k, token in enumerate(tokens if s.fresh else ()):
        spoken = token.spoken
        if not spoken or not _needs_review(spoken):
            continue
        said = spoken
        # A period after a single letter inside the sentence is an initial ("John F.
        # Kennedy", "the U.S.A. and"), not a full stop: it must not cut the intonation.
        if said[-1] == "." and (len(said) == 2 or said[-3] == " ") and said[-2].isalpha():
            said = said[:-1]
        # A token that starts with a lone I, V or X after a regnal name ("Henry" "V0") reads
        # it as a numeral, as it would when the spoken text is read again.
        if said[0] in "IVX" and (len(said) == 1 or said[1] in " ,;:!?."):
            previous = _last_word_before(tokens, k)
            rest = said[1:]
            following = rest.split(maxsplit=1)[0] if rest.strip() else _first_word(tokens, k)
            numeral = _numeral_after(previous, said[0], following) if previous else None
            if numeral is not None:
                said = numeral + rest
        if said != spoken:
            tokens[k] = Token(token.display, said)
    if mark not in (".", "?", "!"):
        return
    index = s.last_spoken()
    if index is None:
        return
    token = s.tokens[index]
    spoken = token.spoken
    if spoken[-1] not in ".?!":
        spoken = _with_pause(spoken.rstrip(",;:"), mark)
        if mark == "." and spoken[-1] not in ".?!":  # an abbreviation was expanded
            spoken += mark
    if spoken != token.spoken:
        s.tokens[index] = Token(token.display, spoken)


def _needs_review(spoken: str) -> bool:
    """Whether _finish may change this spoken text: it ends with a single letter and a period,
    or starts with a lone I, V or X."""
    if spoken[-1] == "." and (len(spoken) == 2 or spoken[-3:-2] == " "):
        return True
    return spoken[0] in "IVX" and (len(spoken) == 1 or spoken[1] in " ,;:!?.")


def _last_word_before(tokens: list[Token], index: int) -> str:
    """The last spoken word before token `index`, or "" if a pause mark follows it."""
    for token in reversed(tokens[:index]):
        if token.spoken:
            last = token.spoken.rsplit(" ", 1)[-1]
            return "" if last[-1] in _PAUSES else last
    return ""


def _first_word(tokens: list[Token], after: int) -> str:
    """The first spoken word after token `after`."""
    for token in tokens[after + 1 :]:
        if token.spoken:
            return token.spoken.split(" ", 1)[0]
    return ""


def _speak(text: str, lexicon: Lexicon, guesses: set[int] | None) -> list[Token]:
    words = text.split()
    if not words:
        return []
    memo = lexicon._tokens
    sentence = _Sentence(text, words, lexicon, guesses)
    tokens = sentence.tokens
    i, n = 0, len(words)
    while i < n:
        # Most words of prose were met before and read the same anywhere: one dict look-up.
        token = memo.get(words[i])
        if token is not None:
            tokens.append(token)
            i += 1
        else:
            i = _speak_word(sentence, i)
    _finish(sentence)
    return tokens


def speak_sentence(text: str, lexicon: Lexicon = EMPTY_LEXICON) -> tuple[Token, ...]:
    """Split `text` into tokens of printed words, each with what the engine says for them.

    " ".join(t.display for t in tokens) == " ".join(text.split()); the spoken text has no
    digits and is stable (speaking it again gives it back). Never raises on any string.
    """
    return tuple(_speak(text, lexicon, None))


def spoken_text(tokens: Sequence[Token]) -> str:
    """The text sent to the engine for these tokens."""
    return " ".join(t.spoken for t in tokens if t.spoken)


def count_spoken_words(tokens: Sequence[Token]) -> int:
    """Words the engine will say (what timing estimates count): "1962" is three words."""
    return sum(len(t.spoken.split()) for t in tokens)


def find_unspeakable(text: str, lexicon: Lexicon = EMPTY_LEXICON) -> tuple[Token, ...]:
    """Tokens whose spoken form is a guess: digits no rule understood (read one by one) or
    symbols nobody reads aloud (dropped). For `toolkit lint`, which suggests a lexicon entry
    or a rewording; the tokens are the ones speak_sentence gives for the same text."""
    guesses: set[int] = set()
    tokens = _speak(text, lexicon, guesses)
    if not guesses:
        return ()
    found: list[Token] = []
    start = 0
    for token in tokens:
        width = token.display.count(" ") + 1
        if any(start <= g < start + width for g in guesses):
            found.append(token)
        start += width
    return tuple(found)
