"""Encode narration PCM into a tagged, chaptered MP3 at podcast loudness, in one ffmpeg pass.

Loudness is measured here, on the PCM already in memory (ITU-R BS.1770-4), instead of by a
second ffmpeg pass: ffmpeg's one-pass `loudnorm` is slow and misses its target. The gain that
reaches the target is applied in the single encode, followed by ffmpeg's lookahead limiter
(`alimiter`), because synthetic speech peaks near full scale and gain alone would clip.
A limiter lowers loudness as it shaves peaks, so the gain is solved against a model of that
limiter (see `_predict_lufs`) rather than taken from the input loudness alone.

The output is reproducible byte for byte: ffmpeg runs in bitexact mode without metadata, and
mutagen writes the ID3v2.3 tag (title, artist, album, track, CHAP chapters and their CTOC).
"""

from __future__ import annotations

import itertools
import math
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import mutagen.id3
import numpy as np
import numpy.typing as npt

from toolkit.audio.ffmpeg import run_ffmpeg
from toolkit.errors import EngineError

TARGET_LUFS = -16.0  # Apple Podcasts; the design's quality table
# Sample-peak ceilings of the limiter, by MP3 bitrate (kb/s at least, dBFS). The limiter runs
# after resampling to the output rate, which exposes most inter-sample peaks; the MP3 coding
# then overshoots the ceiling, the more the lower the bitrate. With these ceilings, 10-minute
# files measured at most -1.7 dBTP, on espeak speech and on harsher synthetic signals.
LIMITS_DBFS = ((96, -2.5), (64, -3.5), (48, -4.5), (0, -5.5))
# alimiter's defaults. The release spans several pitch periods of a voice (2-10 ms), so
# the gain does not pump with each pulse; shorter settings saved < 0.3 LU of limiting.
ATTACK_MS = 5.0
RELEASE_MS = 50.0
# The finished file measures quieter than the limiter's output: libmp3lame's CBR quantisation
# loses ~0.45 dB on speech (a uniform scale of about 0.95 across the spectrum, at 64-192
# kb/s), and the limiter at the output rate catches inter-sample peaks the model, working at
# the input rate, does not see (~0.1 dB). Aim that much higher.
MP3_LEVEL_LOSS_DB = 0.55
# LAME quality 7 ("fast", no noise shaping) encodes 10 minutes in ~1.7 s against ~2.9 s for
# qualities 3-6 (the default). It keeps a 39 dB signal-to-noise ratio on speech at 96 kb/s;
# a draft to listen to does not need the slower noise shaping.
LAME_QUALITY = 7
MP3_SAMPLE_RATES = frozenset({8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000})

_TOLERANCE_LU = 0.02  # how close the solved gain must bring the prediction to the target
_MAX_LIMITER_PUSH_DB = 24.0  # give up raising the gain this far beyond the plain gain
_CHUNK_SAMPLES = 1 << 19  # bounds memory for hour-long episodes; small chunks stay in cache

FloatArray = npt.NDArray[np.float32]

# mutagen's frame constructors carry no type hints; one Any-typed handle keeps that contained.
_id3lib: Any = mutagen.id3


@dataclass(frozen=True)
class Tags:
    """ID3 text tags of the episode."""

    title: str
    artist: str
    album: str
    track: int
    genre: str | None = None  # e.g. "Podcast"
    year: int | None = None


@dataclass(frozen=True)
class Chapter:
    """A chapter of the audio, in milliseconds from its start."""

    start_ms: int
    end_ms: int
    title: str


@dataclass(frozen=True)
class EncodeReport:
    """What the encode did to the level of the audio."""

    gain_db: float  # applied before the limiter
    input_lufs: float | None  # integrated loudness of the PCM; None for silence
    duration_ms: int
    expected_lufs: float | None  # the model's prediction for the finished file


# --- loudness (ITU-R BS.1770-4) ---------------------------------------------------------


