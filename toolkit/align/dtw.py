"""Dynamic time warping of a recording's feature frames onto a reference's, in a band.

Takes two feature arrays (rows are 10 ms frames): the recording ("rows", the target) and
the reference ("columns"). Gives the warping path as one reference frame per recording
frame, never decreasing, starting at (0, 0) and ending at (last, last).

Step pattern: every recording frame advances by one; the reference advances by 0 to
MAX_ADVANCE frames. Advancing the reference by k > 1 (many reference frames squeezed onto
one recording frame, a "vertical" step) costs (1 + VERTICAL * (k - 1)) times the local cost,
so a sentence's start is not squeezed into the pause before it. Each row depends only on the
one before, so a row is a handful of numpy operations over its window.

Coarse-to-fine: a pass over frames averaged 16 to 1 inside a band around the diagonal, then
4 to 1 and 1 to 1 passes in a corridor around the previous path. Memory (one byte of
back-pointer per cell) and time grow linearly with length for a fixed band.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

MAX_ADVANCE = 4
VERTICAL = 2.0
CELLS_PER_BLOCK = 1 << 21  # local costs computed this many at a time

Floats = npt.NDArray[np.float32]
Ints = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Plan:
    """How to search: the pooling factors from coarse to fine, the first pass's band
    half-width (frames at full rate) and the corridor half-width of the later passes."""

    factors: tuple[int, ...] = (16, 4, 1)
    band_frames: int = 6000  # 60 s
    band_fraction: float = 0.1  # ... or this fraction of the longer input, if wider
    corridor: int = 40  # frames at each finer pass's own rate


def pool(feats: Floats, factor: int) -> Floats:
    """Average every `factor` consecutive rows (the last group may be shorter)."""
    if factor == 1:
        return feats
    n = feats.shape[0]
    full = n // factor
    out = np.empty((-(-n // factor), feats.shape[1]), dtype=np.float32)
    out[:full] = feats[: full * factor].reshape(full, factor, -1).mean(axis=1)
    if full < out.shape[0]:
        out[full] = feats[full * factor :].mean(axis=0)
    return out


def step_weights(vertical: float = VERTICAL) -> Floats:
    """Weight of the local cost for a reference advance of 0 .. MAX_ADVANCE frames."""
    k = np.arange(MAX_ADVANCE + 1, dtype=np.float32)
    return np.where(k <= 1, 1.0, 1.0 + vertical * (k - 1)).astype(np.float32)


def forward(
    rows: Floats,
    cols: Floats,
    lo: Ints,
    width: int,
    free_start: int = 1,
    weights: Floats | None = None,
) -> tuple[npt.NDArray[np.int8], Floats]:
    """The accumulated-cost pass: back-pointers (the advance taken into each cell) and the
    cost of the cheapest path into each cell of the last row's window."""
    n, m = rows.shape[0], cols.shape[0]
    weight = (step_weights() if weights is None else weights)[None, :, None]
    back = np.zeros((n, width), dtype=np.int8)
    inf = np.float32(np.inf)
    offsets = np.arange(width)
    block = max(1, CELLS_PER_BLOCK // (width * (MAX_ADVANCE + 1)))
    # The previous row lives in `buf` between MAX_ADVANCE and width + MAX_ADVANCE infinite
    # cells: column lo[i] + t came from lo[i-1] + t + shift - k, found at buf index
    # MAX_ADVANCE + t + shift - k, that is row (MAX_ADVANCE - k + shift) of `view`.
    buf = np.full(2 * width + 2 * MAX_ADVANCE + 1, inf, dtype=np.float32)
    view = np.lib.stride_tricks.sliding_window_view(buf, width)
    select = MAX_ADVANCE - np.arange(MAX_ADVANCE + 1)
    prev = buf[MAX_ADVANCE : MAX_ADVANCE + width]
    for first in range(0, n, block):
        last = min(n, first + block)
        idx = lo[first:last, None] + offsets
        valid = idx < m
        idx = np.minimum(idx, m - 1)
        diff = rows[first:last, None, :] - cols[idx]
        local = np.sqrt(np.einsum("rwc,rwc->rw", diff, diff))
        local[~valid] = inf
        weighted = weight * local[:, None, :]
        for i in range(first, last):
            if i == 0:
                prev[:] = inf
                prev[: max(1, free_start)] = local[0, : max(1, free_start)]
                continue
            shift = int(lo[i] - lo[i - 1])
            if shift > width:
                prev[:] = inf
                shift = 0
            total = view[select + shift] + weighted[i - first]
            choice = total.argmin(axis=0)
            prev[:] = total[choice, offsets]
            back[i] = choice
    return back, prev.copy()


def backtrack(back: npt.NDArray[np.int8], lo: Ints, end: int) -> Ints:
    """The path (a column per row) that ends in column `end` of the last row."""
    n = back.shape[0]
    path = np.empty(n, dtype=np.int64)
    j = end
    for i in range(n - 1, -1, -1):
        path[i] = j
        if i:
            j -= int(back[i, j - lo[i]])
    return path


def warp(
    rows: Floats,
    cols: Floats,
    lo: Ints,
    width: int,
    free_start: int = 1,
    free_end: int = 1,
    vertical: float = VERTICAL,
) -> Ints:
    """The cheapest path when row i may only visit columns lo[i] .. lo[i] + width - 1.

    The path starts in one of the first `free_start` columns and ends in one of the last
    `free_end`. `lo` must not decrease, lo[0] must be 0 and the last window must hold the
    last column. Returns the column of the path at each row."""
    n, m = rows.shape[0], cols.shape[0]
    back, final = forward(rows, cols, lo, width, free_start, step_weights(vertical))
    ends = np.arange(width) + lo[n - 1]
    final = np.where(ends >= m - max(1, free_end), final, np.float32(np.inf))
    return backtrack(back, lo, int(ends[int(np.argmin(final))]))


def _band(n: int, m: int, half: int) -> tuple[Ints, int]:
    """Windows of `half` columns either side of the straight diagonal."""
    centre = (np.arange(n, dtype=np.int64) * (m - 1)) // max(1, n - 1)
    width = min(m, 2 * half + 1)
    lo = np.clip(centre - half, 0, m - width)
    lo[0] = 0
    lo = np.maximum.accumulate(lo)
    return lo, width


def _corridor(coarse_path: Ints, factor: int, n: int, m: int, half: int) -> tuple[Ints, int]:
    """Windows around a path found at `factor` times coarser resolution."""
    rows = np.arange(n) // factor
    r_lo = np.maximum(rows - 1, 0)
    r_hi = np.minimum(rows + 1, coarse_path.size - 1)
    lo = coarse_path[r_lo] * factor - half
    hi = (coarse_path[r_hi] + 1) * factor + half
    width = int(min(m, int((hi - lo).max())))
    lo = np.clip(lo, 0, m - width)
    lo[0] = 0
    lo[-1] = m - width
    lo = np.maximum.accumulate(lo)
    return lo.astype(np.int64), width


def align(
    rows: Floats,
    cols: Floats,
    plan: Plan = Plan(),
    free_start: int = 1,
    free_end: int = 1,
    vertical: float = VERTICAL,
) -> Ints:
    """The reference frame matched to each recording frame, coarse to fine. The path may
    start in any of the first `free_start` reference frames and end in any of the last
    `free_end` (silence padded around the reference, say); `vertical` is the extra weight
    per reference frame skipped in one step."""
    n, m = rows.shape[0], cols.shape[0]
    if n == 0 or m == 0:
        raise ValueError("cannot align an empty sequence")
    path: Ints | None = None
    prev_factor = 1
    for factor in plan.factors:
        pr, pc = pool(rows, factor), pool(cols, factor)
        nr, nc = pr.shape[0], pc.shape[0]
        if path is None:
            if factor > 1 and max(nr, nc) < 64:
                continue  # too short to pool this far
            half = max(plan.band_frames, int(plan.band_fraction * max(n, m))) // factor
            lo, width = _band(nr, nc, half)
        else:
            ratio = prev_factor // factor
            lo, width = _corridor(path, ratio, nr, nc, plan.corridor)
        ends = -(-free_start // factor), -(-free_end // factor)
        path = warp(pr, pc, lo, width, *ends, vertical=vertical)
        prev_factor = factor
    assert path is not None
    return path


# Matching a short query anywhere in a span: rows are the query, which must be used whole;
# the span's frames advance 0..MAX_ADVANCE per query frame (0 costs double: many query
# frames on one span frame).
QUERY_WEIGHTS = np.array([2.0, 1.0, 1.2, 1.6, 2.0], dtype=np.float32)


def match_costs(query: Floats, span: Floats) -> tuple[Floats, npt.NDArray[np.int8]]:
    """For each span frame, the cost (per query frame) of the query ending there, starting
    anywhere; and the back-pointers to recover the match."""
    n, m = query.shape[0], span.shape[0]
    lo = np.zeros(n, dtype=np.int64)
    back, final = forward(query, span, lo, m, free_start=m, weights=QUERY_WEIGHTS)
    return final / np.float32(n), back


def match_at(back: npt.NDArray[np.int8], end: int) -> Ints:
    """The span frame matched to each query frame, for the match ending at `end`."""
    return backtrack(back, np.zeros(back.shape[0], dtype=np.int64), end)
