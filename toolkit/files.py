"""File access at the edges: reading text the way creators save it, writing atomically.

Every output is written to a unique temporary name in its own folder and renamed into
place, so a build that fails or is killed never leaves a partial file and never damages
what an earlier build wrote.
"""

from __future__ import annotations

import codecs
import contextlib
import json
import logging
import math
import os
import re
import tomllib
from collections.abc import Mapping, Sequence
from functools import cache
from itertools import chain, count
from pathlib import Path
from typing import Any

from toolkit.errors import ConfigError, InputError

log = logging.getLogger("toolkit")

MAX_TEXT_BYTES = 50 * 1024 * 1024


def parse_toml(text: str, source: Path | str, what: str) -> dict[str, Any]:
    """Parse TOML; an error names the file and line (Python 3.11's TOMLDecodeError keeps
    the line only in its message) and says what to fix."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = re.search(r"\(at line (\d+), column \d+\)", message)
        line = getattr(exc, "lineno", None) or (int(match.group(1)) if match else None)
        reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", message)
        raise ConfigError(
            f"not valid TOML: {reason}", path=source, line=line, hint=f"fix the {what}"
        ) from exc


def json_text(value: Any) -> str:
    """json.dumps(value, indent=2, ensure_ascii=False) + "\n", the same text, made faster.

    The standard library formats indented JSON in pure Python, one generator per level; a
    kit's timing.json and transcript.json are thousands of small objects. Containers of
    plain scalars (and lists of dicts of them) go through json's compact C encoder in one
    call each, and are indented from its output; the rest is written here, and anything
    this writer does not know (a non-string key, another type) goes to json.dumps instead."""
    out: list[str] = []
    try:
        _json_into(value, "\n", out)
    except _NotPlainJson:
        return json.dumps(value, indent=2, ensure_ascii=False) + "\n"
    out.append("\n")
    return "".join(out)


class _NotPlainJson(Exception):
    pass


_json_string = json.encoder.encode_basestring  # the C one where available, as json uses

# Values a container must hold, and only these exact types, to be written in one call of
# the compact encoder (below). Subclasses and containers take the general path.
_SCALARS = frozenset((str, int, float, bool, type(None)))
_STRINGS = frozenset((str,))
_DICTS = frozenset((dict,))


@cache
def _compact_encoder(item_separator: str) -> json.JSONEncoder:
    """json's compact (C) encoder with `item_separator` between items.

    Indented output is compact output with a newline and the indent after each item's
    comma, so a container of scalars is one call with ",\n<indent>" as the separator. A
    newline is never raw inside an encoded string (json escapes it), so every newline in
    its output is a separator's. Encoders are kept per indent: a handful of them."""
    return json.JSONEncoder(
        ensure_ascii=False, check_circular=False, separators=(item_separator, ": ")
    )


def _is_flat(value: dict[Any, Any] | list[Any] | tuple[Any, ...]) -> bool:
    """A non-empty container of scalars only (a dict's keys the encoder turns into text
    exactly as json.dumps does)."""
    items = value.values() if type(value) is dict else value
    return bool(value) and _SCALARS.issuperset(map(type, items))


def _flat_text(value: dict[Any, Any] | list[Any] | tuple[Any, ...], newline: str) -> str:
    """A non-empty container of scalars, indented below `newline`."""
    inner = newline + "  "
    compact = _compact_encoder("," + inner).encode(value)
    return compact[0] + inner + compact[1:-1] + newline + compact[-1]


def _flat_dicts_text(items: list[Any] | tuple[Any, ...], newline: str) -> str | None:
    """A non-empty list of dicts of scalars that all have the same keys in the same order
    (a kit's cues), indented below `newline`; None for any other list.

    A timing.json holds thousands of values, so they are all encoded in one call of the
    compact encoder, separated by ",\n" (every newline in its output is a separator, see
    _compact_encoder), and put into the indented text of one dict repeated, keys and all,
    with one %-format."""
    first = items[0]
    if not _DICTS.issuperset(map(type, items)) or not first:
        return None
    keys = tuple(first)
    if not all(map(keys.__eq__, map(tuple, items))) or not _STRINGS.issuperset(map(type, keys)):
        return None
    values = list(chain.from_iterable(map(dict.values, items)))
    if not _SCALARS.issuperset(map(type, values)):
        return None
    encoded = _compact_encoder(",\n").encode(values)[1:-1].split(",\n")
    inner = newline + "  "
    deeper = inner + "  "
    one = ("," + deeper).join(_json_string(key).replace("%", "%%") + ": %s" for key in keys)
    template = ("," + inner).join(["{" + deeper + one + inner + "}"] * len(items))
    return "[" + inner + template % tuple(encoded) + newline + "]"


