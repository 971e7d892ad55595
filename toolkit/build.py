"""Build episode kits: the one place that reads episode files and writes build/<slug>/.

`build_episode` is a pure function of its inputs (episode file, channel, templates, voice,
lexicon) plus file access, free of global state, so episodes build independently: one
process each with --jobs, or as tasks on any distributed engine.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from toolkit.channel import Channel, load_channel
from toolkit.errors import ConfigError, InputError
from toolkit.files import write_all_atomic
from toolkit.handoff.kit import Placed, compose_handoff_files, place_handoff
from toolkit.outputs.chapters import compose_podcast_json, compose_youtube
from toolkit.outputs.kits import BUILD_DIR as BUILD_DIR
from toolkit.outputs.kits import (
    CATALOGUE_ROWS,
    forget_kit,
    kit_inputs,
    read_kept_rows,
    record_kit,
    timing_stamp,
    write_kept_rows,
)
from toolkit.outputs.kits import EPISODES_DIR as EPISODES_DIR
from toolkit.outputs.kits import check_unique as check_unique
from toolkit.outputs.kits import episode_files as episode_files
from toolkit.outputs.kits import select_episodes as select_episodes
from toolkit.outputs.page import (
    CatalogueEntry,
    compose_catalogue,
    compose_page,
    read_catalogue_entry,
)
from toolkit.outputs.script import compose_narration, compose_script, duration
from toolkit.outputs.subtitles import check_cues, compose_srt, compose_vtt
from toolkit.templates import Templates
from toolkit.text.article import Article, load_article
from toolkit.text.assemble import Episode, assemble
from toolkit.text.lexicon import load_lexicon
from toolkit.text.lint import Finding, lint_episode
from toolkit.text.speak import EMPTY_LEXICON, Lexicon
from toolkit.timing.cue import Cue, split_cues
from toolkit.timing.timeline import (
    AUDIO,
    RECORDING,
    RateModel,
    Timeline,
    compose_timing_json,
    estimate_speech,
    lay_out,
    segment_estimator,
)
from toolkit.voice import VoiceProfile, load_voice

# episode_files, select_episodes, check_unique and the folder names live in
# toolkit.outputs.kits (light enough for a build with nothing to do); imported from here too.


@dataclass(frozen=True)
class Plan:
    """Everything known about an episode before any audio exists."""

    episode: Episode
    voice: VoiceProfile
    cues: tuple[Cue, ...]
    timeline: Timeline  # estimated
    lexicon: Lexicon = EMPTY_LEXICON
    article: Article | None = None  # for the publishing files (summary, sources)
    templates: Templates | None = None


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
    # The inputs every kit shares (toolkit.outputs.kits.channel_inputs), when the caller
    # read them once for the whole build; else each episode reads them.
    shared_inputs: Mapping[str, str] | None = field(default=None, compare=False)


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
        segment_estimator(voice),
        lexicon,
    )
    model = RateModel.for_voice(voice)
    cues = split_cues(episode, channel.rules, voice, model.token_ms)
    timeline = lay_out(episode, cues, estimate_speech(episode, voice), channel.rules)
    return Plan(episode, voice, cues, timeline, lexicon, article, templates)


def lint_plan(
    plan: Plan, channel: Channel, channel_names: Counter[str] | None = None
) -> list[Finding]:
    """What `toolkit lint` reports for an episode, and exactly what its page shows: one call
    for both, on the estimated timing (audio must not change what lint says about the text)."""
    return lint_episode(plan.episode, plan.timeline, channel.rules, channel_names, plan.lexicon)


def kit_files(
    plan: Plan, timeline: Timeline, channel: Channel, placed: Placed | None = None
) -> tuple[dict[str, str], list[str]]:
    """The text outputs of a kit, by file name, and warnings. `placed`: the shots and
    markers of the hand-off files (place_handoff), when the caller has them."""
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
    files.update(compose_handoff_files(ep, plan.cues, timeline, channel.video, placed))
    if plan.article is not None and plan.templates is not None:
        from toolkit.publish.kit import compose_publish_files

        published, notes = compose_publish_files(plan.article, channel, timeline, plan.templates)
        files.update(published)
        warnings.extend(notes)
    return files, warnings


def build_episode(root: Path, path: Path, options: BuildOptions) -> BuildResult:
    """Build one episode's kit into build/<slug>/ (every file written atomically)."""
    channel = load_channel(root)
    # What the kit is built from, read before the files themselves: an edit made while it
    # builds makes it stale for the next build. Kept beside the kit as its manifest.
    inputs = kit_inputs(
        root,
        path,
        channel,
        audio=options.audio,
        voice=options.voice,
        shared=options.shared_inputs,
    )
    article = load_article(path)
    plan = plan_episode(root, article, channel, options.voice)
    timeline = plan.timeline
    folder = root / BUILD_DIR / plan.episode.slug
    audio_note = ""
    written: list[str] = []
    staged: tuple[tuple[Path, Path], ...] = ()
    following = None  # the creator's recording, aligned (toolkit.align): replaces the draft
    if options.audio and article.recording:
        from toolkit.align.follow import follow_recording

        tell = options.progress
        following = follow_recording(
            root,
            plan.episode,
            plan.cues,
            channel,
            folder,
            article.recording,
            (channel_path(root, path), article.recording_line),
            workers=options.workers,
            progress=(lambda d, t: tell(plan.episode.slug, d, t)) if tell else None,
        )
        timeline, audio_note, staged = following.timeline, following.note, following.staged
        plan = replace(plan, cues=following.cues)  # a sentence not recorded has no cue
        written.append(following.master)
    elif options.audio:
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
    placed = place_handoff(plan.episode, plan.cues, timeline)  # the files' and the page's
    files, warnings = kit_files(plan, timeline, channel, placed)
    if following is not None:
        files.update(following.kit_files(plan.episode, channel))
        warnings.extend(following.warnings)
    if timeline is not plan.timeline:  # the page's findings speak of the estimate (lint_plan)
        problems = check_cues(timeline.cues, channel.rules)
        warnings.extend(f"audio-timed subtitles: {p}" for p in problems)
    lints = lint_plan(plan, channel)
    named = {p: channel_path(root, Path(p)) for p in {f.path for f in lints}}  # a file or two
    findings = [str(replace(f, path=named[f.path])) for f in lints]
    files["index.html"] = compose_page(
        plan.episode,
        timeline,
        channel,
        findings,
        following.master if following else "narration.mp3" if options.audio else None,
        cues=plan.cues,
        recording=following.page_view() if following else None,
        placed=placed,
    )
    # The whole kit changes at once: every file is staged, then all are renamed.
    forget_kit(root, plan.episode.slug)
    write_all_atomic({folder / name: text for name, text in files.items()}, extra=staged)
    written.extend(files)
    warnings.extend(remove_stale_audio(folder, timeline.source))
    record_kit(root, plan.episode.slug, inputs, written)
    return BuildResult(
        slug=plan.episode.slug,
        folder=folder,
        files=tuple(sorted(written)),
        timeline=timeline,
        sentences=len(plan.episode.sentences),
        warnings=tuple(warnings),
        audio_note=audio_note,
    )


