"""Timing: when each sentence, token and cue is heard, estimated or measured.

The estimate comes from the voice profile: a speaking rate (words a minute, with longer
words taking longer) and the pauses after a sentence, a paragraph and a segment. Measured
audio gives the same `SpeechTimes` from the engine's word positions. Either way
`lay_out` turns speech times and cues into a Timeline that obeys the subtitle rules.
All times are int milliseconds.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from toolkit.channel import SubtitleRules
from toolkit.errors import InputError
from toolkit.files import json_text
from toolkit.text.assemble import Episode, Segment
from toolkit.text.speak import Token
from toolkit.timing.cue import MAX_LINGER_MS, MAX_READING_LINGER_MS, Cue
from toolkit.voice import VoiceProfile

ESTIMATE = "estimate"
AUDIO = "audio"
RECORDING = "recording"  # the creator's own recording, aligned (toolkit.align)

_VOWEL_GROUPS = re.compile(r"[aeiouy]+")
_CLAUSE_END = (",", ";", ":", "—", "–")
AVERAGE_SYLLABLES = 1.45  # of an English word in narrated prose
AVERAGE_LETTERS = 4.7
MIN_UNITS_PER_LETTER = 0.17


@lru_cache(maxsize=65536)
def syllables(word: str) -> int:
    """Vowel groups, a cheap and steady proxy for how long a word takes to say."""
    lower = word.lower()
    count = len(_VOWEL_GROUPS.findall(lower))
    if lower.endswith("e") and count > 1 and not lower.endswith(("le", "ee")):
        count -= 1
    return max(1, count) if any(ch.isalnum() for ch in word) else 0


@lru_cache(maxsize=65536)
def word_units(word: str) -> float:
    """A word's length in average words: a fixed part, a part per syllable and a part per
    letter, each normalised so that an average word counts exactly one."""
    syl = syllables(word)
    if syl == 0:
        return 0.0
    letters = sum(ch.isalpha() for ch in word)
    units = 0.2 + 0.4 * syl / AVERAGE_SYLLABLES + 0.4 * letters / AVERAGE_LETTERS
    # No voice says a long run of letters faster than it can be read: whatever the vowel
    # count, every letter takes a share (this also keeps estimated cues readable).
    return max(units, MIN_UNITS_PER_LETTER * letters)


@lru_cache(maxsize=65536)
def spoken_units(spoken: str) -> float:
    return sum(word_units(w) for w in spoken.split())


@dataclass(frozen=True)
class RateModel:
    """How long words take: a per-word part and a per-syllable part, plus clause pauses."""

    ms_per_word: float  # at the average word length
    comma_pause_ms: int = 120
    # token_ms by spoken text, without and with the clause pause (shared by equal models).
    _known: tuple[dict[str, int], dict[str, int]] = field(init=False, repr=False, compare=False)
    # tokens_ms by sentence (shared by equal models, like _known).
    _sentences: dict[int, tuple[Sequence[Token], tuple[int, ...]]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        key = (self.ms_per_word, self.comma_pause_ms)
        object.__setattr__(self, "_known", _KNOWN_MS.setdefault(key, ({}, {})))
        object.__setattr__(self, "_sentences", _KNOWN_SENTENCES.setdefault(key, {}))

    @classmethod
    def for_voice(cls, voice: VoiceProfile) -> RateModel:
        return cls(
            ms_per_word=60000.0 / voice.words_per_minute, comma_pause_ms=voice.comma_pause_ms
        )

    @staticmethod
    def is_clause_end(token: Token) -> bool:
        return token.display.endswith(_CLAUSE_END)

    def token_ms_exact(self, token: Token) -> float:
        """The token's speaking time without rounding and without the clause pause."""
        return self.ms_per_word * spoken_units(token.spoken) if token.spoken else 0.0

    def token_ms(self, token: Token) -> int:
        # Asked for every token several times an episode: remembered per spoken text.
        plain, paused = self._known
        known = paused if token.display[-1:] in _CLAUSE_CHARS else plain
        ms = known.get(token.spoken)
        if ms is None:
            if len(known) >= _MAX_KNOWN:
                known.clear()
            ms = _token_ms(self.ms_per_word, self.comma_pause_ms, token.spoken, known is paused)
            known[token.spoken] = ms
        return ms

    def tokens_ms(self, tokens: Sequence[Token]) -> list[int]:
        """token_ms of each token, in one call (a sentence at a time: every estimate's loop),
        as a new list.

        A build times each sentence three times (assembling, packing cues, laying out),
        each time with the same tokens tuple: the last few thousand are remembered by
        identity (the tuple itself is kept, so a reused id is never mistaken for it; a
        list, which could change, is timed every time)."""
        sentences = self._sentences
        remember = type(tokens) is tuple
        hit = sentences.get(id(tokens)) if remember else None
        if hit is not None and hit[0] is tokens:
            return list(hit[1])
        plain, paused = self._known
        clause = _CLAUSE_CHARS
        try:
            ms = [(paused if t.display[-1:] in clause else plain)[t.spoken] for t in tokens]
        except KeyError:  # a spoken text not met before
            ms = [self.token_ms(t) for t in tokens]
        if remember:
            if len(sentences) >= _MAX_SENTENCES:
                sentences.clear()
            sentences[id(tokens)] = (tokens, tuple(ms))
        return ms


