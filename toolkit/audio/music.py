"""The music bed: the channel's theme under the intro and under the outro.

Takes the joined narration (16-bit mono PCM), when each sentence is spoken and the
segments' times; gives the PCM with the bed mixed in, and how many milliseconds the outro's
bed rings on past the last word. The intro's music starts with the intro and fades out as
the first story segment begins; the outro's bed fades in with the outro and rings out
after the last word for `fade_ms`. A theme shorter than its stretch repeats. The
bed sits `level_db` under the voice's loudness and a further `duck_db` down while a
sentence is spoken; the story segments stay dry (their pauses stay silent).

pydub does the work it is good at on the short pieces only (wrap, trim, repeat, gain,
overlay onto the intro's or outro's stretch of the narration); the episode is never joined
with it. Fades and ducking are one numpy gain curve: pydub's fade slices the audio once a
millisecond, which cost more than the rest of the mix together. Music files are decoded
by the bundled ffmpeg, so pydub never probes for ffprobe.
The mix happens before the MP3 encode, which measures loudness and limits peaks after it.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from toolkit.audio.ffmpeg import decode_to_pcm, ffmpeg_exe
from toolkit.channel import MusicSettings
from toolkit.errors import ConfigError, EngineError
from toolkit.text.assemble import INTRO_KIND, OUTRO_KIND
from toolkit.timing.timeline import Timeline

DUCK_RAMP_MS = 120  # how quickly the bed dips under a sentence and comes back
_SILENT_DB = -90.0


@dataclass(frozen=True)
class Bed:
    """Where one piece of music goes: [start_ms, end_ms) of the narration."""

    source: Path
    start_ms: int
    end_ms: int
    fade_in: bool  # the outro's bed fades in (and rings out); the intro's starts at full level


def _pydub() -> Any:
    """pydub's AudioSegment, pointed at the bundled ffmpeg (its import warns when there
    is no ffmpeg on PATH; that lookup is never used here)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", DeprecationWarning)  # audioop, on Python 3.11-3.12
        from pydub import AudioSegment
    AudioSegment.converter = ffmpeg_exe()
    return AudioSegment


def music_path(root: Path, name: str) -> Path:
    path = Path(name)
    return path if path.is_absolute() else root / path


def load_music(path: Path, rate: int, source: str) -> Any:
    """A music file as a mono AudioSegment at the narration's sample rate."""
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise ConfigError(
            f"music file {path} is missing",
            path=source,
            hint="put the file there, or fix or remove that [music] line",
        ) from exc
    except OSError as exc:
        raise ConfigError(
            f"music file {path} cannot be read ({exc.strerror or exc})",
            path=source,
            hint="fix the [music] path in channel.toml or remove that line",
        ) from exc
    try:
        pcm = decode_to_pcm(data, rate)
    except EngineError as exc:
        raise ConfigError(
            f"music file {path} is not audio ffmpeg can read ({exc.what})",
            path=source,
            hint="give an MP3, WAV, FLAC or OGG file in [music]",
        ) from exc
    return _pydub()(data=pcm, sample_width=2, frame_rate=rate, channels=1)


