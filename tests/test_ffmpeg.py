"""The ffmpeg edge: running the binary, decoding, loudness and chapters, against real ffmpeg."""

from __future__ import annotations

import io
import os
import wave
from pathlib import Path

import numpy as np
import pytest

from toolkit.audio.ffmpeg import (
    decode_to_pcm,
    ffmpeg_exe,
    measure_loudness,
    read_chapters,
    run_ffmpeg,
)
from toolkit.errors import EngineError


def tone_pcm(seconds: float, rate: int, amplitude: float, freq: float = 997.0) -> bytes:
    t = np.arange(int(seconds * rate)) / rate
    pcm: bytes = np.round(amplitude * 32767 * np.sin(2 * np.pi * freq * t)).astype("<i2").tobytes()
    return pcm


def noisy_pcm(seconds: float, rate: int, seed: int = 3) -> bytes:
    """Speech-band noise under a syllable-rate envelope: something MP3 cannot code exactly."""
    rng = np.random.default_rng(seed)
    n = int(seconds * rate)
    t = np.arange(n) / rate
    f = np.fft.rfftfreq(n, 1 / rate)
    noise = np.fft.irfft(np.fft.rfft(rng.standard_normal(n)) / (1 + (f / 2500) ** 2), n)
    signal = noise * np.clip(np.sin(2 * np.pi * 3 * t), 0.1, None)
    pcm: bytes = (signal / np.abs(signal).max() * 0.5 * 32767).astype("<i2").tobytes()
    return pcm


def wav_bytes(pcm: bytes, rate: int) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm)
    return buffer.getvalue()


def test_ffmpeg_exe_is_the_shipped_binary() -> None:
    exe = Path(ffmpeg_exe())
    assert exe.is_file() and os.access(exe, os.X_OK)
    assert b"ffmpeg version" in run_ffmpeg(["-version"]).stdout


def test_failure_reports_the_useful_line_without_addresses() -> None:
    pcm = tone_pcm(0.1, 8000, 0.1)
    with pytest.raises(EngineError) as caught:
        run_ffmpeg(
            ["-f", "s16le", "-ar", "8000", "-ac", "1", "-i", "-",
             "-af", "alimiter=limit=5", "-f", "null", "-"],
            input=pcm,
        )  # fmt: skip
    message = str(caught.value)
    assert "limit" in message and "out of range" in message
    assert "0x" not in message  # the component's memory address changes every run


def test_decode_wav_round_trip_is_exact() -> None:
    pcm = noisy_pcm(1.5, 22050)
    assert decode_to_pcm(wav_bytes(pcm, 22050), 22050) == pcm


def test_decode_resamples_to_the_asked_rate() -> None:
    pcm = tone_pcm(2.0, 22050, 0.3)
    out = decode_to_pcm(wav_bytes(pcm, 22050), 16000)
    assert len(out) == 2 * 32000


def test_decode_mp3_round_trip(tmp_path: Path) -> None:
    """What an online engine sends: MP3 bytes, decoded at its true length and level."""
    pcm = noisy_pcm(3.0, 24000)
    mp3 = tmp_path / "speech.mp3"
    run_ffmpeg(
        ["-loglevel", "error", "-f", "s16le", "-ar", "24000", "-ac", "1", "-i", "-",
         "-c:a", "libmp3lame", "-b:a", "64k", "-f", "mp3", "-y", str(mp3)],
        input=pcm,
    )  # fmt: skip
    out = decode_to_pcm(mp3.read_bytes(), 24000)
    # The encoder's start delay and end padding are trimmed: the same samples come back.
    assert len(out) == len(pcm)
    original = np.frombuffer(pcm, "<i2").astype(np.float64)
    decoded = np.frombuffer(out, "<i2").astype(np.float64)
    # Aligned sample for sample: a delay of one sample drops this from 0.97 to 0.85
    # for speech-band noise (MP3 at 64 kb/s codes noise coarsely, hence not 0.99).
    assert np.corrcoef(original, decoded)[0, 1] > 0.95
    shifted = np.corrcoef(original[:-1], decoded[1:])[0, 1]
    assert shifted < np.corrcoef(original, decoded)[0, 1]


def test_decode_refuses_garbage_and_nothing() -> None:
    with pytest.raises(EngineError, match="Invalid data"):
        decode_to_pcm(b"this is not audio at all" * 10, 22050)
    with pytest.raises(EngineError):
        decode_to_pcm(b"", 22050)


def test_measure_loudness_of_a_reference_tone(tmp_path: Path) -> None:
    # A full-scale 997 Hz sine measures -3.01 LUFS; this one is 20 dB below.
    path = tmp_path / "tone.wav"
    path.write_bytes(wav_bytes(tone_pcm(10.0, 48000, 0.1), 48000))
    loudness = measure_loudness(path)
    assert loudness.integrated_lufs == pytest.approx(-23.0, abs=0.15)
    assert loudness.true_peak_dbtp == pytest.approx(-20.0, abs=0.15)


def test_measure_loudness_of_silence(tmp_path: Path) -> None:
    path = tmp_path / "silence.wav"
    path.write_bytes(wav_bytes(bytes(2 * 48000), 48000))
    loudness = measure_loudness(path)
    assert loudness.integrated_lufs <= -70.0
    assert loudness.true_peak_dbtp == float("-inf")


def test_measure_loudness_of_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(EngineError, match="No such file"):
        measure_loudness(tmp_path / "absent.mp3")


def test_read_chapters_unescapes_titles(tmp_path: Path) -> None:
    titles = ["Intro", "A = B; c # d", "Back\\slash", "Two\nlines", "Éire, 1845 – 1852"]
    meta = [";FFMETADATA1"]
    for i, title in enumerate(titles):
        escaped = "".join("\\" + ch if ch in "=;#\\\n" else ch for ch in title)
        meta += ["[CHAPTER]", "TIMEBASE=1/1000", f"START={i * 1000}", f"END={(i + 1) * 1000}"]
        meta.append(f"title={escaped}")
    (tmp_path / "meta.txt").write_text("\n".join(meta) + "\n", encoding="utf-8")
    (tmp_path / "in.wav").write_bytes(wav_bytes(tone_pcm(5.0, 8000, 0.1), 8000))
    out = tmp_path / "out.mka"
    run_ffmpeg(
        ["-loglevel", "error", "-i", str(tmp_path / "in.wav"), "-i", str(tmp_path / "meta.txt"),
         "-map", "0", "-map_chapters", "1", "-c", "copy", "-y", str(out)]
    )  # fmt: skip
    expected = [(i * 1000, (i + 1) * 1000, title) for i, title in enumerate(titles)]
    assert read_chapters(out) == expected


def test_read_chapters_of_a_file_without_any(tmp_path: Path) -> None:
    path = tmp_path / "plain.wav"
    path.write_bytes(wav_bytes(tone_pcm(0.5, 8000, 0.1), 8000))
    assert read_chapters(path) == []
