"""Numbers: cardinals, ordinals, years, decimals, fractions, signs and number shapes.

Number words (num2words, cached) for the other modules: cardinal, ordinal, year_words
(1962 -> nineteen sixty-two), int_words, number_words (thousands separators and decimals,
see parse_number), code_number (104 -> one oh four, for designations), fraction_words.
Rules for one printed core, each `say_x(core) -> str | None` (None: not this kind of thing):
ordinals (24th), decades (1960s), plural numbers (747s), vulgar fractions (2¾), slashed
numbers (3/4, 24/7, 1941/42), ratios (3:2), plain numbers and years, signs (-5, ~500, #1,
c.1900, 50+) and dimensions (4x4). Pure functions; no digits in what they return.
"""

from __future__ import annotations

import re
import unicodedata
from fractions import Fraction
from functools import lru_cache

from num2words import num2words

DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")

_ASCII_DIGIT_RE = re.compile(r"[0-9]")

_DIGITS_RE = re.compile(r"\d+")

# Beyond this many digits num2words either fails or produces a mouthful; read digit by digit.
_MAX_CARDINAL_DIGITS = 15


def has_numeric(text: str) -> bool:
    """True if any character is a digit or another numeric character (², ½, Ⅻ, 五)."""
    if text.isascii():
        return _ASCII_DIGIT_RE.search(text) is not None
    return any(ch.isnumeric() for ch in text)


def _tidy(words: str) -> str:
    """num2words writes the British "one hundred and twelve" with commas between groups; a
    narrator reads "one hundred twelve" without pausing inside a number (and the issue asks
    for "two thousand two")."""
    return words.replace(",", "").replace(" and ", " ")


def digit_by_digit(digits: str) -> str:
    """Digit by digit: for serial numbers, leading zeros and what no rule understands."""
    return " ".join(DIGIT_WORDS[unicodedata.digit(ch, 0)] for ch in digits)


@lru_cache(maxsize=8192)
def cardinal(n: int) -> str:
    if n < 0:
        return "minus " + cardinal(-n)
    if n >= 10**_MAX_CARDINAL_DIGITS:
        return digit_by_digit(str(n))
    return _tidy(num2words(n))


@lru_cache(maxsize=4096)
def ordinal(n: int) -> str:
    if n >= 10**_MAX_CARDINAL_DIGITS:
        return digit_by_digit(str(n))
    return _tidy(num2words(n, to="ordinal"))


@lru_cache(maxsize=4096)
def year_words(n: int) -> str:
    """Years are read in pairs: 1962 -> nineteen sixty-two, 1905 -> nineteen oh five,
    1900 -> nineteen hundred, 2016 -> twenty sixteen; 2000-2009 -> two thousand two."""
    return _tidy(num2words(n, to="year")).replace("oh-", "oh ")


def is_year(digits: str) -> bool:
    """A bare four-digit number from 1000 to 2099 is read as a year unless a count noun
    follows it (see COUNT_NOUNS); a history narration mentions far more years than counts."""
    if len(digits) != 4 or not (digits.isascii() and digits.isdigit()):
        return False
    return 1000 <= int(digits) <= 2099


def int_words(digits: str) -> str:
    """A whole number: cardinal, except leading zeros and very long runs, read digit by digit."""
    if len(digits) > _MAX_CARDINAL_DIGITS or (len(digits) > 1 and digits[0] == "0"):
        return digit_by_digit(digits)
    return cardinal(int(digits))


def pluralize(words: str) -> str:
    """sixty -> sixties, hundred -> hundreds, six -> sixes: for decades and "the 1900s"."""
    if words.endswith("y"):
        return words[:-1] + "ies"
    if words.endswith(("x", "s")):
        return words + "es"
    return words + "s"


def capitalize(words: str) -> str:
    return words[:1].upper() + words[1:]


_THOUSANDS_COMMA_RE = re.compile(r"(\d{1,3}(?:,\d{3})+)(?:\.(\d+))?")

_THOUSANDS_POINT_RE = re.compile(r"([1-9]\d{0,2}(?:\.\d{3})+)(?:,(\d+))?")

_DECIMAL_POINT_RE = re.compile(r"(\d*)\.(\d+)")

_DECIMAL_COMMA_RE = re.compile(r"(\d+),(\d{1,2})")

PLAIN_INT_RE = re.compile(r"\d+")


def parse_number(text: str) -> tuple[str, str | None] | None:
    """Split a printed number into (whole digits, decimal digits or None), or None.

    Thousands separators: "1,000" and "40.000" (a point followed by exactly three digits, as
    European texts write thousands). Decimals: "3.5", ".5", and "1,95" (a comma followed by
    one or two digits is a decimal comma). Both together: "1,234.56" and "1.234,56".
    """
    if PLAIN_INT_RE.fullmatch(text):
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


def number_words(text: str) -> str | None:
    """Words for a printed number (see parse_number), or None if `text` is not one."""
    parsed = parse_number(text)
    if parsed is None:
        return None
    whole, frac = parsed
    if frac is None:
        return int_words(whole)
    head = int_words(whole) + " point " if whole else "point "
    return head + digit_by_digit(frac)


