"""Build episode kits: the one place that reads episode files and writes build/<slug>/.

`build_episode` is a pure function of its inputs (episode file, channel, templates, voice,
lexicon) plus file access, free of global state, so episodes build independently: one
process each with --jobs, or as tasks on any distributed engine.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.channel import Channel, load_channel
from toolkit.errors import ConfigError, EpisodeError, InputError
from toolkit.files import read_text, write_all_atomic
from toolkit.outputs.chapters import compose_podcast_json, compose_youtube
from toolkit.outputs.page import compose_catalogue, compose_page, read_catalogue_entry
from toolkit.outputs.script import compose_narration, compose_script, duration
from toolkit.outputs.subtitles import compose_srt, compose_vtt
from toolkit.templates import Templates
from toolkit.text.article import Article, load_article
from toolkit.text.assemble import Episode, assemble
from toolkit.text.lexicon import load_lexicon
from toolkit.text.lint import lint_episode
from toolkit.text.speak import EMPTY_LEXICON, Lexicon
from toolkit.timing.cue import Cue, split_cues
from toolkit.timing.timeline import (
    RateModel,
    Timeline,
    compose_timing_json,
    estimate_segments_ms,
    estimate_speech,
    lay_out,
)
from toolkit.voice import VoiceProfile, load_voice

EPISODES_DIR = "episodes"
BUILD_DIR = "build"
_EPISODE_NAME = re.compile(r"^\d{1,4}-[a-z0-9][a-z0-9-]*\.md$")


@dataclass(frozen=True)
class Plan:
    """Everything known about an episode before any audio exists."""

    episode: Episode
    voice: VoiceProfile
    cues: tuple[Cue, ...]
    timeline: Timeline  # estimated
    lexicon: Lexicon = EMPTY_LEXICON


@dataclass(frozen=True)
class BuildResult:
    slug: str
    folder: Path
    files: tuple[str, ...]
    timeline: Timeline
    sentences: int
    warnings: tuple[str, ...] = ()
    audio_note: str = ""

    def summary(self) -> str:
        if self.audio_note:
            return f"{self.slug}: {self.sentences} sentences, {self.audio_note}"
        return (
            f"{self.slug}: {self.sentences} sentences, {len(self.timeline.cues)} cues, "
            f"{len(self.timeline.segments)} segments, {duration(self.timeline.total_ms)} "
            "estimated (no audio)"
        )


@dataclass(frozen=True)
class BuildOptions:
    audio: bool = False
    voice: str | None = None  # overrides the episode's and the channel's voice
    workers: int = 1  # processes synthesizing at once
    progress: Callable[[str, int, int], None] | None = field(default=None, compare=False)


def episode_files(root: Path) -> list[Path]:
    folder = root / EPISODES_DIR
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.md") if _EPISODE_NAME.match(p.name))


def select_episodes(root: Path, selectors: Sequence[str]) -> list[Path]:
    """Episodes by path, slug or number; all of them when no selector is given."""
    files = episode_files(root)
    if not selectors:
        if not files:
            raise InputError(
                f"no episodes in {root / EPISODES_DIR}",
                hint="import an article with `toolkit import FILE`",
            )
        return files
    chosen: list[Path] = []
    for sel in selectors:
        path = Path(sel)
        matches = [path] if path.suffix == ".md" and path.is_file() else []
        if not matches:
            for f in files:
                number, _, rest = f.stem.partition("-")
                if (
                    sel == rest
                    or sel == f.stem
                    or (sel.isascii() and sel.isdigit() and int(sel) == int(number))
                ):
                    matches.append(f)
        if not matches:
            raise InputError(
                f"no episode matches {sel!r}",
                hint="give a path, a slug or a number (see `toolkit build --help`)",
            )
        if len(matches) > 1:
            raise InputError(
                f"{sel!r} matches {len(matches)} episodes: " + ", ".join(m.name for m in matches),
                hint="give the file path instead",
            )
        if matches[0] not in chosen:
            chosen.append(matches[0])
    return chosen


def check_unique(root: Path) -> set[str]:
    """Two episodes with the same number or slug would overwrite each other's kit.

    Returns every episode's slug. Episode files that do not parse are skipped here (with
    the slug their file name gives): building them reports the problem."""
    seen: dict[str, Path] = {}
    slugs: set[str] = set()
    for path in episode_files(root):
        try:
            article = load_article(path)
        except InputError:
            slugs.add(path.stem.partition("-")[2])
            continue
        slugs.add(article.slug)
        for key in (f"number {article.number}", f"slug {article.slug}"):
            if key in seen:
                raise EpisodeError(
                    f"episode {key} is used twice (also in {seen[key].name})",
                    path=path,
                    hint="renumber or rename one of them",
                )
            seen[key] = path
    return slugs


def load_lexicon_for(root: Path, voice: VoiceProfile) -> Lexicon:
    """voices/lexicon.toml, then the voice's own lexicon file on top of it."""
    paths = [root / "voices" / "lexicon.toml"]
    paths = [p for p in paths if p.is_file()]
    if voice.lexicon:
        name = Path(voice.lexicon)
        if name.is_absolute() or len(name.parts) != 1 or name.name in ("", ".", ".."):
            raise ConfigError(
                f"lexicon {voice.lexicon!r} must be a file name in voices/",
                path=voice.source,
                hint='e.g. lexicon = "names.toml"',
            )
        own = root / "voices" / name
        if not own.is_file():
            raise ConfigError(
                f"the voice's lexicon {voice.lexicon} is missing",
                path=voice.source,
                hint=f"create voices/{voice.lexicon} or remove the lexicon line",
            )
        paths.append(own)
    return load_lexicon(paths)


