"""The reference rendition: the script spoken by the offline voice, with known times.

Takes the episode and one `Speech` per sentence (from the speech cache); gives one PCM
buffer with a long, known pause before, between and after the sentences, and where every
sentence and token starts and ends in it. Long pauses matter: a recording's pauses land in
them, instead of a sentence's first word being squeezed into the pause before it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from toolkit.audio.engine import Speech
from toolkit.audio.wordmarks import sentence_time
from toolkit.text.assemble import Episode
from toolkit.timing.timeline import SentenceTime

LEAD_MS = 700  # silence before the first sentence and after the last
GAP_MS = 700  # silence between sentences


@dataclass(frozen=True)
class Reference:
    pcm: bytes
    sample_rate: int
    sentences: tuple[SentenceTime, ...]  # times in the reference, one per kept sentence
    kept: tuple[int, ...]  # the episode's sentence index of each

    @property
    def duration_ms(self) -> int:
        return (len(self.pcm) // 2) * 1000 // self.sample_rate


def render_reference(
    episode: Episode, speeches: Sequence[Speech], skip: frozenset[int] = frozenset()
) -> Reference:
    """Join the sentences' speech (all but those in `skip`) with LEAD_MS/GAP_MS pauses."""
    if not speeches:
        raise ValueError("no sentences to render")
    rate = speeches[0].sample_rate
    lead = bytes(2 * (rate * LEAD_MS // 1000))
    gap = bytes(2 * (rate * GAP_MS // 1000))
    parts: list[bytes] = [lead]
    samples = len(lead) // 2
    times: list[SentenceTime] = []
    kept: list[int] = []
    for index, (sentence, speech) in enumerate(zip(episode.sentences, speeches, strict=True)):
        if index in skip:
            continue
        if kept:
            parts.append(gap)
            samples += len(gap) // 2
        start = samples * 1000 // rate
        times.append(sentence_time(start, sentence.tokens, speech))
        kept.append(index)
        parts.append(speech.pcm)
        samples += len(speech.pcm) // 2
    parts.append(lead)
    return Reference(b"".join(parts), rate, tuple(times), tuple(kept))
