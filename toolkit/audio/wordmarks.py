"""Align the engine's word marks with the tokens of a sentence.

The engine reports where words start in its audio, but not for every word (espeak joins
"of the" into one unit, about 4% of words get no event) and gTTS reports none at all.
Words with a mark take it; the others are interpolated by character position between the
neighbouring marks, anchored at the start and the end of the sentence's audio.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from toolkit.audio.engine import Speech, WordMark
from toolkit.text.speak import Token
from toolkit.timing.timeline import SentenceTime


def spoken_offsets(tokens: Sequence[Token]) -> tuple[list[int], str]:
    """Character offset of each token's spoken text in the joined spoken sentence (-1 for
    a token that says nothing), and that sentence."""
    offsets: list[int] = []
    parts: list[str] = []
    pos = 0
    for token in tokens:
        if token.spoken:
            if parts:
                pos += 1
            offsets.append(pos)
            parts.append(token.spoken)
            pos += len(token.spoken)
        else:
            offsets.append(-1)
    return offsets, " ".join(parts)


def _interpolate(anchors: list[tuple[int, int]], offset: int) -> int:
    for (c0, t0), (c1, t1) in itertools.pairwise(anchors):
        if c0 <= offset <= c1:
            if c1 == c0:
                return t0
            return round(t0 + (t1 - t0) * (offset - c0) / (c1 - c0))
    return anchors[-1][1]


def token_times(
    tokens: Sequence[Token], marks: Sequence[WordMark], duration_ms: int
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """When each token starts and ends being said, in ms from the sentence audio's start.

    Guarantees: starts never decrease, every time is within [0, duration_ms], a token's end
    is the next token's start (the last ends with the audio)."""
    offsets, text = spoken_offsets(tokens)
    length = len(text)
    marked: dict[int, int] = {}
    ordered = sorted(marks, key=lambda m: m.start)
    mi = 0
    word_starts = sorted({o for o in offsets if o >= 0})
    # Each spoken word start takes the first mark that falls inside its token.
    for wi, start in enumerate(word_starts):
        end = word_starts[wi + 1] if wi + 1 < len(word_starts) else length + 1
        while mi < len(ordered) and ordered[mi].start < start:
            mi += 1
        if mi < len(ordered) and ordered[mi].start < end:
            marked[start] = ordered[mi].ms
    anchors = [(0, 0)] if 0 not in marked else []
    last_ms = 0
    for start in word_starts:
        if start in marked and marked[start] >= last_ms:
            anchors.append((start, marked[start]))
            last_ms = marked[start]
    anchors.append((length + 1, duration_ms))
    anchors.sort()
    starts: list[int] = []
    clock = 0
    for offset in offsets:
        if offset >= 0:
            at = marked.get(offset, _interpolate(anchors, offset))
            clock = min(max(clock, at), duration_ms)
        starts.append(clock)
    # A token that says nothing starts where the next spoken one does.
    for i in range(len(starts) - 2, -1, -1):
        if offsets[i] < 0:
            starts[i] = starts[i + 1]
    ends = [*starts[1:], duration_ms]
    ends = [max(e, s) for s, e in zip(starts, ends, strict=True)]
    return tuple(starts), tuple(ends)


def sentence_time(start_ms: int, tokens: Sequence[Token], speech: Speech) -> SentenceTime:
    """A sentence whose speech starts at `start_ms` of the joined audio: its span and the
    start and end of every token in it."""
    starts, ends = token_times(tokens, speech.words, speech.duration_ms)
    return SentenceTime(
        start_ms,
        start_ms + speech.duration_ms,
        tuple(start_ms + s for s in starts),
        tuple(start_ms + e for e in ends),
    )