# Each is one character, so `display[-1:] in _CLAUSE_CHARS` is display.endswith(_CLAUSE_END).
_CLAUSE_CHARS = frozenset(_CLAUSE_END)
_KNOWN_MS: dict[tuple[float, int], tuple[dict[str, int], dict[str, int]]] = {}
_MAX_KNOWN = 131072
_KNOWN_SENTENCES: dict[tuple[float, int], dict[int, tuple[Sequence[Token], tuple[int, ...]]]] = {}
_MAX_SENTENCES = 4096


def _token_ms(ms_per_word: float, comma_pause_ms: int, spoken: str, clause_end: bool) -> int:
    if not spoken:
        return 0
    ms = ms_per_word * spoken_units(spoken)
    if clause_end:
        ms += comma_pause_ms
    return round(ms)


@dataclass(frozen=True, slots=True)
class SentenceTime:
    start_ms: int
    end_ms: int  # end of speech (the pause after it is not included)
    token_starts: tuple[int, ...]  # when each token starts being said
    token_ends: tuple[int, ...]  # when each token stops being said


@dataclass(frozen=True)
class SpeechTimes:
    source: str  # ESTIMATE or AUDIO
    sentences: tuple[SentenceTime, ...]  # in episode order
    segment_starts: tuple[int, ...]
    total_ms: int


def pause_after(
    voice: VoiceProfile, last_in_paragraph: bool, last_in_segment: bool, last: bool
) -> int:
    if last:
        return 0
    if last_in_segment:
        return voice.segment_pause_ms
    if last_in_paragraph:
        return voice.paragraph_pause_ms
    return voice.sentence_pause_ms


def estimate_segments_ms(segments: tuple[Segment, ...], voice: VoiceProfile) -> int:
    """Length of a run of segments, used while assembling (templates speak of it)."""
    return segment_estimator(voice)(segments)


def segment_estimator(voice: VoiceProfile) -> Callable[[tuple[Segment, ...]], int]:
    """estimate_segments_ms for one assembly: it asks for the same segments several times
    (the body, then with the intro and outro), so each segment object is timed once."""
    model = RateModel.for_voice(voice)
    known: dict[int, tuple[Segment, tuple[int, int]]] = {}

    def estimate(segments: tuple[Segment, ...]) -> int:
        total = 0
        last = len(segments) - 1
        for si, seg in enumerate(segments):
            hit = known.get(id(seg))
            if hit is None or hit[0] is not seg:
                hit = known[id(seg)] = (seg, _segment_ms(seg, voice, model))
            total += hit[1][si == last]
        return total

    return estimate


def _segment_ms(seg: Segment, voice: VoiceProfile, model: RateModel) -> tuple[int, int]:
    """A segment's estimated length when another segment follows it, and when it is last
    (no pause after its last sentence)."""
    total = 0
    tail = 0  # the pause after the segment's last sentence, which a last segment leaves out
    paragraphs = seg.paragraphs
    for pi, para in enumerate(paragraphs):
        count = len(para.sentences)
        for ti, sentence in enumerate(para.sentences):
            total += sum(model.tokens_ms(sentence.tokens)) + voice.sentence_ms
            last_t = ti == count - 1
            last_p = last_t and pi == len(paragraphs) - 1
            pause = pause_after(voice, last_t, last_p, False)
            total += pause
            tail = pause if last_p else 0
    return total, total - tail