def _k_weighting(sample_rate: int) -> tuple[tuple[float, ...], ...]:
    """Biquad coefficients (b, a) of the K-weighting's two stages at any sample rate.

    The analogue prototypes are the ones libebur128 (and so ffmpeg's ebur128 filter) uses,
    which reproduce BS.1770's published 48 kHz coefficients exactly.
    """
    f0, gain_db, q = 1681.974450955533, 3.999843853973347, 0.7071752369554196
    k = math.tan(math.pi * f0 / sample_rate)
    vh = 10.0 ** (gain_db / 20.0)
    vb = vh**0.4996667741545416
    a0 = 1.0 + k / q + k * k
    shelf_b = (
        (vh + vb * k / q + k * k) / a0,
        2.0 * (k * k - vh) / a0,
        (vh - vb * k / q + k * k) / a0,
    )
    shelf_a = (1.0, 2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0)
    f0, q = 38.13547087602444, 0.5003270373238773
    k = math.tan(math.pi * f0 / sample_rate)
    a0 = 1.0 + k / q + k * k
    high_b = (1.0, -2.0, 1.0)
    high_a = (1.0, 2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0)
    return shelf_b, shelf_a, high_b, high_a


def _k_impulse_response(sample_rate: int, length: int) -> npt.NDArray[np.float64]:
    """The K-weighting's impulse response, by running both biquads on a unit impulse."""
    shelf_b, shelf_a, high_b, high_a = _k_weighting(sample_rate)
    signal = [1.0] + [0.0] * (length - 1)
    for b, a in ((shelf_b, shelf_a), (high_b, high_a)):
        out = []
        x1 = x2 = y1 = y2 = 0.0
        for x in signal:
            y = b[0] * x + b[1] * x1 + b[2] * x2 - a[1] * y1 - a[2] * y2
            x2, x1, y2, y1 = x1, x, y1, y
            out.append(y)
        signal = out
    return np.asarray(signal, dtype=np.float64)


@dataclass(frozen=True)
class _Analysis:
    """Per-block figures of the PCM that both the meter and the limiter model need.

    Blocks are 2.5-3 ms and divide the 100 ms gating step exactly, so gating energies are
    exact sums of block energies. 1 ms blocks moved the limiter model's predictions by
    only 0.02-0.2 LU, within its own error, and made solving the gain ten times slower.
    """

    sample_rate: int
    samples: int
    block: int  # samples per block
    blocks_per_step: int  # blocks per 100 ms gating step
    peaks: FloatArray  # max |x| per block, full scale = 1
    energies: FloatArray  # sum of squared K-weighted samples per block


