"""Offline speech: libespeak-ng from the espeakng-loader wheel, driven through ctypes.

No system package and no network: the wheel ships the library and its data folder. The
library's compiled-in data path points at the wheel builder's machine, so the wheel's data
folder is always passed to espeak_Initialize.

Determinism. libespeak-ng keeps synthesis state in C statics that nothing resets: the phase
of its pitch "flutter" table, the roughness cycle counter and the gain control carry over
from one utterance to the next, so the same sentence comes out different (by content and by
a few milliseconds of length) depending on what was spoken before it in the process, and
espeak_Terminate + espeak_Initialize does not reset them. Each synthesis therefore loads a
fresh copy of the library, initialises it, speaks, terminates it and unloads it (about 2 ms):
the audio then depends only on the text and the settings, whatever ran before, in whichever
worker process. The library is process-global state, so one lock serialises every use.
"""

from __future__ import annotations

import _ctypes
import bisect
import ctypes
import difflib
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata

import numpy as np

from toolkit.audio.engine import Speech, WordMark
from toolkit.errors import EngineError
from toolkit.voice import VoiceProfile

NATIVE_RATE = 22050  # Hz: what libespeak-ng produces; anything else is resampled by ffmpeg

# Bump when trimming, mark handling or resampling changes the returned audio: it is part of
# identity(), so cached sentences from an older revision are not reused.
REVISION = 1

# A sample counts as sound above this magnitude (about -60 dBFS). espeak's pauses are exact
# zeros followed by a short decay, so anything quieter is inaudible tail.
SILENCE_THRESHOLD = 32
TAIL_KEEP_MS = 30  # trailing quiet kept after the last sound, so the last phoneme decays

# speak_lib.h (API revision 12, espeak-ng 1.52)
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_INITIALIZE_DONT_EXIT = 0x8000  # without it a missing data folder calls exit(1)
_CHARS_UTF8 = 1
_POS_CHARACTER = 1
_EVENT_LIST_TERMINATED = 0
_EVENT_WORD = 1
_PARAM_RATE = 1
_PARAM_PITCH = 3
_BUFFER_MS = 200  # callback granularity only; output is identical for any value
_EE_OK = 0


class _EventId(ctypes.Union):
    _fields_ = (
        ("number", ctypes.c_int),
        ("name", ctypes.c_char_p),
        ("string", ctypes.c_char * 8),
    )


class _Event(ctypes.Structure):
    """espeak_EVENT. text_position is 1-based, in characters (code points) of the input."""

    _fields_ = (
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),  # ms from the start of this espeak_Synth's audio
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", _EventId),
    )


class _Voice(ctypes.Structure):
    """espeak_VOICE. `languages` is a byte list, so it is read through its address."""

    _fields_ = (
        ("name", ctypes.c_char_p),
        ("languages", ctypes.c_void_p),
        ("identifier", ctypes.c_char_p),
        ("gender", ctypes.c_ubyte),
        ("age", ctypes.c_ubyte),
        ("variant", ctypes.c_ubyte),
        ("xx1", ctypes.c_ubyte),
        ("score", ctypes.c_int),
        ("spare", ctypes.c_void_p),
    )


_SynthCallback = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event)
)


@dataclass
class _Collector:
    """What one espeak_Synth call hands to the callback."""

    chunks: list[bytes] = field(default_factory=list)
    words: list[tuple[int, int, int]] = field(default_factory=list)  # (position, length, ms)


_LOCK = threading.Lock()
_collector: _Collector | None = None


def _on_synth(
    wav: ctypes._Pointer[ctypes.c_short], count: int, events: ctypes._Pointer[_Event]
) -> int:
    # Called from inside espeak_Synth on the calling thread (synchronous mode), under _LOCK.
    sink = _collector
    if sink is None:
        return 1  # nobody is listening: ask the library to abort
    if wav and count > 0:
        sink.chunks.append(ctypes.string_at(wav, count * 2))
    if events:
        index = 0
        while events[index].type != _EVENT_LIST_TERMINATED:
            event = events[index]
            if event.type == _EVENT_WORD:
                sink.words.append((event.text_position, event.length, event.audio_position))
            index += 1
    return 0


# Kept referenced for the life of the process: the library holds a raw pointer to it.
_CALLBACK = _SynthCallback(_on_synth)


