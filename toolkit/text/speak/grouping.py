"""Sentence-level grouping: neighbouring words that are spoken as one unit.

Sentence holds the printed words and the tokens made so far. Each group rule
`group_x(s, i, word) -> next index | None` looks at the word at `i` and its neighbours and,
when they belong together, appends one token for all of them so a subtitle never splits
them: dates ("November 24, 1941", "the 6th of September"), clock times ("3 PM"), money with
a scale ("$2 million", "€ 20"), mixed fractions ("1 1/2"), makers and types ("Bf 109"),
spaced thousands ("10 000"), number signs ("No. 5"), Roman numerals after names ("Louis
XIV") and words read by their neighbours (St., Dr., c., units).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from fractions import Fraction

from toolkit.text.speak.codes import MAKER_PREFIXES
from toolkit.text.speak.dates import (
    AMPM,
    ERAS,
    MONTH_ABBREVIATIONS,
    MONTH_NAMES,
    MONTH_WORDS,
    TIME_RE,
    YEAR_MARKS,
    say_era_year,
    time_words,
)
from toolkit.text.speak.marks import CONTEXT_WORDS, PAUSES, Word, cut_word
from toolkit.text.speak.money import (
    CURRENCIES,
    MONEY_AFTER_RE,
    MONEY_BEFORE_RE,
    SCALE_WORDS,
    UNITS,
    money_words,
    say_money,
)
from toolkit.text.speak.numbers import (
    COUNT_NOUNS,
    ORDINAL_RE,
    PLAIN_INT_RE,
    SLASHED_RE,
    VULGAR_RE,
    a_part,
    cardinal,
    code_number,
    fraction_name,
    int_words,
    is_year,
    mixed_words,
    ordinal,
    vulgar_value,
    year_words,
)
from toolkit.text.speak.rules import say_core
from toolkit.text.speak.tokens import Lexicon, Token
from toolkit.text.speak.words import (
    ABBREVIATIONS,
    CAPS_RE,
    POSSESSIVE_RE,
    ROMAN_RE,
    SPELLED_ACRONYMS,
    WORD_ACRONYMS,
    numeral_after,
)


class Sentence:
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

    def cut(self, index: int) -> Word | None:
        return cut_word(self.words[index]) if 0 <= index < len(self.words) else None

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
        if token.spoken[-1] not in PAUSES:
            self.tokens[index] = Token(token.display, token.spoken + mark)

    def merge_from(self, start: int, words: Sequence[str], spoken: str) -> None:
        """Replace tokens[start:] and the printed `words` with one token saying `spoken`."""
        display = [t.display for t in self.tokens[start:]]
        display.extend(words)
        del self.tokens[start:]
        self.tokens.append(Token(" ".join(display), spoken))


def with_pause(spoken: str, pause: str) -> str:
    """`spoken` followed by one pause mark; a full stop replaces a weaker mark before it."""
    if not spoken or not pause:
        return spoken
    if pause == ".":
        # "in/Nov." ends with an abbreviation, not a full stop: say it as read alone (the
        # sentence's own period is put back by _finish).
        head, _, last = spoken.rpartition(" ")
        said = ABBREVIATIONS.get(last + ".")
        if said is not None:
            return f"{head} {said}" if head else said
    if spoken[-1] in PAUSES:
        return spoken[:-1] + pause if pause in ".?!" else spoken
    return spoken + pause


def _day_of(core: str) -> int | None:
    """The day in "24", "24th", "6th": 1 to 31, or None."""
    m = ORDINAL_RE.fullmatch(core) or PLAIN_INT_RE.fullmatch(core)
    if m is None or not core.isascii() or len(core) > 4:
        return None
    day = int(m.group(1) if m.re is ORDINAL_RE else m.group(0))
    return day if 1 <= day <= 31 else None


def _next_is_count(s: Sentence, index: int) -> bool:
    return s.core(index + 1).lower() in COUNT_NOUNS


def _group_month_then_number(s: Sentence, i: int, word: Word) -> int | None:
    """Dates that start with the month: "November 24, 1941" -> November twenty-fourth,
    nineteen forty-one; "September 1976" -> September nineteen seventy-six. The month was
    spoken already: this token takes it over."""
    j = s.last_spoken()
    if j is None or word.lead:
        return None
    month = s.tokens[j].spoken
    if month.rstrip(",") not in MONTH_NAMES:
        return None  # both kinds below follow a month
    day = _day_of(word.core)
    if month in MONTH_NAMES and day is not None and not _next_is_count(s, i):
        spoken = f"{month} {ordinal(day)}"
        end, pause = i, word.pause
        year = s.cut(i + 1)
        if word.pause in ("", ",") and year and not year.lead and is_year(year.core):
            spoken += ", " + year_words(int(year.core))
            end, pause = i + 1, year.pause
        s.merge_from(j, s.words[i : end + 1], spoken + pause)
        return end + 1
    if month.rstrip(",") in MONTH_NAMES and is_year(word.core):
        s.merge_from(j, [s.words[i]], f"{month} {year_words(int(word.core))}{word.pause}")
        return i + 1
    return None


def _group_day_then_month(s: Sentence, i: int, word: Word) -> int | None:
    """Dates that start with the day: "6 September 1976" and "the 6th of September" ->
    the sixth of September, nineteen seventy-six."""
    if word.pause:
        return None
    k = i + 1
    of = s.cut(k)
    if of and of.core == "of" and not of.pause and not of.lead and ORDINAL_RE.fullmatch(word.core):
        k += 1
    month_word = s.cut(k)
    if month_word is None or month_word.lead or month_word.core not in MONTH_WORDS:
        return None
    day = _day_of(word.core)
    if day is None:
        return None
    j = s.last_spoken()
    before = s.tokens[j].spoken.rsplit(" ", 1)[-1].lower() if j is not None else ""
    spoken = ("" if before == "the" else "the ") + ordinal(day)
    spoken += " of " + MONTH_WORDS[month_word.core]
    end, pause = k, month_word.pause
    year = s.cut(k + 1)
    if month_word.pause in ("", ",") and year and not year.lead and is_year(year.core):
        spoken += ", " + year_words(int(year.core))
        end, pause = k + 1, year.pause
    s.tokens.append(Token(" ".join(s.words[i : end + 1]), spoken + pause))
    return end + 1


def _group_time_of_day(s: Sentence, i: int, word: Word) -> int | None:
    """A clock and its suffix are one spoken unit: "3 PM" -> three P M, "10:01 a.m." -> ten
    oh one A M."""
    after = s.cut(i + 1)
    if after is None or word.pause or after.lead or after.core not in AMPM:
        return None
    m = TIME_RE.fullmatch(word.core) or PLAIN_INT_RE.fullmatch(word.core)
    if m is None or not word.core.isascii() or len(word.core) > 5:
        return None
    hour = int(m.group(1) if m.re is TIME_RE else m.group(0))
    minute = int(m.group(2)) if m.re is TIME_RE else 0
    if not (hour <= 12 and minute <= 59) or (m.re is TIME_RE and m.group(3)):
        return None
    spoken = time_words(hour, minute, None, after.core)
    s.tokens.append(Token(f"{s.words[i]} {s.words[i + 1]}", spoken + after.pause))
    return i + 2


def _group_money_scale(s: Sentence, i: int, word: Word) -> int | None:
    """The currency is said after the scale word: "$2 million" -> two million dollars."""
    after = s.cut(i + 1)
    if after is None or word.pause or after.lead or after.core not in SCALE_WORDS:
        return None
    m = MONEY_BEFORE_RE.fullmatch(word.core) or MONEY_AFTER_RE.fullmatch(word.core)
    if m is None or m.group("scale"):
        return None
    spoken = money_words(m.group("cur"), m.group("num"), after.core)
    if spoken is None:
        return None
    s.tokens.append(Token(f"{s.words[i]} {s.words[i + 1]}", spoken + after.pause))
    return i + 2


def _group_currency_sign(s: Sentence, i: int, word: Word) -> int | None:
    """A currency sign set apart from its amount: "€ 20" -> twenty euros."""
    if word.core not in CURRENCIES or word.pause:
        return None
    after = s.cut(i + 1)
    if after is None or after.lead:
        return None
    spoken = say_money(word.core + after.core)
    if spoken is None:
        return None
    s.tokens.append(Token(f"{s.words[i]} {s.words[i + 1]}", spoken + after.pause))
    return i + 2


def _proper_fraction(core: str) -> Fraction | None:
    """The value of "1/2" (a denominator up to ten) or "½", or None."""
    m = SLASHED_RE.fullmatch(core)
    if m is not None:
        if len(core) > 5:
            return None
        num, den = int(m.group(1)), int(m.group(2))
        return Fraction(num, den) if 0 < num < den <= 10 else None
    m = VULGAR_RE.fullmatch(core)
    return vulgar_value(m.group(2)) if m is not None and not m.group(1) else None


def _group_mixed_fraction(s: Sentence, i: int, word: Word) -> int | None:
    """A whole number and a fraction: "1 1/2 miles" -> one and a half miles, "2 ¾" -> two
    and three quarters."""
    part = _proper_fraction(word.core)
    if part is None:
        return None
    j = s.last_spoken()
    if j is None:
        return None
    whole = s.tokens[j].display.rsplit(" ", 1)[-1]
    if not (PLAIN_INT_RE.fullmatch(whole) and whole.isascii() and len(whole) <= 3):
        return None
    s.merge_from(j, [s.words[i]], f"{mixed_words(whole, part)}{word.pause}")
    return i + 1


# Words after which one part of a whole needs no article: "the ½" -> the half.
_DETERMINERS = frozenset(
    "a an the one each every per this that its his her their our my your".split()
)


def _say_lone_fraction(s: Sentence, i: int, core: str) -> str | None:
    """A vulgar fraction standing alone is said with an article, as a narrator does: "½ mile"
    -> a half mile, "¼ of" -> a quarter of, "½ of" and "½ a" -> half of, half a, "the ½" ->
    the half; "¾" stays three quarters."""
    m = VULGAR_RE.fullmatch(core)
    if m is None or m.group(1):
        return None
    part = vulgar_value(m.group(2))
    if part.numerator != 1:
        return None
    j = s.last_spoken()
    before = s.tokens[j].spoken.rsplit(" ", 1)[-1].lower() if j is not None else ""
    after = s.core(i + 1).lower()
    if before in _DETERMINERS or (part.denominator == 2 and after in ("of", "a", "an", "the")):
        return fraction_name(part.denominator)
    return a_part(part.denominator)


# Words between two years of one era: "from 2560 to 2540 BC", "between 2560 and 2540 BC".
_YEAR_JOINS = frozenset({"to", "and", "or", "until", "till"})


def _say_marked_year(s: Sentence, i: int, word: Word) -> str | None:
    """A number that an era or "circa" marks as a year ("c. 2560 BC", "AD 410", "c.753"), or
    the first of two such years ("from 2560 to 2540 BC"), not followed by a count noun ("c.
    2500 men")."""
    core = word.core
    marked = (
        core.startswith(("c.", "ca."))
        or s.core(i - 1) in YEAR_MARKS
        or (not word.pause and s.core(i + 1) in ERAS)
        or (
            not word.pause
            and s.core(i + 1) in _YEAR_JOINS
            and s.core(i + 2).isdigit()
            and s.core(i + 3) in ERAS
        )
    )
    if not marked or _next_is_count(s, i):
        return None
    return say_era_year(core)


def _group_maker_and_type(s: Sentence, i: int, word: Word) -> int | None:
    """A maker's prefix and a type number are one designation: "Bf 109" -> B F one oh nine,
    "Boeing 747" -> Boeing seven forty-seven (not "seven hundred forty-seven")."""
    j = len(s.tokens) - 1  # the maker must be the last token, and spoken
    if j < 0 or not s.tokens[j].spoken or word.lead or not PLAIN_INT_RE.fullmatch(word.core):
        return None
    maker = MAKER_PREFIXES.get(s.tokens[j].display)
    if maker is None or not (2 <= len(word.core) <= 4) or not word.core.isascii():
        return None
    s.merge_from(j, [s.words[i]], f"{maker} {code_number(word.core)}{word.pause}")
    return i + 1


_LEADING_GROUP_RE = re.compile(r"[1-9]\d{0,2}")
_THOUSANDS_GROUP_RE = re.compile(r"\d{3}")


def _group_spaced_thousands(s: Sentence, i: int, word: Word) -> int | None:
    """Thousands set apart by a space (often a no-break space): "10 000" -> ten thousand."""
    if word.pause or not _LEADING_GROUP_RE.fullmatch(word.core):
        return None
    end, digits, pause = i, word.core, ""
    while True:
        group = s.cut(end + 1)
        if group is None or group.lead or not _THOUSANDS_GROUP_RE.fullmatch(group.core):
            break
        end, digits, pause = end + 1, digits + group.core, group.pause
        if pause:
            break
    if end == i or not digits.isascii():
        return None
    s.tokens.append(Token(" ".join(s.words[i : end + 1]), int_words(digits) + pause))
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


def speak_numeric(s: Sentence, i: int, word: Word) -> int:
    """A word with digits: groups with its neighbours first, then the one-word rules."""
    for group in _NUMBER_GROUPS:
        end = group(s, i, word)
        if end is not None:
            return end
    core = word.core
    if is_year(core) and _next_is_count(s, i):
        spoken, guessed = cardinal(int(core)), False  # "1500 soldiers": a count, not a year
    else:
        said = _say_marked_year(s, i, word) or _say_lone_fraction(s, i, core)
        spoken, guessed = (said, False) if said else say_core(core)
    if guessed and s.guesses is not None:
        s.guesses.add(i)
    s.tokens.append(Token(s.words[i], with_pause(spoken, word.pause)))
    return i + 1


def speak_numeral(s: Sentence, i: int, word: Word) -> bool:
    """A Roman numeral after a name joins it: "Louis XIV" -> Louis the Fourteenth,
    "World War II" -> World War Two (one token with "World")."""
    m = POSSESSIVE_RE.fullmatch(word.core)
    numeral, ending = (m.group(1), "'s") if m else (word.core, "")
    j = s.last_spoken()
    if j is None or ROMAN_RE.fullmatch(numeral) is None:
        return False
    previous = s.tokens[j].spoken
    name = previous.rsplit(" ", 1)[-1]
    said = numeral_after(name, numeral, s.core(i + 1))
    if said is None:
        return False
    start = j
    if name == "War" and j > 0 and s.tokens[j - 1].spoken == "World" == s.tokens[j - 1].display:
        start = j - 1
        previous = "World " + previous
    s.merge_from(start, [s.words[i]], f"{previous} {said}{ending}{word.pause}")
    return True


def speak_context_word(s: Sentence, i: int, word: Word) -> tuple[str, str]:
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
    if core in UNITS:
        j = s.last_spoken()
        before = s.tokens[j].display.rsplit(" ", 1)[-1] if j is not None else ""
        before_core = cut_word(before).core
        if before_core[-1:].isdigit() and before_core.isascii():
            one, many = UNITS[core]
            return (one if before_core == "1" else many), pause
        return say_core(core)[0], pause
    if len(core) == 1 and pause == "." and core.isalpha():
        return core, ""  # a middle initial: the period is not the end of the sentence
    if s.shouting and CAPS_RE.fullmatch(core):
        return _say_shouted(core), pause
    return say_core(core)[0], pause


def _say_shouted(core: str) -> str:
    """In a heading set in capitals, known acronyms are still spelled and the rest are
    ordinary words, given a capital initial: "THE USSR FELL" -> The U S S R Fell."""
    m = CAPS_RE.fullmatch(core)
    base = m.group(1) if m else core
    if (
        base in SPELLED_ACRONYMS
        or base in WORD_ACRONYMS
        or core in ABBREVIATIONS
        or ROMAN_RE.fullmatch(base)
    ):
        return say_core(core)[0]
    word = core.capitalize()
    if word in CONTEXT_WORDS or word in MONTH_ABBREVIATIONS:
        return word.lower()
    return say_core(word)[0]


def _group_number_sign(s: Sentence, i: int, word: Word) -> int | None:
    """A number sign and its number: "No. 5" -> number five, "Nos. 5" -> numbers five."""
    after = s.cut(i + 1)
    if word.core not in ("No.", "no.", "Nos.") or after is None or after.lead:
        return None
    if not PLAIN_INT_RE.fullmatch(after.core):
        return None
    number = "numbers " if word.core == "Nos." else "number "
    spoken = number + int_words(after.core) + after.pause
    s.tokens.append(Token(f"{s.words[i]} {s.words[i + 1]}", spoken))
    return i + 2


def _skip_citation_needed(s: Sentence, i: int, word: Word) -> int | None:
    """A wiki's "[citation needed]", copied with the article, is for the reader only."""
    after = s.words[i + 1] if i + 1 < len(s.words) else ""
    if word.core.lower() != "citation" or not after.lower().startswith("needed]"):
        return None
    s.tokens.append(Token(f"{s.words[i]} {after}", ""))
    s.attach_pause(cut_word(after).pause)
    return i + 2


WORD_GROUPS = (_group_number_sign, _skip_citation_needed)
