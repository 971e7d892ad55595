"""Compact spectral features of speech for alignment: floored log-mel cepstra, 10 ms apart.

Takes 16-bit mono PCM at any rate; gives one float32 row per 10 ms frame (frame k covers
the 25 ms starting at k * 10 ms). Two recordings compared with each other must use the
same band limit (`fmax`), so a telephone-rate file and a studio file see the same bands.

What makes a human recording comparable with synthetic speech:
- each mel band is floored some 30 dB under its own peak, so room tone in a pause looks
  like the digital silence of the synthetic voice;
- optionally, sustained background (a ~1 s running low percentile per band: a music bed,
  hum, steady hiss) is subtracted from the power before the floor;
- cepstra are normalised to zero mean and unit variance over the whole file.
The work runs over blocks of frames so memory stays proportional to the number of frames.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

import numpy as np
import numpy.typing as npt

FRAME_MS = 10
WINDOW_MS = 25
MEL_BANDS = 40
CEPSTRA = 13
FMIN_HZ = 80.0
FMAX_HZ = 7600.0
FLOOR_DB = 30.0
BLOCK_FRAMES = 2048  # frames per block of spectral work

Floats = npt.NDArray[np.float32]


def pcm_samples(pcm: bytes) -> npt.NDArray[np.int16]:
    """The samples of signed 16-bit little-endian PCM (an odd trailing byte is dropped)."""
    return np.frombuffer(pcm[: len(pcm) - len(pcm) % 2], dtype="<i2")


def band_limit(*rates: int) -> float:
    """The highest frequency all of these sample rates can carry, capped at FMAX_HZ."""
    return min(FMAX_HZ, *(0.475 * r for r in rates))


def frame_count(samples: int, rate: int) -> int:
    """How many 10 ms frames `samples` samples at `rate` hold (at least one if any)."""
    return max(0, -(-samples * 1000 // (rate * FRAME_MS))) if samples else 0


def _mel(hz: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    return 2595.0 * np.log10(1.0 + hz / 700.0)


@functools.cache
def _filterbank(rate: int, n_fft: int, fmax: float) -> Floats:
    """Triangular mel filters as a (bins, bands) matrix."""
    edges_mel = np.linspace(_mel(np.array(FMIN_HZ)), _mel(np.array(fmax)), MEL_BANDS + 2)
    edges = 700.0 * (10.0 ** (edges_mel / 2595.0) - 1.0)
    freqs = np.arange(n_fft // 2 + 1) * rate / n_fft
    bank = np.zeros((freqs.size, MEL_BANDS), dtype=np.float64)
    for b in range(MEL_BANDS):
        lo, mid, hi = edges[b], edges[b + 1], edges[b + 2]
        rise = (freqs - lo) / max(mid - lo, 1e-9)
        fall = (hi - freqs) / max(hi - mid, 1e-9)
        bank[:, b] = np.clip(np.minimum(rise, fall), 0.0, None)
        if not bank[:, b].any():  # narrower than a bin: take the nearest bin
            bank[int(np.argmin(np.abs(freqs - mid))), b] = 1.0
    return bank.astype(np.float32)


@functools.cache
def _dct(bands: int, cepstra: int) -> Floats:
    n = np.arange(bands)
    k = np.arange(cepstra)[:, None]
    basis: Floats = np.cos(np.pi * k * (2 * n + 1) / (2 * bands)).T.astype(np.float32)
    return basis * np.float32(np.sqrt(2.0 / bands))


def mel_power(samples: npt.NDArray[np.int16], rate: int, fmax: float) -> Floats:
    """Mel band power per 10 ms frame, shape (frames, MEL_BANDS)."""
    win = max(8, round(rate * WINDOW_MS / 1000))
    n_fft = 1 << (win - 1).bit_length()
    window = np.hanning(win).astype(np.float32)
    bank = _filterbank(rate, n_fft, fmax)
    out = np.empty((frame_count(samples.size, rate), MEL_BANDS), dtype=np.float32)
    for first, block in _frame_blocks(samples, rate):
        spectrum = np.fft.rfft(block * window, n=n_fft, axis=1)
        power = (spectrum.real**2 + spectrum.imag**2).astype(np.float32)
        out[first : first + len(block)] = power @ bank
    return out


def running_floor(power: Floats, width: int = 100, quantile: float = 0.2) -> Floats:
    """Per band, a low quantile of the power over `width` frames around each frame: the
    sustained background (evaluated every width/10 frames, held in between)."""
    frames, bands = power.shape
    step = max(1, width // 10)
    half = width // 2
    padded = np.concatenate(
        (np.repeat(power[:1], half, axis=0), power, np.repeat(power[-1:], half + step, axis=0))
    )
    count = -(-frames // step)
    windows = np.lib.stride_tricks.sliding_window_view(padded, width, axis=0)[::step][:count]
    rank = int(quantile * (width - 1))
    est = np.empty((count, bands), dtype=np.float32)
    chunk = max(1, (1 << 22) // (bands * width))
    for first in range(0, count, chunk):
        part = np.array(windows[first : first + chunk])
        est[first : first + chunk] = np.partition(part, rank, axis=-1)[..., rank]
    held: Floats = np.repeat(est, step, axis=0)[:frames]
    return held


def log_mel(power: Floats, floor_db: float = FLOOR_DB) -> Floats:
    """dB per band, floored `floor_db` under each band's (robust) peak."""
    db: Floats = (10.0 * np.log10(power + 1e-10)).astype(np.float32)
    if db.shape[0] == 0:
        return db
    peak = np.percentile(db, 99.5, axis=0).astype(np.float32)
    floored: Floats = np.maximum(db, peak - floor_db)
    return floored


