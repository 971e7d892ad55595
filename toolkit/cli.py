"""The command line: a thin adapter over the library.

This is the one place that prints and exits. Library errors (ToolkitError) become one
line on stderr and exit code 1; usage errors exit 2 (click); --debug shows tracebacks.
"""

from __future__ import annotations

import gc
import logging
import sys
from pathlib import Path
from typing import Any

import click

from toolkit import __version__
from toolkit.errors import ToolkitError

log = logging.getLogger("toolkit")


class _WarningHandler(logging.Handler):
    """Prints each warning once (a file read twice in one run warns once)."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: set[str] = set()

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message not in self.seen:
            self.seen.add(message)
            click.echo(f"warning: {message}", err=True)


def _root(ctx: click.Context) -> Path:
    return Path(ctx.obj["root"])


class ToolkitGroup(click.Group):
    """Turns every error into one line and an exit code: 1 for a problem with the input,
    2 for a usage error; --debug shows the traceback instead."""

    def invoke(self, ctx: click.Context) -> Any:
        _install_warning_handler()
        try:
            return super().invoke(ctx)
        except ToolkitError as exc:
            if (ctx.obj or {}).get("debug"):
                raise
            click.echo(f"error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except OSError as exc:
            if (ctx.obj or {}).get("debug"):
                raise
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"error: {where}{exc.strerror or exc}", err=True)
            ctx.exit(1)

    def main(  # type: ignore[override]
        self,
        args: list[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        argv = list(sys.argv[1:] if args is None else args)
        debug = "--debug" in argv
        try:
            code = super().main(argv, prog_name, complete_var, False, **extra)
        except click.UsageError as exc:
            where = exc.ctx.command_path if exc.ctx is not None else "toolkit"
            message = " ".join(exc.format_message().split()).rstrip(".")
            click.echo(f"error: {message} (see '{where} --help')", err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            click.echo(f"error: {exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        except click.exceptions.Abort:
            click.echo("aborted", err=True)
            sys.exit(130)
        except KeyboardInterrupt:
            click.echo("interrupted: finished outputs are kept; run the command again", err=True)
            sys.exit(130)
        except ToolkitError as exc:  # raised before a command runs, or with --debug
            if debug:
                raise
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except Exception as exc:
            if debug:
                raise
            click.echo(
                f"error: unexpected {type(exc).__name__}: {exc}; this is a bug in toolkit, "
                "please report it with the output of --debug",
                err=True,
            )
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


def _install_warning_handler() -> None:
    if not any(isinstance(h, _WarningHandler) for h in log.handlers):
        log.addHandler(_WarningHandler())
    log.setLevel(logging.WARNING)
    log.propagate = False


@click.group(cls=ToolkitGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "-C",
    "root",
    default=".",
    metavar="DIR",
    type=click.Path(file_okay=False, path_type=Path),
    help="The channel folder to work in (default: the current folder).",
)
@click.option("--debug", is_flag=True, help="Show the full traceback on errors.")
@click.version_option(__version__, prog_name="toolkit")
@click.pass_context
def cli(ctx: click.Context, root: Path, debug: bool) -> None:
    """Turn blog articles into narrated episode kits: script, timing, subtitles,
    chapters and a narrated draft.

    Start with `toolkit init DIR`, then `toolkit import ARTICLE.txt` and `toolkit build`.
    """
    ctx.ensure_object(dict)
    ctx.obj["root"] = root
    ctx.obj["debug"] = debug


@cli.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def init(folder: Path) -> None:
    """Create a channel in FOLDER: channel.toml, templates, voices and build/.

    Files that already exist are kept as they are.
    """
    from toolkit.scaffold import init_channel

    result = init_channel(folder)
    for name in result.created:
        click.echo(f"created {folder / name}")
    for name in result.kept:
        click.echo(f"kept {folder / name} (already there)")
    click.echo(f"next: edit {folder / 'episodes/channel.toml'}, then `toolkit import ARTICLE`")


@cli.command(name="import")
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--force", is_flag=True, help="Replace episodes imported before from the same source."
)
@click.pass_context
def import_(ctx: click.Context, sources: tuple[Path, ...], force: bool) -> None:
    """Import articles into episodes/NNN-slug.md.

    SOURCES are files: blog text copied from a page (.txt), Markdown (.md), a saved web
    page (.html) or a WordPress export (.xml). Re-importing a source skips it unless
    --force is given.
    """
    from toolkit.importers import import_sources

    root = _root(ctx)
    with _progress("importing") as progress:
        report = import_sources(list(sources), root / "episodes", force=force, progress=progress)
    for line in report.lines():
        click.echo(line)


class _progress:
    """A progress bar on a terminal, nothing otherwise (lines are printed by callers)."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar: Any = None

    def __enter__(self) -> Any:
        if not sys.stderr.isatty():
            return None

        def update(done: int, total: int) -> None:
            if self.bar is None:
                self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
                self.bar.__enter__()
            self.bar.update(done - self.bar.pos)

        return update

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def _build_one(args: tuple[Path, Path, bool, str | None, int]) -> Any:
    from toolkit.build import BuildOptions, build_episode

    root, path, audio, voice, workers = args
    return build_episode(root, path, BuildOptions(audio=audio, voice=voice, workers=workers))


