"""The offline voice: libespeak-ng from the espeakng-loader wheel, for real (it is fast)."""

from __future__ import annotations

import hashlib
import pickle
import re
import socket
import subprocess
import sys
from dataclasses import replace
from typing import Any

import pytest

from toolkit.audio.engine import Speech
from toolkit.audio.espeak import NATIVE_RATE, TAIL_KEEP_MS, EspeakEngine, list_languages
from toolkit.errors import EngineError
from toolkit.voice import VoiceProfile

BASE = VoiceProfile(
    name="test",
    engine="espeak",
    language="en-us",
    rate=165,
    pitch=45,
    tld="com",
    slow=False,
    sentence_pause_ms=350,
    paragraph_pause_ms=700,
    segment_pause_ms=1200,
    sample_rate=NATIVE_RATE,
    words_per_minute=165.0,
)

SENTENCE = (
    "On the night of the great storm the barometer fell faster than anyone could remember, "
    "and the keeper climbed the steps of the lighthouse twice before midnight."
)
NON_ASCII = "Café Müller’s 1,95 m, naïve Zürich 😀 and Straße."
_EDGES = "\"'“”‘’()[]{},.;:!?—–-…"


def speak(text: str, **changes: Any) -> Speech:
    return EspeakEngine(replace(BASE, **changes)).synthesize(text)


def tokens(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]


def samples_peak(pcm: bytes) -> int:
    values = memoryview(pcm).cast("h")
    return max(abs(v) for v in values)


def test_speech_is_16_bit_mono_at_the_native_rate() -> None:
    speech = speak(SENTENCE)
    assert speech.sample_rate == NATIVE_RATE
    assert len(speech.pcm) % 2 == 0
    assert speech.duration_ms > 3000  # 25 words cannot take less
    assert samples_peak(speech.pcm) > 1000


def test_leading_silence_is_cut_and_the_tail_is_short() -> None:
    pcm = memoryview(speak(SENTENCE).pcm).cast("h")
    assert abs(pcm[0]) > 32
    loud = [i for i, value in enumerate(pcm) if abs(value) > 32]
    tail_ms = (len(pcm) - 1 - loud[-1]) * 1000 / NATIVE_RATE
    assert tail_ms <= TAIL_KEEP_MS + 1


def test_other_sample_rates_are_resampled_with_the_same_marks() -> None:
    native = speak(SENTENCE)
    resampled = speak(SENTENCE, sample_rate=24000)
    assert resampled.sample_rate == 24000
    assert abs(resampled.duration_ms - native.duration_ms) <= 2
    assert resampled.words == native.words


def test_word_marks_cover_most_words_in_order_within_the_audio() -> None:
    speech = speak(SENTENCE)
    words = tokens(SENTENCE)
    marks = speech.words
    assert len(marks) >= 0.8 * len(words)
    assert [m.start for m in marks] == sorted({m.start for m in marks})
    assert [m.ms for m in marks] == sorted(m.ms for m in marks)
    assert marks[0].start == 0 and marks[0].ms <= 50
    assert all(0 <= m.ms < speech.duration_ms for m in marks)
    assert marks[-1].ms > speech.duration_ms // 2
    for mark in marks:
        start, end = next((a, b) for a, b in words if a <= mark.start < b)
        core = SENTENCE[start:end].strip(_EDGES)
        assert core.startswith(SENTENCE[mark.start : mark.start + mark.length])
        assert mark.start + mark.length <= end


def test_marks_point_at_their_words() -> None:
    marks = {SENTENCE[m.start : m.start + m.length]: m for m in speak(SENTENCE).words}
    for word in ("night", "storm", "barometer", "keeper", "lighthouse", "midnight"):
        assert marks[word].start == SENTENCE.index(word)


def test_non_ascii_offsets_are_python_characters() -> None:
    speech = speak(NON_ASCII)
    found = {NON_ASCII[m.start : m.start + m.length]: m.start for m in speech.words}
    # "’", "ß" and the emoji (outside the BMP) would shift byte or UTF-16 offsets
    for word in ("Café", "Müller", "naïve", "Zürich", "Straße"):
        assert found[word] == NON_ASCII.index(word)
    assert found["😀"] == NON_ASCII.index("😀")
    assert NON_ASCII.index("1,95") in {m.start for m in speech.words}


