"""Story evidence for a short line of blog copy: does it open a new part, or show a picture?

Takes a short line with the paragraphs around it (and the post's title); gives weighed
reasons (negative: caption) that blogcopy adds to the line's own evidence. A heading opens
a new part of the story; a caption describes a picture of what was just said, and the
story goes on after it. So a line that only names people or things the paragraphs around
it talk about ("Pujol and Harris", "Garbo's Iron Cross", "I-58") leans caption, the more so
when the paragraph after it carries on ("Her captain…", "He had kept…"), and in a post
where no short line reads as a heading every such line is a caption.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Protocol, Self, TypeVar

# A designation: a ship's or aircraft's type and number ("I-58", "U-505", "MiG-25").
_DESIGNATION = re.compile(r"^[A-Z][A-Za-z]{0,3}-?\d{1,4}[A-Z]?$")
# Prefixes of ships' names ("USS Indianapolis") and words that finish a place's name.
_SHIP_PREFIXES = frozenset("uss hms hmas hmcs hmnzs sms rms ss ms hmt usns ins".split())
_PLACE_WORDS = frozenset(
    """island islands river bay sea lake mountain mountains mount strait straits gulf
    cape peninsula valley castle palace bridge harbour harbor street square""".split()
)
_ROMAN = re.compile(r"^(?:I{1,3}|IV|V|VI{0,3}|IX|X|Jr\.?|Sr\.?)$")
# Openings of a paragraph that carry the story on from the one before a picture.
_CARRY_ON = frozenset(
    "he she his her him they their them it its together both this these there".split()
)
_MINOR = frozenset("a an the and of at in on to by with from for de la von van der".split())
_INITIAL = re.compile(r"^[A-Z]\.$")
_POSSESSIVE = re.compile(r"^([A-Z][\w.-]*)(?:'s|’s|'|’)$")


def _bare(word: str) -> str:
    """A word without punctuation around it; an initial keeps its full stop ("B.")."""
    word = word.strip("\"'“”‘’()[]{},;:!?…*_")
    return word if _INITIAL.match(word) else word.strip(".")


def name_words(line: str) -> list[str]:
    """The words of a line that is only names, designations or a named object, with a
    possessive's ending taken off; [] when the line has other words (a lower-case word
    other than a particle, a question, a sentence)."""
    raw = line.split()
    if not raw or line.rstrip().endswith(("?", ".", ":")):
        return []
    names: list[str] = []
    for index, word in enumerate(raw):
        bare = _bare(word)
        if not bare:
            continue
        possessive = _POSSESSIVE.match(bare)
        if possessive:
            names.append(possessive.group(1))
        elif bare.lower() in _MINOR and (index > 0 or bare in ("The", "A", "An")):
            continue
        elif bare[:1].isupper() or _DESIGNATION.match(bare) or _ROMAN.match(bare):
            names.append(bare)
        else:
            return []
    return names


def word_is_gerund(word: str) -> bool:
    """ "Inventing", "Taking": a verb's -ing form, which opens a heading, never a name."""
    return len(word) > 5 and word.lower().endswith("ing") and word[:1].isupper()


def owners(line: str) -> int:
    """How many of the line's name words come before a possessive ("Major Martin's
    Identity Card": 2), or 0 when no name owns anything in it."""
    count = 0
    for word in line.split():
        bare = _bare(word)
        if bare.lower() in _MINOR and count:
            continue
        count += 1
        if _POSSESSIVE.match(bare):
            return count
    return 0


def is_name_line(line: str, kind: Callable[[str], str]) -> bool:
    """A line that only names someone or something: names the article uses (`kind` says
    "name", "common" for a word the article uses in lower case, or "unknown"),
    a ship ("USS Indianapolis"), a designation, a place ("Lubang Island"), or a name's
    possession ("Garbo's Iron Cross"); not a title of common words ("Taking the Foxbat
    Apart")."""
    names = name_words(line)
    if not names:
        return False
    owned = owners(line)
    for index, word in enumerate(names):
        key = word.lower()
        previous = names[index - 1].lower() if index else ""
        if not (
            _DESIGNATION.match(word)
            or _ROMAN.match(word)
            or _INITIAL.match(word)
            or key in _SHIP_PREFIXES
            or previous in _SHIP_PREFIXES
            or (0 < owned <= index)
            or (index > 0 and key in _PLACE_WORDS)
            or kind(word) == "name"
            # "Maxie Anderson": a given name the article never uses, before one it does.
            or (
                kind(word) == "unknown"
                and key not in _MINOR
                and key not in _PLACE_WORDS
                and not word_is_gerund(word)
                and index + 1 < len(names)
                and (kind(names[index + 1]) == "name" or _INITIAL.match(names[index + 1]))
            )
        ):
            return False
    return True