def _declare(lib: ctypes.CDLL) -> None:
    lib.espeak_Initialize.argtypes = (ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int)
    lib.espeak_Initialize.restype = ctypes.c_int
    lib.espeak_Info.argtypes = (ctypes.c_void_p,)
    lib.espeak_Info.restype = ctypes.c_char_p
    lib.espeak_SetSynthCallback.argtypes = (_SynthCallback,)
    lib.espeak_SetSynthCallback.restype = None
    lib.espeak_ListVoices.argtypes = (ctypes.POINTER(_Voice),)
    lib.espeak_ListVoices.restype = ctypes.POINTER(ctypes.POINTER(_Voice))
    lib.espeak_SetVoiceByProperties.argtypes = (ctypes.POINTER(_Voice),)
    lib.espeak_SetVoiceByProperties.restype = ctypes.c_int
    lib.espeak_SetVoiceByName.argtypes = (ctypes.c_char_p,)
    lib.espeak_SetVoiceByName.restype = ctypes.c_int
    lib.espeak_GetCurrentVoice.argtypes = ()
    lib.espeak_GetCurrentVoice.restype = ctypes.POINTER(_Voice)
    lib.espeak_SetParameter.argtypes = (ctypes.c_int, ctypes.c_int, ctypes.c_int)
    lib.espeak_SetParameter.restype = ctypes.c_int
    lib.espeak_Synth.argtypes = (
        ctypes.c_void_p,
        ctypes.c_size_t,
        ctypes.c_uint,
        ctypes.c_int,
        ctypes.c_uint,
        ctypes.c_uint,
        ctypes.c_void_p,
        ctypes.c_void_p,
    )
    lib.espeak_Synth.restype = ctypes.c_int
    lib.espeak_Synchronize.argtypes = ()
    lib.espeak_Synchronize.restype = ctypes.c_int
    lib.espeak_Terminate.argtypes = ()
    lib.espeak_Terminate.restype = ctypes.c_int


def _unload(handle: int) -> None:
    # Drops our reference; the library (and its static state) really goes away only if no
    # other code in the process loaded the same file, which nothing in the toolkit does.
    if sys.platform == "win32":
        _ctypes.FreeLibrary(handle)
    else:
        _ctypes.dlclose(handle)


@contextmanager
def _fresh_library() -> Iterator[ctypes.CDLL]:
    """A freshly loaded, initialised libespeak-ng, unloaded on exit. Call under _LOCK."""
    try:
        # Imported here so a broken install surfaces as an EngineError, not an ImportError
        # when the CLI starts.
        import espeakng_loader

        library_path = espeakng_loader.get_library_path()
        data_path = espeakng_loader.get_data_path()
        lib = ctypes.CDLL(library_path)
    except (ImportError, OSError, RuntimeError) as exc:
        raise EngineError(
            f"cannot load libespeak-ng from the espeakng-loader package: {exc}",
            hint="reinstall the toolkit's dependencies (pip install espeakng-loader)",
        ) from exc
    try:
        _declare(lib)
        rate = lib.espeak_Initialize(
            _AUDIO_OUTPUT_SYNCHRONOUS, _BUFFER_MS, os.fsencode(data_path), _INITIALIZE_DONT_EXIT
        )
        if rate != NATIVE_RATE:
            # 0 or -1 when the data folder is unusable (the library also writes why to stderr)
            raise EngineError(
                f"libespeak-ng could not initialise with its data folder {data_path} "
                f"(returned {rate})",
                hint="reinstall espeakng-loader",
            )
        lib.espeak_SetSynthCallback(_CALLBACK)
        try:
            yield lib
        finally:
            lib.espeak_Terminate()
    finally:
        _unload(lib._handle)


def _language_list(address: int | None) -> list[str]:
    """Decode espeak_VOICE.languages: (priority byte, NUL-terminated name)*, then a 0 byte."""
    found: list[str] = []
    if not address:
        return found
    offset = 0
    while ctypes.c_ubyte.from_address(address + offset).value != 0:
        name = ctypes.string_at(address + offset + 1)
        found.append(name.decode("utf-8", "replace"))
        offset += len(name) + 2
    return found


def _voices(lib: ctypes.CDLL, spec: _Voice | None) -> list[_Voice]:
    table = lib.espeak_ListVoices(None if spec is None else ctypes.byref(spec))
    voices: list[_Voice] = []
    index = 0
    while table[index]:
        voices.append(table[index].contents)
        index += 1
    return voices


@dataclass(frozen=True)
class _Facts:
    version: str
    languages: tuple[str, ...]
    variants: tuple[str, ...]  # voice variant names ("f3", "Andy"), used as "en-us+f3"


_facts: _Facts | None = None


