"""Split narrated sentences into subtitle cues under the channel's rule profile.

A cue is a run of tokens inside one paragraph: usually a sentence or a part of one, and
sometimes two short sentences together, so nothing flashes by faster than the minimum
duration. Cues break only between tokens (so each cue's spoken text is exact) and lines
break only between words, preferring punctuation and never splitting an article from its
noun, a preposition from its object or a first name from a last name.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from toolkit.channel import SubtitleRules
from toolkit.errors import EpisodeError
from toolkit.text.assemble import Episode, Sentence
from toolkit.text.speak import Token
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


@dataclass(frozen=True, slots=True)
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


# A piece is (sentence, start, end): tokens start..end-1 of a sentence of the segment.
_Piece = tuple[int, int, int]
# A group is the pieces shown as one cue, with their speaking time (the pauses between
# them included), their characters with a space after each word, the pause and the
# break strength after the last piece, and the line break of a piece as the splitter
# laid it out (0: not known).
_Group = tuple[tuple[_Piece, ...], int, int, int, int, int]
# Whitespace other than a plain space: str.split() splits at it too.
_OTHER_SPACE = re.compile(r"[^\S ]")
_plus_one = (1).__add__


@dataclass(slots=True)
class _Sentence:
    """One sentence's tokens as running sums, worked out once: splitting, packing and
    laying out then ask about any run of tokens with a few subtractions.

    Token t's words are words[word_at[t]:word_at[t + 1]]. Words i..j-1 take
    word_ends[j] - word_ends[i] - 1 characters on one line, and tokens a..b-1 printed as
    they are display_ends[b] - display_ends[a] - 1 (the two differ only for a token whose
    display holds more than one space between two words). Break costs are worked out
    only for a sentence that is split (`costs`): most of the others need a few only."""

    tokens: tuple[Token, ...]
    displays: list[str]  # each token's display
    words: list[str]  # the printed words (`displays` itself when `single`)
    word_at: Sequence[int]  # len(tokens) + 1 entries
    word_ends: list[int]  # characters of the words before word j, each with a space
    display_ends: list[int]  # characters of the displays before token t, each with a space
    ms_before: list[int]  # speaking time of the tokens before token t
    chars_before: list[int]  # word_ends at each token's first word
    single: bool  # each display is one word: words, word_ends and costs are per token
    pair_costs: list[float] | None = None  # break_cost between words j - 1 and j
    cut_costs: list[float] | None = None  # break_cost between the displays of t - 1 and t

    def costs(self) -> tuple[list[float], list[float]]:
        """pair_costs and cut_costs (0.0 at index 0), worked out the first time."""
        pair_costs, cut_costs = self.pair_costs, self.cut_costs
        if pair_costs is None or cut_costs is None:
            words = self.words
            pair_costs = [0.0, *map(break_cost, words, itertools.islice(words, 1, None))]
            if self.single:
                cut_costs = pair_costs
            else:
                displays = self.displays
                cut_costs = [0.0, *map(break_cost, displays, itertools.islice(displays, 1, None))]
            self.pair_costs, self.cut_costs = pair_costs, cut_costs
        return pair_costs, cut_costs


def _prepare(
    sentence: Sentence,
    tokens_ms: Callable[[Sequence[Token]], Iterable[int]],
    rules: SubtitleRules,
    path: str,
) -> _Sentence:
    """The sentence's running sums. Raises EpisodeError for a word longer than a line."""
    tokens = sentence.tokens
    displays = [t.display for t in tokens]
    joined = " ".join(displays)
    # One word a token (the usual case) when the only spaces are the ones put between them.
    single = (
        joined.count(" ") == len(displays) - 1
        and "" not in displays
        and _OTHER_SPACE.search(joined) is None
    )
    words = displays if single else joined.split()
    if words and max(map(len, words)) > rules.max_line_chars:
        _check_words(sentence, words, rules, path)
    word_ends = list(itertools.accumulate(map(_plus_one, map(len, words)), initial=0))
    ms_before = list(itertools.accumulate(tokens_ms(tokens), initial=0))
    if single:
        at = range(len(tokens) + 1)
        return _Sentence(
            tokens, displays, words, at, word_ends, word_ends, ms_before, word_ends, True
        )
    word_at = [0, *itertools.accumulate([len(d.split()) for d in displays])]
    display_ends = list(itertools.accumulate(map(_plus_one, map(len, displays)), initial=0))
    chars_before = [word_ends[j] for j in word_at]
    return _Sentence(
        tokens, displays, words, word_at, word_ends, display_ends, ms_before, chars_before, False
    )