def mentioned(word: str, text: str, *, any_case: bool = False) -> bool:
    """The word (a name, or a designation) appears in the text as a whole word."""
    flags = re.IGNORECASE if any_case else 0
    return bool(re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text, flags))


def introduces(line: str, before: str, after: str, title: str = "") -> str:
    """The name the paragraph after the line opens with, when neither the paragraph before
    nor the title has named it: a heading over a new part about that person or place
    ("Joan Clarke" over "A mathematician from Cambridge, Joan Clarke arrived…"), where a
    picture of the post's own subject ("The Fram") is a caption. "" otherwise."""
    if "," in line or " and " in f" {line} ":
        return ""  # a group is a photo's caption more often than a part's title
    opening = " ".join(after.split()[:12])
    for word in name_words(line):
        if len(word) > 2 and mentioned(word, opening) and not mentioned(word, f"{title}\n{before}"):
            return word
    return ""


def story_evidence(
    line: str, before: str, after: str, title: str, kind: Callable[[str], str]
) -> list[tuple[float, str]]:
    """Weighed reasons (negative: caption) from the paragraphs around a short line."""
    if not is_name_line(line, kind):
        return []
    names = [
        word
        for word in name_words(line)
        if word.lower() not in _SHIP_PREFIXES and word.lower() not in _PLACE_WORDS
    ]
    if not names:
        return []
    if introduces(line, before, after, title):
        return [(2.0, f"the paragraph after it opens a new part about {line}")]
    evidence: list[tuple[float, str]] = []
    around = f"{title}\n{before}\n{after}"
    owned = owners(line)
    if 0 < owned < len(names):
        thing = names[owned:]
        if all(mentioned(word, before, any_case=True) for word in thing):
            shown = " ".join(thing).lower()
            evidence.append((-2.5, f"names the {shown} the paragraph above talks about"))
    elif all(mentioned(word, around) for word in names):
        if " and " in f" {line} " and len(names) >= 2:
            evidence.append((-2.5, "two names from the paragraphs around it, like a photo"))
        elif any(mentioned(word, f"{title}\n{before}") for word in names):
            evidence.append((-1.5, "names who or what the story has just talked about"))
    opening = _bare(after.split()[0]).lower() if after.split() else ""
    if opening in _CARRY_ON:
        evidence.append((-1.0, f"the paragraph after it carries on ({opening!r})"))
    return evidence


def clearly_heading(
    line: str, reasons: Sequence[str], style: str, kind: Callable[[str], str]
) -> bool:
    """A line that reads as a heading whatever surrounds it: a question, a date or year, a
    number like a chapter's, or words in title or sentence case that are more than names."""
    strong = ("a question", "starts with a year", "a date", "numbered like a chapter")
    if any(reason.startswith(strong) for reason in reasons):
        return True
    return style in ("title", "sentence") and not is_name_line(line, kind)


class Weighable(Protocol):
    """What blogcopy's Features offer: its reasons, its case style and `weigh`."""

    @property
    def heading_reasons(self) -> tuple[str, ...]: ...

    @property
    def style(self) -> str: ...

    def weigh(self, weight: float, reason: str, *, instead_of: str = "") -> Self: ...


F = TypeVar("F", bound=Weighable)


def weigh_story(
    lines: Sequence[str],
    evidence: Sequence[F],
    around: Sequence[tuple[str, str]],
    title: str,
    kind: Callable[[str], str],
) -> list[F]:
    """Each short line's evidence with the story's added: the paragraphs around it
    (`around`: the paragraph before and after its run), and, when no short line of the post
    reads as a heading, a lean to caption for every line that names someone or something."""

    def known(word: str) -> str:
        """The article's word `kind`, where a word only the title uses is a name."""
        found = kind(word)
        return "name" if found == "unknown" and mentioned(word, title) else found

    weighed: list[F] = []
    for line, feature, (before, after) in zip(lines, evidence, around, strict=True):
        if feature.style == "title" and is_name_line(line, known):
            feature = feature.weigh(-2.0, "a name, not a title", instead_of="title case")
        for weight, reason in story_evidence(line, before, after, title, known):
            feature = feature.weigh(weight, reason)
        weighed.append(feature)
    if any(
        clearly_heading(line, f.heading_reasons, f.style, known)
        for line, f in zip(lines, weighed, strict=True)
    ):
        return weighed
    reason = "the post has no line that reads as a heading, and this one names someone or something"
    return [
        f.weigh(-3.0, reason)
        if is_name_line(line, known) and not introduces(line, *pair, title)
        else f
        for line, f, pair in zip(lines, weighed, around, strict=True)
    ]