def _block_size(step: int, sample_rate: int) -> int:
    """The largest divisor of the gating step that is at most 3 ms."""
    most = max(1, 3 * sample_rate // 1000)
    return max(d for d in range(1, most + 1) if step % d == 0)


def _analyse(pcm: bytes, sample_rate: int) -> _Analysis:
    """K-weight the PCM and gather block energies and peaks.

    The K-weighting is applied as a fast convolution (overlap-add of FFT blocks) with its
    impulse response, truncated after 150 ms where it has decayed below 1e-15: the same
    result as running the biquads, but vectorised, which numpy alone cannot do for a
    recursive filter. float32 keeps it fast; the energies stay accurate to ~1e-6.
    """
    samples = np.frombuffer(pcm, dtype="<i2")
    count = samples.size
    step = max(1, round(sample_rate / 10))
    block = _block_size(step, sample_rate)
    taps = 1 << math.ceil(math.log2(0.15 * sample_rate))
    size = 8 * taps
    hop = (size - taps) // block * block
    response = np.fft.rfft(_k_impulse_response(sample_rate, taps), size).astype(np.complex64)
    hops = -(-count // hop)
    per_chunk = max(1, _CHUNK_SAMPLES // hop)
    blocks_per_hop = hop // block
    peaks = np.empty(hops * blocks_per_hop, dtype=np.float32)
    energies = np.empty(hops * blocks_per_hop, dtype=np.float32)
    carry: npt.NDArray[np.floating[Any]] = np.zeros(taps, dtype=np.float32)
    for first in range(0, hops, per_chunk):
        n = min(per_chunk, hops - first)
        chunk = np.zeros((n, hop), dtype=np.float32)
        source = samples[first * hop : (first + n) * hop]
        chunk.reshape(-1)[: source.size] = source
        chunk *= np.float32(1 / 32768)
        filtered = np.fft.irfft(np.fft.rfft(chunk, size, axis=1) * response, size, axis=1)
        # Each hop's filter tail spills into the next hop (and the last into the next chunk).
        filtered[1:, :taps] += filtered[:-1, hop : hop + taps]
        filtered[0, :taps] += carry
        carry = filtered[-1, hop : hop + taps].copy()
        out = filtered[:, :hop].reshape(-1, block)
        span = slice(first * blocks_per_hop, (first + n) * blocks_per_hop)
        energies[span] = np.einsum("ij,ij->i", out, out)
        peaks[span] = np.abs(chunk).reshape(-1, block).max(axis=1)
    used = -(-count // block)
    return _Analysis(
        sample_rate=sample_rate,
        samples=count,
        block=block,
        blocks_per_step=step // block,
        peaks=peaks[:used],
        energies=energies[:used],
    )


def _gated_lufs(analysis: _Analysis, energies: FloatArray) -> float | None:
    """BS.1770-4 integrated loudness from block energies: 400 ms blocks every 100 ms,
    absolute gate at -70 LUFS, relative gate 10 LU below the absolute-gated loudness."""
    per = analysis.blocks_per_step
    steps = analysis.samples // (per * analysis.block)
    means: npt.NDArray[np.float64]
    if steps >= 4:
        step_sums = energies[: steps * per].astype(np.float64).reshape(steps, per).sum(axis=1)
        windows = step_sums[:-3] + step_sums[1:-2] + step_sums[2:-1] + step_sums[3:]
        means = windows / (4 * per * analysis.block)
    elif analysis.samples:
        # Shorter than one gating block: the standard has no answer; measure it whole.
        means = np.array([energies.astype(np.float64).sum() / analysis.samples])
    else:
        return None
    with np.errstate(divide="ignore"):
        levels = -0.691 + 10.0 * np.log10(means)
    loud = means[levels > -70.0]
    if loud.size == 0:
        return None
    relative = -0.691 + 10.0 * math.log10(float(loud.mean())) - 10.0
    gated = means[(levels > -70.0) & (levels > relative)]
    return -0.691 + 10.0 * math.log10(float(gated.mean()))


def integrated_loudness(pcm: bytes, sample_rate: int) -> float | None:
    """Integrated loudness (LUFS, ITU-R BS.1770-4) of s16le mono PCM; None for silence."""
    _check_pcm(pcm, sample_rate)
    analysis = _analyse(pcm, sample_rate)
    return _gated_lufs(analysis, analysis.energies)


# --- gain and limiter ---------------------------------------------------------------------


def limit_dbfs(bitrate_kbps: int) -> float:
    """The limiter's ceiling for an MP3 bitrate (see LIMITS_DBFS)."""
    return next(limit for least, limit in LIMITS_DBFS if bitrate_kbps >= least)


def _predict_lufs(analysis: _Analysis, gain_db: float, ceiling_dbfs: float) -> float | None:
    """Loudness after `volume=gain_db` and alimiter, before MP3 encoding.

    alimiter ramps its gain linearly down over the attack time to meet each peak above the
    limit exactly, then linearly back up over the release time. Per block, the gain is the
    lowest of those ramps from any nearby over-limit block (a "tent" around each peak);
    the K-weighted energy is scaled by its square, as the gain changes slowly against the
    signal. Against ffmpeg it predicts within 0.1-0.3 LU on speech-like signals.
    """
    gain = 10.0 ** (gain_db / 20.0)
    limit = 10.0 ** (ceiling_dbfs / 20.0)
    level = gain * analysis.peaks
    over = level > limit
    if not over.any():
        return _gated_lufs(analysis, analysis.energies * np.float32(gain * gain))
    target = np.where(over, limit / np.maximum(level, limit), 1.0).astype(np.float32)
    depth = 1.0 - target
    envelope = target.copy()
    ramp = np.empty_like(target)
    per_ms = analysis.sample_rate / 1000.0 / analysis.block
    release = RELEASE_MS * per_ms
    for shift in range(1, math.ceil(release) + 1):
        # in place: this loop is most of the cost of solving the gain
        part = ramp[shift:]
        np.multiply(depth[:-shift], np.float32(shift / release), out=part)
        part += target[:-shift]
        np.minimum(envelope[shift:], part, out=envelope[shift:])
    attack = ATTACK_MS * per_ms
    for shift in range(1, math.ceil(attack) + 1):
        part = ramp[:-shift]
        np.multiply(depth[shift:], np.float32(shift / attack), out=part)
        part += target[shift:]
        np.minimum(envelope[:-shift], part, out=envelope[:-shift])
    envelope *= np.float32(gain)
    return _gated_lufs(analysis, analysis.energies * envelope * envelope)


def _solve_gain(analysis: _Analysis, input_lufs: float, ceiling_dbfs: float) -> tuple[float, float]:
    """The gain whose limited output the model puts at the target (before the MP3 loss).

    The predicted loudness rises monotonically with the gain, so a bracketing secant
    (Illinois) search converges in a handful of model runs.
    """
    target = TARGET_LUFS + MP3_LEVEL_LOSS_DB

    def predict(gain_db: float) -> float:
        value = _predict_lufs(analysis, gain_db, ceiling_dbfs)
        return -math.inf if value is None else value

    low = target - input_lufs
    f_low = predict(low)
    if f_low >= target - _TOLERANCE_LU:
        return low, f_low
    high, f_high = low, f_low
    while f_high < target:
        if high - low >= _MAX_LIMITER_PUSH_DB:
            return high, f_high  # a signal of nothing but peaks: the best we can do
        high = min(low + _MAX_LIMITER_PUSH_DB, high + max(3.0, 2.0 * (target - f_high)))
        f_high = predict(high)
    if f_high - target <= _TOLERANCE_LU:
        return high, f_high
    side = 0
    for _ in range(40):
        gain = low + (target - f_low) * (high - low) / (f_high - f_low)
        value = predict(gain)
        if abs(value - target) <= _TOLERANCE_LU:
            return gain, value
        if value < target:
            low, f_low = gain, value
            if side == -1:
                f_high = target + (f_high - target) / 2
            side = -1
        else:
            high, f_high = gain, value
            if side == 1:
                f_low = target - (target - f_low) / 2
            side = 1
    return gain, value


# --- encoding -----------------------------------------------------------------------------


def _check_pcm(pcm: bytes, sample_rate: int) -> None:
    if sample_rate <= 0:
        raise ValueError(f"sample_rate must be positive, not {sample_rate}")
    if len(pcm) % 2:
        raise ValueError("16-bit PCM must have an even number of bytes")


def _ordered_chapters(chapters: Sequence[Chapter], duration_ms: int) -> list[Chapter]:
    ordered = sorted(chapters, key=lambda c: (c.start_ms, c.end_ms))
    for chapter in ordered:
        if not 0 <= chapter.start_ms < chapter.end_ms:
            raise ValueError(f"chapter {chapter.title!r} has bad times {chapter}")
        if chapter.start_ms >= duration_ms:
            raise ValueError(
                f"chapter {chapter.title!r} starts at {chapter.start_ms} ms, "
                f"after the audio ends ({duration_ms} ms)"
            )
    for before, after in itertools.pairwise(ordered):
        if before.end_ms > after.start_ms:
            raise ValueError(f"chapters {before.title!r} and {after.title!r} overlap")
    # A timeline rounded to whole milliseconds may end a little past the audio.
    return [
        Chapter(c.start_ms, min(c.end_ms, duration_ms), c.title) if c.end_ms > duration_ms else c
        for c in ordered
    ]


def _chapter_ids(count: int) -> list[str]:
    return [f"ch{i}" for i in range(count)]


def _id3(tags: Tags, chapters: Sequence[Chapter]) -> Any:
    """The ID3 tag of the episode, ready to save as ID3v2.3."""
    lib = _id3lib
    utf8 = lib.Encoding.UTF8  # mutagen turns this into UTF-16 when it saves ID3v2.3
    tag = lib.ID3()
    tag.add(lib.TIT2(encoding=utf8, text=[tags.title]))
    tag.add(lib.TPE1(encoding=utf8, text=[tags.artist]))
    tag.add(lib.TALB(encoding=utf8, text=[tags.album]))
    tag.add(lib.TRCK(encoding=utf8, text=[str(tags.track)]))
    if tags.genre:
        tag.add(lib.TCON(encoding=utf8, text=[tags.genre]))
    if tags.year is not None:
        tag.add(lib.TDRC(encoding=utf8, text=[str(tags.year)]))
    ids = _chapter_ids(len(chapters))
    for element_id, chapter in zip(ids, chapters, strict=True):
        tag.add(
            lib.CHAP(
                element_id=element_id,
                start_time=chapter.start_ms,
                end_time=chapter.end_ms,
                # 0xFFFFFFFF: no byte offsets, players seek by time
                start_offset=0xFFFFFFFF,
                end_offset=0xFFFFFFFF,
                sub_frames=[lib.TIT2(encoding=utf8, text=[chapter.title])],
            )
        )
    if ids:
        # mutagen writes CHAP frames in size order; the CTOC carries the playing order.
        tag.add(
            lib.CTOC(
                element_id="toc",
                flags=lib.CTOCFlags.TOP_LEVEL | lib.CTOCFlags.ORDERED,
                child_element_ids=ids,
                sub_frames=[],
            )
        )
    # ID3v2.3 rather than 2.4: Windows and a number of podcast players read only 2.3.
    tag.update_to_v23()
    return tag


def _chapters_in_time_order(path: Path, ids: Sequence[str]) -> None:
    """Rewrite the CHAP frames of the file's ID3v2.3 tag in the order of `ids`, in place.

    mutagen sorts frames by size, and ffmpeg (and the players built on it) list chapters
    in the order of their frames, ignoring the CTOC. Reordering whole frames keeps the
    tag's size, so only the tag's bytes are rewritten.
    """
    rank = {element_id.encode("latin-1"): i for i, element_id in enumerate(ids)}
    with path.open("r+b") as handle:
        header = handle.read(10)
        # Version 2.3 without flags (no unsynchronisation, no extended header) is what
        # mutagen writes; anything else would be misread below, so refuse it.
        if header[:5] != b"ID3\x03\x00" or header[5] != 0:
            raise EngineError("unexpected ID3 header after tagging", path=path)
        size = 0
        for byte in header[6:10]:
            size = (size << 7) | (byte & 0x7F)
        body = handle.read(size)
        frames: list[bytes] = []
        pos = 0
        while pos + 10 <= len(body) and body[pos] != 0:
            length = int.from_bytes(body[pos + 4 : pos + 8], "big")
            frames.append(body[pos : pos + 10 + length])
            pos += 10 + length
        chapters = sorted(
            (frame for frame in frames if frame[:4] == b"CHAP"),
            key=lambda frame: rank[frame[10 : frame.index(b"\x00", 10)]],
        )
        slots = iter(chapters)
        ordered = [next(slots) if frame[:4] == b"CHAP" else frame for frame in frames]
        handle.seek(10)
        handle.write(b"".join(ordered))


def _filter_chain(gain_db: float, ceiling_dbfs: float, out_rate: int) -> str:
    # Resample first so the limiter works at the output rate: at 2x the voice's rate it sees
    # most inter-sample peaks, which after a limiter at the input rate reached -0.5 dBTP.
    # level=0: alimiter's default "auto level" would scale the output back up to 0 dBFS.
    # latency=1: compensate the lookahead so the audio stays aligned with the chapters.
    limit = 10.0 ** (ceiling_dbfs / 20.0)
    return (
        f"aresample={out_rate},"
        f"volume={gain_db:.2f}dB:precision=double,"
        f"alimiter=limit={limit:.6f}:attack={ATTACK_MS:g}:release={RELEASE_MS:g}"
        ":asc=0:level=0:latency=1"
    )


def encode_mp3(
    pcm: bytes,
    sample_rate: int,
    path: Path,
    tags: Tags,
    chapters: Sequence[Chapter],
    *,
    bitrate_kbps: int = 96,
    out_rate: int = 44100,
) -> EncodeReport:
    """Encode s16le mono PCM to a CBR mono MP3 at `path` at -16 LUFS, true peak <= -1 dBTP.

    96 kb/s mono is the usual rate podcast hosts deliver spoken word at. The file is built
    under a temporary name beside `path` and renamed into place once tagged, so a failure
    leaves nothing behind and an existing file at `path` untouched. Raises EngineError if
    ffmpeg or the tagging fails, ValueError for impossible arguments.
    """
    _check_pcm(pcm, sample_rate)
    if not pcm:
        raise ValueError("there is no audio to encode")
    if out_rate not in MP3_SAMPLE_RATES:
        raise ValueError(f"MP3 cannot be sampled at {out_rate} Hz")
    if bitrate_kbps <= 0:
        raise ValueError(f"bitrate_kbps must be positive, not {bitrate_kbps}")
    duration_ms = (len(pcm) // 2) * 1000 // sample_rate
    ordered = _ordered_chapters(chapters, duration_ms)

    limit = limit_dbfs(bitrate_kbps)
    analysis = _analyse(pcm, sample_rate)
    input_lufs = _gated_lufs(analysis, analysis.energies)
    if input_lufs is None:
        gain_db, expected = 0.0, None  # silence: nothing to measure or raise
    else:
        gain_db, predicted = _solve_gain(analysis, input_lufs, limit)
        expected = predicted - MP3_LEVEL_LOSS_DB
    # 0.01 dB is far finer than the target's tolerance, and coarse enough that float noise
    # in the analysis (another CPU's FFT) rarely changes the value, and so the bytes.
    gain_db = round(gain_db, 2)

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        run_ffmpeg(
            [
                "-loglevel", "error",
                "-f", "s16le", "-ar", str(sample_rate), "-ac", "1", "-i", "pipe:0",
                "-af", _filter_chain(gain_db, limit, out_rate),
                "-map_metadata", "-1",
                # No encoder versions or dates in the stream: same input, same bytes.
                "-fflags", "+bitexact", "-flags:a", "+bitexact",
                "-c:a", "libmp3lame", "-b:a", f"{bitrate_kbps}k",
                "-compression_level", str(LAME_QUALITY),
                "-ac", "1",
                # mutagen writes the only ID3 tag; ffmpeg keeps its LAME/Info header, which
                # carries the encoder delay that players trim for exact chapter times.
                "-id3v2_version", "0", "-write_xing", "1",
                "-f", "mp3", "-y", str(tmp),
            ],
            input=pcm,
        )  # fmt: skip
        try:
            _id3(tags, ordered).save(tmp, v1=0, v2_version=3)
            _chapters_in_time_order(tmp, _chapter_ids(len(ordered)))
        except EngineError:
            raise
        except Exception as exc:  # mutagen raises its own errors and OSError
            raise EngineError(f"could not write the ID3 tag: {exc}", path=path) from exc
        with tmp.open("rb+") as handle:
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return EncodeReport(
        gain_db=gain_db, input_lufs=input_lufs, duration_ms=duration_ms, expected_lufs=expected
    )
