"""The episode's kit follows the creator's recording (the I/O around `recording`).

Takes the channel folder, the planned episode (its article names the recording) and the
kit's folder; gives the timeline laid out on the recording (timing source "recording"),
what timing.json adds (the recording, the mismatches, a confidence per cue), the mismatch
warnings as lines the creator can act on, and episode.mp3 (the recording at podcast
loudness with tags and chapters) staged beside the kit for the caller to rename.

The alignment is cached under build/.cache/align/ by the recording's SHA-256, a hash of the
spoken script and the aligner's version: a rebuild with neither changed aligns nothing.
The reference is always the built-in offline voice `default`, whatever voice the draft
uses: its word times are exact and it costs little to synthesize.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.align.decode import (
    ANALYSIS_RATE,
    MASTER_RATE,
    decode_recording,
    file_sha256,
    source_rate,
)
from toolkit.align.recording import UNRECORDED, Alignment, Mismatch, align_recording
from toolkit.channel import Channel
from toolkit.errors import InputError
from toolkit.files import write_atomic
from toolkit.text.assemble import Episode
from toolkit.timing.cue import Cue
from toolkit.timing.timeline import RECORDING, SentenceTime, SpeechTimes, Timeline, lay_out
from toolkit.voice import load_voice

if TYPE_CHECKING:
    from toolkit.audio.mp3 import Chapter

ALIGNER_VERSION = "1"
CACHE_DIR = Path("build") / ".cache" / "align"
REFERENCE_VOICE = "default"
LOW_CONFIDENCE = 0.5  # cues under this are marked on the page for the creator to check
MASTER_NAME = "episode.mp3"

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Following:
    timeline: Timeline
    recording: dict[str, Any]  # file, sha256, duration_ms
    mismatches: tuple[dict[str, Any], ...]  # as timing.json writes them
    confidence: tuple[float, ...]  # per timed cue
    warnings: tuple[str, ...]
    note: str
    staged: tuple[tuple[Path, Path], ...] = ()
    aligned: bool = True  # False when the alignment came from the cache
    cues: tuple[Cue, ...] = ()  # the plan's cues less those of sentences not recorded

    master: str = MASTER_NAME

    def kit_files(self, episode: Episode, channel: Channel) -> dict[str, str]:
        """The kit's files that differ for a recording: timing.json (with the recording,
        the mismatches and the confidences) and chapters.json (naming episode.mp3)."""
        from toolkit.outputs.chapters import compose_podcast_json
        from toolkit.timing.timeline import compose_timing_json

        return {
            "timing.json": compose_timing_json(
                self.timeline, episode.title, episode.slug, episode.number, self.timing_extra()
            ),
            "chapters.json": compose_podcast_json(
                self.timeline, episode.title, channel.name, self.master
            ),
        }

    def page_view(self) -> dict[str, Any]:
        """What the page shows of the alignment: the mismatch lines and the cues to check."""
        low = [i for i, c in enumerate(self.confidence) if c < LOW_CONFIDENCE]
        return {"mismatches": list(self.warnings), "low_cues": low}

    def timing_extra(self) -> dict[str, Any]:
        """What compose_timing_json adds for a kit that follows a recording."""
        return {
            "recording": self.recording,
            "mismatches": list(self.mismatches),
            "confidence": list(self.confidence),
        }


def recording_path(root: Path, written: str) -> Path:
    """The recording named in the front matter: absolute, or relative to the channel."""
    path = Path(written).expanduser()
    return path if path.is_absolute() else root / path


def name_recording(root: Path, episode_file: Path, recording: Path) -> str:
    """Write `recording:` into the episode's front matter (relative to the channel when the
    file is inside it, else absolute); the rest of the file stays byte for byte. Returns
    the value written."""
    from toolkit.align.frontmatter import set_recording

    if not recording.is_file():
        raise InputError(f"recording {recording} not found", hint="give the path of an audio file")
    found = recording.resolve()
    try:
        value = found.relative_to(root.resolve()).as_posix()
    except ValueError:
        value = str(found)
    target = episode_file.resolve()  # through a link, the creator's own file
    try:
        text = target.read_bytes().decode("utf-8")
        updated = set_recording(text, value)
        mode = stat.S_IMODE(target.stat().st_mode)
    except UnicodeDecodeError as exc:
        raise InputError(
            "cannot name the recording in it: the file is not UTF-8",
            path=episode_file,
            hint=f"add the line 'recording: {value}' to its front matter by hand",
        ) from exc
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot name the recording in it: {exc}", path=episode_file) from exc
    if updated != text:
        write_atomic(target, updated.encode("utf-8"))
        os.chmod(target, mode)  # the creator's permissions, not the new file's
    return value


def script_digest(episode: Episode, identity: str) -> str:
    """What the alignment depends on besides the recording: the spoken sentences (their
    words and how they split into tokens) and the reference voice."""
    digest = hashlib.sha256(f"{ALIGNER_VERSION}\x00{identity}\x00".encode())
    for sentence in episode.sentences:
        digest.update(sentence.spoken.encode("utf-8") + b"\x01")
        digest.update("\x02".join(t.spoken for t in sentence.tokens).encode("utf-8") + b"\x00")
    return digest.hexdigest()


def _encode_alignment(alignment: Alignment) -> str:
    doc = {
        "version": ALIGNER_VERSION,
        "duration_ms": alignment.duration_ms,
        "confidence": list(alignment.confidence),
        "sentences": [
            None if s is None else [s.start_ms, s.end_ms, list(s.token_starts), list(s.token_ends)]
            for s in alignment.sentences
        ],
        "mismatches": [
            [m.kind, m.sentence, m.near_ms, m.start_ms, m.end_ms] for m in alignment.mismatches
        ],
    }
    return json.dumps(doc, separators=(",", ":")) + "\n"


def _decode_alignment(text: str, count: int) -> Alignment | None:
    try:
        doc = json.loads(text)
        if doc["version"] != ALIGNER_VERSION or len(doc["sentences"]) != count:
            return None
        sentences = tuple(
            None if s is None else SentenceTime(s[0], s[1], tuple(s[2]), tuple(s[3]))
            for s in doc["sentences"]
        )
        mismatches = tuple(Mismatch(*m) for m in doc["mismatches"])
        return Alignment(sentences, tuple(doc["confidence"]), mismatches, doc["duration_ms"])
    except (ValueError, KeyError, TypeError, IndexError):
        return None


def cached_alignment(
    root: Path, episode: Episode, recording: Path, sha256: str, shown: str, at: tuple[str, int],
    *, workers: int = 1, progress: Progress | None = None,
) -> tuple[Alignment, bool]:  # fmt: skip
    """The alignment from the cache, or made (and cached). True when it was made."""
    from toolkit.audio.cache import SpeechCache
    from toolkit.audio.narrate import CACHE_DIR as SPEECH_DIR
    from toolkit.audio.narrate import make_engine, synthesize_all

    voice = load_voice(REFERENCE_VOICE, None)
    key = hashlib.sha256(
        f"{sha256}\x00{script_digest(episode, make_engine(voice).identity())}".encode()
    ).hexdigest()
    entry = root / CACHE_DIR / f"{key}.json"
    if entry.is_file():
        found = _decode_alignment(entry.read_text(encoding="utf-8"), len(episode.sentences))
        if found is not None:
            return found, False
    pcm = decode_recording(recording, ANALYSIS_RATE, shown, at)
    texts = [s.spoken for s in episode.sentences]
    synthesis = synthesize_all(
        texts, voice, SpeechCache(root / SPEECH_DIR), workers=workers, progress=progress
    )
    alignment = align_recording(
        episode, synthesis.speeches, pcm, ANALYSIS_RATE, source_rate(recording)
    )
    write_atomic(entry, _encode_alignment(alignment))
    return alignment, True


def speech_times(episode: Episode, alignment: Alignment) -> SpeechTimes:
    """Speech times on the recording; a sentence not recorded takes no time, where it
    would have been."""
    sentences: list[SentenceTime] = []
    clock = 0
    for found, sentence in zip(alignment.sentences, episode.sentences, strict=True):
        if found is None:
            n = len(sentence.tokens)
            found = SentenceTime(clock, clock, (clock,) * n, (clock,) * n)
        sentences.append(found)
        clock = found.end_ms
    segment_starts: list[int] = []
    k = 0
    for si, segment in enumerate(episode.segments):
        times = [t for t in alignment.sentences[k : k + len(segment.sentences)] if t is not None]
        k += len(segment.sentences)
        if si == 0:
            segment_starts.append(0)
        else:
            segment_starts.append(times[0].start_ms if times else sentences[k - 1].start_ms)
    return SpeechTimes(RECORDING, tuple(sentences), tuple(segment_starts), alignment.duration_ms)


def audible_chapters(timeline: Timeline, audio_ms: int) -> list[Chapter]:
    """The MP3's chapters: a section left out of the recording has no time in it, so its
    chapter (empty, or starting where the audio has already ended) is left out."""
    from toolkit.audio.mp3 import Chapter
    from toolkit.outputs.chapters import segment_chapters

    chapters = []
    for c in segment_chapters(timeline):
        end = min(c.end_ms, audio_ms)
        if c.start_ms < end:
            chapters.append(Chapter(c.start_ms, end, c.title))
    return chapters


def recorded_cues(cues: tuple[Cue, ...], alignment: Alignment) -> tuple[Cue, ...]:
    """The cues with at least one recorded sentence (a sentence not recorded shows no cue)."""
    return tuple(
        c
        for c in cues
        if any(alignment.sentences[s] is not None for s in range(c.first[0], c.last[0] + 1))
    )


def cue_confidence(timeline: Timeline, alignment: Alignment) -> tuple[float, ...]:
    """Per cue, the lowest confidence of the recorded sentences it overlaps."""
    spans = [
        (t.start_ms, t.end_ms, c)
        for t, c in zip(alignment.sentences, alignment.confidence, strict=True)
        if t is not None
    ]
    out = []
    for cue in timeline.cues:
        over = [c for s, e, c in spans if s < cue.end_ms and e > cue.start_ms]
        out.append(min(over) if over else 1.0)
    return tuple(out)


def clock_tenths(ms: int) -> str:
    """12:03.4 (or 1:02:03.4 past an hour)."""
    tenths = ms // 100
    seconds, tenth = divmod(tenths, 10)
    minutes, second = divmod(seconds, 60)
    hours, minute = divmod(minutes, 60)
    if hours:
        return f"{hours}:{minute:02d}:{second:02d}.{tenth}"
    return f"{minute}:{second:02d}.{tenth}"


def mismatch_report(
    episode: Episode, alignment: Alignment, episode_file: str, name: Callable[[str], str] = str
) -> tuple[list[dict[str, Any]], list[str]]:
    """timing.json's mismatches and the warning lines, in recording order. A sentence from a
    template (line 0) is pointed at by its template's file, as `name` gives it."""
    docs: list[dict[str, Any]] = []
    lines: list[str] = []
    sentences = episode.sentences
    sources = [seg.source for seg in episode.segments for _ in seg.sentences]
    for m in alignment.mismatches:
        if m.kind == UNRECORDED:
            sentence = sentences[m.sentence]
            docs.append(
                {"kind": m.kind, "line": sentence.line, "text": sentence.text,
                 "near_ms": m.near_ms}
            )  # fmt: skip
            where = (
                f"{episode_file}:{sentence.line}" if sentence.line else name(sources[m.sentence])
            )
            lines.append(f'{where}: not found in the recording: "{sentence.text}"')
        else:
            docs.append({"kind": m.kind, "start_ms": m.start_ms, "end_ms": m.end_ms})
            lines.append(
                f"recording {clock_tenths(m.start_ms)}-{clock_tenths(m.end_ms)}: "
                "speech that is not in the script (a retake?)"
            )
    return docs, lines