def speech_level_db(pcm: bytes, spans: Sequence[tuple[int, int]], rate: int) -> float:
    """The voice's RMS level over the spoken spans (pauses left out)."""
    samples = np.frombuffer(pcm, dtype="<i2")
    energy = 0.0
    count = 0
    for s, e in spans:
        piece = samples[s * rate // 1000 : e * rate // 1000].astype(np.int64)
        energy += float(np.dot(piece, piece))  # integers: exact, and no BLAS start-up
        count += piece.size
    if energy <= 0:
        return _SILENT_DB
    return 20 * math.log10(math.sqrt(energy / count) / 32768)


def _ramp(length: int) -> np.ndarray:
    return np.linspace(0.0, 1.0, max(length, 1), endpoint=False)


def shape_bed(
    bed: Any,
    start_ms: int,
    spans: Sequence[tuple[int, int]],
    duck_db: float,
    fade_in_ms: int,
    fade_out_ms: int,
) -> Any:
    """The bed faded in and out and dipped by `duck_db` under every spoken span, in one
    pass over its samples (pydub's own fades slice the audio once a millisecond)."""
    rate = bed.frame_rate
    samples = np.array(bed.get_array_of_samples(), dtype=np.float64)
    n = samples.size
    duck = np.zeros(n)
    ramp = max(1, DUCK_RAMP_MS * rate // 1000)
    edge = _ramp(ramp)
    for s, e in spans:
        a = (s - start_ms) * rate // 1000 - ramp
        b = (e - start_ms) * rate // 1000 + ramp
        if b <= 0 or a >= n:
            continue
        shape = np.ones(b - a)
        shape[:ramp] = edge
        shape[-ramp:] = edge[::-1]
        lo, hi = max(a, 0), min(b, n)
        duck[lo:hi] = np.maximum(duck[lo:hi], shape[lo - a : hi - a])
    gain = 10 ** (duck_db * duck / 20)
    fade_in = min(n, fade_in_ms * rate // 1000)
    fade_out = min(n, fade_out_ms * rate // 1000)
    if fade_in:
        gain[:fade_in] *= _ramp(fade_in)
    if fade_out:
        gain[n - fade_out :] *= _ramp(fade_out)[::-1]
    mixed = np.clip(np.round(samples * gain), -32768, 32767).astype("<i2")
    return bed._spawn(mixed.tobytes())


def plan_beds(timeline: Timeline, music: MusicSettings, root: Path) -> tuple[Bed, ...]:
    """Where the intro's and the outro's music go on this timeline."""
    beds: list[Bed] = []
    segments = timeline.segments
    if music.intro and len(segments) > 1 and segments[0].kind == INTRO_KIND:
        beds.append(Bed(music_path(root, music.intro), 0, segments[1].start_ms, fade_in=False))
    if music.outro and segments and segments[-1].kind == OUTRO_KIND:
        outro = segments[-1]
        beds.append(
            Bed(music_path(root, music.outro), outro.start_ms, timeline.total_ms, fade_in=True)
        )
    return tuple(beds)


def mix_music(
    pcm: bytes,
    rate: int,
    timeline: Timeline,
    spoken: Sequence[tuple[int, int]],
    music: MusicSettings,
    root: Path,
    source: str,
) -> tuple[bytes, int]:
    """The narration with the music bed under its intro and outro, and how many
    milliseconds were added at the end for the outro's ring-out. `spoken` holds the
    (start_ms, end_ms) of every sentence. Without [music] files the PCM comes back as is."""
    beds = plan_beds(timeline, music, root)
    if not beds:
        return pcm, 0
    under = [[(s, e) for s, e in spoken if e > b.start_ms and s < b.end_ms] for b in beds]
    voice_db = speech_level_db(pcm, [span for spans in under for span in spans], rate)
    pieces: list[bytes] = []
    cursor = 0  # bytes of `pcm` already placed in `pieces`
    added_ms = 0
    loaded: dict[Path, Any] = {}
    for bed, inside in zip(beds, under, strict=True):
        if bed.source not in loaded:
            loaded[bed.source] = load_music(bed.source, rate, source)
        track = loaded[bed.source]
        length = bed.end_ms - bed.start_ms
        ring = music.fade_ms if bed.fade_in else 0  # the outro rings out past its last word
        if 0 < len(track) < length + ring:  # a short theme repeats to fill its stretch
            track = track * math.ceil((length + ring) / len(track))
        piece = track[: length + ring]
        if len(piece) == 0 or piece.rms == 0:
            continue
        piece = piece.apply_gain(voice_db + music.level_db - piece.dBFS)
        fade = min(music.fade_ms, len(piece))
        piece = shape_bed(
            piece,
            bed.start_ms,
            inside,
            music.duck_db,
            fade_in_ms=fade if bed.fade_in else 0,
            fade_out_ms=min(fade, ring) if ring else fade,
        )
        a = bed.start_ms * rate // 1000 * 2
        b = min(len(pcm), bed.end_ms * rate // 1000 * 2)
        if bed.fade_in and ring:
            b = len(pcm)
        region = _pydub()(data=pcm[a:b], sample_width=2, frame_rate=rate, channels=1)
        if ring:
            extra = len(piece) - len(region)
            if extra > 0:
                region = region + _pydub().silent(duration=extra, frame_rate=rate)
                added_ms = extra
        mixed = region.overlay(piece)
        pieces.append(pcm[cursor:a])
        pieces.append(mixed.raw_data)
        cursor = b
    pieces.append(pcm[cursor:])
    out = b"".join(pieces)
    return out, added_ms


def extend_timeline(timeline: Timeline, added_ms: int) -> Timeline:
    """The timeline with its last segment (and the total) running on by `added_ms`: the
    ring-out belongs to the outro's chapter. Cue times are unchanged."""
    if added_ms <= 0 or not timeline.segments:
        return timeline
    last = timeline.segments[-1]
    segments = (*timeline.segments[:-1], replace(last, end_ms=last.end_ms + added_ms))
    return replace(timeline, total_ms=timeline.total_ms + added_ms, segments=segments)