class _EpisodeProgress:
    """A bar over the episodes of a build on a terminal, when there are more than a few
    (and no synthesis bar shows progress already); each episode's summary line is printed
    as it is built, or once the bar is done."""

    FEW = 3

    def __init__(self, total: int, synthesis_shown: bool) -> None:
        self.total = total
        self.tty = sys.stderr.isatty() and total > self.FEW and not synthesis_shown
        self.bar: Any = None
        self.held: list[Any] = []

    def __enter__(self) -> _EpisodeProgress:
        if self.tty:
            self.bar = click.progressbar(length=self.total, label="building", file=sys.stderr)
            self.bar.__enter__()
        return self

    def report(self, result: Any) -> None:
        if self.bar is None:
            _report(result)
        else:
            self.held.append(result)

    def advance(self) -> None:
        if self.bar is not None:
            self.bar.update(1)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None
        for result in self.held:
            _report(result)
        self.held = []


class _SynthesisProgress:
    """A bar per episode on a terminal; a plain line every quarter otherwise."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.bar: Any = None
        self.slug = ""
        self.last_quarter = -1

    def __call__(self, slug: str, done: int, total: int) -> None:
        if self.tty:
            if self.bar is None or slug != self.slug:
                self.close()
                self.slug = slug
                self.bar = click.progressbar(
                    length=total, label=f"{slug}: synthesizing", file=sys.stderr
                )
                self.bar.__enter__()
            self.bar.update(done - self.bar.pos)
            return
        if slug != self.slug:
            self.slug, self.last_quarter = slug, -1
        quarter = done * 4 // max(total, 1)
        if quarter != self.last_quarter and done < total:
            self.last_quarter = quarter
            click.echo(f"{slug}: synthesizing, {done}/{total} sentences ready", err=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@cli.command()
@click.argument("episodes", nargs=-1)
@click.option("--no-audio", is_flag=True, help="Skip the narrated draft (text outputs only).")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Episodes built at once (each in its own process).",
)
@click.option("--voice", metavar="NAME", help="Use this voice profile instead of the episode's.")
@click.option("--force", is_flag=True, help="Build every kit again, even when nothing changed.")
@click.pass_context
def build(
    ctx: click.Context,
    episodes: tuple[str, ...],
    no_audio: bool,
    jobs: int,
    voice: str | None,
    force: bool,
) -> None:
    """Build episode kits into build/<slug>/.

    EPISODES are paths, slugs or numbers (default: every episode). Writes script.md,
    narration.txt, subtitles.srt/.vtt, chapters.txt/.json, timing.json and, unless
    --no-audio, narration.mp3 (synthesized sentences are cached in build/.cache/).
    A kit is built again only when its episode, the channel, a template, a voice or
    lexicon, its recording or music, the options or the toolkit changed (--force: always).
    """
    from toolkit.channel import load_channel
    from toolkit.lock import channel_lock, die_with_parent
    from toolkit.outputs import kits

    root = _root(ctx)
    channel = load_channel(root)
    heads = kits.episode_heads(root)
    slugs = kits.check_unique(root, heads)
    paths = kits.select_episodes(root, episodes, heads)
    audio = not no_audio
    failed = 0
    built = 0
    said: set[str] = set()

    def waiting() -> None:
        click.echo("waiting for another build of this channel to finish…", err=True)

    def failure(path: Path, exc: ToolkitError) -> None:
        nonlocal failed
        if ctx.obj.get("debug"):
            raise exc
        failed += 1
        if str(exc) not in said:  # a broken template fails every episode the same way
            said.add(str(exc))
            click.echo(f"error: {exc}", err=True)

    with channel_lock(root / "build", waiting):
        # A kit is built again only when something it is made from changed (its manifest
        # says; see toolkit.outputs.kits.kit_inputs), or with --force.
        shared = kits.channel_inputs(root)  # read once, before any episode is built
        stale = [
            p
            for p in paths
            if force
            or not kits.kit_is_current(
                root, p, channel, audio=audio, voice=voice, head=heads.get(p), shared=shared
            )
        ]
        current = len(paths) - len(stale)
        bar = _EpisodeProgress(len(stale), audio and jobs == 1)
        if stale:
            from toolkit.build import BuildOptions, build_episode
        if jobs > 1 and len(stale) > 1:
            from concurrent.futures import ProcessPoolExecutor

            work = [(root, p, audio, voice, 1) for p in stale]
            workers = min(jobs, len(work))
            with bar, ProcessPoolExecutor(max_workers=workers, initializer=die_with_parent) as pool:
                futures = [pool.submit(_build_one, w) for w in work]
                for path, future in zip(stale, futures, strict=True):
                    try:
                        bar.report(future.result())
                        built += 1
                    except ToolkitError as exc:
                        failure(path, exc)
                    bar.advance()
        elif stale:
            progress = _SynthesisProgress()
            workers = 1
            if audio:  # the audio modules load only for a build that makes audio
                from toolkit.audio.narrate import default_workers

                workers = default_workers(jobs if jobs > 1 else None)
            try:
                with bar:
                    for path in stale:
                        options = BuildOptions(
                            audio=audio,
                            voice=voice,
                            workers=workers,
                            progress=progress,
                            shared_inputs=shared,
                        )
                        try:
                            result = build_episode(root, path, options)
                        except ToolkitError as exc:
                            progress.close()
                            failure(path, exc)
                            bar.advance()
                            continue
                        progress.close()
                        bar.report(result)
                        bar.advance()
                        built += 1
            finally:
                progress.close()
        if current:
            click.echo(f"{current} episode{'s' if current != 1 else ''} up to date")
        # The catalogue page and the feed: written again only when an entry changed.
        catalogue = kits.catalogue_inputs(root, slugs, channel.feed.image)
        if (built or current) and (force or not kits.catalogue_is_current(root, catalogue)):
            from toolkit.build import write_catalogue

            kits.forget_catalogue(root)
            written = [write_catalogue(root, channel, slugs).name]
            if channel.feed.enabled:
                from toolkit.publish.feed import feed_articles, write_feed

                articles = feed_articles(root, heads)
                feed = write_feed(root, channel, articles)
                if feed is not None:
                    click.echo(f"feed: {feed}")
                    written.append(Path(feed).name)
            kits.record_catalogue(root, catalogue, written)
    if failed:
        # Each failed episode said why above; the others were built.
        ctx.exit(1)


def _report(result: Any) -> None:
    click.echo(result.summary())
    for warning in result.warnings:
        click.echo(f"warning: {result.slug}: {warning}", err=True)


@cli.command()
@click.argument("episodes", nargs=-1, required=True)
@click.pass_context
def video(ctx: click.Context, episodes: tuple[str, ...]) -> None:
    """Render build/<slug>/video.mp4 for YouTube from each of EPISODES' built kits.

    EPISODES are paths, slugs or numbers. 1920x1080 H.264 and AAC: the kit's audio
    (episode.mp3, else narration.mp3: build with audio first), the [video] background
    picture or colour, a title card as each chapter starts and the subtitles burned in
    with the [video] style from channel.toml.
    """
    from toolkit.build import select_episodes
    from toolkit.channel import load_channel
    from toolkit.lock import channel_lock
    from toolkit.outputs.script import duration
    from toolkit.publish.video import render_video
    from toolkit.text.article import load_article

    root = _root(ctx)
    channel = load_channel(root)
    paths = select_episodes(root, episodes)
    with channel_lock(root / "build"):
        for path in paths:
            slug = load_article(path).slug
            with _progress(f"{slug}: rendering video") as progress:
                result = render_video(root, slug, channel, progress)
            click.echo(f"wrote {result.path} ({duration(result.duration_ms)}, {result.audio})")
            for warning in result.warnings:
                click.echo(f"warning: {slug}: {warning}", err=True)


@cli.command()
@click.argument("episode")
@click.argument("recording", type=click.Path(path_type=Path))
@click.pass_context
def align(ctx: click.Context, episode: str, recording: Path) -> None:
    """Follow your own RECORDING of EPISODE: name it in the front matter and build.

    Writes `recording: ...` into EPISODE's front matter (relative to the channel folder when
    the file is inside it; the rest of the file is kept byte for byte), then builds the kit
    on the recording: subtitles, chapters, timing.json and episode.mp3 follow your voice,
    and every place where the recording and the script disagree is reported."""
    from toolkit.align.follow import name_recording
    from toolkit.outputs import kits

    root = _root(ctx)
    (path,) = kits.select_episodes(root, (episode,))
    name_recording(root, path, recording)
    ctx.invoke(build, episodes=(str(path),))


@cli.command()
@click.argument("episode")
@click.option("--voice", metavar="NAME", help="Estimate for this voice profile.")
@click.pass_context
def timing(ctx: click.Context, episode: str, voice: str | None) -> None:
    """Print the estimated timing of EPISODE (a path, slug or number), segment by segment."""
    from toolkit.build import plan_episode, select_episodes
    from toolkit.channel import load_channel
    from toolkit.outputs.chapters import clock
    from toolkit.outputs.script import duration
    from toolkit.text.article import load_article

    root = _root(ctx)
    channel = load_channel(root)
    [path] = select_episodes(root, [episode])
    plan = plan_episode(root, load_article(path), channel, voice)
    tl = plan.timeline
    width = max(len("segment"), *(len(s.title) for s in tl.segments))
    click.echo(f"{'segment':<{width}}  {'start':>8}  {'duration':>8}  {'words':>6}")
    for seg in tl.segments:
        click.echo(
            f"{seg.title:<{width}}  {clock(seg.start_ms):>8}  "
            f"{duration(seg.end_ms - seg.start_ms):>8}  {seg.words:>6}"
        )
    words = sum(s.words for s in tl.segments)
    click.echo(f"{'total':<{width}}  {'':>8}  {duration(tl.total_ms):>8}  {words:>6}")
    click.echo(f"(estimated for voice {tl.voice}; the audio build measures it)")


@cli.command()
@click.pass_context
def voices(ctx: click.Context) -> None:
    """List the voice profiles: built in and from the channel's voices/ folder."""
    from toolkit.voice import available_voices

    # How each engine sounds and how fast it speaks on one core (measured, see the README).
    kinds = {
        "espeak": ("formant", "~400x real time"),
        "piper": ("neural", "~7x real time"),
        "gtts": ("neural", "network-bound"),
    }
    profiles = available_voices(_root(ctx))
    width = max(len(n) for n in profiles)
    for name, p in profiles.items():
        where = "online (needs the internet)" if p.online else "offline"
        kind, speed = kinds.get(p.engine, ("", ""))
        click.echo(
            f"{name:<{width}}  {p.engine:<6}  {p.language:<6}  {kind:<7}  {where:<7}  "
            f"{speed:<15}  {p.source}"
        )