def _read_facts(lib: ctypes.CDLL) -> _Facts:
    version = (lib.espeak_Info(None) or b"").decode("ascii", "replace")
    languages = sorted({lang for v in _voices(lib, None) for lang in _language_list(v.languages)})
    spec = _Voice()
    selector = ctypes.c_char_p(b"variant")  # espeak's way to list variants; kept alive here
    spec.languages = ctypes.cast(selector, ctypes.c_void_p).value
    variants = sorted(
        {
            (v.identifier or b"").decode("utf-8", "replace").rsplit("/", 1)[-1]
            for v in _voices(lib, spec)
        }
        - {""}
    )
    return _Facts(version, tuple(languages), tuple(variants))


def _library_facts() -> _Facts:
    global _facts
    with _LOCK:
        if _facts is None:
            with _fresh_library() as lib:
                _facts = _read_facts(lib)
        return _facts


def list_languages() -> list[str]:
    """Every language code the bundled espeak-ng voices speak ("en-us", "en-gb", "fr", ...)."""
    return list(_library_facts().languages)


def _resolve(voice: VoiceProfile, facts: _Facts) -> tuple[str, str | None]:
    """The profile's `language` ("en-gb" or "en-gb+f3") as (language, variant), validated."""
    wanted, _, variant = voice.language.strip().partition("+")
    # Codes are matched regardless of case ("en-GB"), but some are listed in mixed case.
    by_folded = {code.lower(): code for code in facts.languages}
    language = by_folded.get(wanted.lower())
    if language is None:
        close = difflib.get_close_matches(wanted.lower(), list(by_folded), n=3)
        guess = (
            f"did you mean {' or '.join(by_folded[c] for c in close)}? Otherwise " if close else ""
        )
        raise EngineError(
            f"unknown espeak language {voice.language!r}",
            path=voice.source,
            hint=f"{guess}use one of: {', '.join(facts.languages)}",
        )
    if not variant:
        return language, None
    variants = {name.lower(): name for name in facts.variants}
    if variant.lower() not in variants:
        raise EngineError(
            f"unknown espeak voice variant {variant!r} in {voice.language!r}",
            path=voice.source,
            hint=f"use one of: {', '.join(facts.variants)}",
        )
    return language, variants[variant.lower()]


def _select_voice(
    lib: ctypes.CDLL, voice: VoiceProfile, language: str, variant: str | None
) -> None:
    # By properties, not by name: "en-gb" is a language of the voice file "gmw/en", and
    # espeak_SetVoiceByName("en-gb") fails while the language lookup finds it.
    spec = _Voice()
    encoded = ctypes.c_char_p(language.encode())  # referenced until the call returns
    spec.languages = ctypes.cast(encoded, ctypes.c_void_p).value
    if lib.espeak_SetVoiceByProperties(ctypes.byref(spec)) != _EE_OK:
        raise EngineError(f"espeak could not select language {language!r}", path=voice.source)
    if variant is not None:
        current = lib.espeak_GetCurrentVoice()
        identifier = current.contents.identifier if current else None
        if not identifier or lib.espeak_SetVoiceByName(identifier + b"+" + variant.encode()):
            raise EngineError(
                f"espeak could not apply variant {variant!r} to {language!r}", path=voice.source
            )
    for parameter, value, label in (
        (_PARAM_RATE, voice.rate, "rate"),
        (_PARAM_PITCH, voice.pitch, "pitch"),
    ):
        if lib.espeak_SetParameter(parameter, value, 0) != _EE_OK:
            raise EngineError(f"espeak rejected {label} {value}", path=voice.source)


def _speak(lib: ctypes.CDLL, text: str) -> _Collector:
    global _collector
    # A NUL would end the C string early; a space keeps every character offset in place.
    # Lone surrogates become "?" (one character each), so offsets still match.
    data = text.replace("\0", " ").encode("utf-8", "replace") + b"\0"
    sink = _Collector()
    _collector = sink
    try:
        # No espeakENDPAUSE: espeak would append ~300 ms of silence; the caller adds pauses.
        status = lib.espeak_Synth(data, len(data), 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None)
        if status != _EE_OK:
            raise EngineError(f"espeak_Synth failed with status {status}")
        lib.espeak_Synchronize()
    finally:
        _collector = None
    return sink


@dataclass(frozen=True)
class _Trim:
    pcm: bytes  # little-endian int16 at NATIVE_RATE
    shift_ms: int  # how much was cut from the start


