"""Split narrated sentences into subtitle cues under the channel's rule profile.

A cue is a run of tokens inside one paragraph: usually a sentence or a part of one, and
sometimes two short sentences together, so nothing flashes by faster than the minimum
duration. Cues break only between tokens (so each cue's spoken text is exact) and lines
break only between words, preferring punctuation and never splitting an article from its
noun, a preposition from its object or a first name from a last name.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from toolkit.channel import SubtitleRules
from toolkit.errors import EpisodeError
from toolkit.text.assemble import Episode, Sentence
from toolkit.text.speak import Token, spoken_text
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
# Common adjectives that usually come straight before their noun ("hot weather").
ADJECTIVES = frozenset(
    "hot cold warm cool old new young great small large big little long short high low "
    "good bad best worst dark light black white red green blue grey gray golden brown "
    "deep shallow heavy thin thick wide narrow huge tiny vast rich poor early late first "
    "last next final whole entire single double main chief local royal public private "
    "dead wild strange famous ancient modern foreign open secret severe sudden quiet "
    "loud bright fierce fine grand strong weak full empty true false real major minor "
    "same other own only further former latter certain several many few more most".split()
)
# Pairs said as one unit: a subtitle never separates them.
SET_PHRASES = frozenset(
    {("thank", "you"), ("thanks", "to"), ("see", "you"), ("each", "other"), ("of", "course")}
)
AUXILIARIES = frozenset("is was were are be been had has have will would could should".split())
_SENTENCE_END = (".", "!", "?", "…", '."', '!"', '?"', ".”", "!”", "?”", ".)", ".'", "?'")
_CLAUSE_END = (",", ";", ":", "—", "–", ",”", ',"')
# A cue may stay on screen this long after its words to reach the minimum duration,
# and a little longer, into a pause, to be readable at the profile's reading speed.
MAX_LINGER_MS = 500
MAX_READING_LINGER_MS = 1200
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
    if (lower, after.lower().strip(",.;:!?\"'”’")) in SET_PHRASES or lower in DETERMINERS:
        cost += 10.0
    elif lower in PREPOSITIONS:
        cost += 6.0
    elif b[:1].isupper() and after[:1].isupper() and b.isalpha():
        cost += 6.0  # first and last name, or a place: "Ada Morrow", "New York"
    elif b in MONTHS or (b[:1].isdigit() and after[:1].isalpha()):
        cost += 4.0  # "3 March", "March 3", "112 steps"
    elif lower in AUXILIARIES:
        cost += 2.0
    elif (
        b.islower()
        and after[:1].islower()
        and after.isalpha()
        and (lower in ADJECTIVES or lower.endswith(_ADJECTIVE_ENDINGS))
    ):
        cost += 4.0  # an adjective before its noun
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


def _best_breaks(
    words: Sequence[str], rules: SubtitleRules
) -> tuple[float, tuple[int, ...]] | None:
    """The best line breaks (word indexes) for a cue and their cost: () when one line
    fits, None when no layout fits."""
    width = rules.max_line_chars
    n = len(words)
    ends = list(itertools.accumulate(len(w) + 1 for w in words))  # ends[i]: after word i
    total = ends[-1] - 1 if ends else 0
    if total <= width:
        return 0.0, ()
    if rules.max_lines < 2:
        return None
    best: tuple[float, tuple[int, ...]] | None = None
    for p in range(1, n):
        first = ends[p - 1] - 1
        second = total - ends[p - 1]
        if first > width:
            break
        if second > width:
            continue
        cost = break_cost(words[p - 1], words[p]) + abs(first - second) / 6.0
        if best is None or cost < best[0]:
            best = (cost, (p,))
    if best is None and rules.max_lines >= 3:
        for p in range(1, n - 1):
            for q in range(p + 1, n):
                lengths = (ends[p - 1] - 1, ends[q - 1] - ends[p - 1] - 1, total - ends[q - 1])
                if max(lengths) > width:
                    continue
                cost = break_cost(words[p - 1], words[p]) + break_cost(words[q - 1], words[q])
                cost += (max(lengths) - min(lengths)) / 6.0
                if best is None or cost < best[0]:
                    best = (cost, (p, q))
    return best


def _best_breaks_known(
    words: Sequence[str], ends: Sequence[int], pairs: Sequence[float], rules: SubtitleRules
) -> tuple[float, tuple[int, ...]] | None:
    """`_best_breaks` (the same result) for words whose running ends (`ends[i]`: after
    word i) and break costs (`pairs[p]`: before word p) are already known: the splitter
    asks this for every longer prefix of a sentence, so it looks only at the breaks that
    leave the second line short enough."""
    width = rules.max_line_chars
    n = len(words)
    total = ends[n - 1] - 1
    if total <= width:
        return 0.0, ()
    if rules.max_lines < 2:
        return None
    best: tuple[float, tuple[int, ...]] | None = None
    # The second line fits from the first p with ends[p - 1] >= total - width on.
    for p in range(bisect.bisect_left(ends, total - width, 0, n - 1) + 1, n):
        first = ends[p - 1] - 1
        if first > width:
            break
        cost = pairs[p] + abs(first - (total - ends[p - 1])) / 6.0
        if best is None or cost < best[0]:
            best = (cost, (p,))
    if best is None and rules.max_lines >= 3:
        return _best_breaks(words[:n], rules)
    return best


def layout(words: Sequence[str], rules: SubtitleRules) -> tuple[str, ...] | None:
    """Lay words out in at most `max_lines` lines of `max_line_chars`; one line when it
    fits, else balanced lines broken at the best places. None when impossible."""
    found = _best_breaks(words, rules)
    if found is None:
        return None
    bounds = [0, *found[1], len(words)]
    return tuple(" ".join(words[a:b]) for a, b in itertools.pairwise(bounds))


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
    words_of: Sequence[Sequence[str]] | None = None,
) -> list[tuple[int, int]]:
    """Token ranges of one sentence, each fitting a cue; as few and as even as possible,
    cut where the text breaks naturally and where the lines inside lay out well.
    `words_of` (each token's display split into words) may be given when already known."""
    ranges: list[tuple[int, int]] = []
    start, n = 0, len(tokens)
    displays = [t.display for t in tokens]
    if words_of is None:
        words_of = [d.split() for d in displays]
    width = rules.max_line_chars
    max_chars, max_lines, max_cps = rules.max_cue_chars, rules.max_lines, rules.max_cps
    min_gap, min_duration = rules.min_gap_ms, rules.min_duration_ms
    while start < n:
        total_ms = sum(token_ms[start:n])
        chars = _display_len(tokens, start, n)
        if total_ms <= max_ms and chars <= max_chars:
            rest = [w for ws in words_of[start:n] for w in ws]
            if _greedy_lines(rest, width) <= max_lines:
                ranges.append((start, n))
                break
        pieces = max(
            2,
            math.ceil(chars / (max_chars * 0.92)),
            math.ceil(total_ms / (max_ms * 0.92)),
        )
        target = chars / pieces
        spread = max(target, 1.0)
        best_end, best_cost = start + 1, math.inf
        acc_ms, length, lines, used = 0, -1, 1, -1
        words: list[str] = []
        ends: list[int] = []  # after each word, as _best_breaks counts
        pairs: list[float] = []  # break cost before each word
        for end in range(start + 1, n):
            acc_ms += token_ms[end - 1]
            length += 1 + len(displays[end - 1])
            for w in words_of[end - 1]:  # greedy line filling grows word by word
                size = len(w)
                if used + 1 + size <= width:
                    used += 1 + size
                else:
                    lines, used = lines + 1, size
                pairs.append(break_cost(words[-1], w) if words else 0.0)
                ends.append((ends[-1] if ends else 0) + size + 1)
                words.append(w)
            if length > max_chars or acc_ms > max_ms or lines > max_lines:
                break
            cost = break_cost(displays[end - 1], displays[end])
            cost += 4.0 * abs(length - target) / spread
            # Inside a sentence a piece is on screen only while it is said: keep it readable.
            if length * 1000 > max_cps * max(acc_ms - min_gap, 1):
                cost += 6.0
            if acc_ms - min_gap < min_duration:
                cost += 8.0
            if length > width:
                inner = _best_breaks_known(words, ends, pairs, rules)
                cost += 0.5 * inner[0] if inner is not None else 20.0
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
        sentences = seg.sentences
        durations: list[list[int]] = []
        words: list[list[list[str]]] = []  # each token's words, per sentence
        after: list[tuple[int, int]] = []  # (pause, break strength) after each sentence
        paragraphs = seg.paragraphs
        for pi, para in enumerate(paragraphs):
            for ti, sentence in enumerate(para.sentences):
                words.append([t.display.split() for t in sentence.tokens])
                _check_words(sentence, words[-1], rules, episode.path)
                durations.append([token_ms(t) for t in sentence.tokens])
                if ti < len(para.sentences) - 1:
                    after.append((voice.sentence_pause_ms, 1))
                elif pi < len(paragraphs) - 1:
                    after.append((voice.paragraph_pause_ms, 2))
                else:
                    after.append((voice.segment_pause_ms, 3))
        packer = _Packer(sentences, durations, after, rules, max_ms)
        for k, sentence in enumerate(sentences):
            # Each word with the space after it, as " ".join(_words(tokens)) counts them.
            sizes = (sum(len(w) + 1 for w in ws) for ws in words[k])
            packer.chars_before.append([0, *itertools.accumulate(sizes)])
            for a, b in split_sentence(sentence.tokens, durations[k], rules, max_ms, words[k]):
                packer.groups.append([_Piece(k, a, b)])
        packer.merge_short()
        for group in packer.groups:
            cues.append(_make_cue(seg_index, group, sentences, index, rules))
        index += len(sentences)
    return tuple(cues)


@dataclass
class _Packer:
    """Groups of pieces (one cue each) of one segment; piece.sentence is segment-local."""

    sentences: Sequence[Sentence]
    durations: list[list[int]]
    after: list[tuple[int, int]]
    rules: SubtitleRules
    max_ms: int
    groups: list[list[_Piece]] = field(default_factory=list)
    # Running sums per sentence (index i: tokens before i), so a group's length in time and
    # in characters costs a few subtractions however often the packer asks. chars_before
    # is filled in by the caller, which has the words at hand.
    chars_before: list[list[int]] = field(default_factory=list)
    _ms_before: list[list[int]] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        self._ms_before = [[0, *itertools.accumulate(d)] for d in self.durations]

    def _gap(self, piece: _Piece) -> tuple[int, int]:
        if piece.end < len(self.sentences[piece.sentence].tokens):
            return 0, 0
        return self.after[piece.sentence]

    def ms(self, group: Sequence[_Piece]) -> int:
        total = 0
        last = len(group) - 1
        for n, piece in enumerate(group):
            before = self._ms_before[piece.sentence]
            total += before[piece.end] - before[piece.start]
            if n < last:
                total += self._gap(piece)[0]
        return total

    def chars(self, group: Sequence[_Piece]) -> int:
        """len(" ".join(_words(self.tokens(group)))), from the running sums."""
        total = 0
        for piece in group:
            before = self.chars_before[piece.sentence]
            total += before[piece.end] - before[piece.start]
        return max(total - 1, 0)

    def tokens(self, group: Sequence[_Piece]) -> list[Token]:
        return [t for p in group for t in self.sentences[p.sentence].tokens[p.start : p.end]]

    def shown(self, group: Sequence[_Piece], linger: int) -> int:
        """How long the cue can stay on screen: while it is said, then into the pause
        after it (at most `linger`), always ending the minimum gap before the next cue."""
        pause = self._gap(group[-1])[0]
        ms = self.ms(group)
        return min(ms + pause - self.rules.min_gap_ms, ms + linger)

    def needs_help(self, group: Sequence[_Piece]) -> bool:
        rules = self.rules
        ms = self.ms(group)
        pause = self._gap(group[-1])[0]
        # shown(group, linger), with the group's length worked out once
        reading = min(ms + pause - rules.min_gap_ms, ms + MAX_READING_LINGER_MS)
        if self.chars(group) * 1000 > rules.max_cps * reading:
            return True
        return min(ms + pause - rules.min_gap_ms, ms + MAX_LINGER_MS) < rules.min_duration_ms

    def fits(self, group: Sequence[_Piece]) -> bool:
        # Joining is the last resort for a cue too short to read: it may use the whole
        # maximum duration, not only the planning margin the splitter keeps.
        rules = self.rules
        limit = max(self.max_ms, rules.max_duration_ms - rules.min_gap_ms)
        if self.ms(group) > limit or self.chars(group) > rules.max_cue_chars:
            return False  # what _fits would say, before it lists the words
        return _fits(self.tokens(group), rules, self.ms(group), limit)

    def merge_short(self) -> None:
        """Join a piece too short (or too fast) to read with a neighbour when the two fit
        one cue: first within its paragraph, then across a paragraph break; failing that,
        move over the nearest words of the neighbouring sentence."""
        groups = self.groups
        for level in (1, 2):
            i = 0
            while i < len(groups):
                if not self.needs_help(groups[i]):
                    i += 1
                    continue
                candidates = [j for j in (i + 1, i - 1) if 0 <= j < len(groups)]
                candidates.sort(key=lambda j: self._gap(groups[min(i, j)][-1])[1])
                for j in candidates:
                    a, b = min(i, j), max(i, j)
                    if self._gap(groups[a][-1])[1] > level:
                        continue
                    if self.fits(groups[a] + groups[b]):
                        groups[a : b + 1] = [groups[a] + groups[b]]
                        i = a
                        break
                else:
                    if level == 2 and self.steal(i):
                        i += 1
                        continue
                    i += 1

    def steal(self, i: int) -> bool:
        groups = self.groups
        for j in (i + 1, i - 1):
            if not 0 <= j < len(groups) or len(groups[j]) != 1:
                continue
            donor = groups[j][0]
            tokens = self.sentences[donor.sentence].tokens
            best: tuple[float, list[_Piece], list[_Piece]] | None = None
            for cut in range(donor.start + 1, donor.end):
                if j > i:
                    joined = [*groups[i], _Piece(donor.sentence, donor.start, cut)]
                    kept = [_Piece(donor.sentence, cut, donor.end)]
                else:
                    joined = [_Piece(donor.sentence, cut, donor.end), *groups[i]]
                    kept = [_Piece(donor.sentence, donor.start, cut)]
                if not self.fits(joined) or self.needs_help(joined) or self.needs_help(kept):
                    continue
                cost = break_cost(tokens[cut - 1].display, tokens[cut].display)
                if best is None or cost < best[0]:
                    best = (cost, joined, kept)
            if best is not None:
                groups[i], groups[j] = best[1], best[2]
                return True
        return False


def _make_cue(
    segment: int,
    group: Sequence[_Piece],
    sentences: Sequence[Sentence],
    base: int,
    rules: SubtitleRules,
) -> Cue:
    tokens = [t for p in group for t in sentences[p.sentence].tokens[p.start : p.end]]
    lines = layout(_words(tokens), rules)
    if lines is None:  # unreachable: pieces are only made when they fit
        raise EpisodeError("a cue could not be laid out", line=sentences[0].line or None)
    return Cue(
        segment=segment,
        first=(base + group[0].sentence, group[0].start),
        last=(base + group[-1].sentence, group[-1].end - 1),
        lines=lines,
        spoken=spoken_text(tuple(tokens)),
    )


def _check_words(
    sentence: Sentence, words: Sequence[Sequence[str]], rules: SubtitleRules, path: str
) -> None:
    width = rules.max_line_chars
    for token_words in words:
        for word in token_words:
            if len(word) > width:
                raise EpisodeError(
                    f"a word of {len(word)} characters cannot fit a subtitle line of "
                    f"{rules.max_line_chars} ({word[:24]}…)",
                    path=path,
                    line=sentence.line or None,
                    hint="shorten it or put spaces in it",
                )