def test_one_mark_per_word_even_when_a_word_is_read_as_several() -> None:
    text = "In 1931 the lamp was lit by hand."
    marks = speak(text).words
    inside = [m for m in marks if text.index("1931") <= m.start < text.index("1931") + 4]
    assert len(inside) == 1


def test_same_text_and_settings_give_identical_audio() -> None:
    engine = EspeakEngine(BASE)
    first = engine.synthesize(SENTENCE)
    # libespeak-ng carries pitch and gain state from one utterance to the next; other
    # voices and texts in between must not change the result
    speak("Something else entirely, said quickly.", language="en-gb", rate=300, pitch=80)
    speak(NON_ASCII)
    second = engine.synthesize(SENTENCE)
    assert second.pcm == first.pcm
    assert second.words == first.words


def test_a_fresh_process_gives_identical_audio() -> None:
    script = (
        "import hashlib, pickle, sys\n"
        "engine, text = pickle.loads(sys.stdin.buffer.read())\n"
        "print(hashlib.sha256(engine.synthesize(text).pcm).hexdigest())\n"
    )
    engine = EspeakEngine(BASE)
    speak("Warm the library up with other words first.")
    here = hashlib.sha256(engine.synthesize(SENTENCE).pcm).hexdigest()
    done = subprocess.run(
        [sys.executable, "-c", script],
        input=pickle.dumps((engine, SENTENCE)),
        capture_output=True,
        check=True,
    )
    assert done.stdout.decode().strip() == here


def test_rate_changes_duration() -> None:
    slow = speak(SENTENCE, rate=120)
    fast = speak(SENTENCE, rate=240)
    assert slow.duration_ms > 1.5 * fast.duration_ms


def test_language_pitch_and_variant_change_the_audio() -> None:
    us = speak(SENTENCE).pcm
    assert speak(SENTENCE, language="en-gb").pcm != us
    assert speak(SENTENCE, pitch=80).pcm != us
    assert speak(SENTENCE, language="en-us+f3").pcm != us
    assert speak(SENTENCE, language="EN-US").pcm == us


def test_unknown_language_is_an_engine_error_listing_the_choices() -> None:
    with pytest.raises(EngineError) as caught:
        speak(SENTENCE, language="xx-nowhere")
    message = str(caught.value)
    assert "xx-nowhere" in message and "use one of" in message and "en-gb" in message
    assert "\n" not in message


def test_unknown_variant_is_an_engine_error() -> None:
    with pytest.raises(EngineError, match="variant 'nobody'"):
        speak(SENTENCE, language="en-us+nobody")


def test_synthesis_never_opens_a_socket(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> socket.socket:
        raise AssertionError("the offline voice opened a socket")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    engine = EspeakEngine(replace(BASE, language="en-gb", rate=160))
    assert engine.identity()
    assert engine.synthesize(SENTENCE).pcm


def test_identity_names_everything_that_changes_the_audio() -> None:
    identity = EspeakEngine(BASE).identity()
    assert identity == EspeakEngine(BASE).identity()
    assert re.search(r"espeak-ng \d+\.\d+", identity)
    others = {
        EspeakEngine(replace(BASE, **change)).identity()
        for change in (
            {"language": "en-gb"},
            {"rate": 170},
            {"pitch": 46},
            {"sample_rate": 24000},
        )
    }
    assert identity not in others and len(others) == 4
    # settings that only matter to other stages are not part of it
    assert EspeakEngine(replace(BASE, name="other", sentence_pause_ms=1)).identity() == identity


def test_engine_pickles_and_speaks_the_same() -> None:
    engine = EspeakEngine(BASE)
    copy = pickle.loads(pickle.dumps(engine))
    assert copy.synthesize(SENTENCE) == engine.synthesize(SENTENCE)


@pytest.mark.parametrize("text", ["", "   \n", "..."])
def test_nothing_to_say_gives_empty_audio(text: str) -> None:
    speech = speak(text)
    assert speech.pcm == b"" and speech.words == ()


def test_languages_are_listed() -> None:
    languages = list_languages()
    assert {"en-us", "en-gb", "fr", "de"} <= set(languages)
    assert languages == sorted(languages)
