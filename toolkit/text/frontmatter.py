"""Front matter read without the YAML parser where its lines are plain.

An episode's front matter is nearly always a few one-line `key: value` settings. Reading
those needs neither PyYAML (whose import alone takes as long as building a short episode)
nor its parser. Two readers, both pure, both cautious: where a line could mean something
they do not read exactly, they say so, and the caller parses the block with YAML instead.

- `plain_front_matter(block)`: the whole block as `yaml.safe_load` gives it, or None when
  any line is more than a blank line, a comment or a top-level `key: value` with a plain
  one-line value that is text, a whole number or a date.
- `scan_front_matter(text, keys)`: only the values of a few keys (number, slug, recording:
  what the uniqueness check and the manifests need), as text, reading nothing else.

`split_front_matter(text, path)` is the one reader of a whole front matter block, for the
episode's article and for a head the scan cannot read: plain lines by the first reader,
anything else by YAML, every problem an EpisodeError naming its line.

Guarantee (tested as a property against PyYAML): whatever these return as exact is what
YAML reads.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from toolkit.errors import EpisodeError

_KEY_LINE = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:(?:[ \t]+(.*?))?[ \t]*$")
_PLAIN = re.compile(r"^[^\s'\"\[\]{}|>&*!%@`#,?:-][^#]*?$|^-[^\s#][^#]*?$")
_INT = re.compile(r"^(?:0|[1-9][0-9]*)$")
# What could open a quoted value or a bracket that runs on over the next lines.
_OPENS = re.compile("['\"\\[{]")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
# What YAML 1.1 (PyYAML) reads as true, false or null rather than as text.
_NOT_TEXT = frozenset(
    "yes Yes YES no No NO true True TRUE false False FALSE on On ON off Off OFF "
    "null Null NULL ~".split()
)
# The first characters of a plain value YAML may read as a number, a date, null, a merge
# or a value key: such a value is read here only when it is a plain whole number or date.
_NUMERIC_START = frozenset("-+0123456789.<~=")
# Characters PyYAML refuses (C0 and C1 controls, surrogates, U+FEFF, U+FFFE, U+FFFF), the
# ones it takes for line breaks (a value holding one is not one line), and a tab, which it
# reads differently in different places. (Spelt as the characters left out: the ranges
# allowed take several times longer to compile.)
_NOT_PLAIN_CHARACTER = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufeff\ufffe\uffff\u2028\u2029]"
)


@dataclass(frozen=True)
class FrontMatterScan:
    fields: Mapping[str, str]  # the plain top-level values, unquoted
    exact: bool  # False: some line needs the YAML parser to be read right


def _plain_value(raw: str) -> str | None:
    """A value as YAML reads it, for plain and simply quoted scalars; None otherwise."""
    if len(raw) >= 2 and raw[0] == raw[-1] == "'" and "'" not in raw[1:-1]:
        return raw[1:-1]
    if len(raw) >= 2 and raw[0] == raw[-1] == '"' and not any(c in raw[1:-1] for c in '"\\'):
        return raw[1:-1]
    if " #" in raw or "\t#" in raw:
        raw = re.split(r"[ \t]#", raw, maxsplit=1)[0].rstrip(" \t")
    if not raw or not _PLAIN.match(raw) or ": " in raw or raw.endswith(":"):
        return None
    return raw


def _typed_value(raw: str) -> object | None:
    """What YAML makes of a one-line value: text, a whole number or a date; None for
    anything else (a float, true, null, a list, an escape ...), which YAML must read."""
    if raw[:1] in ("'", '"'):
        return _plain_value(raw)  # quoted: always text
    value = _plain_value(raw)
    if value is None or "\t" in value:
        return None
    if value[0] in _NUMERIC_START:
        if _INT.match(value):
            return int(value)
        if _DATE.match(value):
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                return None  # not a real date: YAML's error says so
        return None
    return None if value in _NOT_TEXT else value


def plain_front_matter(block: Sequence[str]) -> dict[str, object] | None:
    """The front matter block (its lines, between the fences) as `yaml.safe_load` reads
    it, when every line is blank, a comment at the start of the line, or a top-level key
    (not one YAML reads as true, false or null) with a one-line value that is text, a
    whole number or a date, each key once; else None."""
    data: dict[str, object] = {}
    for line in block:
        if _NOT_PLAIN_CHARACTER.search(line):
            return None
        if not line.strip(" ") or line[0] == "#":  # YAML's blanks: spaces (tabs refused)
            continue
        match = _KEY_LINE.match(line)
        if match is None:
            return None
        key, raw = match.group(1), match.group(2)
        if raw is None or key in _NOT_TEXT or key in data:
            return None
        value = _typed_value(raw)
        if value is None:
            return None
        data[key] = value
    return data


def scan_front_matter(text: str, keys: frozenset[str]) -> FrontMatterScan:
    """The plain values of `keys` in the front matter block (between the first line "---"
    and the next "---" or "..."), reading nothing else. `exact` is False when a line of
    one of those keys is not a plain one-line value (a list, a block, an escape, a key
    given twice, a value going on over the next lines) or the block is not closed: then
    parse it with YAML."""
    if not text.startswith("---"):
        return FrontMatterScan({}, True)
    found: dict[str, str] = {}
    exact = True
    lines = iter(text.split("\n", 400))
    first = next(lines)
    if first.strip() != "---":
        return FrontMatterScan({}, True)
    closed = False
    wanted = False  # the last key line was one of `keys`: what follows may go on with it
    seen = False  # a key line was met
    for line in lines:
        if line.strip() in ("---", "..."):
            closed = True
            break
        if line[:1] in ("'", '"', "{", "?") or _NOT_PLAIN_CHARACTER.search(line):
            exact = False  # a quoted or complex key, or a line YAML breaks or refuses
            continue
        match = _KEY_LINE.match(line)
        if match is None:
            if line.strip(" \t") and (wanted or not seen or _OPENS.search(line)):
                # Going on with one of the keys, or what could open a quoted value or a
                # bracket running on over lines that look like keys: YAML must say.
                exact = False
            continue
        seen = True
        key = match.group(1)
        wanted = key in keys
        if not wanted:
            if _may_go_on(match.group(2) or ""):
                exact = False  # its next lines could hold what looks like one of the keys
            continue
        value = _plain_value(match.group(2) or "")
        if value is None or key in found:
            exact = False
            continue
        found[key] = value
    return FrontMatterScan(found, exact and closed)


def _may_go_on(raw: str) -> bool:
    """Whether a value that starts on a key's line may go on over lines at the start of
    the line: a quoted value not closed on it, or a list or mapping in brackets."""
    if raw[:1] in ("'", '"'):
        return _plain_value(raw) is None
    if raw[:1] in ("[", "{"):
        closed = raw.count("[") == raw.count("]") and raw.count("{") == raw.count("}")
        return not closed or "'" in raw or '"' in raw
    return False


def scanned_number(value: str | None) -> int | None:
    """A plain front matter number (YAML would read "010" otherwise: not plain)."""
    return int(value) if value is not None and _INT.match(value) else None


# A date as YAML reads one (year-month-day, perhaps a time after it), on a front matter line.
_DATE_VALUE = re.compile(r"^[\w-]+[ \t]*:[ \t]+(\d{4}-\d\d?-\d\d?)\b")


def _impossible_date(block: list[str], path: str, reason: str) -> EpisodeError:
    """The error for a front matter date that does not exist (YAML reads a value shaped
    like a date as one, and datetime refuses "2026-02-30"), at the line that holds it."""
    for number, line in enumerate(block, 2):
        match = _DATE_VALUE.match(line)
        if match is None:
            continue
        try:
            datetime.date(*map(int, match.group(1).split("-")))
        except ValueError:
            return EpisodeError(
                f"{match.group(1)} is not a date ({reason})",
                path=path,
                line=number,
                hint="write it as 'YYYY-MM-DD', a day that exists",
            )
    return EpisodeError(f"front matter holds an impossible value ({reason})", path=path, line=1)


def split_front_matter(text: str, path: str) -> tuple[dict[str, Any], str, int]:
    """Return (front matter, body, line offset of the body)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, text, 0
    for end in range(1, len(lines)):
        if lines[end].strip() in ("---", "..."):
            break
    else:
        raise EpisodeError(
            "front matter is not closed", path=path, line=1, hint="end it with a line '---'"
        )
    block = lines[1:end]
    data: Any = plain_front_matter(block)
    if data is None:
        data = _parse_yaml(block, path)
    if not isinstance(data, dict):
        raise EpisodeError(
            "front matter must be 'key: value' lines", path=path, line=2, hint="see the README"
        )
    return data, "\n".join(lines[end + 1 :]), end + 1


def _parse_yaml(block: list[str], path: str) -> Any:
    """The front matter block read by YAML ({} when empty); EpisodeError when it cannot.
    libyaml's loader reads it when PyYAML was built with it (many times faster); a block
    it refuses is read again by the pure-Python loader, whose errors, with their problem
    and line, are the ones reported."""
    import yaml  # only for front matter that is more than plain lines

    text = "\n".join(block)
    fast = getattr(yaml, "CSafeLoader", None)
    try:
        if fast is not None:
            try:
                return yaml.load(text, Loader=fast) or {}  # CSafeLoader: safe
            except yaml.YAMLError:
                pass
        return yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise EpisodeError(
            f"front matter is not valid YAML ({problem})",
            path=path,
            line=line,
            hint="fix the line (quote titles that contain a colon)",
        ) from exc
    except ValueError as exc:  # a value shaped like a date that is not one: "2026-02-30"
        raise _impossible_date(block, path, str(exc)) from exc
