"""Carry times from one rendition of a text onto another rendition of the same text.

Takes two renditions (16-bit mono little-endian PCM, any rates), for example the offline
voice and the natural voice saying one sentence; gives, for each time in the reference, the
corresponding time in the target, by spectral features and dynamic time warping. Sorted
times map to sorted times; every result lies within the target's length.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from toolkit.align.dtw import align
from toolkit.align.features import FRAME_MS, band_limit, features, pcm_samples

PAD_MS = 300  # silence added around the reference
# Two voices saying one sentence differ in rhythm more than a recording and its reference
# differ in pace: squeezing reference frames is cheaper here than in dtw's default.
# Measured on Piper sentences against the voice's own word starts (12 sentences, 133
# words): p95 101 -> 67 ms, worst 196 -> 110 ms, median 20 ms either way.
VERTICAL = 1.0


def reference_to_target(path: np.ndarray, times_ms: Sequence[int], ref_frames: int) -> list[int]:
    """For each reference time, the first target frame whose path reaches it, in ms."""
    frames = np.clip(np.asarray(times_ms, dtype=np.int64) // FRAME_MS, 0, ref_frames - 1)
    rows = np.searchsorted(path, frames, side="left")
    return [int(r) * FRAME_MS for r in np.minimum(rows, path.size - 1)]


def warp_times(
    reference_pcm: bytes,
    reference_rate: int,
    target_pcm: bytes,
    target_rate: int,
    times_ms: Sequence[int],
) -> tuple[int, ...]:
    """Where each of `times_ms` (in the reference) falls in the target, in ms."""
    if not times_ms:
        return ()
    target_ms = pcm_samples(target_pcm).size * 1000 // target_rate
    if not pcm_samples(reference_pcm).size or not target_ms:
        return tuple(0 for _ in times_ms)
    fmax = band_limit(reference_rate, target_rate)
    # Silence around the reference gives the target's own leading and trailing silence
    # somewhere to go, so the first word is not pinned to the target's first frame.
    pad = bytes(2 * (reference_rate * PAD_MS // 1000))
    ref = features(pad + reference_pcm + pad, reference_rate, fmax)
    tgt = features(target_pcm, target_rate, fmax)
    pad_frames = PAD_MS // FRAME_MS
    path = align(tgt, ref, free_start=pad_frames, free_end=pad_frames, vertical=VERTICAL)
    mapped = reference_to_target(path, [t + PAD_MS for t in times_ms], ref.shape[0])
    return tuple(min(t, target_ms) for t in mapped)
