"""Align the creator's recording with the episode's script (the pure part: PCM in, times out).

Takes the episode, the offline voice's speech for each sentence (exact word times) and the
recording's PCM; gives, for every sentence the recording contains, when it and each of its
tokens start and end in the recording, a 0-1 confidence per sentence and the places where
recording and script disagree.

How: the reference (the sentences joined with long known pauses, `reference`) and the
recording become cepstral features (`features`, with the recording's sustained background
taken out) and are warped onto each other (`dtw`). Then, per sentence, the ratio of its span
in the recording to its length in the reference (relative to the median) flags trouble:
- far shorter: the sentence is not in the recording; it leaves the reference and the
  warp is done again, so its neighbours are not pulled towards it;
- far longer: something was said with it (an ad-lib or a retake). The sentence is looked
  for again inside its span and its neighbours' ends; the last good take wins and the rest
  is reported as speech that is not in the script.
Speech in the recording that the warp lays over a pause of the reference is reported too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from toolkit.align.dtw import MAX_ADVANCE, align, match_at, match_costs
from toolkit.align.features import FRAME_MS, band_limit, features
from toolkit.align.reference import LEAD_MS, Reference, render_reference
from toolkit.audio.engine import Speech
from toolkit.errors import EpisodeError, InputError
from toolkit.text.assemble import Episode
from toolkit.timing.timeline import SentenceTime

UNRECORDED = "unrecorded"
UNSCRIPTED = "unscripted"

SHORT_RATIO = 0.35  # span / reference length, relative to the median: not recorded
SHORTISH_RATIO = 0.6  # or its span is this much shorter than the median ...
COSTLY = 1.6  # a sentence this many times the median cost fits badly where it is ...
NOT_FOUND = 1.35  # ... and is not recorded if its best match nearby costs this much
LONG_RATIO = 1.1  # ... : something else was said with it
MIN_UNSCRIPTED_MS = 700  # shorter stray speech is not reported
RETAKE_SLACK = 1.25  # a later take wins if its cost is within this factor of the best
WRONG_SPREAD = 0.15  # median |log ratio| of sentence lengths: beyond, with ...
WRONG_JUMPS = 0.06  # ... this share of maximal jumps in speech, it is the wrong file
MAX_PASSES = 4
SAME_TAKE = 50  # frames: matches starting this close are one take
WORD_GAP = 30  # frames: quiet between the words of one stray sentence
NEAR_MS = 2000  # a misplaced sentence is looked for this far around its neighbours
TOO_SHORT = 0.4  # a recording under this share of the reference's speech is refused

Floats = npt.NDArray[np.float32]
Ints = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Mismatch:
    kind: str  # UNRECORDED or UNSCRIPTED
    sentence: int = -1  # the episode's sentence index (unrecorded)
    near_ms: int = 0  # where it would have been (unrecorded)
    start_ms: int = 0  # the stray speech (unscripted)
    end_ms: int = 0


@dataclass(frozen=True)
class Alignment:
    """Per episode sentence: its times in the recording (None: not recorded) and a
    confidence; the mismatches in recording order; the recording's length."""

    sentences: tuple[SentenceTime | None, ...]
    confidence: tuple[float, ...]
    mismatches: tuple[Mismatch, ...]
    duration_ms: int


@dataclass
class _Placed:
    """A sentence's span in recording frames and its token starts (frames)."""

    start: int
    end: int
    tokens: list[int]
    cost: float  # mean local cost over its frames


def _map_frames(path: Ints, frames: Sequence[int]) -> list[int]:
    """The first recording frame whose path reaches each reference frame."""
    rows = np.searchsorted(path, np.asarray(frames, dtype=np.int64), side="left")
    return [int(r) for r in np.minimum(rows, path.size)]


