"""video.mp4: the episode as a video for YouTube, from a built kit.

1920x1080 H.264 with AAC audio: the kit's audio (the recording's episode.mp3, else the
draft narration.mp3) over the channel's background picture or a plain colour, a title card
as each chapter starts, and the subtitles burned in with the channel's [video] style.

`compose_ass` is pure: the kit's timeline and the [video] settings in, an ASS subtitle
script out (written with pysubs2). `render_video` is the edge: ffmpeg's libass draws that
script (`ass` filter) with fonts from a folder we control, so a machine without system fonts
renders the same captions: Noto Sans ships in a wheel (fontpkg-noto-sans, OFL), and the
channel may add its own in episodes/fonts/. A still picture needs few frames: the video
runs at VIDEO_FPS frames a second (every cue lasts at least 833 ms, so each is on screen
for several frames), encoded with x264's still-image tuning. The file is written under a
temporary name and renamed when complete: Ctrl-C or a failure leaves no partial video.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import pysubs2

from toolkit.channel import Channel, VideoSettings, channel_file
from toolkit.errors import EngineError, EpisodeError, InputError
from toolkit.files import read_text, temp_name
from toolkit.outputs.chapters import segment_chapters
from toolkit.publish.kit import audio_length_ms, kit_audio
from toolkit.timing.timeline import Timeline, read_timing_json

WIDTH, HEIGHT = 1920, 1080
VIDEO_FPS = 5  # a caption appears at most 200 ms late; cues last 833 ms or more
VIDEO_FILE = "video.mp4"
BUNDLED_FONT = "Noto Sans"
_FONT_SUFFIXES = (".ttf", ".otf", ".ttc")


@dataclass(frozen=True)
class VideoResult:
    path: Path
    audio: str  # which kit audio file it carries
    duration_ms: int
    warnings: tuple[str, ...] = ()


def _colour(hex_colour: str) -> pysubs2.Color:
    value = hex_colour.lstrip("#")
    return pysubs2.Color(int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16), 0)


def _ass_text(text: str) -> str:
    """Display text as literal ASS text: braces start override tags and a backslash an
    escape in ASS, so they become look-alikes; lines break with \\N."""
    safe = text.replace("\\", "\u29f5").replace("{", "(").replace("}", ")")
    return "\\N".join(line.strip() for line in safe.split("\n"))


def card_titles(timeline: Timeline, episode_title: str, channel_name: str) -> list[str]:
    """What each chapter's title card says: the episode's title over the intro, the
    channel's name over the outro, the section's title elsewhere."""
    titles = []
    for seg in timeline.segments:
        if seg.kind == "intro":
            titles.append(episode_title)
        elif seg.kind == "outro":
            titles.append(channel_name)
        else:
            titles.append(seg.title)
    return titles


def compose_ass(
    timeline: Timeline, settings: VideoSettings, episode_title: str, channel_name: str
) -> str:
    """The ASS script: a "Caption" event per cue and a "Title" event per chapter."""
    subs = pysubs2.SSAFile()
    subs.info["PlayResX"] = str(WIDTH)
    subs.info["PlayResY"] = str(HEIGHT)
    subs.info["WrapStyle"] = "2"  # our cues already carry their line breaks
    subs.info["ScaledBorderAndShadow"] = "yes"
    subs.info["Title"] = episode_title
    outline = max(2.0, settings.font_size / 18)
    subs.styles["Caption"] = pysubs2.SSAStyle(
        fontname=settings.font,
        fontsize=settings.font_size,
        primarycolor=_colour(settings.text_colour),
        outlinecolor=_colour(settings.outline_colour),
        backcolor=pysubs2.Color(0, 0, 0, 128),
        outline=outline,
        shadow=0,
        alignment=(
            pysubs2.Alignment.TOP_CENTER
            if settings.position == "top"
            else pysubs2.Alignment.BOTTOM_CENTER
        ),
        marginl=settings.margin,
        marginr=settings.margin,
        marginv=settings.margin,
    )
    subs.styles["Title"] = pysubs2.SSAStyle(
        fontname=settings.font,
        fontsize=round(settings.font_size * 1.8),
        bold=True,
        primarycolor=_colour(settings.text_colour),
        outlinecolor=_colour(settings.outline_colour),
        outline=outline * 1.5,
        shadow=0,
        alignment=pysubs2.Alignment.MIDDLE_CENTER,
        marginl=settings.margin * 2,
        marginr=settings.margin * 2,
        marginv=settings.margin,
    )
    titles = card_titles(timeline, episode_title, channel_name)
    for chapter, title in zip(segment_chapters(timeline), titles, strict=True):
        end = min(chapter.start_ms + settings.title_card_ms, chapter.end_ms)
        if end > chapter.start_ms and title:
            subs.append(
                pysubs2.SSAEvent(
                    start=chapter.start_ms, end=end, text=_ass_text(title), style="Title"
                )
            )
    for cue in timeline.cues:
        subs.append(
            pysubs2.SSAEvent(
                start=cue.start_ms, end=cue.end_ms, text=_ass_text(cue.text), style="Caption"
            )
        )
    text: str = subs.to_string("ass")
    return text


def audio_of(folder: Path) -> Path:
    """The audio a kit holds, or an error that says how to get some."""
    audio = kit_audio(folder)
    if audio is None:
        raise EpisodeError(
            f"no audio in {folder}: a video needs episode.mp3 or narration.mp3",
            hint=f"build it with audio first (`toolkit build {folder.name}`)",
        )
    return audio


def font_folder(root: Path, into: Path) -> Path:
    """A folder of links to the fonts libass may use: the bundled Noto Sans and the
    channel's episodes/fonts/."""
    import fontpkg_noto_sans

    fonts = into / "fonts"
    fonts.mkdir()
    sources = sorted((Path(fontpkg_noto_sans.ROOT) / "files").glob("*.ttf"))
    own = root / "episodes" / "fonts"
    if own.is_dir():
        sources += sorted(p for p in own.iterdir() if p.suffix.lower() in _FONT_SUFFIXES)
    for i, path in enumerate(sources):
        link = fonts / f"{i:03d}{path.suffix.lower()}"
        try:
            link.symlink_to(path.resolve())
        except OSError:  # no symbolic links here (some Windows set-ups): copy instead
            shutil.copyfile(path, link)
    return fonts


