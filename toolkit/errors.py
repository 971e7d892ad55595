"""The one exception base of the toolkit.

Every error says what failed, where (file and line when there is one) and what to do next.
The library never prints or exits: the CLI turns these into one line and an exit code.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


class ToolkitError(Exception):
    """Base of every error the toolkit raises on purpose. Exit code 1: a problem with input."""

    exit_code = 1

    def __init__(
        self,
        what: str,
        *,
        path: Path | str | None = None,
        line: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(what)
        self.what = what
        self.path = None if path is None else str(path)
        self.line = line
        self.hint = hint

    def __reduce__(self) -> tuple[Any, ...]:
        # Keep path, line and hint when an error crosses a process boundary (--jobs).
        return (_rebuild, (type(self), self.what, self.path, self.line, self.hint))

    def where(self) -> str:
        if self.path is None:
            return ""
        return f"{self.path}:{self.line}" if self.line is not None else self.path

    def __str__(self) -> str:
        text = self.what.rstrip(".")
        where = self.where()
        if where:
            text = f"{where}: {text}"
        if self.hint:
            text = f"{text}; {self.hint.rstrip('.')}"
        return " ".join(text.split())


class InputError(ToolkitError):
    """A file the user gave (or a folder's contents) cannot be used as it is."""


class ConfigError(InputError):
    """channel.toml, a voice profile or a lexicon is missing or invalid."""


class EpisodeError(InputError):
    """An episode file cannot be parsed or has nothing to narrate."""


class TemplateError(InputError):
    """An intro or outro template does not parse or does not render."""


class SourceError(InputError):
    """An article to import cannot be read or understood."""


class EngineError(ToolkitError):
    """A speech engine or ffmpeg failed."""


class NetworkError(EngineError):
    """An online voice could not be reached."""


def _rebuild(
    cls: type[ToolkitError], what: str, path: str | None, line: int | None, hint: str | None
) -> ToolkitError:
    return cls(what, path=path, line=line, hint=hint)