# Audio in a kit and the timing source it belongs to: audio whose timing is not the kit's
# would play against cues it does not match.
KIT_AUDIO = (("narration.mp3", AUDIO), ("episode.mp3", RECORDING))


def remove_stale_audio(folder: Path, source: str) -> list[str]:
    """Remove the kit's audio files that belong to another timing source; say which."""
    removed = []
    for name, belongs_to in KIT_AUDIO:
        if belongs_to != source and (folder / name).is_file():
            (folder / name).unlink()
            removed.append(
                f"removed the older {name}: its timing does not match this build's "
                f"({source}); build with its audio again to get it back"
            )
    return removed


def channel_path(root: Path, path: Path) -> str:
    """A file named relative to the channel folder (as a kit names it), so a kit does not
    depend on the folder the command was run from; the bare name for a file outside it."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.name


def write_catalogue(root: Path, channel: Channel, slugs: set[str]) -> Path:
    """build/index.html: every episode that has a kit, from the kits' timing.json.

    Written once per build run (not per episode, so parallel builds never race on it);
    only kits whose slug is in `slugs` (as check_unique gives them) are listed, so kits of
    deleted episodes drop out while a broken episode's last kit stays."""
    entries = []
    # A row whose timing.json is as it was when the last catalogue was made is taken from
    # then; only the kits built (or changed) since are read again.
    known = read_kept_rows(root, CATALOGUE_ROWS)
    rows: dict[str, tuple[str, list[object]]] = {}
    for timing in sorted((root / BUILD_DIR).glob("*/timing.json")):
        slug = timing.parent.name
        if slug not in slugs:
            continue
        stamp = timing_stamp(timing)
        kept = known.get(slug)
        entry = _catalogue_row(kept[1]) if kept is not None and kept[0] == stamp else None
        if entry is None:
            entry = read_catalogue_entry(timing.read_bytes(), str(timing))
        entries.append(entry)
        rows[slug] = (stamp, [getattr(entry, f.name) for f in fields(CatalogueEntry)])
    target = root / BUILD_DIR / "index.html"
    write_all_atomic({target: compose_catalogue(channel, entries)})
    write_kept_rows(root, CATALOGUE_ROWS, rows)
    return target


def _catalogue_row(values: list[object]) -> CatalogueEntry | None:
    """A kept catalogue row, or None when it is not one (read the kit's timing.json)."""
    match values:
        case [int() as number, str() as title, str() as slug, int() as total_ms, str() as source]:
            if not isinstance(number, bool) and not isinstance(total_ms, bool):
                return CatalogueEntry(number, title, slug, total_ms, source)
    return None