@cli.command()
@click.argument("voice")
@click.option("--dry-run", is_flag=True, help="Measure and print, but do not write the profile.")
@click.pass_context
def calibrate(ctx: click.Context, voice: str, dry_run: bool) -> None:
    """Measure VOICE's real speaking rate and clause pause and write them into its profile.

    Synthesizes a reference passage; the result goes into voices/VOICE.toml ([estimate]),
    copying a built-in profile into the channel first. Estimates then match the audio.
    """
    from toolkit.outputs.script import duration
    from toolkit.timing.calibrate import calibrate_voice, save_calibration
    from toolkit.voice import load_voice

    root = _root(ctx)
    profile = load_voice(voice, root)
    result = calibrate_voice(profile)
    click.echo(
        f"{voice}: {result.words_per_minute:g} words a minute, {result.comma_pause_ms} ms at "
        f"a comma ({result.sentences} sentences, {duration(result.measured_ms)} of speech; "
        f"the old estimate said {duration(result.estimated_before_ms)})"
    )
    if not dry_run:
        target = save_calibration(root, profile, result)
        click.echo(f"wrote {target}")


@cli.command()
@click.argument("episode")
@click.option("--segment", "segment", metavar="N|TITLE", help="One segment, by number or title.")
@click.option("--voice", metavar="NAME", help="Use this voice profile instead of the episode's.")
@click.option("--play", is_flag=True, help="Play the result with a player found on the system.")
@click.pass_context
def preview(
    ctx: click.Context, episode: str, segment: str | None, voice: str | None, play: bool
) -> None:
    """Render EPISODE (or one --segment of it) to build/<slug>/preview-*.mp3 to listen to.

    Segments are numbered from 1 (the intro) as `toolkit timing` lists them.
    """
    from toolkit.lock import channel_lock
    from toolkit.preview import play_file, render_preview

    root = _root(ctx)
    with channel_lock(root / "build"):
        result = render_preview(root, episode, segment, voice)
    click.echo(f"wrote {result.path} ({result.summary})")
    if play:
        player = play_file(result.path)
        click.echo(f"playing with {player}")


