"""Pronunciation lexicon: how the narrator says a printed word the engine gets wrong.

A lexicon file is TOML with one table, `[words]`, mapping a printed word to how it is said:

    [words]
    "Belenko" = "bell yen koh"                    # this exact spelling only
    "nato" = { say = "nay toe", case = "any" }    # NATO, Nato and nato alike

Entries match whole printed words (quotes, brackets and punctuation around them do not
count, and "Belenko's" uses the entry for "Belenko"), case-sensitively unless the entry says
`case = "any"`. The lexicon changes what the engine says, never the subtitles.

voices/lexicon.toml applies to every voice; a voice profile may name its own file on top.
load_lexicon takes the files in that order: an entry in a later file replaces the entry for
the same printed word (same spelling) in an earlier one, case rule included.

Layers: load_lexicon (paths) -> parse_lexicon (text of one file) -> build_lexicon (entries).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toolkit.errors import ConfigError
from toolkit.text.speak import Lexicon, word_core

__all__ = ["LexiconEntry", "build_lexicon", "load_lexicon", "parse_lexicon"]

CASE_RULES = ("exact", "any")
_ENTRY_KEYS = frozenset({"say", "case"})
_EXAMPLE = '"Belenko" = "bell yen koh" or "nato" = { say = "nay toe", case = "any" }'


@dataclass(frozen=True)
class LexiconEntry:
    """One `[words]` entry, with where it was written (for error messages and lint)."""

    word: str
    say: str
    any_case: bool
    source: str
    line: int | None


def load_lexicon(paths: Sequence[Path]) -> Lexicon:
    """Read lexicon files in order (later entries override earlier ones) into one Lexicon.

    Raises ConfigError naming the file (and line, where there is one) if a file is missing,
    is not UTF-8, is not valid TOML or has an entry that cannot be used.
    """
    entries: list[LexiconEntry] = []
    for path in paths:
        entries.extend(parse_lexicon(_read(path), path))
    lexicon = build_lexicon(entries)
    # An equal lexicon loaded before is given back instead, so the words it memoised for
    # earlier episodes of the process (Lexicon._tokens) serve the next one too.
    if len(_LOADED) >= _LOADED_LIMIT:
        _LOADED.clear()
    return _LOADED.setdefault(lexicon, lexicon)


_LOADED: dict[Lexicon, Lexicon] = {}
_LOADED_LIMIT = 16


def build_lexicon(entries: Iterable[LexiconEntry]) -> Lexicon:
    """A Lexicon from entries in order: a later entry for the same spelling replaces the earlier
    one (whatever its case rule); among any-case entries, the latest wins for each folded form."""
    latest: dict[str, LexiconEntry] = {}
    for entry in entries:
        latest.pop(entry.word, None)  # re-insert at the end: its order decides folded clashes
        latest[entry.word] = entry
    words = {e.word: e.say for e in latest.values() if not e.any_case}
    folded = {e.word.casefold(): e.say for e in latest.values() if e.any_case}
    return Lexicon(words=words, folded=folded)


def parse_lexicon(text: str, source: Path | str = "<lexicon>") -> tuple[LexiconEntry, ...]:
    """The entries of one lexicon file's text, in file order. Pure: `source` only names the
    file in errors. Raises ConfigError for anything that is not a usable lexicon."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        what, line = _decode_error(exc, text)
        raise ConfigError(
            f"the lexicon is not valid TOML ({what})",
            path=source,
            line=line,
            hint=f"fix the line; entries look like {_EXAMPLE}",
        ) from exc
    for key in data:
        if key != "words":
            raise ConfigError(
                f"unknown setting {key!r} in a lexicon",
                path=source,
                line=_line_of_key(text, key, table=None),
                hint="put pronunciations under a [words] table",
            )
    table = data.get("words", {})
    if not isinstance(table, dict):
        raise ConfigError(
            "`words` must be a table of printed word = how it is said",
            path=source,
            line=_line_of_key(text, "words", table=None),
            hint=f"write [words] on its own line, then entries like {_EXAMPLE}",
        )
    return tuple(_entry(word, value, text, source) for word, value in table.items())