def code_number(digits: str) -> str:
    """Numbers inside designations are read the way pilots and historians say them:
    25 -> twenty-five, 104 -> one oh four, 144 -> one forty-four, 109 -> one oh nine,
    262 -> two sixty-two, 1000 -> one thousand, 07 -> oh seven; longer ones digit by digit."""
    if len(digits) > 4:
        return digit_by_digit(digits)
    if digits[0] == "0":
        return " ".join("oh" if ch == "0" else DIGIT_WORDS[int(ch)] for ch in digits)
    if len(digits) <= 2:
        return cardinal(int(digits))
    if len(digits) == 3:
        if digits[1:] == "00":
            return cardinal(int(digits))
        head = DIGIT_WORDS[int(digits[0])]
        if digits[1] == "0":
            return f"{head} oh {DIGIT_WORDS[int(digits[2])]}"
        return f"{head} {cardinal(int(digits[1:]))}"
    if digits[1:] == "000":
        return cardinal(int(digits))
    head = cardinal(int(digits[:2]))
    if digits[2:] == "00":
        return f"{head} hundred"
    if digits[2] == "0":
        return f"{head} oh {DIGIT_WORDS[int(digits[3])]}"
    return f"{head} {cardinal(int(digits[2:]))}"


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


def fraction_words(value: Fraction) -> str:
    """3/4 -> three quarters, 1/2 -> one half, 5/16 -> five sixteenths, -1/2 -> minus one half."""
    if value < 0:
        return "minus " + fraction_words(-value)
    whole, rest = divmod(value, 1)
    num, den = rest.numerator, rest.denominator
    if num == 0:
        return cardinal(int(whole))
    if den in _FRACTION_NAMES:
        name = _FRACTION_NAMES[den][num != 1]
    else:
        name = ordinal(den) + ("s" if num != 1 else "")
    words = f"{cardinal(num)} {name}"
    return f"{cardinal(int(whole))} and {words}" if whole else words


def fraction_name(den: int) -> str:
    """The name of one part: 2 -> half, 4 -> quarter, 16 -> sixteenth."""
    return _FRACTION_NAMES[den][0] if den in _FRACTION_NAMES else ordinal(den)


def a_part(den: int) -> str:
    """One part with its article: a half, a quarter, an eighth."""
    name = fraction_name(den)
    return f"{'an' if name[0] in 'aeiou' else 'a'} {name}"


def mixed_words(whole: str, part: Fraction) -> str:
    """A whole number and a proper fraction as a narrator says them: 3 1/2 -> three and a
    half, 2 1/4 -> two and a quarter, 2 3/4 -> two and three quarters."""
    if part.numerator == 1:
        return f"{int_words(whole)} and {a_part(part.denominator)}"
    return f"{int_words(whole)} and {fraction_words(part)}"


def numeric_char_words(ch: str) -> str:
    """Any other numeric character (², ½, Ⅻ, 五) by its Unicode value."""
    value = unicodedata.numeric(ch, None)
    if value is None:
        return ""
    if value == int(value):
        return cardinal(int(value))
    return fraction_words(Fraction(value).limit_denominator(1000))


# Plural nouns that make a four-digit number a count, not a year: "1500 soldiers".
COUNT_NOUNS = frozenset(
    """people men women soldiers troops sailors airmen pilots officers prisoners civilians
    workers members children refugees casualties deaths dead killed wounded survivors
    inhabitants residents tons tonnes kilometers kilometres km miles meters metres feet ft
    yards kilograms kg pounds lbs dollars euros francs marks rubles roubles yen pesos
    guilders lire crowns aircraft planes ships tanks guns rifles cannons horses cattle steps
    pages copies books letters words units rounds shells bombs missiles warheads votes acres
    hectares calories vehicles trucks boats submarines sorties""".split()
)

# A printed number: digits with inner separators, never ending in one ("24," is 24 and a comma).
NUM = r"\d(?:[\d.,]*\d)?"

ORDINAL_RE = re.compile(r"(\d+)(?:st|nd|rd|th|ST|ND|RD|TH|ˢᵗ|ⁿᵈ|ʳᵈ|ᵗʰ)")


def say_ordinal(core: str) -> str | None:
    """24th -> twenty-fourth, 1st -> first, 101st -> one hundred first."""
    m = ORDINAL_RE.fullmatch(core)
    if m is None:
        return None
    digits = m.group(1)
    # Python refuses int() on thousands of digits: such a run is read digit by digit.
    return digit_by_digit(digits) if len(digits) > _MAX_CARDINAL_DIGITS else ordinal(int(digits))


DECADE_RE = re.compile(r"(\d{3}0|[1-9]0)['’]?s")

_PLURAL_NUMBER_RE = re.compile(rf"({NUM})['’]?s")