def estimate_speech(episode: Episode, voice: VoiceProfile) -> SpeechTimes:
    model = RateModel.for_voice(voice)
    clock = 0
    sentences: list[SentenceTime] = []
    segment_starts: list[int] = []
    last_seg = len(episode.segments) - 1
    # What a sentence takes beyond its words (its onset and final lengthening).
    sentence_ms = voice.sentence_ms
    for si, seg in enumerate(episode.segments):
        segment_starts.append(clock)
        paragraphs = seg.paragraphs
        for pi, para in enumerate(paragraphs):
            last_ti = len(para.sentences) - 1
            for ti, sentence in enumerate(para.sentences):
                start = clock
                ms = model.tokens_ms(sentence.tokens)
                if ms:
                    # The last token ends with the sentence: its share is added to that
                    # token, so times[i] is when token i starts and times[i + 1] when it ends.
                    ms[-1] += sentence_ms
                    times = tuple(itertools.accumulate(ms, initial=clock))
                    clock = times[-1]
                    sentences.append(SentenceTime(start, clock, times[:-1], times[1:]))
                else:
                    clock += sentence_ms
                    sentences.append(SentenceTime(start, clock, (), ()))
                if ti < last_ti:
                    clock += voice.sentence_pause_ms
                else:
                    last_p = pi == len(paragraphs) - 1
                    clock += pause_after(voice, True, last_p, last_p and si == last_seg)
    return SpeechTimes(ESTIMATE, tuple(sentences), tuple(segment_starts), clock)


@dataclass(frozen=True, slots=True)
class TimedCue:
    start_ms: int
    end_ms: int
    text: str  # display text, lines joined by "\n"
    spoken: str
    segment: int

    @property
    def chars(self) -> int:
        return len(self.text.replace("\n", " "))


@dataclass(frozen=True)
class TimedSegment:
    kind: str
    title: str
    start_ms: int
    end_ms: int
    words: int
    visuals: tuple[str, ...]


@dataclass(frozen=True)
class Timeline:
    source: str
    voice: str
    total_ms: int
    segments: tuple[TimedSegment, ...]
    cues: tuple[TimedCue, ...]


def lay_out(
    episode: Episode, cues: tuple[Cue, ...], speech: SpeechTimes, rules: SubtitleRules
) -> Timeline:
    """Place cues on the speech: each starts when its first word is heard, stays long
    enough to be read (minimum duration, reading speed, at most MAX_LINGER_MS after its
    words) and ends at least `min_gap_ms` before the next cue.

    When the voice is faster than the rules allow (real audio often is), a cue stays on
    screen into the pause after it for as long as reading it needs; if the next cue's words
    come too soon for that, the next cue starts that much later (never before its words).
    Whatever the speech, every cue written obeys the rule profile, and there is exactly one
    timed cue per cue, in order (the hand-off and the recording's confidences rely on it):
    joining cues that are too short to read is the cue packer's job, before timing."""
    timed: list[TimedCue] = []
    sentences = speech.sentences
    starts = [sentences[c.first[0]].token_starts[c.first[1]] for c in cues]
    starts.append(speech.total_ms + 2000 + rules.min_gap_ms)  # the last cue's limit
    min_gap, min_duration = rules.min_gap_ms, rules.min_duration_ms
    max_cps, max_duration = rules.max_cps, rules.max_duration_ms
    end = -min_gap  # the cue before, none yet
    total = speech.total_ms
    ceil = math.ceil
    # (min and max of ints spelt out as comparisons: this loop runs for every cue.)
    for i, cue in enumerate(cues):
        # Never before its words are heard, never before the cue before it has been read.
        start = starts[i]
        if i and end + min_gap > start:
            start = end + min_gap
        text = "\n".join(cue.lines)
        chars = len(text)  # as shown: a line break counts as the space it replaces
        k, t = cue.last
        words_end = sentences[k].token_ends[t]
        if words_end <= start:
            words_end = start + 1
        needed = ceil(chars * 1000 / max_cps)
        if needed < min_duration:
            needed = min_duration
        # Up to the minimum duration and the time reading takes, each within its linger.
        end = words_end
        shown = start + min_duration
        if shown > words_end + MAX_LINGER_MS:
            shown = words_end + MAX_LINGER_MS
        if shown > end:
            end = shown
        read = start + needed
        if read > words_end + MAX_READING_LINGER_MS:
            read = words_end + MAX_READING_LINGER_MS
        if read > end:
            end = read
        limit = starts[i + 1] - min_gap
        if end > limit:
            end = limit
        # Never shorter than reading it takes: into the pause, past the next cue's words
        # if it must (the next cue then starts later), never past the longest duration.
        if end < start + needed:
            end = start + needed
        if end > start + max_duration:
            end = start + max_duration
        if end > total:
            total = end
        timed.append(TimedCue(start, end, text, cue.spoken, cue.segment))
    segments = []
    n = len(episode.segments)
    for si, seg in enumerate(episode.segments):
        end = speech.segment_starts[si + 1] if si + 1 < n else speech.total_ms
        segments.append(
            TimedSegment(
                seg.kind, seg.title, speech.segment_starts[si], end, _spoken_words(seg), seg.visuals
            )
        )
    return Timeline(speech.source, episode.voice, total, tuple(segments), tuple(timed))


