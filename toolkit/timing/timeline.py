"""Timing: when each sentence, token and cue is heard, estimated or measured.

The estimate comes from the voice profile: a speaking rate (words a minute, with longer
words taking longer) and the pauses after a sentence, a paragraph and a segment. Measured
audio gives the same `SpeechTimes` from the engine's word positions. Either way
`lay_out` turns speech times and cues into a Timeline that obeys the subtitle rules.
All times are int milliseconds.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache

from toolkit.channel import SubtitleRules
from toolkit.text.assemble import Episode, Segment
from toolkit.text.speak import Token
from toolkit.timing.cue import MAX_LINGER_MS, MAX_READING_LINGER_MS, Cue
from toolkit.voice import VoiceProfile

ESTIMATE = "estimate"
AUDIO = "audio"

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
        if not token.spoken:
            return 0
        ms = self.ms_per_word * spoken_units(token.spoken)
        if token.display.endswith(_CLAUSE_END):
            ms += self.comma_pause_ms
        return round(ms)


@dataclass(frozen=True)
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
    model = RateModel.for_voice(voice)
    total = 0
    for si, seg in enumerate(segments):
        paragraphs = seg.paragraphs
        for pi, para in enumerate(paragraphs):
            for ti, sentence in enumerate(para.sentences):
                total += sum(model.token_ms(t) for t in sentence.tokens) + voice.sentence_ms
                total += pause_after(
                    voice,
                    ti == len(para.sentences) - 1,
                    ti == len(para.sentences) - 1 and pi == len(paragraphs) - 1,
                    ti == len(para.sentences) - 1
                    and pi == len(paragraphs) - 1
                    and si == len(segments) - 1,
                )
    return total


def estimate_speech(episode: Episode, voice: VoiceProfile) -> SpeechTimes:
    model = RateModel.for_voice(voice)
    clock = 0
    sentences: list[SentenceTime] = []
    segment_starts: list[int] = []
    last_seg = len(episode.segments) - 1
    for si, seg in enumerate(episode.segments):
        segment_starts.append(clock)
        paragraphs = seg.paragraphs
        for pi, para in enumerate(paragraphs):
            for ti, sentence in enumerate(para.sentences):
                start = clock
                starts: list[int] = []
                ends: list[int] = []
                for token in sentence.tokens:
                    starts.append(clock)
                    clock += model.token_ms(token)
                    ends.append(clock)
                # What a sentence takes beyond its words (its onset and final lengthening).
                clock += voice.sentence_ms
                if ends:
                    ends[-1] = clock
                sentences.append(SentenceTime(start, clock, tuple(starts), tuple(ends)))
                last_t = ti == len(para.sentences) - 1
                last_p = last_t and pi == len(paragraphs) - 1
                clock += pause_after(voice, last_t, last_p, last_p and si == last_seg)
    return SpeechTimes(ESTIMATE, tuple(sentences), tuple(segment_starts), clock)


@dataclass(frozen=True)
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
    words) and ends at least `min_gap_ms` before the next cue."""
    starts: list[int] = []
    speech_ends: list[int] = []
    for cue in cues:
        first = speech.sentences[cue.first[0]]
        last = speech.sentences[cue.last[0]]
        starts.append(first.token_starts[cue.first[1]])
        speech_ends.append(last.token_ends[cue.last[1]])
    timed: list[TimedCue] = []
    for i, cue in enumerate(cues):
        start = starts[i]
        limit = starts[i + 1] - rules.min_gap_ms if i + 1 < len(cues) else speech.total_ms + 2000
        text = "\n".join(cue.lines)
        chars = len(text.replace("\n", " "))
        words_end = max(speech_ends[i], start + 1)
        readable = start + math.ceil(chars * 1000 / rules.max_cps)
        end = max(
            words_end,
            min(start + rules.min_duration_ms, words_end + MAX_LINGER_MS),
            min(readable, words_end + MAX_READING_LINGER_MS),
        )
        end = min(end, limit)
        end = min(end, start + rules.max_duration_ms)
        end = max(end, start + 1)
        timed.append(TimedCue(start, end, text, cue.spoken, cue.segment))
    segments = []
    n = len(episode.segments)
    for si, seg in enumerate(episode.segments):
        end = speech.segment_starts[si + 1] if si + 1 < n else speech.total_ms
        words = sum(len(t.spoken.split()) for s in seg.sentences for t in s.tokens)
        segments.append(
            TimedSegment(seg.kind, seg.title, speech.segment_starts[si], end, words, seg.visuals)
        )
    total = max([speech.total_ms, *(c.end_ms for c in timed)])
    return Timeline(speech.source, episode.voice, total, tuple(segments), tuple(timed))


def compose_timing_json(timeline: Timeline, title: str, slug: str, number: int) -> str:
    """timing.json: the machine-readable timeline (a contract other tools read)."""

    doc = {
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
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