@cli.command()
@click.argument("episodes", nargs=-1)
@click.option(
    "--channel-names",
    is_flag=True,
    help="Count names across the whole channel, not each episode alone (the page's way).",
)
@click.pass_context
def lint(ctx: click.Context, episodes: tuple[str, ...], channel_names: bool) -> None:
    """Report what will sound or read wrong in EPISODES (default: all), as file:line: message.

    Checks names spelled two ways in an episode (with --channel-names: across the channel),
    sentences over 40 words, numbers or symbols that cannot be said, unbalanced quotes or
    brackets, leftover markup and cues that break the subtitle rules (estimated timing).
    Without --channel-names these are exactly the findings the episode's page shows.
    Exit 0 when clean, 1 when something was found.
    """
    from toolkit.build import (
        check_unique,
        episode_files,
        lint_plan,
        plan_episode,
        select_episodes,
    )
    from toolkit.channel import load_channel
    from toolkit.outputs.kits import episode_heads
    from toolkit.text.article import load_article
    from toolkit.text.lint import name_counts

    root = _root(ctx)
    channel = load_channel(root)
    heads = episode_heads(root)
    check_unique(root, heads)
    chosen = select_episodes(root, episodes, heads)
    plans = {}
    others = set(episode_files(root)) if channel_names else set()
    for path in sorted(others | set(chosen)):
        try:
            plans[path] = plan_episode(root, load_article(path), channel)
        except ToolkitError as exc:
            if path in chosen:
                raise
            click.echo(f"warning: skipped for name checks: {exc}", err=True)
    names = name_counts(p.episode for p in plans.values()) if channel_names else None
    total = 0
    for path in chosen:
        findings = lint_plan(plans[path], channel, names)
        for finding in findings:
            click.echo(str(finding))
            total += 1
    if total:
        click.echo(f"{total} problem{'s' if total != 1 else ''} found", err=True)
        ctx.exit(1)
    click.echo(f"no problems in {len(chosen)} episode{'s' if len(chosen) != 1 else ''}", err=True)


def main() -> None:
    # A build makes millions of small objects, nearly all freed as soon as they are done
    # with (reference counting, no cycles); at Python's default pace the cycle collector
    # scans them every 700 allocations, a tenth of a no-audio build. Collect less often,
    # and never again scan what start-up made (it lives as long as the process). What a
    # build imports stays too: some 55,000 objects for one episode's code and its
    # libraries, so at 50,000 the one collection of a build scanned them all for nothing
    # (15 ms); a 200-episode build ends with fewer than 100,000 not freed.
    gc.freeze()
    gc.set_threshold(200_000, 20, 20)
    try:
        cli.main(prog_name="toolkit")
    finally:
        # As the process ends, Python collects once more over every object it tracks and
        # has not frozen: all that a build imported and made, a fifth of a one-episode
        # build's time. The process is done with them (its files are closed by their
        # `with` blocks, its output flushed at exit), so they are frozen and left to the
        # end of the process.
        gc.freeze()


if __name__ == "__main__":  # pragma: no cover
    main()