def _fontconfig(into: Path, fonts: Path) -> dict[str, str]:
    """An environment whose fontconfig sees only our font folder, so the system's fonts
    (or their absence) change nothing."""
    conf = into / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
        f"<fontconfig><dir>{escape(str(fonts))}</dir>"
        f"<cachedir>{escape(str(into / 'fc-cache'))}</cachedir></fontconfig>\n",
        encoding="utf-8",
    )
    env = dict(os.environ)
    env["FONTCONFIG_FILE"] = str(conf)
    env.pop("FONTCONFIG_PATH", None)
    return env


def background_input(root: Path, settings: VideoSettings, source: str) -> tuple[list[str], str]:
    """ffmpeg input arguments for the background, and the filter that fits it to 1080p."""
    fit = (
        f"scale={WIDTH}:{HEIGHT}:force_original_aspect_ratio=decrease,"
        f"pad={WIDTH}:{HEIGHT}:(ow-iw)/2:(oh-ih)/2:color=0x{settings.background_colour[1:]},"
        "setsar=1"
    )
    if not settings.background:
        colour = f"color=c=0x{settings.background_colour[1:]}:s={WIDTH}x{HEIGHT}:r={VIDEO_FPS}"
        return ["-f", "lavfi", "-i", colour], "setsar=1"
    picture = channel_file(root, settings.background)
    if picture is None:
        raise InputError(
            f"video.background {settings.background} is missing",
            path=source,
            hint="name a picture relative to the episodes folder, or remove the setting",
        )
    return ["-loop", "1", "-framerate", str(VIDEO_FPS), "-i", str(picture.resolve())], fit


