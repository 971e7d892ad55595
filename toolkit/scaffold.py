"""`toolkit init`: lay out a working channel folder from the package defaults."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from toolkit.files import write_atomic


@dataclass(frozen=True)
class InitResult:
    created: tuple[str, ...]
    kept: tuple[str, ...]  # already there: never overwritten


def _package_text(*parts: str) -> str:
    node = resources.files("toolkit")
    for part in parts:
        node = node / part
    return node.read_text(encoding="utf-8")


def init_channel(folder: Path) -> InitResult:
    files = {
        "episodes/channel.toml": _package_text("data", "channel.toml"),
        "episodes/templates/intro.md.j2": _package_text("templates", "intro.md.j2"),
        "episodes/templates/outro.md.j2": _package_text("templates", "outro.md.j2"),
        "voices/default.toml": _package_text("voices", "default.toml"),
        "voices/natural.toml": _package_text("voices", "natural.toml"),
        "voices/lexicon.toml": _package_text("data", "lexicon.toml"),
        "build/.gitkeep": "",
    }
    created, kept = [], []
    for name, text in files.items():
        target = folder / name
        if target.exists():
            kept.append(name)
            continue
        write_atomic(target, text)
        created.append(name)
    return InitResult(tuple(created), tuple(kept))