def _place(ref: Reference, path: Ints, local: Floats) -> list[_Placed]:
    placed: list[_Placed] = []
    for st in ref.sentences:
        start_f, end_f = (
            st.start_ms // FRAME_MS,
            max(st.start_ms // FRAME_MS + 1, st.end_ms // FRAME_MS),
        )
        start, end = _map_frames(path, [start_f, end_f])
        tokens = _map_frames(path, [t // FRAME_MS for t in st.token_starts])
        end = max(end, start + 1)
        cost = float(local[start:end].mean()) if end <= local.size else float(local[start:].mean())
        placed.append(_Placed(start, end, tokens, cost))
    return placed


def _ratios(ref: Reference, placed: list[_Placed]) -> Floats:
    raw = np.array(
        [
            (p.end - p.start) * FRAME_MS / max(1, st.end_ms - st.start_ms)
            for p, st in zip(placed, ref.sentences, strict=True)
        ],
        dtype=np.float32,
    )
    return raw / np.float32(max(1e-6, float(np.median(raw))))


def _local_costs(rec: Floats, ref_feats: Floats, path: Ints) -> Floats:
    diff = rec - ref_feats[path]
    out: Floats = np.sqrt(np.einsum("rc,rc->r", diff, diff)).astype(np.float32)
    return out


def _pause_frames(ref: Reference, frames: int) -> npt.NDArray[np.bool_]:
    """Reference frames outside every sentence."""
    pause = np.ones(frames, dtype=bool)
    for st in ref.sentences:
        pause[st.start_ms // FRAME_MS : st.end_ms // FRAME_MS] = False
    return pause


def _runs(mask: npt.NDArray[np.bool_], min_len: int) -> list[tuple[int, int]]:
    """[start, end) of each run of True at least `min_len` long."""
    padded = np.concatenate(([False], mask, [False])).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return [
        (int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True) if b - a >= min_len
    ]


def _neighbourhood(
    placed: list[_Placed], misfit: npt.NDArray[np.bool_], k: int, frames: int
) -> tuple[int, int]:
    """Recording frames between the well-fitting sentences around sentence k, and a margin."""
    before = next((placed[j].end for j in range(k - 1, -1, -1) if not misfit[j]), 0)
    after = next((placed[j].start for j in range(k + 1, len(placed)) if not misfit[j]), frames)
    margin = NEAR_MS // FRAME_MS
    return max(0, before - margin), min(frames, after + margin)


def _research(
    rec: Floats,
    query: Floats,
    lo: int,
    hi: int,
) -> tuple[int, int, list[int], float] | None:
    """The last good match of `query` in rec[lo:hi]: (start, end, frame per query frame,
    cost per frame), in recording frames."""
    if hi - lo < max(4, query.shape[0] // 4):
        return None
    costs, back = match_costs(query, rec[lo:hi])
    best = float(costs.min())
    if not np.isfinite(best):
        return None
    good = costs <= best * RETAKE_SLACK
    candidates = [
        int(j)
        for j in np.flatnonzero(good)
        if (j == 0 or costs[j] <= costs[j - 1])
        and (j + 1 == costs.size or costs[j] <= costs[j + 1])
    ] or [int(np.argmin(costs))]
    # Each good end with the start its match comes from; the takes are the distinct starts.
    # The last take wins, and its cheapest end.
    matches = [(int(match_at(back, j)[0]), j) for j in candidates]
    last_start = max(start for start, _ in matches)
    end = min(
        (j for start, j in matches if start >= last_start - SAME_TAKE), key=lambda j: costs[j]
    )
    frames = match_at(back, end)
    return lo + int(frames[0]), lo + end + 1, [lo + int(f) for f in frames], float(costs[end])


def align_recording(
    episode: Episode,
    speeches: Sequence[Speech],
    pcm: bytes,
    rate: int,
    recorded_rate: int | None = None,
) -> Alignment:
    """Where the script's sentences and tokens are in the recording (see the module).
    `recorded_rate`: the rate the recording was made at, if lower than `rate`."""
    count = len(episode.sentences)
    duration_ms = (len(pcm) // 2) * 1000 // rate
    spoken_ms = sum(s.duration_ms for s in speeches)
    if duration_ms < TOO_SHORT * spoken_ms:
        raise InputError(
            f"the recording is far shorter than the script: {duration_ms // 1000} s "
            f"for about {spoken_ms // 1000} s of speech",
            path=episode.path,
            hint="record the whole episode, or check the recording: line",
        )
    fmax = band_limit(rate, recorded_rate or rate, speeches[0].sample_rate)
    rec = features(pcm, rate, fmax, subtract_background=True)
    skip: set[int] = set()
    for _ in range(MAX_PASSES):
        ref = render_reference(episode, speeches, frozenset(skip))
        ref_feats = features(ref.pcm, ref.sample_rate, fmax, subtract_background=True)
        lead = LEAD_MS // FRAME_MS
        path = align(rec, ref_feats, free_start=lead, free_end=lead)
        local = _local_costs(rec, ref_feats, path)
        placed = _place(ref, path, local)
        ratios = _ratios(ref, placed)
        costs = np.array([p.cost for p in placed], dtype=np.float32)
        misfit = (costs > COSTLY * float(np.median(costs))) | (ratios < SHORTISH_RATIO)
        missing = ratios < SHORT_RATIO
        median_cost = float(np.median(costs))
        # Sentences that fit badly where they were put, in runs: each is looked for around
        # the run; the one whose best match is worst (and bad) was not recorded. One per
        # run and pass: the others usually fall into place once it is gone.
        for run in _runs(misfit & ~missing, 1):
            worst, worst_cost = -1, NOT_FOUND * median_cost
            for k in range(*run):
                lo, hi = _neighbourhood(placed, misfit, k, rec.shape[0])
                st = ref.sentences[k]
                q0 = st.start_ms // FRAME_MS
                q1 = max(q0 + 1, st.end_ms // FRAME_MS)
                found = _research(rec, ref_feats[q0:q1], lo, hi)
                cost = np.inf if found is None else found[3]
                if cost > worst_cost:
                    worst, worst_cost = k, cost
            if worst >= 0:
                missing[worst] = True
        short = {ref.kept[k] for k in np.flatnonzero(missing)}
        if not short or len(skip) + len(short) >= count:
            break
        skip |= short
    speech_cost = float(np.median([p.cost for p in placed]))
    # The wrong file still gets a path, but a wild one: sentence lengths all over the place
    # and many maximal jumps through the reference.
    speaking = ~_pause_frames(ref, ref_feats.shape[0])[path]
    steps = np.diff(path)[speaking[1:]]
    jumps = float(np.mean(steps >= MAX_ADVANCE)) if steps.size else 1.0
    spread = float(np.median(np.abs(np.log(np.maximum(ratios, 1e-3)))))
    if (spread > WRONG_SPREAD and jumps > WRONG_JUMPS) or len(skip) > count // 2:
        raise EpisodeError(
            "the recording does not follow the script (sentence lengths off by "
            f"{100 * (np.exp(spread) - 1):.0f}% typically, {len(skip)} of {count} sentences "
            "not found)",
            path=episode.path,
            hint="check that the recording named in the front matter is this episode's",
        )
    # Sentences that took far too long: look for them again, keep the last good take.
    for k in map(int, np.flatnonzero(ratios > LONG_RATIO)):
        p = placed[k]
        st = ref.sentences[k]
        q0, q1 = st.start_ms // FRAME_MS, max(st.start_ms // FRAME_MS + 1, st.end_ms // FRAME_MS)
        found = _research(rec, ref_feats[q0:q1], p.start, p.end)
        if found is None:
            continue
        start, end, frames, cost = found
        token_frames = [
            frames[min(len(frames) - 1, max(0, t // FRAME_MS - q0))] for t in st.token_starts
        ]
        placed[k] = _Placed(start, end, token_frames, cost)
    # Speech outside every sentence's span: what the warp laid over the reference's pauses,
    # and what a sentence looked for again did not keep.
    outside = np.ones(rec.shape[0], dtype=bool)
    for p in placed:
        outside[p.start : p.end] = False
    silence = ref_feats[: LEAD_MS // FRAME_MS].mean(axis=0)
    loud = np.sqrt(((rec - silence) ** 2).sum(axis=1)) > speech_cost
    stray = outside & loud
    pieces: list[tuple[int, int]] = []
    for a, b in _runs(stray, 1):
        # The words of one stray sentence, with the quiet between them.
        if pieces and a - pieces[-1][1] <= WORD_GAP and outside[pieces[-1][1] : a].all():
            pieces[-1] = (pieces[-1][0], b)
        else:
            pieces.append((a, b))
    unscripted = [p for p in pieces if p[1] - p[0] >= MIN_UNSCRIPTED_MS // FRAME_MS]
    return _compose(episode, ref, placed, local, speech_cost, skip, unscripted, duration_ms)


def _compose(
    episode: Episode,
    ref: Reference,
    placed: list[_Placed],
    local: Floats,
    speech_cost: float,
    skip: set[int],
    unscripted: list[tuple[int, int]],
    duration_ms: int,
) -> Alignment:
    count = len(episode.sentences)
    times: list[SentenceTime | None] = [None] * count
    confidence = [0.0] * count
    clock = 0
    for k, p in zip(ref.kept, placed, strict=True):
        start = max(clock, p.start * FRAME_MS)
        end = min(duration_ms, max(start + FRAME_MS, p.end * FRAME_MS))
        starts: list[int] = []
        at = start
        for t in p.tokens:
            at = min(end, max(at, t * FRAME_MS))
            starts.append(at)
        if starts:
            starts[0] = start
        ends = [*starts[1:], end]
        times[k] = SentenceTime(start, end, tuple(starts), tuple(ends))
        clock = end
        confidence[k] = round(float(np.clip(2.0 - p.cost / max(speech_cost, 1e-6), 0.0, 1.0)), 2)
    mismatches: list[Mismatch] = []
    for k in sorted(skip):
        before = [t.end_ms for t in times[:k] if t is not None]
        mismatches.append(Mismatch(UNRECORDED, sentence=k, near_ms=before[-1] if before else 0))
    for a, b in _merge(unscripted):
        mismatches.append(Mismatch(UNSCRIPTED, start_ms=a * FRAME_MS, end_ms=b * FRAME_MS))
    mismatches.sort(key=lambda m: m.near_ms if m.kind == UNRECORDED else m.start_ms)
    return Alignment(tuple(times), tuple(confidence), tuple(mismatches), duration_ms)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1] + 20:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out