def _tokens_ms(token_ms: Callable[[Token], int]) -> Callable[[Sequence[Token]], Iterable[int]]:
    """token_ms for a sentence's tokens at once: a RateModel's own `tokens_ms` when
    `token_ms` is its method (the same times, in one call a sentence)."""
    from toolkit.timing.timeline import RateModel  # here: timeline imports this module

    owner = getattr(token_ms, "__self__", None)
    if type(owner) is RateModel and getattr(token_ms, "__func__", None) is RateModel.token_ms:
        return owner.tokens_ms
    return functools.partial(map, token_ms)


def _two_lines(
    words: Sequence[str],
    word_ends: Sequence[int],
    pair_costs: Sequence[float] | None,
    first: int,
    end: int,
    width: int,
) -> tuple[float, int]:
    """The best break of words first..end-1 into two lines of at most `width`, as
    `_best_breaks` scores it: (cost, index of the second line's first word), or (inf, 0)
    when no two lines fit. Only the breaks that leave the second line short enough are
    looked at, found by bisection on the running sums; their costs come from `pair_costs`
    when the sentence has them, else from break_cost."""
    best, cut = math.inf, 0
    start_chars = word_ends[first] + 1
    end_chars = word_ends[end]
    for p in range(bisect.bisect_left(word_ends, end_chars - width - 1, first + 1, end), end):
        used = word_ends[p] - start_chars
        if used > width:
            break
        pair = pair_costs[p] if pair_costs is not None else break_cost(words[p - 1], words[p])
        cost = pair + abs(used - (end_chars - word_ends[p] - 1)) / 6.0
        if cost < best:
            best, cut = cost, p
    return best, cut


