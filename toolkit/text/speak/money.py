"""Money and measures: currencies, scales, units, percentages and degrees.

Rules for one printed core: say_money ($5, £3.50, $2.5m, 5$), say_percent (50%, 3.5%),
say_unit_number (5km, 1.95m) and say_degrees (-40°C); money_words for the sentence group
"$2 million". UNITS and CURRENCIES also tell marks.py which words read by their neighbours
("5 km" is said "five kilometers", "km" alone "kilometers").
"""

from __future__ import annotations

import re

from toolkit.text.speak.numbers import (
    NUM,
    VULGAR_CHARS,
    cardinal,
    int_words,
    number_words,
    parse_number,
    say_vulgar_fraction,
)

CURRENCIES: dict[str, tuple[str, str, str | None, str | None]] = {
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

SCALE_WORDS = frozenset({"thousand", "million", "billion", "trillion"})

# Units after a number: (singular, plural).
UNITS: dict[str, tuple[str, str]] = {
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

_CURRENCY_PATTERN = r"US\$|A\$|C\$|[$€£¥₽₹₩¢]"

_SCALE_PATTERN = r"k|K|m|M|mn|bn|b|B|tn|thousand|million|billion|trillion"

# An amount: a printed number, or a whole number and a vulgar fraction ("£3½ million").
_AMOUNT = rf"(?:{NUM}|\d+[{VULGAR_CHARS}])"
MONEY_BEFORE_RE = re.compile(
    rf"(?P<cur>{_CURRENCY_PATTERN})(?P<num>{_AMOUNT})(?P<scale>{_SCALE_PATTERN})?"
)

MONEY_AFTER_RE = re.compile(
    rf"(?P<num>{_AMOUNT})(?P<scale>{_SCALE_PATTERN})?(?P<cur>{_CURRENCY_PATTERN})"
)


def money_words(currency: str, amount: str, scale: str | None) -> str | None:
    """$5 -> five dollars, £3.50 -> three pounds fifty, $0.25 -> twenty-five cents,
    $2.5m -> two point five million dollars, 1$ -> one dollar, £3½m -> three and a half
    million pounds."""
    one, many, minor_one, minor_many = CURRENCIES[currency]
    if amount[-1] in VULGAR_CHARS:
        words = say_vulgar_fraction(amount)
        return f"{words} {_SCALES[scale]} {many}" if scale else f"{words} {many}"
    parsed = parse_number(amount)
    if parsed is None:
        return None
    whole, frac = parsed
    if scale:
        words = number_words(amount)
        return f"{words} {_SCALES[scale]} {many}"
    if frac is not None and len(frac) == 2 and minor_one and minor_many and whole.strip("0"):
        main = f"{int_words(whole)} {one if whole == '1' else many}"
        cents = int(frac)
        return main if cents == 0 else f"{main} {cardinal(cents)}"
    if frac is not None and len(frac) == 2 and minor_one and minor_many:
        cents = int(frac)
        return f"{cardinal(cents)} {minor_one if cents == 1 else minor_many}"
    if frac is not None:
        return f"{number_words(amount)} {many}"
    return f"{int_words(whole)} {one if whole == '1' else many}"


def say_money(core: str) -> str | None:
    """Money is said amount first: "$5" reads "five dollars", as does "5$"."""
    m = MONEY_BEFORE_RE.fullmatch(core) or MONEY_AFTER_RE.fullmatch(core)
    if m is None:
        return None
    return money_words(m.group("cur"), m.group("num"), m.group("scale"))


_PERCENT_RE = re.compile(rf"(?P<sign>[-−+])?(?P<num>{_AMOUNT})(?P<sym>%|‰)")


def say_percent(core: str) -> str | None:
    """50% -> fifty percent; 3.5% -> three point five percent; 2½% -> two and a half
    percent."""
    m = _PERCENT_RE.fullmatch(core)
    if m is None:
        return None
    words = number_words(m.group("num")) or say_vulgar_fraction(m.group("num"))
    if words is None:
        return None
    sign = {"-": "minus ", "−": "minus ", "+": "plus "}.get(m.group("sign") or "", "")
    return f"{sign}{words} {'percent' if m.group('sym') == '%' else 'per mille'}"


_UNIT_NUMBER_RE = re.compile(rf"({NUM})(" + "|".join(map(re.escape, UNITS)) + ")")


def say_unit_number(core: str) -> str | None:
    """5km -> five kilometers, 1.95m -> one point nine five meters, 1kg -> one kilogram."""
    m = _UNIT_NUMBER_RE.fullmatch(core)
    if m is None:
        return None
    words = number_words(m.group(1))
    if words is None:
        return None
    one, many = UNITS[m.group(2)]
    return f"{words} {one if m.group(1) == '1' else many}"


_DEGREES_RE = re.compile(rf"([-−+])?({NUM})(°[CF]?|℃|℉)")


def say_degrees(core: str) -> str | None:
    """-40°C -> minus forty degrees Celsius, 90° -> ninety degrees."""
    m = _DEGREES_RE.fullmatch(core)
    if m is None:
        return None
    words = number_words(m.group(2))
    if words is None:
        return None
    sign = "minus " if m.group(1) in ("-", "−") else ""
    unit = {"°C": " Celsius", "℃": " Celsius", "°F": " Fahrenheit", "℉": " Fahrenheit"}
    return f"{sign}{words} degrees{unit.get(m.group(3), '')}"
