"""Split narrated sentences into subtitle cues under the channel's rule profile.

A cue is a run of tokens inside one paragraph: usually a sentence or a part of one, and
sometimes two short sentences together, so nothing flashes by faster than the minimum
duration. Cues break only between tokens (so each cue's spoken text is exact) and lines
break only between words, preferring punctuation and never splitting an article from its
noun, a preposition from its object or a first name from a last name.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from toolkit.assemble import Episode, Sentence
from toolkit.channel import SubtitleRules
from toolkit.errors import EpisodeError
from toolkit.speak import Token
from toolkit.voice import VoiceProfile

# Words that must stay with the word after them.
DETERMINERS = frozenset(
    "a an the this that these those his her its their our my your no every each some any "
    "whose which what".split()
)
PREPOSITIONS = frozenset(
    "of in on at to for with by from into onto over under about after before between "
    "through during without against among across behind beyond near toward towards upon "
    "within along around off past via per than like".split()
)
CONJUNCTIONS = frozenset(
    "and but or nor because which who whom whose that when while although though where "
    "so yet until since if as whereas".split()
)
MONTHS = frozenset(
    "January February March April May June July August September October November December".split()
)
AUXILIARIES = frozenset("is was were are be been had has have will would could should".split())
_SENTENCE_END = (".", "!", "?", "…", '."', '!"', '?"', ".”", "!”", "?”", ".)", ".'", "?'")
_CLAUSE_END = (",", ";", ":", "—", "–", ",”", ',"')
# A cue may stay on screen this long after its words to reach the minimum duration.
MAX_LINGER_MS = 500
_ADJECTIVE_ENDINGS = ("ful", "ous", "ive", "ic", "able", "ible", "less", "ish", "ary", "ian", "ese")


@dataclass(frozen=True)
class Cue:
    segment: int
    first: tuple[int, int]  # (sentence index in the episode, token index)
    last: tuple[int, int]  # inclusive
    lines: tuple[str, ...]  # display text laid out in lines
    spoken: str

    @property
    def text(self) -> str:
        return " ".join(self.lines)


@lru_cache(maxsize=131072)
def break_cost(before: str, after: str) -> float:
    """Cost of a line or cue break between two words: negative is a natural place."""
    if before.endswith(_SENTENCE_END):
        return -3.0
    if before.endswith(_CLAUSE_END) or after in ("—", "–") or after.startswith(("(", "—")):
        return -2.0
    b = before.strip("\"'“”‘’(")
    lower = b.lower()
    cost = 0.0
    if lower in DETERMINERS:
        cost += 10.0
    elif lower in PREPOSITIONS:
        cost += 6.0
    elif b[:1].isupper() and after[:1].isupper() and b.isalpha():
        cost += 6.0  # first and last name, or a place: "Ada Morrow", "New York"
    elif b in MONTHS or (b[:1].isdigit() and after[:1].isalpha()):
        cost += 4.0  # "3 March", "March 3", "112 steps"
    elif lower in AUXILIARIES:
        cost += 2.0
    elif b.islower() and lower.endswith(_ADJECTIVE_ENDINGS) and after[:1].islower():
        cost += 2.0  # probably an adjective before its noun
    if after.lower().strip("\"'“‘(") in CONJUNCTIONS:
        cost -= 1.0
    return cost


def _greedy_lines(words: Sequence[str], width: int) -> int:
    lines, used = 1, -1
    for w in words:
        if used + 1 + len(w) <= width:
            used += 1 + len(w)
        else:
            lines += 1
            used = len(w)
    return lines


def layout(words: Sequence[str], rules: SubtitleRules) -> tuple[str, ...] | None:
    """Lay words out in at most `max_lines` lines of `max_line_chars`; one line when it
    fits, else balanced lines broken at the best places. None when impossible."""
    width = rules.max_line_chars
    text = " ".join(words)
    if len(text) <= width:
        return (text,)
    if rules.max_lines < 2 or _greedy_lines(words, width) > rules.max_lines:
        return None
    n = len(words)
    best: tuple[float, tuple[str, ...]] | None = None

    def consider(parts: list[int]) -> None:
        nonlocal best
        bounds = [0, *parts, n]
        lines = tuple(" ".join(words[a:b]) for a, b in itertools.pairwise(bounds))
        if any(len(line) > width for line in lines):
            return
        lengths = [len(line) for line in lines]
        cost = sum(break_cost(words[p - 1], words[p]) for p in parts)
        cost += (max(lengths) - min(lengths)) / 6.0
        if best is None or cost < best[0]:
            best = (cost, lines)

    for p in range(1, n):
        consider([p])
    if best is None and rules.max_lines >= 3:
        for p in range(1, n - 1):
            for q in range(p + 1, n):
                consider([p, q])
    return None if best is None else best[1]


@dataclass(frozen=True)
class _Piece:
    sentence: int
    start: int  # token index, inclusive
    end: int  # exclusive


def _display_len(tokens: Sequence[Token], start: int, end: int) -> int:
    return sum(len(t.display) for t in tokens[start:end]) + (end - start - 1)


def _words(tokens: Sequence[Token]) -> list[str]:
    return [w for t in tokens for w in t.display.split()]


def _fits(tokens: Sequence[Token], rules: SubtitleRules, ms: int, max_ms: int) -> bool:
    if ms > max_ms:
        return False
    words = _words(tokens)
    if len(" ".join(words)) > rules.max_cue_chars:
        return False
    return _greedy_lines(words, rules.max_line_chars) <= rules.max_lines


def split_sentence(
    tokens: Sequence[Token],
    token_ms: Sequence[int],
    rules: SubtitleRules,
    max_ms: int,
) -> list[tuple[int, int]]:
    """Token ranges of one sentence, each fitting a cue; as few and as even as possible."""
    ranges: list[tuple[int, int]] = []
    start, n = 0, len(tokens)
    while start < n:
        total_ms = sum(token_ms[start:n])
        if _fits(tokens[start:n], rules, total_ms, max_ms):
            ranges.append((start, n))
            break
        chars = _display_len(tokens, start, n)
        pieces = max(
            2,
            math.ceil(chars / (rules.max_cue_chars * 0.92)),
            math.ceil(total_ms / (max_ms * 0.92)),
        )
        target = chars / pieces
        best_end, best_cost = start + 1, math.inf
        acc_ms = 0
        for end in range(start + 1, n):
            acc_ms += token_ms[end - 1]
            length = _display_len(tokens, start, end)
            if length > rules.max_cue_chars or acc_ms > max_ms:
                break
            if not _fits(tokens[start:end], rules, acc_ms, max_ms):
                continue
            cost = break_cost(tokens[end - 1].display, tokens[end].display)
            cost += 4.0 * abs(length - target) / max(target, 1.0)
            if cost < best_cost:
                best_end, best_cost = end, cost
        ranges.append((start, best_end))
        start = best_end
    return ranges


def split_cues(
    episode: Episode,
    rules: SubtitleRules,
    voice: VoiceProfile,
    token_ms: Callable[[Token], int],
) -> tuple[Cue, ...]:
    """All cues of the episode, in order. Raises EpisodeError for a word that cannot fit."""
    cues: list[Cue] = []
    max_ms = int(rules.max_duration_ms * 0.9)  # room for the real voice to run slower
    index = 0
    for seg_index, seg in enumerate(episode.segments):
        paragraphs = seg.paragraphs
        for pi, para in enumerate(paragraphs):
            pieces: list[_Piece] = []
            piece_ms: list[int] = []
            pause: list[int] = []
            for ti, sentence in enumerate(para.sentences):
                _check_words(sentence, rules, episode.path)
                durations = [token_ms(t) for t in sentence.tokens]
                ranges = split_sentence(sentence.tokens, durations, rules, max_ms)
                for k, (a, b) in enumerate(ranges):
                    pieces.append(_Piece(index + ti, a, b))
                    piece_ms.append(sum(durations[a:b]))
                    if k < len(ranges) - 1:
                        pause.append(0)
                    elif ti < len(para.sentences) - 1:
                        pause.append(voice.sentence_pause_ms)
                    elif pi < len(paragraphs) - 1:
                        pause.append(voice.paragraph_pause_ms)
                    else:
                        pause.append(voice.segment_pause_ms)
            groups = _merge_short(pieces, piece_ms, pause, para.sentences, index, rules, max_ms)
            for group in groups:
                cues.append(_make_cue(seg_index, group, para.sentences, index, rules))
            index += len(para.sentences)
    return tuple(cues)


def _group_tokens(group: Sequence[_Piece], sentences: Sequence[Sentence], base: int) -> list[Token]:
    return [t for p in group for t in sentences[p.sentence - base].tokens[p.start : p.end]]


def _merge_short(
    pieces: list[_Piece],
    piece_ms: list[int],
    pause: list[int],
    sentences: Sequence[Sentence],
    base: int,
    rules: SubtitleRules,
    max_ms: int,
) -> list[list[_Piece]]:
    """Join a piece too short to read with its neighbour when the two fit one cue."""
    groups = [[p] for p in pieces]
    ms = list(piece_ms)
    gaps = list(pause)
    i = 0
    while i < len(groups):
        shown = ms[i] + min(max(gaps[i] - rules.min_gap_ms, 0), MAX_LINGER_MS)
        if shown >= rules.min_duration_ms or len(groups) == 1:
            i += 1
            continue
        merged = False
        for j in (i + 1, i - 1):
            if not 0 <= j < len(groups):
                continue
            a, b = min(i, j), max(i, j)
            tokens = _group_tokens(groups[a] + groups[b], sentences, base)
            joined_ms = ms[a] + gaps[a] + ms[b]
            if _fits(tokens, rules, joined_ms, max_ms):
                groups[a : b + 1] = [groups[a] + groups[b]]
                ms[a : b + 1] = [joined_ms]
                gaps[a : b + 1] = [gaps[b]]
                i = a
                merged = True
                break
        if not merged:
            i += 1
    return groups


def _make_cue(
    segment: int,
    group: Sequence[_Piece],
    sentences: Sequence[Sentence],
    base: int,
    rules: SubtitleRules,
) -> Cue:
    tokens = _group_tokens(group, sentences, base)
    lines = layout(_words(tokens), rules)
    if lines is None:  # unreachable: pieces are only made when they fit
        raise EpisodeError("a cue could not be laid out", line=sentences[0].line or None)
    spoken = " ".join(t.spoken for t in tokens if t.spoken)
    return Cue(
        segment=segment,
        first=(group[0].sentence, group[0].start),
        last=(group[-1].sentence, group[-1].end - 1),
        lines=lines,
        spoken=spoken,
    )


def _check_words(sentence: Sentence, rules: SubtitleRules, path: str) -> None:
    for token in sentence.tokens:
        for word in token.display.split():
            if len(word) > rules.max_line_chars:
                raise EpisodeError(
                    f"a word of {len(word)} characters cannot fit a subtitle line of "
                    f"{rules.max_line_chars} ({word[:24]}…)",
                    path=path,
                    line=sentence.line or None,
                    hint="shorten it or put spaces in it",
                )