def _spoken_words(seg: Segment) -> int:
    """The words the segment's tokens say (what timing estimates count): "1962" is three."""
    spoken = " ".join([t.spoken for s in seg.sentences for t in s.tokens])
    # Counted from the spaces when every word has exactly one space after it (the usual
    # case), else by splitting.
    if "  " in spoken or spoken[:1] == " " or spoken[-1:] == " " or _OTHER_SPACE.search(spoken):
        return len(spoken.split())
    return spoken.count(" ") + 1 if spoken else 0


# Whitespace other than a plain space: str.split() splits at it too.
_OTHER_SPACE = re.compile(r"[^\S ]")


def compose_timing_json(
    timeline: Timeline,
    title: str,
    slug: str,
    number: int,
    recording: dict[str, Any] | None = None,
) -> str:
    """timing.json: the machine-readable timeline (a contract other tools read).

    `recording` (a kit following the creator's recording) adds "recording" (file, sha256,
    duration_ms), "mismatches" and a "confidence" per cue; its "confidence" entry is the
    per-cue list and is not written as a key of its own."""

    doc: dict[str, Any] = {
        "episode": {"title": title, "slug": slug, "number": number},
        "timing_source": timeline.source,
        "voice": timeline.voice,
        "total_ms": timeline.total_ms,
        "segments": [
            {
                "kind": s.kind,
                "title": s.title,
                "start_ms": s.start_ms,
                "end_ms": s.end_ms,
                "words": s.words,
                "visuals": list(s.visuals),
            }
            for s in timeline.segments
        ],
        "cues": [
            {
                "start_ms": c.start_ms,
                "end_ms": c.end_ms,
                "text": c.text,
                "spoken": c.spoken,
                "segment": c.segment,
            }
            for c in timeline.cues
        ],
    }
    if recording is not None:
        extra = dict(recording)
        confidence = extra.pop("confidence", ())
        for cue, value in zip(doc["cues"], confidence, strict=True):
            cue["confidence"] = value
        doc.update(extra)
    return json_text(doc)


def read_timing_json(text: str, source: str) -> tuple[Timeline, str]:
    """A kit's timing.json back as a Timeline (the contract's keys), and the title."""
    try:
        doc: dict[str, Any] = json.loads(text)
        segments = tuple(
            TimedSegment(
                s["kind"], s["title"], s["start_ms"], s["end_ms"], s["words"], tuple(s["visuals"])
            )
            for s in doc["segments"]
        )
        cues = tuple(
            TimedCue(c["start_ms"], c["end_ms"], c["text"], c["spoken"], c["segment"])
            for c in doc["cues"]
        )
        timeline = Timeline(doc["timing_source"], doc["voice"], doc["total_ms"], segments, cues)
        return timeline, str(doc["episode"]["title"])
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(
            f"this is not a timing.json the toolkit wrote ({exc})",
            path=source,
            hint="build the episode again",
        ) from exc
