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

(The front matter's plain lines that the uniqueness check and the manifests read come from
`toolkit.text.frontmatter.scan_front_matter`.)
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

MANIFEST_FORMAT = 1


def digest_bytes(data: bytes) -> str:
    """The digest of an input's content (SHA-256, hex)."""
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Manifest:
    inputs: tuple[tuple[str, str], ...]  # (label, digest), sorted by label
    outputs: tuple[tuple[str, int], ...]  # (file name in the kit, size in bytes), sorted

    @cached_property
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