def ffmpeg_args(
    background: list[str], fit: str, audio: Path, duration_ms: int, output: Path
) -> list[str]:
    return [
        "-hide_banner",
        "-nostdin",
        "-nostats",
        "-loglevel",
        "error",
        "-progress",
        "pipe:1",
        *background,
        "-i",
        str(audio),
        "-filter_complex",
        f"[0:v]{fit},ass=filename=video.ass:fontsdir=fonts,format=yuv420p[v]",
        "-map",
        "[v]",
        "-map",
        "1:a",
        "-t",
        f"{duration_ms / 1000:.3f}",
        "-r",
        str(VIDEO_FPS),
        "-c:v",
        "libx264",
        "-preset",
        "veryfast",
        "-tune",
        "stillimage",
        "-crf",
        "23",
        "-g",
        str(VIDEO_FPS * 10),
        "-c:a",
        "aac",
        "-b:a",
        "160k",
        "-movflags",
        "+faststart",
        "-map_metadata",
        "-1",
        "-map_chapters",  # the MP3's chapters would make a broken QuickTime chapter track
        "-1",
        "-f",
        "mp4",
        "-y",
        str(output),
    ]


_OUT_TIME = re.compile(r"^out_time_us=(\d+)$")


def run_encoder(
    args: list[str],
    cwd: Path,
    env: dict[str, str],
    duration_ms: int,
    progress: Callable[[int, int], None] | None,
) -> None:
    """Run ffmpeg, reporting its progress (-progress lines) in milliseconds done."""
    from toolkit.audio.ffmpeg import _reason, ffmpeg_exe

    with tempfile.TemporaryFile() as errors:
        try:
            proc = subprocess.Popen(
                [ffmpeg_exe(), *args],
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=errors,
                text=True,
            )
        except OSError as exc:
            raise EngineError(
                f"ffmpeg could not be started: {exc.strerror or exc}",
                hint="reinstall imageio-ffmpeg",
            ) from exc
        try:
            assert proc.stdout is not None
            for line in proc.stdout:
                match = _OUT_TIME.match(line.strip())
                if progress is None:
                    continue
                if match:
                    progress(min(duration_ms, int(match.group(1)) // 1000), duration_ms)
                elif line.strip() == "progress=end":
                    progress(duration_ms, duration_ms)
            code = proc.wait()
        finally:
            if proc.poll() is None:  # interrupted: stop ffmpeg before the file is removed
                proc.terminate()
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        if code != 0:
            errors.seek(0)
            raise EngineError(f"ffmpeg failed to render the video: {_reason(errors.read())}")


def render_video(
    root: Path,
    slug: str,
    channel: Channel,
    progress: Callable[[int, int], None] | None = None,
) -> VideoResult:
    """Render build/<slug>/video.mp4 from the kit in build/<slug>/."""
    folder = root / "build" / slug
    timing = folder / "timing.json"
    if not timing.is_file():
        raise EpisodeError(
            f"no kit in {folder}", hint=f"build the episode first (`toolkit build {slug}`)"
        )
    timeline, title = read_timing_json(read_text(timing), str(timing))
    audio = audio_of(folder)
    duration_ms = audio_length_ms(audio)
    settings = channel.video
    background, fit = background_input(root, settings, channel.source)
    target = folder / VIDEO_FILE
    work = Path(tempfile.mkdtemp(prefix="toolkit-video-"))
    partial = temp_name(target)
    try:
        (work / "video.ass").write_text(
            compose_ass(timeline, settings, title, channel.name), encoding="utf-8"
        )
        fonts = font_folder(root, work)
        env = _fontconfig(work, fonts)
        args = ffmpeg_args(background, fit, audio.resolve(), duration_ms, partial.resolve())
        run_encoder(args, work, env, duration_ms, progress)
        os.chmod(partial, 0o644)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
        shutil.rmtree(work, ignore_errors=True)
    return VideoResult(target, audio.name, duration_ms, tuple(font_warnings(root, settings)))


def font_warnings(root: Path, settings: VideoSettings) -> list[str]:
    """libass quietly falls back to Noto Sans when the channel's font is not there."""
    own = root / "episodes" / "fonts"
    if settings.font == BUNDLED_FONT or (
        own.is_dir() and any(p.suffix.lower() in _FONT_SUFFIXES for p in own.iterdir())
    ):
        return []
    return [
        f"video.font {settings.font!r} is not bundled and episodes/fonts/ has no font files: "
        f"the captions use {BUNDLED_FONT} (put the font's .ttf or .otf file in episodes/fonts/)"
    ]