def _trim(raw: bytes) -> _Trim:
    """Cut all leading quiet and the trailing quiet beyond TAIL_KEEP_MS."""
    samples = np.frombuffer(raw, dtype=np.int16)
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > SILENCE_THRESHOLD)
    if loud.size == 0:
        return _Trim(b"", 0)
    first = int(loud[0])
    last = int(loud[-1]) + 1 + TAIL_KEEP_MS * NATIVE_RATE // 1000
    kept = samples[first : min(last, samples.size)]
    return _Trim(kept.astype("<i2", copy=False).tobytes(), first * 1000 // NATIVE_RATE)


_TOKEN = re.compile(r"\S+")


def _word_marks(
    text: str, events: list[tuple[int, int, int]], shift_ms: int, duration_ms: int
) -> tuple[WordMark, ...]:
    """espeak's word events as marks: at most one per whitespace-separated word.

    espeak reads some words as several (a number, an emoji) and gives each part an event,
    some starting inside the word or on the space after it; the first (earliest) is kept,
    with its length cut at the word's end. Offsets become 0-based, times are shifted by the
    trimmed lead and kept inside the audio and non-decreasing.
    """
    tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
    starts = [start for start, _ in tokens]
    marked: set[int] = set()
    marks: list[WordMark] = []
    last_ms = 0
    for position, length, ms in events:
        start = position - 1
        index = bisect.bisect_right(starts, start) - 1
        if not 0 <= start < len(text) or index < 0 or start >= tokens[index][1]:
            continue  # outside the text or on whitespace: a continuation of the last word
        if index in marked:
            continue
        at = min(max(ms - shift_ms, 0), max(duration_ms - 1, 0))
        if at < last_ms:
            continue
        marked.add(index)
        span = min(max(length, 1), tokens[index][1] - start)
        marks.append(WordMark(start=start, length=span, ms=at))
        last_ms = at
    return tuple(marks)


def _resample(pcm: bytes, rate: int) -> bytes:
    """s16le mono NATIVE_RATE -> rate, through the ffmpeg binary of imageio-ffmpeg."""
    try:
        import imageio_ffmpeg

        ffmpeg = imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError) as exc:
        raise EngineError(
            f"cannot find ffmpeg to resample speech to {rate} Hz: {exc}",
            hint=f"install imageio-ffmpeg, or set the voice's sample_rate to {NATIVE_RATE}",
        ) from exc
    command = [
        ffmpeg,
        "-hide_banner",
        "-loglevel",
        "error",
        "-nostdin",
        "-fflags",
        "+bitexact",
        "-f",
        "s16le",
        "-ar",
        str(NATIVE_RATE),
        "-ac",
        "1",
        "-i",
        "pipe:0",
        "-flags:a",
        "+bitexact",
        "-f",
        "s16le",
        "-ar",
        str(rate),
        "-ac",
        "1",
        "pipe:1",
    ]
    try:
        done = subprocess.run(command, input=pcm, capture_output=True, check=False)
    except OSError as exc:
        raise EngineError(f"cannot run ffmpeg to resample speech: {exc}") from exc
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = lines[-1] if lines else f"exit status {done.returncode}"
        raise EngineError(f"ffmpeg could not resample speech to {rate} Hz: {reason}")
    return done.stdout


def _package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "unknown"


class EspeakEngine:
    """Speaks with libespeak-ng, offline. Cheap to create and picklable: the library is only
    touched by identity() and synthesize()."""

    def __init__(self, voice: VoiceProfile) -> None:
        self.voice = voice

    def identity(self) -> str:
        facts = _library_facts()
        v = self.voice
        parts = [
            f"espeak-ng {facts.version}",
            f"espeakng-loader {_package_version('espeakng-loader')}",
            f"toolkit.audio.espeak r{REVISION}",
            f"language={v.language}",
            f"rate={v.rate}",
            f"pitch={v.pitch}",
            f"sample_rate={v.sample_rate}",
        ]
        if v.sample_rate != NATIVE_RATE:
            parts.append(f"resampler=imageio-ffmpeg {_package_version('imageio-ffmpeg')}")
        return " ".join(parts)

    def synthesize(self, text: str) -> Speech:
        """One sentence as 16-bit mono PCM at the voice's sample rate, with word marks.

        Leading quiet is cut and trailing quiet kept to TAIL_KEEP_MS; the caller adds
        pauses. Text with nothing to say gives empty audio.
        """
        rate = self.voice.sample_rate
        if not text.strip():
            return Speech(b"", rate, ())
        facts = _library_facts()
        language, variant = _resolve(self.voice, facts)
        with _LOCK, _fresh_library() as lib:
            _select_voice(lib, self.voice, language, variant)
            said = _speak(lib, text)
        trimmed = _trim(b"".join(said.chunks))
        pcm = trimmed.pcm
        if pcm and rate != NATIVE_RATE:
            pcm = _resample(pcm, rate)
        duration_ms = (len(pcm) // 2) * 1000 // rate
        marks = _word_marks(text, said.words, trimmed.shift_ms, duration_ms) if pcm else ()
        return Speech(pcm, rate, marks)