def _split_sentence(s: _Sentence, rules: SubtitleRules, max_ms: int) -> list[tuple[int, int, int]]:
    """Token ranges of one sentence, each fitting a cue; as few and as even as possible,
    cut where the text breaks naturally and where the lines inside lay out well. Each
    range comes with its line break (the second line's first word) when it was worked
    out on the way, else 0."""
    ranges: list[tuple[int, int, int]] = []
    start, n = 0, len(s.tokens)
    words, word_at, word_ends = s.words, s.word_at, s.word_ends
    display_ends, ms_before = s.display_ends, s.ms_before
    width = rules.max_line_chars
    max_chars, max_lines, max_cps = rules.max_cue_chars, rules.max_lines, rules.max_cps
    min_gap, min_duration = rules.min_gap_ms, rules.min_duration_ms
    # The lines' share of a cut's cost is at least half the sentence's lowest break cost
    # (never above 0.0, the cost of one line) for each line break: a cut already that far
    # behind the best cannot win, so its lines are not worked out (strict `<` below keeps
    # the first of equal costs either way). Known once the sentence is split.
    lines_floor = 0.0
    costs: tuple[list[float], list[float]] | None = None
    last_word = len(words)
    bisect_right = bisect.bisect_right
    inf = math.inf
    while start < n:
        first_word = word_at[start]
        # Greedy line filling from here: words before `filled` fit max_lines lines.
        filled = first_word
        for _ in range(max_lines):
            if filled >= last_word:
                break
            limit = word_ends[filled] + width + 1
            filled = bisect_right(word_ends, limit, filled + 1, last_word + 1) - 1
        total_ms = ms_before[n] - ms_before[start]
        chars = display_ends[n] - display_ends[start] - 1
        if total_ms <= max_ms and chars <= max_chars and filled >= last_word:
            ranges.append((start, n, 0))
            break
        if costs is None:
            costs = s.costs()
            lines_floor = 0.5 * min(costs[0]) * (max_lines - 1)  # costs[0][0] is 0.0
        pair_costs, cut_costs = costs
        pieces = max(
            2,
            math.ceil(chars / (max_chars * 0.92)),
            math.ceil(total_ms / (max_ms * 0.92)),
        )
        target = chars / pieces
        spread = max(target, 1.0)
        best_end, best_cost, best_cut = start + 1, inf, 0
        chars_base = display_ends[start] + 1
        ms_base = ms_before[start]
        line_base = word_ends[first_word] + 1
        # The ends to try stop before the first that is too long or whose words do not
        # fit the lines (both found by bisection), or that takes too long to say.
        stop = min(
            bisect_right(display_ends, chars_base + max_chars, start + 1, n),
            bisect_right(word_at, filled, start + 1, n),
        )
        for end in range(start + 1, stop):
            acc_ms = ms_before[end] - ms_base
            if acc_ms > max_ms:
                break
            length = display_ends[end] - chars_base
            off = length - target  # abs() and max() spelt out: this loop is the hot one
            cost = cut_costs[end] + 4.0 * (off if off >= 0 else -off) / spread
            # Inside a sentence a piece is on screen only while it is said: keep it readable.
            said = acc_ms - min_gap
            if length * 1000 > max_cps * (said if said > 1 else 1):
                cost += 6.0
            if said < min_duration:
                cost += 8.0
            cut = 0
            if length > width:
                if cost + lines_floor >= best_cost:
                    continue
                last = word_at[end]
                if word_ends[last] - line_base > width:  # else one line, which costs 0.0
                    inner = inf
                    if max_lines >= 2:
                        inner, cut = _two_lines(
                            words, word_ends, pair_costs, first_word, last, width
                        )
                        if inner == inf and max_lines >= 3:
                            found = _best_breaks(words[first_word:last], rules)
                            inner = found[0] if found is not None else inf
                    cost += 0.5 * inner if inner != inf else 20.0
            if cost < best_cost:
                best_end, best_cost, best_cut = end, cost, cut
        ranges.append((start, best_end, best_cut))
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
    tokens_ms = _tokens_ms(token_ms)
    # (pause, break strength) after a sentence: inside a paragraph, ending one, ending the
    # segment.
    within = (voice.sentence_pause_ms, 1)
    closing = (voice.paragraph_pause_ms, 2)
    final = (voice.segment_pause_ms, 3)
    for seg_index, seg in enumerate(episode.segments):
        sentences: list[_Sentence] = []
        after: list[tuple[int, int]] = []  # after each sentence
        packer = _Packer(sentences, after, rules, max_ms)
        paragraphs = seg.paragraphs
        last_pi = len(paragraphs) - 1
        for pi, para in enumerate(paragraphs):
            last_ti = len(para.sentences) - 1
            for ti, sentence in enumerate(para.sentences):
                prepared = _prepare(sentence, tokens_ms, rules, episode.path)
                sentences.append(prepared)
                after.append(within if ti < last_ti else closing if pi < last_pi else final)
                packer.add(len(sentences) - 1, _split_sentence(prepared, rules, max_ms))
        packer.merge_short()
        line = seg.sentences[0].line if seg.sentences else 0
        for group in packer.groups:
            cues.append(_make_cue(seg_index, group, sentences, index, rules, line))
        index += len(sentences)
    return tuple(cues)