def _channel_name(root: Path, name: str) -> str:
    try:
        return Path(name).resolve().relative_to(root.resolve()).as_posix()
    except (ValueError, OSError):
        return name


def follow_recording(
    root: Path,
    episode: Episode,
    cues: tuple[Cue, ...],
    channel: Channel,
    folder: Path,
    written: str,
    at: tuple[str, int],
    *,
    workers: int = 1,
    progress: Progress | None = None,
) -> Following:
    """Align the recording named `written` (the front matter's text; `at` is the episode
    file, as the kit names it, and the line) and lay the kit out on it."""
    from toolkit.audio.mp3 import Tags
    from toolkit.audio.narrate import encode_once
    from toolkit.outputs.script import duration

    path = recording_path(root, written)
    if not path.is_file():
        raise InputError(
            f"recording {written} not found",
            path=at[0],
            line=at[1],
            hint="check the recording: line (relative to the channel folder, or absolute)",
        )
    sha256 = file_sha256(path)
    try:
        alignment, aligned = cached_alignment(
            root, episode, path, sha256, written, at, workers=workers, progress=progress
        )
    except InputError as exc:  # point at the recording: line, naming the file
        if exc.path == episode.path:
            exc.path, exc.line = at
            exc.what = f"{written}: {exc.what}"
        raise
    speech = speech_times(episode, alignment)
    kept = recorded_cues(cues, alignment)
    timeline = lay_out(episode, kept, speech, channel.rules)
    docs, lines = mismatch_report(episode, alignment, at[0], lambda f: _channel_name(root, f))
    tags = Tags(title=episode.title, artist=channel.name, album=channel.name, track=episode.number)
    target = folder / MASTER_NAME
    master = decode_recording(path, MASTER_RATE, written, at)
    chapters = audible_chapters(timeline, len(master) // 2 * 1000 // MASTER_RATE)
    staged = encode_once(root, master, MASTER_RATE, target, tags, chapters)
    low = sum(1 for c in cue_confidence(timeline, alignment) if c < LOW_CONFIDENCE)
    note = (
        f"{'aligned' if aligned else 'alignment from cache'} with {written} "
        f"({duration(alignment.duration_ms)}), {len(lines)} mismatches, "
        f"{low} cues to check"
    )
    return Following(
        timeline=timeline,
        recording={"file": written, "sha256": sha256, "duration_ms": alignment.duration_ms},
        mismatches=tuple(docs),
        confidence=cue_confidence(timeline, alignment),
        warnings=tuple(lines),
        note=note,
        staged=((staged, target),) if staged is not None else (),
        aligned=aligned,
        cues=kept,
    )
