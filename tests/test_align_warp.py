"""warp_times: times carried from one voice's rendition of a sentence onto another's."""

from __future__ import annotations

import dataclasses
import functools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.align.warp import warp_times
from toolkit.audio.engine import Speech
from toolkit.audio.espeak import EspeakEngine
from toolkit.voice import load_voice

TEXT = (
    "Every winter the keeper of the northern light wrote to the harbour board, "
    "asking for coal, for oil and for three new panes of glass."
)


@functools.cache
def spoken(language: str, rate: int, pitch: int) -> Speech:
    voice = dataclasses.replace(load_voice("default", None), language=language, rate=rate)
    return EspeakEngine(dataclasses.replace(voice, pitch=pitch)).synthesize(TEXT)


def resample(pcm: bytes, rate: int, new_rate: int) -> bytes:
    x = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
    t = np.arange(int(x.size * new_rate / rate)) * rate / new_rate
    return np.interp(t, np.arange(x.size), x).astype("<i2").tobytes()


def test_word_starts_land_on_the_other_voices_word_starts() -> None:
    ref = spoken("en-us", 175, 45)
    target = spoken("en-gb", 150, 70)
    assert len(ref.words) == len(target.words)
    got = warp_times(
        ref.pcm, ref.sample_rate, target.pcm, target.sample_rate, [w.ms for w in ref.words]
    )
    errors = [abs(g - w.ms) for g, w in zip(got, target.words, strict=True)]
    assert float(np.percentile(errors, 95)) <= 40
    assert list(got) == sorted(got)


def test_a_target_at_another_rate_and_with_leading_silence() -> None:
    ref = spoken("en-us", 175, 45)
    target = spoken("en-gb", 150, 70)
    lead_ms = 700
    pcm = bytes(2 * 16000 * lead_ms // 1000) + resample(target.pcm, target.sample_rate, 16000)
    got = warp_times(ref.pcm, ref.sample_rate, pcm, 16000, [w.ms for w in ref.words])
    errors = [abs(g - lead_ms - w.ms) for g, w in zip(got, target.words, strict=True)]
    assert float(np.percentile(errors, 95)) <= 40


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(min_value=-500, max_value=20_000), max_size=30))
def test_sorted_times_map_to_sorted_times_inside_the_target(times: list[int]) -> None:
    ref = spoken("en-us", 175, 45)
    target = spoken("en-us", 140, 30)
    times.sort()
    got = warp_times(ref.pcm, ref.sample_rate, target.pcm, target.sample_rate, times)
    assert len(got) == len(times)
    assert list(got) == sorted(got)
    assert all(0 <= g <= target.duration_ms for g in got)


def test_empty_inputs() -> None:
    ref = spoken("en-us", 175, 45)
    assert warp_times(ref.pcm, ref.sample_rate, ref.pcm, ref.sample_rate, []) == ()
    assert warp_times(ref.pcm, ref.sample_rate, b"", 22050, [0, 100]) == (0, 0)
