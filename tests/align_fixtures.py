"""Recordings with known times for the aligner's tests and benchmark.

A "performance" is the episode's script spoken by an espeak voice other than the reference
(another accent, rate and pitch), sentence by sentence, with random pauses; its word events
give the true time of every sentence start. Variants leave a sentence out, add one that is
not in the script, say one twice (a retake), or mix in a music bed or hiss with numpy.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from toolkit.audio.espeak import EspeakEngine
from toolkit.audio.wordmarks import token_times
from toolkit.text.assemble import Episode
from toolkit.voice import VoiceProfile, load_voice

STORY = """---
title: The Lamp on Gull Rock
number: 7
---
In the spring of 1871 a new lamp arrived at the lighthouse on Gull Rock.
It came by boat from the mainland, packed in straw and wrapped in oilcloth.
The keeper, a patient man called Elias Marsh, had asked for it three winters running.

## The Long Crossing

The boat left the harbour at dawn with two oarsmen and a nervous clerk.
Halfway across, the wind turned and the swell began to climb.
The clerk held the crate on his knees and prayed that the glass would hold.
By noon they could see the rock, white with birds and spray.

## A Light Restored

Marsh and his daughter carried the crate up one hundred and twelve steps.
They fitted the lens that evening, working by the light of a candle.
When the lamp was lit, fishermen on the far shore saw it and cheered.
It burned every night for the next forty years.
"""

EXTRA_SENTENCE = "Nobody on the island had ever seen a piece of glass so large or so clear."

SAMPLE_RATE = 16000


def performer(language: str = "en-gb", rate: int = 150, pitch: int = 70) -> VoiceProfile:
    voice = load_voice("default", None)
    return dataclasses.replace(voice, language=language, rate=rate, pitch=pitch)


@dataclass(frozen=True)
class Performance:
    pcm: bytes  # 16-bit mono at SAMPLE_RATE
    rate: int
    starts: dict[int, int]  # episode sentence index -> true start in ms
    extras: tuple[tuple[int, int], ...]  # (start, end) ms of speech not in the script


def _resample(pcm: bytes, rate: int, new_rate: int) -> np.ndarray:
    x = np.frombuffer(pcm, dtype="<i2").astype(np.float32)
    if rate == new_rate:
        return x
    t = np.arange(int(x.size * new_rate / rate)) * (rate / new_rate)
    return np.interp(t, np.arange(x.size), x).astype(np.float32)


def perform(
    episode: Episode,
    voice: VoiceProfile,
    seed: int = 1,
    *,
    drop: Sequence[int] = (),
    add_after: int | None = None,
    retake: int | None = None,
    fluff: float = 0.6,
    repeat: int = 1,
) -> Performance:
    """Speak the episode (`repeat` times over, for long benchmarks) with random pauses."""
    rng = random.Random(seed)
    engine = EspeakEngine(voice)
    cache: dict[str, tuple[np.ndarray, int]] = {}

    def say(text: str, tokens: Sequence[object] | None = None) -> tuple[np.ndarray, int]:
        if text not in cache:
            speech = engine.synthesize(text)
            first = 0
            if tokens is not None:
                first = token_times(tokens, speech.words, speech.duration_ms)[0][0]  # type: ignore[arg-type]
            cache[text] = (_resample(speech.pcm, speech.sample_rate, SAMPLE_RATE), first)
        return cache[text]

    parts: list[np.ndarray] = []
    clock = 0  # samples
    starts: dict[int, int] = {}
    extras: list[tuple[int, int]] = []

    def pause(lo_ms: int, hi_ms: int) -> None:
        nonlocal clock
        n = rng.randint(lo_ms, hi_ms) * SAMPLE_RATE // 1000
        parts.append(np.zeros(n, dtype=np.float32))
        clock += n

    def speak(audio: np.ndarray) -> None:
        nonlocal clock
        parts.append(audio)
        clock += audio.size

    sentences = episode.sentences
    pause(600, 1400)
    for round_ in range(repeat):
        for k, sentence in enumerate(sentences):
            index = round_ * len(sentences) + k
            if k in drop:
                continue
            audio, first = say(sentence.spoken, sentence.tokens)
            if retake == k:
                cut = audio[: int(audio.size * fluff)]  # a fluffed first take
                start = clock * 1000 // SAMPLE_RATE
                speak(cut)
                extras.append((start, clock * 1000 // SAMPLE_RATE))
                pause(500, 900)
            starts[index] = clock * 1000 // SAMPLE_RATE + first
            speak(audio)
            pause(250, 1200)
            if add_after == k:
                extra, _ = say(EXTRA_SENTENCE)
                start = clock * 1000 // SAMPLE_RATE
                speak(extra)
                extras.append((start, clock * 1000 // SAMPLE_RATE))
                pause(250, 1000)
    pcm = np.clip(np.concatenate(parts), -32768, 32767).astype("<i2").tobytes()
    return Performance(pcm, SAMPLE_RATE, starts, tuple(extras))


def _rms(x: np.ndarray) -> float:
    active = x[np.abs(x) > 30]
    return float(np.sqrt(np.mean(active.astype(np.float64) ** 2))) if active.size else 1.0


def music_bed(samples: int, rate: int, seed: int = 3) -> np.ndarray:
    """Chords of decaying harmonic notes, a new chord every 1.5-2.5 s."""
    rng = np.random.default_rng(seed)
    out = np.zeros(samples, dtype=np.float32)
    pos = 0
    roots = (220.0, 246.9, 196.0, 174.6, 261.6)
    while pos < samples:
        length = int(rng.uniform(1.5, 2.5) * rate)
        t = np.arange(min(length, samples - pos)) / rate
        env = np.exp(-t * 1.2) * np.minimum(1.0, t / 0.02)
        root = roots[int(rng.integers(len(roots)))]
        chord = np.zeros_like(t)
        for ratio in (1.0, 1.26, 1.5, 2.0):
            for h in (1, 2, 3):
                chord += np.sin(2 * np.pi * root * ratio * h * t) / h
        out[pos : pos + t.size] = chord * env
        pos += length
    return out


def mix(pcm: bytes, noise: np.ndarray, below_db: float) -> bytes:
    """`noise` added `below_db` under the voice's level (RMS of the speech)."""
    voice = np.frombuffer(pcm, dtype="<i2").astype(np.float32)
    gain = _rms(voice) / max(_rms(noise), 1e-9) * 10 ** (-below_db / 20)
    mixed = voice + noise[: voice.size] * gain
    return np.clip(mixed, -32768, 32767).astype("<i2").tobytes()


def hiss(samples: int, seed: int = 5) -> np.ndarray:
    return np.random.default_rng(seed).normal(0.0, 1.0, samples).astype(np.float32)


def write_channel(folder: Path) -> Path:
    """A channel with the story as episode 7, speaking with the offline voice."""
    from tests.conftest import use_espeak
    from toolkit.scaffold import init_channel

    init_channel(folder)
    use_espeak(folder)
    path = folder / "episodes" / "007-the-lamp.md"
    path.write_text(STORY, encoding="utf-8")
    return path
