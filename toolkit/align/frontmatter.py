"""Name the recording in an episode's front matter, touching nothing else in the file.

Takes the episode file's text and the recording as it should be written; gives the text
with its `recording:` line replaced (or added as the last line of the front matter), every
other byte as it was, line endings included.
"""

from __future__ import annotations

import json
import re

import yaml

_PLAIN = re.compile(r"[A-Za-z0-9_./~\\][A-Za-z0-9_./~\\ ()+,-]*")
_KEY = re.compile(r"recording\s*:")
_FENCE = re.compile(r"(---|\.\.\.)[ \t]*")


def yaml_value(value: str) -> str:
    """The value as YAML reads it back: plain when safe, else double-quoted."""
    if _PLAIN.fullmatch(value) and not value.endswith(" ") and " #" not in value:
        try:
            if yaml.safe_load(value) == value:  # not a number, a date, "null", "yes" ...
                return value
        except yaml.YAMLError:
            pass
    return json.dumps(value, ensure_ascii=False)


def set_recording(text: str, value: str) -> str:
    """`text` with `recording: value` in its front matter (see the module)."""
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    entry = f"recording: {yaml_value(value)}"
    if not lines or lines[0].lstrip("\ufeff").rstrip("\r\n").rstrip() != "---":
        return f"---{newline}{entry}{newline}---{newline}{text}"
    end = next((i for i in range(1, len(lines)) if _FENCE.fullmatch(lines[i].rstrip("\r\n"))), None)
    if end is None:
        raise ValueError("the front matter has no closing ---")
    for i in range(1, end):
        if _KEY.match(lines[i]):
            stop = i + 1
            while stop < end and lines[stop][:1] in (" ", "\t"):
                stop += 1  # an indented continuation of the old value
            ending = lines[i][len(lines[i].rstrip("\r\n")) :] or newline
            return "".join([*lines[:i], entry + ending, *lines[stop:]])
    before = lines[end - 1]
    if not before.endswith(("\n", "\r")):
        lines[end - 1] = before + newline
    return "".join([*lines[:end], entry + newline, *lines[end:]])
