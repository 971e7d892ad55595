"""The narrated draft: synthesize sentence by sentence (cached), join the PCM once with the
voice's pauses, time the cues from the real audio and encode a tagged, chaptered MP3.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from toolkit.audio.cache import SpeechCache, cache_key
from toolkit.audio.engine import Engine, Speech
from toolkit.audio.ffmpeg import ffmpeg_exe
from toolkit.audio.mp3 import Chapter, Tags, encode_mp3
from toolkit.audio.music import extend_timeline, mix_music
from toolkit.audio.wordmarks import sentence_time
from toolkit.channel import Channel
from toolkit.files import temp_name, write_atomic
from toolkit.lock import die_with_parent
from toolkit.outputs.chapters import segment_chapters
from toolkit.outputs.script import duration
from toolkit.text.assemble import Episode
from toolkit.timing.timeline import AUDIO, SentenceTime, SpeechTimes, Timeline, lay_out, pause_after
from toolkit.voice import VoiceProfile

CACHE_DIR = Path("build") / ".cache" / "speech"
# Below this many sentences to synthesize a second process costs more than it saves.
PARALLEL_MIN = 24
# A Piper sentence costs about 100x an espeak one: a few are worth a second process.
PARALLEL_MIN_PIPER = 4

Progress = Callable[[int, int], None]


def make_engine(voice: VoiceProfile) -> Engine:
    if voice.engine == "gtts":
        from toolkit.audio.gtts_engine import GttsEngine

        return GttsEngine(voice)
    if voice.engine == "piper":
        from toolkit.audio.piper_engine import PiperEngine

        return PiperEngine(voice)
    from toolkit.audio.espeak import EspeakEngine

    return EspeakEngine(voice)


@dataclass(frozen=True)
class Synthesis:
    speeches: tuple[Speech, ...]  # one per sentence, in episode order
    synthesized: int
    from_cache: int


def _synthesize_one(args: tuple[VoiceProfile, str]) -> Speech:
    voice, text = args
    return make_engine(voice).synthesize(text)


def synthesize_all(
    texts: Sequence[str],
    voice: VoiceProfile,
    cache: SpeechCache,
    *,
    workers: int = 1,
    progress: Progress | None = None,
) -> Synthesis:
    """Speech for every text, from the cache when it is there. Each new sentence is cached
    as soon as it is made, so an interrupted build resumes where it stopped."""
    engine = make_engine(voice)
    identity = engine.identity()
    keys = [cache_key(identity, t) for t in texts]
    found: dict[str, Speech] = {}
    for key in dict.fromkeys(keys):
        hit = cache.get(key)
        if hit is not None and hit.sample_rate == voice.sample_rate:
            found[key] = hit
    from_cache = sum(1 for k in keys if k in found)
    missing = list(dict.fromkeys(k for k in keys if k not in found))
    text_of = dict(zip(keys, texts, strict=True))
    done = from_cache
    if progress:
        progress(done, len(texts))
    least = PARALLEL_MIN_PIPER if voice.engine == "piper" else PARALLEL_MIN
    use_pool = workers > 1 and not voice.online and len(missing) >= least
    if use_pool:
        with ProcessPoolExecutor(max_workers=workers, initializer=die_with_parent) as pool:
            jobs = [(voice, text_of[k]) for k in missing]
            chunk = 1 if voice.engine == "piper" else 8  # slow sentences: balance the cores
            for key, speech in zip(
                missing, pool.map(_synthesize_one, jobs, chunksize=chunk), strict=True
            ):
                cache.put(key, speech)
                found[key] = speech
                done += keys.count(key)
                if progress:
                    progress(done, len(texts))
    else:
        for key in missing:
            speech = engine.synthesize(text_of[key])
            cache.put(key, speech)
            found[key] = speech
            done += keys.count(key)
            if progress:
                progress(done, len(texts))
    return Synthesis(tuple(found[k] for k in keys), len(missing), from_cache)


def join_audio(
    episode: Episode, speeches: Sequence[Speech], voice: VoiceProfile
) -> tuple[bytes, SpeechTimes]:
    """One PCM buffer for the episode (joined once: repeated concatenation is quadratic)
    and the speech times measured from it."""
    rate = voice.sample_rate
    parts: list[bytes] = []
    clock_samples = 0
    sentences: list[SentenceTime] = []
    segment_starts: list[int] = []
    k = 0
    last_seg = len(episode.segments) - 1

    def ms(samples: int) -> int:
        return samples * 1000 // rate

    for si, seg in enumerate(episode.segments):
        segment_starts.append(ms(clock_samples))
        paragraphs = seg.paragraphs
        for pi, para in enumerate(paragraphs):
            for ti, sentence in enumerate(para.sentences):
                speech = speeches[k]
                k += 1
                start = ms(clock_samples)
                sentences.append(sentence_time(start, sentence.tokens, speech))
                parts.append(speech.pcm)
                clock_samples += len(speech.pcm) // 2
                last_t = ti == len(para.sentences) - 1
                last_p = last_t and pi == len(paragraphs) - 1
                pause = pause_after(voice, last_t, last_p, last_p and si == last_seg)
                silence = pause * rate // 1000
                parts.append(bytes(2 * silence))
                clock_samples += silence
    pcm = b"".join(parts)
    return pcm, SpeechTimes(AUDIO, tuple(sentences), tuple(segment_starts), ms(clock_samples))


@dataclass(frozen=True)
class Narration:
    timeline: Timeline
    note: str
    synthesized: int
    from_cache: int
    staged: tuple[tuple[Path, Path], ...] = ()  # (temporary, final): the caller renames


def narrate(
    root: Path,
    episode: Episode,
    cues: tuple,  # type: ignore[type-arg]
    voice: VoiceProfile,
    channel: Channel,
    folder: Path,
    *,
    workers: int = 1,
    progress: Progress | None = None,
    mp3_name: str = "narration.mp3",
) -> Narration:
    """Synthesize, time and encode to a temporary file beside folder/mp3_name; the caller
    renames it into place (with the rest of the kit) from `Narration.staged`."""
    texts = [s.spoken for s in episode.sentences]
    synthesis = synthesize_all(
        texts, voice, SpeechCache(root / CACHE_DIR), workers=workers, progress=progress
    )
    pcm, speech_times = join_audio(episode, synthesis.speeches, voice)
    timeline = lay_out(episode, cues, speech_times, channel.rules)
    # The music bed goes under the intro and outro before the encode measures loudness.
    spoken = [(s.start_ms, s.end_ms) for s in speech_times.sentences]
    pcm, rung = mix_music(
        pcm, voice.sample_rate, timeline, spoken, channel.music, root, channel.source
    )
    timeline = extend_timeline(timeline, rung)
    chapters = [Chapter(c.start_ms, c.end_ms, c.title) for c in segment_chapters(timeline)]
    tags = Tags(title=episode.title, artist=channel.name, album=channel.name, track=episode.number)
    target = folder / mp3_name
    staged = encode_once(root, pcm, voice.sample_rate, target, tags, chapters)
    note = (
        f"{synthesis.synthesized} synthesized, {synthesis.from_cache} from cache, "
        f"{duration(timeline.total_ms)} of audio"
    )
    return Narration(
        timeline,
        note,
        synthesis.synthesized,
        synthesis.from_cache,
        ((staged, target),) if staged is not None else (),
    )


def default_workers(wanted: int | None = None) -> int:
    """Processes for synthesis: one per core, or as many as wanted up to that."""
    cores = os.cpu_count() or 1
    return max(1, min(wanted or cores, cores))


ENCODE_DIR = Path("build") / ".cache" / "mp3"
ENCODER_REVISION = "1"  # bump when encode_mp3's settings change


def encode_once(
    root: Path, pcm: bytes, rate: int, target: Path, tags: Tags, chapters: list[Chapter]
) -> Path | None:
    """Encode to a temporary file beside `target`, unless `target` already holds exactly
    this encode (same audio, tags, chapters and encoder, and the file unchanged since).
    Returns the temporary file to rename into place, or None when nothing changed."""
    digest = hashlib.sha256()
    for part in (ENCODER_REVISION, ffmpeg_exe(), str(rate), repr(tags), repr(chapters)):
        digest.update(part.encode("utf-8") + b"\x00")
    digest.update(pcm)
    key = digest.hexdigest()
    where = hashlib.sha256(str(target.resolve()).encode()).hexdigest()[:24]
    record = root / ENCODE_DIR / f"{where}.key"
    if target.is_file() and record.is_file():
        stored = record.read_text(encoding="utf-8").split()
        unchanged = len(stored) == 2 and stored[0] == key
        if unchanged and hashlib.sha256(target.read_bytes()).hexdigest() == stored[1]:
            return None
    staged = temp_name(target)
    try:
        encode_mp3(pcm, rate, staged, tags, chapters)
        output = hashlib.sha256(staged.read_bytes()).hexdigest()
        # If the rename never happens the record no longer matches the file: re-encoded.
        write_atomic(record, f"{key} {output}\n")
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    return staged