def features(
    pcm: bytes,
    rate: int,
    fmax: float | None = None,
    *,
    subtract_background: bool = False,
) -> Floats:
    """Normalised cepstra, shape (frames, CEPSTRA), one row per 10 ms of `pcm`."""
    samples = pcm_samples(pcm)
    power = mel_power(samples, rate, band_limit(rate) if fmax is None else fmax)
    if subtract_background and power.shape[0]:
        power = np.maximum(power - running_floor(power), 0.05 * power)
    ceps = log_mel(power) @ _dct(MEL_BANDS, CEPSTRA)
    if ceps.shape[0]:
        ceps -= ceps.mean(axis=0)
        ceps /= ceps.std(axis=0) + 1e-6
    return ceps.astype(np.float32)


def frame_energy_db(pcm: bytes, rate: int) -> Floats:
    """RMS level in dBFS of each 10 ms frame (25 ms window): for snapping onsets."""
    samples = pcm_samples(pcm)
    out = np.empty(frame_count(samples.size, rate), dtype=np.float32)
    for first, block in _frame_blocks(samples, rate):
        out[first : first + len(block)] = 10.0 * np.log10((block**2).mean(axis=1) + 1e-10)
    return out


def _frame_blocks(samples: npt.NDArray[np.int16], rate: int) -> Iterator[tuple[int, Floats]]:
    """The 25 ms window of every 10 ms frame, scaled to -1..1 and zero-padded past the end,
    BLOCK_FRAMES frames at a time so memory stays bounded: (first frame, windows)."""
    frames = frame_count(samples.size, rate)
    win = max(8, round(rate * WINDOW_MS / 1000))
    offsets = np.arange(win)
    for first in range(0, frames, BLOCK_FRAMES):
        count = min(BLOCK_FRAMES, frames - first)
        starts = (np.arange(first, first + count, dtype=np.int64) * rate * FRAME_MS) // 1000
        lo = int(starts[0])
        hi = int(starts[-1]) + win
        chunk = np.zeros(hi - lo, dtype=np.float32)
        piece = samples[lo:hi].astype(np.float32) / 32768.0
        chunk[: piece.size] = piece
        yield first, chunk[(starts - lo)[:, None] + offsets]
