"""`toolkit lint`: what will sound or read wrong, as `file:line: message` findings.

Checks, each with its reason:
- names spelled two ways (a rare one-letter variant of a frequent name, captions too):
  the narrator will say both, and viewers notice. Inflections are not variants: plurals and
  possessives (Koreans, Korean's), -n/-ny (Korea, Korean, German, Germany), -an/-ans, -ese,
  -ish, -i, and the same endings on the last part of a hyphenated name (West-Germany);
- sentences over 40 words: hard to narrate in one breath, hard to follow by ear;
- tokens the normalizer could not turn into words: the engine would spell them out;
- unbalanced quotes or brackets: usually a typo, and they confuse the sentence splitter;
- leftover markup (**, [links](), <tags>, {{ }}): it would be read aloud or shown;
- cues that break the subtitle rules with the estimated timing.

The episode page shows exactly these findings for its episode (toolkit.build.lint_plan is
the one call both use): the episode's own text counts its names, and the estimated timing
times its cues, so a kit depends on its own inputs only. `toolkit lint --channel-names`
also counts names across the whole channel.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from toolkit.channel import SubtitleRules
from toolkit.text.assemble import Episode, Paragraph, Visual
from toolkit.text.speak import EMPTY_LEXICON, Lexicon
from toolkit.timing.timeline import Timeline

LONG_SENTENCE_WORDS = 40
_NAME = re.compile(r"\b[A-Z][a-zà-öø-ÿ]+(?:[-'’][A-Z]?[a-zà-öø-ÿ]+)?\b")
_MARKUP = re.compile(
    r"(\*\*|__|\[[^\]]*\]\([^)]*\)|</?[a-zA-Z][^>]*>|\{\{|\}\}|\{%|%\}|&[a-z]+;|^#+ |`)"
)
# Every match of _MARKUP starts with one of these characters: most text needs no more.
_MARKUP_CHARS = re.compile(r"[*_\[<{}%&#`]")
_MAYBE_UNSPEAKABLE = re.compile(r"[^\w\s.,;:!?'\"“”‘’()\-–—…]|\d")
_PAIRS = (("(", ")"), ("[", "]"), ("“", "”"))


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return (
            f"{self.path}:{self.line}: {self.message}"
            if self.line
            else f"{self.path}: {self.message}"
        )


def name_counts(episodes: Iterable[Episode]) -> Counter[str]:
    """How often each capitalised word appears, captions included, across episodes."""
    counts: Counter[str] = Counter()
    for episode in episodes:
        for _, text in _section_texts(episode):
            counts.update(_NAME.findall(text))
    return counts


def _section_texts(episode: Episode) -> Iterator[tuple[Paragraph | Visual, str]]:
    """Each block of the episode's sections (not the templates' text) with its text."""
    for seg in episode.segments:
        if seg.kind != "section":
            continue
        for block in seg.blocks:
            yield block, block.text if isinstance(block, Visual) else _paragraph_text(block)


def _paragraph_text(paragraph: Paragraph) -> str:
    return " ".join(s.text for s in paragraph.sentences)


def _one_edit_apart(a: str, b: str) -> bool:
    """One letter changed, added or removed."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


# Endings that make another form of the same name, and what the stem must end with for
# each: Korean -> Koreans, Korea -> Korean, German -> Germany, Iraq -> Iraqi.
_INFLECTIONS = (
    ("s", ""),
    ("'s", ""),
    ("’s", ""),
    ("es", "sxhz"),
    ("n", "aeio"),
    ("y", "n"),
    ("an", ""),
    ("ans", ""),
    ("ian", ""),
    ("ese", ""),
    ("ish", ""),
    ("i", "q"),
)


def _inflected(stem: str, word: str) -> bool:
    """`word` is `stem` with an inflectional ending (see _INFLECTIONS)."""
    if len(word) <= len(stem) or not word.startswith(stem):
        return False
    ending = word[len(stem) :]
    return any(
        ending == suffix and (not after or stem[-1:] in after) for suffix, after in _INFLECTIONS
    )


def is_inflection(a: str, b: str) -> bool:
    """Two forms of one name rather than two spellings: Korean/Koreans, Korea/Korean,
    German/Germany, West-German/West-Germany (the same first parts, the last inflected)."""
    head_a, _, last_a = a.rpartition("-")
    head_b, _, last_b = b.rpartition("-")
    if head_a != head_b:
        return False
    return _inflected(last_a, last_b) or _inflected(last_b, last_a)


def _near_index(frequent: Sequence[str]) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """Positions in `frequent` by first two and by last two letters. Two names of four letters
    or more that are one edit apart share one of them (the edit spares the other end), so
    _variant_of need only compare a name with these."""
    starts: dict[str, list[int]] = {}
    ends: dict[str, list[int]] = {}
    for index, name in enumerate(frequent):
        starts.setdefault(name[:2], []).append(index)
        ends.setdefault(name[-2:], []).append(index)
    return starts, ends