def say_decade(core: str) -> str | None:
    """1960s -> nineteen sixties, 1900s -> nineteen hundreds, '60s and 60s -> sixties."""
    m = DECADE_RE.fullmatch(core)
    if m is None:
        return None
    digits = m.group(1)
    if len(digits) == 4 and is_year(digits):
        return pluralize(year_words(int(digits)))
    return pluralize(cardinal(int(digits)))


def say_plural_number(core: str) -> str | None:
    """747s -> seven forty-sevens (a type, read as a designation), 100s -> hundreds,
    1,000s -> thousands."""
    m = _PLURAL_NUMBER_RE.fullmatch(core)
    if m is None:
        return None
    printed = m.group(1)
    parsed = parse_number(printed)
    if parsed is None or parsed[1] is not None:
        return None
    round_numbers = {"100": "hundreds", "1000": "thousands", "1000000": "millions"}
    if parsed[0] in round_numbers:
        return round_numbers[parsed[0]]
    if printed.isdigit() and len(printed) <= 4:
        return pluralize(code_number(printed))
    return pluralize(int_words(parsed[0]))


def year_suffix(digits: str) -> str:
    """The short second year of "1941–45" or "'41": forty-five, oh five."""
    if digits[0] == "0":
        return "oh " + DIGIT_WORDS[int(digits[1])] if digits[1] != "0" else "hundred"
    return cardinal(int(digits))


VULGAR_CHARS = "½⅓⅔¼¾⅕⅖⅗⅘⅙⅚⅐⅛⅜⅝⅞⅑⅒"
VULGAR_RE = re.compile(rf"(\d*)([{VULGAR_CHARS}])")


def vulgar_value(ch: str) -> Fraction:
    """The value of a vulgar fraction character: ½ -> 1/2."""
    return Fraction(unicodedata.numeric(ch)).limit_denominator(1000)


def say_vulgar_fraction(core: str) -> str | None:
    """½ -> one half (alone, without context: grouping.py says "a half mile"), 3½ -> three
    and a half, 2¾ -> two and three quarters."""
    m = VULGAR_RE.fullmatch(core)
    if m is None:
        return None
    if m.group(1):
        return mixed_words(m.group(1), vulgar_value(m.group(2)))
    return numeric_char_words(m.group(2))


SLASHED_RE = re.compile(r"(\d+)/(\d+)")


def say_slashed_numbers(core: str) -> str | None:
    """1/2 -> one half, 3/4 -> three quarters (a proper fraction with a small denominator);
    any other pair is said as two numbers: 24/7 -> twenty-four seven, 9/11 -> nine eleven,
    1941/42 -> nineteen forty-one forty-two (a winter or a fiscal year)."""
    m = SLASHED_RE.fullmatch(core)
    if m is None:
        return None
    first, second = m.group(1), m.group(2)
    if len(first) > 4 or len(second) > 4:
        return f"{int_words(first)} {int_words(second)}"
    num, den = int(first), int(second)
    if 0 < num < den <= 10 and first[0] != "0":
        return fraction_words(Fraction(num, den))
    if is_year(first) and len(second) == 2:
        return f"{year_words(num)} {year_suffix(second)}"
    left = year_words(num) if is_year(first) else int_words(first)
    right = year_words(den) if is_year(second) else int_words(second)
    return f"{left} {right}"


_RATIO_RE = re.compile(r"(\d+):(\d+)")


def say_ratio(core: str) -> str | None:
    """3:2 -> three to two (a colon that is not a clock time is a ratio or a score)."""
    m = _RATIO_RE.fullmatch(core)
    if m is None:
        return None
    return f"{int_words(m.group(1))} to {int_words(m.group(2))}"


def say_number(core: str) -> str | None:
    """Ordinary numbers (112 -> one hundred twelve), thousands (1,000; 40.000), decimals
    (3.5; 1,95 -> one point nine five), and years (1962 -> nineteen sixty-two)."""
    if is_year(core):
        return year_words(int(core))
    return number_words(core)


_SIGNED_RE = re.compile(rf"(?P<pre>[-−+~≈#]|No\.?|no\.?|Nr\.?|c\.|ca\.)(?P<num>{NUM})")

_PLUS_AFTER_RE = re.compile(rf"({NUM})\+")

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


def say_signed(core: str) -> str | None:
    """Signs and marks a narrator turns into words: -5 -> minus five, ~500 -> about five
    hundred, #1 and No.1 -> number one, c.1900 -> circa nineteen hundred, 50+ -> fifty plus."""
    m = _SIGNED_RE.fullmatch(core)
    if m:
        number = say_number(m.group("num"))
        if number is None:
            return None
        pre = m.group("pre")
        return f"{_SIGN_WORDS.get(pre, 'number')} {number}"
    m = _PLUS_AFTER_RE.fullmatch(core)
    if m:
        number = say_number(m.group(1))
        return None if number is None else f"{number} plus"
    return None


def say_dimensions(core: str) -> str | None:
    """4x4 -> four by four, 2×3 -> two by three."""
    parts = re.fullmatch(r"(\d+)[x×](\d+)", core)
    if parts is None:
        return None
    return f"{int_words(parts.group(1))} by {int_words(parts.group(2))}"