def _json_into(value: Any, newline: str, out: list[str]) -> None:
    """Append `value` as indented JSON; `newline` is "\n" and the current indent."""
    if isinstance(value, str):
        out.append(_json_string(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(int.__repr__(value))
    elif isinstance(value, float):
        if value != value or value in (math.inf, -math.inf):
            raise _NotPlainJson
        out.append(float.__repr__(value))
    elif isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        if type(value) is dict and _is_flat(value):
            out.append(_flat_text(value, newline))
            return
        inner = newline + "  "
        separator = "{" + inner
        for key, item in value.items():
            if not isinstance(key, str):
                raise _NotPlainJson
            out.append(separator)
            out.append(_json_string(key))
            out.append(": ")
            _json_into(item, inner, out)
            separator = "," + inner
        out.append(newline)
        out.append("}")
    elif isinstance(value, list | tuple):
        if not value:
            out.append("[]")
            return
        if type(value) in (list, tuple):
            if _is_flat(value):
                out.append(_flat_text(value, newline))
                return
            text = _flat_dicts_text(value, newline)
            if text is not None:
                out.append(text)
                return
        inner = newline + "  "
        separator = "[" + inner
        for item in value:
            out.append(separator)
            _json_into(item, inner, out)
            separator = "," + inner
        out.append(newline)
        out.append("]")
    else:
        raise _NotPlainJson


TEMP_SUFFIX = ".tmp"


# Temporary names of this process: ".NAME.<pid>-<n>.tmp", n counting up (see _create_temp).
_TEMP_NUMBERS = count()
_TEMP_FLAGS = os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


def _create_temp(path: Path) -> tuple[int, str]:
    """A new empty file under a temporary name beside `path`, open: (descriptor, name).

    As tempfile.mkstemp makes it (created exclusively, never through a link, readable by
    the owner only), named after the process and a counter instead of random letters: a
    build stages thousands, and the random name was most of mkstemp's own time. A name
    taken (a file a killed process of the same number left) gets mkstemp's random one."""
    folder = str(path.parent)
    name = f"{folder}/.{path.name}.{os.getpid()}-{next(_TEMP_NUMBERS)}{TEMP_SUFFIX}"
    try:
        return os.open(name, _TEMP_FLAGS, 0o600), name
    except FileExistsError:
        import tempfile  # (only here: a build that checks kits and writes none never needs it)

        return tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=folder)


def temp_name(path: Path) -> Path:
    """A unique temporary name beside `path` (".NAME.<pid>-<n>.tmp"), created empty."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _create_temp(path)
    os.close(fd)
    return Path(tmp)


def is_temp_name(name: str) -> bool:
    """Whether a file name is one of the temporary names above."""
    return name[:1] == "." and name.endswith(TEMP_SUFFIX)


def stage(path: Path, data: bytes | str, *, durable: bool = True) -> Path:
    """Write `data` under a temporary name beside `path`; the caller renames it into place."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    # As temp_name, but written through the descriptor it opened (a kit stages a dozen
    # files: one open each, and the folder made only when it is missing).
    try:
        fd, name = _create_temp(path)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = _create_temp(path)
    tmp = Path(name)
    try:
        with open(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
            os.fchmod(handle.fileno(), 0o644)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def write_atomic(path: Path, data: bytes | str, *, durable: bool = True) -> None:
    """Write `data` to `path` through a temporary file in the same folder and a rename.

    `durable` also flushes the data to disk before the rename, so even a power cut cannot
    leave an empty file behind; outputs that a build can make again in milliseconds skip
    it (the rename alone already keeps a killed build from leaving a partial file)."""
    tmp = stage(path, data, durable=durable)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def replace_all(staged: Sequence[tuple[Path, Path]]) -> None:
    """Rename staged files into place, after every one of them was written; should one
    rename fail, the temporary files not renamed yet are removed."""
    renamed = 0
    try:
        for tmp, path in staged:
            os.replace(tmp, path)
            renamed += 1
    finally:
        for tmp, _ in staged[renamed:]:
            tmp.unlink(missing_ok=True)


def write_all_atomic(
    files: Mapping[Path, bytes | str],
    *,
    durable: bool = False,
    extra: Sequence[tuple[Path, Path]] = (),
) -> None:
    """Write several files as one change: all are staged first, then renamed into place,
    so a failure while writing (a full disk) leaves every earlier file as it was. Files
    that already hold exactly this content are left untouched.
    `extra` holds files already staged elsewhere (temporary path, final path)."""
    staged: list[tuple[Path, Path]] = list(extra)
    try:
        for path, data in files.items():
            payload = data.encode("utf-8") if isinstance(data, str) else data
            if _holds(path, payload):
                continue  # unchanged: keep the file (and its time) as it is
            staged.append((stage(path, payload, durable=durable), path))
    except BaseException:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise
    replace_all(staged)


def _holds(path: Path, payload: bytes) -> bool:
    try:
        return path.stat().st_size == len(payload) and path.read_bytes() == payload
    except OSError:
        return False


def remove_stale_temps(folder: Path) -> int:
    """Delete temporary files a killed run left below `folder`. Only call this while
    holding the channel lock, so no running build's files are touched."""
    removed = 0
    if not folder.is_dir():
        return 0
    # Names as plain strings, not paths: every build walks every kit.
    for dirpath, _dirs, names in os.walk(folder):
        for name in names:
            if is_temp_name(name):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(os.path.join(dirpath, name))
                removed += 1
    return removed


# Invisible characters that change nothing a reader sees but break words or hide a
# sentence end from the splitter: zero-width space, word joiner, soft hyphen, BOM.
_INVISIBLE = re.compile("[\u200b\u2060\u00ad\ufeff]")
# ...except that a zero-width space between a word and a capitalised one stands for a space
# that went missing ("Skerry\u200bPoint").
_GLUED_WORDS = re.compile(r"(?<=[a-z.,;:!?])\u200b(?=[A-Z])")
# Terminal colour codes and other escape sequences pasted in from a console.
_ESCAPES = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-Z\\-_]")
# Control characters other than tab and newline (C0 and C1).
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# What marks binary data read as text: the replacement character and C0 controls other
# than tab, newline, carriage return and form feed.
_ODD = re.compile("[\ufffd\x00-\x08\x0b\x0e-\x1f]")


def _looks_like_utf16(raw: bytes) -> bool:
    """UTF-16 without a byte-order mark: every other byte of plain text is zero."""
    sample = raw[:4096]
    if len(sample) < 4:
        return False
    even = sample[0::2].count(0) / len(sample[0::2])
    odd = sample[1::2].count(0) / len(sample[1::2])
    return max(even, odd) > 0.4 and min(even, odd) < 0.05


def _mostly_controls(text: str) -> bool:
    """Binary data read as text: many control or undecodable characters."""
    sample = text[:8192]
    return len(_ODD.findall(sample)) > max(2, len(sample) // 100)


def _binary(path: Path | str) -> InputError:
    return InputError("this is a binary file, not text", path=path, hint="give a text file")


def decode_text(raw: bytes, path: Path | str) -> str:
    """Decode bytes as a creator's text file: UTF-8 (BOM or not), UTF-16 with BOM, else
    cp1252 with a warning.

    Line endings become "\n"; invisible characters (zero-width space, soft hyphen, BOM),
    terminal escape codes and control characters are removed. Binary and empty files are
    refused.
    """
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(
                "the file starts with a UTF-16 mark but is not valid UTF-16",
                path=path,
                hint="save it again as UTF-8",
            ) from exc
    else:
        if _looks_like_utf16(raw):
            raise InputError(
                "this looks like UTF-16 text without a byte-order mark",
                path=path,
                hint="save it as UTF-8",
            )
        if b"\x00" in raw[:8192]:
            raise _binary(path)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")
            if _mostly_controls(text):
                raise _binary(path) from None
            log.warning("%s: not UTF-8; read as Windows-1252 (cp1252), check the accents", path)
    if _mostly_controls(text):
        raise _binary(path)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROLS.sub("", _ESCAPES.sub("", text))
    # Each pattern runs only where its characters occur: most files have none, and looking
    # for a character is much faster than running a pattern over the whole text.
    if "\u200b" in text:
        text = _GLUED_WORDS.sub(" ", text)
    if any(ch in text for ch in "\u200b\u2060\u00ad\ufeff"):
        text = _INVISIBLE.sub("", text)
    if not text.strip():
        raise InputError("the file is empty", path=path, hint="give a file with some text in it")
    return text


def read_text(path: Path) -> str:
    """Read a text file a user gave us, with clear errors for what cannot be read."""
    try:
        if path.is_dir():
            raise InputError("this is a folder, not a file", path=path)
        size = path.stat().st_size
        if size > MAX_TEXT_BYTES:
            raise InputError(
                f"the file is too large ({size // (1024 * 1024)} MiB) to be an article",
                path=path,
            )
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError("no such file", path=path, hint="check the path") from exc
    except PermissionError as exc:
        raise InputError("permission denied", path=path) from exc
    return decode_text(raw, path)
