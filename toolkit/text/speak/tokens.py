"""Token and Lexicon: what the normalizer gives and the reader's pronunciations it takes.

Token(display, spoken) pairs printed words with what the engine says for them. Lexicon maps a
printed word to how it is said (exact and case-folded entries); it is hashable, picklable and
memoises the tokens of context-free words per lexicon (cleared past MEMO_LIMIT entries).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Token:
    """One or more printed words (`display`) and what the engine says for them (`spoken`)."""

    display: str
    spoken: str


@dataclass(frozen=True)
class Lexicon:
    """Printed word -> how it is said, applied to speech only.

    `words` matches a printed word exactly (case-sensitive); `folded` holds entries that match
    regardless of case, keyed by their case-folded spelling. An exact entry wins over a folded
    one. Treat both mappings as read-only: the hash is computed once, so a lexicon can key a
    cache, and each lexicon memoises the tokens it produced for context-free words.
    """

    words: Mapping[str, str] = field(default_factory=dict)
    folded: Mapping[str, str] = field(default_factory=dict)
    _hash: int = field(default=0, init=False, repr=False, compare=False)
    _tokens: dict[str, Token] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Copies, so a caller mutating its own dict cannot change a lexicon already in use.
        words = dict(self.words)
        folded = {key.casefold(): value for key, value in self.folded.items()}
        object.__setattr__(self, "words", words)
        object.__setattr__(self, "folded", folded)
        object.__setattr__(self, "_hash", _lexicon_hash(words, folded))

    def __hash__(self) -> int:
        return self._hash

    def __getstate__(self) -> dict[str, Any]:
        # The token memo is a cache, not state: leave it out of pickles (for process pools).
        return {"words": self.words, "folded": self.folded}

    def __setstate__(self, state: dict[str, Any]) -> None:
        object.__setattr__(self, "words", dict(state["words"]))
        object.__setattr__(self, "folded", dict(state["folded"]))
        # String hashes differ between processes: recompute rather than unpickle it.
        object.__setattr__(self, "_hash", _lexicon_hash(self.words, self.folded))
        object.__setattr__(self, "_tokens", {})

    def lookup(self, word: str) -> str | None:
        """How `word` is said, or None when the lexicon has no entry for it."""
        said = self.words.get(word)
        if said is None and self.folded:
            said = self.folded.get(word.casefold())
        return said


def _lexicon_hash(words: Mapping[str, str], folded: Mapping[str, str]) -> int:
    return hash((frozenset(words.items()), frozenset(folded.items())))


EMPTY_LEXICON = Lexicon()

# Memoised tokens per lexicon are cleared past this size, so odd input cannot grow memory.
MEMO_LIMIT = 100_000
