"""`toolkit preview`: one segment (or the whole episode) as an MP3, quickly, to listen to.

Sentences come from the same cache as full builds, so a preview after a build (or a build
after a preview) synthesizes nothing twice.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from toolkit.audio.narrate import default_workers, narrate
from toolkit.build import BUILD_DIR, plan_episode, select_episodes
from toolkit.channel import load_channel
from toolkit.errors import InputError, ToolkitError
from toolkit.files import replace_all
from toolkit.text.article import load_article
from toolkit.timing.cue import split_cues
from toolkit.timing.timeline import RateModel

PLAYERS: tuple[tuple[str, list[str]], ...] = (
    ("mpv", ["--no-video", "--really-quiet"]),
    ("ffplay", ["-nodisp", "-autoexit", "-loglevel", "error"]),
    ("mpg123", ["-q"]),
    ("cvlc", ["--play-and-exit", "--quiet"]),
    ("afplay", []),
)


@dataclass(frozen=True)
class PreviewResult:
    path: Path
    summary: str


def _slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "segment"


def render_preview(
    root: Path, selector: str, segment: str | None, voice: str | None
) -> PreviewResult:
    channel = load_channel(root)
    [path] = select_episodes(root, [selector])
    plan = plan_episode(root, load_article(path), channel, voice)
    episode = plan.episode
    name = "all"
    if segment is not None:
        segments = episode.segments
        segment = segment.strip()
        if segment.isascii() and segment.isdigit() and 1 <= int(segment) <= len(segments):
            chosen = segments[int(segment) - 1]
        else:
            matches = [s for s in segments if s.title.lower() == segment.lower()]
            if not matches:
                titles = ", ".join(f"{i}. {s.title}" for i, s in enumerate(segments, 1))
                raise InputError(
                    f"no segment {segment!r} in {episode.slug}", hint=f"choose one of: {titles}"
                )
            chosen = matches[0]
        episode = replace(episode, segments=(chosen,))
        name = f"{segments.index(chosen) + 1}-{_slugify(chosen.title)}"
    cues = split_cues(episode, channel.rules, plan.voice, RateModel.for_voice(plan.voice).token_ms)
    folder = root / BUILD_DIR / episode.slug
    narration = narrate(
        root,
        episode,
        cues,
        plan.voice,
        channel,
        folder,
        workers=default_workers(),
        mp3_name=f"preview-{name}.mp3",
    )
    replace_all(narration.staged)
    return PreviewResult(folder / f"preview-{name}.mp3", narration.note)


def play_file(path: Path) -> str:
    """Play with the first player found; returns its name. Raises when there is none."""
    for name, args in PLAYERS:
        exe = shutil.which(name)
        if exe:
            subprocess.run([exe, *args, str(path)], check=False)
            return name
    opener = "open" if sys.platform == "darwin" else "xdg-open"
    if shutil.which(opener):
        subprocess.run([opener, str(path)], check=False)
        return opener
    raise ToolkitError(
        "no audio player found (looked for mpv, ffplay, mpg123, cvlc, afplay, xdg-open)",
        path=path,
        hint="open the file with any audio player",
    )