def _variant_of(
    name: str,
    counts: Counter[str],
    frequent: Sequence[str],
    near: tuple[dict[str, list[int]], dict[str, list[int]]],
) -> str | None:
    """The first frequent name (in `frequent` order) that `name` looks like a misspelling of."""
    mine = counts[name]
    if mine > 2 or len(name) < 5:
        return None
    enough, size = max(3, 3 * mine), len(name)
    starts, ends = near
    for index in sorted({*starts.get(name[:2], []), *ends.get(name[-2:], [])}):
        other = frequent[index]
        if (
            abs(len(other) - size) <= 1  # what _one_edit_apart checks first, without a call
            and counts[other] >= enough
            and _one_edit_apart(name, other)
            and not is_inflection(name, other)
        ):
            return other
    return None


def lint_episode(
    episode: Episode,
    timeline: Timeline,
    rules: SubtitleRules,
    channel_names: Counter[str] | None = None,
    lexicon: Lexicon = EMPTY_LEXICON,
) -> list[Finding]:
    """Findings for one episode; names are counted in the episode itself unless
    `channel_names` gives the counts of the whole channel."""
    path = episode.path
    # Template text is checked by rendering, not by the linter: only the sections' blocks.
    blocks = list(_section_texts(episode))
    # The names in all blocks, in one search (a name never spans two lines).
    met = _NAME.findall("\n".join(text for _, text in blocks))
    names = Counter(met) if channel_names is None else channel_names
    frequent = [n for n, c in names.most_common() if c >= 3 and len(n) >= 5]
    near = _near_index(frequent)
    variants: dict[str, str] = {}  # the names met that may be misspellings, and of what
    for name in set(met):
        if names[name] <= 2 and len(name) >= 5:  # (_variant_of's first test, without a call)
            other = _variant_of(name, names, frequent, near)
            if other:
                variants[name] = other
    findings: list[Finding] = []  # in any order: sorted (and duplicates dropped) at the end
    for block, text in blocks:
        line = block.line
        for name in variants.keys() & _NAME.findall(text) if variants else ():
            other = variants[name]
            findings.append(
                Finding(
                    path,
                    line,
                    f"'{name}' may be a misspelling of '{other}' (used {names[other]} times)",
                )
            )
        if _MARKUP_CHARS.search(text):
            findings.extend(_markup(path, line, text))
        if isinstance(block, Visual):
            continue
        findings.extend(_balance(path, line, text))
        for sentence in block.sentences:
            words = len(sentence.text.split())
            if words > LONG_SENTENCE_WORDS:
                findings.append(
                    Finding(
                        path,
                        line,
                        f"a sentence of {words} words is hard to narrate "
                        f'(over {LONG_SENTENCE_WORDS}): "{_start(sentence.text)}"',
                    )
                )
            if sentence.lexicon is not lexicon and not _may_be_unspeakable(sentence.text):
                continue  # only letters and plain punctuation: nothing to guess
            # (Spoken with this lexicon already, the sentence knows its guesses.)
            for token in sentence.unspeakable(lexicon):
                said = f"'{token.spoken}'" if token.spoken else "nothing"
                findings.append(
                    Finding(
                        path,
                        line,
                        f"'{token.display}' cannot be said as words (the voice would "
                        f"say {said}): rewrite it or add it to voices/lexicon.toml",
                    )
                )
    findings.extend(_cue_findings(episode, timeline, rules))
    return sorted(set(findings), key=lambda f: (f.line, f.message))


def _may_be_unspeakable(text: str) -> bool:
    """False only for text in which find_unspeakable can find nothing: letters, spaces and
    plain punctuation, without a digit or any other character that counts (², ½, Ⅳ)."""
    if _MAYBE_UNSPEAKABLE.search(text):
        return True
    return not text.isascii() and any(ch.isnumeric() for ch in text)


def _start(text: str, words: int = 8) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


def _markup(path: str, line: int, text: str) -> list[Finding]:
    match = _MARKUP.search(text)
    if not match:
        return []
    return [Finding(path, line, f"leftover markup '{match.group(0)}' would be read or shown")]


def _balance(path: str, line: int, text: str) -> list[Finding]:
    found = []
    for opening, closing in _PAIRS:
        if text.count(opening) != text.count(closing):
            found.append(Finding(path, line, f"unbalanced {opening} {closing} in the paragraph"))
    if text.count('"') % 2:
        found.append(Finding(path, line, 'unbalanced " in the paragraph'))
    return found


def _cue_findings(episode: Episode, timeline: Timeline, rules: SubtitleRules) -> list[Finding]:
    from toolkit.outputs.subtitles import check_cues

    problems = check_cues(timeline.cues, rules)
    return [Finding(episode.path, 0, f"subtitles: {p}") for p in problems]