def _entry(word: str, value: Any, text: str, source: Path | str) -> LexiconEntry:
    line = _line_of_key(text, word, table="words")

    def fail(what: str, hint: str) -> ConfigError:
        return ConfigError(what, path=source, line=line, hint=hint)

    if not word.strip() or word != word.strip() or len(word.split()) != 1:
        raise fail(
            f"the lexicon key {word!r} is not a single word",
            "entries match one printed word; write one entry per word",
        )
    core = word_core(word)
    if core != word:
        raise fail(
            f"the lexicon key {word!r} has punctuation around it",
            f"write the word alone: {core!r}" if core else "write a word, not punctuation",
        )
    if isinstance(value, str):
        say, case = value, "exact"
    elif isinstance(value, dict):
        unknown = sorted(set(value) - _ENTRY_KEYS)
        if unknown:
            raise fail(
                f"unknown field {unknown[0]!r} in the entry for {word!r}",
                'an entry table has `say` and optionally `case = "any"`',
            )
        if "say" not in value:
            raise fail(
                f"the entry for {word!r} has no `say`",
                f'write how it is said: "{word}" = {{ say = "...", case = "any" }}',
            )
        say, case = value["say"], value.get("case", "exact")
        if not isinstance(case, str) or case not in CASE_RULES:
            raise fail(
                f'`case` for {word!r} must be "exact" or "any", not {case!r}',
                'use case = "any" to match the word in any capitals, or leave it out',
            )
    else:
        raise fail(
            f"the entry for {word!r} must be a string or a table, not {type(value).__name__}",
            f"write it like {_EXAMPLE}",
        )
    if not isinstance(say, str):
        raise fail(
            f"`say` for {word!r} must be a string, not {type(say).__name__}",
            "write how it is said in quotes",
        )
    if not say.strip():
        raise fail(f"the entry for {word!r} says nothing", "write how the word is said")
    return LexiconEntry(word, " ".join(say.split()), case == "any", str(source), line)


def _read(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise ConfigError(
            "lexicon file not found",
            path=path,
            hint="create it, or fix the lexicon setting of the voice profile",
        ) from exc
    except IsADirectoryError as exc:
        raise ConfigError("this is a folder, not a lexicon file", path=path) from exc
    except PermissionError as exc:
        raise ConfigError("permission denied reading the lexicon", path=path) from exc
    try:
        # TOML is UTF-8; a byte-order mark from a Windows editor is harmless, so accept it.
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError(
            "the lexicon is not UTF-8 text", path=path, line=line, hint="save it as UTF-8"
        ) from exc


_POSITION_RE = re.compile(r"\s*\(at (?:line (\d+), column \d+|end of document)\)")


def _decode_error(exc: tomllib.TOMLDecodeError, text: str) -> tuple[str, int | None]:
    """tomllib's message without its position, and the line. Python 3.14 gives `lineno`;
    before that the line is only in the message ("Invalid value (at line 3, column 9)")."""
    message = str(exc)
    line: int | None = getattr(exc, "lineno", None)
    m = _POSITION_RE.search(message)
    if line is None and m:
        # "at end of document": an unclosed string or table, reported at the last line.
        line = int(m.group(1)) if m.group(1) else max(1, len(text.rstrip().splitlines()))
    what = _POSITION_RE.sub("", message).strip() or "syntax error"
    return what[:1].lower() + what[1:], line


_TABLE_RE = re.compile(r"\s*\[\s*([^\]\s]+)\s*\]\s*(?:#.*)?$")
_KEY_RE = re.compile(r"""\s*("(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+)\s*=""")


def _line_of_key(text: str, key: str, table: str | None) -> int | None:
    """The line where `key` is set inside `[table]` (None: at the top), for error messages.
    tomllib keeps no positions for values, so the text is searched; None if not found."""
    current: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        header = _TABLE_RE.match(line)
        if header:
            current = header.group(1)
            if table is None and current == key:
                return number
            continue
        m = _KEY_RE.match(line)
        if m and current == table and _unquote(m.group(1)) == key:
            return number
    return None


def _unquote(key: str) -> str:
    if key.startswith('"'):
        try:
            value = tomllib.loads(f"k = {key}")["k"]
        except tomllib.TOMLDecodeError:
            return key
        return value if isinstance(value, str) else key
    if key.startswith("'"):
        return key[1:-1]
    return key