def plan_episode(
    root: Path, article: Article, channel: Channel, voice_override: str | None = None
) -> Plan:
    voice_name = voice_override or article.voice or channel.voice
    try:
        voice = load_voice(voice_name, root)
    except InputError as exc:
        if exc.path is None and voice_override is None:
            # Point at where the voice was chosen: the episode, or else the channel.
            if article.voice:
                exc.path, exc.line = article.path, article.voice_line
            else:
                exc.path, exc.line = channel.source, channel.voice_line
        raise
    lexicon = load_lexicon_for(root, voice)
    templates = Templates(root)
    episode = assemble(
        article,
        channel,
        templates,
        voice.name,
        lambda segs: estimate_segments_ms(segs, voice),
        lexicon,
    )
    model = RateModel.for_voice(voice)
    cues = split_cues(episode, channel.rules, voice, model.token_ms)
    timeline = lay_out(episode, cues, estimate_speech(episode, voice), channel.rules)
    return Plan(episode, voice, cues, timeline, lexicon)


def kit_files(plan: Plan, timeline: Timeline, channel: Channel) -> tuple[dict[str, str], list[str]]:
    """The text outputs of a kit, by file name, and warnings."""
    ep = plan.episode
    youtube, warnings = compose_youtube(timeline)
    files = {
        "script.md": compose_script(ep, timeline),
        "narration.txt": compose_narration(ep),
        "subtitles.srt": compose_srt(timeline.cues),
        "subtitles.vtt": compose_vtt(timeline.cues),
        "chapters.txt": youtube,
        "chapters.json": compose_podcast_json(timeline, ep.title, channel.name, "narration.mp3"),
        "timing.json": compose_timing_json(timeline, ep.title, ep.slug, ep.number),
    }
    return files, warnings


def build_episode(root: Path, path: Path, options: BuildOptions) -> BuildResult:
    """Build one episode's kit into build/<slug>/ (every file written atomically)."""
    channel = load_channel(root)
    article = load_article(path)
    plan = plan_episode(root, article, channel, options.voice)
    timeline = plan.timeline
    folder = root / BUILD_DIR / plan.episode.slug
    audio_note = ""
    written: list[str] = []
    staged: tuple[tuple[Path, Path], ...] = ()
    if options.audio:
        from toolkit.audio.narrate import narrate

        report = options.progress
        narration = narrate(
            root,
            plan.episode,
            plan.cues,
            plan.voice,
            channel,
            folder,
            workers=options.workers,
            progress=(lambda d, t: report(plan.episode.slug, d, t)) if report else None,
        )
        timeline = narration.timeline
        audio_note = narration.note
        staged = narration.staged
        written.append("narration.mp3")
    files, warnings = kit_files(plan, timeline, channel)
    findings = [
        str(f) for f in lint_episode(plan.episode, timeline, channel.rules, lexicon=plan.lexicon)
    ]
    files["index.html"] = compose_page(
        plan.episode, timeline, channel, findings, "narration.mp3" if options.audio else None
    )
    # The whole kit changes at once: every file is staged, then all are renamed.
    write_all_atomic({folder / name: text for name, text in files.items()}, extra=staged)
    written.extend(files)
    return BuildResult(
        slug=plan.episode.slug,
        folder=folder,
        files=tuple(sorted(written)),
        timeline=timeline,
        sentences=len(plan.episode.sentences),
        warnings=tuple(warnings),
        audio_note=audio_note,
    )


def write_catalogue(root: Path, channel: Channel, slugs: set[str]) -> Path:
    """build/index.html: every episode that has a kit, from the kits' timing.json.

    Written once per build run (not per episode, so parallel builds never race on it);
    only kits whose slug is in `slugs` (as check_unique gives them) are listed, so kits of
    deleted episodes drop out while a broken episode's last kit stays."""
    entries = []
    for timing in sorted((root / BUILD_DIR).glob("*/timing.json")):
        if timing.parent.name in slugs:
            entries.append(read_catalogue_entry(read_text(timing), str(timing)))
    target = root / BUILD_DIR / "index.html"
    write_all_atomic({target: compose_catalogue(channel, entries)})
    return target
