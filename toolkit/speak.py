"""Speakable text: the words the engine says, linked token by token to the printed words.

Interface (stable; other stages rely on it):
- Token(display, spoken): `display` is one or more printed words exactly as in the article
  (joined by single spaces), `spoken` what the engine says for them ("" for nothing).
- speak_sentence(text, lexicon) -> tuple[Token, ...] with
  " ".join(t.display for t in tokens) == " ".join(text.split()).
Cue splitting breaks only between tokens, so a cue's spoken text is always exact.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Token:
    display: str
    spoken: str


@dataclass(frozen=True)
class Lexicon:
    """Printed word -> how it is said. Case-sensitive keys; `folded` holds lower-cased keys
    of entries that match regardless of case."""

    words: dict[str, str] = field(default_factory=dict)
    folded: dict[str, str] = field(default_factory=dict)


EMPTY_LEXICON = Lexicon()

_SKIP = "\"'“”‘’()[]{}*_"


def speak_sentence(text: str, lexicon: Lexicon = EMPTY_LEXICON) -> tuple[Token, ...]:
    tokens = []
    for word in text.split():
        core = word.strip(_SKIP)
        said = lexicon.words.get(core) or lexicon.folded.get(core.lower()) or core
        tokens.append(Token(word, said if any(ch.isalnum() for ch in said) else ""))
    return tuple(tokens)


def spoken_text(tokens: tuple[Token, ...]) -> str:
    return " ".join(t.spoken for t in tokens if t.spoken)