class _Packer:
    """Groups of pieces (one cue each) of one segment, and whether each needs help."""

    def __init__(
        self,
        sentences: Sequence[_Sentence],
        after: Sequence[tuple[int, int]],
        rules: SubtitleRules,
        max_ms: int,
    ) -> None:
        self.sentences = sentences
        self.after = after
        self.rules = rules
        # Joining is the last resort for a cue too short to read: it may use the whole
        # maximum duration, not only the planning margin the splitter keeps.
        self.limit_ms = max(max_ms, rules.max_duration_ms - rules.min_gap_ms)
        self.groups: list[_Group] = []
        self.helps: list[bool] = []  # needs_help of each group
        self.needs_help = _reading_check(rules)

    def group(self, k: int, start: int, end: int) -> _Group:
        """The group of one piece."""
        s = self.sentences[k]
        pause, strength = self.after[k] if end == len(s.tokens) else (0, 0)
        ms = s.ms_before[end] - s.ms_before[start]
        spaced = s.chars_before[end] - s.chars_before[start]
        return ((k, start, end),), ms, spaced, pause, strength, 0

    def add(self, k: int, ranges: Sequence[tuple[int, int, int]]) -> None:
        """The pieces of sentence k, one group each (as `group` makes them)."""
        s = self.sentences[k]
        ms_before, chars_before, n = s.ms_before, s.chars_before, len(s.tokens)
        pause, strength = self.after[k]
        groups, helps, needs_help = self.groups, self.helps, self.needs_help
        for start, end, cut in ranges:
            ms = ms_before[end] - ms_before[start]
            spaced = chars_before[end] - chars_before[start]
            if end == n:
                groups.append((((k, start, end),), ms, spaced, pause, strength, cut))
                helps.append(needs_help(ms, spaced, pause))
            else:
                groups.append((((k, start, end),), ms, spaced, 0, 0, cut))
                helps.append(needs_help(ms, spaced, 0))

    def fits(self, ms: int, spaced: int, pieces: Sequence[_Piece]) -> bool:
        """Whether pieces said in `ms` with `spaced` characters fit one cue."""
        rules = self.rules
        if ms > self.limit_ms or max(spaced - 1, 0) > rules.max_cue_chars:
            return False
        words = [w for k, a, b in pieces for w in _piece_words(self.sentences[k], a, b)]
        return _greedy_lines(words, rules.max_line_chars) <= rules.max_lines

    def set(self, i: int, group: _Group) -> None:
        self.groups[i] = group
        self.helps[i] = self.needs_help(group[1], group[2], group[3])

    def merge_short(self) -> None:
        """Join a piece too short (or too fast) to read with a neighbour when the two fit
        one cue: first within its paragraph, then across a paragraph break; failing that,
        move over the nearest words of the neighbouring sentence."""
        groups, helps = self.groups, self.helps
        for level in (1, 2):
            i = 0
            while True:
                try:
                    i = helps.index(True, i)  # the groups in between need no help
                except ValueError:
                    break
                candidates = [j for j in (i + 1, i - 1) if 0 <= j < len(groups)]
                candidates.sort(key=lambda j: groups[min(i, j)][4])
                for j in candidates:
                    a, b = min(i, j), max(i, j)
                    first, second = groups[a], groups[b]
                    if first[4] > level:
                        continue
                    ms = first[1] + first[3] + second[1]
                    spaced = first[2] + second[2]
                    pieces = first[0] + second[0]
                    if self.fits(ms, spaced, pieces):
                        del groups[b], helps[b]
                        self.set(a, (pieces, ms, spaced, second[3], second[4], 0))
                        i = a
                        break
                else:
                    if level == 2:
                        self.steal(i)
                    i += 1

    def steal(self, i: int) -> None:
        """Move the words of a neighbouring one-piece cue nearest to cue i over to it, at the
        best break that leaves both readable, if there is one."""
        groups = self.groups
        pieces, ms, spaced, pause, _, _ = groups[i]
        for j in (i + 1, i - 1):
            if not 0 <= j < len(groups) or len(groups[j][0]) != 1:
                continue
            (k, start, end), donor_pause = groups[j][0][0], groups[j][3]
            s = self.sentences[k]
            ms_before, chars_before = s.ms_before, s.chars_before
            cut_costs = s.costs()[1]
            best_cost, best_cut = math.inf, 0
            for cut in range(start + 1, end):
                cost = cut_costs[cut]
                if cost >= best_cost:  # cannot be chosen: not worth the checks below
                    continue
                head_ms = ms_before[cut] - ms_before[start]
                tail_ms = ms_before[end] - ms_before[cut]
                head_chars = chars_before[cut] - chars_before[start]
                tail_chars = chars_before[end] - chars_before[cut]
                if j > i:  # the donor's head joins the end of cue i
                    if self.needs_help(ms + pause + head_ms, spaced + head_chars, 0):
                        continue
                    if self.needs_help(tail_ms, tail_chars, donor_pause):
                        continue
                    joined = (*pieces, (k, start, cut))
                    if not self.fits(ms + pause + head_ms, spaced + head_chars, joined):
                        continue
                else:  # the donor's tail joins the start of cue i
                    if self.needs_help(tail_ms + donor_pause + ms, tail_chars + spaced, pause):
                        continue
                    if self.needs_help(head_ms, head_chars, 0):
                        continue
                    joined = ((k, cut, end), *pieces)
                    if not self.fits(tail_ms + donor_pause + ms, tail_chars + spaced, joined):
                        continue
                best_cost, best_cut = cost, cut
            if best_cut:
                head, tail = self.group(k, start, best_cut), self.group(k, best_cut, end)
                if j > i:
                    self.set(i, _merged(groups[i], head))
                    self.set(j, tail)
                else:
                    self.set(i, _merged(tail, groups[i]))
                    self.set(j, head)
                return


