"""Dates and times: month names, clock times and numeric dates.

Rules for one printed core: say_time (4:30, 10:01 a.m., 3pm), say_iso_date (1941-12-07) and
say_numeric_date (7.12.1941, 12/7/1941); date_words and time_words for the sentence groups
in grouping.py that join "November 24, 1941", "6 September 1976" and "3 PM" into one token.
Years alone are read in numbers.py.
"""

from __future__ import annotations

import re

from toolkit.text.speak.numbers import (
    DIGIT_WORDS,
    cardinal,
    int_words,
    is_year,
    ordinal,
    year_suffix,
    year_words,
)

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

MONTH_NAMES = frozenset(_MONTHS)

MONTH_ABBREVIATIONS = {
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
MONTH_WORDS = {**{m: m for m in _MONTHS}, **MONTH_ABBREVIATIONS}

AMPM = {
    "AM": "A M",
    "PM": "P M",
    "am": "A M",
    "pm": "P M",
    "a.m.": "A M",
    "p.m.": "P M",
    "A.M.": "A M",
    "P.M.": "P M",
}

TIME_RE = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?(?:(a\.?m\.?|p\.?m\.?|A\.?M\.?|P\.?M\.?))?")

_CLOCK_RE = re.compile(r"(\d{1,2})(?:[.:](\d{2}))?(a\.?m\.?|p\.?m\.?|A\.?M\.?|P\.?M\.?)")


def time_words(hour: int, minute: int, second: int | None, ampm: str | None) -> str:
    """4:30 -> four thirty, 10:01 -> ten oh one, 4:00 -> four o'clock, 15:00 -> fifteen
    hundred, 3 PM -> three P M: the readings of a speaking clock."""
    parts = [cardinal(hour)]
    if minute == 0 and second is None:
        if not ampm:
            parts.append("o'clock" if 0 < hour <= 12 else "hundred")
    elif minute < 10:
        parts.append("oh " + DIGIT_WORDS[minute])
    else:
        parts.append(cardinal(minute))
    if second is not None:
        parts.append(f"and {cardinal(second)} {'second' if second == 1 else 'seconds'}")
    if ampm:
        parts.append("P M" if ampm[0] in "pP" else "A M")
    return " ".join(parts)


def say_time(core: str) -> str | None:
    """Clock times: 4:30, 10:01 a.m., 3pm (the colon alone also marks ratios: only minutes
    00-59 after an hour up to 24 are read as a time)."""
    m = TIME_RE.fullmatch(core)
    if m:
        hour, minute = int(m.group(1)), int(m.group(2))
        second = int(m.group(3)) if m.group(3) else None
        if hour <= 24 and minute <= 59 and (second is None or second <= 59):
            return time_words(hour, minute, second, m.group(4))
        return None
    m = _CLOCK_RE.fullmatch(core)
    if m:
        hour = int(m.group(1))
        minute = int(m.group(2)) if m.group(2) else 0
        if hour <= 12 and minute <= 59:
            return time_words(hour, minute, None, m.group(3))
    return None


def _date_words(day: int, month: int, year: str | None) -> str:
    """November twenty-fourth, nineteen forty-one: the American reading, which also serves
    British listeners; two-digit years are read as they are written ("forty-one")."""
    words = f"{_MONTHS[month - 1]} {ordinal(day)}"
    if year is None:
        return words
    if len(year) == 2:
        return f"{words}, {year_suffix(year)}"
    return f"{words}, {year_words(int(year)) if is_year(year) else int_words(year)}"


_ISO_DATE_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")

_NUMERIC_DATE_RE = re.compile(r"(\d{1,2})([/.])(\d{1,2})\2(\d{4}|\d{2})")


def say_iso_date(core: str) -> str | None:
    """1941-12-07 -> December seventh, nineteen forty-one."""
    m = _ISO_DATE_RE.fullmatch(core)
    if m is None:
        return None
    year, month, day = m.group(1), int(m.group(2)), int(m.group(3))
    if 1 <= month <= 12 and 1 <= day <= 31:
        return _date_words(day, month, year)
    return None


def say_numeric_date(core: str) -> str | None:
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


# Eras written after a year ("44 BC", "1066 AD") and the words that mark a year before it
# ("AD 79", "c. 2560", "circa 1500").
ERAS = frozenset({"BC", "BCE", "AD", "CE", "B.C.", "B.C.E.", "A.D.", "C.E."})
YEAR_MARKS = frozenset({"AD", "A.D.", "c.", "ca.", "circa", "Circa"})
_ERA_YEAR_RE = re.compile(r"(c\.|ca\.|~|≈)?([1-9]\d{0,3})")
_ABOUT = {"c.": "circa", "ca.": "circa", "~": "about", "≈": "about"}
_ERA_RANGE_RE = re.compile(r"([1-9]\d{0,3})[-–]([1-9]\d{0,3})")


def say_era_year(core: str) -> str | None:
    """A number an era or "circa" marks as a year is read as a year at any size up to 9999
    (grouping.py decides when it is marked): 2560 BC -> twenty-five sixty, AD 410 -> four
    ten, c.753 -> circa seven fifty-three, ~2500 BC -> about twenty-five hundred, 2600–2500
    BC -> twenty-six hundred to twenty-five hundred. Numbers with separators ("10,000 BC")
    stay counts."""
    m = _ERA_YEAR_RE.fullmatch(core)
    if m:
        said = year_words(int(m.group(2)))
        return f"{_ABOUT[m.group(1)]} {said}" if m.group(1) else said
    m = _ERA_RANGE_RE.fullmatch(core)
    if m is None:
        return None
    first, second = m.group(1), m.group(2)
    short = len(first) == 4 and len(second) == 2
    right = year_suffix(second) if short else year_words(int(second))
    return f"{year_words(int(first))} to {right}"
