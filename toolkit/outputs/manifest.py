"""Build manifests: what a kit was built from, so an unchanged kit is not built again.

Takes the digests of a kit's inputs (label -> digest, gathered at the edge by
`toolkit.outputs.kits.kit_inputs`) and the sizes of the files the kit wrote; gives the
manifest's text, reads it back and says whether a kit is current. Pure: no file access.

Guarantees:
- `parse_manifest(compose_manifest(m)) == m`, and composing is deterministic.
- Anything unreadable (another format, damaged JSON, a hand-edited file) parses as None,
  which means "not current": the worst a bad manifest can do is cost one rebuild.
- A kit is current only when every input digest is the same (no input added or removed)
  and every file the kit wrote is still there with the size it had.

Also here: `scan_front_matter`, a cheap reading of the front matter's plain `key: value`
lines (number, slug, recording ...) without a YAML parser or the Markdown body, for the
uniqueness check and the manifest; it says when a line needs the real parser.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

MANIFEST_FORMAT = 1


def digest_bytes(data: bytes) -> str:
    """The digest of an input's content (SHA-256, hex)."""
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Manifest:
    inputs: tuple[tuple[str, str], ...]  # (label, digest), sorted by label
    outputs: tuple[tuple[str, int], ...]  # (file name in the kit, size in bytes), sorted

    @property
    def key(self) -> str:
        """One digest for all the inputs: equal keys, equal kits."""
        return digest_bytes("\n".join(f"{k}\t{v}" for k, v in self.inputs).encode("utf-8"))


def make_manifest(inputs: Mapping[str, str], outputs: Mapping[str, int]) -> Manifest:
    return Manifest(tuple(sorted(inputs.items())), tuple(sorted(outputs.items())))


def compose_manifest(manifest: Manifest) -> str:
    doc = {
        "format": MANIFEST_FORMAT,
        "key": manifest.key,
        "inputs": dict(manifest.inputs),
        "outputs": dict(manifest.outputs),
    }
    return json.dumps(doc, indent=1, sort_keys=True) + "\n"


def parse_manifest(text: str) -> Manifest | None:
    """The manifest in `text`, or None when it is not one this version wrote."""
    try:
        doc = json.loads(text)
    except ValueError:
        return None
    if not isinstance(doc, dict) or doc.get("format") != MANIFEST_FORMAT:
        return None
    inputs, outputs = doc.get("inputs"), doc.get("outputs")
    if not isinstance(inputs, dict) or not isinstance(outputs, dict):
        return None
    if not all(isinstance(v, str) for v in inputs.values()):
        return None
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in outputs.values()):
        return None
    manifest = make_manifest(inputs, outputs)
    return manifest if doc.get("key") == manifest.key else None


def changed_inputs(old: Manifest | None, inputs: Mapping[str, str]) -> tuple[str, ...]:
    """Labels of the inputs added, removed or changed since `old` (every one without it)."""
    before = dict(old.inputs) if old is not None else {}
    labels = set(before) | set(inputs)
    return tuple(sorted(k for k in labels if before.get(k) != inputs.get(k)))


def is_current(
    old: Manifest | None, inputs: Mapping[str, str], sizes: Mapping[str, int | None]
) -> bool:
    """Whether a kit built as `old` says is still what `inputs` would give: same inputs,
    and every output still there at its size (`sizes`: file name -> size now, None when
    missing; a file not in `sizes` counts as missing)."""
    if old is None or changed_inputs(old, inputs):
        return False
    return all(sizes.get(name) == size for name, size in old.outputs)


# --- the front matter, cheaply ------------------------------------------------------------

_KEY_LINE = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:(?:[ \t]+(.*?))?[ \t]*$")
_PLAIN = re.compile(r"^[^\s'\"\[\]{}|>&*!%@`#,?:-][^#]*?$|^-[^\s#][^#]*?$")
_INT = re.compile(r"^(?:0|[1-9][0-9]*)$")


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
        raw = re.split(r"[ \t]#", raw, maxsplit=1)[0].rstrip()
    if not raw or not _PLAIN.match(raw) or ": " in raw:
        return None
    return raw


def scan_front_matter(text: str, keys: frozenset[str]) -> FrontMatterScan:
    """The plain values of `keys` in the front matter block (between the first line "---"
    and the next "---" or "..."), reading nothing else. `exact` is False when a line of
    one of those keys is not a plain one-line value (a list, a block, an escape, a key
    given twice) or the block is not closed: then parse it with YAML."""
    if not text.startswith("---"):
        return FrontMatterScan({}, True)
    found: dict[str, str] = {}
    exact = True
    lines = iter(text.split("\n", 400))
    first = next(lines)
    if first.strip() != "---":
        return FrontMatterScan({}, True)
    closed = False
    for line in lines:
        if line.strip() in ("---", "..."):
            closed = True
            break
        if line[:1] in ("'", '"', "{", "?"):
            exact = False  # a quoted or complex key: could be any of them
            continue
        match = _KEY_LINE.match(line)
        if match is None or match.group(1) not in keys:
            continue
        key = match.group(1)
        value = _plain_value(match.group(2) or "")
        if value is None or key in found:
            exact = False
            continue
        found[key] = value
    return FrontMatterScan(found, exact and closed)


def scanned_number(value: str | None) -> int | None:
    """A plain front matter number (YAML would read "010" otherwise: not plain)."""
    return int(value) if value is not None and _INT.match(value) else None