def _reading_check(rules: SubtitleRules) -> Callable[[int, int, int], bool]:
    """needs_help(ms, spaced, pause) under these rules: whether a cue said in `ms`, of
    `spaced` characters (a space after each word), with `pause` after it, is too short or
    too fast to read."""
    min_gap, max_cps, min_duration = rules.min_gap_ms, rules.max_cps, rules.min_duration_ms

    def needs_help(ms: int, spaced: int, pause: int) -> bool:
        reading = min(ms + pause - min_gap, ms + MAX_READING_LINGER_MS)
        if max(spaced - 1, 0) * 1000 > max_cps * reading:
            return True
        return min(ms + pause - min_gap, ms + MAX_LINGER_MS) < min_duration

    return needs_help


def _merged(first: _Group, second: _Group) -> _Group:
    """Group `first` followed by group `second`, as one cue."""
    pieces, ms, spaced, pause, _, _ = first
    return pieces + second[0], ms + pause + second[1], spaced + second[2], *second[3:5], 0


def _piece_words(s: _Sentence, start: int, end: int) -> list[str]:
    return s.words[s.word_at[start] : s.word_at[end]]


def _make_cue(
    segment: int,
    group: _Group,
    sentences: Sequence[_Sentence],
    base: int,
    rules: SubtitleRules,
    line: int,
) -> Cue:
    pieces, cut = group[0], group[5]
    lines: tuple[str, ...] | None
    first, last = pieces[0], pieces[-1]
    if len(pieces) == 1:
        k, start, end = first
        s = sentences[k]
        spoken = [t.spoken for t in s.tokens[start:end]]
        if cut:
            words, word_at = s.words, s.word_at
            lines = " ".join(words[word_at[start] : cut]), " ".join(words[cut : word_at[end]])
        else:
            lines = _piece_layout(s, start, end, rules)
    else:
        spoken = [t.spoken for k, a, b in pieces for t in sentences[k].tokens[a:b]]
        lines = layout([w for k, a, b in pieces for w in _piece_words(sentences[k], a, b)], rules)
    if lines is None:  # unreachable: pieces are only made when they fit
        raise EpisodeError("a cue could not be laid out", line=line or None)
    # What spoken_text() says for the tokens: their spoken texts that are not empty.
    return Cue(
        segment,
        (base + first[0], first[1]),
        (base + last[0], last[2] - 1),
        lines,
        " ".join(filter(None, spoken)),
    )


def _piece_layout(
    s: _Sentence, start: int, end: int, rules: SubtitleRules
) -> tuple[str, ...] | None:
    """layout() of the words of tokens start..end-1, from the sentence's running sums."""
    words, word_ends = s.words, s.word_ends
    first, last = s.word_at[start], s.word_at[end]
    width = rules.max_line_chars
    if word_ends[last] - word_ends[first] - 1 <= width:
        return (" ".join(words[first:last]),)
    if rules.max_lines >= 2:
        cut = _two_lines(words, word_ends, s.pair_costs, first, last, width)[1]
        if cut:
            return " ".join(words[first:cut]), " ".join(words[cut:last])
    return layout(words[first:last], rules)  # three lines, or none


def _check_words(sentence: Sentence, words: Sequence[str], rules: SubtitleRules, path: str) -> None:
    width = rules.max_line_chars
    for word in words:
        if len(word) > width:
            raise EpisodeError(
                f"a word of {len(word)} characters cannot fit a subtitle line of "
                f"{rules.max_line_chars} ({word[:24]}…)",
                path=path,
                line=sentence.line or None,
                hint="shorten it or put spaces in it",
            )
