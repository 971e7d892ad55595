"""The sentence: printed words -> tokens, with the lexicon, memo and final touches.

speak_sentence(text, lexicon) -> tuple[Token, ...]; spoken_text, count_spoken_words and
find_unspeakable (the guessed tokens, for lint) build on it, and speak_checked gives the tokens
and the guessed ones in one pass. Each word is looked up in the lexicon memo first; otherwise
the lexicon, then context-free rules (rules.say_core), then the groups in grouping.py.
_finish keeps the sentence's final mark and reads initials and lone numerals the way reading
the spoken text again would, so speaking is idempotent.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import cast

from toolkit.text.speak.grouping import (
    WORD_GROUPS,
    Sentence,
    speak_context_word,
    speak_numeral,
    speak_numeric,
    with_pause,
)
from toolkit.text.speak.marks import PAUSES, cut_word
from toolkit.text.speak.money import CURRENCIES
from toolkit.text.speak.numbers import has_numeric
from toolkit.text.speak.rules import say_core
from toolkit.text.speak.tokens import EMPTY_LEXICON, MEMO_LIMIT, Lexicon, Token
from toolkit.text.speak.words import POSSESSIVE_RE, numeral_after


def _speak_word(s: Sentence, i: int) -> int:
    """Speak the word at `i` (and any neighbours it groups with); return the next index."""
    word_text = s.words[i]
    word = cut_word(word_text)
    lexicon = s.lexicon
    s.fresh = True
    if word.pause_before:
        s.attach_pause(",")
    if not word.core:
        s.attach_pause(word.pause)
        s.tokens.append(Token(word_text, ""))
        return i + 1
    if lexicon.words or lexicon.folded:
        said = _lexicon_says(lexicon, word.core)
        if said is not None:
            token = Token(word_text, with_pause(said, word.pause))
            s.tokens.append(token)
            if not word.pause_before:
                _memo(lexicon, token)
            return i + 1
    if not word.context:
        spoken, guessed = say_core(word.core)
        token = Token(word_text, with_pause(spoken, word.pause))
        s.tokens.append(token)
        if guessed:
            if s.guesses is not None:
                s.guesses.add(i)
        else:
            _memo(lexicon, token)
        return i + 1
    if has_numeric(word.core) or word.core in CURRENCIES:
        return speak_numeric(s, i, word)
    if speak_numeral(s, i, word):
        return i + 1
    for group in WORD_GROUPS:
        end = group(s, i, word)
        if end is not None:
            return end
    spoken, pause = speak_context_word(s, i, word)
    s.tokens.append(Token(word_text, with_pause(spoken, pause)))
    return i + 1


def _memo(lexicon: Lexicon, token: Token) -> None:
    """Remember a context-free word's token for this lexicon, unless _finish might change it."""
    if token.spoken and _needs_review(token.spoken):
        return
    memo = lexicon._tokens
    if len(memo) >= MEMO_LIMIT:
        memo.clear()
    memo[token.display] = token


def _lexicon_says(lexicon: Lexicon, core: str) -> str | None:
    """The lexicon's reading of a whole word, also for its possessive ("Belenko's")."""
    said = lexicon.lookup(core)
    ending = ""
    if said is None:
        m = POSSESSIVE_RE.fullmatch(core)
        if m is None:
            return None
        said = lexicon.lookup(m.group(1))
        ending = "'s"
        if said is None:
            return None
    return _lexicon_value(said) + ending


@lru_cache(maxsize=4096)
def _lexicon_value(said: str) -> str:
    """A lexicon value is said as written, but never with digits: "B 52" -> B fifty-two."""
    if not has_numeric(said):
        return " ".join(said.split())
    return spoken_text(speak_sentence(said))


