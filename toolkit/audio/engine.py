"""What every speech engine returns: 16-bit mono PCM and where its words fall in it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class WordMark:
    """A word the engine spoke: its place in the input text and when it starts in the audio."""

    start: int  # character offset in the text given to the engine
    length: int  # characters
    ms: int  # where the word starts in the returned audio


@dataclass(frozen=True)
class Speech:
    """Signed 16-bit little-endian mono PCM at `sample_rate`, plus the word marks (may be empty)."""

    pcm: bytes
    sample_rate: int
    words: tuple[WordMark, ...] = ()

    @property
    def duration_ms(self) -> int:
        return (len(self.pcm) // 2) * 1000 // self.sample_rate


class Engine(Protocol):
    """A speech engine bound to one voice profile."""

    def identity(self) -> str:
        """Engine name, engine version and every setting that changes the audio (cache key)."""
        ...

    def synthesize(self, text: str) -> Speech:
        """Speak one sentence. Raises EngineError (or NetworkError) on failure."""
        ...