def _finish(words: list[str], tokens: list[Token], fresh: bool) -> None:
    """The end of the sentence keeps its period, question or exclamation mark, even when the
    last word was an abbreviation ("etc.") or ended with an ellipsis. `fresh`: some token was
    made for this sentence rather than taken from the memo."""
    final = cut_word(words[-1])
    mark = final.pause
    ellipsis = mark == "," and ("…" in final.trail or ".." in final.trail)
    if ellipsis or (not mark and final.core.endswith(".")):
        mark = "."
    # Memoised tokens never need this review (see _memo): only sentences with fresh ones.
    for k, token in enumerate(tokens if fresh else ()):
        spoken = token.spoken
        if not spoken or not _needs_review(spoken):
            continue
        said = spoken
        # A period after a single letter inside the sentence is an initial ("John F.
        # Kennedy", "the U.S.A. and"), not a full stop: it must not cut the intonation.
        if said[-1] == "." and (len(said) == 2 or said[-3] == " ") and said[-2].isalpha():
            said = said[:-1]
        # A token that starts with a lone I, V or X after a regnal name ("Henry" "V0") reads
        # it as a numeral, as it would when the spoken text is read again.
        if said[0] in "IVX" and (len(said) == 1 or said[1] in " ,;:!?."):
            previous = _last_word_before(tokens, k)
            rest = said[1:]
            following = rest.split(maxsplit=1)[0] if rest.strip() else _first_word(tokens, k)
            numeral = numeral_after(previous, said[0], following) if previous else None
            if numeral is not None:
                said = numeral + rest
        if said != spoken:
            tokens[k] = Token(token.display, said)
    if mark not in (".", "?", "!"):
        return
    index = len(tokens) - 1
    while index >= 0 and not tokens[index].spoken:
        index -= 1
    if index < 0:
        return
    token = tokens[index]
    spoken = token.spoken
    if spoken[-1] not in ".?!":
        spoken = with_pause(spoken.rstrip(",;:"), mark)
        if mark == "." and spoken[-1] not in ".?!":  # an abbreviation was expanded
            spoken += mark
    if spoken != token.spoken:
        tokens[index] = Token(token.display, spoken)


def _needs_review(spoken: str) -> bool:
    """Whether _finish may change this spoken text: it ends with a single letter and a period,
    or starts with a lone I, V or X."""
    if spoken[-1] == "." and (len(spoken) == 2 or spoken[-3:-2] == " "):
        return True
    return spoken[0] in "IVX" and (len(spoken) == 1 or spoken[1] in " ,;:!?.")


def _last_word_before(tokens: list[Token], index: int) -> str:
    """The last spoken word before token `index`, or "" if a pause mark follows it."""
    for token in reversed(tokens[:index]):
        if token.spoken:
            last = token.spoken.rsplit(" ", 1)[-1]
            return "" if last[-1] in PAUSES else last
    return ""


def _first_word(tokens: list[Token], after: int) -> str:
    """The first spoken word after token `after`."""
    for token in tokens[after + 1 :]:
        if token.spoken:
            return token.spoken.split(" ", 1)[0]
    return ""


def _speak(text: str, lexicon: Lexicon, guesses: set[int] | None) -> list[Token]:
    words = text.split()
    if not words:
        return []
    # Most words of prose were met before and read the same anywhere: one dict look-up
    # each, and most sentences are made of such words only.
    known = list(map(lexicon._tokens.get, words))
    if all(known):  # a Token is always true, None false
        tokens = cast(list[Token], known)
        _finish(words, tokens, False)
        return tokens
    sentence = Sentence(text, words, lexicon, guesses)
    tokens = sentence.tokens
    i, n = 0, len(words)
    while i < n:
        token = known[i]
        if token is not None:
            tokens.append(token)
            i += 1
        else:
            i = _speak_word(sentence, i)
    _finish(words, tokens, sentence.fresh)
    return tokens


def speak_sentence(text: str, lexicon: Lexicon = EMPTY_LEXICON) -> tuple[Token, ...]:
    """Split `text` into tokens of printed words, each with what the engine says for them.

    " ".join(t.display for t in tokens) == " ".join(text.split()); the spoken text has no
    digits and is stable (speaking it again gives it back). Never raises on any string.
    """
    return tuple(_speak(text, lexicon, None))


def spoken_text(tokens: Sequence[Token]) -> str:
    """The text sent to the engine for these tokens."""
    return " ".join([t.spoken for t in tokens if t.spoken])  # a list joins faster


def count_spoken_words(tokens: Sequence[Token]) -> int:
    """Words the engine will say (what timing estimates count): "1962" is three words."""
    return sum(len(t.spoken.split()) for t in tokens)


def find_unspeakable(text: str, lexicon: Lexicon = EMPTY_LEXICON) -> tuple[Token, ...]:
    """Tokens whose spoken form is a guess: digits no rule understood (read one by one) or
    symbols nobody reads aloud (dropped). For `toolkit lint`, which suggests a lexicon entry
    or a rewording; the tokens are the ones speak_sentence gives for the same text."""
    return speak_checked(text, lexicon)[1]


def speak_checked(
    text: str, lexicon: Lexicon = EMPTY_LEXICON
) -> tuple[tuple[Token, ...], tuple[Token, ...]]:
    """speak_sentence and find_unspeakable of `text` in one pass: (tokens, guessed tokens)."""
    guesses: set[int] = set()
    tokens = _speak(text, lexicon, guesses)
    if not guesses:
        return tuple(tokens), ()
    found: list[Token] = []
    start = 0
    for token in tokens:
        width = token.display.count(" ") + 1
        if any(start <= g < start + width for g in guesses):
            found.append(token)
        start += width
    return tuple(tokens), tuple(found)
